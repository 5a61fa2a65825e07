import type { ChangeKind } from './changes.js';
import type { Claim, Stance } from './claims.js';
import type { Paper, RawFormat } from './paper.js';
import type { StanceCounts } from './report.js';
import type { ClaimSuggestion } from './suggest.js';
import type { IntegrityDisagreement, IntegritySource, IntegrityState, IntegrityStatus } from './integrity.js';
import type { Estimate } from '../screening/screening.js';

// The shapes the use cases return and the renderers print: plain data, no behaviour, so that src/report
// needs nothing from src/app or src/store. app/ and store/ re-export the ones they produce.

// Searches

/** One newly stored paper, as the summary lists it. */
export interface NewPaper {
  pmid: number;
  year: number | null;
  firstAuthor: string | null;
  title: string | null;
}

/** A change to a tagged paper. */
export interface TaggedChange {
  pmid: number;
  title: string | null;
  claims: string[];
  kinds: ChangeKind[];
  notices: number[];
}

/** The outcome of one saved search in one run. */
export interface SearchOutcome {
  name: string;
  ok: boolean;
  error: string | null;
  /** The Entrez-date window asked for; null bounds on a first run (everything). */
  window: { datetype: 'edat'; mindate: string | null; maxdate: string | null };
  found: number;
  new: number;
  updated: number;
  known: number;
  /** PMIDs the search listed that efetch did not return even when asked again. */
  notReturned: number[];
  watermark: { before: string | null; after: string | null };
  newPapers: NewPaper[];
}

/** The outcome of fetching the reading list on the first search. */
export interface ReadingListOutcome {
  ok: boolean;
  error: string | null;
  requested: number;
  added: number;
  notReturned: number[];
}

/** The outcome of re-fetching tagged papers. */
export interface RefreshOutcome {
  ok: boolean;
  error: string | null;
  /** Tagged papers, all of which are fetched again each run. */
  checked: number;
  /** Tagged papers whose record changed this run. */
  updated: number;
  notReturned: number[];
  /** Every change to a tagged paper this run, from any source. */
  changes: TaggedChange[];
}

/** Everything one `claimwatch search` did. */
export interface SearchSummary {
  runId: number | null;
  dryRun: boolean;
  ok: boolean;
  /** A failure that stopped the whole run (PubMed unreachable), else null. */
  error: string | null;
  startedAt: string;
  finishedAt: string;
  today: string;
  /** Tagged papers that became retracted or got an erratum or expression of concern. */
  alerts: TaggedChange[];
  searches: SearchOutcome[];
  readingList: ReadingListOutcome | null;
  refresh: RefreshOutcome | null;
  requests: number;
  retries: number;
  /** The Crossref check of the tagged papers after the PubMed part; absent in a dry run or without one. */
  integrity?: IntegrityCheckOutcome | null;
}

/** One paper whose integrity status changed or got a new notice. */
export interface StatusChangeView {
  pmid: number;
  title: string | null;
  from: IntegrityStatus | null;
  to: IntegrityStatus | null;
  /** The claims the paper is tagged for. */
  claims: string[];
  /** The notices that were new, with their sources. */
  notices: { status: IntegrityStatus; source: IntegritySource; noticeDoi: string | null; noticePmid: number | null; date: string | null }[];
  disagreements: IntegrityDisagreement[];
}

/** What one Crossref check did (`integrity check`, or the end of `search`). */
export interface IntegrityCheckOutcome {
  ok: boolean;
  /** Why the check stopped or what failed, else null. */
  error: string | null;
  /** Papers looked at, and how many of them have no DOI to ask about. */
  papers: number;
  withoutDoi: number;
  /** Papers Crossref answered for (with a record or a 404). */
  checked: number;
  /** Papers Crossref has no record of (404). */
  noRecord: number;
  failed: { pmid: number; doi: string; error: string }[];
  changes: StatusChangeView[];
  requests: number;
  retries: number;
}

/** What `integrity import FILE.csv` did. */
export interface IntegrityImportOutcome {
  file: string;
  /** Data rows read. */
  rows: number;
  /** Rows about papers in the library. */
  matchedRows: number;
  papers: number;
  /** Notices recorded for the first time. */
  added: number;
  /** Notices already recorded from an earlier import. */
  unchanged: number;
  /** Matched rows whose RetractionNature is no status claimwatch knows. */
  unknownNature: number;
  changes: StatusChangeView[];
}

/** What `claimwatch fetch` did. */
export interface FetchSummary {
  runId: number;
  ok: boolean;
  error: string | null;
  requested: number;
  added: NewPaper[];
  updated: number;
  unchanged: number;
  notReturned: number[];
}

/** A saved PubMed search as stored. */
export interface SavedQuery {
  name: string;
  term: string;
  description: string | null;
  createdAt: string;
  removedAt: string | null;
  lastSuccessAt: string | null;
  /** Local date (YYYY/MM/DD) of the last fully successful run; null before the first one. */
  watermark: string | null;
}

/** A saved search with what it has found so far. */
export interface QuerySummary extends SavedQuery {
  papers: number;
}

/** One per-search line of a run. */
export interface RunSearchRow {
  query: string;
  status: 'ok' | 'failed';
  mindate: string | null;
  maxdate: string | null;
  found: number;
  new: number;
  updated: number;
  known: number;
  error: string | null;
}

/** A logged run. */
export interface RunRow {
  id: number;
  kind: 'search' | 'fetch';
  startedAt: string;
  finishedAt: string | null;
  status: 'running' | 'ok' | 'failed';
  error: string | null;
  searches: RunSearchRow[];
}

// Imports

/** What importing one file did. */
export interface FileImport {
  file: string;
  format: RawFormat | null;
  ok: boolean;
  error: string | null;
  added: number;
  updated: number;
  unchanged: number;
  deleted: number;
  /** Records of a CSV or RIS file without a PMID: not imported. */
  skipped: number;
  /** The lines the first of them start on. */
  skippedLines: number[];
  /**
   * With `import --labels`: the reviewer the export's exclusions were recorded for, how many became
   * dismissals, were dismissed already, were inclusions (counted, nothing recorded), or were left alone
   * because the reviewer has tagged the paper (the first of those PMIDs). Null without --labels.
   */
  labels: { reviewer: string; dismissed: number; unchanged: number; included: number; tagged: number; taggedPmids: number[] } | null;
}

/** Totals over all files plus each file's outcome. */
export interface ImportSummary {
  added: number;
  updated: number;
  unchanged: number;
  deleted: number;
  skipped: number;
  failed: number;
  files: FileImport[];
}

// Papers, tags and claims

/** A paper as `show --json`, `papers --json` and `inbox --json` print it: the record without its raw text, plus the library's state. */
export type PaperView = Omit<Paper, 'raw' | 'rawFormat'> & {
  deleted: boolean;
  dismissed: boolean;
  dismissals: { reviewer: string; reason: string | null; at: string }[];
  tags: { claim: string; stance: Stance; note: string | null; reviewer: string; at: string }[];
  /** Which saved searches (or 'reading-list', 'fetch') found the paper, and when; only `show` fills it. */
  foundBy?: { source: string; firstSeenAt: string }[];
  /** The integrity status from every source, with its notices and any disagreement; null when nothing bears on it. */
  integrity: IntegrityState | null;
};

/** What a tagging action did, for the command to report. */
export interface TagChange {
  pmid: number;
  /** null for dismissals, which concern the paper as a whole. */
  claim: string | null;
  reviewer: string;
  action: 'tagged' | 'retagged' | 'unchanged' | 'untagged' | 'dismissed' | 'undismissed';
  from: Stance | null;
  to: Stance | null;
  note: string | null;
  /** A dismissal's standard exclusion reason (its code), when one was chosen. */
  reasonCode?: string | null;
  retracted: boolean;
}

/** A claim with the number of papers per stance. */
export interface ClaimSummary extends Claim {
  counts: StanceCounts;
}

// History and the team log

/** One entry of the append-only history. */
export interface HistoryEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  pmid: number | null;
  claimId: string | null;
  oldValue: string | null;
  newValue: string | null;
  note: string | null;
}

/** What a log entry changed: a tag, a dismissal, a claim, or (recorded by claimwatch itself) a paper's status. */
export type LogKind = 'tag' | 'dismissal' | 'claim' | 'paper';

/** One change in the team log: a history entry with its kind. */
export type LogEntry = HistoryEntry & { kind: LogKind };

// Triage

/** What the single-key reader is waiting for: any key, the stance of a chosen claim, or the text of a note. */
export type KeyMode = { kind: 'browse' } | { kind: 'stance'; claim: string } | { kind: 'note'; text: string } | { kind: 'reason' };

/** Everything the card of the current paper shows. */
export interface TriageCard {
  paper: PaperView;
  /** 1-based position in the queue, and its length. */
  position: number;
  total: number;
  reviewer: string;
  /** The suggestions numbered first on the card (at most SUGGESTIONS_SHOWN), best first. */
  suggestions: ClaimSuggestion[];
  /** Claims as numbered on the card: numbering[0] is key 1. */
  numbering: Claim[];
  /** Papers the session would still show after this one. */
  remaining: number;
  /** The order of the queue: learned from the decisions, or newest first (before there is anything to learn from, or --order newest). */
  order: 'ranked' | 'newest';
  /** How likely the paper is to matter (0-1), null before there is a tag and a dismissal. */
  score: number | null;
  /** What is still unread, and the stopping advice. */
  estimate: Estimate;
}

/** What an action did, for the command to show. */
export type TriageEvent =
  | { kind: 'tagged'; change: TagChange }
  | { kind: 'noted'; change: TagChange }
  | { kind: 'dismissed'; pmid: number }
  | { kind: 'skipped'; pmid: number }
  | { kind: 'next'; pmid: number }
  | { kind: 'undone'; what: string; pmid: number }
  | { kind: 'refused'; reason: string }
  | { kind: 'help' }
  | { kind: 'quit' };

/** What a session decided, once undos are taken out. */
export interface TriageSummary {
  reviewer: string;
  total: number;
  /** Papers shown at least once. */
  seen: number;
  papersTagged: number;
  tags: Record<Stance, number>;
  dismissed: number;
  skipped: number;
  quit: boolean;
  /** What is still unread after the session, and the stopping advice. */
  estimate?: Estimate;
}

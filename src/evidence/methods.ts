// What the methods paragraph of a review update is written from: each a number or a date read from the library.
import type { Agreement } from './agreement.js';
import type { PrismaFlow } from './prisma.js';

/** One saved search as the methods describe it. */
export interface MethodsSearch {
  name: string;
  term: string;
  description: string | null;
  removed: boolean;
  /** Runs in which it was sent, and in how many it succeeded. */
  runs: number;
  succeeded: number;
  /** Local dates (YYYY/MM/DD) of its first and last run. */
  firstRun: string | null;
  lastRun: string | null;
  /** Runs that had no date limit (a first run), and runs limited by Entrez date. */
  unlimitedRuns: number;
  windowedRuns: number;
  /** Records it found in the update (as in the flow). */
  records: number;
}

/** Everything the paragraph says, each a number or a date read from the library. */
export interface MethodsFacts {
  generatedAt: string;
  since: string | null;
  version: string;
  searches: MethodsSearch[];
  /** Search runs (claimwatch search), on how many distinct nights, how many succeeded, first and last local date. */
  runs: { total: number; nights: number; ok: number; failed: number; first: string | null; last: string | null };
  /** Runs whose refresh of tagged papers succeeded, and the most tagged papers one refresh checked. */
  refresh: { runs: number; maxChecked: number };
  /** Retractions, errata and expressions of concern recorded for papers that carried a tag. */
  notices: { retracted: number; errata: number; concerns: number };
  /** Files imported and PMIDs added by hand. */
  imports: number;
  flow: PrismaFlow;
  reviewers: { name: string; tagged: number; dismissed: number; withReason: number }[];
  /** Papers on which two or more reviewers recorded a decision. */
  doubleScreened: number;
  /** Papers and claims whose reviewers gave different stances (claimwatch conflicts). */
  conflicts: number;
  agreement: Agreement[];
  reasons: { code: string; label: string }[];
  /** How triage ordered the screening, as recorded with each decision; null when no decision was made in ranked order. */
  screening: ScreeningUse | null;
}

/** What triage recorded of its ranked order and stopping advice (settings key 'screening'). */
export interface ScreeningUse {
  /** Decisions (tags and dismissals) made in triage while it followed the ranking, and their first and last days. */
  rankedDecisions: number;
  firstRanked: string;
  lastRanked: string;
  /** When the stopping test first advised stopping, and how many papers had been screened then; null if it never did. */
  stopAdvisedAt: string | null;
  screenedAtStop: number | null;
}

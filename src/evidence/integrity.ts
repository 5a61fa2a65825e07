// A paper's integrity status and where it comes from: PubMed's CommentsCorrections and publication types,
// Crossref's `updated-by` links (the publisher's, or Retraction Watch's served by Crossref), and the
// Retraction Watch CSV. Pure: every source is turned into the same events, and the status is derived from them.
import type { Paper, PaperLink } from './paper.js';

/** The statuses a paper can have, most severe first; `reinstated` undoes a retraction, withdrawal or removal. */
export const INTEGRITY_STATUSES = [
  'retracted', 'withdrawn', 'removed', 'retracted-republished', 'concern', 'corrected', 'reinstated',
] as const;
export type IntegrityStatus = (typeof INTEGRITY_STATUSES)[number];

/** Statuses that take a paper out of every count and grade, as a retraction always did. */
export const EXCLUDING: ReadonlySet<IntegrityStatus> = new Set(['retracted', 'withdrawn', 'removed', 'retracted-republished']);

/** Where a status event was learned. */
export const INTEGRITY_SOURCES = ['pubmed', 'crossref', 'crossref-rw', 'rw-file'] as const;
export type IntegritySource = (typeof INTEGRITY_SOURCES)[number];

/** How a source is named to a reader. */
export const SOURCE_LABELS: Readonly<Record<IntegritySource, string>> = {
  pubmed: 'PubMed', crossref: 'Crossref', 'crossref-rw': 'Crossref/Retraction Watch', 'rw-file': 'Retraction Watch file',
};

/** How a status is named to a reader. */
export const STATUS_LABELS: Readonly<Record<IntegrityStatus, string>> = {
  retracted: 'retracted', withdrawn: 'withdrawn', removed: 'removed', 'retracted-republished': 'retracted and republished',
  concern: 'expression of concern', corrected: 'corrected', reinstated: 'reinstated',
};

/** One notice as one source reports it for one paper. */
export interface IntegrityNotice {
  status: IntegrityStatus;
  source: IntegritySource;
  /** The notice's DOI, lower case, without a doi.org prefix. */
  noticeDoi: string | null;
  noticePmid: number | null;
  /** YYYY-MM-DD (or YYYY-MM, YYYY) when the source gives it. */
  date: string | null;
  /** The source's own word for it: "Retraction", "expression_of_concern", "Retraction in". */
  nature: string | null;
  reason: string | null;
  /** The Retraction Watch record id, when the notice comes from its data. */
  recordId: string | null;
}

/** A notice as the library keeps it: with when claimwatch learned it. */
export interface IntegrityEvent extends IntegrityNotice {
  learnedAt: string;
}

/** Two or more sources name the same notice differently. */
export interface IntegrityDisagreement {
  /** The notice's DOI, or "PMID n". */
  notice: string;
  views: { source: IntegritySource; status: IntegrityStatus }[];
}

/** What a paper's events add up to. */
export interface IntegrityState {
  /** The most severe status that stands, or null when nothing bears on the paper's integrity. */
  status: IntegrityStatus | null;
  /** Out of every count and grade (retracted, withdrawn, removed, retracted and republished; not reinstated). */
  excluded: boolean;
  /** An expression of concern stands (and the paper is not excluded). */
  concern: boolean;
  /** A correction or erratum was published. */
  corrected: boolean;
  /** The notices that stand, one per notice and status, with every source that reports it, most severe first. */
  notices: { status: IntegrityStatus; sources: IntegritySource[]; noticeDoi: string | null; noticePmid: number | null; date: string | null; reason: string | null }[];
  disagreements: IntegrityDisagreement[];
}

/**
 * A DOI as claimwatch compares it: trimmed, lower case, without `https://doi.org/`, `http://dx.doi.org/` or
 * `doi:`; null when what is left does not start with "10.".
 */
export function normalizeDoi(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  const s = raw.trim().replace(/^(https?:\/\/(dx\.)?doi\.org\/|doi:\s*)/i, '').trim().toLowerCase();
  return /^10\.\S+\/\S+$/.test(s) ? s : null;
}

/** A PubMed CommentsCorrections link type and the status it gives the paper carrying it. */
const PUBMED_LINK_STATUS: Readonly<Partial<Record<PaperLink['type'], IntegrityStatus>>> = {
  RetractionIn: 'retracted',
  RetractedandRepublishedIn: 'retracted-republished',
  ExpressionOfConcernIn: 'concern',
  ErratumIn: 'corrected',
  CorrectedandRepublishedIn: 'corrected',
};

/** How PubMed's esummary `references[].reftype` names the link types (e.g. "Retraction in"). */
export const ESUMMARY_REFTYPES: Readonly<Record<string, PaperLink['type']>> = {
  'retraction in': 'RetractionIn',
  'retraction of': 'RetractionOf',
  'retracted and republished in': 'RetractedandRepublishedIn',
  'retracted and republished from': 'RetractedandRepublishedFrom',
  'corrected and republished in': 'CorrectedandRepublishedIn',
  'corrected and republished from': 'CorrectedandRepublishedFrom',
  'erratum in': 'ErratumIn',
  'erratum for': 'ErratumFor',
  'expression of concern in': 'ExpressionOfConcernIn',
  'expression of concern for': 'ExpressionOfConcernFor',
  'comment in': 'CommentIn',
  'update in': 'UpdateIn',
  'update of': 'UpdateOf',
};

const MONTHS: Record<string, string> = {
  jan: '01', feb: '02', mar: '03', apr: '04', may: '05', jun: '06', jul: '07', aug: '08', sep: '09', oct: '10', nov: '11', dec: '12',
};

/** The DOI in a PubMed RefSource ("Lancet. 2010 Feb 6;375(9713):445. doi: 10.1016/S0140-6736(10)60175-4."). */
export function refSourceDoi(source: string | null): string | null {
  const m = /doi:\s*(10\.\S+)/i.exec(source ?? '');
  return m ? normalizeDoi(m[1]!.replace(/\.$/, '')) : null;
}

/** The date in a PubMed RefSource ("Lancet. 2004 Mar 6;363…" → 2004-03-06), as far as it goes. */
export function refSourceDate(source: string | null): string | null {
  const m = /\.\s((?:19|20)\d\d)(?:\s([A-Z][a-z]{2})(?:\s(\d{1,2}))?)?[;:.]/.exec(source ?? '');
  if (!m) return null;
  const month = m[2] ? MONTHS[m[2].toLowerCase()] : undefined;
  if (!month) return m[1]!;
  return m[3] ? `${m[1]}-${month}-${m[3].padStart(2, '0')}` : `${m[1]}-${month}`;
}

/** The integrity notices PubMed's record of a paper carries: its CommentsCorrections, and "Retracted Publication". */
export function pubmedNotices(p: Pick<Paper, 'links' | 'publicationTypes'>): IntegrityNotice[] {
  const out: IntegrityNotice[] = [];
  for (const l of p.links) {
    const status = PUBMED_LINK_STATUS[l.type];
    if (!status) continue;
    out.push({
      status, source: 'pubmed', noticeDoi: refSourceDoi(l.source), noticePmid: l.pmid, date: refSourceDate(l.source),
      nature: l.type, reason: null, recordId: null,
    });
  }
  const types = p.publicationTypes.map((t) => t.toLowerCase());
  if (types.includes('retracted publication') && !out.some((n) => n.status === 'retracted' || n.status === 'retracted-republished')) {
    out.push({ status: 'retracted', source: 'pubmed', noticeDoi: null, noticePmid: null, date: null, nature: 'Retracted Publication', reason: null, recordId: null });
  }
  return out;
}

/** What PubMed's publication types say the record itself is, when it is a notice rather than a study. */
export function noticeKindOf(publicationTypes: readonly string[]): 'retraction notice' | 'erratum' | 'expression of concern' | null {
  const t = publicationTypes.map((x) => x.toLowerCase());
  if (t.includes('retraction of publication')) return 'retraction notice';
  if (t.includes('expression of concern')) return 'expression of concern';
  if (t.includes('published erratum')) return 'erratum';
  return null;
}

/**
 * The status a Crossref update type or a Retraction Watch RetractionNature stands for, or null for the
 * ones that do not bear on integrity (new_version, publisher-note, comment...). Case, `_`, `-` and spaces
 * are ignored; the misspellings seen in real Crossref data ("retration", "err") are understood.
 */
export function statusFromNature(raw: string | null | undefined): IntegrityStatus | null {
  const k = (raw ?? '').trim().toLowerCase().replace(/[\s_-]+/g, ' ');
  if (k === '') return null;
  if (/republi/.test(k) && /retract/.test(k)) return 'retracted-republished';
  if (/^(retraction|retration|retracted|partial retraction)$/.test(k)) return 'retracted';
  if (/^(withdrawal|withdrawn)$/.test(k)) return 'withdrawn';
  if (/^(removal|removed)$/.test(k)) return 'removed';
  if (/^expression of concern$/.test(k)) return 'concern';
  if (/^(correction|erratum|corrigendum|err|corrected article)$/.test(k)) return 'corrected';
  if (/^(reinstatement|reinstated)$/.test(k)) return 'reinstated';
  return null;
}

/** The parts of a Crossref work the integrity check reads. */
export interface CrossrefWorkUpdates {
  DOI?: unknown;
  'updated-by'?: unknown;
}

/** A Crossref `date-parts` value as YYYY-MM-DD (as far as it goes), or null. */
function dateParts(v: unknown): string | null {
  const parts = (v as { 'date-parts'?: unknown[][] } | undefined)?.['date-parts']?.[0];
  if (!Array.isArray(parts) || typeof parts[0] !== 'number') return null;
  return parts.filter((x): x is number => typeof x === 'number').slice(0, 3)
    .map((n, i) => (i === 0 ? String(n) : String(n).padStart(2, '0'))).join('-');
}

/**
 * The notices a Crossref work's `updated-by` list names for it: the source is Crossref/Retraction Watch
 * when the entry says `source: retraction-watch`, else Crossref (the publisher's deposit). Update types that
 * do not bear on integrity (new_version and the like) are left out.
 */
export function crossrefNotices(work: CrossrefWorkUpdates): IntegrityNotice[] {
  const list = Array.isArray(work['updated-by']) ? (work['updated-by'] as Record<string, unknown>[]) : [];
  const out: IntegrityNotice[] = [];
  for (const u of list) {
    if (typeof u !== 'object' || u === null) continue;
    const status = statusFromNature(typeof u.type === 'string' ? u.type : null);
    if (!status) continue;
    const rw = u.source === 'retraction-watch';
    out.push({
      status, source: rw ? 'crossref-rw' : 'crossref', noticeDoi: normalizeDoi(typeof u.DOI === 'string' ? u.DOI : null), noticePmid: null,
      date: dateParts(u.updated), nature: typeof u.label === 'string' ? u.label : typeof u.type === 'string' ? u.type : null, reason: null,
      recordId: typeof u['record-id'] === 'string' || typeof u['record-id'] === 'number' ? String(u['record-id']) : null,
    });
  }
  return out;
}

/** One notice's identity across sources: its DOI, else its PMID, else the source and status. */
function noticeIdentity(n: IntegrityNotice): string {
  if (n.noticeDoi) return `doi:${n.noticeDoi}`;
  if (n.noticePmid !== null) return `pmid:${n.noticePmid}`;
  return `none:${n.source}:${n.status}`;
}

/** Events for a source that are the same notice and status: what makes recording one idempotent. */
export function eventKey(n: Pick<IntegrityNotice, 'status' | 'noticeDoi' | 'noticePmid' | 'recordId'>): string {
  return [n.status, n.noticeDoi ?? '', n.noticePmid ?? '', n.recordId ?? ''].join('|');
}

const SEVERITY = new Map(INTEGRITY_STATUSES.map((s, i) => [s, i]));

/** Orders two events in time: by the notice's date when both have one, else by when they were learned. */
function later(a: IntegrityEvent, b: IntegrityEvent): boolean {
  if (a.date && b.date && a.date !== b.date) return a.date > b.date;
  return a.learnedAt > b.learnedAt;
}

/**
 * What a paper's events add up to. Each source's latest word on a notice stands. A notice two sources name
 * differently is a disagreement, kept and reported; it counts as the more severe of the two (a reader is
 * warned rather than reassured). A reinstatement later than every retraction, withdrawal and removal
 * restores the paper.
 * Notices are matched across sources by DOI, else by PMID; an event that names both (PubMed's links often
 * do) ties them, so a PMID-only notice still meets its DOI.
 */
export function deriveIntegrity(events: readonly IntegrityEvent[]): IntegrityState {
  // DOI and PMID of the same notice are tied together by any event that names both.
  const doiOfPmid = new Map<number, string>();
  for (const e of events) if (e.noticeDoi && e.noticePmid !== null) doiOfPmid.set(e.noticePmid, e.noticeDoi);
  const identity = (e: IntegrityEvent): string => {
    if (!e.noticeDoi && e.noticePmid !== null && doiOfPmid.has(e.noticePmid)) return `doi:${doiOfPmid.get(e.noticePmid)}`;
    return noticeIdentity(e);
  };
  // The latest word of each source on each notice.
  const latest = new Map<string, IntegrityEvent>();
  for (const e of events) {
    const k = `${identity(e)}\u0000${e.source}`;
    const cur = latest.get(k);
    if (!cur || !later(cur, e)) latest.set(k, e);
  }
  const byNotice = new Map<string, IntegrityEvent[]>();
  for (const [k, e] of latest) {
    const id = k.split('\u0000')[0]!;
    byNotice.set(id, [...(byNotice.get(id) ?? []), e]);
  }
  const disagreements: IntegrityDisagreement[] = [];
  const standing: { status: IntegrityStatus; events: IntegrityEvent[] }[] = [];
  for (const [id, list] of byNotice) {
    const statuses = [...new Set(list.map((e) => e.status))];
    if (statuses.length > 1) {
      disagreements.push({
        notice: id.startsWith('doi:') ? id.slice(4) : id.startsWith('pmid:') ? `PMID ${id.slice(5)}` : id,
        views: list.map((e) => ({ source: e.source, status: e.status })).sort((a, b) => a.source.localeCompare(b.source)),
      });
    }
    const worst = statuses.sort((a, b) => SEVERITY.get(a)! - SEVERITY.get(b)!)[0]!;
    standing.push({ status: worst, events: list });
  }
  // A notice with no DOI or PMID (PubMed's bare "Retracted Publication") is the same fact another source
  // names with a notice: it stands on its own only when no other notice gives that status.
  const named = standing.filter((s) => !s.events.every((e) => !e.noticeDoi && e.noticePmid === null));
  const kept = standing.filter((s) => named.includes(s) || !named.some((n) => n.status === s.status));

  const at = (s: { events: IntegrityEvent[] }): IntegrityEvent => s.events.reduce((a, b) => (later(b, a) ? b : a));
  const excluding = kept.filter((s) => EXCLUDING.has(s.status));
  const reinstatements = kept.filter((s) => s.status === 'reinstated');
  const lastExcluding = excluding.length ? excluding.map(at).reduce((a, b) => (later(b, a) ? b : a)) : null;
  const reinstated = lastExcluding !== null && reinstatements.some((r) => later(at(r), lastExcluding));
  const excluded = excluding.length > 0 && !reinstated;
  const concern = !excluded && kept.some((s) => s.status === 'concern');
  const corrected = kept.some((s) => s.status === 'corrected');

  const notices = kept.map((s) => {
    const withDoi = s.events.find((e) => e.noticeDoi);
    const withPmid = s.events.find((e) => e.noticePmid !== null);
    const first = at(s);
    return {
      status: s.status, sources: [...new Set(s.events.map((e) => e.source))].sort((a, b) => INTEGRITY_SOURCES.indexOf(a) - INTEGRITY_SOURCES.indexOf(b)),
      noticeDoi: withDoi?.noticeDoi ?? null, noticePmid: withPmid?.noticePmid ?? null,
      date: s.events.find((e) => e.date && e.date.length === 10)?.date ?? first.date, reason: s.events.find((e) => e.reason)?.reason ?? null,
    };
  }).sort((a, b) => SEVERITY.get(a.status)! - SEVERITY.get(b.status)! || (a.date ?? '').localeCompare(b.date ?? ''));

  let status: IntegrityStatus | null = null;
  if (excluded) status = excluding.map((s) => s.status).sort((a, b) => SEVERITY.get(a)! - SEVERITY.get(b)!)[0]!;
  else if (reinstated) status = 'reinstated';
  else if (concern) status = 'concern';
  else if (corrected) status = 'corrected';
  return { status, excluded, concern, corrected, notices, disagreements };
}

/** One line per disagreement: "sources disagree about notice 10.1016/…: PubMed calls it a retraction; Crossref/Retraction Watch calls it a correction". */
export function describeDisagreement(d: IntegrityDisagreement): string {
  const views = d.views.map((v) => `${SOURCE_LABELS[v.source]} calls it ${article(STATUS_LABELS[v.status])}`);
  return `sources disagree about notice ${d.notice}: ${views.join('; ')}`;
}

function article(label: string): string {
  if (label === 'retracted') return 'a retraction';
  if (label === 'corrected') return 'a correction';
  if (label === 'withdrawn') return 'a withdrawal';
  if (label === 'removed') return 'a removal';
  if (label === 'reinstated') return 'a reinstatement';
  if (label === 'retracted and republished') return 'a retraction and republication';
  return `an ${label}`;
}

/** Where a reader can open a notice: its DOI, else its PubMed page; null when neither is known. */
export function noticeUrl(n: { noticeDoi: string | null; noticePmid: number | null }): string | null {
  if (n.noticeDoi) return `https://doi.org/${n.noticeDoi}`;
  if (n.noticePmid !== null) return `https://pubmed.ncbi.nlm.nih.gov/${n.noticePmid}/`;
  return null;
}

/** The status word `papers --status` takes for each group. */
export const STATUS_FILTERS = ['retracted', 'concern', 'corrected'] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

/**
 * The notices among Crossref works whose `update-to` names `doi` (the answer of works?filter=updates:doi):
 * each such work is a notice about the paper, its own DOI the notice's.
 */
export function crossrefUpdateToNotices(items: readonly Record<string, unknown>[], doi: string): IntegrityNotice[] {
  const target = normalizeDoi(doi);
  const out: IntegrityNotice[] = [];
  for (const item of items) {
    const list = Array.isArray(item['update-to']) ? (item['update-to'] as Record<string, unknown>[]) : [];
    const own = normalizeDoi(typeof item.DOI === 'string' ? item.DOI : null);
    for (const u of list) {
      if (typeof u !== 'object' || u === null || normalizeDoi(typeof u.DOI === 'string' ? u.DOI : null) !== target) continue;
      const status = statusFromNature(typeof u.type === 'string' ? u.type : null);
      if (!status) continue;
      out.push({
        status, source: u.source === 'retraction-watch' ? 'crossref-rw' : 'crossref', noticeDoi: own, noticePmid: null, date: dateParts(u.updated),
        nature: typeof u.label === 'string' ? u.label : typeof u.type === 'string' ? u.type : null, reason: null,
        recordId: typeof u['record-id'] === 'string' || typeof u['record-id'] === 'number' ? String(u['record-id']) : null,
      });
    }
  }
  return out;
}

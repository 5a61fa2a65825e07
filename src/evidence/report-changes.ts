import { UsageError } from '../errors.js';
import { readCalendarDate } from './dates.js';
import type { Stance } from './claims.js';
import type { Grade, Report, ReportChanges, ReportCounts } from './report.js';
import { EXCLUDING, INTEGRITY_STATUSES, noticeUrl, SOURCE_LABELS, STATUS_LABELS, type IntegrityState, type IntegrityStatus } from './integrity.js';

/** One claim as a report run showed it. */
export interface SnapshotClaim {
  id: string;
  grade: Grade;
  counts: ReportCounts;
}

/** What one report run showed: per claim, its grade and counts (kept in report_snapshots). */
export interface Snapshot {
  /** When the report ran (ISO). */
  at: string;
  claims: SnapshotClaim[];
}

/** One history entry as the comparison needs it (tag, retag, paper-retracted, paper-erratum, paper-concern). */
export interface ChangeEvent {
  at: string;
  actor: string;
  action: string;
  pmid: number | null;
  claimId: string | null;
  newValue: string | null;
  /** The status before, for 'paper-status' (absent in older callers). */
  oldValue?: string | null;
}

/** A tag as it stands now. */
export interface CurrentTag {
  claim: string;
  stance: Stance;
  reviewer: string;
}

/** What `computeChanges` compares. */
export interface ChangesInput {
  /** The time compared against (ISO). */
  since: string;
  basis: ReportChanges['basis'];
  /** The earlier report's snapshot; null when there is none (no grade moves are then listed). */
  previous: Snapshot | null;
  report: Report;
  /** History entries after `since`, oldest first; other actions are ignored. */
  events: readonly ChangeEvent[];
  /** Title, RetractionIn notice PMID and integrity state (with sources) of every paper the events name. */
  papers: ReadonlyMap<number, { title: string | null; notice: number | null; integrity?: IntegrityState | null }>;
  /** The tags as they stand now, by PMID. */
  tagsByPmid: ReadonlyMap<number, readonly CurrentTag[]>;
}

/** The snapshot of a report run: each claim's id, grade and counts. */
export function snapshotOf(report: Report, at: string): Snapshot {
  return { at, claims: report.claims.map((c) => ({ id: c.id, grade: c.grade, counts: { ...c.counts } })) };
}

/** The day of `report --since`: YYYY-MM-DD or YYYY/MM/DD, returned as YYYY-MM-DD; anything else is a UsageError. */
export function parseSinceDate(raw: string): string {
  const day = readCalendarDate(raw);
  if (day === null) throw new UsageError(`--since '${raw}' is not a date: use YYYY-MM-DD (or YYYY/MM/DD)`);
  return day;
}

const COUNT_KEYS: readonly (keyof ReportCounts)[] = ['supports', 'qualifies', 'contradicts', 'disputed', 'concern', 'retracted'];

function pmidList(pmids: readonly number[]): string {
  const ps = pmids.map(String);
  if (ps.length === 1) return `PMID ${ps[0]}`;
  return `PMIDs ${ps.slice(0, -1).join(', ')} and ${ps[ps.length - 1]}`;
}

function firstPmid(list: string | null): number | null {
  const n = Number((list ?? '').split(',')[0]?.trim());
  return Number.isInteger(n) && n > 0 ? n : null;
}

/** The claims (in report order) a paper is tagged for now. */
function claimsOf(pmid: number, tagsByPmid: ChangesInput['tagsByPmid'], inReport: readonly string[]): string[] {
  const tagged = new Set((tagsByPmid.get(pmid) ?? []).map((t) => t.claim));
  return inReport.filter((id) => tagged.has(id));
}

/** The latest event per key, in the order of those latest events. */
function latestBy<T>(events: readonly T[], key: (e: T) => string): T[] {
  const last = new Map<string, T>();
  for (const e of events) {
    const k = key(e);
    last.delete(k);
    last.set(k, e);
  }
  return [...last.values()];
}

/** One sentence on why a claim moved: retractions and new tags on it, then how its counts went. */
function explain(
  claim: { id: string; counts: ReportCounts },
  before: SnapshotClaim | undefined,
  retracted: ReportChanges['retracted'],
  newTags: ReportChanges['newTags'],
  statuses: ReportChanges['statuses'] = [],
): string {
  if (!before) return `${claim.id} was not in the earlier report.`;
  const parts: string[] = [];
  const mine = statuses.filter((x) => x.claims.includes(claim.id));
  const by = (pmid: number): string => {
    const sources = mine.find((x) => x.pmid === pmid)?.sources ?? [];
    return sources.length ? ` (${sources.map((x) => SOURCE_LABELS[x]).join(', ')})` : '';
  };
  const gone = retracted.filter((r) => r.claims.includes(claim.id)).map((r) => r.pmid);
  if (gone.length) parts.push(`${pmidList(gone)} ${gone.length === 1 ? 'was' : 'were'} retracted${gone.length === 1 ? by(gone[0]!) : ''}`);
  for (const st of mine.filter((x) => !gone.includes(x.pmid))) parts.push(`PMID ${st.pmid} ${statusVerb(st.from, st.to)}${by(st.pmid)}`);
  const byStance = new Map<Stance, number[]>();
  for (const t of newTags.filter((x) => x.claim === claim.id)) {
    const list = byStance.get(t.stance) ?? [];
    if (!list.includes(t.pmid)) list.push(t.pmid);
    byStance.set(t.stance, list);
  }
  for (const [stance, pmids] of byStance) parts.push(`${pmidList(pmids)} ${pmids.length === 1 ? 'was' : 'were'} tagged ${stance}`);
  const moves = COUNT_KEYS
    .filter((k) => before.counts[k] !== claim.counts[k])
    .map((k) => `${k} ${before.counts[k]} → ${claim.counts[k]}`);
  if (moves.length) parts.push(`${moves[0]!.replace(' ', ' went ')}${moves.length > 1 ? `, ${moves.slice(1).join(', ')}` : ''}`);
  if (!parts.length) return 'Its counts did not change: the grading rule or the evidence kinds of its papers did.';
  const text = parts.join('; ');
  return `${text[0]!.toUpperCase()}${text.slice(1)}.`;
}

/**
 * What changed since `since`: tags added or changed (that still stand), tagged papers retracted or corrected,
 * and the claims whose grade or counts moved against the earlier snapshot (a claim whose counts moved but
 * whose grade did not is listed with `from === to`). Only the report's claims are considered.
 */
export function computeChanges(input: ChangesInput): ReportChanges {
  const { report, papers, tagsByPmid } = input;
  const inReport = report.claims.map((c) => c.id);
  const title = (pmid: number): string | null => papers.get(pmid)?.title ?? null;
  const events = input.events.filter((e) => e.pmid !== null) as (ChangeEvent & { pmid: number })[];

  const newTags: ReportChanges['newTags'] = latestBy(
    events.filter((e) => (e.action === 'tag' || e.action === 'retag') && e.claimId !== null && inReport.includes(e.claimId)),
    (e) => `${e.pmid}\u0000${e.claimId}\u0000${e.actor}`,
  ).flatMap((e) => {
    // A tag removed (or changed again) since is reported as it stands now, or not at all.
    const now = (tagsByPmid.get(e.pmid) ?? []).find((t) => t.claim === e.claimId && t.reviewer === e.actor);
    return now ? [{ pmid: e.pmid, claim: now.claim, stance: now.stance, reviewer: now.reviewer, at: e.at, title: title(e.pmid) }] : [];
  });

  const statuses = statusChanges(events, input.papers, (pmid) => claimsOf(pmid, tagsByPmid, inReport));
  const retracted: ReportChanges['retracted'] = latestBy(events.filter((e) => e.action === 'paper-retracted'), (e) => String(e.pmid))
    .map((e) => ({ pmid: e.pmid, title: title(e.pmid), notice: papers.get(e.pmid)?.notice ?? null, at: e.at, claims: claimsOf(e.pmid, tagsByPmid, inReport) }))
    .filter((r) => r.claims.length > 0);

  const corrected: ReportChanges['corrected'] = latestBy(
    events.filter((e) => e.action === 'paper-erratum' || e.action === 'paper-concern'),
    (e) => `${e.pmid}\u0000${e.action}`,
  )
    .map((e) => ({
      pmid: e.pmid, title: title(e.pmid), kind: e.action === 'paper-erratum' ? 'erratum' as const : 'expression-of-concern' as const,
      notice: firstPmid(e.newValue), at: e.at, claims: claimsOf(e.pmid, tagsByPmid, inReport),
    }))
    .filter((r) => r.claims.length > 0);

  const grades: ReportChanges['grades'] = [];
  if (input.previous) {
    const before = new Map(input.previous.claims.map((c) => [c.id, c]));
    for (const c of report.claims) {
      const b = before.get(c.id);
      const moved = !b || b.grade !== c.grade || COUNT_KEYS.some((k) => b.counts[k] !== c.counts[k]);
      if (moved) grades.push({ claim: c.id, from: b?.grade ?? null, to: c.grade, why: explain(c, b, retracted, newTags, statuses) });
    }
  }

  return { since: input.since, basis: input.basis, newTags, retracted, corrected, statuses, grades };
}

function asStatus(v: string | null | undefined): IntegrityStatus | null {
  return (INTEGRITY_STATUSES as readonly string[]).includes(v ?? '') ? (v as IntegrityStatus) : null;
}

/** "was retracted", "came under an expression of concern", "was reinstated", "was corrected". */
function statusVerb(from: IntegrityStatus | null, to: IntegrityStatus | null): string {
  if (to === null) return `is no longer ${from ? STATUS_LABELS[from] : 'flagged'}`;
  if (to === 'concern') return 'came under an expression of concern';
  if (EXCLUDING.has(to) || to === 'corrected' || to === 'reinstated') return `was ${STATUS_LABELS[to]}`;
  return `is now ${STATUS_LABELS[to]}`;
}

/**
 * Tagged papers whose integrity status moved since: from the status before the first change to the one after
 * the last, with the sources of that status and its notice as the library knows them now. A status that came
 * back to where it was is left out.
 */
function statusChanges(
  events: readonly (ChangeEvent & { pmid: number })[],
  papers: ChangesInput['papers'],
  claimsFor: (pmid: number) => string[],
): ReportChanges['statuses'] {
  const first = new Map<number, ChangeEvent>();
  const last = new Map<number, ChangeEvent>();
  for (const e of events.filter((x) => x.action === 'paper-status')) {
    if (!first.has(e.pmid)) first.set(e.pmid, e);
    last.delete(e.pmid);
    last.set(e.pmid, e);
  }
  const out: ReportChanges['statuses'] = [];
  for (const [pmid, e] of last) {
    const from = asStatus(first.get(pmid)?.oldValue);
    const to = asStatus(e.newValue);
    if (from === to) continue;
    const claims = claimsFor(pmid);
    if (!claims.length) continue;
    const state = papers.get(pmid)?.integrity ?? null;
    // The notice named is one the sources agree on, the latest first: a disputed one is shown with the paper.
    const disputed = new Set((state?.disagreements ?? []).map((d) => d.notice));
    const named = (n: { noticeDoi: string | null; noticePmid: number | null }): string => n.noticeDoi ?? `PMID ${n.noticePmid}`;
    const notice = (state?.notices ?? []).filter((n) => n.status === to)
      .sort((a, b) => Number(disputed.has(named(a))) - Number(disputed.has(named(b))) || (b.date ?? '').localeCompare(a.date ?? ''))[0] ?? null;
    out.push({
      pmid, title: papers.get(pmid)?.title ?? null, from, to, sources: notice?.sources ?? [],
      notice: notice ? noticeUrl(notice) : null, at: e.at, claims,
    });
  }
  return out;
}

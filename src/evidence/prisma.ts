// The PRISMA 2020 flow of an updated review (Page MJ et al., BMJ 2021;372:n71, figure 1, the form for updated
// reviews with searches of databases and other sources), counted from the library. Pure: the app gathers the
// facts of each paper, this decides where each paper goes, and every box is a count of papers, so they add up.
import type { Reason } from './reasons.js';

/** What the flow needs to know of one paper in the library. */
export interface PrismaPaper {
  pmid: number;
  addedAt: string;
  /** NLM deleted the citation (a DeleteCitation in an update file). */
  deleted: boolean;
  retracted: boolean;
  /** Which saved search (or reading-list, fetch) found it, first when. */
  sources: { source: string; firstSeenAt: string }[];
  /** A tag stood on it at the `since` instant: a study of the previous version. */
  previous: boolean;
  /** Some reviewer tagged or dismissed it before `since`. */
  decidedBefore: boolean;
  /** Some reviewer tagged, untagged, dismissed or undismissed it at or after `since`. */
  changedSince: boolean;
  /** A tag stands on it now. */
  tagged: boolean;
  /** The dismissals standing on it now (one per reviewer). */
  dismissals: { reasonCode: string | null; reason: string | null; at: string }[];
}

/** The library's facts for one flow. */
export interface PrismaInput {
  /** The start of the update (ISO instant), or null: no previous version. */
  since: string | null;
  /** The local day the update starts, as the user typed it (YYYY-MM-DD), or null. */
  sinceDay?: string | null;
  generatedAt: string;
  papers: readonly PrismaPaper[];
  /** Every saved search ever defined (removed ones too): their finds are database records. */
  searches: readonly string[];
  reasons: readonly Reason[];
}

/** A count with a label, for the lines of a box. */
export interface CountLine {
  key: string;
  label: string;
  n: number;
}

/** One identity the boxes satisfy, with its numbers. */
export interface FlowCheck {
  what: string;
  holds: boolean;
}

/** The PRISMA 2020 flow for an updated review: every box's number, with the identities that tie them. */
export interface PrismaFlow {
  since: string | null;
  /** The local day the update starts (YYYY-MM-DD), or null. */
  sinceDay: string | null;
  generatedAt: string;
  previous: {
    studies: number;
    reports: number;
    /** Studies of the previous version that are no longer included: retracted since, or every tag withdrawn. */
    noLongerIncluded: { total: number; retracted: number; untagged: number };
  };
  databases: {
    /** Records (PMIDs a saved search found for the first time in the update) per saved search. */
    identified: { total: number; bySearch: CountLine[] };
    removedBeforeScreening: { duplicates: number; deletedByNlm: number; notYetScreened: number };
    screened: number;
    excluded: { total: number; reasons: CountLine[] };
    sought: number;
    notRetrieved: number;
    assessed: number;
    reportsExcluded: { total: number; reasons: CountLine[] };
    included: number;
  };
  other: {
    identified: { total: number; bySource: CountLine[] };
    notYetAssessed: number;
    sought: number;
    /** Reports that cannot be assessed: deleted from PubMed by NLM before anyone decided on them. */
    notRetrieved: number;
    assessed: number;
    excluded: { total: number; reasons: CountLine[] };
    included: number;
  };
  included: { newStudies: number; newReports: number; totalStudies: number; totalReports: number };
  checks: FlowCheck[];
}

const OTHER_LABELS: Record<string, string> = {
  'reading-list': 'reading list (data/reading-list.json)',
  fetch: 'added by PMID (claimwatch fetch)',
  import: 'imported files (claimwatch import)',
  'carried-over': 'earlier records screened in this update',
};

function at(t: string): number {
  return Date.parse(t);
}

/** The reason an excluded paper counts under: its reviewers' most given reason, the earliest on a tie. */
function paperReason(d: PrismaPaper['dismissals']): string {
  const key = (x: PrismaPaper['dismissals'][number]): string => x.reasonCode ?? (x.reason ? 'other' : 'unspecified');
  const sorted = [...d].sort((a, b) => at(a.at) - at(b.at));
  const counts = new Map<string, number>();
  for (const x of sorted) counts.set(key(x), (counts.get(key(x)) ?? 0) + 1);
  let best = key(sorted[0]!);
  for (const [k, n] of counts) if (n > counts.get(best)!) best = k;
  return best;
}

function reasonLines(keys: readonly string[], reasons: readonly Reason[]): CountLine[] {
  const counts = new Map<string, number>();
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  const lines: CountLine[] = reasons.map((r) => ({ key: r.code, label: r.label, n: counts.get(r.code) ?? 0 }));
  const known = new Set(reasons.map((r) => r.code));
  // A code another library sent that this one lost cannot happen (imports refuse it), but would still be counted.
  for (const [k, n] of counts) {
    if (!known.has(k) && k !== 'other' && k !== 'unspecified' && k !== 'retracted') lines.push({ key: k, label: k, n });
  }
  if (counts.get('retracted')) lines.push({ key: 'retracted', label: 'retracted publication', n: counts.get('retracted')! });
  if (counts.get('other')) lines.push({ key: 'other', label: 'other reasons (in the reviewers\' words)', n: counts.get('other')! });
  if (counts.get('unspecified')) lines.push({ key: 'unspecified', label: 'no reason given', n: counts.get('unspecified')! });
  return lines;
}

const sum = (lines: readonly CountLine[]): number => lines.reduce((a, l) => a + l.n, 0);

/** Where each paper goes in the flow, and the boxes' counts. */
export function buildPrismaFlow(input: PrismaInput): PrismaFlow {
  const since = input.since === null ? Number.NEGATIVE_INFINITY : at(input.since);
  const isSearch = new Set(input.searches);
  const inWindow = (t: string): boolean => at(t) >= since;
  const previous = input.papers.filter((p) => p.previous);
  const includedNow = (p: PrismaPaper): boolean => p.tagged && !p.retracted;

  // Database records: each (saved search, PMID) first seen in the update is one record identified.
  const bySearch = new Map<string, number>();
  for (const name of input.searches) bySearch.set(name, 0);
  const dbPapers: PrismaPaper[] = [];
  const otherPapers: { paper: PrismaPaper; source: string }[] = [];
  for (const p of input.papers) {
    const dbFinds = p.sources.filter((s) => isSearch.has(s.source) && inWindow(s.firstSeenAt));
    for (const s of dbFinds) bySearch.set(s.source, (bySearch.get(s.source) ?? 0) + 1);
    if (p.previous) continue;
    const isNew = inWindow(p.addedAt);
    if (isNew && dbFinds.length) {
      dbPapers.push(p);
    } else if (isNew) {
      const first = [...p.sources].sort((a, b) => at(a.firstSeenAt) - at(b.firstSeenAt))[0];
      otherPapers.push({ paper: p, source: first && !isSearch.has(first.source) ? first.source : 'import' });
    } else if (!p.decidedBefore || p.changedSince) {
      // Known before the update but not screened then (or screened again since): part of this update's flow.
      otherPapers.push({ paper: p, source: 'carried-over' });
    }
  }
  const identifiedDb = [...bySearch.values()].reduce((a, b) => a + b, 0);
  const decided = (p: PrismaPaper): boolean => p.tagged || p.dismissals.length > 0;

  const dbDeleted = dbPapers.filter((p) => !decided(p) && p.deleted);
  const dbAwaiting = dbPapers.filter((p) => !decided(p) && !p.deleted);
  const dbScreened = dbPapers.filter(decided);
  const dbExcluded = dbScreened.filter((p) => !p.tagged);
  const dbAssessed = dbScreened.filter((p) => p.tagged);
  const dbRetracted = dbAssessed.filter((p) => p.retracted);

  const others = otherPapers.map((o) => o.paper);
  const oAwaiting = others.filter((p) => !decided(p) && !p.deleted);
  const oDeleted = others.filter((p) => !decided(p) && p.deleted);
  const oAssessed = others.filter(decided);
  const oExcluded = oAssessed.filter((p) => !includedNow(p));
  const bySource = new Map<string, number>();
  for (const o of otherPapers) bySource.set(o.source, (bySource.get(o.source) ?? 0) + 1);
  const order = ['reading-list', 'fetch', 'import', 'carried-over'];
  const sourceLines: CountLine[] = [...bySource.entries()]
    .sort(([a], [b]) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99) || a.localeCompare(b))
    .map(([key, n]) => ({ key, label: OTHER_LABELS[key] ?? key, n }));

  const dbIncluded = dbAssessed.length - dbRetracted.length;
  const oIncluded = oAssessed.length - oExcluded.length;
  const dropped = previous.filter((p) => !includedNow(p));
  const totalStudies = input.papers.filter(includedNow).length;
  const newStudies = dbIncluded + oIncluded;

  const flow: PrismaFlow = {
    since: input.since,
    sinceDay: input.sinceDay ?? (input.since ? input.since.slice(0, 10) : null),
    generatedAt: input.generatedAt,
    previous: {
      studies: previous.length, reports: previous.length,
      noLongerIncluded: { total: dropped.length, retracted: dropped.filter((p) => p.retracted).length, untagged: dropped.filter((p) => !p.retracted).length },
    },
    databases: {
      identified: { total: identifiedDb, bySearch: [...bySearch.entries()].map(([key, n]) => ({ key, label: key, n })) },
      removedBeforeScreening: { duplicates: identifiedDb - dbPapers.length, deletedByNlm: dbDeleted.length, notYetScreened: dbAwaiting.length },
      screened: dbScreened.length,
      excluded: { total: dbExcluded.length, reasons: reasonLines(dbExcluded.map((p) => paperReason(p.dismissals)), input.reasons) },
      sought: dbAssessed.length,
      notRetrieved: 0,
      assessed: dbAssessed.length,
      reportsExcluded: { total: dbRetracted.length, reasons: dbRetracted.length ? [{ key: 'retracted', label: 'retracted publication', n: dbRetracted.length }] : [] },
      included: dbIncluded,
    },
    other: {
      identified: { total: others.length, bySource: sourceLines },
      notYetAssessed: oAwaiting.length,
      sought: others.length - oAwaiting.length,
      notRetrieved: oDeleted.length,
      assessed: oAssessed.length,
      excluded: {
        total: oExcluded.length,
        reasons: reasonLines(oExcluded.map((p) => (p.tagged ? 'retracted' : paperReason(p.dismissals))), input.reasons),
      },
      included: oIncluded,
    },
    included: { newStudies, newReports: newStudies, totalStudies, totalReports: totalStudies },
    checks: [],
  };
  flow.checks = checkFlow(flow, { includedNow: totalStudies, newIncluded: input.papers.filter((p) => includedNow(p) && !p.previous).length });
  return flow;
}

/**
 * The identities a flow's boxes satisfy. `truth` holds counts made straight from the library (papers included
 * now, and those not in the previous version), so the boxes are also checked against the library itself.
 */
export function checkFlow(f: PrismaFlow, truth?: { includedNow: number; newIncluded: number }): FlowCheck[] {
  const d = f.databases;
  const o = f.other;
  const r = d.removedBeforeScreening;
  const eq = (what: string, a: number, b: number): FlowCheck => ({ what: `${what}: ${a} = ${b}`, holds: a === b });
  const checks = [
    eq('records identified = sum over saved searches', d.identified.total, sum(d.identified.bySearch)),
    eq('records identified = duplicates + deleted by NLM + not yet screened + screened', d.identified.total, r.duplicates + r.deletedByNlm + r.notYetScreened + d.screened),
    eq('records screened = excluded + reports sought', d.screened, d.excluded.total + d.sought),
    eq('records excluded = sum over reasons', d.excluded.total, sum(d.excluded.reasons)),
    eq('reports sought = not retrieved + assessed', d.sought, d.notRetrieved + d.assessed),
    eq('reports assessed = excluded + included (databases)', d.assessed, d.reportsExcluded.total + d.included),
    eq('reports excluded = sum over reasons (databases)', d.reportsExcluded.total, sum(d.reportsExcluded.reasons)),
    eq('other records identified = sum over sources', o.identified.total, sum(o.identified.bySource)),
    eq('other records identified = not yet assessed + sought', o.identified.total, o.notYetAssessed + o.sought),
    eq('other reports sought = not retrieved + assessed', o.sought, o.notRetrieved + o.assessed),
    eq('other reports assessed = excluded + included', o.assessed, o.excluded.total + o.included),
    eq('other reports excluded = sum over reasons', o.excluded.total, sum(o.excluded.reasons)),
    eq('new studies = included from databases + from other sources', f.included.newStudies, d.included + o.included),
    eq('total studies = previous - no longer included + new', f.included.totalStudies, f.previous.studies - f.previous.noLongerIncluded.total + f.included.newStudies),
    eq('previous no longer included = retracted + untagged', f.previous.noLongerIncluded.total, f.previous.noLongerIncluded.retracted + f.previous.noLongerIncluded.untagged),
  ];
  if (truth) {
    checks.push(eq('total studies = papers tagged and not retracted in the library', f.included.totalStudies, truth.includedNow));
    checks.push(eq('new studies = those of them not in the previous version', f.included.newStudies, truth.newIncluded));
  }
  return checks;
}

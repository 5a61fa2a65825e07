import type { Stance } from './claims.js';
import type { ChainView, EvidenceKind, Grade, ReportEntry, TimelinePoint } from './report.js';

/** How much one paper of each kind weighs: translational distance, cell -> rodent -> healthy human -> patient. */
export const KIND_WEIGHTS: Readonly<Record<EvidenceKind, number>> = {
  'meta-analysis': 4, 'rct-patients': 3, 'clinical-study': 2, 'healthy-volunteers': 2,
  animal: 1, 'in-vitro': 0.5, 'review-opinion': 0, other: 0.5,
};

/** Kinds that count as patient data for "well supported". */
const PATIENT_KINDS: readonly EvidenceKind[] = ['meta-analysis', 'rct-patients', 'clinical-study'];

/** The thresholds of the grade rule (see gradeClaim). */
export const GRADE_RULE = { contested: 2, wellStrength: 4, wellMaxAgainst: 1, moderateStrength: 2, minGroups: 2 } as const;

/** A claim's grade, the one sentence that explains it, and the PMIDs it rests on. */
export interface GradeResult {
  grade: Grade;
  reason: string;
  deciding: number[];
}

interface Counted {
  pmid: number;
  stance: Stance;
  kind: EvidenceKind;
  /** The last-author group, or the paper itself when it has none. */
  group: string;
}

/** One paper per PMID among the entries that count: not retracted, not under an expression of concern, not disputed. */
function countedPapers(entries: readonly ReportEntry[]): Counted[] {
  const byPmid = new Map<number, Counted>();
  for (const e of entries) {
    if (e.retracted || e.concern || e.disputed || byPmid.has(e.pmid)) continue;
    byPmid.set(e.pmid, { pmid: e.pmid, stance: e.stance, kind: e.kind, group: e.group ?? `PMID ${e.pmid}` });
  }
  return [...byPmid.values()];
}

interface Side {
  strength: number;
  groups: number;
  /** The best paper of each group that adds weight, strongest first. */
  deciding: number[];
}

/** Sums, over groups, the best weight of each group's papers (`factor` per stance; 0 leaves a stance out). */
function side(papers: readonly Counted[], factor: Partial<Record<Stance, number>>): Side {
  const best = new Map<string, { w: number; pmid: number }>();
  for (const p of papers) {
    const w = KIND_WEIGHTS[p.kind] * (factor[p.stance] ?? 0);
    if (w <= 0) continue;
    const cur = best.get(p.group);
    if (!cur || w > cur.w || (w === cur.w && p.pmid < cur.pmid)) best.set(p.group, { w, pmid: p.pmid });
  }
  const picks = [...best.values()].sort((a, b) => b.w - a.w || a.pmid - b.pmid);
  return { strength: picks.reduce((s, x) => s + x.w, 0), groups: picks.length, deciding: picks.map((x) => x.pmid) };
}

const KIND_NOUNS: Record<EvidenceKind, [string, string]> = {
  'meta-analysis': ['meta-analysis', 'meta-analyses'],
  'rct-patients': ['patient RCT', 'patient RCTs'],
  'clinical-study': ['clinical study', 'clinical studies'],
  'healthy-volunteers': ['healthy-volunteer study', 'healthy-volunteer studies'],
  animal: ['animal study', 'animal studies'],
  'in-vitro': ['in-vitro study', 'in-vitro studies'],
  'review-opinion': ['review or opinion', 'reviews or opinions'],
  other: ['other paper', 'other papers'],
};
const VERBS: Record<Stance, [string, string]> = {
  supports: ['supports', 'support'], qualifies: ['qualifies', 'qualify'], contradicts: ['contradicts', 'contradict'],
};
const plural = (n: number, [one, many]: [string, string]): string => (n === 1 ? one : many);
const fmt = (n: number): string => String(Math.round(n * 100) / 100);

/** "2 animal studies (PMID 1, 2) and 1 patient RCT (PMID 5) from 3 groups support", or null. */
function stancePhrase(papers: readonly Counted[], stance: Stance): string | null {
  const mine = papers.filter((p) => p.stance === stance);
  if (!mine.length) return null;
  const byKind = new Map<EvidenceKind, number[]>();
  for (const p of mine) byKind.set(p.kind, [...(byKind.get(p.kind) ?? []), p.pmid]);
  const kinds = [...byKind].sort(([a], [b]) => KIND_WEIGHTS[b] - KIND_WEIGHTS[a] || a.localeCompare(b))
    .map(([k, ids]) => `${ids.length} ${plural(ids.length, KIND_NOUNS[k])} (PMID ${ids.sort((a, b) => a - b).join(', ')})`);
  const groups = new Set(mine.map((p) => p.group)).size;
  const list = kinds.length > 1 ? `${kinds.slice(0, -1).join(', ')} and ${kinds.at(-1)}` : kinds[0]!;
  return `${list} from ${groups} ${groups === 1 ? 'group' : 'groups'} ${plural(mine.length, VERBS[stance])}`;
}

/**
 * Returns a claim's grade from its report entries. Retracted (or withdrawn, removed), disputed papers and
 * papers under an expression of concern do not count; a paper
 * tagged by several agreeing reviewers counts once; papers sharing a last author form one group.
 * Strength for, S: over groups, the best KIND_WEIGHTS of the group's supporting papers (a qualifying
 * paper weighs half). Strength against, C: the same over contradicting papers.
 * - untested: no paper counts (none tagged, or all retracted or disputed);
 * - contested: S >= 2 and C >= 2;
 * - well supported: S >= 4 from >= 2 groups, with a supporting meta-analysis, patient RCT or clinical
 *   study, and C < 1;
 * - moderately supported: S >= 2 from >= 2 groups;
 * - speculative: anything else.
 */
export function gradeClaim(entries: readonly ReportEntry[]): GradeResult {
  const papers = countedPapers(entries);
  const retracted = new Set(entries.filter((e) => e.retracted).map((e) => e.pmid)).size;
  const concern = new Set(entries.filter((e) => e.concern && !e.retracted).map((e) => e.pmid)).size;
  const disputed = new Set(entries.filter((e) => e.disputed).map((e) => e.pmid)).size;
  const left = [
    retracted ? `${retracted} retracted` : null, disputed ? `${disputed} disputed` : null,
  ].filter(Boolean).join(' and ');
  const concernOut = concern ? `${concern} ${concern === 1 ? 'paper' : 'papers'} under an expression of concern not counted` : null;
  const leftOut = [left ? `${left} ${retracted + disputed === 1 ? 'paper' : 'papers'} not counted` : null, concernOut].filter(Boolean).join('; ') || null;

  if (!papers.length) {
    return { grade: 'untested', reason: `untested: ${leftOut ? `no paper counts (${leftOut})` : 'no paper tagged yet'}`, deciding: [] };
  }
  const pro = side(papers, { supports: 1, qualifies: 0.5 });
  const con = side(papers, { contradicts: 1 });
  const patientData = papers.some((p) => p.stance === 'supports' && PATIENT_KINDS.includes(p.kind));
  const R = GRADE_RULE;
  let grade: Grade;
  if (pro.strength >= R.contested && con.strength >= R.contested) grade = 'contested';
  else if (pro.strength >= R.wellStrength && pro.groups >= R.minGroups && patientData && con.strength < R.wellMaxAgainst) grade = 'well supported';
  else if (pro.strength >= R.moderateStrength && pro.groups >= R.minGroups) grade = 'moderately supported';
  else grade = 'speculative';

  const parts = (['supports', 'qualifies', 'contradicts'] as const).map((s) => stancePhrase(papers, s)).filter((x): x is string => x !== null);
  if (!patientData) parts.push('no patient data');
  if (leftOut) parts.push(leftOut);
  parts.push(`strength ${fmt(pro.strength)} for, ${fmt(con.strength)} against`);
  const deciding = [...new Set([...pro.deciding, ...con.deciding])];
  return { grade, reason: `${grade}: ${parts.join('; ')}`, deciding };
}

/** Grades from strongest to weakest, for the weakest link: a contested claim has at least moderate support. */
export const GRADE_STRENGTH: readonly Grade[] = ['well supported', 'moderately supported', 'contested', 'speculative', 'untested'];

/**
 * Returns the mechanism chain over the given claims: a link for each dependency whose both ends are among
 * them, the claims on some link (in the given order), and the weakest of those (the first one on a tie).
 */
export function chainView(claims: readonly { id: string; slug: string; dependsOn: readonly string[]; grade: Grade }[]): ChainView {
  const ids = new Set(claims.map((c) => c.id));
  const links = claims.flatMap((c) => c.dependsOn.filter((d) => ids.has(d) && d !== c.id).map((d) => ({ from: d, to: c.id })));
  const onChain = new Set(links.flatMap((l) => [l.from, l.to]));
  const inChain = claims.filter((c) => onChain.has(c.id)).map((c) => ({ id: c.id, slug: c.slug, grade: c.grade }));
  let weakest: ChainView['weakest'] = null;
  for (const c of inChain) {
    if (!weakest || GRADE_STRENGTH.indexOf(c.grade) > GRADE_STRENGTH.indexOf(weakest.grade)) weakest = { id: c.id, grade: c.grade };
  }
  return { links, claims: inChain, weakest };
}

/**
 * Returns, for each publication year that has papers, the cumulative number of distinct papers per stance
 * up to that year; retracted, disputed and undated papers are left out.
 */
export function timeline(entries: readonly ReportEntry[]): TimelinePoint[] {
  const seen = new Set<number>();
  const perYear = new Map<number, Record<Stance, number>>();
  for (const e of entries) {
    if (e.retracted || e.concern || e.disputed || e.year === null || seen.has(e.pmid)) continue;
    seen.add(e.pmid);
    const y = perYear.get(e.year) ?? { supports: 0, qualifies: 0, contradicts: 0 };
    y[e.stance] += 1;
    perYear.set(e.year, y);
  }
  const total = { supports: 0, qualifies: 0, contradicts: 0 };
  return [...perYear].sort(([a], [b]) => a - b).map(([year, n]) => {
    total.supports += n.supports;
    total.qualifies += n.qualifies;
    total.contradicts += n.contradicts;
    return { year, ...total };
  });
}

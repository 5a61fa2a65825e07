import { STANCES, type Claim, type Stance, type Tag } from './claims.js';
import type { Author } from './paper.js';
import { evidenceKind, lastAuthorGroup } from './kind.js';
import { chainView, gradeClaim, timeline } from './grade.js';
import type { IntegrityState, IntegrityStatus, IntegritySource } from './integrity.js';

/** How many papers take each stance on a claim; retracted papers are counted only under `retracted`. */
export interface StanceCounts {
  supports: number;
  qualifies: number;
  contradicts: number;
  retracted: number;
  /** Papers whose reviewers gave the claim different stances, counted here and under no stance. */
  disputed: number;
  /** Papers under an expression of concern (not retracted), counted here and under no stance. */
  concern: number;
}

/** The report's counts: every key present. */
export type ReportCounts = Required<StanceCounts>;

/** One change of a claim's statement, from the history (`claims edit --statement`). */
export interface StatementChange {
  claimId: string;
  at: string;
  actor: string;
  /** The statement before the change. */
  from: string;
  /** The statement after it. */
  to: string;
}

/** The kinds of evidence, strongest first (derived from PublicationType and MeSH check tags, or set with classify). */
export const EVIDENCE_KINDS = [
  'meta-analysis', 'rct-patients', 'clinical-study', 'healthy-volunteers', 'animal', 'in-vitro', 'review-opinion', 'other',
] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

/** The review's own words for how well a claim is supported, plus contested and untested. */
export const GRADES = ['well supported', 'moderately supported', 'speculative', 'contested', 'untested'] as const;
export type Grade = (typeof GRADES)[number];

/** Cumulative distinct papers per stance up to and including a publication year (retracted and disputed left out). */
export interface TimelinePoint {
  year: number;
  supports: number;
  qualifies: number;
  contradicts: number;
}

/** The mechanism chain: claims and what they depend on (data/claims.json dependsOn), each with its grade. */
export interface ChainView {
  /** `from` is the claim depended on, `to` the claim that depends on it. */
  links: { from: string; to: string }[];
  claims: { id: string; slug: string; grade: Grade }[];
  /** The chain is as strong as its weakest link; null when no claim is in the chain. */
  weakest: { id: string; grade: Grade } | null;
}

/** What changed since an earlier date or the previous report run. */
export interface ReportChanges {
  /** The time compared against (ISO), and where it came from. */
  since: string;
  basis: 'date' | 'previous-report' | 'none';
  newTags: { pmid: number; claim: string; stance: Stance; reviewer: string; at: string; title: string | null }[];
  retracted: { pmid: number; title: string | null; notice: number | null; at: string; claims: string[] }[];
  corrected: { pmid: number; title: string | null; kind: 'erratum' | 'expression-of-concern'; notice: number | null; at: string; claims: string[] }[];
  /** Papers whose integrity status changed, with the source of the news and the claims they are tagged for. */
  statuses: { pmid: number; title: string | null; from: IntegrityStatus | null; to: IntegrityStatus | null; sources: IntegritySource[]; notice: string | null; at: string; claims: string[] }[];
  grades: { claim: string; from: Grade | null; to: Grade; why: string }[];
}

/** What the report needs to know of a tagged paper. */
export interface ReportPaperInfo {
  pmid: number;
  title: string | null;
  authors: Author[];
  year: number | null;
  journal: string | null;
  journalAbbrev: string | null;
  doi: string | null;
  retracted: boolean;
  retractionNotice: number | null;
  /** The status from every source (PubMed, Crossref, Retraction Watch); null when nothing bears on it. */
  integrity: IntegrityState | null;
  publicationTypes: string[];
  mesh: string[];
  /** The kind a reviewer set with classify, else null (the kind is then derived). */
  kindOverride: EvidenceKind | null;
}

/** One tag as the report shows it. */
export interface ReportEntry {
  pmid: number;
  citation: string;
  title: string | null;
  year: number | null;
  doi: string | null;
  stance: Stance;
  note: string | null;
  reviewer: string;
  at: string;
  retracted: boolean;
  retractionNotice: number | null;
  /** Under an expression of concern (and not retracted): counted only under `concern`, left out of the grade. */
  concern: boolean;
  /** The paper's integrity status with its sources and notices; null when nothing bears on it. */
  integrity: IntegrityState | null;
  /** Reviewers gave this (not retracted) paper different stances on the claim; counted only under `disputed`. */
  disputed: boolean;
  kind: EvidenceKind;
  kindOverridden: boolean;
  /** The research group, by last author ("Ressler KJ"); papers sharing a last author count as one group. */
  group: string | null;
}

/** One claim's section of the report. */
export interface ReportClaim {
  id: string;
  slug: string;
  statement: string;
  retired: boolean;
  counts: ReportCounts;
  papers: ReportEntry[];
  /** Only in a verbose report: every change of the statement, oldest first ([] when never edited). */
  statementHistory?: StatementChange[];
  grade: Grade;
  /** One sentence naming the deciding papers. */
  reason: string;
  /** PMIDs the grade rests on. */
  deciding: number[];
  dependsOn: string[];
  timeline: TimelinePoint[];
}

/** The claim-by-claim evidence report. */
export interface Report {
  generatedAt: string;
  claims: ReportClaim[];
  chain: ChainView;
  /** Filled by the report command (see app/report-changes.ts); null when nothing to compare with. */
  changes: ReportChanges | null;
}

/** The tag facts the report is built from. */
export type ReportTag = Tag;

function authorName(a: Author): string {
  if (a.collective) return a.collective;
  return [a.last, a.initials ?? a.fore].filter(Boolean).join(' ');
}

/** A short citation: "Young MB et al., 2015, Transl Psychiatry, PMID 26305477, doi:10.1038/tp.2015.138". */
export function formatCitation(p: Pick<ReportPaperInfo, 'pmid' | 'authors' | 'year' | 'journal' | 'journalAbbrev' | 'doi'>): string {
  const names = p.authors.map(authorName).filter(Boolean);
  const who = names.length === 0 ? 'Anonymous' : names.length === 1 ? names[0]! : names.length === 2 ? `${names[0]} and ${names[1]}` : `${names[0]} et al.`;
  const parts = [who, p.year !== null ? String(p.year) : 'n.d.'];
  const journal = p.journalAbbrev ?? p.journal;
  if (journal) parts.push(journal);
  parts.push(`PMID ${p.pmid}`);
  if (p.doi) parts.push(`doi:${p.doi}`);
  return parts.join(', ');
}

const STANCE_ORDER: Record<Stance, number> = { supports: 0, qualifies: 1, contradicts: 2 };

/** The pmids of a claim's entries that are disputed: not retracted, and tagged with more than one stance. */
function disputedPmids(entries: readonly (Pick<ReportEntry, 'pmid' | 'stance' | 'retracted'> & { concern?: boolean })[]): Set<number> {
  const stances = new Map<number, Set<Stance>>();
  for (const e of entries) {
    if (e.retracted || e.concern) continue;
    const s = stances.get(e.pmid) ?? new Set<Stance>();
    s.add(e.stance);
    stances.set(e.pmid, s);
  }
  return new Set([...stances].filter(([, s]) => s.size > 1).map(([pmid]) => pmid));
}

/**
 * Builds the report: per claim, its counts and its tagged papers, agreed ones grouped by stance, then the
 * disputed ones (reviewers differ), then the retracted ones. With `statementChanges` (a verbose report) each
 * claim also gets its `statementHistory`.
 */
export function buildReport(
  claims: readonly Claim[],
  tags: readonly ReportTag[],
  papers: ReadonlyMap<number, ReportPaperInfo>,
  generatedAt: string,
  statementChanges?: readonly StatementChange[],
): Report {
  const sections = claims.map((claim): ReportClaim => {
    const raw = tags
      .filter((t) => t.claim === claim.id)
      .map((t) => {
        const p = papers.get(t.pmid);
        if (!p) throw new Error(`tag on PMID ${t.pmid} has no paper`);
        return {
          pmid: t.pmid, citation: formatCitation(p), title: p.title, year: p.year, doi: p.doi,
          stance: t.stance, note: t.note, reviewer: t.reviewer, at: t.at,
          retracted: p.retracted, retractionNotice: p.retractionNotice, disputed: false,
          concern: !p.retracted && Boolean(p.integrity?.concern), integrity: p.integrity,
          kind: p.kindOverride ?? evidenceKind(p.publicationTypes, p.mesh),
          kindOverridden: p.kindOverride !== null,
          group: lastAuthorGroup(p.authors),
        };
      });
    const disputed = disputedPmids(raw);
    const entries: ReportEntry[] = raw
      .map((e) => ({ ...e, disputed: disputed.has(e.pmid) }))
      .sort((a, b) =>
        Number(a.retracted) - Number(b.retracted) ||
        Number(a.concern) - Number(b.concern) ||
        Number(a.disputed) - Number(b.disputed) ||
        // A disputed paper's reviewers stay together, whatever their stances.
        (a.disputed ? (b.year ?? 0) - (a.year ?? 0) || a.pmid - b.pmid : 0) ||
        STANCE_ORDER[a.stance] - STANCE_ORDER[b.stance] ||
        (b.year ?? 0) - (a.year ?? 0) ||
        a.pmid - b.pmid ||
        a.reviewer.localeCompare(b.reviewer));
    const { grade, reason, deciding } = gradeClaim(entries);
    const section: ReportClaim = {
      id: claim.id, slug: claim.slug, statement: claim.statement, retired: claim.retiredAt !== null,
      counts: countStances(entries), papers: entries,
      grade, reason, deciding, dependsOn: [...claim.dependsOn], timeline: timeline(entries),
    };
    if (statementChanges) section.statementHistory = statementChanges.filter((h) => h.claimId === claim.id);
    return section;
  });
  return { generatedAt, claims: sections, chain: chainView(sections), changes: null };
}

/**
 * Counts distinct papers: a retracted paper once, under `retracted`, whatever its stances; a paper whose
 * reviewers differ once, under `disputed`; any other paper once, under the stance its reviewers agree on.
 */
export function countStances(entries: readonly (Pick<ReportEntry, 'pmid' | 'stance' | 'retracted'> & { concern?: boolean })[]): ReportCounts {
  const disputed = disputedPmids(entries);
  const sets: Record<Stance | 'retracted' | 'disputed' | 'concern', Set<number>> = {
    supports: new Set(), qualifies: new Set(), contradicts: new Set(), retracted: new Set(), disputed: new Set(), concern: new Set(),
  };
  for (const e of entries) sets[e.retracted ? 'retracted' : e.concern ? 'concern' : disputed.has(e.pmid) ? 'disputed' : e.stance].add(e.pmid);
  return {
    supports: sets.supports.size, qualifies: sets.qualifies.size, contradicts: sets.contradicts.size,
    retracted: sets.retracted.size, disputed: sets.disputed.size, concern: sets.concern.size,
  };
}

/** The stances in report order. */
export const STANCE_LIST: readonly Stance[] = STANCES;

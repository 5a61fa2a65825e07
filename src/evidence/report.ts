import { STANCES, type Claim, type Stance, type Tag } from './claims.js';
import type { Author } from './paper.js';

/** How many papers take each stance on a claim; retracted papers are counted only under `retracted`. */
export interface StanceCounts {
  supports: number;
  qualifies: number;
  contradicts: number;
  retracted: number;
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
}

/** One claim's section of the report. */
export interface ReportClaim {
  id: string;
  slug: string;
  statement: string;
  retired: boolean;
  counts: StanceCounts;
  papers: ReportEntry[];
}

/** The claim-by-claim evidence report. */
export interface Report {
  generatedAt: string;
  claims: ReportClaim[];
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

/** Builds the report: per claim, its counts and its tagged papers grouped by stance, retracted ones last. */
export function buildReport(
  claims: readonly Claim[],
  tags: readonly ReportTag[],
  papers: ReadonlyMap<number, ReportPaperInfo>,
  generatedAt: string,
): Report {
  return {
    generatedAt,
    claims: claims.map((claim): ReportClaim => {
      const entries: ReportEntry[] = tags
        .filter((t) => t.claim === claim.id)
        .map((t) => {
          const p = papers.get(t.pmid);
          if (!p) throw new Error(`tag on PMID ${t.pmid} has no paper`);
          return {
            pmid: t.pmid, citation: formatCitation(p), title: p.title, year: p.year, doi: p.doi,
            stance: t.stance, note: t.note, reviewer: t.reviewer, at: t.at,
            retracted: p.retracted, retractionNotice: p.retractionNotice,
          };
        })
        .sort((a, b) =>
          Number(a.retracted) - Number(b.retracted) ||
          STANCE_ORDER[a.stance] - STANCE_ORDER[b.stance] ||
          (b.year ?? 0) - (a.year ?? 0) ||
          a.pmid - b.pmid ||
          a.reviewer.localeCompare(b.reviewer));
      return { id: claim.id, slug: claim.slug, statement: claim.statement, retired: claim.retiredAt !== null, counts: countStances(entries), papers: entries };
    }),
  };
}

/** Counts distinct papers per stance; a retracted paper counts once, under `retracted`, whatever its stance. */
export function countStances(entries: readonly Pick<ReportEntry, 'pmid' | 'stance' | 'retracted'>[]): StanceCounts {
  const sets: Record<Stance | 'retracted', Set<number>> = {
    supports: new Set(), qualifies: new Set(), contradicts: new Set(), retracted: new Set(),
  };
  for (const e of entries) sets[e.retracted ? 'retracted' : e.stance].add(e.pmid);
  return { supports: sets.supports.size, qualifies: sets.qualifies.size, contradicts: sets.contradicts.size, retracted: sets.retracted.size };
}

/** The stances in report order. */
export const STANCE_LIST: readonly Stance[] = STANCES;

import type { Paper } from '../evidence/paper.js';
import type { Stance } from '../evidence/claims.js';
import { describeDisagreement, noticeUrl, SOURCE_LABELS, STATUS_LABELS, type IntegrityState } from '../evidence/integrity.js';

/** One reviewer's tag as an export carries it. */
export interface ExportTag {
  claim: string;
  stance: Stance;
  note: string | null;
  reviewer: string;
}

/** What every exporter receives: the paper's bibliographic fields plus its tags. */
export type ExportItem = Pick<
  Paper,
  'pmid' | 'type' | 'title' | 'abstract' | 'authors' | 'journal' | 'journalAbbrev' | 'year' | 'pubDate' |
  'doi' | 'pmcid' | 'keywords' | 'language' | 'retracted' | 'links'
> & {
  tags: ExportTag[];
  deleted?: boolean;
  /** The integrity status from every source; absent or null when nothing bears on it. */
  integrity?: IntegrityState | null;
};

/** The paper's PubMed page. */
export function pubmedUrl(pmid: number): string {
  return `https://pubmed.ncbi.nlm.nih.gov/${pmid}/`;
}

/** The distinct `claimwatch:C7:supports` keywords of an item's tags, in tag order. */
export function tagKeywords(item: ExportItem): string[] {
  return [...new Set(item.tags.map((t) => `claimwatch:${t.claim}:${t.stance}`))];
}

/** The distinct `C7:supports` pairs of an item's tags, in tag order. */
export function tagPairs(item: ExportItem): string[] {
  return [...new Set(item.tags.map((t) => `${t.claim}:${t.stance}`))];
}

/** One note per tag: "C7 supports (ann): the note", or without the note part when there is none. */
export function tagNotes(item: ExportItem): string[] {
  return item.tags.map((t) => `${t.claim} ${t.stance} (${t.reviewer})${t.note ? `: ${t.note}` : ''}`);
}

/**
 * The integrity (and NLM deletion) markers, first in every note: "RETRACTED (retraction notice: PMID n)", with
 * the sources and notice links when another source than PubMed reports it, "EXPRESSION OF CONCERN (source: …)",
 * "CORRECTED (…)", and one line per disagreement between sources. No line starts with "word:", which
 * citeproc would read as a field.
 */
export function statusNotes(item: ExportItem): string[] {
  const out: string[] = [];
  const state = item.integrity;
  const standing = state?.status ? state.notices.filter((n) => n.status === state.status) : [];
  const sources = [...new Set(standing.flatMap((n) => n.sources))];
  const urls = standing.map(noticeUrl).filter((u): u is string => u !== null);
  // A retraction PubMed alone reports is said by the RETRACTED marker as it always was.
  const pubmedOnly = sources.every((x) => x === 'pubmed') && (state?.status === 'retracted' || item.retracted);
  const extra = sources.length && !pubmedOnly
    ? `source: ${sources.map((x) => SOURCE_LABELS[x]).join(', ')}${urls.length ? `; notice ${urls.join(', ')}` : ''}`
    : '';
  if (item.retracted) {
    const notice = item.links.find((l) => l.type === 'RetractionIn' && l.pmid !== null);
    const word = state?.status && state.status !== 'retracted' && state.excluded ? STATUS_LABELS[state.status].toUpperCase() : 'RETRACTED';
    const parts = [notice ? `retraction notice: PMID ${notice.pmid}` : '', extra].filter(Boolean);
    out.push(`${word}${parts.length ? ` (${parts.join('; ')})` : ''}`);
  } else if (state?.status) {
    out.push(`${STATUS_LABELS[state.status].toUpperCase()}${extra ? ` (${extra})` : ''}`);
  }
  for (const d of state?.disagreements ?? []) out.push(describeDisagreement(d));
  if (item.deleted) out.push('DELETED from PubMed by NLM');
  return out;
}

/** The status word of an item for a column: "retracted", "expression of concern", "corrected", or "". */
export function statusWord(item: ExportItem): string {
  return item.integrity?.status ? STATUS_LABELS[item.integrity.status] : item.retracted ? STATUS_LABELS.retracted : '';
}

/** Every note of an item: markers first, then one per tag. */
export function allNotes(item: ExportItem): string[] {
  return [...statusNotes(item), ...tagNotes(item)];
}

/** An author as "Last, Fore" (or the collective's name, or the last name alone). */
export function authorName(a: ExportItem['authors'][number]): string {
  if (a.collective) return a.collective;
  if (a.last && a.fore) return `${a.last}, ${a.fore}`;
  return a.last ?? a.fore ?? '';
}

/** Collapses line breaks and runs of white space, for formats whose values are one line. */
export function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

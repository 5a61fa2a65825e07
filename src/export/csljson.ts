import { allNotes, pubmedUrl, tagKeywords, type ExportItem } from './item.js';

/** A CSL-JSON name: family/given, or literal for a collective. */
export type CslName = { family: string; given?: string } | { literal: string };

/** The CSL-JSON fields claimwatch writes (https://github.com/citation-style-language/schema, csl-data.json). */
export interface CslItem {
  id: string;
  type: 'article-journal' | 'book';
  title?: string;
  author?: CslName[];
  'container-title'?: string;
  'container-title-short'?: string;
  issued?: { 'date-parts': [[number]] };
  DOI?: string;
  PMID: string;
  PMCID?: string;
  URL: string;
  abstract?: string;
  language?: string;
  keyword?: string;
  note?: string;
}

function cslName(a: ExportItem['authors'][number]): CslName | null {
  if (a.collective) return { literal: a.collective };
  if (a.last) return a.fore ? { family: a.last, given: a.fore } : { family: a.last };
  return a.fore ? { literal: a.fore } : null;
}

/** One CSL-JSON item; absent fields are left out. */
export function toCslItem(item: ExportItem): CslItem {
  const authors = item.authors.map(cslName).filter((n): n is CslName => n !== null);
  const keywords = tagKeywords(item);
  const notes = allNotes(item);
  return {
    id: `pmid:${item.pmid}`,
    type: item.type === 'book' ? 'book' : 'article-journal',
    ...(item.title ? { title: item.title } : {}),
    ...(authors.length ? { author: authors } : {}),
    ...(item.journal ? { 'container-title': item.journal } : {}),
    ...(item.journalAbbrev ? { 'container-title-short': item.journalAbbrev } : {}),
    ...(item.year !== null ? { issued: { 'date-parts': [[item.year]] as [[number]] } } : {}),
    ...(item.doi ? { DOI: item.doi } : {}),
    PMID: String(item.pmid),
    ...(item.pmcid ? { PMCID: item.pmcid } : {}),
    URL: pubmedUrl(item.pmid),
    ...(item.abstract ? { abstract: item.abstract } : {}),
    ...(item.language ? { language: item.language } : {}),
    // CSL `keyword` is one string; reference managers split it on commas.
    ...(keywords.length ? { keyword: keywords.join(', ') } : {}),
    ...(notes.length ? { note: notes.join('\n') } : {}),
  };
}

/** A CSL-JSON file: one array of items, `[]` for none. */
export function renderCslJson(items: readonly ExportItem[]): string {
  return `${JSON.stringify(items.map(toCslItem), null, 2)}\n`;
}

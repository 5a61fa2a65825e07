import { ParseError } from '../errors.js';
import { pmidFromText, type Author, type Paper } from '../evidence/paper.js';

/** Where a record of a screening or reference-manager export came from. */
export type ExportFormat = 'csv' | 'ris';

/** A reviewer's decision an export carries for a record, when it has one. */
export type ScreeningLabel = 'included' | 'excluded';

/** What one record of a CSV or RIS file yields, in file order. */
export type ExportItem =
  | { kind: 'paper'; paper: Paper; line: number; label: ScreeningLabel | null }
  | { kind: 'skipped'; line: number };

/** An incremental reader of a CSV or RIS export: the same contract as the PubMed parsers, plus skipped records. */
export interface ExportParser {
  push(chunk: string): ExportItem[];
  end(): ExportItem[];
}

/** The fields claimwatch keeps of an exported record; absent ones are null or empty. */
export interface ExportFields {
  pmid: number;
  type: 'article' | 'book';
  title: string | null;
  abstract: string | null;
  authors: string[];
  journal: string | null;
  journalAbbrev: string | null;
  year: string | null;
  doi: string | null;
  keywords: string[];
}

/** A PMID cell's value, or null when it is empty; throws naming the line when it holds something else. */
export function pmidOfCell(text: string, line: number): number | null {
  const s = text.trim().replace(/^PMID:?\s*/i, '');
  if (s === '') return null;
  const pmid = pmidFromText(s);
  if (pmid === null) {
    throw new ParseError(`line ${line}: PMID "${text.trim().slice(0, 40)}" is not a PubMed ID (a whole number of 1 to 10 digits, not 0): correct it or empty the cell to skip the record`);
  }
  return pmid;
}

/** The first "PMID: N" line of a free-text field (Zotero's Extra), or null. */
export function pmidInText(text: string, line: number): number | null {
  const m = /^[ \t]*PMID:[ \t]*(\S+)[ \t]*$/im.exec(text);
  return m ? pmidOfCell(m[1]!, line) : null;
}

/** Words that make a name without a comma a group's ("TAX 325 Study Group"), not a person's. */
const COLLECTIVE = /\d|\b(?:group|consortium|collaborat\w*|committee|investigators|network|society|association|trialists|study|team)\b/i;

/** One author as the export spells it: "Last, Fore", "Last FM" (PubMed's short form) or "Fore Last". */
export function authorFromText(text: string): Author {
  const s = text.trim().replace(/\s+/g, ' ');
  if (!s.includes(',') && COLLECTIVE.test(s)) return { last: null, fore: null, initials: null, collective: s };
  const comma = s.indexOf(',');
  let last: string;
  let fore: string | null;
  if (comma >= 0) {
    last = s.slice(0, comma).trim();
    fore = s.slice(comma + 1).trim() || null;
  } else {
    const words = s.split(' ');
    const tail = words[words.length - 1]!;
    if (words.length > 1 && /^[A-Z]{1,3}$/.test(tail)) {
      // "Ressler KJ": PubMed's last name and initials.
      return { last: words.slice(0, -1).join(' '), fore: null, initials: tail, collective: null };
    }
    if (words.length === 1) return { last: s, fore: null, initials: null, collective: null };
    last = tail;
    fore = words.slice(0, -1).join(' ');
  }
  const initials = fore
    ? fore.split(/[\s.-]+/).filter(Boolean).map((w) => w[0]!.toUpperCase()).join('') || null
    : null;
  return { last, fore, initials, collective: null };
}

/** The year a date cell holds ("1999", "1999.0", "2021/03/04", "2021 Mar"), or null. */
export function yearOf(text: string | null): number | null {
  const m = text ? /(?:^|\D)(1[5-9]\d\d|20\d\d)(?!\d)/.exec(text) : null;
  return m ? Number(m[1]) : null;
}

/** A DOI without the resolver prefix or "doi:" that exports put before it, or null. */
export function doiOf(text: string | null): string | null {
  const s = (text ?? '').trim().replace(/^(?:https?:\/\/(?:dx\.)?doi\.org\/|doi:\s*)/i, '').trim();
  return s || null;
}

/** A text with its runs of white space made single, or null when nothing is left. */
export function clean(text: string | null | undefined): string | null {
  const s = (text ?? '').replace(/\s+/g, ' ').trim();
  return s || null;
}

/** The paper an exported record describes: only what the export says; PubMed's fields it lacks stay empty. */
export function paperFromFields(f: ExportFields, raw: string, rawFormat: ExportFormat): Paper {
  const year = yearOf(f.year);
  return {
    pmid: f.pmid,
    type: f.type,
    title: clean(f.title),
    abstract: clean(f.abstract),
    authors: f.authors.map((a) => a.trim()).filter(Boolean).map(authorFromText),
    journal: clean(f.journal),
    journalAbbrev: clean(f.journalAbbrev),
    year,
    pubDate: year === null ? null : String(year),
    doi: doiOf(f.doi),
    pmcid: null,
    publicationTypes: [],
    mesh: [],
    keywords: f.keywords.map((k) => k.trim()).filter(Boolean),
    language: null,
    retracted: false,
    links: [],
    dateRevised: null,
    entrezDate: null,
    raw,
    rawFormat,
  };
}

/** A reviewer's decision as screening tools write it ("1", "0", "included", "Excluded", "yes"...), or null. */
export function labelOf(text: string): ScreeningLabel | null {
  const s = text.trim().toLowerCase().replace(/\.0$/, '');
  if (['1', 'true', 'yes', 'y', 'include', 'included', 'relevant'].includes(s)) return 'included';
  if (['0', 'false', 'no', 'n', 'exclude', 'excluded', 'irrelevant'].includes(s)) return 'excluded';
  return null;
}

/** "line 4" or "lines 4, 9, 12, ... (14 in all)": where the skipped records of a file start. */
export function skippedText(f: { skipped: number; skippedLines: readonly number[] }): string {
  const more = f.skipped > f.skippedLines.length ? `, ... (${f.skipped} in all)` : '';
  return `line${f.skipped === 1 ? '' : 's'} ${f.skippedLines.join(', ')}${more}`;
}

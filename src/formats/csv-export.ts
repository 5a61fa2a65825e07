import { ParseError } from '../errors.js';
import { createCsvReader, type CsvRecord } from './csv.js';
import {
  labelOf, paperFromFields, pmidInText, pmidOfCell,
  type ExportItem, type ExportParser, type ScreeningLabel,
} from './fields.js';

/** The header names of a PMID column, compared with case and spaces ignored. */
export const PMID_HEADERS = ['pmid', 'PMID', 'pubmedID', 'pubmed_id', 'PubMed ID'] as const;

const pmidKey = (name: string): string => name.replace(/\s+/g, '').toLowerCase();
const PMID_KEYS = new Set(PMID_HEADERS.map(pmidKey));

/** A header name reduced to letters and digits, lower case: "Abstract Note" and "abstract_note" are the same. */
const key = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * The columns each kept field is read from, first found wins: the names Zotero, EndNote, Rayyan, Covidence,
 * ASReview and Web of Science exports use (reduced as `key` does).
 */
const COLUMNS = {
  title: ['title', 'articletitle', 'primarytitle', 'ti'],
  abstract: ['abstract', 'abstractnote', 'ab'],
  authors: ['authors', 'author', 'authorfullnames', 'au'],
  journal: ['journal', 'publicationtitle', 'journaltitle', 'sourcetitle', 'secondarytitle', 'journalbook', 'so'],
  journalAbbrev: ['journalabbreviation', 'journalabbrev', 'isoabbreviation', 'ja'],
  year: ['year', 'publicationyear', 'publishedyear', 'py', 'date'],
  doi: ['doi', 'di'],
  keywords: ['keywords', 'authorkeywords', 'keyword', 'de'],
  // Zotero keeps the PMID in Extra, as a "PMID: N" line.
  extra: ['extra'],
  // ASReview's exports (included), the ASReview/SYNERGY datasets (label_included), Rayyan's notes.
  label: ['included', 'labelincluded'],
  notes: ['notes'],
} as const;

type Column = keyof typeof COLUMNS;

/** Where each field is in a row, read off the header. */
interface Layout {
  width: number;
  pmid: number | null;
  cols: Partial<Record<Column, number>>;
}

function layoutOf(header: CsvRecord): Layout {
  const names = header.fields.map((f) => f.trim());
  const pmid = names.findIndex((n) => PMID_KEYS.has(pmidKey(n)));
  const keys = names.map(key);
  const cols: Partial<Record<Column, number>> = {};
  for (const [col, aliases] of Object.entries(COLUMNS) as [Column, readonly string[]][]) {
    for (const a of aliases) {
      const i = keys.indexOf(a);
      if (i >= 0) {
        cols[col] = i;
        break;
      }
    }
  }
  if (pmid < 0 && cols.extra === undefined) {
    const shown = names.slice(0, 12).map((n) => n.slice(0, 30)).join(', ');
    throw new ParseError(
      `not PubMed XML or MEDLINE text, nor RIS, nor CSV with a PMID column: a CSV header must name one of ${PMID_HEADERS.join(', ')} (case and spaces ignored), or be Zotero's with its Extra column; its first line has ${shown}${names.length > 12 ? ', ...' : ''}`,
    );
  }
  return { width: names.length, pmid: pmid < 0 ? null : pmid, cols };
}

/** Authors in one cell: "; "-separated, or " and ", or PubMed's "Last FM, Last FM". */
export function splitAuthors(cell: string): string[] {
  const s = cell.trim();
  if (!s) return [];
  if (s.includes(';')) return s.split(';');
  if (/\sand\s/.test(s)) return s.split(/\s+and\s+/);
  const parts = s.split(',');
  if (parts.length > 1 && parts.every((p) => /^\s*\S.*\s[A-Z]{1,3}\s*$/.test(p))) return parts;
  return [s];
}

/** The decision of a Rayyan export's notes ("RAYYAN-INCLUSION: {"Ann"=>"Excluded"}"), when all reviewers agree. */
function rayyanLabel(notes: string): ScreeningLabel | null {
  const m = /RAYYAN-INCLUSION:\s*\{([^}]*)\}/.exec(notes);
  if (!m) return null;
  const decisions = new Set([...m[1]!.matchAll(/=>\s*"([^"]*)"/g)].map((d) => d[1]!.toLowerCase()));
  if (decisions.size !== 1) return null;
  const [d] = [...decisions];
  return d === 'included' ? 'included' : d === 'excluded' ? 'excluded' : null;
}

/**
 * Reads a CSV export of a screening tool or reference manager: the header names the columns (a PMID column
 * is required, see PMID_HEADERS), each row is one record. A row with an empty PMID is skipped (and reported);
 * a PMID that is not one, or a row with more or fewer fields than the header, stops the file with its line.
 * Each paper's `raw` is the header line and its row: a CSV file of its own that reads back to the same paper.
 */
export function createCsvExportParser(): ExportParser {
  const reader = createCsvReader();
  let header: CsvRecord | null = null;
  let layout: Layout | null = null;

  const toItem = (r: CsvRecord): ExportItem => {
    const l = layout!;
    if (r.fields.length !== l.width) {
      throw new ParseError(`line ${r.line}: ${r.fields.length} field${r.fields.length === 1 ? '' : 's'} where the header has ${l.width} (a quote or a delimiter out of place?)`);
    }
    const cell = (c: Column): string | null => (l.cols[c] === undefined ? null : r.fields[l.cols[c]!]!);
    const pmid = l.pmid !== null ? pmidOfCell(r.fields[l.pmid]!, r.line) : null;
    const found = pmid ?? (cell('extra') !== null ? pmidInText(cell('extra')!, r.line) : null);
    if (found === null) return { kind: 'skipped', line: r.line };
    const raw = header!.raw.endsWith('\n') ? header!.raw + r.raw : `${header!.raw}\n${r.raw}`;
    const paper = paperFromFields(
      {
        pmid: found,
        type: 'article',
        title: cell('title'),
        abstract: cell('abstract'),
        authors: splitAuthors(cell('authors') ?? ''),
        journal: cell('journal'),
        journalAbbrev: cell('journalAbbrev'),
        year: cell('year'),
        doi: cell('doi'),
        keywords: (cell('keywords') ?? '').split(';'),
      },
      raw,
      'csv',
    );
    const label = cell('label') !== null ? labelOf(cell('label')!) : cell('notes') !== null ? rayyanLabel(cell('notes')!) : null;
    return { kind: 'paper', paper, line: r.line, label };
  };

  const take = (records: CsvRecord[]): ExportItem[] => {
    const out: ExportItem[] = [];
    for (const r of records) {
      if (!header) {
        header = r;
        layout = layoutOf(r);
        continue;
      }
      out.push(toItem(r));
    }
    return out;
  };

  return {
    push: (chunk) => take(reader.push(chunk)),
    end: () => {
      const items = take(reader.end());
      if (!header) throw new ParseError('the file is empty');
      return items;
    },
  };
}

/** The items of a whole CSV export (for tests and for re-reading a stored record). */
export function parseCsvExport(text: string): ExportItem[] {
  const p = createCsvExportParser();
  return [...p.push(text), ...p.end()];
}

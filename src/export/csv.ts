import { allNotes, authorName, pubmedUrl, statusWord, tagPairs, type ExportItem } from './item.js';

/** The CSV columns, in order. */
export const CSV_COLUMNS = ['pmid', 'doi', 'title', 'authors', 'journal', 'year', 'retracted', 'status', 'tags', 'notes', 'url'] as const;

// RFC 4180 (https://www.rfc-editor.org/rfc/rfc4180): records end in CRLF; a field holding a comma,
// a double quote or a line break is quoted, with its quotes doubled.
const EOL = '\r\n';

// A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK, DDE through
// =cmd|...), and titles, names and notes come from PubMed, imported files and other reviewers. OWASP's
// advice (https://owasp.org/www-community/attacks/CSV_Injection): prefix such a cell with ' (which a
// spreadsheet then shows as text, without the quote) and quote the cell.
const FORMULA_START = /^[=+\-@\t\r]/;

/** One field, quoted when RFC 4180 requires it; text a spreadsheet would run as a formula gets a leading ' and quotes. */
export function csvField(value: string | number | boolean | null): string {
  const s = value === null ? '' : String(value);
  if (typeof value === 'string' && FORMULA_START.test(s)) return `"'${s.replace(/"/g, '""')}"`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function row(item: ExportItem): (string | number | boolean | null)[] {
  return [
    item.pmid,
    item.doi,
    item.title,
    item.authors.map(authorName).join('; '),
    item.journal,
    item.year,
    item.retracted,
    statusWord(item),
    tagPairs(item).join(';'),
    allNotes(item).join('; '),
    pubmedUrl(item.pmid),
  ];
}

/** A CSV file: a header line, then one line per paper (a header alone for none). */
export function renderCsv(items: readonly ExportItem[]): string {
  return [[...CSV_COLUMNS], ...items.map(row)].map((r) => r.map(csvField).join(',') + EOL).join('');
}

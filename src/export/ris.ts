import { allNotes, authorName, oneLine, pubmedUrl, tagKeywords, type ExportItem } from './item.js';

// RIS: one "TAG  - value" line per field, TY first and ER last; lines end in CRLF as the
// format's specification asks (https://en.wikipedia.org/wiki/RIS_(file_format)).
const EOL = '\r\n';

function line(tag: string, value: string | number | null | undefined): string[] {
  if (value === null || value === undefined || value === '') return [];
  return [`${tag}  - ${oneLine(String(value))}`];
}

/** One RIS record (ending with its ER line). */
export function renderRisRecord(item: ExportItem): string {
  const lines = [
    ...line('TY', item.type === 'book' ? 'BOOK' : 'JOUR'),
    ...line('TI', item.title),
    ...item.authors.flatMap((a) => line('AU', authorName(a))),
    ...line('PY', item.year),
    ...line('DA', item.pubDate),
    ...line('T2', item.journal),
    ...line('JO', item.journalAbbrev),
    ...line('DO', item.doi),
    ...line('AN', item.pmid),
    ...line('UR', pubmedUrl(item.pmid)),
    ...line('LA', item.language),
    ...line('AB', item.abstract),
    ...tagKeywords(item).flatMap((k) => line('KW', k)),
    ...allNotes(item).flatMap((n) => line('N1', n)),
    'ER  - ',
  ];
  return lines.join(EOL) + EOL;
}

/** A RIS file: the records separated by a blank line; '' for none. */
export function renderRis(items: readonly ExportItem[]): string {
  return items.map(renderRisRecord).join(EOL);
}

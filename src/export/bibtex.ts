import { allNotes, authorName, pubmedUrl, tagKeywords, type ExportItem } from './item.js';

const SPECIALS: Record<string, string> = {
  '&': '\\&', '%': '\\%', $: '\\$', '#': '\\#', _: '\\_', '{': '\\{', '}': '\\}',
  '~': '\\textasciitilde{}', '^': '\\textasciicircum{}', '\\': '\\textbackslash{}',
};

/** Escapes the characters BibTeX/LaTeX treat specially; other Unicode is kept (the file is UTF-8). */
export function escapeBibtex(s: string): string {
  return s.replace(/[&%$#_{}~^\\]/g, (c) => SPECIALS[c]!).replace(/\s+/g, ' ').trim();
}

/** One author for the `author` field; a collective is braced so it stays one literal name. */
function bibAuthor(a: ExportItem['authors'][number]): string {
  if (a.collective) return `{${escapeBibtex(a.collective)}}`;
  // BibTeX would split a name part holding " and " or a comma, and would read a lower-case word
  // ("de la Bastide") as a separate "von" part: brace such parts so PubMed's name stays whole.
  const part = (s: string): string => (/ and |,|(^|\s)\p{Ll}/u.test(s) ? `{${escapeBibtex(s)}}` : escapeBibtex(s));
  const given = (s: string): string => (/ and |,/i.test(s) ? `{${escapeBibtex(s)}}` : escapeBibtex(s));
  if (a.last && a.fore) return `${part(a.last)}, ${given(a.fore)}`;
  return part(authorName(a));
}

/** The citation key: `pmid` and the number, e.g. pmid36311515. */
export function bibtexKey(item: ExportItem): string {
  return `pmid${item.pmid}`;
}

/** One BibTeX entry: @article, or @book for NCBI Bookshelf records. */
export function renderBibtexEntry(item: ExportItem): string {
  const fields: [string, string | null][] = [
    ['author', item.authors.length ? item.authors.map(bibAuthor).join(' and ') : null],
    // Double braces keep the title verbatim: PubMed titles are already in sentence case, with proper nouns.
    ['title', item.title && `{${escapeBibtex(item.title)}}`],
    [item.type === 'book' ? 'series' : 'journal', item.journal && escapeBibtex(item.journal)],
    ['year', item.year === null ? null : String(item.year)],
    ['doi', item.doi && escapeBibtex(item.doi)],
    ['pmid', String(item.pmid)],
    ['pmcid', item.pmcid && escapeBibtex(item.pmcid)],
    ['url', pubmedUrl(item.pmid)],
    ['language', item.language && escapeBibtex(item.language)],
    ['abstract', item.abstract && escapeBibtex(item.abstract)],
    ['keywords', tagKeywords(item).map(escapeBibtex).join(', ') || null],
    ['note', allNotes(item).map(escapeBibtex).join('; ') || null],
  ];
  const body = fields
    .filter((f): f is [string, string] => f[1] !== null && f[1] !== '')
    .map(([k, v]) => `  ${k} = {${v}}`)
    .join(',\n');
  return `@${item.type === 'book' ? 'book' : 'article'}{${bibtexKey(item)},\n${body}\n}\n`;
}

/** A BibTeX file (UTF-8): the entries separated by a blank line; '' for none. */
export function renderBibtex(items: readonly ExportItem[]): string {
  return items.map(renderBibtexEntry).join('\n');
}

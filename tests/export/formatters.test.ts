import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture } from '../helpers.js';
import { parseRecordXml } from '../../src/pubmed/xml.js';
import type { Paper } from '../../src/evidence/paper.js';
import type { ExportItem, ExportTag } from '../../src/export/item.js';
import { renderRis, renderRisRecord } from '../../src/export/ris.js';
import { escapeBibtex, renderBibtex, renderBibtexEntry } from '../../src/export/bibtex.js';
import { renderCslJson, toCslItem } from '../../src/export/csljson.js';
import { CSV_COLUMNS, csvField, renderCsv } from '../../src/export/csv.js';
import { lookupFormat, renderExport } from '../../src/export/formats.js';

/** One real record from a fixture file, parsed as import parses it. */
function record(file: string, pmid: number): Paper {
  const text = readFileSync(fixture(`efetch/${file}`), 'utf8');
  const xml = (text.match(/<Pubmed(?:Book)?Article>[\s\S]*?<\/Pubmed(?:Book)?Article>/g) ?? []).find((r) => r.includes(`>${pmid}</PMID>`));
  if (!xml) throw new Error(`no PMID ${pmid} in ${file}`);
  return parseRecordXml(xml);
}

function item(p: Paper, tags: ExportTag[] = []): ExportItem {
  return { ...p, tags };
}

const UNICODE = (): Paper => record('julielab__pubmed18n0740_7_eval_files.xml', 23078991); // Aníbal, Gonçalves
const ARROW = (): Paper => record('julielab__pubmed18n0740_7_eval_files.xml', 23079002); // "(Arg>Ser)"
const QUOTES = (): Paper => record('biopython__pubmed6.xml', 30108519); // title with double quotes
const PERCENT = (): Paper => record('biopython__pubmed2.xml', 11748933); // abstract with % and <
const COLLECTIVE = (): Paper => record('metapub__sample_article_23435529.xml', 23435529); // TAX 325 Study Group
const BOOK = (): Paper => record('metapub__sample_article_20301577_book.xml', 20301577);
const RETRACTED = (): Paper => record('retractobot__pubmed_retracted_publication.xml', 10066780);

const TAGS: ExportTag[] = [
  { claim: 'C7', stance: 'supports', note: 'extinction up, 50% & {more}', reviewer: 'ann' },
  { claim: 'C7', stance: 'supports', note: null, reviewer: 'bob' },
  { claim: 'C5', stance: 'qualifies', note: null, reviewer: 'ann' },
];

/** RIS lines as [tag, value] pairs. */
function risFields(text: string): [string, string][] {
  return text.split('\r\n').filter((l) => l !== '').map((l) => {
    const m = /^([A-Z][A-Z0-9])  - (.*)$/.exec(l);
    if (!m) throw new Error(`not a RIS line: ${JSON.stringify(l)}`);
    return [m[1]!, m[2]!];
  });
}
const risAll = (text: string, tag: string): string[] => risFields(text).filter(([t]) => t === tag).map(([, v]) => v);

/** A small RFC 4180 reader: records of fields, quoted fields may hold commas, quotes and line breaks. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (c === '"') { quoted = false; i++; continue; }
      field += c; i++; continue;
    }
    if (c === '"') { quoted = true; i++; continue; }
    if (c === ',') { row.push(field); field = ''; i++; continue; }
    if (c === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i += 2; continue; }
    if (c === '\n' || c === '\r') throw new Error(`bare line break at ${i}`);
    field += c; i++;
  }
  if (field !== '' || row.length) throw new Error('last record not ended by CRLF');
  return rows;
}

describe('RIS', () => {
  it('writes a journal article with Unicode authors, the tags as KW and N1, and CRLF lines', () => {
    const p = UNICODE();
    const text = renderRisRecord(item(p, TAGS));
    expect(text.endsWith('ER  - \r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const f = risFields(text);
    expect(f[0]).toEqual(['TY', 'JOUR']);
    expect(f.at(-1)).toEqual(['ER', '']);
    expect(risAll(text, 'TI')).toEqual([p.title]);
    expect(risAll(text, 'AU')).toContain('Ferreira, Aníbal');
    expect(risAll(text, 'AU')).toContain('Gonçalves, Raquel');
    expect(risAll(text, 'AU')).toHaveLength(p.authors.length);
    expect(risAll(text, 'PY')).toEqual(['2012']);
    expect(risAll(text, 'T2')).toEqual(['Gastroenterology']);
    expect(risAll(text, 'DO')).toEqual([p.doi]);
    expect(risAll(text, 'AN')).toEqual(['23078991']);
    expect(risAll(text, 'UR')).toEqual(['https://pubmed.ncbi.nlm.nih.gov/23078991/']);
    expect(risAll(text, 'KW')).toEqual(['claimwatch:C7:supports', 'claimwatch:C5:qualifies']);
    expect(risAll(text, 'N1')).toEqual(['C7 supports (ann): extinction up, 50% & {more}', 'C7 supports (bob)', 'C5 qualifies (ann)']);
  });

  it('puts a multi-paragraph abstract on one AB line', () => {
    const p = COLLECTIVE();
    expect(p.abstract).toMatch(/\n/);
    const ab = risAll(renderRisRecord(item(p)), 'AB');
    expect(ab).toHaveLength(1);
    expect(ab[0]).toBe(p.abstract!.replace(/\s+/g, ' ').trim());
  });

  it('writes a collective author as one AU, a book as BOOK, and marks a retracted paper', () => {
    expect(risAll(renderRisRecord(item(COLLECTIVE())), 'AU')).toContain('TAX 325 Study Group');
    const book = renderRisRecord(item(BOOK()));
    expect(risAll(book, 'TY')).toEqual(['BOOK']);
    expect(risAll(book, 'TI')).toEqual(['CACNA1C-Related Disorders']);
    expect(risAll(book, 'AU')).toEqual(['Napolitano, Carlo', 'Priori, Silvia G']);
    const r = renderRisRecord(item(RETRACTED(), [{ claim: 'C3', stance: 'contradicts', note: null, reviewer: 'ann' }]));
    expect(risAll(r, 'N1')).toEqual(['RETRACTED (retraction notice: PMID 11905463)', 'C3 contradicts (ann)']);
  });

  it('separates records by a blank line and writes nothing for no papers', () => {
    const text = renderRis([item(UNICODE()), item(BOOK())]);
    expect(text.split('\r\n\r\n')).toHaveLength(2);
    expect(renderRis([])).toBe('');
  });
});

describe('BibTeX', () => {
  it('escapes every BibTeX special character and keeps Unicode', () => {
    expect(escapeBibtex('a & b % c $ d # e _ f { g } h ~ i ^ j \\ k')).toBe(
      'a \\& b \\% c \\$ d \\# e \\_ f \\{ g \\} h \\textasciitilde{} i \\textasciicircum{} j \\textbackslash{} k',
    );
    expect(escapeBibtex('Gonçalves — Szabó')).toBe('Gonçalves — Szabó');
  });

  it('writes an @article keyed by PMID with authors "Last, Fore and ...", tags in keywords and note', () => {
    const p = UNICODE();
    const text = renderBibtexEntry(item(p, TAGS));
    expect(text.startsWith('@article{pmid23078991,\n')).toBe(true);
    expect(text.endsWith('\n}\n')).toBe(true);
    expect(text).toContain(`  author = {${p.authors.map((a) => `${a.last}, ${a.fore}`).join(' and ')}},\n`);
    expect(text).toContain('Ferreira, Aníbal and Gonçalves, Raquel');
    expect(text).toContain(`  title = {{${p.title}}},\n`);
    expect(text).toContain('  journal = {Gastroenterology},\n');
    expect(text).toContain('  year = {2012},\n');
    expect(text).toContain(`  doi = {${p.doi}},\n`);
    expect(text).toContain('  pmid = {23078991},\n');
    expect(text).toContain('  url = {https://pubmed.ncbi.nlm.nih.gov/23078991/},\n');
    expect(text).toContain('  keywords = {claimwatch:C7:supports, claimwatch:C5:qualifies},\n');
    expect(text).toContain('  note = {C7 supports (ann): extinction up, 50\\% \\& \\{more\\}; C7 supports (bob); C5 qualifies (ann)}\n');
  });

  it('escapes a real abstract and keeps a title with quotes and ">" as they are', () => {
    const text = renderBibtex([item(PERCENT()), item(QUOTES()), item(ARROW())]);
    expect(text).toContain('15\\% dimethyl sulfoxide');
    expect(text).not.toMatch(/[^\\]%/);
    expect(text).toContain('title = {{A "Blood Relationship" Between');
    expect(text).toContain('(Arg>Ser)');
    // Braces balance in every entry, so BibTeX reads each to its end.
    for (const entry of text.split('\n\n')) {
      const bare = entry.replace(/\\[{}]/g, '');
      expect(bare.split('{').length).toBe(bare.split('}').length);
    }
  });

  it('braces a family name with a lower-case particle so BibTeX keeps it whole', () => {
    const p = record('julielab__pubmed18n0740_7_eval_files.xml', 23078996); // De Marco, Alessandra
    expect(renderBibtexEntry(item(p))).toContain('author = {De Marco, Alessandra and ');
    const particle = { ...p, authors: [{ last: 'de la Bastide', fore: 'M', initials: 'M', collective: null }, ...p.authors] };
    expect(renderBibtexEntry(item(particle))).toContain('author = {{de la Bastide}, M and De Marco, Alessandra and ');
  });

  it('braces a collective author, writes a book as @book and notes a retraction', () => {
    expect(renderBibtexEntry(item(COLLECTIVE()))).toContain('{TAX 325 Study Group}');
    const book = renderBibtexEntry(item(BOOK()));
    expect(book.startsWith('@book{pmid20301577,')).toBe(true);
    expect(book).toContain('author = {Napolitano, Carlo and Priori, Silvia G}');
    expect(renderBibtexEntry(item(RETRACTED()))).toContain('  note = {RETRACTED (retraction notice: PMID 11905463)}\n');
    expect(renderBibtex([])).toBe('');
  });
});

describe('CSL-JSON', () => {
  it('maps a record to the CSL data schema fields, with the tags in note and keyword', () => {
    const p = UNICODE();
    const c = toCslItem(item(p, TAGS));
    expect(c).toMatchObject({
      id: 'pmid:23078991',
      type: 'article-journal',
      title: p.title,
      'container-title': 'Gastroenterology',
      issued: { 'date-parts': [[2012]] },
      DOI: p.doi,
      PMID: '23078991',
      URL: 'https://pubmed.ncbi.nlm.nih.gov/23078991/',
      keyword: 'claimwatch:C7:supports, claimwatch:C5:qualifies',
      note: 'C7 supports (ann): extinction up, 50% & {more}\nC7 supports (bob)\nC5 qualifies (ann)',
    });
    expect(c.author).toContainEqual({ family: 'Gonçalves', given: 'Raquel' });
  });

  it('writes a collective as a literal name, a book as "book", and marks a retraction', () => {
    expect(toCslItem(item(COLLECTIVE())).author).toContainEqual({ literal: 'TAX 325 Study Group' });
    expect(toCslItem(item(BOOK()))).toMatchObject({ type: 'book', title: 'CACNA1C-Related Disorders', issued: { 'date-parts': [[1993]] } });
    expect(toCslItem(item(RETRACTED())).note).toBe('RETRACTED (retraction notice: PMID 11905463)');
    expect(toCslItem(item(BOOK()))).not.toHaveProperty('DOI');
  });

  it('writes one JSON array, [] for none', () => {
    expect(JSON.parse(renderCslJson([item(QUOTES()), item(BOOK())])).map((c: { id: string }) => c.id)).toEqual(['pmid:30108519', 'pmid:20301577']);
    expect(JSON.parse(renderCslJson([]))).toEqual([]);
  });
});

describe('CSV', () => {
  it('quotes only fields with a comma, quote or line break (RFC 4180)', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a, b')).toBe('"a, b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
  });

  it('reads back through an RFC 4180 reader with the tags and notes', () => {
    const papers = [UNICODE(), QUOTES(), COLLECTIVE(), RETRACTED()];
    const rows = readCsv(renderCsv(papers.map((p, i) => item(p, i === 0 ? TAGS : []))));
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(5);
    for (const r of rows) expect(r).toHaveLength(CSV_COLUMNS.length);
    const byPmid = new Map(rows.slice(1).map((r) => [r[0], Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, r[i]]))]));
    expect(byPmid.get('23078991')).toMatchObject({
      doi: UNICODE().doi, title: UNICODE().title, journal: 'Gastroenterology', year: '2012', retracted: 'false',
      tags: 'C7:supports;C5:qualifies', notes: 'C7 supports (ann): extinction up, 50% & {more}; C7 supports (bob); C5 qualifies (ann)',
    });
    expect(byPmid.get('23078991')!.authors).toContain('Ferreira, Aníbal; Gonçalves, Raquel');
    expect(byPmid.get('30108519')!.title).toBe(QUOTES().title);
    expect(byPmid.get('23435529')!.authors).toContain('TAX 325 Study Group');
    expect(byPmid.get('10066780')).toMatchObject({ retracted: 'true', notes: 'RETRACTED (retraction notice: PMID 11905463)' });
  });

  it('writes the header alone for no papers', () => {
    expect(renderCsv([])).toBe(`${CSV_COLUMNS.join(',')}\r\n`);
  });

  // https://owasp.org/www-community/attacks/CSV_Injection
  it('neutralises a cell a spreadsheet would run as a formula: a leading quote, and the cell quoted', () => {
    expect(csvField('=HYPERLINK("http://evil.example","x")')).toBe(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    expect(csvField('+1+2')).toBe(`"'+1+2"`);
    expect(csvField('-2+3+cmd|\' /C calc\'!A0')).toBe(`"'-2+3+cmd|' /C calc'!A0"`);
    expect(csvField('@SUM(1+1)')).toBe(`"'@SUM(1+1)"`);
    expect(csvField('\t=1')).toBe(`"'\t=1"`);
    expect(csvField('\r=1')).toBe(`"'\r=1"`);
    // Only the first character counts; numbers and booleans are claimwatch's own.
    expect(csvField('a=1')).toBe('a=1');
    expect(csvField(' =1')).toBe(' =1');
    expect(csvField(-1)).toBe('-1');
  });

  it('keeps a neutralised file RFC 4180-valid: each hostile cell reads back as itself behind one quote', () => {
    const p = QUOTES();
    const hostile = { ...p, title: '=1+1', journal: '@SUM(A1)', doi: '-1+1', authors: [{ last: '+Evil', fore: 'A, "B"', initials: 'AB', collective: null }] };
    const rows = readCsv(renderCsv([item(hostile)]));
    expect(rows).toHaveLength(2);
    expect(rows[1]).toHaveLength(CSV_COLUMNS.length);
    const r = Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, rows[1]![i]]));
    expect(r).toMatchObject({ title: "'=1+1", journal: "'@SUM(A1)", doi: "'-1+1", authors: `'+Evil, A, "B"` });
  });
});

describe('formats', () => {
  it('knows the format names and their aliases', () => {
    expect(lookupFormat('RIS')).toBe('ris');
    expect(lookupFormat('bib')).toBe('bibtex');
    expect(lookupFormat('csl-json')).toBe('csljson');
    expect(lookupFormat('csv')).toBe('csv');
    expect(lookupFormat('endnote')).toBeUndefined();
    expect(renderExport('csljson', [])).toBe('[]\n');
  });
});

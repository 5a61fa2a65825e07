import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCsvReader, detectDelimiter, parseCsv, type CsvRecord } from '../../src/formats/csv.js';
import { FIXTURES } from '../helpers.js';

const SCREENING = path.resolve(FIXTURES, '..', 'screening');

/** The records of a text fed in pieces of `size` characters. */
function inPieces(text: string, size: number): CsvRecord[] {
  const r = createCsvReader();
  const out: CsvRecord[] = [];
  for (let i = 0; i < text.length; i += size) out.push(...r.push(text.slice(i, i + size)));
  return [...out, ...r.end()];
}

describe('the CSV reader (RFC 4180)', () => {
  const text = '\uFEFFpmid,title,abstract\r\n1,"Quoted, with a comma","Two\r\nlines and a ""quote"""\r\n\r\n2,plain,\r\n3,"",last';

  it('reads quoted fields, embedded line breaks and doubled quotes, CRLF, a BOM, and skips blank lines', () => {
    const rows = parseCsv(text);
    expect(rows.map((r) => r.fields)).toEqual([
      ['pmid', 'title', 'abstract'],
      ['1', 'Quoted, with a comma', 'Two\r\nlines and a "quote"'],
      ['2', 'plain', ''],
      ['3', '', 'last'],
    ]);
    // The line each record starts on, counting the line break inside the quoted field and the blank line.
    expect(rows.map((r) => r.line)).toEqual([1, 2, 5, 6]);
    expect(rows[1]!.raw).toBe('1,"Quoted, with a comma","Two\r\nlines and a ""quote"""\r\n');
    expect(rows.map((r) => r.raw).join('')).toBe(text.slice(1).replace('\r\n\r\n2', '\r\n2'));
  });

  it('gives the same records however the text is cut into pieces', () => {
    const whole = parseCsv(text);
    for (const size of [1, 2, 3, 5, 7, 64]) expect(inPieces(text, size), `pieces of ${size}`).toEqual(whole);
  });

  it('reads the delimiter off the header: comma, semicolon or tab, outside quotes', () => {
    expect(detectDelimiter('pmid;title;"a,b"')).toBe(';');
    expect(detectDelimiter('pmid\ttitle\tabstract')).toBe('\t');
    expect(detectDelimiter('"x;y;z",pmid,title')).toBe(',');
    expect(detectDelimiter('pmid')).toBe(',');
    expect(parseCsv('PMID;Title\n30529341;"MDMA; fear"\n').map((r) => r.fields)).toEqual([['PMID', 'Title'], ['30529341', 'MDMA; fear']]);
    expect(parseCsv('PMID\tTitle\n30529341\tA, B\n').map((r) => r.fields)).toEqual([['PMID', 'Title'], ['30529341', 'A, B']]);
    // Excel's "sep=" line names the delimiter and is no record.
    const excel = parseCsv('sep=;\r\nPMID;Title\r\n30529341;A, B\r\n');
    expect(excel.map((r) => [r.line, r.fields])).toEqual([[2, ['PMID', 'Title']], [3, ['30529341', 'A, B']]]);
  });

  it('refuses a quoted field that never closes, naming the line it opened on', () => {
    expect(() => parseCsv('pmid,title\n1,ok\n2,"cut short\nhere')).toThrow(/^line 3: a quoted field opened here is never closed/);
  });

  it('refuses text after a closing quote, naming its line', () => {
    expect(() => parseCsv('pmid,title\n1,"a "quoted" word"\n')).toThrow(/^line 2: text after the closing quote/);
  });

  it('reads every shared screening file: a header and one record per paper of the SOURCES table, eight fields each', () => {
    const expected: Record<string, number> = {
      ADHD: 851, Antihistamines: 310, AtypicalAntipsychotics: 1120, Estrogens: 368, NSAIDS: 393, Triptans: 671, UrinaryIncontinence: 327,
    };
    for (const [review, n] of Object.entries(expected)) {
      const rows = parseCsv(fs.readFileSync(path.join(SCREENING, `cohen2006_${review}.csv`), 'utf8'));
      expect(rows.length - 1, review).toBe(n);
      expect(rows.every((r) => r.fields.length === 8), review).toBe(true);
    }
  });
});

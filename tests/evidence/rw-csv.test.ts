import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RwCsvReader, rwDate, rwPmid, rwRowNotice, type RwRow } from '../../src/evidence/rw-csv.js';
import { ParseError, UsageError } from '../../src/errors.js';
import { INTEGRITY } from '../integrity-support.js';

/** The real Retraction Watch rows (radRetraction's RAD.csv, PROVENANCE 3). */
export const RAD = fs.readFileSync(path.join(INTEGRITY, 'retraction_watch', 'radRetraction_RAD.csv'), 'utf8');

function readAll(text: string, chunk = text.length): RwRow[] {
  const r = new RwCsvReader();
  const rows: RwRow[] = [];
  for (let i = 0; i < text.length; i += chunk) rows.push(...r.push(text.slice(i, i + chunk)));
  rows.push(...r.end());
  return rows;
}

describe('the Retraction Watch CSV reader, on the real rows', () => {
  it('reads the six rows with their quoted, comma-holding fields', () => {
    const rows = readAll(RAD);
    expect(rows.map((r) => r.fields['Record ID'])).toEqual(['56626', '55651', '52068', '49852', '48830', '48419']);
    const first = rwRowNotice(rows[0]!);
    expect(first).toEqual({
      pmid: 36051936, doi: '10.1155/2022/7642511',
      notice: expect.objectContaining({ status: 'retracted', source: 'rw-file', noticeDoi: '10.1155/2023/9812821', noticePmid: 37810478, date: '2023-09-27', recordId: '56626' }),
    });
    expect(first.notice!.reason).toMatch(/^Concerns\/Issues About Data; .*Paper Mill/);
  });

  it('gives the same rows however the file is cut into chunks', () => {
    const whole = readAll(RAD);
    for (const size of [1, 2, 3, 7, 64, 1000]) expect(readAll(RAD, size)).toEqual(whole);
  });

  it('reads PMIDs of 0 as none and pandas floats as whole numbers', () => {
    const row = readAll(RAD).find((r) => r.fields['Record ID'] === '52068')!;
    expect(row.fields.OriginalPaperPubMedID).toBe('0');
    expect(rwRowNotice(row).pmid).toBeNull();
    expect(rwPmid('37476288.0')).toBe(37476288);
    expect(rwPmid('37476288')).toBe(37476288);
    expect(rwPmid('')).toBeNull();
    expect(rwPmid('3.7e7')).toBeNull();
    expect(rwDate('9/27/2023 0:00')).toBe('2023-09-27');
  });

  it('reads CRLF line ends and a BOM like the plain file', () => {
    expect(readAll(`\uFEFF${RAD.replace(/\n/g, '\r\n')}`)).toEqual(readAll(RAD));
  });

  it('refuses a file whose header is not the Retraction Watch one', () => {
    expect(() => readAll('pmid,doi,title\n123,10.1/x,T\n')).toThrow(UsageError);
    expect(() => readAll('pmid,doi,title\n123,10.1/x,T\n')).toThrow(/line 1 is not the Retraction Watch CSV header \(no 'Record ID'/);
  });

  it('refuses a truncated file, cut inside a quoted field or inside a row', () => {
    const insideQuote = RAD.slice(0, RAD.indexOf('Hainan Cancer Hospital') + 10);
    expect(() => readAll(insideQuote)).toThrow(ParseError);
    expect(() => readAll(insideQuote)).toThrow(/ends inside a quoted field that starts on line 2/);
    const lines = RAD.split('\n');
    const cutRow = `${lines.slice(0, 3).join('\n')}\n${lines[3]!.slice(0, lines[3]!.indexOf(',') + 1)}`;
    expect(() => readAll(cutRow)).toThrow(/line 4 has \d+ fields where the header has 20/);
  });

  it('refuses a binary file', () => {
    const gz = fs.readFileSync(path.resolve(INTEGRITY, '..', 'pubmed', 'efetch', fs.readdirSync(path.resolve(INTEGRITY, '..', 'pubmed', 'efetch')).find((f) => f.endsWith('.gz'))!));
    expect(() => readAll(gz.toString('latin1'))).toThrow(UsageError);
  });
});

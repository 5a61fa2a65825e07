import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { openLibrary } from '../../src/app/store.js';
import { detectFormat, importFiles } from '../../src/app/import.js';
import { findPapers } from '../../src/app/library.js';
import { parseRecordXml } from '../../src/pubmed/xml.js';
import { parseMedlineRecord } from '../../src/pubmed/medline.js';
import { PaperStore } from '../../src/store/papers.js';
import { fixture, tempDir } from '../helpers.js';

// Wrap the real XML parser to see the pieces the importer feeds it.
const pushed = vi.hoisted(() => [] as number[]);
vi.mock('../../src/pubmed/xml.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/pubmed/xml.js')>();
  return {
    ...real,
    createXmlParser: () => {
      const p = real.createXmlParser();
      return { push: (chunk: string) => { pushed.push(chunk.length); return p.push(chunk); }, end: () => p.end() };
    },
  };
});

const now = (): string => '2026-11-27T08:00:00.000Z';
const count = (db: ReturnType<typeof openLibrary>): number => (db.prepare('SELECT count(*) AS n FROM papers').get() as { n: number }).n;

describe('detectFormat', () => {
  it('recognises XML and MEDLINE by content', () => {
    expect(detectFormat('\uFEFF  <?xml version="1.0"?>')).toBe('pubmed-xml');
    expect(detectFormat('\r\nPMID- 12230038\r\nOWN - NLM')).toBe('medline');
    expect(detectFormat('{"esearchresult": {}}')).toBeNull();
  });
});

describe('importFiles', () => {
  it('stores the raw record so that re-parsing it gives the stored paper back', async () => {
    const db = openLibrary(':memory:');
    const s = await importFiles(db, [fixture('efetch/julielab__pubmedsample18n0001.xml.gz'), fixture('medline/biopython__pubmed_result1.txt')], now);
    expect(s.failed).toBe(0);
    const store = new PaperStore(db);
    for (const view of findPapers(db, { filter: 'all' })) {
      const stored = store.get(view.pmid)!;
      const { deletedAt: _d, addedAt: _a, updatedAt: _u, ...paper } = stored;
      const again = stored.rawFormat === 'pubmed-xml' ? parseRecordXml(stored.raw) : parseMedlineRecord(stored.raw);
      expect(again).toEqual(paper);
    }
  });

  it('rolls back a truncated .gz whole and reports it', async () => {
    const dir = tempDir();
    const gz = fs.readFileSync(fixture('efetch/julielab__pubmedsample18n0001.xml.gz'));
    const cut = path.join(dir, 'cut.xml.gz');
    fs.writeFileSync(cut, gz.subarray(0, Math.floor(gz.length / 2)));
    const db = openLibrary(':memory:');
    const s = await importFiles(db, [cut], now);
    expect(s.failed).toBe(1);
    expect(s.files[0]!.error).toMatch(/gzip data is truncated or corrupt|truncated/);
    expect(count(db)).toBe(0);
    expect((db.prepare('SELECT count(*) AS n FROM imports').get() as { n: number }).n).toBe(0);
  });

  it('replaces a paper when a newer revision arrives and keeps it when an older one does', async () => {
    const dir = tempDir();
    // The real retracted-publication record, and the same record with its DateRevised moved on a year
    // and its title corrected, as PubMed does when it revises a citation.
    const original = fs.readFileSync(fixture('efetch/retractobot__pubmed_retracted_publication.xml'), 'utf8');
    const revised = original
      .replace(/<DateRevised>\s*<Year>2007<\/Year>/, '<DateRevised><Year>2008</Year>')
      .replace('<ArticleTitle>', '<ArticleTitle>[Revised] ');
    expect(revised).not.toBe(original);
    const newer = path.join(dir, 'newer.xml');
    fs.writeFileSync(newer, revised);
    const db = openLibrary(':memory:');
    const first = await importFiles(db, [fixture('efetch/retractobot__pubmed_retracted_publication.xml')], now);
    expect(first.added).toBe(1);
    const second = await importFiles(db, [newer], now);
    expect(second).toMatchObject({ added: 0, updated: 1, unchanged: 0 });
    const third = await importFiles(db, [fixture('efetch/retractobot__pubmed_retracted_publication.xml')], now);
    expect(third).toMatchObject({ added: 0, updated: 0, unchanged: 1 });
    const p = new PaperStore(db).get(10066780)!;
    expect(p.title).toMatch(/^\[Revised\] /);
    expect(p.dateRevised).toBe('2008-11-14');
  });

  it('streams a file: the parser sees it in pieces, never whole', async () => {
    // A file bigger than the stream's 64 KiB chunks must arrive in several pushes.
    const file = fixture('efetch/julielab__pubmed18n0740_7_eval_files.xml');
    expect(fs.statSync(file).size).toBeGreaterThan(64 * 1024);
    const db = openLibrary(':memory:');
    pushed.length = 0;
    const s = await importFiles(db, [file], now);
    expect(s.added).toBe(14);
    expect(pushed.length).toBeGreaterThan(1);
    expect(Math.max(...pushed)).toBeLessThanOrEqual(64 * 1024);
  });

  it('closes a file that fails part-way, and reads one bigger than its 1 MiB reads whole', async () => {
    const dir = tempDir();
    const record = fs.readFileSync(fixture('efetch/julielab__pubmed18n0740_7_eval_files.xml'), 'utf8');
    const body = record.slice(record.indexOf('<PubmedArticle>'), record.lastIndexOf('</PubmedArticleSet>'));
    // About 3 MiB of records, then the same with a broken record near the start.
    const copies = Math.ceil((3 * 2 ** 20) / body.length);
    const good = path.join(dir, 'good.xml');
    fs.writeFileSync(good, `<PubmedArticleSet>${body.repeat(copies)}</PubmedArticleSet>`);
    const bad = path.join(dir, 'bad.xml');
    fs.writeFileSync(bad, `<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>x</PMID></MedlineCitation></PubmedArticle>${body.repeat(copies)}</PubmedArticleSet>`);
    const open = (): number => fs.readdirSync('/proc/self/fd').length;
    const db = openLibrary(':memory:');
    const before = open();
    const failed = await importFiles(db, [bad], now);
    expect(failed.failed).toBe(1);
    expect(open()).toBe(before);
    // Refused on its first bytes, before any record.
    const notXml = path.join(dir, 'not.json');
    fs.writeFileSync(notXml, `{"x": "${'y'.repeat(3 * 2 ** 20)}"}`);
    expect((await importFiles(db, [notXml], now)).failed).toBe(1);
    expect(open()).toBe(before);
    const s = await importFiles(db, [good], now);
    expect(s.failed).toBe(0);
    // Repeated records share PMIDs: the first copy adds them, the others find them unchanged.
    expect(s.added).toBe(14);
    expect(s.unchanged).toBe(14 * (copies - 1));
    expect(open()).toBe(before);
  });

  it('imports the same file twice as one added then all unchanged', async () => {
    const db = openLibrary(':memory:');
    const f = fixture('efetch/klortho__efetch.pubmed.xml');
    expect((await importFiles(db, [f], now)).added).toBe(2);
    const again = await importFiles(db, [f, f], now);
    expect(again).toMatchObject({ added: 0, updated: 0, unchanged: 4, failed: 0 });
    expect(count(db)).toBe(2);
  });

  it('imports a gzipped file whatever its name', async () => {
    const dir = tempDir();
    const plain = fs.readFileSync(fixture('efetch/biopython__pubmed2.xml'));
    const renamed = path.join(dir, 'download');
    fs.writeFileSync(renamed, zlib.gzipSync(plain));
    const db = openLibrary(':memory:');
    expect((await importFiles(db, [renamed], now)).added).toBe(2);
  });
});

describe('importFiles split on bytes (the threaded path)', () => {
  it('stores what the text parser stores, with the records read on the main thread until the pool would start', async () => {
    const files = fs
      .readdirSync(fixture('efetch'))
      .filter((f) => /\.xml(\.gz)?$/.test(f))
      .map((f) => fixture(`efetch/${f}`));
    const rows = (db: ReturnType<typeof openLibrary>): unknown[] =>
      db.prepare('SELECT p.*, r.raw, typeof(r.raw) AS raw_type FROM papers p JOIN paper_raw r ON r.pmid = p.pmid ORDER BY p.pmid').all();
    const text = openLibrary(':memory:');
    const bytes = openLibrary(':memory:');
    const a = await importFiles(text, files, now);
    // `after` past the end of every file: no worker thread starts, the main thread reads each record itself.
    const b = await importFiles(bytes, files, now, undefined, { threads: 1, after: Number.POSITIVE_INFINITY });
    expect(a.failed).toBe(0);
    expect(b).toEqual(a);
    expect(rows(bytes)).toEqual(rows(text));
    expect(count(bytes)).toBeGreaterThan(200);
  });
});

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLibrary } from '../../src/app/store.js';
import { importFiles } from '../../src/app/import.js';
import { reparseLibrary } from '../../src/app/reparse.js';
import { dismissPaper, tagPaper } from '../../src/app/tagging.js';
import { fixture } from '../helpers.js';

// A library whose stored columns an older parser read differently is built by editing those columns:
// the raw records stay as PubMed (or the export) gave them, which is what reparse reads.

const EXPORTS = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'formats', 'exports');
const now = (): string => '2026-11-27T08:00:00.000Z';
const later = (): string => '2026-12-01T08:00:00.000Z';

type Lib = ReturnType<typeof openLibrary>;

// The two exports hold the same two papers (the later file's copy would replace the other's), so the
// RIS one gets its own library.
async function library(exportFile = path.join(EXPORTS, 'zotero.csv')): Promise<Lib> {
  const db = openLibrary(':memory:');
  const s = await importFiles(db, [
    fixture('efetch/retractobot__pubmed_retracted_publication.xml'),
    fixture('efetch/biopython__pubmed1.xml'),
    fixture('medline/biopython__pubmed_result1.txt'),
    exportFile,
  ], now);
  expect(s.failed).toBe(0);
  return db;
}

const pmidOf = (db: Lib, format: string): number =>
  db.prepare('SELECT pmid FROM papers WHERE raw_format = ? ORDER BY pmid LIMIT 1').pluck().get(format) as number;
const papers = (db: Lib): unknown[] => db.prepare('SELECT * FROM papers ORDER BY pmid').all();
const untouched = (db: Lib): unknown => ({
  tags: db.prepare('SELECT * FROM tags ORDER BY pmid, claim_id, reviewer').all(),
  dismissals: db.prepare('SELECT * FROM dismissals ORDER BY pmid, reviewer').all(),
  history: db.prepare('SELECT * FROM history ORDER BY id').all(),
  raw: db.prepare('SELECT * FROM paper_raw ORDER BY pmid').all(),
});

describe('reparse', () => {
  it('finds nothing to change in a library the current parsers wrote', async () => {
    const db = await library();
    const before = papers(db);
    const s = reparseLibrary(db, { now: later });
    expect(s).toMatchObject({ changed: 0, failed: 0, fields: {} });
    expect(s.papers).toBe(db.prepare('SELECT count(*) FROM papers').pluck().get());
    expect(s.unchanged).toBe(s.papers);
    expect(papers(db)).toEqual(before);
  });

  it('counts, then stores, what an older parser read differently in every format, leaving tags, dismissals and history alone', async () => {
    const db = await library();
    const xml = 10066780;
    const medline = pmidOf(db, 'medline');
    const csv = pmidOf(db, 'csv');
    expect(medline > 0 && csv > 0).toBe(true);
    tagPaper(db, { pmid: xml, claim: 'C1', stance: 'supports', reviewer: 'ann', at: now() });
    dismissPaper(db, { pmid: medline, reviewer: 'bob', at: now() });
    const right = papers(db);
    // What an older parser stored: no MeSH, no publication types, a title with markup, an abstract lost.
    db.prepare("UPDATE papers SET mesh = '[]', publication_types = '[]' WHERE pmid = ?").run(xml);
    db.prepare("UPDATE papers SET title = 'An <i>older</i> reading' WHERE pmid IN (?, ?, ?)").run(xml, medline, csv);
    db.prepare('UPDATE papers SET abstract = NULL, authors = ? WHERE pmid = ?').run('[]', csv);
    const kept = untouched(db);
    const old = papers(db);

    const dry = reparseLibrary(db, { dryRun: true, now: later });
    expect(dry).toMatchObject({ dryRun: true, changed: 3, failed: 0, fields: { title: 3, mesh: 1, publication_types: 1, abstract: 1, authors: 1 } });
    expect(papers(db)).toEqual(old);

    const s = reparseLibrary(db, { now: later });
    expect(s).toMatchObject({ dryRun: false, changed: 3, failed: 0, fields: { title: 3, mesh: 1, publication_types: 1, abstract: 1, authors: 1 } });
    expect(s.unchanged).toBe(s.papers - 3);
    // Every column back to what today's parser reads; only the changed papers' updated_at moves.
    const stamp = (rows: unknown[], pmids: number[]): unknown[] =>
      (rows as { pmid: number; updated_at: string }[]).map((r) => (pmids.includes(r.pmid) ? { ...r, updated_at: later() } : r));
    expect(papers(db)).toEqual(stamp(right, [xml, medline, csv]));
    expect(untouched(db)).toEqual(kept);
    expect(reparseLibrary(db, { now: later })).toMatchObject({ changed: 0, failed: 0 });
  });

  it('leaves the retracted flag, which every integrity source decides together, as it is', async () => {
    const db = await library();
    const csv = pmidOf(db, 'csv');
    // As if Retraction Watch had named the paper: PubMed's record alone says nothing of it.
    db.prepare('UPDATE papers SET retracted = 1 WHERE pmid = ?').run(csv);
    db.prepare('UPDATE papers SET retracted = 0 WHERE pmid = 10066780').run();
    expect(reparseLibrary(db, { now: later })).toMatchObject({ changed: 0, failed: 0 });
    expect(db.prepare('SELECT pmid, retracted FROM papers WHERE pmid IN (?, 10066780) ORDER BY pmid').all(csv)).toEqual(
      [{ pmid: 10066780, retracted: 0 }, { pmid: csv, retracted: 1 }].sort((a, b) => a.pmid - b.pmid));
  });

  it('reads a RIS record again too', async () => {
    const db = await library(path.join(EXPORTS, 'endnote.ris'));
    const ris = pmidOf(db, 'ris');
    const right = papers(db);
    db.prepare("UPDATE papers SET abstract = NULL, year = 1900 WHERE pmid = ?").run(ris);
    expect(reparseLibrary(db, { now: now })).toMatchObject({ changed: 1, failed: 0, fields: { abstract: 1, year: 1 } });
    expect(papers(db)).toEqual(right);
  });

  it('reports a record that no longer parses and keeps its paper as stored', async () => {
    const db = await library();
    const medline = pmidOf(db, 'medline');
    db.prepare("UPDATE paper_raw SET raw = substr(raw, 1, 200) WHERE pmid = ?").run(10066780);
    db.prepare("UPDATE paper_raw SET raw = 'PMID- 1' || char(10) WHERE pmid = ?").run(medline);
    db.prepare("UPDATE papers SET title = 'stale' WHERE pmid = 10066780").run();
    const before = papers(db);
    const s = reparseLibrary(db, { now: later });
    expect(s.failed).toBe(2);
    expect(s.failures.map((f) => [f.pmid, f.rawFormat])).toEqual([[10066780, 'pubmed-xml'], [medline, 'medline']].sort((a, b) => Number(a[0]) - Number(b[0])));
    expect(s.failures.find((f) => f.pmid === medline)?.error).toMatch(/PMID 1\b/);
    expect(s.changed).toBe(0);
    expect(papers(db)).toEqual(before);
  });

  it('works through the library in batches, each its own transaction', async () => {
    const db = await library();
    db.prepare("UPDATE papers SET language = 'xx'").run();
    const total = db.prepare('SELECT count(*) FROM papers').pluck().get() as number;
    const seen: number[] = [];
    const s = reparseLibrary(db, { now: later, batch: 3, onProgress: (n) => seen.push(n) });
    expect(s.papers).toBe(total);
    expect(seen.length).toBe(Math.floor(total / 3) + 1);
    expect(seen.at(-1)).toBe(total);
    expect(db.prepare("SELECT count(*) FROM papers WHERE language = 'xx'").pluck().get()).toBe(0);
  });
});

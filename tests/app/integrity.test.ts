import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openLibrary } from '../../src/app/store.js';
import { checkIntegrity, importRetractionWatch, resolveCrossrefSettings } from '../../src/app/integrity.js';
import { findPapers, showPaper } from '../../src/app/library.js';
import { claimSummaries } from '../../src/app/claims.js';
import { tagPaper } from '../../src/app/tagging.js';
import { runSearch } from '../../src/app/search.js';
import { reportFromLibrary } from '../../src/app/report.js';
import { CrossrefClient } from '../../src/crossref/client.js';
import { EutilsClient } from '../../src/eutils/client.js';
import { Pacer } from '../../src/eutils/pacer.js';
import { RwCsvReader } from '../../src/evidence/rw-csv.js';
import { createXmlParser } from '../../src/pubmed/xml.js';
import type { Paper } from '../../src/evidence/paper.js';
import { ParseError, UsageError } from '../../src/errors.js';
import { FakeCrossref } from '../fake-crossref/server.js';
import { metapubPmids, startServer } from '../e2e/search-support.js';
import { fixture, tempDir } from '../helpers.js';
import { INTEGRITY, WAKEFIELD_PMID, paperFromEsummary, paperFromRwRow, storePapers, wakefieldEsummary } from '../integrity-support.js';

/** The one paper of a real efetch file. */
function pubmedPaper(file: string): Paper {
  const p = createXmlParser();
  const item = [...p.push(fs.readFileSync(file, 'utf8')), ...p.end()].find((i) => i.kind === 'paper');
  if (!item || item.kind !== 'paper') throw new Error(`no paper in ${file}`);
  return item.paper;
}

const RAD_FILE = path.join(INTEGRITY, 'retraction_watch', 'radRetraction_RAD.csv');
const RAD = fs.readFileSync(RAD_FILE, 'utf8');
const now = (): string => '2026-12-02T03:00:00.000Z';

/** The real rows' fields, by Record ID. */
function radRows(): Map<string, Record<string, string>> {
  const r = new RwCsvReader();
  const rows = [...r.push(RAD), ...r.end()];
  // RwCsvReader keeps only the columns claimwatch reads; the title comes from a plain split of the header.
  return new Map(rows.map((x) => [x.fields['Record ID'], { ...x.fields, Title: `Retraction Watch record ${x.fields['Record ID']}` }]));
}

/** Every row of the tables an import may write, to prove a refused file changed nothing. */
function snapshot(db: ReturnType<typeof openLibrary>): unknown {
  return ['integrity_events', 'integrity_status', 'history', 'imports', 'papers'].map((t) =>
    db.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all());
}

const servers: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function crossref(): Promise<{ server: FakeCrossref; client: CrossrefClient }> {
  const server = new FakeCrossref();
  await server.start();
  servers.push(server);
  let t = 0;
  const client = new CrossrefClient({
    baseUrl: server.url, userAgent: 'claimwatch/test', mailto: 'claimwatch-tests@example.org', maxAttempts: 2,
    pacer: new Pacer({ gapMs: 0, now: () => t, sleep: async (ms) => { t += ms; } }), sleep: async () => undefined,
  });
  return { server, client };
}

describe('integrity import (the Retraction Watch CSV)', () => {
  function library() {
    const db = openLibrary(':memory:');
    const rows = radRows();
    // 56626 matches by PMID; 52068 has PMID 0, so only its DOI (stored upper case) can match it.
    storePapers(db, [
      paperFromRwRow(rows.get('56626')!),
      paperFromRwRow(rows.get('52068')!, { pmid: 99999991, doi: rows.get('52068')!.OriginalPaperDOI!.toUpperCase() }),
    ]);
    tagPaper(db, { pmid: 36051936, claim: 'C7', stance: 'supports', reviewer: 'ann', at: '2026-12-01T09:00:00.000Z' });
    return db;
  }

  it('records the rows about papers in the library, by PMID and by DOI, and the claim loses the paper', async () => {
    const db = library();
    expect(claimSummaries(db).find((c) => c.id === 'C7')!.counts).toMatchObject({ supports: 1, retracted: 0 });
    const o = await importRetractionWatch(db, RAD_FILE, now);
    expect(o).toMatchObject({ rows: 6, matchedRows: 2, papers: 2, added: 2, unchanged: 0 });
    expect(o.changes.map((c) => [c.pmid, c.from, c.to, c.claims])).toEqual([[36051936, null, 'retracted', ['C7']], [99999991, null, 'retracted', []]]);
    expect(claimSummaries(db).find((c) => c.id === 'C7')!.counts).toMatchObject({ supports: 0, retracted: 1 });
    const shown = showPaper(db, 36051936);
    expect(shown.retracted).toBe(true);
    expect(shown.integrity!.notices).toEqual([expect.objectContaining({ status: 'retracted', sources: ['rw-file'], noticeDoi: '10.1155/2023/9812821', noticePmid: 37810478, date: '2023-09-27' })]);
    expect(findPapers(db, { filter: 'all', status: 'retracted' }).map((p) => p.pmid).sort((a, b) => a - b)).toEqual([36051936, 99999991]);
    expect(findPapers(db, { filter: 'all', status: 'concern' })).toEqual([]);
    const history = db.prepare("SELECT action, old_value AS old, new_value AS new FROM history WHERE pmid = 36051936 AND action = 'paper-status'").all();
    expect(history).toEqual([{ action: 'paper-status', old: null, new: 'retracted' }]);
  });

  it('is idempotent: the same file again records nothing new', async () => {
    const db = library();
    await importRetractionWatch(db, RAD_FILE, now);
    const before = db.prepare('SELECT count(*) FROM integrity_events').pluck().get();
    const historyBefore = db.prepare('SELECT count(*) FROM history').pluck().get();
    const again = await importRetractionWatch(db, RAD_FILE, () => '2026-12-03T03:00:00.000Z');
    expect(again).toMatchObject({ added: 0, unchanged: 2, changes: [] });
    expect(db.prepare('SELECT count(*) FROM integrity_events').pluck().get()).toBe(before);
    expect(db.prepare('SELECT count(*) FROM history').pluck().get()).toBe(historyBefore);
  });

  it('reads PMIDs written as floats (a copy that went through pandas) the same way', async () => {
    const file = path.join(tempDir(), 'rw-float.csv');
    // The real rows with every PubMed ID written as pandas writes it ("36051936.0"), which PROVENANCE 3 describes.
    fs.writeFileSync(file, RAD.replace(/,(\d{7,8}|0),/g, ',$1.0,'));
    expect(fs.readFileSync(file, 'utf8')).toContain(',36051936.0,');
    const db = library();
    const o = await importRetractionWatch(db, file, now);
    expect(o).toMatchObject({ matchedRows: 2, added: 2 });
  });

  it.each([
    ['a CSV with another header', (dir: string) => { const f = path.join(dir, 'x.csv'); fs.writeFileSync(f, 'pmid,doi,title\n36051936,10.1155/2022/7642511,x\n'); return f; }, UsageError],
    ['a truncated file', (dir: string) => { const f = path.join(dir, 'cut.csv'); fs.writeFileSync(f, RAD.slice(0, Math.floor(RAD.length * 0.6))); return f; }, ParseError],
    ['a binary file', () => fixture('efetch/julielab__pubmedsample18n0001.xml.gz'), UsageError],
    ['a header alone', (dir: string) => { const f = path.join(dir, 'h.csv'); fs.writeFileSync(f, RAD.split('\n')[0] + '\n'); return f; }, UsageError],
    ['a file that does not exist', (dir: string) => path.join(dir, 'none.csv'), UsageError],
  ] as const)('refuses %s and leaves the library as it was', async (_, make, type) => {
    const db = library();
    const before = snapshot(db);
    await expect(importRetractionWatch(db, make(tempDir()), now)).rejects.toBeInstanceOf(type);
    expect(snapshot(db)).toEqual(before);
  });
});

describe('integrity check (Crossref)', () => {
  function library() {
    const db = openLibrary(':memory:');
    // Wakefield as a CSV import of its PMID, DOI and title would bring it (no efetch XML of it exists), and a
    // real PubMed record whose DOI Crossref's fake does not know (a 404).
    storePapers(db, [paperFromEsummary(wakefieldEsummary(), { pubmed: false }), pubmedPaper(fixture('efetch/metapub/35649368.xml'))]);
    tagPaper(db, { pmid: WAKEFIELD_PMID, claim: 'C7', stance: 'supports', reviewer: 'ann', at: '2026-12-01T09:00:00.000Z' });
    tagPaper(db, { pmid: 35649368, claim: 'C7', stance: 'supports', reviewer: 'ann', at: '2026-12-01T09:00:00.000Z' });
    return db;
  }

  it('records the Wakefield retraction from Crossref/Retraction Watch; a 404 is no record; again, nothing twice', async () => {
    const db = library();
    const { client, server } = await crossref();
    const o = await checkIntegrity(db, client, { now });
    expect(o).toMatchObject({ ok: true, error: null, papers: 2, checked: 2, noRecord: 1, failed: [] });
    expect(o.changes).toHaveLength(1);
    expect(o.changes[0]).toMatchObject({ pmid: WAKEFIELD_PMID, from: null, to: 'retracted', claims: ['C7'] });
    expect(o.changes[0]!.notices.map((n) => [n.status, n.source, n.noticeDoi])).toEqual([
      ['corrected', 'crossref-rw', '10.1016/s0140-6736(04)15715-2'], ['retracted', 'crossref-rw', '10.1016/s0140-6736(10)60175-4'],
    ]);
    expect(db.prepare('SELECT retracted FROM papers WHERE pmid = ?').pluck().get(WAKEFIELD_PMID)).toBe(1);
    expect(server.requests.every((r) => r.query.get('mailto') === 'claimwatch-tests@example.org')).toBe(true);
    const again = await checkIntegrity(db, client, { now: () => '2026-12-03T03:00:00.000Z' });
    expect(again.changes).toEqual([]);
    expect(db.prepare('SELECT count(*) FROM integrity_events WHERE pmid = ?').pluck().get(WAKEFIELD_PMID)).toBe(2);
  });

  it('a Crossref outage stops the check, says so, and keeps the papers checked before it', async () => {
    const db = library();
    const { client, server } = await crossref();
    // The first paper (PMID order: 9500320) is answered; then Crossref goes down.
    server.fault({ kind: 'down', match: 'celrep' });
    const o = await checkIntegrity(db, client, { now });
    expect(o.ok).toBe(false);
    expect(o.checked).toBe(1);
    expect(o.error).toMatch(/HTTP 504 from Crossref .*; 1 of 2 papers were checked and kept, the next run checks the rest$/);
    expect(db.prepare('SELECT count(*) FROM integrity_events WHERE pmid = ?').pluck().get(WAKEFIELD_PMID)).toBe(2);
  });

  it('a reinstatement restores the paper to its stance (the reinstatement row is BUILT from the real Wakefield RW record: no real one exists)', async () => {
    const db = library();
    const { client } = await crossref();
    await checkIntegrity(db, client, { now });
    expect(reportFromLibrary(db, { claim: 'C7', now: now() }).claims[0]!.counts).toMatchObject({ supports: 1, retracted: 1 });
    const file = path.join(tempDir(), 'reinstated.csv');
    const header = RAD.split('\n')[0]!;
    const cols = header.split(',');
    const row = cols.map((c) => ({
      'Record ID': '4036', RetractionDate: '3/1/2011 0:00', RetractionDOI: '', RetractionPubMedID: '0', OriginalPaperDOI: '10.1016/S0140-6736(97)11096-0',
      OriginalPaperPubMedID: '9500320', RetractionNature: 'Reinstatement', Reason: '',
    } as Record<string, string>)[c] ?? '');
    fs.writeFileSync(file, `${header}\n${row.join(',')}\n`);
    const o = await importRetractionWatch(db, file, () => '2026-12-04T03:00:00.000Z');
    expect(o.changes[0]).toMatchObject({ pmid: WAKEFIELD_PMID, from: 'retracted', to: 'reinstated' });
    expect(reportFromLibrary(db, { claim: 'C7', now: now() }).claims[0]!.counts).toMatchObject({ supports: 2, retracted: 0 });
  });

  it('takes the polite-pool address from --email, else CLAIMWATCH_CROSSREF_MAILTO, else NCBI_EMAIL, and refuses a bad one', () => {
    expect(resolveCrossrefSettings({}, { NCBI_EMAIL: 'a@b.org' })).toEqual({ baseUrl: 'https://api.crossref.org/', mailto: 'a@b.org' });
    expect(resolveCrossrefSettings({}, { NCBI_EMAIL: 'a@b.org', CLAIMWATCH_CROSSREF_MAILTO: 'c@d.org' }).mailto).toBe('c@d.org');
    expect(resolveCrossrefSettings({ email: 'e@f.org' }, { CLAIMWATCH_CROSSREF_MAILTO: 'c@d.org' }).mailto).toBe('e@f.org');
    expect(resolveCrossrefSettings({}, { CLAIMWATCH_CROSSREF_URL: 'http://127.0.0.1:9' }).baseUrl).toBe('http://127.0.0.1:9/');
    expect(() => resolveCrossrefSettings({}, { CLAIMWATCH_CROSSREF_URL: 'ftp://x' })).toThrow(/CLAIMWATCH_CROSSREF_URL "ftp:\/\/x" is not http\(s\)/);
    expect(() => resolveCrossrefSettings({}, { CLAIMWATCH_CROSSREF_MAILTO: 'nobody' })).toThrow(/^CLAIMWATCH_CROSSREF_MAILTO "nobody" is not an e-mail address/);
  });
});

describe('search: the Crossref check after the PubMed part', () => {
  it('a Crossref outage leaves the night\'s PubMed work stored and marked, and is reported; the next night records the retraction', async () => {
    const want = metapubPmids().slice(0, 3);
    const eutils = await startServer({ 'mdma-ptsd': want }, { today: '2026/12/02' });
    servers.push({ stop: () => eutils.close() });
    const dbPath = path.join(tempDir(), 'lib.db');
    const db = openLibrary(dbPath);
    storePapers(db, [paperFromEsummary(wakefieldEsummary(), { pubmed: false })]);
    tagPaper(db, { pmid: WAKEFIELD_PMID, claim: 'C7', stance: 'supports', reviewer: 'ann', at: '2026-12-01T09:00:00.000Z' });
    const { client, server } = await crossref();
    server.fault({ kind: 'down' });
    const client2 = new EutilsClient({ baseUrl: eutils.url, tool: 'claimwatch', pacer: new Pacer({ gapMs: 0 }), sleep: async () => undefined });
    const search = (day: string) => runSearch(db, dbPath, client2, {
      today: day, now: () => `${day.replace(/\//g, '-')}T03:00:00.000Z`, query: 'mdma-ptsd',
      integrity: (d) => checkIntegrity(d, client, { now: () => `${day.replace(/\//g, '-')}T03:10:00.000Z` }),
    });
    const night1 = await search('2026/12/02');
    expect(night1.searches[0]).toMatchObject({ ok: true, new: 3 });
    expect(night1.ok).toBe(false);
    expect(night1.integrity).toMatchObject({ ok: false, checked: 0 });
    expect(night1.integrity!.error).toMatch(/HTTP 504 from Crossref/);
    for (const p of want) expect(db.prepare('SELECT count(*) FROM papers WHERE pmid = ?').pluck().get(p)).toBe(1);
    expect(db.prepare("SELECT watermark FROM queries WHERE name = 'mdma-ptsd'").pluck().get()).toBe('2026/12/02');
    expect(db.prepare("SELECT status, error FROM runs ORDER BY id DESC LIMIT 1").get()).toMatchObject({ status: 'failed', error: expect.stringMatching(/Crossref/) });

    server.clearFaults();
    const night2 = await search('2026/12/03');
    expect(night2.ok).toBe(true);
    expect(night2.integrity!.changes.map((c) => [c.pmid, c.to])).toEqual([[WAKEFIELD_PMID, 'retracted']]);
    expect(db.prepare('SELECT count(*) FROM integrity_events').pluck().get()).toBe(2);
    db.close();
  });
});

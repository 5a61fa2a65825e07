import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, runCli, ROOT } from '../helpers.js';
import { cli, newDb, query, useServers } from './search-support.js';

const server = useServers();
const ZOTERO = path.join(ROOT, 'tests', 'formats', 'exports', 'zotero.csv');

const formats = (db: string): Record<number, string> =>
  Object.fromEntries(query<{ pmid: number; raw_format: string }>(db, 'SELECT pmid, raw_format FROM papers').map((r) => [r.pmid, r.raw_format]));

describe('a paper imported from a CSV export, then seen by PubMed', () => {
  it('is replaced by PubMed\'s record on the next fetch, with its tag and history kept', async () => {
    const s = await server({}, { today: '2026/11/20' });
    const db = newDb();
    const imported = runCli(['import', ZOTERO, '--json'], { db });
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ added: 3, skipped: 0, files: [{ format: 'csv', skipped: 0, skippedLines: [] }] });
    expect(runCli(['tag', '29768149', 'C9', 'supports', '--note', 'from our screening'], { db }).code).toBe(0);
    const before = JSON.parse(runCli(['show', '29768149', '--json'], { db }).stdout) as { mesh: string[]; publicationTypes: string[] };
    expect(before.mesh).toEqual([]);

    const r = await cli(s, db, ['fetch', '29768149', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, requested: 1, added: [], updated: 1, unchanged: 0 });
    expect(formats(db)[29768149]).toBe('pubmed-xml');
    const after = JSON.parse(runCli(['show', '29768149', '--json'], { db }).stdout) as { mesh: string[]; publicationTypes: string[]; tags: { claim: string; stance: string; note: string }[] };
    expect(after.mesh.length).toBeGreaterThan(0);
    expect(after.publicationTypes).toContain('Randomized Controlled Trial');
    expect(after.tags).toMatchObject([{ claim: 'C9', stance: 'supports', note: 'from our screening' }]);
    expect(query(db, "SELECT action, new_value FROM history WHERE pmid = 29768149 AND actor = 'tester'")).toEqual([{ action: 'tag', new_value: 'supports' }]);

    // Importing the export again does not bring the stand-in back.
    const again = JSON.parse(runCli(['import', ZOTERO, '--json'], { db }).stdout) as { unchanged: number; updated: number };
    expect(again).toMatchObject({ unchanged: 3, updated: 0 });
    expect(formats(db)[29768149]).toBe('pubmed-xml');
  });

  it('is fetched by a search that finds it, counted as known, not new, and not reported as a revision', async () => {
    const s = await server({ 'mdma-ptsd': [23435529, 12091962] }, { today: '2026/11/20' });
    const db = newDb();
    expect(runCli(['import', ZOTERO], { db }).code).toBe(0);
    expect(runCli(['tag', '12091962', 'C1', 'qualifies'], { db }).code).toBe(0);
    const dry = await cli(s, db, ['search', '--dry-run', '--json'], { at: '2026-11-20 03:00:00' });
    const planned = JSON.parse(dry.stdout) as { searches: { name: string; found: number; new: number; known: number }[] };
    expect(planned.searches.find((x) => x.name === 'mdma-ptsd')).toMatchObject({ found: 2, new: 0, known: 2 });
    const r = await cli(s, db, ['search', '--json'], { at: '2026-11-20 03:00:00' });
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as {
      searches: { name: string; found: number; new: number; known: number; newPapers: unknown[] }[];
      refresh: { changes: unknown[] } | null; alerts: unknown[];
    };
    expect(summary.searches.find((x) => x.name === 'mdma-ptsd')).toMatchObject({ found: 2, new: 0, known: 2, newPapers: [] });
    const asked = s.requests.filter((q) => q.endpoint === 'efetch').flatMap((q) => (q.params.id ?? '').split(',')).map(Number);
    expect(asked).toEqual(expect.arrayContaining([23435529, 12091962]));
    expect(formats(db)).toMatchObject({ 23435529: 'pubmed-xml', 12091962: 'pubmed-xml', 29768149: 'csv' });
    expect(summary.refresh?.changes ?? []).toEqual([]);
    expect(summary.alerts).toEqual([]);
    expect(query(db, 'SELECT claim_id, stance FROM tags WHERE pmid = 12091962')).toEqual([{ claim_id: 'C1', stance: 'qualifies' }]);
    expect(query(db, "SELECT source FROM paper_sources WHERE pmid = 23435529 AND source = 'mdma-ptsd'")).toHaveLength(1);
  });
});

describe('claimwatch import of exports', () => {
  const NSAIDS = path.resolve(FIXTURES, '..', 'screening', 'cohen2006_NSAIDS.csv');

  it('says what it skipped and what the decisions became, and --reviewer needs --labels', () => {
    const db = newDb();
    const bad = runCli(['import', NSAIDS, '--reviewer', 'ann'], { db });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('Error: --reviewer names whom the decisions of --labels are recorded for: add --labels, or leave --reviewer out\n');
    const r = runCli(['import', NSAIDS, '--labels', '--reviewer', 'ann'], { db });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${NSAIDS} (csv): 393 added, 0 updated, 0 unchanged, 0 deleted; decisions: 352 dismissed for ann, 0 already dismissed, 41 included (not recorded: an inclusion names no claim)\n`);
    // What is left to read is the 41 papers the review included.
    const inbox = JSON.parse(runCli(['inbox', '--json', '--limit', '1000'], { db }).stdout) as unknown[];
    expect(inbox).toHaveLength(41);
  });
});


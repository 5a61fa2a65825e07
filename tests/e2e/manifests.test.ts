import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers.js';
import { SHIPPED, cli, metapubPmids, newDb, useServers } from './search-support.js';

const server = useServers();
const META = metapubPmids();

interface Manifest {
  query: string; term: string; datetype: string | null; mindate: string | null; maxdate: string | null; sort: string | null;
  reportedCount: number; pmids: number[]; pmidsSha256: string; slices: number; fetched: number[]; retried: number[]; missing: number[];
  requests: number; status: string;
}

describe('search manifests: runs show and runs verify', () => {
  it('keeps, per search and night, the term and dates sent, the count, the PMIDs and their hash, and what efetch did', async () => {
    const ptsd = META.slice(0, 6);
    const s = await server({ 'mdma-ptsd': ptsd, 'mdma-fear-memory': META.slice(4, 8) }, { today: '2026/11/20' });
    const db = newDb();
    s.fault({ kind: 'drop-record', endpoint: 'efetch' });
    expect((await cli(s, db, ['search'], { at: '2026-11-20 03:00:00' })).code).toBe(0);
    expect((await cli(s, db, ['search'], { at: '2026-11-21 03:00:00' })).code).toBe(0);

    const first = JSON.parse(runCli(['runs', 'show', '1', '--json'], { db }).stdout) as { id: number; manifests: Manifest[] };
    expect(first.id).toBe(1);
    expect(first.manifests.map((m) => m.query)).toEqual(['mdma-ptsd', 'mdma-bdnf-plasticity', 'mdma-fear-memory', 'bdnf-fear-extinction']);
    const m = first.manifests[0]!;
    expect(m).toMatchObject({ term: SHIPPED['mdma-ptsd'], datetype: null, mindate: null, maxdate: null, sort: 'pub_date', reportedCount: 6, slices: 0, status: 'ok' });
    expect(m.pmids).toEqual([...ptsd].sort((a, b) => a - b));
    expect(m.pmidsSha256).toBe(createHash('sha256').update([...ptsd].sort((a, b) => a - b).join('\n')).digest('hex'));
    expect(m.fetched.sort()).toEqual([...ptsd].sort());
    // The dropped record was asked for once more, and came back.
    expect(m.retried).toHaveLength(1);
    expect(m.missing).toEqual([]);
    expect(m.requests).toBeGreaterThanOrEqual(3);
    // The overlap with mdma-ptsd was already stored: not fetched again.
    expect(first.manifests[2]!.fetched.sort()).toEqual(META.slice(6, 8).sort());

    const second = JSON.parse(runCli(['runs', 'show', '2', '--json'], { db }).stdout) as { manifests: Manifest[] };
    expect(second.manifests[0]).toMatchObject({ datetype: 'edat', mindate: '2026/11/18', maxdate: '2026/11/21' });

    const text = runCli(['runs', 'show', '1'], { db });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`sha256:    ${m.pmidsSha256}`);
    expect(runCli(['runs', 'show', '9'], { db })).toMatchObject({ code: 2, stderr: "Error: there is no run 9: 'claimwatch runs' lists them\n" });
    expect((JSON.parse(runCli(['runs', '--limit', '1', '--json'], { db }).stdout) as { id: number }[]).map((r) => r.id)).toEqual([2]);

    const ok = runCli(['runs', 'verify'], { db });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('every one is in the library');

    // A paper deleted behind the tool's back is found and named.
    const gone = ptsd[2]!;
    const raw = new Database(db);
    raw.prepare('DELETE FROM paper_sources WHERE pmid = ?').run(gone);
    raw.prepare('DELETE FROM papers WHERE pmid = ?').run(gone);
    raw.close();
    const bad = runCli(['runs', 'verify'], { db });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`run 1 mdma-ptsd`);
    expect(bad.stdout).toContain(`1 of 6 PMIDs not in the library: ${gone}`);
    expect(bad.stdout).toContain(`claimwatch fetch ${gone}`);
    const j = JSON.parse(runCli(['runs', 'verify', '--json'], { db }).stdout) as { ok: boolean; problems: { runId: number; query: string; notStored: number[] }[] };
    expect(j.ok).toBe(false);
    // The second night's window listed nothing (the records entered PubMed years ago), so only run 1 lists it.
    expect(second.manifests[0]!.pmids).toEqual([]);
    expect(j.problems.map((p) => [p.runId, p.query, p.notStored])).toEqual([[1, 'mdma-ptsd', [gone]]]);
  }, 60_000);

  it('counts the slices past the 9,999 window, and tells PMIDs efetch never returned from PMIDs lost since', async () => {
    // 10,050 hits: a few real records and thousands of PMIDs PubMed counts but efetch returns nothing for.
    const real = META.slice(0, 5);
    const idOnly = Array.from({ length: 10_045 }, (_, i) => 40_000_000 + i * 7);
    const s = await server({ 'mdma-ptsd': [...real, ...idOnly] }, { today: '2026/11/20' });
    const db = newDb();
    const run = await cli(s, db, ['search', '--query', 'mdma-ptsd'], { at: '2026-11-20 03:00:00', env: { NCBI_API_KEY: 'abc123' } });
    expect(run.code).toBe(1);
    const m = (JSON.parse(runCli(['runs', 'show', '1', '--json'], { db }).stdout) as { manifests: Manifest[] }).manifests[0]!;
    expect(m).toMatchObject({ reportedCount: 10_050, status: 'failed' });
    expect(m.pmids).toHaveLength(10_050);
    expect(m.slices).toBeGreaterThanOrEqual(2);
    expect(m.missing).toHaveLength(10_045);
    expect(m.retried).toHaveLength(10_045);
    const v = JSON.parse(runCli(['runs', 'verify', '--json'], { db }).stdout) as { ok: boolean; problems: { notStored: number[]; notReturnedThen: number[]; hashOk: boolean; countOk: boolean }[] };
    expect(v.ok).toBe(false);
    expect(v.problems[0]).toMatchObject({ hashOk: true, countOk: true });
    expect(v.problems[0]!.notStored).toEqual(idOnly);
    expect(v.problems[0]!.notReturnedThen).toEqual(idOnly);
    expect(runCli(['runs', 'verify'], { db }).stdout).toContain('10045 of 10050 PMIDs not in the library: 40000000 40000007');
  }, 120_000);
});

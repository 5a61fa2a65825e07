import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { withoutRetraction, makeRecord, type FakeEutils, type FaultKind } from '../fake-eutils/server.js';
import { FIXTURES, runCli } from '../helpers.js';
import { SHIPPED, cli, corpusByPmid, maxStartsWithin, metapubPmids, newDb, query, startServer, storedPmids, watermarks, useServers } from './search-support.js';

const server = useServers();

const META = metapubPmids();
const sorted = (xs: Iterable<number>): number[] => [...new Set(xs)].sort((a, b) => a - b);

interface Summary {
  ok: boolean;
  retries: number;
  searches: { name: string; ok: boolean; new: number; error: string | null }[];
  alerts: { pmid: number; kinds: string[]; claims: string[]; notices: number[] }[];
}

async function until(cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A fixture record re-dated: it enters PubMed (edat) and was last modified (mdat) on `date`. */
function dated(pmid: number, date: string, corpus = corpusByPmid()) {
  const rec = corpus.get(pmid);
  if (!rec) throw new Error(`no fixture record ${pmid}`);
  return { ...rec, edat: date, mdat: date };
}

describe('search under every fault the wild has shown', () => {
  const cases: [FaultKind, 'esearch' | 'efetch'][] = [];
  for (const kind of ['429', '500', '502', '503', '504', 'error-200', 'error-400', 'html-200', 'truncated', 'empty', 'prolog-only', 'reset'] as FaultKind[]) {
    cases.push([kind, 'esearch'], [kind, 'efetch']);
  }
  cases.push(['expired-webenv', 'efetch'], ['drop-record', 'efetch']);

  it.concurrent.each(cases)('%s on %s: retried, nothing lost, nothing twice', async (kind, endpoint) => {
    const want = META.slice(0, 6);
    // Not server(): these tests run concurrently, and afterEach would close the others' servers.
    const s = await startServer({ 'mdma-ptsd': want }, { today: '2026/11/20' });
    // A 400 is retried only when its envelope names a known transient cause (cyanheads#155).
    const message = kind === 'error-400' ? 'proxy_stream(): Failed to connect to PubOne service' : undefined;
    s.fault({ kind, endpoint, retryAfter: kind === '429' ? 1 : undefined, message });
    const db = newDb();
    const r = await cli(s, db, ['search', '--json'], { at: '2026-11-20 03:00:00' }).finally(() => s.close());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as Summary;
    expect(summary.ok).toBe(true);
    expect(s.requests.some((q) => q.fault === kind)).toBe(true);
    expect(storedPmids(db)).toEqual(sorted(want));
    if (kind === 'drop-record') {
      // The record left out is asked for again, by itself.
      expect(s.requests.some((q) => q.endpoint === 'efetch' && want.map(String).includes(q.params.id ?? ''))).toBe(true);
    } else {
      expect(summary.retries).toBeGreaterThanOrEqual(1);
    }
    expect(watermarks(db)['mdma-ptsd']).toBe('2026/11/20');
  });
});

describe('failures never leave a silent gap', () => {
  it('a search that runs out of retries keeps its mark; the others go on; the next night fills the gap', async () => {
    const first = META.slice(0, 4);
    const later = META.slice(4, 8);
    const corpus = corpusByPmid();
    const s = await server({ 'mdma-ptsd': [...first, ...later], 'mdma-fear-memory': [META[9]!] }, { today: '2026/11/20' });
    for (const p of later) s.upsertRecord(dated(p, '2026/11/21', corpus));
    const db = newDb();
    expect((await cli(s, db, ['search'], { at: '2026-11-20 03:00:00' })).code).toBe(0);
    expect(storedPmids(db)).toEqual(sorted([...first, META[9]!]));

    s.today = '2026/11/21';
    // Six 429s in a row: every attempt at the night's first efetch (mdma-ptsd's new papers) fails.
    s.fault({ kind: '429', endpoint: 'efetch', retryAfter: 0 }, 6);
    const bad = await cli(s, db, ['search', '--json'], { at: '2026-11-21 03:00:00' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^Error: 1 part\(s\) of the run failed \(see above\); what succeeded is saved and the next run covers the rest$/m);
    const summary = JSON.parse(bad.stdout) as Summary;
    const ptsd = summary.searches.find((x) => x.name === 'mdma-ptsd')!;
    expect(ptsd.ok).toBe(false);
    expect(ptsd.error).toMatch(/efetch failed at http:\/\/127\.0\.0\.1:\d+\/entrez\/eutils\/: .*429.* \(gave up after 6 attempts\)/);
    expect(summary.searches.filter((x) => x.name !== 'mdma-ptsd').every((x) => x.ok)).toBe(true);
    expect(watermarks(db)).toMatchObject({ 'mdma-ptsd': '2026/11/20', 'mdma-fear-memory': '2026/11/21' });
    expect(storedPmids(db)).toEqual(sorted([...first, META[9]!]));
    const runs = JSON.parse(runCli(['runs', '--json'], { db }).stdout) as { status: string; error: string | null; searches: { query: string; status: string }[] }[];
    expect(runs[0]).toMatchObject({ status: 'failed' });
    expect(runs[0]!.searches.find((x) => x.query === 'mdma-ptsd')?.status).toBe('failed');

    s.today = '2026/11/23';
    const good = await cli(s, db, ['search', '--json'], { at: '2026-11-23 03:00:00' });
    expect(good.code).toBe(0);
    const ptsd2 = (JSON.parse(good.stdout) as Summary).searches.find((x) => x.name === 'mdma-ptsd')!;
    expect(ptsd2).toMatchObject({ ok: true, new: 4 });
    expect(s.requests.filter((q) => q.params.datetype === 'edat' && q.params.term === SHIPPED['mdma-ptsd']).slice(-1)[0]!.params.mindate).toBe('2026/11/18');
    expect(storedPmids(db)).toEqual(sorted([...first, ...later, META[9]!]));
    expect(watermarks(db)['mdma-ptsd']).toBe('2026/11/23');
  });

  it('when PubMed cannot be reached at all: one line naming the URL, exit 1, no paper or mark changed', async () => {
    const db = newDb();
    expect(runCli(['import', path.join(FIXTURES, 'efetch', 'retractobot__pubmed_citing_paper.xml')], { db }).code).toBe(0);
    const papers = query(db, 'SELECT pmid, content_hash FROM papers ORDER BY pmid');
    const marks = watermarks(db);
    const url = 'http://127.0.0.1:1/entrez/eutils/';
    const r = await cli({ url } as FakeEutils, db, ['search'], { at: '2026-11-20 03:00:00' });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(/^Error: cannot reach NCBI E-utilities at http:\/\/127\.0\.0\.1:1\/entrez\/eutils\/ \(.*ECONNREFUSED.*\) after 6 attempts; nothing was lost: the next run covers this one$/);
    expect(query(db, 'SELECT pmid, content_hash FROM papers ORDER BY pmid')).toEqual(papers);
    expect(watermarks(db)).toEqual(marks);
    // The failed night is on record, so it is not silent.
    const runs = JSON.parse(runCli(['runs', '--json'], { db }).stdout) as { status: string; error: string }[];
    expect(runs[0]).toMatchObject({ status: 'failed' });
    expect(runs[0]!.error).toMatch(/cannot reach NCBI E-utilities/);
  }, 90_000);
});

describe('one search per library at a time', () => {
  it('a second search says so and exits 1 without touching anything; tagging goes on meanwhile', async () => {
    const s = await server({ 'mdma-ptsd': META.slice(0, 3) }, { today: '2026/11/20' });
    const db = newDb();
    expect(runCli(['import', path.join(FIXTURES, 'efetch', 'retractobot__pubmed_citing_paper.xml')], { db }).code).toBe(0);
    s.fault({ kind: 'slow', endpoint: 'esearch', delayMs: 4000 });
    const running = cli(s, db, ['search'], { at: '2026-11-20 03:00:00' });
    await until(() => s.requests.some((q) => q.fault === 'slow'));
    const second = await cli(s, db, ['search'], { at: '2026-11-20 03:00:01' });
    expect(second.code).toBe(1);
    expect(second.stderr.trim()).toMatch(/^Error: another claimwatch search or fetch is running on .*lib\.db \(run 1, started 2026-11-20T03:00:0\d\.\d+Z\): wait for it to finish, then run this again$/);
    expect(second.stdout).toBe('');
    const pmid = String(query<{ pmid: number }>(db, 'SELECT pmid FROM papers LIMIT 1')[0]!.pmid);
    const tag = await cli(s, db, ['tag', pmid, 'C7', 'supports']);
    expect(tag.code).toBe(0);
    const first = await running;
    expect(first.code).toBe(0);
    expect(query(db, 'SELECT id FROM runs')).toHaveLength(1);
    expect(query(db, 'SELECT pmid FROM tags')).toHaveLength(1);
  });

  it('a search killed mid-run leaves a consistent library and the next run completes', async () => {
    const a = META.slice(0, 5);
    const b = META.slice(5, 10);
    const s = await server({ 'mdma-ptsd': a, 'mdma-bdnf-plasticity': b }, { today: '2026/11/20' });
    const db = newDb();
    expect((await cli(s, db, ['search', '--query', 'mdma-ptsd'], { at: '2026-11-20 02:00:00' })).code).toBe(0);
    // In the full run mdma-ptsd has nothing new, so the first efetch is mdma-bdnf-plasticity's: hold it and kill there.
    s.fault({ kind: 'slow', endpoint: 'efetch', delayMs: 15_000 });
    let pid = 0;
    // No faketime here: it runs node as its child, and the kill must reach node itself.
    const run = cli(s, db, ['search'], { onSpawn: (p) => { pid = p; } });
    await until(() => s.requests.some((q) => q.fault === 'slow'));
    process.kill(pid, 'SIGKILL');
    const killed = await run;
    expect(killed.signal === 'SIGKILL' || killed.code === 137 || killed.code === -1).toBe(true);

    const d = new Database(db, { readonly: true });
    expect(d.pragma('integrity_check', { simple: true })).toBe('ok');
    d.close();
    expect(storedPmids(db)).toEqual(sorted(a));
    expect(watermarks(db)['mdma-bdnf-plasticity']).toBeNull();
    expect(query<{ status: string }>(db, 'SELECT status FROM runs ORDER BY id')).toEqual([{ status: 'ok' }, { status: 'running' }]);

    const next = await cli(s, db, ['search']);
    expect(next.stderr).toBe('');
    expect(next.code).toBe(0);
    expect(storedPmids(db)).toEqual(sorted([...a, ...b]));
    const runs = JSON.parse(runCli(['runs', '--json'], { db }).stdout) as { status: string; error: string | null }[];
    expect(runs.map((r) => r.status)).toEqual(['ok', 'failed', 'ok']);
    expect(runs[1]!.error).toMatch(/interrupted/);
  });
});

describe('a week of nightly runs with faults injected at random', () => {
  it('ends with exactly the matching papers, each once, retractions noticed the night they appear, and no rate violation', async () => {
    const key = 'f00dbabe0123456789abcdef0123456789ab';
    const corpus = corpusByPmid();
    const nights = ['2026/11/20', '2026/11/21', '2026/11/22', '2026/11/23', '2026/11/24', '2026/11/25', '2026/11/26'];
    const initial = META.slice(0, 10);
    const arriving = META.slice(10, 31);
    const retracted = 10066780;
    const notice = makeRecord(fs.readFileSync(path.join(FIXTURES, 'efetch', 'retractobot__pubmed_retraction_notice.xml'), 'utf8')
      .match(/<PubmedArticle>[\s\S]*?<\/PubmedArticle>/)![0]);
    const ptsd = [...initial, ...arriving.filter((_, i) => i % 2 === 0), retracted, notice.pmid];
    const fear = [...initial.slice(0, 3), ...arriving.filter((_, i) => i % 2 === 1)];
    const s = await server({ 'mdma-ptsd': ptsd, 'mdma-fear-memory': fear }, { today: nights[0]!, seed: 20261120 });
    // Records that arrive later are invisible until their night; every fourth one enters PubMed late,
    // dated the day before the night it becomes visible (the overlap window must catch it).
    const schedule = new Map<number, number>();
    arriving.forEach((p, i) => schedule.set(p, 1 + (i % 6)));
    for (const p of arriving) s.removeRecord(p);
    s.removeRecord(notice.pmid);
    const before = corpus.get(retracted)!;
    s.upsertRecord({ ...before, xml: withoutRetraction(before.xml, '2005/01/01'), mdat: '2005/01/01' });
    s.randomFaults(0.15);

    const db = newDb();
    const summaries: Summary[] = [];
    for (let n = 0; n < nights.length; n++) {
      const night = nights[n]!;
      s.today = night;
      for (const [p, k] of schedule) {
        if (k !== n) continue;
        const late = arriving.indexOf(p) % 4 === 3;
        s.upsertRecord(dated(p, late ? nights[n - 1]! : night, corpus));
      }
      if (n === 3) {
        // The night the retraction is indexed: the record is revised and the notice enters PubMed.
        s.upsertRecord({ ...before, mdat: night });
        s.upsertRecord({ ...notice, edat: night, mdat: night });
      }
      const r = await cli(s, db, ['search', '--json'], { at: `${night.replace(/\//g, '-')} 03:00:00`, env: { NCBI_API_KEY: key } });
      expect(r.code, `night ${night}: ${r.stderr}`).toBe(0);
      expect(`${r.stdout}${r.stderr}`).not.toContain(key);
      summaries.push(JSON.parse(r.stdout) as Summary);
      if (n === 0) {
        expect(runCli(['tag', String(retracted), 'C7', 'supports'], { db }).code).toBe(0);
        expect(runCli(['tag', String(initial[0]), 'C5', 'qualifies'], { db }).code).toBe(0);
      }
    }
    // The retraction is at the top of the summary on the night it appears, and only then.
    expect(summaries.map((x) => x.alerts.map((a) => a.pmid))).toEqual([[], [], [], [retracted], [], [], []]);
    expect(summaries[3]!.alerts[0]).toMatchObject({ kinds: ['retracted'], claims: ['C7'], notices: [11905463] });
    // Exactly the matching papers, each once.
    expect(storedPmids(db)).toEqual(sorted([...ptsd, ...fear]));
    expect(query<{ n: number }>(db, 'SELECT count(*) AS n FROM papers')[0]!.n).toBe(new Set([...ptsd, ...fear]).size);
    expect(query<{ retracted: number }>(db, 'SELECT retracted FROM papers WHERE pmid = ?', retracted)[0]!.retracted).toBe(1);
    const report = JSON.parse(runCli(['report', '--format', 'json'], { db }).stdout) as { claims: { id: string; counts: Record<string, number> }[] };
    expect(report.claims.find((c) => c.id === 'C7')!.counts).toMatchObject({ supports: 0, retracted: 1 });
    // Faults really happened, and the pace never broke NCBI's limit with a key.
    expect(s.requests.filter((q) => q.fault).length).toBeGreaterThan(3);
    expect(maxStartsWithin(s.requests, 1000)).toBeLessThanOrEqual(10);
    expect(s.requests.every((q) => q.params.api_key === key && q.params.tool === 'claimwatch')).toBe(true);
    expect(Object.values(watermarks(db))).toEqual(Object.keys(SHIPPED).map(() => nights[6]));
  }, 180_000);
});

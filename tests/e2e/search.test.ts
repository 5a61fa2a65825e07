import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FakeEutils } from '../fake-eutils/server.js';
import { fileHash, runCli } from '../helpers.js';
import { cli, maxStartsWithin, meanGap, metapubPmids, minGap, newDb, query, storedPmids, watermarks, useServers } from './search-support.js';

const server = useServers();

const META = metapubPmids();
const PTSD = META.slice(0, 12);
const BDNF = META.slice(8, 20);

interface Summary {
  ok: boolean;
  searches: { name: string; ok: boolean; found: number; new: number; known: number; updated: number; error: string | null;
    window: { mindate: string | null; maxdate: string | null }; newPapers: { pmid: number }[]; watermark: { before: string | null; after: string | null } }[];
  alerts: { pmid: number; kinds: string[] }[];
  refresh: { checked: number; changes: { pmid: number; kinds: string[] }[] } | null;
}

describe('claimwatch search against a local E-utilities server', () => {
  it('fetches everything on the first run, then only the window since the last run, each paper once', async () => {
    const s = await server({ 'mdma-ptsd': PTSD, 'mdma-bdnf-plasticity': BDNF }, { today: '2026/11/20' });
    const db = newDb();
    const first = await cli(s, db, ['search', '--json'], { at: '2026-11-20 03:00:00' });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const one = JSON.parse(first.stdout) as Summary;
    const byName = Object.fromEntries(one.searches.map((x) => [x.name, x]));
    expect(byName['mdma-ptsd']).toMatchObject({ ok: true, found: 12, new: 12, known: 0, window: { mindate: null, maxdate: null } });
    // The overlap of the two searches is fetched once and counted as known by the second.
    expect(byName['mdma-bdnf-plasticity']).toMatchObject({ ok: true, found: 12, new: 8, known: 4 });
    expect(storedPmids(db)).toEqual([...new Set([...PTSD, ...BDNF])].sort((a, b) => a - b));
    expect(new Set(byName['mdma-ptsd']!.newPapers.map((p) => p.pmid))).toEqual(new Set(PTSD));
    expect(watermarks(db)['mdma-ptsd']).toBe('2026/11/20');
    // Provenance: which search found which paper.
    expect(query<{ n: number }>(db, "SELECT count(*) AS n FROM paper_sources WHERE source = 'mdma-bdnf-plasticity'")[0]!.n).toBe(12);
    const shown = JSON.parse(runCli(['show', String(PTSD[8]), '--json'], { db }).stdout) as { foundBy: { source: string; firstSeenAt: string }[] };
    expect(shown.foundBy.map((f) => f.source).sort()).toEqual(['mdma-bdnf-plasticity', 'mdma-ptsd']);
    expect(shown.foundBy[0]!.firstSeenAt).toMatch(/^2026-11-20T03:00/);
    expect(runCli(['show', String(PTSD[8])], { db }).stdout).toMatch(/^Found by: mdma-(ptsd|bdnf-plasticity) \(2026-11-20\), mdma-/m);

    const efetched = s.requests.filter((r) => r.endpoint === 'efetch').flatMap((r) => (r.params.id ?? '').split(',').filter(Boolean).map(Number));
    const union = [...new Set([...PTSD, ...BDNF])];
    // Each search hit fetched exactly once (the reading list asks for its own PMIDs).
    for (const p of union) expect(efetched.filter((x) => x === p)).toHaveLength(1);
    for (const r of s.requests) {
      expect(r.params.tool).toBe('claimwatch');
      expect(r.params.email).toBe('claimwatch-tests@example.org');
      expect(r.params.api_key).toBeUndefined();
    }
    expect(s.requests.filter((r) => r.endpoint === 'efetch').every((r) => r.method === 'POST')).toBe(true);
    expect(maxStartsWithin(s.requests, 1000)).toBeLessThanOrEqual(3);

    s.requests.length = 0;
    const second = await cli(s, db, ['search', '--json'], { at: '2026-11-22 03:00:00' });
    expect(second.code).toBe(0);
    const two = JSON.parse(second.stdout) as Summary;
    expect(two.searches.find((x) => x.name === 'mdma-ptsd')).toMatchObject({ window: { mindate: '2026/11/18', maxdate: '2026/11/22' }, new: 0 });
    const edat = s.requests.filter((r) => r.endpoint === 'esearch' && r.params.datetype === 'edat');
    expect(edat).toHaveLength(4);
    for (const r of edat) expect(r.params).toMatchObject({ mindate: '2026/11/18', maxdate: '2026/11/22', sort: 'pub_date', usehistory: 'y' });
    // Stored papers PubMed reports modified are asked for by mdat over the same window.
    expect(s.requests.filter((r) => r.endpoint === 'esearch' && r.params.datetype === 'mdat')).toHaveLength(4);
    expect(s.requests.some((r) => r.endpoint === 'efetch' && PTSD.some((p) => (r.params.id ?? '').split(',').includes(String(p))))).toBe(false);
    expect(storedPmids(db)).toHaveLength(union.length);
    expect(watermarks(db)['mdma-ptsd']).toBe('2026/11/22');

    const runs = runCli(['runs', '--json'], { db });
    const log = JSON.parse(runs.stdout) as { id: number; status: string; searches: { query: string; status: string; new: number }[] }[];
    expect(log.map((r) => r.status)).toEqual(['ok', 'ok']);
    expect(log[1]!.searches.find((x) => x.query === 'mdma-ptsd')).toMatchObject({ status: 'ok', new: 12 });
  });

  it('prints new papers and a plain summary, warns once without an e-mail, and lists the searches', async () => {
    const s = await server({ 'mdma-ptsd': PTSD.slice(0, 3) }, { today: '2026/11/20' });
    const db = newDb();
    const r = await cli(s, db, ['search'], { at: '2026-11-20 03:00:00', env: { NCBI_EMAIL: '' } });
    expect(r.code).toBe(0);
    expect(r.stderr.match(/no e-mail address for NCBI/g)).toHaveLength(1);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.stdout).toMatch(/^mdma-ptsd \(first run: everything it matches\): 3 found, 3 new, 0 updated, 0 already known$/m);
    for (const p of PTSD.slice(0, 3)) expect(r.stdout).toMatch(new RegExp(`^ +${p}  \\d{4}  `, 'm'));
    expect(r.stdout).toMatch(/^run 1: ok, \d+ requests, 0 retried$/m);
    expect(s.requests.every((q) => q.params.email === undefined)).toBe(true);

    const list = runCli(['queries'], { db });
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^mdma-ptsd +3 papers +last ok 2026-11-20 03:00$/m);
    expect(list.stdout).toMatch(/^mdma-fear-memory +0 papers +last ok/m);
  });

  it('sends the API key, paces at 10 requests a second, and never prints or stores the key', async () => {
    const key = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8';
    const s = await server({ 'mdma-ptsd': META.slice(0, 40) }, { today: '2026/11/20' });
    // Small batches cannot be asked for, so make the run long with retried faults instead.
    s.fault({ kind: '500' }, 3);
    const db = newDb();
    const r = await cli(s, db, ['search', '--json'], { at: '2026-11-20 03:00:00', env: { NCBI_API_KEY: key } });
    expect(r.code).toBe(0);
    expect(s.requests.every((q) => q.params.api_key === key)).toBe(true);
    expect(maxStartsWithin(s.requests, 1000)).toBeLessThanOrEqual(10);
    expect(`${r.stdout}${r.stderr}`).not.toContain(key);
    expect(fs.readFileSync(db).includes(Buffer.from(key))).toBe(false);
    const wal = `${db}-wal`;
    if (fs.existsSync(wal)) expect(fs.readFileSync(wal).includes(Buffer.from(key))).toBe(false);
    expect(runCli(['runs', '--json'], { db }).stdout).not.toContain(key);
  });

  it('keeps starts 0.34 s apart across back-to-back processes, even when each runs on another fake date', async () => {
    const s = await server({ 'mdma-ptsd': PTSD.slice(0, 2) }, { today: '2026/11/23' });
    const db = newDb();
    for (const night of ['2026-11-21', '2026-11-22', '2026-11-23']) {
      expect((await cli(s, db, ['search'], { at: `${night} 03:00:00` })).code).toBe(0);
    }
    expect(s.requests.length).toBeGreaterThan(20);
    // Arrivals at the server jitter around the client's starts, by over 0.1 s when the machine is loaded: the
    // rate is judged on the mean gap (the jitter of the two ends spread over 20-odd gaps) and NCBI's rule of
    // 3 a second on every 1 s window. A single gap far below the pacer's (an unpaced start, or a process
    // that ignored the shared ledger) still fails, with room for the jitter.
    expect(meanGap(s.requests)).toBeGreaterThanOrEqual(340);
    expect(maxStartsWithin(s.requests, 1000)).toBeLessThanOrEqual(3);
    expect(minGap(s.requests)).toBeGreaterThanOrEqual(200);
  });

  it('--dry-run counts what would be fetched and writes nothing', async () => {
    const s = await server({ 'mdma-ptsd': PTSD }, { today: '2026/11/20' });
    const db = newDb();
    expect((await cli(s, db, ['search', '--query', 'mdma-ptsd'], { at: '2026-11-20 03:00:00' })).code).toBe(0);
    s.setSearch(
      JSON.parse(fs.readFileSync('data/queries.json', 'utf8')).queries[0].term as string,
      [...PTSD, ...META.slice(30, 33)],
    );
    const before = fileHash(db);
    const r = await cli(s, db, ['search', '--dry-run', '--query', 'mdma-ptsd', '--since', '1800/01/01'], { at: '2026-11-21 03:00:00' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/mdma-ptsd .*: 15 found, 3 would fetch, 0 updated, 12 already known/);
    expect(r.stdout).toContain('dry run: nothing was fetched or stored');
    expect(fileHash(db)).toBe(before);
    expect(s.requests.filter((q) => q.endpoint === 'efetch').length).toBeGreaterThan(0);
    const afterDry = s.requests.slice(-1)[0]!;
    expect(afterDry.endpoint).toBe('esearch');
  });

  it('fetch adds papers by PMID, from arguments and a file, and reports the ones PubMed does not have', async () => {
    const s = await server({}, { today: '2026/11/20' });
    const db = newDb();
    const list = path.join(path.dirname(db), 'pmids.txt');
    fs.writeFileSync(list, `# from my notes\n${META[0]}\n${META[1]}, ${META[2]}\n`);
    const ok = await cli(s, db, ['fetch', String(META[3]), '--file', list], { at: '2026-11-20 10:00:00' });
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^4 requested: 4 added, 0 updated, 0 unchanged$/m);
    expect(storedPmids(db)).toEqual(META.slice(0, 4));
    expect(query<{ source: string }>(db, 'SELECT DISTINCT source FROM paper_sources')).toEqual([{ source: 'fetch' }]);

    const missing = await cli(s, db, ['fetch', String(META[0]), '99999999'], { at: '2026-11-20 10:05:00' });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^Error: PubMed did not return 1 PMID\(s\): 99999999 /m);
    expect(missing.stdout).toMatch(/2 requested: 0 added, 0 updated, 1 unchanged, 1 not returned/);
  });

  it('manages saved searches: add, show, remove; a removed search is not run and its papers stay', async () => {
    const s = await server({ 'mdma-ptsd': PTSD.slice(0, 2) }, { today: '2026/11/20' });
    s.setSearch('Cdx2[tiab]', [META[5]!]);
    const db = newDb();
    const add = runCli(['queries', 'add', 'cdx2', 'Cdx2[tiab]', '--description', 'a test search'], { db });
    expect(add.code).toBe(0);
    expect(add.stdout).toContain('Added saved search cdx2');
    expect((await cli(s, db, ['search', '--query', 'cdx2'], { at: '2026-11-20 03:00:00' })).code).toBe(0);
    expect(storedPmids(db)).toEqual([META[5]]);
    const show = runCli(['queries', 'show', 'cdx2'], { db });
    expect(show.stdout).toContain('term: Cdx2[tiab]');
    expect(show.stdout).toMatch(/papers found: 1/);
    expect(show.stdout).toMatch(/^last successful run: 2026-11-20 03:00$/m);
    expect(show.stdout).toMatch(/^next run: records that entered PubMed from 2026\/11\/18 to the day it runs$/m);
    expect(show.stdout).toMatch(/run 1 .* 1 found, 1 new, 0 updated/);
    expect(runCli(['queries', 'remove', 'cdx2'], { db }).code).toBe(0);
    expect(runCli(['queries', '--json'], { db }).stdout).not.toContain('"cdx2"');
    const again = await cli(s, db, ['search', '--json'], { at: '2026-11-21 03:00:00' });
    expect((JSON.parse(again.stdout) as Summary).searches.map((x) => x.name)).not.toContain('cdx2');
    expect(storedPmids(db)).toContain(META[5]);
  });

  it('refuses bad input with one line and exit 2, before opening the library or the network', async () => {
    const s = await server({}, { today: '2026/11/20' });
    const db = newDb();
    expect(runCli(['queries'], { db }).code).toBe(0);
    const before = fileHash(db);
    const cases: [string[], RegExp, Record<string, string>?][] = [
      [['search', '--since', '2024/02/30'], /^Error: --since "2024\/02\/30" is not a real date: give a date like 2024\/01\/31$/],
      [['search', '--since', 'last week'], /^Error: --since "last week" is not a date/],
      [['search', '--query', 'nope'], /^Error: no saved search named "nope": choose one of mdma-ptsd, /],
      [['search', '--email', 'not an address'], /^Error: --email "not an address" is not an e-mail address/],
      [['search'], /^Error: CLAIMWATCH_EUTILS_URL "ftp:\/\/x" is not http\(s\)/, { CLAIMWATCH_EUTILS_URL: 'ftp://x' }],
      [['search'], /^Error: NCBI_API_KEY is not an NCBI API key/, { NCBI_API_KEY: 'has spaces in it' }],
      [['fetch'], /^Error: no PMIDs given: pass them as arguments or with --file FILE$/],
      [['fetch', '12x'], /^Error: '12x' is not a PMID/],
      [['fetch', '--file', '/nonexistent/pmids.txt'], /^Error: cannot read --file \/nonexistent\/pmids.txt: no such file/],
      [['queries', 'add', 'Bad Name', 'x'], /^Error: 'Bad Name' is not a valid search name/],
      [['queries', 'add', 'ok-name', '(MDMA AND PTSD'], /^Error: the search term has unbalanced parentheses/],
      [['queries', 'add', 'ok-name', '"MDMA'], /^Error: the search term has an unclosed double quote/],
      [['queries', 'add', 'mdma-ptsd', 'x'], /^Error: a saved search named 'mdma-ptsd' already exists/],
      [['queries', 'add', 'reading-list', 'x'], /^Error: 'reading-list' is reserved/],
      [['queries', 'remove', 'nope'], /^Error: no saved search named "nope"/],
      [['schedule', '--at', '12:00'], /^Error: --at 12:00 is outside NCBI's off-peak window/],
      [['runs', '--limit', '0'], /^Error: --limit takes a positive whole number/],
    ];
    for (const [args, message, env] of cases) {
      const r = await cli(s, db, args, { env });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr.trim(), args.join(' ')).toMatch(message);
    }
    expect(s.requests).toHaveLength(0);
    expect(fileHash(db)).toBe(before);
    // Bad input never creates a library either.
    const fresh = newDb();
    expect((await cli(s, fresh, ['search', '--query', 'nope'])).code).toBe(2);
    expect(fs.existsSync(fresh)).toBe(false);
  });

  it('schedule prints a crontab line and systemd units with absolute paths', () => {
    const db = newDb();
    const r = runCli(['schedule'], { db, env: { NCBI_EMAIL: 'ann@example.org', TZ: 'UTC' } });
    expect(r.code).toBe(0);
    const bin = path.resolve('bin/claimwatch.js');
    expect(r.stdout).toMatch(new RegExp(`^30 [67] \\* \\* \\* NCBI_EMAIL=ann@example.org ${process.execPath.replace(/[.]/g, '\\.')} ${bin.replace(/[.]/g, '\\.')} --no-color --db ${db.replace(/[.]/g, '\\.')} search$`, 'm'));
    expect(r.stdout).toContain('OnCalendar=*-*-* 02:30:00 America/New_York');
    expect(r.stdout).toContain(`ExecStart=${process.execPath} ${bin} --no-color --db ${db} search`);
    expect(fs.existsSync(db)).toBe(false);
  });
});

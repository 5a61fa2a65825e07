import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openLibrary } from '../../src/app/store.js';
import { FakeCrossref } from '../fake-crossref/server.js';
import { cli, newDb, query, startServer } from './search-support.js';
import { fixture } from '../helpers.js';
import { INTEGRITY, WAKEFIELD_PMID, paperFromEsummary, storePapers, wakefieldEsummary } from '../integrity-support.js';
import type { FakeEutils } from '../fake-eutils/server.js';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((s) => s()));
});

async function servers(): Promise<{ eutils: FakeEutils; crossref: FakeCrossref }> {
  const eutils = await startServer({}, { today: '2026/12/02' });
  const crossref = new FakeCrossref();
  await crossref.start();
  stops.push(() => eutils.close(), () => crossref.stop());
  return { eutils, crossref };
}

/**
 * Brings the Wakefield paper into the library. No efetch XML of PMID 9500320 exists in the fixtures. With
 * `pubmed: false` it comes in as the issue asks, through `claimwatch import` of a CSV holding its PMID, DOI and
 * title, the values of its REAL esummary (a paper known only from an export: no PubMed integrity data). With
 * `pubmed: true` PubMed's side arrives: a Paper built from the fields of that real esummary (its publication
 * types and its references, "Retraction in" and "Expression of concern in"), stored as a re-fetch from PubMed
 * would store it (tests/integrity-support.ts).
 */
async function bringInWakefield(eutils: FakeEutils, db: string, opts: { pubmed: boolean; at: string }): Promise<void> {
  const r = wakefieldEsummary();
  if (!opts.pubmed) {
    const csv = path.join(path.dirname(db), 'wakefield.csv');
    const doi = r.articleids.find((a) => a.idtype === 'doi')!.value;
    fs.writeFileSync(csv, `PMID,DOI,Title\n${r.uid},${doi},"${r.title}"\n`);
    const imported = await cli(eutils, db, ['import', csv], { at: opts.at.replace('T', ' ').slice(0, 19) });
    expect(imported.code, imported.stderr).toBe(0);
    expect(query<{ raw_format: string }>(db, 'SELECT raw_format FROM papers WHERE pmid = ?', WAKEFIELD_PMID)[0]!.raw_format).toBe('csv');
    return;
  }
  const lib = openLibrary(db);
  try {
    storePapers(lib, [paperFromEsummary(r, opts)], opts.at);
  } finally {
    lib.close();
  }
}

describe('done means: the Wakefield paper, a tag, a night\'s search, the next report', () => {
  it('shows the retraction with its Retraction Watch source, the notice, the moved counts and grade, and the PubMed/Crossref disagreement', async () => {
    const { eutils, crossref } = await servers();
    const db = newDb();
    const env = { CLAIMWATCH_CROSSREF_URL: crossref.url };
    const run = (args: string[], at: string) => cli(eutils, db, args, { at, env });

    expect((await run(['claims'], '2026-12-01 07:00:00')).code).toBe(0);
    await bringInWakefield(eutils, db, { pubmed: false, at: '2026-12-01T08:00:00.000Z' });
    const tag = await run(['tag', String(WAKEFIELD_PMID), 'C7', 'supports', '--reviewer', 'ann'], '2026-12-01 09:00:00');
    expect(tag.stderr).toBe('');
    // The lab's report (a report of one claim keeps no snapshot): the next one says what changed since.
    const before = await run(['report', '--format', 'json'], '2026-12-01 10:00:00');
    const c7Before = (JSON.parse(before.stdout) as { claims: { id: string; counts: Record<string, number>; grade: string }[] }).claims.find((c) => c.id === 'C7')!;
    expect(c7Before.counts).toMatchObject({ supports: 1, retracted: 0 });

    const search = await run(['search'], '2026-12-02 03:00:00');
    expect(search.stderr).toBe('');
    expect(search.code).toBe(0);
    expect(search.stdout).toContain('Crossref: 1 of 1 tagged papers with a DOI checked, 1 with news');
    expect(search.stdout).toMatch(/PMID 9500320 \[C7\]: no status → retracted \(Crossref\/Retraction Watch: corrected, notice doi:10\.1016\/s0140-6736\(04\)15715-2; Crossref\/Retraction Watch: retracted, notice doi:10\.1016\/s0140-6736\(10\)60175-4\)/);
    const asked = crossref.requests.find((r) => r.path.startsWith('/works/'))!;
    expect(asked.path.toLowerCase()).toBe('/works/10.1016/s0140-6736(97)11096-0');
    expect(asked.query.get('mailto')).toBe('claimwatch-tests@example.org');
    expect(asked.userAgent).toMatch(/^claimwatch\/\d+\.\d+\.\d+ \(mailto:claimwatch-tests@example\.org\)$/);

    const html = path.join(path.dirname(db), 'report.html');
    const r = await run(['report', '--format', 'html', '--out', html], '2026-12-02 08:00:00');
    expect(r.code).toBe(0);
    const page = fs.readFileSync(html, 'utf8');
    expect(page).toContain('data-change="status" data-pmid="9500320" data-status="retracted"');
    expect(page).toContain('source: Crossref/Retraction Watch');
    expect(page).toContain('href="https://doi.org/10.1016/s0140-6736(10)60175-4"');

    const text = await run(['report', '--claim', 'C7', '--since', '2026-12-02'], '2026-12-02 08:05:00');
    expect(text.stdout).toContain('status of PMID 9500320 (Ileal-lymphoid-nodular hyperplasia, non-specific colitis, and pervasive developmental disorder in children.): no status -> retracted (source: Crossref/Retraction Watch), notice https://doi.org/10.1016/s0140-6736(10)60175-4; bears on C7');
    expect(text.stdout).toMatch(/grade of C7: .* -> untested: PMID 9500320 was retracted \(Crossref\/Retraction Watch\); supports went 1 → 0, retracted 0 → 1\./);
    expect(text.stdout).toContain('retracted: notice doi:10.1016/s0140-6736(10)60175-4, 2010-02-06; source Crossref/Retraction Watch  https://doi.org/10.1016/s0140-6736(10)60175-4');
    const json = await run(['report', '--claim', 'C7', '--format', 'json'], '2026-12-02 08:10:00');
    const c7 = (JSON.parse(json.stdout) as { claims: { counts: Record<string, number>; grade: string }[] }).claims[0]!;
    expect(c7.counts).toMatchObject({ supports: 0, retracted: 1 });
    expect(c7.grade).toBe('untested');
    expect(c7Before.grade).not.toBe('untested');

    // PubMed's side of the paper arrives (its types and esummary references): the sources now disagree about 2004.
    await bringInWakefield(eutils, db, { pubmed: true, at: '2026-12-03T03:00:00.000Z' });
    const disagreement = 'sources disagree about notice 10.1016/s0140-6736(04)15715-2: Crossref/Retraction Watch calls it a correction; PubMed calls it a retraction';
    const show = await run(['show', String(WAKEFIELD_PMID)], '2026-12-03 08:00:00');
    expect(show.stdout).toContain('Integrity: RETRACTED (not counted as evidence)');
    expect(show.stdout).toContain(disagreement);
    expect(show.stdout).toMatch(/retracted: notice doi:10\.1016\/s0140-6736\(10\)60175-4, PMID 20137807, 2010-02-06 · PubMed, Crossref\/Retraction Watch/);
    const report = await run(['report', '--claim', 'C7'], '2026-12-03 08:05:00');
    expect(report.stdout).toContain(disagreement);
    const md = await run(['report', '--claim', 'C7', '--format', 'markdown'], '2026-12-03 08:06:00');
    expect(md.stdout).toContain('[notice](https://doi.org/10.1016/s0140-6736(10)60175-4)');

    const listed = await run(['papers', '--status', 'retracted', '--json'], '2026-12-03 08:10:00');
    expect((JSON.parse(listed.stdout) as { pmid: number }[]).map((p) => p.pmid)).toEqual([WAKEFIELD_PMID]);
    const csv = await run(['export', '--format', 'csv'], '2026-12-03 08:11:00');
    const [head, row] = csv.stdout.split('\r\n');
    expect(head).toBe('pmid,doi,title,authors,journal,year,retracted,status,tags,notes,url');
    expect(row).toContain(',true,retracted,C7:supports,');
    expect(row).toContain('RETRACTED (retraction notice: PMID 15016483; source: PubMed, Crossref/Retraction Watch; notice https://doi.org/10.1016/s0140-6736(04)15715-2, https://doi.org/10.1016/s0140-6736(10)60175-4)');
    expect(row).toContain('sources disagree about notice 10.1016/s0140-6736(04)15715-2');
    expect(query<{ n: number }>(db, "SELECT count(*) AS n FROM history WHERE pmid = ? AND action = 'paper-status'", WAKEFIELD_PMID)[0]!.n).toBe(1);
  });
});

describe('integrity import and check on the command line', () => {
  function dump(db: string): unknown {
    const d = new Database(db, { readonly: true });
    try {
      return ['integrity_events', 'integrity_status', 'history', 'imports', 'papers'].map((t) => d.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all());
    } finally {
      d.close();
    }
  }

  it.each([
    ['the wrong header', 'wrong.csv', 'pmid,doi,title\n9500320,10.1016/s0140-6736(97)11096-0,x\n', 2, /^Error: line 1 is not the Retraction Watch CSV header \(no 'Record ID', .*column\): give the file as Crossref publishes it\n$/],
    ['a truncated file', 'cut.csv', 'truncated', 1, /^Error: the file ends inside a quoted field that starts on line \d+: it is truncated; download it again\n$/],
    ['a binary file', 'bin.csv', 'binary', 2, /^Error: the file holds NUL bytes: it is binary, not the Retraction Watch CSV; download retraction_watch\.csv again from Crossref\n$/],
  ] as const)('refuses %s with one line and its exit code, the library unchanged', async (_, name, content, code, message) => {
    const { eutils } = await servers();
    const db = newDb();
    await cli(eutils, db, ['claims'], { at: '2026-12-01 07:00:00' });
    await bringInWakefield(eutils, db, { pubmed: false, at: '2026-12-01T08:00:00.000Z' });
    const file = path.join(path.dirname(db), name);
    const rad = fs.readFileSync(path.join(INTEGRITY, 'retraction_watch', 'radRetraction_RAD.csv'), 'utf8');
    if (content === 'truncated') fs.writeFileSync(file, rad.slice(0, rad.indexOf('Hainan') + 5));
    else if (content === 'binary') fs.copyFileSync(fixture('efetch/julielab__pubmedsample18n0001.xml.gz'), file);
    else fs.writeFileSync(file, content);
    const before = dump(db);
    const r = await cli(eutils, db, ['integrity', 'import', file], { at: '2026-12-02 08:00:00' });
    expect(r.code).toBe(code);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(dump(db)).toEqual(before);
  });

  it('integrity check rides out a 429 and a 504, records the retraction once, and reports it', async () => {
    const { eutils, crossref } = await servers();
    const db = newDb();
    const env = { CLAIMWATCH_CROSSREF_URL: crossref.url };
    await cli(eutils, db, ['claims'], { at: '2026-12-01 07:00:00' });
    await bringInWakefield(eutils, db, { pubmed: false, at: '2026-12-01T08:00:00.000Z' });
    crossref.fault({ kind: '429', retryAfter: '1' });
    crossref.fault({ kind: '504' });
    const r = await cli(eutils, db, ['integrity', 'check', '--all', '--json'], { at: '2026-12-02 08:00:00', env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout) as { ok: boolean; checked: number; retries: number; changes: { pmid: number; to: string }[] };
    expect(o).toMatchObject({ ok: true, checked: 1, retries: 2 });
    expect(o.changes.map((c) => [c.pmid, c.to])).toEqual([[WAKEFIELD_PMID, 'retracted']]);
    expect(crossref.requests.map((x) => x.status).slice(0, 3)).toEqual([429, 504, 200]);
    const again = await cli(eutils, db, ['integrity', 'check', '--all'], { at: '2026-12-03 08:00:00', env });
    expect(again.stdout).toContain('no new retraction, correction or concern');
    expect(query<{ n: number }>(db, 'SELECT count(*) AS n FROM integrity_events')[0]!.n).toBe(2);
  });

  it('integrity check without tagged papers asks nothing; --status refuses an unknown status with exit 2', async () => {
    const { eutils, crossref } = await servers();
    const db = newDb();
    const env = { CLAIMWATCH_CROSSREF_URL: crossref.url };
    await cli(eutils, db, ['claims'], { at: '2026-12-01 07:00:00' });
    await bringInWakefield(eutils, db, { pubmed: false, at: '2026-12-01T08:00:00.000Z' });
    const r = await cli(eutils, db, ['integrity', 'check'], { at: '2026-12-02 08:00:00', env });
    expect(r.code).toBe(0);
    expect(crossref.requests).toEqual([]);
    const bad = await cli(eutils, db, ['papers', '--status', 'gone'], { at: '2026-12-02 08:00:00' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("Error: --status 'gone' is not a status: use retracted, concern or corrected\n");
  });
});

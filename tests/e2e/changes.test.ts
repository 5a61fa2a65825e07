import { describe, expect, it } from 'vitest';
import { withoutRetraction } from '../fake-eutils/server.js';
import path from 'node:path';
import { runCli } from '../helpers.js';
import { cli, corpusByPmid, newDb, query, useServers } from './search-support.js';

const server = useServers();

interface JsonReport {
  claims: { id: string; grade: string; reason: string; counts: Record<string, number> }[];
  changes: null | {
    since: string;
    basis: string;
    newTags: { pmid: number; claim: string; stance: string }[];
    retracted: { pmid: number; title: string | null; notice: number | null; claims: string[] }[];
    corrected: unknown[];
    grades: { claim: string; from: string | null; to: string; why: string }[];
  };
}

const RETRACTED = 10066780;
const NOTICE = 11905463;

describe('report: what changed', () => {
  it('a retraction added overnight moves the affected claim and shows up under What changed', async () => {
    const before = corpusByPmid().get(RETRACTED)!;
    const s = await server({ 'mdma-ptsd': [RETRACTED] }, { today: '2026/11/20' });
    // The record as PubMed had it before the retraction was indexed.
    s.upsertRecord({ ...before, xml: withoutRetraction(before.xml, '2005/01/01'), mdat: '2005/01/01' });
    const db = newDb();

    const night1 = await cli(s, db, ['search', '--json'], { at: '2026-11-20 03:00:00' });
    expect(night1.code, night1.stderr).toBe(0);
    expect((await cli(s, db, ['tag', String(RETRACTED), 'C7', 'supports'], { at: '2026-11-20 09:00:00' })).code).toBe(0);

    const first = await cli(s, db, ['report', '--format', 'json'], { at: '2026-11-20 10:00:00' });
    expect(first.code, first.stderr).toBe(0);
    const r1 = JSON.parse(first.stdout) as JsonReport;
    // Nothing to compare the first report with.
    expect(r1.changes).toBeNull();
    expect(r1.claims.find((c) => c.id === 'C7')!.counts).toMatchObject({ supports: 1, retracted: 0 });
    expect(query(db, 'SELECT at FROM report_snapshots')).toHaveLength(1);

    // Overnight the record is revised as retracted.
    s.today = '2026/11/21';
    s.upsertRecord({ ...before, mdat: '2026/11/21' });
    const night2 = await cli(s, db, ['search', '--json'], { at: '2026-11-21 03:00:00' });
    expect(night2.code, night2.stderr).toBe(0);

    const second = await cli(s, db, ['report', '--format', 'json'], { at: '2026-11-21 09:00:00' });
    expect(second.code, second.stderr).toBe(0);
    const r2 = JSON.parse(second.stdout) as JsonReport;
    const c7 = r2.claims.find((c) => c.id === 'C7')!;
    expect(c7.counts).toMatchObject({ supports: 0, retracted: 1 });
    expect(r2.changes).not.toBeNull();
    const changes = r2.changes!;
    expect(changes.basis).toBe('previous-report');
    expect(changes.since).toMatch(/^2026-11-20T10:00:0/);
    expect(changes.retracted).toEqual([expect.objectContaining({ pmid: RETRACTED, notice: NOTICE, claims: ['C7'] })]);
    expect(changes.newTags).toEqual([]);
    const move = changes.grades.find((g) => g.claim === 'C7');
    expect(move).toBeDefined();
    expect(move!.to).toBe(c7.grade);
    expect(move!.from).toBe(r1.claims.find((c) => c.id === 'C7')!.grade);
    // Losing the sole support to a retraction moves the grade: a single in-vitro paper is speculative,
    // and with it retracted nothing counts.
    expect(move).toMatchObject({ from: 'speculative', to: 'untested' });
    expect(move!.why).toContain(`PMID ${RETRACTED} was retracted`);
    expect(move!.why).toContain('supports went 1 → 0');
    expect(changes.grades.map((g) => g.claim)).toEqual(['C7']);

    // Since a date: the same retraction, against the last snapshot at or before that day; the tag of the 20th too.
    const since = await cli(s, db, ['report', '--format', 'json', '--since', '2026/11/20'], { at: '2026-11-21 10:00:00' });
    expect(since.code, since.stderr).toBe(0);
    const r3 = (JSON.parse(since.stdout) as JsonReport).changes!;
    expect(r3.basis).toBe('date');
    expect(r3.since).toBe('2026-11-20T00:00:00.000Z');
    expect(r3.newTags).toEqual([expect.objectContaining({ pmid: RETRACTED, claim: 'C7', stance: 'supports' })]);
    expect(r3.retracted.map((r) => r.pmid)).toEqual([RETRACTED]);
    // No snapshot is that old: no grade moves to report.
    expect(r3.grades).toEqual([]);

    const next = await cli(s, db, ['report', '--format', 'json', '--since', '2026-11-21'], { at: '2026-11-21 11:00:00' });
    expect((JSON.parse(next.stdout) as JsonReport).changes!.grades.map((g) => g.claim)).toEqual(['C7']);
    expect(query(db, 'SELECT at FROM report_snapshots')).toHaveLength(4);
  }, 60_000);

  it('refuses a bad --since with one line and exit 2, keeping no snapshot; a one-claim report keeps none either', async () => {
    const s = await server({}, { today: '2026/11/20' });
    const db = newDb();
    expect((await cli(s, db, ['report', '--format', 'json'], { at: '2026-11-20 10:00:00' })).code).toBe(0);
    const bad = await cli(s, db, ['report', '--since', 'last tuesday'], { at: '2026-11-20 11:00:00' });
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/--since 'last tuesday' is not a date/);
    const one = await cli(s, db, ['report', '--claim', 'C7', '--format', 'json'], { at: '2026-11-20 12:00:00' });
    expect(one.code, one.stderr).toBe(0);
    expect((JSON.parse(one.stdout) as JsonReport).changes).toMatchObject({ basis: 'previous-report', grades: [] });
    expect(query(db, 'SELECT at FROM report_snapshots')).toHaveLength(1);
  }, 60_000);

  it('keeps no snapshot when the report could not be delivered, so its changes are not hidden from the next one', () => {
    const db = newDb();
    expect(runCli(['report', '--format', 'json'], { db }).code).toBe(0);
    const count = (): number => query<{ n: number }>(db, 'SELECT count(*) AS n FROM report_snapshots')[0]!.n;
    expect(count()).toBe(1);
    const failed = runCli(['report', '--format', 'html', '--out', path.join(path.dirname(db), 'no', 'such', 'r.html')], { db });
    expect(failed.code).toBe(1);
    expect(count()).toBe(1);
    expect(runCli(['report', '--format', 'json'], { db }).code).toBe(0);
    expect(count()).toBe(2);
  });
});

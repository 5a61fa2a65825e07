import { describe, expect, it } from 'vitest';
import { computeChanges, parseSinceDate, snapshotOf, type ChangeEvent, type ChangesInput, type Snapshot } from '../../src/evidence/report-changes.js';
import type { Grade, Report, ReportClaim, ReportCounts } from '../../src/evidence/report.js';
import { UsageError } from '../../src/errors.js';

const counts = (over: Partial<ReportCounts> = {}): ReportCounts => ({ supports: 0, qualifies: 0, contradicts: 0, retracted: 0, disputed: 0, ...over });
const claim = (id: string, grade: Grade, c: Partial<ReportCounts> = {}): ReportClaim => ({
  id, slug: id.toLowerCase(), statement: id, retired: false, counts: counts(c), papers: [], grade, reason: '', deciding: [], dependsOn: [], timeline: [],
});
const report = (...claims: ReportClaim[]): Report => ({ generatedAt: '2026-11-21T09:00:00.000Z', claims, chain: { links: [], claims: [], weakest: null }, changes: null });
const ev = (action: string, pmid: number, at: string, over: Partial<ChangeEvent> = {}): ChangeEvent => ({ at, actor: 'claimwatch', action, pmid, claimId: null, newValue: null, ...over });

const previous: Snapshot = {
  at: '2026-11-20T10:00:00.000Z',
  claims: [
    { id: 'C5', grade: 'speculative', counts: counts({ qualifies: 1 }) },
    { id: 'C7', grade: 'speculative', counts: counts({ supports: 1 }) },
  ],
};

function input(over: Partial<ChangesInput> = {}): ChangesInput {
  return {
    since: previous.at, basis: 'previous-report', previous,
    report: report(claim('C5', 'speculative', { qualifies: 1 }), claim('C7', 'untested', { retracted: 1 })),
    events: [ev('paper-retracted', 10066780, '2026-11-21T03:00:00.000Z', { newValue: 'true' })],
    papers: new Map([[10066780, { title: 'Ecstasy and neurotoxicity', notice: 11905463 }], [26305477, { title: 'Fear paper', notice: null }]]),
    tagsByPmid: new Map([[10066780, [{ claim: 'C7', stance: 'supports' as const, reviewer: 'ann' }]]]),
    ...over,
  };
}

describe('computeChanges', () => {
  it('lists a retraction of a tagged paper with its notice and claims, and moves the claim with a one-sentence why', () => {
    const c = computeChanges(input());
    expect(c.since).toBe(previous.at);
    expect(c.basis).toBe('previous-report');
    expect(c.retracted).toEqual([{ pmid: 10066780, title: 'Ecstasy and neurotoxicity', notice: 11905463, at: '2026-11-21T03:00:00.000Z', claims: ['C7'] }]);
    expect(c.grades).toEqual([{ claim: 'C7', from: 'speculative', to: 'untested', why: 'PMID 10066780 was retracted; supports went 1 → 0, retracted 0 → 1.' }]);
    expect(c.newTags).toEqual([]);
    expect(c.corrected).toEqual([]);
  });

  it('leaves out retractions and corrections of papers tagged for no claim in the report', () => {
    const c = computeChanges(input({ tagsByPmid: new Map(), events: [ev('paper-retracted', 10066780, 'x'), ev('paper-erratum', 10066780, 'y', { newValue: '5' })] }));
    expect(c.retracted).toEqual([]);
    expect(c.corrected).toEqual([]);
  });

  it('lists new tags as they stand now: a tag removed since is not new, a retag shows the current stance', () => {
    const c = computeChanges(input({
      events: [
        ev('tag', 26305477, 't1', { actor: 'ann', claimId: 'C5', newValue: 'supports' }),
        ev('retag', 26305477, 't2', { actor: 'ann', claimId: 'C5', newValue: 'qualifies' }),
        ev('tag', 26305477, 't3', { actor: 'bob', claimId: 'C5', newValue: 'supports' }),
        ev('tag', 99, 't4', { actor: 'ann', claimId: 'C9', newValue: 'supports' }),
      ],
      tagsByPmid: new Map([[26305477, [{ claim: 'C5', stance: 'qualifies' as const, reviewer: 'ann' }]], [99, [{ claim: 'C9', stance: 'supports' as const, reviewer: 'ann' }]]]),
      report: report(claim('C5', 'speculative', { qualifies: 2 }), claim('C7', 'speculative', { supports: 1 })),
    }));
    expect(c.newTags).toEqual([{ pmid: 26305477, claim: 'C5', stance: 'qualifies', reviewer: 'ann', at: 't2', title: 'Fear paper' }]);
    expect(c.grades).toEqual([{ claim: 'C5', from: 'speculative', to: 'speculative', why: 'PMID 26305477 was tagged qualifies; qualifies went 1 → 2.' }]);
  });

  it('lists errata and expressions of concern with the first notice PMID', () => {
    const c = computeChanges(input({
      events: [ev('paper-erratum', 10066780, 'a', { newValue: '111,222' }), ev('paper-concern', 10066780, 'b', { newValue: null })],
    }));
    expect(c.corrected).toEqual([
      { pmid: 10066780, title: 'Ecstasy and neurotoxicity', kind: 'erratum', notice: 111, at: 'a', claims: ['C7'] },
      { pmid: 10066780, title: 'Ecstasy and neurotoxicity', kind: 'expression-of-concern', notice: null, at: 'b', claims: ['C7'] },
    ]);
  });

  it('says so when a grade moved without a change of counts, and names a claim new since the snapshot', () => {
    const c = computeChanges(input({
      events: [],
      report: report(claim('C5', 'contested', { qualifies: 1 }), claim('C7', 'speculative', { supports: 1 }), claim('C12', 'untested')),
    }));
    expect(c.grades).toEqual([
      { claim: 'C5', from: 'speculative', to: 'contested', why: 'Its counts did not change: the grading rule or the evidence kinds of its papers did.' },
      { claim: 'C12', from: null, to: 'untested', why: 'C12 was not in the earlier report.' },
    ]);
  });

  it('lists no grade moves without an earlier snapshot, but still the events since the date', () => {
    const c = computeChanges(input({ previous: null, basis: 'date', since: '2026-11-21T00:00:00.000Z' }));
    expect(c.basis).toBe('date');
    expect(c.grades).toEqual([]);
    expect(c.retracted.map((r) => r.pmid)).toEqual([10066780]);
  });
});

describe('snapshotOf', () => {
  it('keeps each claim id, grade and counts', () => {
    expect(snapshotOf(report(claim('C7', 'speculative', { supports: 1 })), 'now')).toEqual({ at: 'now', claims: [{ id: 'C7', grade: 'speculative', counts: counts({ supports: 1 }) }] });
  });
});

describe('parseSinceDate', () => {
  it('accepts YYYY-MM-DD and YYYY/MM/DD', () => {
    expect(parseSinceDate('2026-11-20')).toBe('2026-11-20');
    expect(parseSinceDate('2026/11/20')).toBe('2026-11-20');
  });
  it.each(['yesterday', '2026-11-31', '2026-13-01', '20261120', '2026-11/20', '26-11-20', ''])('refuses %j as a usage error', (raw) => {
    expect(() => parseSinceDate(raw)).toThrow(UsageError);
  });
});

import { describe, expect, it } from 'vitest';
import { buildPrismaFlow, checkFlow, type PrismaPaper } from '../../src/evidence/prisma.js';
import type { Reason } from '../../src/evidence/reasons.js';

const SINCE = '2026-11-20T00:00:00.000Z';
const OLD = '2026-11-01T03:00:00.000Z';
const NEW = '2026-11-22T03:00:00.000Z';
const REASONS: Reason[] = [
  { number: 1, code: 'wrong-population', label: 'wrong population' },
  { number: 2, code: 'off-topic', label: 'off-topic' },
];

/** A paper with defaults: added during the update, nothing decided. */
function paper(pmid: number, o: Partial<PrismaPaper> = {}): PrismaPaper {
  return {
    pmid, addedAt: NEW, deleted: false, retracted: false, sources: [], previous: false, decidedBefore: false, changedSince: false,
    tagged: false, dismissals: [], ...o,
  };
}
const found = (source: string, at = NEW): { source: string; firstSeenAt: string } => ({ source, firstSeenAt: at });
const dismissed = (reasonCode: string | null, reason: string | null = reasonCode, at = NEW): PrismaPaper['dismissals'][number] => ({ reasonCode, reason, at });

describe('the PRISMA 2020 flow of an updated review', () => {
  it('puts each paper of a hand-built library in its box, and every box has the count worked out by hand', () => {
    const papers: PrismaPaper[] = [
      // The previous version: two studies tagged before the update; one was retracted since, one is still in.
      paper(1, { addedAt: OLD, sources: [found('search-a', OLD)], previous: true, decidedBefore: true, tagged: true }),
      paper(2, { addedAt: OLD, sources: [found('search-a', OLD)], previous: true, decidedBefore: true, tagged: true, retracted: true }),
      // Found again by search-b in the update: a duplicate of a record the library had.
      paper(3, { addedAt: OLD, sources: [found('search-a', OLD), found('search-b')], previous: true, decidedBefore: true, tagged: true }),
      // New database records: 10 and 11 found by both searches (one duplicate each), 12-17 by one.
      paper(10, { sources: [found('search-a'), found('search-b')], tagged: true }),
      paper(11, { sources: [found('search-a'), found('search-b')], dismissals: [dismissed('off-topic'), dismissed('off-topic')] }),
      paper(12, { sources: [found('search-a')], dismissals: [dismissed('wrong-population', 'wrong population', NEW), dismissed(null, 'cells', '2026-11-23T00:00:00.000Z')] }),
      paper(13, { sources: [found('search-a')], dismissals: [dismissed(null, 'rats only')] }),
      paper(14, { sources: [found('search-b')], dismissals: [dismissed(null, null)] }),
      paper(15, { sources: [found('search-b')], tagged: true, retracted: true, dismissals: [dismissed('off-topic')] }),
      paper(16, { sources: [found('search-b')] }),
      paper(17, { sources: [found('search-b')], deleted: true }),
      // Other sources: the reading list, a fetch, an import, and an old record first screened in the update.
      paper(20, { sources: [found('reading-list')], tagged: true }),
      paper(21, { sources: [found('fetch')], dismissals: [dismissed('off-topic')] }),
      paper(22, {}),
      paper(23, { addedAt: OLD, changedSince: true, tagged: true }),
      paper(24, { addedAt: OLD, deleted: true }),
      // Screened and dismissed before the update, untouched since: not part of this update's flow.
      paper(30, { addedAt: OLD, sources: [found('search-a', OLD)], decidedBefore: true, dismissals: [dismissed('off-topic', 'off-topic', OLD)] }),
    ];
    const f = buildPrismaFlow({ since: SINCE, generatedAt: NEW, papers, searches: ['search-a', 'search-b'], reasons: REASONS });
    expect(f.previous).toEqual({ studies: 3, reports: 3, noLongerIncluded: { total: 1, retracted: 1, untagged: 0 } });
    expect(f.databases.identified).toEqual({
      total: 11,
      bySearch: [{ key: 'search-a', label: 'search-a', n: 4 }, { key: 'search-b', label: 'search-b', n: 7 }],
    });
    expect(f.databases.removedBeforeScreening).toEqual({ duplicates: 3, deletedByNlm: 1, notYetScreened: 1 });
    expect(f.databases.screened).toBe(6);
    expect(f.databases.excluded).toEqual({
      total: 4,
      reasons: [
        // 12: one standard reason and one free-text reason, a tie: the earlier decides.
        { key: 'wrong-population', label: 'wrong population', n: 1 },
        { key: 'off-topic', label: 'off-topic', n: 1 },
        { key: 'other', label: 'other reasons (in the reviewers\' words)', n: 1 },
        { key: 'unspecified', label: 'no reason given', n: 1 },
      ],
    });
    expect(f.databases.sought).toBe(2);
    expect(f.databases.notRetrieved).toBe(0);
    expect(f.databases.assessed).toBe(2);
    expect(f.databases.reportsExcluded).toEqual({ total: 1, reasons: [{ key: 'retracted', label: 'retracted publication', n: 1 }] });
    expect(f.databases.included).toBe(1);
    expect(f.other.identified.bySource.map((s) => [s.key, s.n])).toEqual([['reading-list', 1], ['fetch', 1], ['import', 1], ['carried-over', 2]]);
    expect(f.other).toMatchObject({ notYetAssessed: 1, sought: 4, notRetrieved: 1, assessed: 3, included: 2 });
    expect(f.other.excluded).toEqual({ total: 1, reasons: [{ key: 'wrong-population', label: 'wrong population', n: 0 }, { key: 'off-topic', label: 'off-topic', n: 1 }] });
    expect(f.included).toEqual({ newStudies: 3, newReports: 3, totalStudies: 5, totalReports: 5 });
    expect(f.checks.filter((c) => !c.holds)).toEqual([]);
    expect(f.checks.length).toBe(17);
  });

  it('with no previous version, every tagged paper is a new study and the identities hold', () => {
    const papers = [paper(1, { sources: [found('s')], tagged: true }), paper(2, { addedAt: OLD, dismissals: [dismissed('off-topic')] })];
    const f = buildPrismaFlow({ since: null, generatedAt: NEW, papers, searches: ['s'], reasons: REASONS });
    expect(f.previous.studies).toBe(0);
    expect(f.included).toMatchObject({ newStudies: 1, totalStudies: 1 });
    expect(f.other.identified.bySource).toEqual([{ key: 'import', label: 'imported files (claimwatch import)', n: 1 }]);
    expect(f.checks.every((c) => c.holds)).toBe(true);
  });

  it('checkFlow catches a box that does not add up', () => {
    const f = buildPrismaFlow({ since: null, generatedAt: NEW, papers: [paper(1, { sources: [found('s')], tagged: true })], searches: ['s'], reasons: REASONS });
    const broken = { ...f, databases: { ...f.databases, screened: f.databases.screened + 1 } };
    expect(checkFlow(broken).filter((c) => !c.holds).map((c) => c.what)).toEqual([
      'records identified = duplicates + deleted by NLM + not yet screened + screened: 1 = 2',
      'records screened = excluded + reports sought: 2 = 1',
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { buildAgreement, findConflicts, kappaFromMatrix, parseReviewerPair, stanceMatrix } from '../../src/evidence/agreement.js';
import { STANCES, type Claim, type Stance, type Tag } from '../../src/evidence/claims.js';
import { UsageError } from '../../src/errors.js';

const claim = (id: string): Claim => ({ id, slug: `slug-${id}`, statement: `statement ${id}`, keywords: [], dependsOn: [], retiredAt: null });

/**
 * An independent kappa, not through po and pe as shares: the integer form
 * kappa = (n * agreements - sum_i rowA_i * colB_i) / (n^2 - sum_i rowA_i * colB_i), counted from the raw pairs.
 */
function kappaFromPairs(pairs: readonly (readonly [string, string])[]): number {
  const n = pairs.length;
  const agreements = pairs.filter(([a, b]) => a === b).length;
  const cats = [...new Set(pairs.flat())];
  const chance = cats.reduce((s, k) => s + pairs.filter(([a]) => a === k).length * pairs.filter(([, b]) => b === k).length, 0);
  return (n * agreements - chance) / (n * n - chance);
}

const repeat = <T,>(x: T, times: number): T[] => Array.from({ length: times }, () => x);

describe('kappaFromMatrix', () => {
  it('reproduces the worked example of Wikipedia, "Cohen\'s kappa" (Examples: 50 grant proposals, two readers)', () => {
    // https://en.wikipedia.org/wiki/Cohen%27s_kappa#Examples: both Yes 20, A Yes / B No 5, A No / B Yes 10,
    // both No 15. po = (20 + 15) / 50 = 0.70; A says Yes 50 %, B 60 %, so pe = 0.5 * 0.6 + 0.5 * 0.4 = 0.50;
    // kappa = (0.70 - 0.50) / (1 - 0.50) = 0.40.
    const k = kappaFromMatrix([[20, 5], [10, 15]], ['yes', 'no']);
    expect(k.n).toBe(50);
    expect(k.observed).toBeCloseTo(0.7, 12);
    expect(k.expected).toBeCloseTo(0.5, 12);
    expect(k.kappa).toBeCloseTo(0.4, 12);
    expect(k.undefinedReason).toBeNull();
    // The 2x2 closed form, 2(ad - bc) / ((a+b)(b+d) + (a+c)(c+d)) = 2(300 - 50) / (25*20 + 30*25) = 500 / 1250.
    expect(k.kappa).toBeCloseTo((2 * (20 * 15 - 5 * 10)) / ((20 + 5) * (5 + 15) + (20 + 10) * (10 + 15)), 12);
  });

  it('computes a three-stance example checked by hand', () => {
    // Rows: reviewer A (supports, qualifies, contradicts); columns: reviewer B. n = 30.
    //   [10 2 1]  row sums 13, 13, 4
    //   [ 3 8 2]  column sums 13, 11, 6
    //   [ 0 1 3]  diagonal 10 + 8 + 3 = 21
    // po = 21/30 = 0.7; pe = (13*13 + 13*11 + 4*6) / 30^2 = (169 + 143 + 24) / 900 = 336/900 = 0.37333...
    // kappa = (630/900 - 336/900) / (564/900) = 294/564 = 49/94 = 0.521276...
    const m = [[10, 2, 1], [3, 8, 2], [0, 1, 3]];
    const k = kappaFromMatrix(m, STANCES);
    expect(k.n).toBe(30);
    expect(k.observed).toBeCloseTo(0.7, 12);
    expect(k.expected).toBeCloseTo(336 / 900, 12);
    expect(k.kappa).toBeCloseTo(49 / 94, 12);
    expect(k.kappa!.toFixed(4)).toBe('0.5213');
    // The same data as 30 raw pairs, through the independent formula and through stanceMatrix.
    const pairs: [Stance, Stance][] = [];
    m.forEach((row, i) => row.forEach((count, j) => pairs.push(...repeat([STANCES[i]!, STANCES[j]!] as [Stance, Stance], count))));
    expect(pairs).toHaveLength(30);
    expect(stanceMatrix(pairs)).toEqual(m);
    expect(k.kappa).toBeCloseTo(kappaFromPairs(pairs), 12);
  });

  it('is 1 for perfect agreement across categories and can be negative', () => {
    expect(kappaFromMatrix([[3, 0, 0], [0, 2, 0], [0, 0, 1]], STANCES).kappa).toBeCloseTo(1, 12);
    // Always opposite: po = 0, pe = (1*1 + 1*1) / 4 = 0.5, kappa = -1.
    expect(kappaFromMatrix([[0, 1], [1, 0]], ['a', 'b']).kappa).toBeCloseTo(-1, 12);
  });

  it('leaves kappa undefined, and says why, when no paper is shared or when chance agreement is 1', () => {
    const empty = kappaFromMatrix(stanceMatrix([]), STANCES);
    expect(empty).toMatchObject({ n: 0, observed: null, expected: null, kappa: null });
    expect(empty.undefinedReason).toMatch(/no paper/);
    const same = kappaFromMatrix(stanceMatrix([['supports', 'supports'], ['supports', 'supports']]), STANCES);
    expect(same).toMatchObject({ n: 2, observed: 1, expected: 1, kappa: null });
    expect(same.undefinedReason).toMatch(/expected agreement is 1/);
  });
});

describe('buildAgreement', () => {
  const t = (pmid: number, c: string, stance: Stance, reviewer: string): Tag => ({ pmid, claim: c, stance, note: null, reviewer, at: 't' });
  const tags = [
    t(1, 'C7', 'supports', 'ann'), t(1, 'C7', 'supports', 'bob'),
    t(2, 'C7', 'supports', 'ann'), t(2, 'C7', 'contradicts', 'bob'),
    t(3, 'C7', 'qualifies', 'ann'), t(3, 'C7', 'qualifies', 'bob'),
    t(4, 'C7', 'supports', 'ann'), // only ann: not counted
    t(1, 'C5', 'contradicts', 'ann'), t(1, 'C5', 'supports', 'bob'),
    t(1, 'C7', 'qualifies', 'cy'), // a third reviewer: ignored
  ];
  const r = buildAgreement([claim('C5'), claim('C7'), claim('C9')], tags, 'ann', 'bob');

  it('pairs the papers both reviewers tagged, per claim, with the first reviewer as rows', () => {
    const c7 = r.claims.find((c) => c.claim === 'C7')!;
    expect(c7.n).toBe(3);
    expect(c7.matrix).toEqual([[1, 0, 1], [0, 1, 0], [0, 0, 0]]);
    // po = 2/3; rows 2,1,0; columns 1,1,1; pe = (2 + 1 + 0) / 9 = 1/3; kappa = (2/3 - 1/3) / (2/3) = 0.5.
    expect(c7.kappa).toBeCloseTo(0.5, 12);
    expect(r.claims.find((c) => c.claim === 'C9')).toMatchObject({ n: 0, kappa: null });
  });

  it('pools every claim for the overall kappa', () => {
    expect(r.overall.n).toBe(4);
    expect(r.overall.matrix).toEqual([[1, 0, 1], [0, 1, 0], [1, 0, 0]]);
    expect(r.overall.kappa).toBeCloseTo(kappaFromPairs([['s', 's'], ['s', 'c'], ['q', 'q'], ['c', 's']]), 12);
  });
});

describe('parseReviewerPair', () => {
  it('takes two different names', () => {
    expect(parseReviewerPair('ann, bob')).toEqual(['ann', 'bob']);
  });
  it.each(['ann', 'ann,', ',bob', 'ann,bob,cy', 'ann,ann'])('refuses %j', (s) => {
    expect(() => parseReviewerPair(s)).toThrow(UsageError);
  });
});

describe('findConflicts', () => {
  const t = (pmid: number, stance: Stance, reviewer: string, note: string | null = null): Tag => ({ pmid, claim: 'C7', stance, note, reviewer, at: 't' });
  const papers = new Map([[1, { title: 'One', retracted: false }], [2, { title: 'Two', retracted: true }], [3, { title: 'Three', retracted: false }]]);
  const list = findConflicts([claim('C7')], [t(3, 'supports', 'ann'), t(3, 'supports', 'bob'), t(2, 'qualifies', 'bob', 'dose'), t(2, 'supports', 'ann'), t(1, 'supports', "o'neil")], papers);

  it('lists only papers whose reviewers differ, with every stance, note and the commands that settle it', () => {
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      pmid: 2, claim: 'C7', title: 'Two', retracted: true,
      tags: [{ reviewer: 'ann', stance: 'supports', note: null }, { reviewer: 'bob', stance: 'qualifies', note: 'dose' }],
      resolutions: [
        { stance: 'supports', commands: ['claimwatch tag 2 C7 supports --reviewer bob'] },
        { stance: 'qualifies', commands: ['claimwatch tag 2 C7 qualifies --reviewer ann'] },
      ],
    });
  });
  it('quotes a reviewer name the shell would split', () => {
    const l = findConflicts([claim('C7')], [t(1, 'supports', "o'neil"), t(1, 'contradicts', 'ann b')], papers);
    expect(l[0]!.resolutions.flatMap((r) => r.commands)).toEqual([
      "claimwatch tag 1 C7 supports --reviewer 'ann b'",
      "claimwatch tag 1 C7 contradicts --reviewer 'o'\\''neil'",
    ]);
  });
});

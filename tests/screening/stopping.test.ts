import { describe, expect, it } from 'vitest';
import { hypergeometricCdf, stoppingTest, unreadFromSample } from '../../src/screening/stopping.js';

describe('the hypergeometric distribution', () => {
  it('gives the textbook values: 5 draws from 10 items of which 3 are marked', () => {
    // C(7,5)/C(10,5) = 21/252; adding 3*C(7,4)/C(10,5) = 105/252.
    expect(hypergeometricCdf(0, 10, 3, 5)).toBeCloseTo(21 / 252, 12);
    expect(hypergeometricCdf(1, 10, 3, 5)).toBeCloseTo(126 / 252, 12);
    expect(hypergeometricCdf(3, 10, 3, 5)).toBe(1);
  });

  it('is 0 below the support and 1 at its top', () => {
    // 9 draws from 10 items with 3 marked hold at least 2 marked ones.
    expect(hypergeometricCdf(1, 10, 3, 9)).toBe(0);
    expect(hypergeometricCdf(2, 10, 3, 9)).toBeCloseTo(3 / 10, 12);
    expect(hypergeometricCdf(5, 1000, 5, 100)).toBe(1);
  });

  it('agrees with a direct product for a large urn', () => {
    // P(X = 0) for 2,000 draws from 20,000 with 7 marked: prod_{i<7} (18000 - i) / (20000 - i).
    let p = 1;
    for (let i = 0; i < 7; i++) p *= (18000 - i) / (20000 - i);
    expect(hypergeometricCdf(0, 20000, 7, 2000)).toBeCloseTo(p, 9);
  });
});

describe('the stopping test of Callaghan & Müller-Hansen 2020', () => {
  it('finds the least number of relevant papers left under which recall would be below 95 %', () => {
    // 19 found before the sample, none in it: 19/0.95 = 20, so 2 more left (19/21 < 95 %) is the least under H0.
    expect(stoppingTest({ foundBefore: 19, urn: 100, drawn: 10, relevantDrawn: 0 }).kTarget).toBe(2);
    // 100 found: 100/0.95 = 105.26, so 6 more.
    expect(stoppingTest({ foundBefore: 100, urn: 1000, drawn: 10, relevantDrawn: 0 }).kTarget).toBe(6);
  });

  it('gives the p-value of the sample under that number, and stops below 0.05', () => {
    // K = 2 in an urn of 100: P(no relevant in n draws) = (100-n)(99-n)/(100*99).
    const at = (drawn: number): ReturnType<typeof stoppingTest> => stoppingTest({ foundBefore: 19, urn: 100, drawn, relevantDrawn: 0 });
    expect(at(50).p).toBeCloseTo((50 * 49) / (100 * 99), 12);
    expect(at(50).stop).toBe(false);
    // (100-78)(99-78)/9900 = 0.0467 < 0.05; 77 draws give 0.0515.
    expect(at(77).stop).toBe(false);
    expect(at(78).stop).toBe(true);
    expect(at(78).p).toBeCloseTo((22 * 21) / 9900, 12);
  });

  it('counts relevant papers found in the sample both in the sample and in what recall must reach', () => {
    // 19 before + 1 in the sample = 20 found: 20/0.95 = 21.05, K = floor(21.05 - 19) + 1 = 3.
    const t = stoppingTest({ foundBefore: 19, urn: 100, drawn: 60, relevantDrawn: 1 });
    expect(t.kTarget).toBe(3);
    expect(t.p).toBeCloseTo(hypergeometricCdf(1, 100, 3, 60), 12);
  });

  it('never stops before a single paper of the sample is screened', () => {
    expect(stoppingTest({ foundBefore: 500, urn: 10, drawn: 0, relevantDrawn: 0 })).toMatchObject({ p: 1, stop: false });
  });

  it('bounds what the rest of the urn holds', () => {
    // 80 of 100 drawn, none relevant: the point estimate is 0; K = 3 still has P(0) = 20*19*18/(100*99*98) = 0.0070,
    // K = 1 has 0.2, K = 2 0.038: so at most 1 is left at 95 %.
    expect(unreadFromSample({ foundBefore: 19, urn: 100, drawn: 80, relevantDrawn: 0 })).toEqual({ estimate: 0, upper: 1 });
    const u = unreadFromSample({ foundBefore: 19, urn: 100, drawn: 50, relevantDrawn: 5 });
    expect(u.estimate).toBe(5);
    expect(u.upper).toBeGreaterThan(5);
  });
});

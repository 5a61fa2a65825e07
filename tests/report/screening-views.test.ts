import { describe, expect, it } from 'vitest';
import { estimateText, porcelainLine, screeningLine } from '../../src/report/triage-views.js';
import { coldEstimate, type Estimate } from '../../src/screening/screening.js';

const sampling = (p: number, stop: boolean): Estimate => ({
  phase: 'sampling', screened: 400, unscreened: 60, found: 19, unread: 0, method: 'random-sample', upper: 1, recall: 1,
  sample: { foundBefore: 19, urn: 100, drawn: 40, relevantDrawn: 0 }, p, stop,
});

describe('the screening line of the card, the summary and the inbox', () => {
  it('says the order and that there is no estimate while cold', () => {
    expect(screeningLine('newest', null, coldEstimate(1, 1, 176)))
      .toBe('Newest first (the ranking starts after one tag and one dismissal) · 1 relevant found; no estimate yet');
  });

  it('gives the score while ranking, and the guess only once there are enough decisions', () => {
    const e: Estimate = { ...coldEstimate(2, 1, 175), phase: 'ranking' };
    expect(screeningLine('ranked', 0.9712, e)).toMatch(/^Ranked by the decisions so far: score 0\.97 · 1 relevant found; too few decisions yet/);
    expect(estimateText({ ...e, unread: 9, method: 'recent-rate' })).toMatch(/about 9 more among the 175 unread \(rate of the last decisions\); keep going/);
  });

  it('reports the random check and says stop only when the test does', () => {
    expect(estimateText(sampling(0.31, false))).toBe(
      '19 relevant found; random check: 40 of the 100 papers left when the ranking ran dry, 0 relevant; '
      + 'about 0 relevant unread, at most 1 (95 %); keep going (p = 0.310, stop below 0.05)',
    );
    expect(estimateText(sampling(0.0004, true))).toMatch(/you can stop: recall is at least 95 % at 95 % confidence \(p = <0\.001\)$/);
  });

  it('porcelain lines are one line of JSON with DEL and C1 escaped', () => {
    const line = porcelainLine({ title: 'a\nb\u009bc\u007f' });
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toBe('{"title":"a\\nb\\u009bc\\u007f"}');
    expect(JSON.parse(line)).toEqual({ title: 'a\nb\u009bc\u007f' });
  });
});

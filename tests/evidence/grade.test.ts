import { describe, expect, it } from 'vitest';
import { chainView, gradeClaim, timeline } from '../../src/evidence/grade.js';
import type { EvidenceKind, Grade, ReportEntry } from '../../src/evidence/report.js';
import type { Stance } from '../../src/evidence/claims.js';

let next = 1;
const paper = (stance: Stance, kind: EvidenceKind, group: string | null, over: Partial<ReportEntry> = {}): ReportEntry => {
  const pmid = over.pmid ?? next++;
  return {
    pmid, citation: `C ${pmid}`, title: null, year: 2015, doi: null, stance, note: null, reviewer: 'ann', at: 't',
    retracted: false, retractionNotice: null, disputed: false, kind, kindOverridden: false, group, ...over,
  };
};

describe('gradeClaim', () => {
  it('is untested with nothing tagged, or with only retracted or disputed papers', () => {
    expect(gradeClaim([])).toEqual({ grade: 'untested', reason: 'untested: no paper tagged yet', deciding: [] });
    const r = gradeClaim([paper('supports', 'rct-patients', 'A', { pmid: 8863847, retracted: true }), paper('supports', 'animal', 'B', { disputed: true })]);
    expect(r.grade).toBe('untested');
    expect(r.reason).toBe('untested: no paper counts (1 retracted and 1 disputed papers not counted)');
  });

  it('is moderately supported by two animal studies from two groups, and says why in one sentence', () => {
    const r = gradeClaim([
      paper('supports', 'animal', 'Ressler KJ', { pmid: 1 }), paper('supports', 'animal', 'Hake HS', { pmid: 2 }),
      paper('qualifies', 'healthy-volunteers', 'Liechti ME', { pmid: 3 }),
    ]);
    expect(r.grade).toBe('moderately supported');
    expect(r.reason).toBe('moderately supported: 2 animal studies (PMID 1, 2) from 2 groups support; 1 healthy-volunteer study (PMID 3) from 1 group qualifies; no patient data; strength 3 for, 0 against');
    expect(r.deciding).toEqual([1, 2, 3]);
  });

  it('counts papers of one group (same last author) once: two animal studies of one lab are speculative', () => {
    const r = gradeClaim([paper('supports', 'animal', 'Ressler KJ', { pmid: 11 }), paper('supports', 'animal', 'Ressler KJ', { pmid: 12 })]);
    expect(r.grade).toBe('speculative');
    expect(r.reason).toMatch(/2 animal studies \(PMID 11, 12\) from 1 group support; .*strength 1 for/);
    expect(r.deciding).toEqual([11]);
  });

  it('is well supported by patient data from two groups, and only moderately without patient data', () => {
    expect(gradeClaim([paper('supports', 'rct-patients', 'Mitchell JM'), paper('supports', 'animal', 'Young MB')]).grade).toBe('well supported');
    expect(gradeClaim([paper('supports', 'healthy-volunteers', 'A'), paper('supports', 'healthy-volunteers', 'B')]).grade).toBe('moderately supported');
    // One group alone, however strong, is not enough.
    expect(gradeClaim([paper('supports', 'meta-analysis', 'A'), paper('supports', 'rct-patients', 'A')]).grade).toBe('speculative');
    // A single contradicting animal study keeps it from "well".
    expect(gradeClaim([paper('supports', 'rct-patients', 'A'), paper('supports', 'animal', 'B'), paper('contradicts', 'animal', 'C')]).grade).toBe('moderately supported');
  });

  it('is contested with strong evidence on both sides', () => {
    const r = gradeClaim([
      paper('supports', 'rct-patients', 'A', { pmid: 21 }), paper('supports', 'animal', 'B', { pmid: 22 }),
      paper('contradicts', 'animal', 'C', { pmid: 23 }), paper('contradicts', 'animal', 'D', { pmid: 24 }),
    ]);
    expect(r.grade).toBe('contested');
    expect(r.reason).toContain('2 animal studies (PMID 23, 24) from 2 groups contradict');
    expect(r.deciding).toEqual([21, 22, 23, 24]);
  });

  it('drops a grade when the only strong support is retracted', () => {
    const rct = paper('supports', 'rct-patients', 'A', { pmid: 31 });
    const animal = paper('supports', 'animal', 'B', { pmid: 32 });
    expect(gradeClaim([rct, animal]).grade).toBe('well supported');
    const after = gradeClaim([{ ...rct, retracted: true }, animal]);
    expect(after.grade).toBe('speculative');
    expect(after.reason).toContain('1 retracted paper not counted');
    expect(after.deciding).toEqual([32]);
  });

  it('counts a paper tagged by two agreeing reviewers once, and reviews and opinions for nothing', () => {
    const a = paper('supports', 'animal', 'A', { pmid: 41 });
    expect(gradeClaim([a, { ...a, reviewer: 'bob' }]).reason).toMatch(/^speculative: 1 animal study \(PMID 41\) from 1 group supports/);
    expect(gradeClaim([paper('supports', 'review-opinion', 'A'), paper('supports', 'review-opinion', 'B')]).reason).toMatch(/strength 0 for, 0 against$/);
  });
});

describe('chainView', () => {
  const claim = (id: string, dependsOn: string[], grade: Grade) => ({ id, slug: `s-${id}`, dependsOn, grade });
  it('links each dependency and names the weakest link, untested weakest, contested above speculative', () => {
    const v = chainView([
      claim('C1', [], 'untested'), claim('C3', [], 'well supported'), claim('C5', ['C3'], 'contested'),
      claim('C7', ['C5'], 'speculative'), claim('C9', ['C7'], 'moderately supported'),
    ]);
    expect(v.links).toEqual([{ from: 'C3', to: 'C5' }, { from: 'C5', to: 'C7' }, { from: 'C7', to: 'C9' }]);
    // C1 is alongside the chain, not in it: its grade does not weaken it.
    expect(v.claims.map((c) => c.id)).toEqual(['C3', 'C5', 'C7', 'C9']);
    expect(v.weakest).toEqual({ id: 'C7', grade: 'speculative' });
    expect(chainView([claim('C3', [], 'speculative'), claim('C5', ['C3'], 'untested')]).weakest).toEqual({ id: 'C5', grade: 'untested' });
  });
  it('is empty when no dependency has both ends in the report', () => {
    expect(chainView([claim('C7', ['C4', 'C6'], 'speculative')])).toEqual({ links: [], claims: [], weakest: null });
  });
});

describe('timeline', () => {
  it('counts distinct counted papers per stance, cumulatively, one point per year with papers', () => {
    const t = timeline([
      paper('supports', 'animal', 'A', { pmid: 51, year: 2019 }), paper('supports', 'animal', 'A', { pmid: 51, year: 2019, reviewer: 'bob' }),
      paper('supports', 'animal', 'B', { pmid: 52, year: 2015 }), paper('contradicts', 'animal', 'C', { pmid: 53, year: 2019 }),
      paper('qualifies', 'animal', 'D', { pmid: 54, year: 2022 }),
      paper('supports', 'animal', 'E', { pmid: 55, year: 2020, retracted: true }), paper('supports', 'animal', 'F', { pmid: 56, year: 2021, disputed: true }),
      paper('supports', 'animal', 'G', { pmid: 57, year: null }),
    ]);
    expect(t).toEqual([
      { year: 2015, supports: 1, qualifies: 0, contradicts: 0 },
      { year: 2019, supports: 2, qualifies: 0, contradicts: 1 },
      { year: 2022, supports: 2, qualifies: 1, contradicts: 1 },
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { buildReport, countStances, formatCitation, type ReportPaperInfo } from '../../src/evidence/report.js';
import type { Claim } from '../../src/evidence/claims.js';

const claim = (id: string): Claim => ({ id, slug: `slug-${id}`, statement: `statement ${id}`, keywords: [], dependsOn: [], retiredAt: null });
const info = (pmid: number, over: Partial<ReportPaperInfo> = {}): ReportPaperInfo => ({
  pmid, title: `T${pmid}`, authors: [{ last: 'Young', fore: 'Matthew B', initials: 'MB', collective: null }, { last: 'Ressler', fore: 'Kerry', initials: 'K', collective: null }, { last: 'X', fore: null, initials: null, collective: null }],
  year: 2015, journal: 'Translational psychiatry', journalAbbrev: 'Transl Psychiatry', doi: '10.1038/tp.2015.138', retracted: false, retractionNotice: null,
  publicationTypes: ['Journal Article'], mesh: ['Animals', 'Mice'], kindOverride: null, ...over,
});

describe('formatCitation', () => {
  it('gives first author et al., year, journal, PMID and DOI', () => {
    expect(formatCitation(info(26305477))).toBe('Young MB et al., 2015, Transl Psychiatry, PMID 26305477, doi:10.1038/tp.2015.138');
  });
  it('copes with one collective author and no year, journal or DOI', () => {
    expect(formatCitation({ pmid: 1, authors: [{ last: null, fore: null, initials: null, collective: 'MAPP Study Group' }], year: null, journal: null, journalAbbrev: null, doi: null }))
      .toBe('MAPP Study Group, n.d., PMID 1');
  });
});

describe('buildReport', () => {
  const papers = new Map([
    [1, info(1)], [2, info(2, { year: 2020 })], [3, info(3, { retracted: true, retractionNotice: 99 })], [4, info(4)],
  ]);
  const tags = [
    { pmid: 1, claim: 'C7', stance: 'supports' as const, note: 'mice', reviewer: 'ann', at: 't' },
    { pmid: 2, claim: 'C7', stance: 'supports' as const, note: null, reviewer: 'ann', at: 't' },
    { pmid: 2, claim: 'C7', stance: 'supports' as const, note: null, reviewer: 'bob', at: 't' },
    { pmid: 3, claim: 'C7', stance: 'supports' as const, note: null, reviewer: 'ann', at: 't' },
    { pmid: 4, claim: 'C7', stance: 'contradicts' as const, note: null, reviewer: 'ann', at: 't' },
    { pmid: 4, claim: 'C5', stance: 'qualifies' as const, note: null, reviewer: 'ann', at: 't' },
  ];
  const r = buildReport([claim('C5'), claim('C7'), claim('C9')], tags, papers, 'now');

  it('counts distinct papers per stance and keeps retracted ones out of their stance', () => {
    expect(r.claims.map((c) => [c.id, c.counts])).toEqual([
      ['C5', { supports: 0, qualifies: 1, contradicts: 0, retracted: 0, disputed: 0, concern: 0 }],
      ['C7', { supports: 2, qualifies: 0, contradicts: 1, retracted: 1, disputed: 0, concern: 0 }],
      ['C9', { supports: 0, qualifies: 0, contradicts: 0, retracted: 0, disputed: 0, concern: 0 }],
    ]);
  });
  it('lists supports first, newest first, retracted last', () => {
    expect(r.claims[1]!.papers.map((p) => [p.pmid, p.reviewer])).toEqual([[2, 'ann'], [2, 'bob'], [1, 'ann'], [4, 'ann'], [3, 'ann']]);
    expect(r.claims[1]!.papers.at(-1)).toMatchObject({ retracted: true, retractionNotice: 99, stance: 'supports' });
  });
  it('countStances ignores duplicate tags of one paper', () => {
    expect(countStances([{ pmid: 1, stance: 'supports', retracted: false }, { pmid: 1, stance: 'supports', retracted: false }]).supports).toBe(1);
  });
});

describe('buildReport with reviewers who disagree', () => {
  const papers = new Map([[1, info(1)], [2, info(2, { year: 2020 })], [3, info(3, { retracted: true, retractionNotice: 99 })], [5, info(5)]]);
  const tag = (pmid: number, stance: 'supports' | 'qualifies' | 'contradicts', reviewer: string, note: string | null = null) =>
    ({ pmid, claim: 'C7', stance, note, reviewer, at: 't' });
  const tags = [
    tag(1, 'supports', 'ann', 'mice'), tag(1, 'contradicts', 'bob', 'rats'), // disputed
    tag(2, 'qualifies', 'ann'), tag(2, 'qualifies', 'bob'), // agreed: counted once
    tag(3, 'supports', 'ann'), tag(3, 'contradicts', 'bob'), // retracted wins over disputed
    tag(5, 'supports', 'ann'), tag(5, 'supports', 'bob'), tag(5, 'qualifies', 'cy'), // one of three differs
  ];
  const r = buildReport([claim('C7')], tags, papers, 'now');
  const c7 = r.claims[0]!;

  it('counts a disputed paper once, under disputed only, and a retracted one only under retracted', () => {
    expect(c7.counts).toEqual({ supports: 0, qualifies: 1, contradicts: 0, retracted: 1, disputed: 2, concern: 0 });
  });
  it('keeps both stances and both reviewers of a disputed paper, together, after the agreed ones', () => {
    expect(c7.papers.map((p) => [p.pmid, p.stance, p.reviewer, p.disputed])).toEqual([
      [2, 'qualifies', 'ann', false], [2, 'qualifies', 'bob', false],
      [1, 'supports', 'ann', true], [1, 'contradicts', 'bob', true],
      [5, 'supports', 'ann', true], [5, 'supports', 'bob', true], [5, 'qualifies', 'cy', true],
      [3, 'supports', 'ann', false], [3, 'contradicts', 'bob', false],
    ]);
    expect(c7.papers.find((p) => p.pmid === 1 && p.reviewer === 'bob')).toMatchObject({ note: 'rats' });
  });
  it('marks a retracted paper whatever its reviewers said, and does not call it disputed', () => {
    expect(c7.papers.filter((p) => p.pmid === 3).every((p) => p.retracted && !p.disputed && p.retractionNotice === 99)).toBe(true);
  });
  it('adds the statement history only when asked (verbose)', () => {
    expect(c7).not.toHaveProperty('statementHistory');
    const edits = [
      { claimId: 'C7', at: 't1', actor: 'carol', from: 'old', to: 'new' },
      { claimId: 'C5', at: 't2', actor: 'carol', from: 'x', to: 'y' },
    ];
    const v = buildReport([claim('C7'), claim('C9')], tags, papers, 'now', edits);
    expect(v.claims[0]!.statementHistory).toEqual([edits[0]]);
    expect(v.claims[1]!.statementHistory).toEqual([]);
  });
  it('countStances counts agreeing reviewers once and differing ones under disputed', () => {
    expect(countStances([
      { pmid: 1, stance: 'supports', retracted: false }, { pmid: 1, stance: 'supports', retracted: false },
      { pmid: 2, stance: 'supports', retracted: false }, { pmid: 2, stance: 'qualifies', retracted: false },
    ])).toEqual({ supports: 1, qualifies: 0, contradicts: 0, retracted: 0, disputed: 1, concern: 0 });
  });
});

describe('buildReport: kinds, grades, chain and timeline', () => {
  const person = (last: string, initials: string) => ({ last, fore: null, initials, collective: null });
  const papers = new Map([
    [1, info(1, { authors: [person('Young', 'MB'), person('Ressler', 'KJ')], year: 2015 })],
    [2, info(2, { authors: [person('Hake', 'HS'), person('Fleshner', 'M')], year: 2019 })],
    [3, info(3, { authors: [person('Mitchell', 'JM'), person('Doblin', 'R')], year: 2021, publicationTypes: ['Randomized Controlled Trial'], mesh: ['Humans'], retracted: true, retractionNotice: 9 })],
    [4, info(4, { authors: [person('Vizeli', 'P'), person('Liechti', 'ME')], year: 2022, kindOverride: 'healthy-volunteers' })],
  ]);
  const tag = (pmid: number, claim: string, stance: 'supports' | 'qualifies' | 'contradicts') => ({ pmid, claim, stance, note: null, reviewer: 'ann', at: 't' });
  const claims: Claim[] = [
    { ...claim('C5'), dependsOn: [] }, { ...claim('C7'), dependsOn: ['C5'] }, { ...claim('C9'), dependsOn: ['C7'] },
  ];
  const r = buildReport(claims, [tag(1, 'C7', 'supports'), tag(2, 'C7', 'supports'), tag(4, 'C7', 'qualifies'), tag(3, 'C9', 'supports'), tag(1, 'C5', 'supports')], papers, 'now');
  const c7 = r.claims[1]!;

  it('gives each paper its kind (derived or set by a reviewer) and its last-author group', () => {
    expect(c7.papers.map((p) => [p.pmid, p.kind, p.kindOverridden, p.group])).toEqual([
      [2, 'animal', false, 'Fleshner M'], [1, 'animal', false, 'Ressler KJ'], [4, 'healthy-volunteers', true, 'Liechti ME'],
    ]);
  });
  it('grades each claim with its reason, deciding papers, dependencies and timeline', () => {
    expect(c7).toMatchObject({
      grade: 'moderately supported', deciding: [1, 2, 4], dependsOn: ['C5'],
      timeline: [{ year: 2015, supports: 1, qualifies: 0, contradicts: 0 }, { year: 2019, supports: 2, qualifies: 0, contradicts: 0 }, { year: 2022, supports: 2, qualifies: 1, contradicts: 0 }],
    });
    expect(c7.reason).toMatch(/^moderately supported: 2 animal studies \(PMID 1, 2\) from 2 groups support; 1 healthy-volunteer study \(PMID 4\) from 1 group qualifies; no patient data/);
    // C9's only support is a retracted patient RCT.
    expect(r.claims[2]).toMatchObject({ grade: 'untested', deciding: [], timeline: [] });
  });
  it('builds the chain over the claims in the report and names its weakest link', () => {
    expect(r.chain).toEqual({
      links: [{ from: 'C5', to: 'C7' }, { from: 'C7', to: 'C9' }],
      claims: [{ id: 'C5', slug: 'slug-C5', grade: 'speculative' }, { id: 'C7', slug: 'slug-C7', grade: 'moderately supported' }, { id: 'C9', slug: 'slug-C9', grade: 'untested' }],
      weakest: { id: 'C9', grade: 'untested' },
    });
    expect(r.changes).toBeNull();
  });
});

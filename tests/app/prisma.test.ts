import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importFiles } from '../../src/app/import.js';
import { openLibrary } from '../../src/app/store.js';
import { dismissPaper, tagPaper, untagPaper } from '../../src/app/tagging.js';
import { exportTagEvents, importTagEvents } from '../../src/app/exchange.js';
import { prismaFromLibrary } from '../../src/app/prisma.js';
import { resolveReason } from '../../src/app/reasons.js';
import { methodsFromLibrary } from '../../src/app/methods.js';
import { renderMethods } from '../../src/report/methods-markdown.js';
import { triageQueue, TriageSession } from '../../src/app/triage.js';
import { recordRankedDecision } from '../../src/app/screening.js';
import type { Estimate } from '../../src/screening/screening.js';
import type { Db } from '../../src/store/db.js';
import { fixture, FIXTURES } from '../helpers.js';

const SAMPLE = fixture('efetch/julielab__pubmedsample18n0001.xml.gz');
const RETRACTED = 8863847;
const T0 = '2026-11-01T10:00:00.000Z';

async function library(files: string[] = [SAMPLE]): Promise<Db> {
  const db = openLibrary(':memory:', () => T0);
  await importFiles(db, files, () => T0, undefined, { threads: 0 });
  return db;
}

function pmids(db: Db): number[] {
  return db.prepare('SELECT pmid FROM papers ORDER BY pmid').pluck().all() as number[];
}

/** A reviewer's pass over some papers: tags on every third, dismissals (with each kind of reason) on the rest. */
function screen(db: Db, reviewer: string, list: number[], start: string, offset: number): void {
  list.forEach((pmid, i) => {
    const at = new Date(Date.parse(start) + i * 60_000).toISOString();
    if ((i + offset) % 3 === 0) tagPaper(db, { pmid, claim: i % 2 ? 'C7' : 'C5', stance: i % 4 ? 'supports' : 'qualifies', reviewer, at });
    else dismissPaper(db, { pmid, reviewer, at, reason: ['1', 'off-topic', 'rats only', '', '4'][i % 5] });
  });
}

function broken(db: Db, since: string | null): string[] {
  return prismaFromLibrary(db, { since, now: '2026-12-01T00:00:00.000Z' }).checks.filter((c) => !c.holds).map((c) => c.what);
}

describe('prisma on fixture libraries', () => {
  it('adds up on every fixture file, screened or not, with and without a previous version', async () => {
    const files = fs.readdirSync(`${FIXTURES}/efetch`).filter((f) => /\.xml(\.gz)?$/.test(f)).map((f) => `${FIXTURES}/efetch/${f}`);
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const db = await library([file]);
      const all = pmids(db);
      expect(broken(db, null), file).toEqual([]);
      screen(db, 'ann', all.slice(0, Math.ceil(all.length / 2)), '2026-11-10T00:00:00.000Z', 0);
      screen(db, 'bob', all, '2026-11-25T00:00:00.000Z', 1);
      for (const since of [null, '2026-11-20T00:00:00.000Z', '2026-11-25T00:30:00.000Z']) expect(broken(db, since), `${file} since ${since}`).toEqual([]);
      db.close();
    }
  }, 60_000);

  it('adds up after merging two reviewers\' exports, in either order, to the same flow', async () => {
    const a = await library();
    const b = await library();
    const all = pmids(a);
    screen(a, 'ann', all.slice(0, 90), '2026-11-10T00:00:00.000Z', 0);
    tagPaper(a, { pmid: RETRACTED, claim: 'C8', stance: 'supports', reviewer: 'ann', at: '2026-11-10T09:00:00.000Z' });
    screen(b, 'bob', all.slice(40, 150), '2026-11-22T00:00:00.000Z', 2);
    untagPaper(b, { pmid: all[41]!, claim: 'C7', reviewer: 'bob', at: '2026-11-23T00:00:00.000Z' });
    const annFile = exportTagEvents(a, 'ann');
    const bobFile = exportTagEvents(b, 'bob');
    // Reasons chosen by number travel by code.
    expect(bobFile.filter((e) => e.action === 'dismiss' && e.reason).map((e) => e.reason)).toEqual(expect.arrayContaining(['wrong-population', 'off-topic', 'not-primary-research']));

    const ab = await library();
    importTagEvents(ab, annFile, '2026-12-01T00:00:00.000Z');
    importTagEvents(ab, bobFile, '2026-12-01T00:00:00.000Z');
    const ba = await library();
    importTagEvents(ba, bobFile, '2026-12-01T00:00:00.000Z');
    importTagEvents(ba, annFile, '2026-12-01T00:00:00.000Z');
    for (const since of [null, '2026-11-20T00:00:00.000Z']) {
      const f1 = prismaFromLibrary(ab, { since, now: 'x' });
      const f2 = prismaFromLibrary(ba, { since, now: 'x' });
      expect(f1.checks.filter((c) => !c.holds)).toEqual([]);
      expect(f2).toEqual(f1);
    }
    const f = prismaFromLibrary(ab, { since: '2026-11-20T00:00:00.000Z', now: 'x' });
    // ann's tags before the 20th are the previous version; bob's later work is the update.
    const annTagged = new Set(annFile.filter((e) => e.action === 'tag').map((e) => e.pmid));
    // Papers that came in retracted were not counted in the previous version either: they are not previous studies.
    const retracted = new Set(ab.prepare('SELECT pmid FROM papers WHERE retracted = 1').pluck().all() as number[]);
    expect(retracted.has(RETRACTED)).toBe(true);
    expect(f.previous.studies).toBe([...annTagged].filter((p) => !retracted.has(p)).length);
    expect(f.previous.noLongerIncluded.retracted).toBe(0);
    const tagged = ab.prepare('SELECT count(DISTINCT t.pmid) FROM tags t JOIN papers p ON p.pmid = t.pmid WHERE p.retracted = 0').pluck().get();
    expect(f.included.totalStudies).toBe(tagged);
    const reasons = Object.fromEntries(f.other.excluded.reasons.map((r) => [r.key, r.n]));
    expect(reasons['wrong-population']).toBeGreaterThan(0);
    expect(reasons.other).toBeGreaterThan(0);
    expect(reasons.unspecified).toBeGreaterThan(0);
  }, 60_000);

  it('resolveReason: a number or code is the standard reason, other words are free text, an unknown number is refused', async () => {
    const db = await library([fixture('efetch/biopython__pubmed1.xml')]);
    expect(resolveReason(db, '5')).toEqual({ reason: { number: 5, code: 'off-topic', label: 'off-topic' }, text: 'off-topic' });
    expect(resolveReason(db, ' Wrong Population ')).toMatchObject({ reason: { number: 1 } });
    expect(resolveReason(db, 'rats only')).toEqual({ reason: null, text: 'rats only' });
    expect(() => resolveReason(db, '42')).toThrow(/there is no exclusion reason 42: choose one of 1 wrong-population, .*6 duplicate/);
  });

  it('methods says only what the library backs: no runs, no search sentence; no decisions, no reviewers; no refresh, no retraction check', async () => {
    const db = await library([fixture('efetch/biopython__pubmed1.xml')]);
    const text = renderMethods(methodsFromLibrary(db, { since: null, now: T0 }));
    expect(text).toContain('No saved search has been run against PubMed from this library yet.');
    expect(text).not.toContain('The searches identified');
    expect(text).toContain('No record has been screened yet.');
    expect(text).not.toContain('Retractions were checked');
    expect(text).not.toMatch(/kappa/);
    const pmid = pmids(db)[0]!;
    tagPaper(db, { pmid, claim: 'C7', stance: 'supports', reviewer: 'ann', at: T0 });
    const one = renderMethods(methodsFromLibrary(db, { since: null, now: T0 }));
    expect(one).toContain('by 1 reviewer (ann: 1 tagged to a claim, 0 excluded, 0 of them with a standard reason)');
    // One reviewer: no pair to compare, so no agreement sentence.
    expect(one).not.toMatch(/Agreement between/);
  });

  it('methods says how triage ordered the screening only once decisions were made in ranked order, with their count', async () => {
    const db = await library();
    const [first, second] = pmids(db);
    // Made outside triage: the ranking can start from them, but they are not ranked decisions.
    tagPaper(db, { pmid: first!, claim: 'C7', stance: 'supports', reviewer: 'ann', at: T0 });
    dismissPaper(db, { pmid: second!, reviewer: 'ann', at: T0 });
    expect(renderMethods(methodsFromLibrary(db, { since: null, now: T0 }))).not.toMatch(/claimwatch triage put the records/);
    let clock = 0;
    const at = (): string => `2026-11-0${2 + Math.floor(clock++ / 3)}T09:00:00.000Z`;
    const s = new TriageSession(db, triageQueue(db, { reviewer: 'ann' }), 'ann', at, { order: 'ranked' });
    s.apply({ type: 'dismiss' });
    s.apply({ type: 'dismiss', reason: '5' });
    s.apply({ type: 'tag', claim: 'C4', stance: 'qualifies' });
    s.apply({ type: 'next' });
    s.apply({ type: 'skip' });
    const facts = methodsFromLibrary(db, { since: null, now: T0 });
    expect(facts.screening).toMatchObject({ rankedDecisions: 3, firstRanked: '2026-11-02', stopAdvisedAt: null });
    const text = renderMethods(facts);
    expect(text).toMatch(/For 3 screening decisions \(2026-11-02 to 2026-11-0\d\), claimwatch triage put the records most likely to matter first/);
    expect(text).toContain('had not advised stopping');
    // In newest-first order nothing more is recorded.
    const newest = new TriageSession(db, triageQueue(db, { reviewer: 'ann' }), 'ann', at, { order: 'newest' });
    newest.apply({ type: 'dismiss' });
    expect(methodsFromLibrary(db, { since: null, now: T0 }).screening?.rankedDecisions).toBe(3);
  });

  it('methods names the day the stopping rule first advised stopping and how many records were screened then', async () => {
    const db = await library([fixture('efetch/biopython__pubmed1.xml')]);
    const est = (screened: number, stop: boolean): Estimate => ({
      phase: 'sampling', screened, unscreened: 100 - screened, found: 5, unread: 0, method: 'random-sample', upper: 0, recall: 1, sample: null, p: 0.04, stop,
    } as Estimate);
    tagPaper(db, { pmid: pmids(db)[0]!, claim: 'C7', stance: 'supports', reviewer: 'ann', at: T0 });
    recordRankedDecision(db, '2026-11-03T10:00:00.000Z', est(40, false));
    recordRankedDecision(db, '2026-11-04T10:00:00.000Z', est(41, true));
    recordRankedDecision(db, '2026-11-05T10:00:00.000Z', est(42, true));
    const text = renderMethods(methodsFromLibrary(db, { since: null, now: T0 }));
    expect(text).toMatch(/For 3 screening decisions \(2026-11-03 to 2026-11-05\)/);
    expect(text).toContain('first advised stopping on 2026-11-04, after 41 records had been screened.');
  });
});

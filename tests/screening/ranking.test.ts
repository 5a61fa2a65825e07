import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { featuresOf, tfidfRows, tokenize, type ScreeningText } from '../../src/screening/features.js';
import { claimProbability, NB_ALPHA, NaiveBayesRanker } from '../../src/screening/naive-bayes.js';
import { Screening } from '../../src/screening/screening.js';
import { simulateScreening } from '../../src/screening/simulate.js';
import { ROOT } from '../helpers.js';
import { parseCsv } from '../../src/formats/csv.js';

/** One of the labelled reviews of ../shared/fixtures/screening (real MEDLINE titles and abstracts with real decisions). */
function review(name: string): { docs: ScreeningText[]; pmids: number[]; labels: (0 | 1)[] } {
  const text = fs.readFileSync(path.resolve(ROOT, '..', 'shared', 'fixtures', 'screening', `cohen2006_${name}.csv`), 'utf8');
  const [head, ...body] = parseCsv(text).map((r) => r.fields);
  const col = (n: string): number => head!.indexOf(n);
  return {
    docs: body.map((r) => ({ title: r[col('title')] || null, abstract: r[col('abstract')] || null, mesh: [], keywords: [], publicationTypes: [] })),
    pmids: body.map((r) => Number(r[col('pubmedID')])),
    labels: body.map((r) => (r[col('label_included')] === '1' ? 1 : 0)),
  };
}

const ANTI = review('Antihistamines');
const ROWS = tfidfRows(ANTI.docs);
const relevant = ANTI.labels.flatMap((l, i) => (l === 1 ? [i] : []));
const irrelevant = ANTI.labels.flatMap((l, i) => (l === 0 ? [i] : []));

describe('features', () => {
  it('reads words, MeSH headings (whole and without qualifier), keywords and publication types', () => {
    const f = featuresOf({
      title: 'MDMA enhances fear extinction in mice', abstract: 'Extinction of conditioned fear.',
      mesh: ['Fear/drug effects', 'Mice'], keywords: ['BDNF'], publicationTypes: ['Journal Article'],
    });
    expect(f.get('extinction')).toBe(2);
    expect(f.get('fear')).toBe(2);
    expect(f.has('in')).toBe(false);
    expect([...f.keys()].filter((k) => k.includes(':')).sort()).toEqual(['kw:bdnf', 'mesh:fear', 'mesh:fear/drug effects', 'mesh:mice', 'pt:journal article']);
    expect(tokenize('Memories, 2019: signalling')).toEqual(['memory', 'signal']);
  });

  it('scales every row to unit length', () => {
    for (const i of [0, 1, 100]) {
      let n = 0;
      for (let j = ROWS.indptr[i]!; j < ROWS.indptr[i + 1]!; j++) n += ROWS.values[j]! ** 2;
      expect(n).toBeCloseTo(1, 9);
    }
  });
});

describe('the ranking contract', () => {
  it('keeps the given order until there is a tag and a dismissal (the cold start is today\'s order)', () => {
    const s = new Screening(ROWS, ANTI.pmids, { seed: 1 });
    const given = [5, 3, 9, 1, 7];
    expect(s.order(given)).toEqual(given);
    s.decide(relevant[0]!, 1);
    expect(s.phase).toBe('cold');
    expect(s.order(given)).toEqual(given);
    expect(s.score(5)).toBeNull();
    s.decide(irrelevant[0]!, 0);
    expect(s.phase).toBe('ranking');
    expect(s.order(given)).not.toEqual(given);
  });

  it('puts papers like the relevant one first', () => {
    const s = new Screening(ROWS, ANTI.pmids, { seed: 1 });
    s.setDecisions([{ row: relevant[0]!, label: 1 }, { row: irrelevant[0]!, label: 0 }]);
    const rest = ANTI.docs.map((_, i) => i).filter((i) => i !== relevant[0] && i !== irrelevant[0]);
    const top = s.order(rest).slice(0, 31);
    // 15 relevant among 308 papers left (4.9 %): the first tenth of the ranking holds several times that share.
    expect(top.filter((i) => ANTI.labels[i] === 1).length).toBeGreaterThanOrEqual(5);
  });

  it('is deterministic: the same decisions give the same scores and order, whatever came before', () => {
    const d = [{ row: relevant[0]!, label: 1 as const }, { row: irrelevant[0]!, label: 0 as const }, { row: irrelevant[1]!, label: 0 as const }];
    const a = new Screening(ROWS, ANTI.pmids, { seed: 7 });
    a.setDecisions(d);
    const b = new Screening(ROWS, ANTI.pmids, { seed: 7 });
    b.setDecisions([...d, { row: relevant[1]!, label: 1 }]);
    b.setDecisions(d);
    const all = ANTI.docs.map((_, i) => i);
    expect(b.order(all)).toEqual(a.order(all));
    expect(all.map((i) => b.score(i)!)).toEqual(all.map((i) => a.score(i)!).map((x) => expect.closeTo(x, 10)));
  });

  it('re-ranks on an undo: taking a decision back restores the ranking it had before', () => {
    const r = new NaiveBayesRanker(ROWS);
    r.setLabel(relevant[0]!, 1);
    r.setLabel(irrelevant[0]!, 0);
    const before = Array.from(r.logOdds()!);
    r.setLabel(relevant[1]!, 1);
    const after = Array.from(r.logOdds()!);
    expect(after).not.toEqual(before);
    r.setLabel(relevant[1]!, -1);
    expect(Array.from(r.logOdds()!).map((x, i) => x - before[i]!).every((d) => Math.abs(d) < 1e-9)).toBe(true);
    r.setLabel(irrelevant[0]!, -1);
    expect(r.ready).toBe(false);
    expect(r.logOdds()).toBeNull();
  });

  it('a simulation asks for each label once, only for the paper it screens, and never decides by a label it has not been shown', () => {
    const first = [relevant[0]!, irrelevant[0]!];
    const asked: number[] = [];
    const a = simulateScreening({
      rows: ROWS, keys: ANTI.pmids, seed: 3, first,
      screen: (row) => {
        asked.push(row);
        return ANTI.labels[row]!;
      },
    });
    expect(asked).toEqual(a.order);
    expect(new Set(asked).size).toBe(ANTI.docs.length);
    // Flip the labels of every paper screened after step 60: the first 61 choices cannot change.
    const cut = 60;
    const flipped = ANTI.labels.map((l, i) => (a.order.indexOf(i) > cut ? ((1 - l) as 0 | 1) : l));
    const b = simulateScreening({ rows: ROWS, keys: ANTI.pmids, seed: 3, first, screen: (row) => flipped[row]!, until: (n) => n > cut + 1 });
    expect(b.order.slice(0, cut + 1)).toEqual(a.order.slice(0, cut + 1));
    expect(b.order[cut + 2]).toBeUndefined();
  });

  it('the same seed gives the same run; another seed draws another random sample', () => {
    const run = (seed: number): number[] => simulateScreening({
      rows: ROWS, keys: ANTI.pmids, seed, first: [relevant[0]!, irrelevant[0]!], dryRun: 20, screen: (row) => ANTI.labels[row]!,
    }).order;
    expect(run(1)).toEqual(run(1));
    expect(run(2)).not.toEqual(run(1));
  });

  it('switches to a random sample once the ranking runs dry, and says stop only with the test', () => {
    const r = simulateScreening({
      rows: ROWS, keys: ANTI.pmids, seed: 1, first: [relevant[0]!, irrelevant[0]!], dryRun: 20, screen: (row) => ANTI.labels[row]!,
    });
    const phases = r.estimates.map((e) => e.phase);
    expect(phases.indexOf('sampling')).toBeGreaterThan(phases.indexOf('ranking'));
    const stop = r.estimates.findIndex((e) => e.stop);
    expect(stop).toBeGreaterThan(phases.indexOf('sampling'));
    const e = r.estimates[stop]!;
    expect(e.p).toBeLessThan(0.05);
    // Recall when it first said stop: the share of relevant papers screened by then.
    const found = r.order.slice(0, stop + 1).filter((i) => ANTI.labels[i] === 1).length;
    expect(found / relevant.length).toBeGreaterThanOrEqual(0.95);
  });
});

describe('per-claim suggestions', () => {
  it('are the balanced naive Bayes of the claim\'s papers against the other screened ones, the paper itself left out', () => {
    const positives = [relevant[1]!, relevant[2]!];
    const others = [irrelevant[0]!, irrelevant[1]!, irrelevant[2]!, relevant[3]!];
    const row = relevant[4]!;
    const r = new NaiveBayesRanker(ROWS);
    for (const i of [...positives, relevant[3]!, row]) r.setLabel(i, 1);
    for (const i of others.slice(0, 3)) r.setLabel(i, 0);
    const got = claimProbability(ROWS, row, positives, r.screenedSums(row));
    // The same model written out: feature sums of each side, the positives weighted to balance the negatives.
    const V = ROWS.features;
    const sums = (docs: number[]): Float64Array => {
      const s = new Float64Array(V);
      for (const d of docs) for (let j = ROWS.indptr[d]!; j < ROWS.indptr[d + 1]!; j++) s[ROWS.indices[j]!]! += ROWS.values[j]!;
      return s;
    };
    const sp = sums(positives);
    const sn = sums(others);
    const w = others.length / positives.length;
    const tp = sp.reduce((a, b) => a + b, 0) * w;
    const tn = sn.reduce((a, b) => a + b, 0);
    let d = 0;
    for (let j = ROWS.indptr[row]!; j < ROWS.indptr[row + 1]!; j++) {
      const f = ROWS.indices[j]!;
      const x = ROWS.values[j]!;
      d += x * (Math.log((w * sp[f]! + NB_ALPHA) / (tp + NB_ALPHA * V)) - Math.log((sn[f]! + NB_ALPHA) / (tn + NB_ALPHA * V)));
    }
    expect(got).toBeCloseTo(1 / (1 + Math.exp(-d)), 9);
  });
});

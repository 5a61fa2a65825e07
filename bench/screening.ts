// Simulates screening on each labelled review of ../shared/fixtures/screening/ (see its SOURCES.md) with the
// ranking and stopping code the CLI uses (src/screening/), and prints per review WSS@95, recall after
// screening 10 %, where the tool first said stop and the recall there, and the time per decision.
//
// Protocol (SOURCES.md): per seed, start from one relevant and one irrelevant paper chosen by the seed; then
// always screen the paper the tool puts first, reveal its label as the decision, and let the model learn
// from it. A label is read only when its paper is screened: simulateScreening (src/screening/simulate.ts)
// asks the reviewer below for one label per screened paper, and the model never sees the label column.
//
// Then (unless --skip-latency) the time from a decision in `triage` to its next card on a library of
// --papers papers (default 20,000: real PubMed records repeated with new PMIDs, ../shared/tools/
// make_bench_corpus.py, built once in /tmp/claimwatch-bench-corpus/), through the TriageSession the
// command uses: the decision saved, the ranking refreshed, the next paper chosen and its card built.
//
// Usage: npm run bench:screening [-- --seeds 20] [--papers 20000] [--decisions 200] [--skip-latency] [--json]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { importFiles } from '../src/app/import.js';
import { openLibrary } from '../src/app/store.js';
import { dismissPaper, tagPaper } from '../src/app/tagging.js';
import { triageQueue, TriageSession } from '../src/app/triage.js';
import { tfidfRows, type ScreeningText } from '../src/screening/features.js';
// @ts-expect-error: a plain .mjs helper shared by the benchmarks
import { benchCorpus, prng } from './common.mjs';
import { parseCsv } from '../src/formats/csv.js';
import { simulateScreening } from '../src/screening/simulate.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIR = path.resolve(ROOT, '..', 'shared', 'fixtures', 'screening');
const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : dflt;
};
const SEEDS = Number(opt('seeds', '20'));
const asJson = args.includes('--json');

// SOURCES.md's reference: ASReview's naive Bayes + TF-IDF with balancing, mean of seeds 1-3.
const REFERENCE: Record<string, { n: number; wss: number }> = {
  ADHD: { n: 322, wss: 0.572 }, Antihistamines: { n: 271, wss: 0.076 }, AtypicalAntipsychotics: { n: 780, wss: 0.254 },
  Estrogens: { n: 230, wss: 0.326 }, NSAIDS: { n: 121, wss: 0.643 }, Triptans: { n: 401, wss: 0.352 },
  UrinaryIncontinence: { n: 172, wss: 0.423 },
};

interface Review { name: string; docs: ScreeningText[]; pmids: number[]; labels: (0 | 1)[] }

function readReview(file: string): Review {
  const [head, ...body] = parseCsv(fs.readFileSync(file, 'utf8')).map((r) => r.fields);
  const col = (n: string): number => head!.indexOf(n);
  const [t, a, p, l] = [col('title'), col('abstract'), col('pubmedID'), col('label_included')];
  const name = path.basename(file, '.csv').replace(/^cohen2006_/, '');
  return {
    name,
    docs: body.map((r) => ({ title: r[t] || null, abstract: r[a] || null, mesh: [], keywords: [], publicationTypes: [] })),
    pmids: body.map((r) => Number(r[p])),
    labels: body.map((r) => (r[l] === '1' ? 1 : 0)),
  };
}

interface Run { wss: number; n95: number; recall10: number; stopAt: number | null; stopRecall: number | null; msPerDecision: number[] }

function simulate(review: Review, rows: ReturnType<typeof tfidfRows>, seed: number, dryRun?: number): Run {
  const N = review.docs.length;
  // The starting pair is chosen with the labels, as the protocol says (the reviewer brings one of each).
  const rand = prng(seed);
  const rel = review.labels.flatMap((l, i) => (l === 1 ? [i] : []));
  const irr = review.labels.flatMap((l, i) => (l === 0 ? [i] : []));
  const first = [rel[Math.floor(rand() * rel.length)]!, irr[Math.floor(rand() * irr.length)]!];
  const need = Math.ceil(0.95 * rel.length);
  const revealed = new Set<number>();
  let found = 0;
  let n95 = -1;
  let stopAt: number | null = null;
  let stopRecall: number | null = null;
  const r = simulateScreening({
    rows, keys: review.pmids, seed, dryRun, first,
    // The reviewer: a label only for the paper being screened, and only once.
    screen: (row) => {
      if (revealed.has(row)) throw new Error(`row ${row} screened twice`);
      revealed.add(row);
      found += review.labels[row]!;
      return review.labels[row]!;
    },
    until: (count, e) => {
      if (n95 < 0 && found >= need) n95 = count;
      if (stopAt === null && e.stop) {
        stopAt = count;
        stopRecall = found / rel.length;
      }
      return n95 >= 0 && count >= Math.ceil(0.1 * N) && (stopAt !== null || dryRun === Infinity);
    },
    clock: () => performance.now(),
  });
  // The last decision is not offered to `until` (the loop ends with the papers): count a stop said there too.
  const last = r.estimates[r.estimates.length - 1]!;
  if (stopAt === null && dryRun !== Infinity && last.stop) {
    stopAt = r.order.length;
    stopRecall = found / rel.length;
  }
  const tenth = r.order.slice(0, Math.ceil(0.1 * N)).filter((row) => review.labels[row] === 1).length;
  return { wss: (N - n95) / N - 0.05, n95, recall10: tenth / rel.length, stopAt, stopRecall, msPerDecision: r.ms };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2 : NaN;
};
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.csv')).sort();
const table: Record<string, unknown>[] = [];
let early = 0;
let runs = 0;
for (const f of files) {
  const review = readReview(path.join(DIR, f));
  const rows = tfidfRows(review.docs);
  const results: Run[] = [];
  const alone: Run[] = [];
  for (let seed = 1; seed <= SEEDS; seed++) {
    results.push(simulate(review, rows, seed));
    // The ranking alone: the same run with no random sample (the ranking never counts as dry).
    if (seed <= 3) alone.push(simulate(review, rows, seed, Infinity));
  }
  const first3 = results.slice(0, 3);
  const stops = results.filter((r) => r.stopAt !== null);
  const earlyHere = results.filter((r) => r.stopRecall !== null && r.stopRecall < 0.95).length;
  early += earlyHere;
  runs += results.length;
  table.push({
    review: review.name, papers: review.docs.length, relevant: review.labels.filter((l) => l === 1).length,
    n95: mean(first3.map((r) => r.n95)), wss: mean(first3.map((r) => r.wss)), wssAll: mean(results.map((r) => r.wss)), wssAlone: mean(alone.map((r) => r.wss)),
    refN: REFERENCE[review.name]?.n, refWss: REFERENCE[review.name]?.wss,
    recall10: mean(results.map((r) => r.recall10)),
    stopAt: stops.length ? mean(stops.map((r) => r.stopAt!)) : null,
    stopRecall: stops.length ? mean(stops.map((r) => r.stopRecall!)) : null,
    early: earlyHere, runs: results.length,
    msMedian: median(results.flatMap((r) => r.msPerDecision)),
  });
  process.stderr.write(`${review.name}: done\n`);
}

const fmt = (x: unknown, d = 3): string => (typeof x === 'number' ? x.toFixed(d) : '-');
if (asJson) {
  console.log(JSON.stringify({ seeds: SEEDS, table, early, runs }, null, 2));
} else {
  console.log(`Screening simulation, ${SEEDS} seeds per review (WSS@95 and papers for 95 % over seeds 1-3, as the reference; the rest over all seeds)\n`);
  console.log('| review | papers | relevant | screened for 95 % | WSS@95 | reference | WSS@95 all seeds | ranking alone | recall after 10 % | said stop at | recall there | stop before 95 % | ms per decision (median) |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of table) {
    console.log(`| ${r.review} | ${r.papers} | ${r.relevant} | ${fmt(r.n95, 0)} (ref ${r.refN}) | **${fmt(r.wss)}** | ${fmt(r.refWss)} | ${fmt(r.wssAll)} | ${fmt(r.wssAlone)} | ${fmt(r.recall10)} | ${fmt(r.stopAt, 0)} | ${fmt(r.stopRecall)} | ${r.early} of ${r.runs} | ${fmt(r.msMedian, 2)} |`);
  }
  const m = (k: string): number => mean(table.map((r) => r[k] as number));
  console.log(`| **mean** | | | | **${fmt(m('wss'))}** | ${fmt(m('refWss'))} | ${fmt(m('wssAll'))} | ${fmt(m('wssAlone'))} | ${fmt(m('recall10'))} | | | ${early} of ${runs} | |`);
}

/** Decision to next card in a real TriageSession on a large library. */
async function latency(papers: number, decisions: number): Promise<Record<string, number>> {
  const log = (m: string): boolean => process.stderr.write(`${m}\n`);
  const corpus = benchCorpus(papers, 'xml', log) as string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claimwatch-screening-'));
  let t = 0;
  const now = (): string => new Date(Date.UTC(2026, 0, 1) + t++ * 1000).toISOString();
  const db = openLibrary(path.join(dir, 'lib.db'), now);
  log(`importing ${papers} papers ...`);
  await importFiles(db, [corpus], now, undefined, { threads: 0 });
  // One tag and one dismissal first, so the session is ranked from its first card.
  const [a, b] = triageQueue(db, { reviewer: 'bench', limit: 2 }) as [number, number];
  tagPaper(db, { pmid: a, claim: 'C3', stance: 'supports', reviewer: 'bench', at: now() });
  dismissPaper(db, { pmid: b, reviewer: 'bench', at: now() });
  const queue = triageQueue(db, { reviewer: 'bench' });
  const t0 = performance.now();
  const session = new TriageSession(db, queue, 'bench', now, { order: 'ranked' });
  session.card();
  const startMs = performance.now() - t0;
  const times: number[] = [];
  for (let i = 0; i < decisions && !session.done; i++) {
    // Mostly dismissals, a tag every fifth paper, an undo now and then: what a reviewer does.
    const action = i % 5 === 0 ? { type: 'tag' as const, claim: 'C3', stance: 'supports' as const }
      : i % 17 === 0 ? { type: 'undo' as const } : { type: 'dismiss' as const };
    const a = performance.now();
    session.apply(action);
    if (action.type === 'tag') session.apply({ type: 'next' });
    if (session.done) break;
    session.card();
    times.push(performance.now() - a);
  }
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
  const sorted = [...times].sort((x, y) => x - y);
  return { papers: queue.length, decisions: times.length, startMs, median: median(times), p90: sorted[Math.floor(0.9 * (sorted.length - 1))]!, max: sorted[sorted.length - 1]! };
}

if (!args.includes('--skip-latency')) {
  const l = await latency(Number(opt('papers', '20000')), Number(opt('decisions', '200')));
  if (asJson) console.log(JSON.stringify({ latency: l }));
  else {
    console.log(`\nDecision to next card in triage (TriageSession, ${l.papers} papers, ${l.decisions} decisions; target: median <= 50 ms)\n`);
    console.log('| first card (ranking built) | median | p90 | max |');
    console.log('|---:|---:|---:|---:|');
    console.log(`| ${l.startMs.toFixed(0)} ms | **${l.median.toFixed(1)} ms** | ${l.p90.toFixed(1)} ms | ${l.max.toFixed(1)} ms |`);
  }
}

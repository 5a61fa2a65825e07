import type { SparseRows } from './features.js';
import { NaiveBayesRanker, type Label } from './naive-bayes.js';
import { stoppingTest, unreadFromSample, type SampleCounts } from './stopping.js';

/** One standing decision, in the order decisions were made: the row, and 1 relevant / 0 irrelevant. */
export interface Decision {
  row: number;
  label: 0 | 1;
}

/** Where screening stands: cold (nothing to learn from yet), ranking, or the random sample after the ranking ran dry. */
export type Phase = 'cold' | 'ranking' | 'sampling';

/** How many relevant papers are still unread, and whether the reviewer may stop. */
export interface Estimate {
  phase: Phase;
  screened: number;
  unscreened: number;
  /** Relevant papers found so far. */
  found: number;
  /** Point estimate of the relevant papers not yet screened (null while cold). */
  unread: number | null;
  /** How `unread` was worked out: the relevance rate of the last decisions, or the random sample. */
  method: 'recent-rate' | 'random-sample' | null;
  /** 95 % upper bound on `unread` (random sample only). */
  upper: number | null;
  /** found / (found + unread), null while cold. */
  recall: number | null;
  /** The random sample so far, once it has started. */
  sample: SampleCounts | null;
  /** The stopping test's p-value for "recall is below the target" (random sample only). */
  p: number | null;
  /** True when the test rejects that recall is below the target at the confidence asked for. */
  stop: boolean;
}

/** Decisions needed before the rate of the last ones is given as an estimate. */
export const MIN_RATE_DECISIONS = 20;

/** The estimate before there is a tag and a dismissal to learn from: counts only. */
export function coldEstimate(screened: number, found: number, unscreened: number): Estimate {
  return { phase: 'cold', screened, unscreened, found, unread: null, method: null, upper: null, recall: null, sample: null, p: null, stop: false };
}

/** Knobs of the screening process. */
export interface ScreeningOptions {
  /** Salt of the random order of the sample (the CLI uses a fixed one, the benchmark one per seed). */
  seed: number;
  /** Recall to guarantee, and the confidence of the guarantee. */
  target?: number;
  confidence?: number;
  /** Consecutive irrelevant decisions after which the ranking counts as dry (default: see dryRunFor). */
  dryRun?: number;
}

/**
 * How many irrelevant papers in a row mean the ranking has run dry: 10 % of the library, at least 50 and
 * at most 500. The choice moves only when the random sample starts, never the test's guarantee, which holds
 * for a sample started at any point chosen without looking at the sample.
 */
export function dryRunFor(papers: number): number {
  return Math.min(500, Math.max(50, Math.ceil(0.1 * papers)));
}

/** A 32-bit hash of a paper's key under a salt (murmur3's finaliser): the random order of the sample. */
export function sampleKey(key: number, salt: number): number {
  let h = (Math.imul(key | 0, 0x9e3779b1) ^ Math.imul((key / 4294967296) | 0, 0x85ebca6b) ^ Math.imul(salt | 0, 0xc2b2ae35)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The learning and the stopping advice over one library, driven by the standing decisions in the order
 * they were made. The CLI (triage, inbox) and the benchmark's simulation both go through this class, so
 * what is measured is what runs.
 */
export class Screening {
  readonly ranker: NaiveBayesRanker;
  private readonly target: number;
  private readonly confidence: number;
  private readonly dryRun: number;
  /** Rows in the sample's random order (by sampleKey, then row). */
  private readonly sampleOrder: Int32Array;
  private decisions: Decision[] = [];
  private odds: Float64Array | null = null;
  private switchAt = -1;
  private inUrn: Uint8Array | null = null;

  constructor(readonly rows: SparseRows, keys: readonly number[], opts: ScreeningOptions) {
    this.ranker = new NaiveBayesRanker(rows);
    this.target = opts.target ?? 0.95;
    this.confidence = opts.confidence ?? 0.95;
    this.dryRun = opts.dryRun ?? dryRunFor(rows.rows);
    const hashed = keys.map((k, row) => ({ row, h: sampleKey(k, opts.seed) }));
    hashed.sort((a, b) => a.h - b.h || a.row - b.row);
    this.sampleOrder = Int32Array.from(hashed.map((x) => x.row));
  }

  /** Replaces the standing decisions (oldest first) and re-ranks. Rows not listed are unscreened. */
  setDecisions(decisions: readonly Decision[]): void {
    const next = new Int8Array(this.rows.rows).fill(-1);
    for (const d of decisions) next[d.row] = d.label;
    for (let i = 0; i < next.length; i++) if (next[i] !== this.ranker.labels[i]) this.ranker.setLabel(i, next[i] as Label);
    this.decisions = [...decisions];
    this.odds = this.ranker.logOdds();
    this.findSwitch();
  }

  /** Adds one decision at the end (the simulation's step) and re-ranks. */
  decide(row: number, label: 0 | 1): void {
    this.ranker.setLabel(row, label);
    this.decisions.push({ row, label });
    this.odds = this.ranker.logOdds();
    if (this.switchAt < 0) this.findSwitch();
  }

  /** The probability each row matters (the balanced model's), or null while cold. */
  score(row: number): number | null {
    return this.odds ? 1 / (1 + Math.exp(-this.odds[row]!)) : null;
  }

  get phase(): Phase {
    if (this.switchAt >= 0) return 'sampling';
    return this.ranker.ready ? 'ranking' : 'cold';
  }

  /**
   * The ranking runs dry at the first decision that ends `dryRun` irrelevant ones in a row, once the model
   * is ready; from there on the papers still unscreened are the urn of the random sample.
   */
  private findSwitch(): void {
    this.switchAt = -1;
    this.inUrn = null;
    let run = 0;
    let rel = 0;
    let irr = 0;
    for (let t = 0; t < this.decisions.length; t++) {
      const d = this.decisions[t]!;
      if (d.label === 1) {
        rel += 1;
        run = 0;
      } else {
        irr += 1;
        run += 1;
      }
      if (rel > 0 && irr > 0 && run >= this.dryRun) {
        this.switchAt = t;
        const urn = new Uint8Array(this.rows.rows).fill(1);
        for (let u = 0; u <= t; u++) urn[this.decisions[u]!.row] = 0;
        this.inUrn = urn;
        return;
      }
    }
  }

  /** The sample so far: the longest run of the urn's papers, in the sample's order, that are all screened. */
  private sample(): SampleCounts | null {
    if (this.switchAt < 0 || !this.inUrn) return null;
    let foundBefore = 0;
    for (let u = 0; u <= this.switchAt; u++) foundBefore += this.decisions[u]!.label;
    let urn = 0;
    for (let i = 0; i < this.inUrn.length; i++) urn += this.inUrn[i]!;
    let drawn = 0;
    let relevantDrawn = 0;
    const labels = this.ranker.labels;
    for (const row of this.sampleOrder) {
      if (!this.inUrn[row]) continue;
      if (labels[row] === -1) break;
      drawn += 1;
      relevantDrawn += labels[row] === 1 ? 1 : 0;
    }
    return { foundBefore, urn, drawn, relevantDrawn };
  }

  /** The estimate of what is still unread, and the stopping advice, after the last decision. */
  estimate(): Estimate {
    const labels = this.ranker.labels;
    let screened = 0;
    let found = 0;
    for (let i = 0; i < labels.length; i++) {
      if (labels[i] !== -1) screened += 1;
      if (labels[i] === 1) found += 1;
    }
    const unscreened = labels.length - screened;
    const base = { screened, unscreened, found };
    const phase = this.phase;
    if (phase === 'cold') return coldEstimate(screened, found, unscreened);
    if (phase === 'ranking') {
      // The relevance rate of the last decisions times what is unread: an upper-leaning guess (the rate falls
      // as the ranking goes on), given only once there are enough decisions for a rate to mean something.
      const w = Math.min(this.dryRun, this.decisions.length);
      let recent = 0;
      for (let t = this.decisions.length - w; t < this.decisions.length; t++) recent += this.decisions[t]!.label;
      const unread = w >= MIN_RATE_DECISIONS ? Math.round((recent / w) * unscreened) : null;
      return {
        phase, ...base, unread, method: unread === null ? null : 'recent-rate', upper: null,
        recall: unread === null ? null : found / Math.max(1, found + unread), sample: null, p: null, stop: false,
      };
    }
    const sample = this.sample()!;
    const test = stoppingTest(sample, this.target, this.confidence);
    const u = unreadFromSample(sample, this.confidence);
    const unread = sample.drawn > 0 ? Math.round(u.estimate) : null;
    return {
      phase, ...base, unread, method: 'random-sample', upper: u.upper,
      recall: unread === null ? null : found / Math.max(1, found + unread), sample, p: test.p, stop: test.stop,
    };
  }

  /**
   * The rows of `candidates` in the order to screen them: during the random sample (until the test says
   * stop) the urn's unscreened papers in the sample's order first; otherwise, and after them, by score,
   * highest first; while cold, as given. Ties keep the order given, so the caller's order (newest first)
   * decides among equals.
   */
  order(candidates: readonly number[]): number[] {
    const ranked = [...candidates];
    if (this.odds) {
      const odds = this.odds;
      const pos = new Map<number, number>();
      ranked.forEach((r, i) => pos.set(r, i));
      ranked.sort((a, b) => odds[b]! - odds[a]! || pos.get(a)! - pos.get(b)!);
    }
    if (!this.sampling()) return ranked;
    const wanted = new Set(candidates);
    const drawn: number[] = [];
    const labels = this.ranker.labels;
    for (const row of this.sampleOrder) if (this.inUrn![row] && labels[row] === -1 && wanted.has(row)) drawn.push(row);
    const out: number[] = [];
    const taken = new Set<number>();
    let d = 0;
    let r = 0;
    for (let turn = this.sampleTurn(); out.length < candidates.length; turn = !turn) {
      const from = turn ? drawn : ranked;
      let i = turn ? d : r;
      while (i < from.length && taken.has(from[i]!)) i++;
      if (i >= from.length) {
        if ((turn ? r : d) >= (turn ? ranked : drawn).length) break;
      } else {
        out.push(from[i]!);
        taken.add(from[i]!);
        i++;
      }
      if (turn) d = i;
      else r = i;
    }
    for (const row of ranked) if (!taken.has(row)) out.push(row);
    return out;
  }

  /** True while the random sample runs: the ranking ran dry and the test has not said stop. */
  private sampling(): boolean {
    return this.switchAt >= 0 && this.inUrn !== null && !this.estimate().stop;
  }

  /**
   * During the sample, cards alternate: one drawn at random from the urn, one from the top of the ranking,
   * so the papers the ranking still finds are not left waiting behind the sample.
   */
  private sampleTurn(): boolean {
    return (this.decisions.length - 1 - this.switchAt) % 2 === 0;
  }

  /** The first row of `candidates` (see order) that `skip` does not exclude, or undefined. Cheaper than order when only one is needed. */
  next(candidates: readonly number[], skip: (row: number) => boolean = () => false): number | undefined {
    if (this.sampling() && this.sampleTurn()) {
      const wanted = new Set(candidates);
      const labels = this.ranker.labels;
      for (const row of this.sampleOrder) {
        if (this.inUrn![row] && labels[row] === -1 && wanted.has(row) && !skip(row)) return row;
      }
    }
    let best: number | undefined;
    let bestOdds = -Infinity;
    for (const row of candidates) {
      if (skip(row)) continue;
      if (!this.odds) return row;
      const o = this.odds[row]!;
      if (best === undefined || o > bestOdds) {
        best = row;
        bestOdds = o;
      }
    }
    return best;
  }
}

import type { SparseRows } from './features.js';

/** A decision as the model sees it: 1 relevant (tagged on some claim), 0 irrelevant (dismissed), -1 not screened. */
export type Label = 1 | 0 | -1;

/**
 * ASReview's naive Bayes smoothing (its classic model: multinomial naive Bayes on TF-IDF, alpha 3.822).
 * See https://asreview.readthedocs.io (models: nb).
 */
export const NB_ALPHA = 3.822;

/**
 * Multinomial naive Bayes over TF-IDF rows, trained on a balanced set: the relevant papers count as many
 * times as it takes to match the irrelevant ones, which is what duplicating them does (without it, one or
 * two relevant papers among hundreds barely move the model from its prior). Incremental: a decision
 * adds or removes one row from the class sums, so re-ranking costs one pass over the rows, not a refit.
 */
export class NaiveBayesRanker {
  readonly labels: Int8Array;
  private readonly sums: [Float64Array, Float64Array];
  private readonly totals: [number, number] = [0, 0];
  private readonly counts: [number, number] = [0, 0];
  private readonly weights: Float64Array;
  private readonly mass: Float64Array;

  constructor(private readonly rows: SparseRows, private readonly alpha = NB_ALPHA) {
    this.labels = new Int8Array(rows.rows).fill(-1);
    this.sums = [new Float64Array(rows.features), new Float64Array(rows.features)];
    this.weights = new Float64Array(rows.features);
    // Each row's total TF-IDF mass, which multiplies the classes' normalising terms.
    this.mass = new Float64Array(rows.rows);
    for (let i = 0; i < rows.rows; i++) {
      let m = 0;
      for (let j = rows.indptr[i]!; j < rows.indptr[i + 1]!; j++) m += rows.values[j]!;
      this.mass[i] = m;
    }
  }

  /** How many relevant and irrelevant decisions the model holds. */
  get relevant(): number {
    return this.counts[1];
  }

  get irrelevant(): number {
    return this.counts[0];
  }

  /** Every screened row's sums, less those of `except` when it is screened (see claimProbability). */
  screenedSums(except: number): RowSums {
    const { indptr, indices, values } = this.rows;
    const own = new Map<number, number>();
    const mine = this.labels[except] !== -1;
    if (mine) for (let j = indptr[except]!; j < indptr[except + 1]!; j++) own.set(indices[j]!, values[j]!);
    const [s0, s1] = this.sums;
    return {
      count: this.counts[0] + this.counts[1] - (mine ? 1 : 0),
      total: this.totals[0] + this.totals[1] - (mine ? this.mass[except]! : 0),
      sum: (f) => s0[f]! + s1[f]! - (own.get(f) ?? 0),
    };
  }

  /** True once it has at least one decision of each kind: before that it cannot rank. */
  get ready(): boolean {
    return this.counts[0] > 0 && this.counts[1] > 0;
  }

  /** Records (or takes back, with -1) the decision on row i. */
  setLabel(i: number, label: Label): void {
    const old = this.labels[i] as Label;
    if (old === label) return;
    if (old !== -1) this.move(i, old, -1);
    if (label !== -1) this.move(i, label, 1);
    this.labels[i] = label;
  }

  private move(i: number, cls: 0 | 1, sign: 1 | -1): void {
    const { indptr, indices, values } = this.rows;
    const s = this.sums[cls];
    for (let j = indptr[i]!; j < indptr[i + 1]!; j++) s[indices[j]!]! += sign * values[j]!;
    this.totals[cls] += sign * this.mass[i]!;
    this.counts[cls] += sign;
    if (this.counts[cls] === 0) {
      // Clear the rounding left over once a class is empty again, so undo returns exactly to the start.
      s.fill(0);
      this.totals[cls] = 0;
    }
  }

  /**
   * The log-odds of relevance of every row under the balanced model (equal class priors), or null
   * before the model is ready. Higher is more likely to matter.
   */
  logOdds(): Float64Array | null {
    if (!this.ready) return null;
    const { features, indptr, indices, values } = this.rows;
    const a = this.alpha;
    const balance = this.counts[0] / this.counts[1];
    const [s0, s1] = this.sums;
    const w = this.weights;
    for (let f = 0; f < features; f++) w[f] = Math.log(balance * s1[f]! + a) - Math.log(s0[f]! + a);
    const norm = Math.log(balance * this.totals[1] + a * features) - Math.log(this.totals[0] + a * features);
    const out = new Float64Array(this.rows.rows);
    for (let i = 0; i < out.length; i++) {
      let d = 0;
      for (let j = indptr[i]!; j < indptr[i + 1]!; j++) d += values[j]! * w[indices[j]!]!;
      out[i] = d - this.mass[i]! * norm;
    }
    return out;
  }
}

/** Sums over a set of screened rows: how many, their total TF-IDF mass, and the sum of one feature. */
export interface RowSums {
  count: number;
  total: number;
  sum: (feature: number) => number;
}

/**
 * Per-claim naive Bayes for the card's suggestions: for one claim, the papers tagged on it against every
 * other screened paper (tagged on other claims, or dismissed), balanced the same way. `screened` sums every
 * screened row but `row`, so the negatives are the screened rows less the positives. Returns the probability
 * that row i bears on the claim; it costs the positives' features and the row's, not the whole library's.
 */
export function claimProbability(
  rows: SparseRows, row: number, positives: readonly number[], screened: RowSums, alpha = NB_ALPHA,
): number {
  const negatives = screened.count - positives.length;
  if (positives.length === 0 || negatives <= 0) return 0;
  const { indptr, indices, values, features } = rows;
  const want = new Map<number, number>();
  for (let j = indptr[row]!; j < indptr[row + 1]!; j++) want.set(indices[j]!, values[j]!);
  const pos = new Map<number, number>();
  let posTotal = 0;
  for (const d of positives) {
    for (let j = indptr[d]!; j < indptr[d + 1]!; j++) {
      posTotal += values[j]!;
      const f = indices[j]!;
      if (want.has(f)) pos.set(f, (pos.get(f) ?? 0) + values[j]!);
    }
  }
  const negTotal = screened.total - posTotal;
  const balance = negatives / positives.length;
  let d = 0;
  let mass = 0;
  for (const [f, x] of want) {
    const p = pos.get(f) ?? 0;
    const n = Math.max(0, screened.sum(f) - p);
    d += x * (Math.log(balance * p + alpha) - Math.log(n + alpha));
    mass += x;
  }
  d -= mass * (Math.log(balance * posTotal + alpha * features) - Math.log(Math.max(0, negTotal) + alpha * features));
  return 1 / (1 + Math.exp(-d));
}

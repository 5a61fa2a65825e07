import type { SparseRows } from './features.js';
import { Screening, type Estimate } from './screening.js';

/** A screening simulation: the reviewer's decisions replayed through the same Screening the CLI uses. */
export interface SimulationOptions {
  rows: SparseRows;
  /** A key per row (the PMID), for the random sample's order. */
  keys: readonly number[];
  seed: number;
  dryRun?: number;
  /** The two papers screened first (one relevant, one irrelevant, as the reviewer brings them). */
  first: readonly number[];
  /**
   * The reviewer: asked for the label of a row only once that row is screened, once per row. This is the
   * only way a label reaches the model.
   */
  screen: (row: number) => 0 | 1;
  /** Asked after every decision; true ends the simulation (otherwise it runs until every row is screened). */
  until?: (screened: number, estimate: Estimate) => boolean;
  /** A clock in milliseconds, to time each decision (learning plus choosing the next paper). */
  clock?: () => number;
}

/** What a simulation did: the rows in the order screened, the estimate after each decision, and the time each took. */
export interface SimulationResult {
  order: number[];
  estimates: Estimate[];
  ms: number[];
}

/** Screens the rows in the order the tool gives, revealing each label as a decision, and returns what happened. */
export function simulateScreening(o: SimulationOptions): SimulationResult {
  const n = o.rows.rows;
  const s = new Screening(o.rows, o.keys, { seed: o.seed, dryRun: o.dryRun });
  const screened = new Uint8Array(n);
  const all = Array.from({ length: n }, (_, i) => i);
  const order: number[] = [];
  const estimates: Estimate[] = [];
  const ms: number[] = [];
  const clock = o.clock ?? (() => 0);
  const decide = (row: number): void => {
    const label = o.screen(row);
    screened[row] = 1;
    order.push(row);
    s.decide(row, label);
    estimates.push(s.estimate());
  };
  for (const row of o.first) decide(row);
  while (order.length < n && !o.until?.(order.length, estimates[estimates.length - 1]!)) {
    const t0 = clock();
    const row = s.next(all, (r) => screened[r] === 1);
    if (row === undefined) break;
    decide(row);
    ms.push(clock() - t0);
  }
  return { order, estimates, ms };
}

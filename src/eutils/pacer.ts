// The process-wide request limiter for NCBI E-utilities. It spaces request *starts*, not ends, and
// serialises concurrent callers on a promise chain, so two saved searches running at once still
// share one budget (EUTILS.md R2, F3, F12).

/** Gap between request starts without an API key: 3 req/s allowed, padded (Biopython uses 0.37 s, EDirect 0.35 s). */
export const GAP_WITHOUT_KEY_MS = 350;
/** Gap between request starts with an API key: 10 req/s allowed, padded like EDirect (110 ms). */
export const GAP_WITH_KEY_MS = 110;

/** The start gap in milliseconds to use for a configured (or absent) API key. */
export function gapFor(apiKey?: string): number {
  return apiKey !== undefined && apiKey !== '' ? GAP_WITH_KEY_MS : GAP_WITHOUT_KEY_MS;
}

/** How a Pacer spaces starts, and the clock it reads (injectable for tests). */
export interface PacerOptions {
  /** Minimum milliseconds between two request starts. */
  gapMs: number;
  /** Monotonic clock in milliseconds; defaults to performance.now. */
  now?: () => number;
  /** Waits the given milliseconds; defaults to setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Grants request start slots at least `gapMs` apart, one caller at a time, in call order. */
export class Pacer {
  readonly gapMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** When the last slot was granted; -Infinity before the first. */
  private lastStart = Number.NEGATIVE_INFINITY;
  /** No slot is granted before this time (set by pause, e.g. after a 429). */
  private notBefore = Number.NEGATIVE_INFINITY;
  private tail: Promise<void> = Promise.resolve();

  constructor(opts: PacerOptions) {
    if (!(opts.gapMs >= 0)) throw new RangeError(`Pacer: gapMs must be >= 0, got ${opts.gapMs}`);
    this.gapMs = opts.gapMs;
    this.now = opts.now ?? (() => performance.now());
    this.sleep = opts.sleep ?? realSleep;
  }

  /** Resolves when the caller may start one request; that moment counts as the request's start. */
  wait(): Promise<void> {
    const turn = this.tail.then(() => this.takeSlot());
    // A failing sleep must not wedge every later caller.
    this.tail = turn.catch(() => undefined);
    return turn;
  }

  /** Holds every caller (this one and all queued) until at least `ms` from now: the server asked us to back off. */
  pause(ms: number): void {
    if (ms > 0) this.notBefore = Math.max(this.notBefore, this.now() + ms);
  }

  private async takeSlot(): Promise<void> {
    // A loop rather than one sleep: a real timer may fire a fraction of a millisecond early.
    for (;;) {
      const due = Math.max(this.lastStart + this.gapMs, this.notBefore);
      const now = this.now();
      if (now >= due) {
        this.lastStart = now;
        return;
      }
      await this.sleep(due - now);
    }
  }
}

const shared = new Map<number, Pacer>();

/** The one Pacer this process uses for a given gap, created on first use. */
export function sharedPacer(gapMs: number): Pacer {
  let p = shared.get(gapMs);
  if (!p) {
    p = new Pacer({ gapMs });
    shared.set(gapMs, p);
  }
  return p;
}

// The process-wide request limiter for NCBI E-utilities. It spaces request *starts*, not ends, and
// serialises concurrent callers on a promise chain, so two saved searches running at once still
// share one budget (EUTILS.md R2, F3, F12).

/**
 * Gap between request starts without an API key: 3 req/s allowed. Padded like Biopython (0.37 s)
 * rather than EDirect (0.35 s): measured at the server, arrivals jitter by up to ~20 ms around the
 * client's starts (bench/request-rate.ts), and the issue asks for starts at least 0.34 s apart.
 */
export const GAP_WITHOUT_KEY_MS = 370;
/** Gap between request starts with an API key: 10 req/s allowed; 135 ms keeps arrivals >= 0.11 s apart despite that jitter. */
export const GAP_WITH_KEY_MS = 135;

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
  /** Shares starts with other processes on this machine (see host-ledger.ts); none by default. */
  ledger?: { claim(gapMs: number): number; pause(ms: number): void };
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Grants request start slots at least `gapMs` apart, one caller at a time, in call order. */
export class Pacer {
  /** Minimum milliseconds between two starts; a server's advertised limit may change it (setGap). */
  gapMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** When the last slot was granted; -Infinity before the first. */
  private lastStart = Number.NEGATIVE_INFINITY;
  /** No slot is granted before this time (set by pause, e.g. after a 429). */
  private notBefore = Number.NEGATIVE_INFINITY;
  private tail: Promise<void> = Promise.resolve();
  private readonly ledger: PacerOptions['ledger'];

  constructor(opts: PacerOptions) {
    if (!(opts.gapMs >= 0)) throw new RangeError(`Pacer: gapMs must be >= 0, got ${opts.gapMs}`);
    this.gapMs = opts.gapMs;
    this.now = opts.now ?? (() => performance.now());
    this.sleep = opts.sleep ?? realSleep;
    this.ledger = opts.ledger;
  }

  /** Resolves when the caller may start one request; that moment counts as the request's start. */
  wait(): Promise<void> {
    const turn = this.tail.then(() => this.takeSlot());
    // A failing sleep must not wedge every later caller.
    this.tail = turn.catch(() => undefined);
    return turn;
  }

  /** Spaces the next starts `ms` apart (a server said how many requests per interval it takes). */
  setGap(ms: number): void {
    if (ms >= 0 && Number.isFinite(ms)) this.gapMs = ms;
  }

  /** Holds every caller (this one and all queued) until at least `ms` from now: the server asked us to back off. */
  pause(ms: number): void {
    if (ms > 0) this.notBefore = Math.max(this.notBefore, this.now() + ms);
    this.ledger?.pause(ms);
  }

  private async takeSlot(): Promise<void> {
    // A loop rather than one sleep: a real timer may fire a fraction of a millisecond early.
    for (;;) {
      const due = Math.max(this.lastStart + this.gapMs, this.notBefore);
      const now = this.now();
      if (now >= due) {
        // This process may start; other claimwatch processes on the machine may have claimed the next slots.
        const wait = this.ledger?.claim(this.gapMs) ?? 0;
        if (wait > 0) await this.sleep(wait);
        this.lastStart = this.now();
        return;
      }
      await this.sleep(due - now);
    }
  }
}

const shared = new Map<string, Pacer>();

/**
 * The one Pacer this process uses for a given gap, created on first use; with `ledger`, its starts
 * are also shared with the other processes that use the same ledger.
 */
export function sharedPacer(gapMs: number, ledger?: PacerOptions['ledger']): Pacer {
  const id = `${gapMs}:${ledger ? 'host' : 'process'}`;
  let p = shared.get(id);
  if (!p) {
    p = new Pacer({ gapMs, ledger });
    shared.set(id, p);
  }
  return p;
}

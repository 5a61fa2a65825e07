import { describe, expect, it } from 'vitest';
import { GAP_WITH_KEY_MS, GAP_WITHOUT_KEY_MS, Pacer, gapFor, sharedPacer } from '../../src/eutils/pacer.js';

/** A fake monotonic clock whose sleep advances time instantly, counting the sleeps. */
function fakeClock() {
  const clock = { t: 0, sleeps: 0 };
  return {
    clock,
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.sleeps++;
      clock.t += ms;
    },
  };
}

/** Start times of `n` calls made all at once, in the order they were granted. */
async function startsOf(pacer: Pacer, now: () => number, n: number): Promise<number[]> {
  const starts: number[] = [];
  await Promise.all(Array.from({ length: n }, () => pacer.wait().then(() => starts.push(now()))));
  return starts;
}

function maxStartsInWindow(starts: number[], windowMs: number): number {
  let best = 0;
  for (let i = 0; i < starts.length; i++) {
    const from = starts[i] ?? 0;
    best = Math.max(best, starts.filter((s) => s >= from && s < from + windowMs).length);
  }
  return best;
}

describe('gapFor', () => {
  it('is 370 ms without a key and 135 ms with one', () => {
    expect(gapFor()).toBe(370);
    expect(gapFor('')).toBe(370);
    expect(gapFor('abc123')).toBe(135);
    expect([GAP_WITHOUT_KEY_MS, GAP_WITH_KEY_MS]).toEqual([370, 135]);
  });
});

describe('Pacer with a fake clock', () => {
  it('without a key: 30 calls take at least 29 × 350 ms and never 4 starts in 1 s', async () => {
    const f = fakeClock();
    const pacer = new Pacer({ gapMs: gapFor(), now: f.now, sleep: f.sleep });
    const starts = await startsOf(pacer, f.now, 30);
    expect(starts).toHaveLength(30);
    expect((starts[29] ?? 0) - (starts[0] ?? 0)).toBeGreaterThanOrEqual(29 * 350);
    expect(maxStartsInWindow(starts, 1000)).toBeLessThanOrEqual(3);
    for (let i = 1; i < starts.length; i++) expect((starts[i] ?? 0) - (starts[i - 1] ?? 0)).toBeGreaterThanOrEqual(350);
  });

  it('with a key: never 11 starts in 1 s', async () => {
    const f = fakeClock();
    const pacer = new Pacer({ gapMs: gapFor('key'), now: f.now, sleep: f.sleep });
    const starts = await startsOf(pacer, f.now, 40);
    expect(maxStartsInWindow(starts, 1000)).toBeLessThanOrEqual(10);
    expect((starts[39] ?? 0) - (starts[0] ?? 0)).toBeGreaterThanOrEqual(39 * 110);
  });

  it('serialises concurrent callers in call order and sleeps once per waiting caller (no busy wait)', async () => {
    const f = fakeClock();
    const pacer = new Pacer({ gapMs: 350, now: f.now, sleep: f.sleep });
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3, 4].map((i) => pacer.wait().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(f.clock.sleeps).toBe(4);
    expect(f.clock.t).toBe(4 * 350);
  });

  it('does not wait when callers are already far enough apart', async () => {
    const f = fakeClock();
    const pacer = new Pacer({ gapMs: 350, now: f.now, sleep: f.sleep });
    await pacer.wait();
    f.clock.t += 1000;
    await pacer.wait();
    expect(f.clock.sleeps).toBe(0);
  });

  it('pause holds every later caller until the pause ends', async () => {
    const f = fakeClock();
    const pacer = new Pacer({ gapMs: 110, now: f.now, sleep: f.sleep });
    await pacer.wait();
    pacer.pause(2000);
    const starts = await startsOf(pacer, f.now, 2);
    expect(starts[0]).toBeGreaterThanOrEqual(2000);
    expect((starts[1] ?? 0) - (starts[0] ?? 0)).toBeGreaterThanOrEqual(110);
  });

  it('a failing sleep rejects that caller only', async () => {
    let t = 0;
    let fail = true;
    const pacer = new Pacer({
      gapMs: 100,
      now: () => t,
      sleep: async (ms) => {
        if (fail) {
          fail = false;
          throw new Error('boom');
        }
        t += ms;
      },
    });
    await pacer.wait();
    await expect(pacer.wait()).rejects.toThrow('boom');
    await expect(pacer.wait()).resolves.toBeUndefined();
  });
});

describe('Pacer with real timers', () => {
  it('spaces real starts by the gap', async () => {
    const pacer = new Pacer({ gapMs: 40 });
    const starts = await startsOf(pacer, () => performance.now(), 5);
    for (let i = 1; i < starts.length; i++) expect((starts[i] ?? 0) - (starts[i - 1] ?? 0)).toBeGreaterThanOrEqual(39.5);
  });

  it('sharedPacer returns one pacer per gap for the whole process', () => {
    expect(sharedPacer(350)).toBe(sharedPacer(350));
    expect(sharedPacer(110)).not.toBe(sharedPacer(350));
  });
});

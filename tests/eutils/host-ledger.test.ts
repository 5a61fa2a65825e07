import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HostLedger, defaultLedgerFile } from '../../src/eutils/host-ledger.js';
import { tempDir } from '../helpers.js';

describe('HostLedger: request starts shared across processes', () => {
  it('spaces the starts of two holders of the same file by the gap', () => {
    const file = path.join(tempDir(), 'pace.sqlite');
    const a = new HostLedger(file);
    const b = new HostLedger(file);
    const t = 1_800_000_000_000;
    expect(a.claim(350, t)).toBe(0);
    expect(b.claim(350, t + 10)).toBe(340);
    expect(a.claim(350, t + 20)).toBe(680);
    expect(b.claim(350, t + 5_000)).toBe(0);
    a.close();
    b.close();
  });

  it('shares a Retry-After pause', () => {
    const file = path.join(tempDir(), 'pace.sqlite');
    const a = new HostLedger(file);
    const b = new HostLedger(file);
    const t = 1_800_000_000_000;
    a.pause(2_000, t);
    expect(b.claim(350, t + 100)).toBe(1_900);
  });

  it('ignores a start claimed under another clock (faketime) instead of waiting for it', () => {
    const file = path.join(tempDir(), 'pace.sqlite');
    const future = new HostLedger(file);
    future.claim(350, Date.UTC(2030, 0, 1));
    expect(new HostLedger(file).claim(350, Date.UTC(2026, 10, 27))).toBe(0);
  });

  it('reads real time from the kernel, whatever the process clock says', () => {
    const l = new HostLedger(path.join(tempDir(), 'pace.sqlite'));
    expect(Math.abs(l.realNow() - Date.now())).toBeLessThan(1_000);
    const a = l.realNow();
    const b = l.realNow();
    expect(b).toBeGreaterThanOrEqual(a);
    l.close();
  });

  it('turns itself off when its file cannot be used, never blocking a search', () => {
    const dir = tempDir();
    const notADb = path.join(dir, 'pace.sqlite');
    fs.writeFileSync(notADb, 'this is not a database, and it is long enough to be read as a header');
    const l = new HostLedger(notADb);
    expect(l.claim(350)).toBe(0);
    expect(() => l.pause(1000)).not.toThrow();
  });

  it('lives in CLAIMWATCH_PACER_FILE, else the runtime dir, else tmp', () => {
    expect(defaultLedgerFile({ CLAIMWATCH_PACER_FILE: '/x/p.sqlite' })).toBe('/x/p.sqlite');
    expect(defaultLedgerFile({ XDG_RUNTIME_DIR: '/run/user/7' })).toMatch(/^\/run\/user\/7\/claimwatch-pacer-\d+\.sqlite$/);
  });
});

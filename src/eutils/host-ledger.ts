// Request starts shared by every claimwatch process on this machine. NCBI's limit is per IP address
// (or per key), not per process (EUTILS.md F12): a `fetch` started right after a `search`, or two
// libraries searched at once, must not add up to more than 3 (or 10) requests a second.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';

/** Where processes of this user share their request starts, unless CLAIMWATCH_PACER_FILE says otherwise. */
export function defaultLedgerFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CLAIMWATCH_PACER_FILE) return path.resolve(env.CLAIMWATCH_PACER_FILE);
  const dir = env.XDG_RUNTIME_DIR && path.isAbsolute(env.XDG_RUNTIME_DIR) ? env.XDG_RUNTIME_DIR : os.tmpdir();
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
  return path.join(dir, `claimwatch-pacer-${uid}.sqlite`);
}

/** A stored start further ahead than this cannot be real (a clock set back, a file copied): ignored. */
const CLOCK_SKEW_MS = 60_000;

/**
 * One row in a small SQLite file: the real time (see realNow) of the latest granted start and a shared
 * "not before" set by a server's Retry-After. Each claim is one short IMMEDIATE transaction.
 * Any failure of the file (permissions, a full disk) turns the ledger off: pacing then stays per
 * process, and a search is never stopped by its pacer.
 */
export class HostLedger {
  private db: Database.Database | null = null;
  private clockFd: number | null = null;
  private readonly byte = Buffer.from('.');

  constructor(private readonly file: string) {
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const db = new Database(file);
      db.pragma('busy_timeout = 5000');
      db.pragma('synchronous = OFF');
      db.exec('CREATE TABLE IF NOT EXISTS pace (id INTEGER PRIMARY KEY CHECK (id = 1), last_start REAL NOT NULL, not_before REAL NOT NULL)');
      db.exec('INSERT OR IGNORE INTO pace (id, last_start, not_before) VALUES (1, 0, 0)');
      this.db = db;
      this.clockFd = fs.openSync(`${file}.clock`, 'w');
    } catch {
      this.db?.close();
      this.db = null;
    }
  }

  /**
   * The machine's real time, read from the kernel: the modification time of a file just written.
   * Processes run under libfaketime (a week of nights simulated in a test, or one run with another
   * date) each see their own wall clock, but NCBI counts requests in real time, and the kernel
   * stamps files in real time for all of them. Falls back to Date.now().
   */
  realNow(): number {
    if (this.clockFd === null) return Date.now();
    try {
      fs.writeSync(this.clockFd, this.byte, 0, 1, 0);
      return fs.fstatSync(this.clockFd).mtimeMs;
    } catch {
      return Date.now();
    }
  }

  /**
   * Reserves the next start at least `gapMs` after the latest one any process reserved, and returns
   * how many milliseconds the caller must wait before starting its request.
   */
  claim(gapMs: number, now: number = this.realNow()): number {
    const db = this.db;
    if (!db) return 0;
    try {
      const row = db.transaction(() => {
        const r = db.prepare('SELECT last_start AS last, not_before AS notBefore FROM pace WHERE id = 1').get() as { last: number; notBefore: number };
        const last = r.last > now + CLOCK_SKEW_MS ? 0 : r.last;
        const notBefore = r.notBefore > now + CLOCK_SKEW_MS * 5 ? 0 : r.notBefore;
        const due = Math.max(now, last + gapMs, notBefore);
        db.prepare('UPDATE pace SET last_start = ? WHERE id = 1').run(due);
        return due;
      }).immediate();
      return Math.max(0, row - now);
    } catch {
      return 0;
    }
  }

  /** Holds every process's next start until `ms` from now (a Retry-After). */
  pause(ms: number, now: number = this.realNow()): void {
    if (!this.db || ms <= 0) return;
    try {
      this.db.prepare('UPDATE pace SET not_before = max(not_before, ?) WHERE id = 1').run(now + ms);
    } catch {
      // Per-process pacing still holds.
    }
  }

  close(): void {
    this.db?.close();
    this.db = null;
    if (this.clockFd !== null) fs.closeSync(this.clockFd);
    this.clockFd = null;
  }
}

import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS, type Migration } from './migrations.js';

export type Db = Database.Database;

/** How long a second process waits for a lock before giving up (ms): long enough to outlast the import of a whole NLM baseline file. */
const BUSY_TIMEOUT_MS = 60_000;

/** Opens the database file as it is, changing nothing in it; read-only when asked. */
export function connectDatabase(file: string, options: { readonly?: boolean } = {}): Db {
  if (file !== ':memory:' && !options.readonly) fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  return db;
}

/** Sets claimwatch's pragmas on a connection that may write: WAL, foreign keys, synchronous NORMAL. */
export function applyPragmas(db: Db): Db {
  // WAL lets a report or a tag run while a long search writes. An import in progress may hold the
  // library in rollback-journal mode (see withRollbackJournal); it puts WAL back when it ends.
  if (db.name !== ':memory:' && db.pragma('journal_mode', { simple: true }) !== 'wal') {
    setJournalMode(db, 'wal');
  }
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');
  return db;
}

/** Opens (creating if needed) the database at `file` with claimwatch's pragmas; does not migrate. */
export function openDatabase(file: string): Db {
  return applyPragmas(connectDatabase(file));
}

/** What a database file holds, judged before anything is written to it. */
export interface DatabaseKind {
  /** empty: no tables yet; claimwatch: a library; foreign: another application's database. */
  kind: 'empty' | 'claimwatch' | 'foreign';
  /** Schema steps recorded in the library that this version does not know (a newer claimwatch's). */
  unknown: string[];
}

/** A claimwatch schema step's name: four digits, an underscore, lower-case words. */
const STEP_NAME = /^\d{4}_[a-z0-9_]+$/;

/**
 * Tells a claimwatch library from an empty database and from another application's; lists the schema steps
 * a newer claimwatch recorded. A row in `migrations` that is not named like a claimwatch step is ignored.
 */
export function inspectDatabase(db: Db, migrations: readonly Migration[] = MIGRATIONS): DatabaseKind {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
  if (tables.length === 0) return { kind: 'empty', unknown: [] };
  if (!tables.includes('migrations')) return { kind: 'foreign', unknown: [] };
  const names = db.prepare('SELECT name FROM migrations').pluck().all() as unknown[];
  const first = migrations[0]?.name;
  if (!names.includes(first)) return { kind: 'foreign', unknown: [] };
  const known = new Set(migrations.map((m) => m.name));
  const unknown = names.filter((n): n is string => typeof n === 'string' && STEP_NAME.test(n) && !known.has(n)).sort();
  return { kind: 'claimwatch', unknown };
}

/** Applies every migration not yet recorded, each in one transaction with its record; returns their names. */
export function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS migrations (
    name TEXT PRIMARY KEY,
    applied_at TEXT NOT NULL
  ) STRICT`);
  const done = new Set(
    (db.prepare('SELECT name FROM migrations').all() as { name: string }[]).map((r) => r.name),
  );
  const applied: string[] = [];
  const record = db.prepare('INSERT INTO migrations (name, applied_at) VALUES (?, ?)');
  for (const m of migrations) {
    if (done.has(m.name)) continue;
    // PRAGMA foreign_keys is a no-op inside a transaction: it is set before the step's BEGIN.
    const keysWereOn = db.pragma('foreign_keys', { simple: true }) === 1;
    if (m.foreignKeysOff && keysWereOn) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        db.exec(m.sql);
        if (m.foreignKeysOff) {
          const broken = db.pragma('foreign_key_check') as { table: string; parent: string }[];
          if (broken.length) {
            throw new Error(`migration ${m.name} would leave ${broken.length} row(s) of ${broken[0]!.table} referencing no ${broken[0]!.parent}: nothing was changed`);
          }
        }
        record.run(m.name, new Date().toISOString());
      })();
    } finally {
      if (m.foreignKeysOff && keysWereOn) db.pragma('foreign_keys = ON');
    }
    applied.push(m.name);
  }
  return applied;
}

/** True when some migration has not been applied yet, judged by name (cheap: one read). */
export function needsMigration(db: Db, migrations: readonly Migration[] = MIGRATIONS): boolean {
  const exists = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'")
    .get();
  if (!exists) return true;
  const done = new Set(db.prepare('SELECT name FROM migrations').pluck().all() as unknown[]);
  return migrations.some((m) => !done.has(m.name));
}

/**
 * Switches the journal mode if no other connection is in the way; returns whether the library is now in
 * that mode. Leaving WAL needs the library to itself, so this does not wait for others (busy_timeout 0).
 */
export function setJournalMode(db: Db, mode: 'wal' | 'delete'): boolean {
  const timeout = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout = 0');
  try {
    return db.pragma(`journal_mode = ${mode}`, { simple: true }) === mode;
  } catch (e) {
    if ((e as { code?: string }).code === 'SQLITE_BUSY') return false;
    throw e;
  } finally {
    db.pragma(`busy_timeout = ${timeout}`);
  }
}

/**
 * Runs a bulk write with a rollback journal instead of the write-ahead log when the library is not in use
 * elsewhere: in WAL every page is written twice (to the log, then by the checkpoint into the file), and for
 * a baseline file of 1.5 GB that doubling was the largest single cost of the import. New pages appended to
 * the file need no journal at all, and the transaction stays atomic: a crash leaves a hot journal that the
 * next open rolls back. Synchronous is FULL meanwhile, as rollback mode needs for power-loss safety.
 * Readers that arrive meanwhile wait (busy_timeout) instead of reading alongside. If another connection has
 * the library open, the write simply runs in WAL.
 */
export async function withRollbackJournal<T>(db: Db, write: () => Promise<T>): Promise<T> {
  if (db.name === ':memory:' || !setJournalMode(db, 'delete')) return write();
  db.pragma('synchronous = FULL');
  try {
    return await write();
  } finally {
    db.pragma('synchronous = NORMAL');
    // Another process may be waiting on the library now; then the next one to open it alone restores WAL.
    setJournalMode(db, 'wal');
  }
}

/**
 * Descriptors flushAhead opened, by library path, kept open until the process exits. Closing *any*
 * descriptor of a file drops every POSIX lock the process holds on it, SQLite's included, so a close in the
 * middle of a transaction let other processes write into the import (https://sqlite.org/howtocorrupt.html,
 * section 2.2). The operating system closes them at exit, when SQLite's locks go too.
 */
const flushDescriptors = new Map<string, { fd: number; dev: number; ino: number }>();

/** A descriptor of the library file for fdatasync, opened once per file and process, never closed; null if none. */
function flushDescriptor(file: string): number | null {
  try {
    const now = fs.statSync(file);
    const held = flushDescriptors.get(file);
    if (held && held.dev === now.dev && held.ino === now.ino) return held.fd;
    // A new file at that path (a test's fresh library, say): the old descriptor stays open, unused.
    const fd = fs.openSync(file, 'r');
    const st = fs.fstatSync(fd);
    flushDescriptors.set(file, { fd, dev: st.dev, ino: st.ino });
    return fd;
  } catch {
    return null;
  }
}

/**
 * Starts writing the library's new pages to disk while the import goes on, instead of all at the commit:
 * the kernel holds back writeback until a tenth of memory is dirty, so the commit's fsync of a 1.5 GB
 * import waited about a second for the whole file. The writer calls kick() every so often and settle()
 * before it commits. fdatasync runs on libuv's thread pool; it changes nothing SQLite relies on (it only
 * makes data durable sooner). At most one runs at a time. The descriptor is never closed (see
 * flushDescriptors).
 */
export function flushAhead(db: Db): { kick: () => void; settle: () => Promise<void> } {
  const fd = db.name === ':memory:' ? null : flushDescriptor(path.resolve(db.name));
  let running: Promise<void> | null = null;
  return {
    kick: () => {
      if (fd === null || running) return;
      running = new Promise<void>((resolve) => fs.fdatasync(fd, () => resolve())).then(() => void (running = null));
    },
    settle: async () => {
      await running;
    },
  };
}

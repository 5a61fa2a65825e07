import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS, type Migration } from './migrations.js';

export type Db = Database.Database;

/** How long a second process waits for a lock before giving up (ms): long enough to outlast the import of a whole NLM baseline file. */
const BUSY_TIMEOUT_MS = 60_000;

/** Opens (creating if needed) the database at `file` with claimwatch's pragmas; does not migrate. */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file);
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  // WAL lets a report or a tag run while a long import or search writes.
  if (file !== ':memory:' && db.pragma('journal_mode', { simple: true }) !== 'wal') {
    db.pragma('journal_mode = WAL');
  }
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');
  return db;
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
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.name, new Date().toISOString());
    })();
    applied.push(m.name);
  }
  return applied;
}

/** True when some migration has not been applied yet (cheap: one read). */
export function needsMigration(db: Db, migrations: readonly Migration[] = MIGRATIONS): boolean {
  const exists = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'")
    .get();
  if (!exists) return true;
  const n = (db.prepare('SELECT count(*) AS n FROM migrations').get() as { n: number }).n;
  return n < migrations.length;
}

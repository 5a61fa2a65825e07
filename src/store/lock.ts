import Database from 'better-sqlite3';

/** A held lock; release() is idempotent. */
export interface Lock {
  release(): void;
}

/** The lock file that sits beside a library. */
export function lockPathFor(dbPath: string): string {
  return `${dbPath}.lock`;
}

/**
 * Takes the "one search per database" lock, or returns null when another process holds it.
 *
 * The lock is an exclusive transaction on a small SQLite file beside the library. SQLite's file
 * locks belong to the process, so the operating system drops them when the process ends, even
 * under SIGKILL: a killed search never leaves a stale lock behind. The library itself is not
 * locked, so tagging from another terminal goes on during a search.
 */
export function tryLock(file: string): Lock | null {
  const db = new Database(file);
  try {
    db.pragma('busy_timeout = 0');
    db.pragma('journal_mode = DELETE');
    db.exec('CREATE TABLE IF NOT EXISTS lock (id INTEGER PRIMARY KEY)');
    db.exec('BEGIN EXCLUSIVE');
  } catch (e) {
    db.close();
    if ((e as { code?: string }).code === 'SQLITE_BUSY') return null;
    throw e;
  }
  let held = true;
  return {
    release(): void {
      if (!held) return;
      held = false;
      try {
        db.exec('ROLLBACK');
      } finally {
        db.close();
      }
    },
  };
}

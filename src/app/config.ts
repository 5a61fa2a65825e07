import path from 'node:path';
import { UsageError } from '../errors.js';
import { hasControlCharacter } from '../evidence/claims.js';
import { lockPathFor } from '../store/lock.js';

/** Where the database lives: flag, then CLAIMWATCH_DB, then $XDG_DATA_HOME/claimwatch, then ~/.local/share/claimwatch. */
export function resolveDbPath(flag: string | undefined, env: NodeJS.ProcessEnv, home: string): string {
  // An empty value is a mistake (an unset shell variable in `--db "$LIB"`), not a request for the default library.
  if (flag !== undefined) {
    if (!flag.trim()) throw new UsageError('--db is empty: give the library file, e.g. --db lab.db, or leave --db out for the default');
    return path.resolve(flag);
  }
  if (env.CLAIMWATCH_DB !== undefined) {
    if (!env.CLAIMWATCH_DB.trim()) throw new UsageError('CLAIMWATCH_DB is empty: set it to the library file, or unset it (unset CLAIMWATCH_DB) for the default');
    return path.resolve(env.CLAIMWATCH_DB);
  }
  const dataHome = env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME)
    ? env.XDG_DATA_HOME
    : path.join(home, '.local', 'share');
  return path.join(dataHome, 'claimwatch', 'claimwatch.db');
}

/** A file SQLite or claimwatch keeps beside the library, with what it is for the user. */
export interface LibraryFile {
  path: string;
  /** null for the library itself. */
  role: string | null;
}

/** The library and every file that belongs to it: its WAL, shared-memory index, rollback journal and the search lock (with the lock's own journal files). */
export function libraryFiles(dbPath: string): LibraryFile[] {
  const lock = lockPathFor(dbPath);
  return [
    { path: dbPath, role: null },
    { path: `${dbPath}-wal`, role: 'write-ahead log' },
    { path: `${dbPath}-shm`, role: 'shared-memory index' },
    { path: `${dbPath}-journal`, role: 'rollback journal' },
    { path: lock, role: 'search lock' },
    { path: `${lock}-journal`, role: 'search lock journal' },
    { path: `${lock}-wal`, role: 'search lock journal' },
    { path: `${lock}-shm`, role: 'search lock journal' },
  ];
}

/** Who is tagging: flag, then CLAIMWATCH_REVIEWER, then the login name. */
export function resolveReviewer(flag: string | undefined, env: NodeJS.ProcessEnv, login: string): string {
  if (flag !== undefined && !flag.trim()) throw new UsageError('--reviewer is empty: give a name, e.g. --reviewer ann');
  // A name is printed on every `log`, `history` and report line: a newline in it would forge a line,
  // an escape would reach the terminal of everyone who reads the library.
  if (flag !== undefined && hasControlCharacter(flag.trim())) {
    throw new UsageError('--reviewer contains a control character (a newline, tab or escape): give a plain name, e.g. --reviewer ann');
  }
  if (flag === undefined && env.CLAIMWATCH_REVIEWER !== undefined && hasControlCharacter(env.CLAIMWATCH_REVIEWER.trim())) {
    throw new UsageError('CLAIMWATCH_REVIEWER contains a control character (a newline, tab or escape): set it to a plain name, e.g. CLAIMWATCH_REVIEWER=ann');
  }
  const name = (flag ?? (env.CLAIMWATCH_REVIEWER?.trim() || login)).trim();
  return name || 'unknown';
}

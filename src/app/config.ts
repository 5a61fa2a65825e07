import path from 'node:path';
import { UsageError } from '../errors.js';

/** Where the database lives: flag, then CLAIMWATCH_DB, then $XDG_DATA_HOME/claimwatch, then ~/.local/share/claimwatch. */
export function resolveDbPath(flag: string | undefined, env: NodeJS.ProcessEnv, home: string): string {
  if (flag) return path.resolve(flag);
  if (env.CLAIMWATCH_DB) return path.resolve(env.CLAIMWATCH_DB);
  const dataHome = env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME)
    ? env.XDG_DATA_HOME
    : path.join(home, '.local', 'share');
  return path.join(dataHome, 'claimwatch', 'claimwatch.db');
}

/** Who is tagging: flag, then CLAIMWATCH_REVIEWER, then the login name. */
export function resolveReviewer(flag: string | undefined, env: NodeJS.ProcessEnv, login: string): string {
  if (flag !== undefined && !flag.trim()) throw new UsageError('--reviewer is empty: give a name, e.g. --reviewer ann');
  const name = (flag ?? (env.CLAIMWATCH_REVIEWER?.trim() || login)).trim();
  return name || 'unknown';
}

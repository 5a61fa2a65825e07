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

// C0 controls (newline and tab included), DEL and C1 controls.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Who is tagging: flag, then CLAIMWATCH_REVIEWER, then the login name. */
export function resolveReviewer(flag: string | undefined, env: NodeJS.ProcessEnv, login: string): string {
  if (flag !== undefined && !flag.trim()) throw new UsageError('--reviewer is empty: give a name, e.g. --reviewer ann');
  // A name is printed on every `log`, `history` and report line: a newline in it would forge a line,
  // an escape would reach the terminal of everyone who reads the library.
  if (flag !== undefined && CONTROL.test(flag.trim())) {
    throw new UsageError('--reviewer contains a control character (a newline, tab or escape): give a plain name, e.g. --reviewer ann');
  }
  if (flag === undefined && env.CLAIMWATCH_REVIEWER !== undefined && CONTROL.test(env.CLAIMWATCH_REVIEWER.trim())) {
    throw new UsageError('CLAIMWATCH_REVIEWER contains a control character (a newline, tab or escape): set it to a plain name, e.g. CLAIMWATCH_REVIEWER=ann');
  }
  const name = (flag ?? (env.CLAIMWATCH_REVIEWER?.trim() || login)).trim();
  return name || 'unknown';
}

import os from 'node:os';
import type { Db } from '../store/db.js';
import { openLibrary } from '../app/store.js';
import { resolveDbPath, resolveReviewer } from '../app/config.js';
import type { Colouriser } from '../report/colour.js';
import type { CliIO } from './output.js';

/** What every command gets: its IO, where the library is, and how to colour. */
export interface Context {
  io: CliIO;
  dbPath: string;
  colour: Colouriser;
  /** Opens the library (created and seeded on first use); the caller closes it. */
  open(): Db;
  reviewer(flag: string | undefined): string;
}

function loginName(env: NodeJS.ProcessEnv): string {
  try {
    return os.userInfo().username;
  } catch {
    return env.USER ?? env.LOGNAME ?? 'unknown';
  }
}

/** Builds the context from the global flags and the environment. */
export function makeContext(io: CliIO, dbFlag: string | undefined, colour: Colouriser): Context {
  const dbPath = resolveDbPath(dbFlag, io.env, io.env.HOME ?? os.homedir());
  return {
    io,
    dbPath,
    colour,
    open: () => openLibrary(dbPath, io.now),
    reviewer: (flag) => resolveReviewer(flag, io.env, loginName(io.env)),
  };
}

/** Runs `fn` with the library open and always closes it. */
export async function withLibrary<T>(ctx: Context, fn: (db: Db) => T | Promise<T>): Promise<T> {
  const db = ctx.open();
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { recentRuns } from '../../app/queries.js';
import type { RunRow } from '../../evidence/views.js';
import { buildSchedule, DEFAULT_AT, parseAt, renderSchedule, type Schedule } from '../../app/schedule.js';
import { renderRuns } from '../../report/search-views.js';
import { printJson } from '../output.js';
import { withLibrary, type Context } from '../context.js';
import { parseLimit } from './papers.js';

/** `claimwatch runs`: the run log, newest first. */
export async function runsCommand(ctx: Context, opts: { json?: boolean; limit?: string }): Promise<RunRow[]> {
  const limit = parseLimit(opts.limit) ?? 20;
  const runs = await withLibrary(ctx, (db) => recentRuns(db, limit));
  if (opts.json) printJson(ctx.io, runs);
  else ctx.io.stdout(renderRuns(runs, ctx.colour));
  return runs;
}

/** `claimwatch schedule`: prints, never installs, a nightly job with absolute paths. */
export async function scheduleCommand(ctx: Context, opts: { at?: string; json?: boolean }): Promise<Schedule> {
  const at = parseAt(opts.at ?? DEFAULT_AT);
  const cli = path.resolve(fileURLToPath(new URL('../../../bin/claimwatch.js', import.meta.url)));
  const s = buildSchedule({
    node: process.execPath, cli, db: ctx.dbPath, at, email: (ctx.io.env.NCBI_EMAIL ?? '').trim() || undefined,
    now: new Date(ctx.io.now()), localZone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
  });
  if (opts.json) printJson(ctx.io, s);
  else ctx.io.stdout(renderSchedule(s));
  return s;
}

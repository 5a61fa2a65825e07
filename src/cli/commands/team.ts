import { readCalendarDate } from '../../evidence/dates.js';
import { agreementFromLibrary, conflictsFromLibrary, teamLog, type LogEntry } from '../../app/team.js';
import { parseReviewerPair, type Agreement, type Conflict } from '../../evidence/agreement.js';
import { renderAgreement, renderConflicts, renderLog } from '../../report/team-views.js';
import { UsageError } from '../../errors.js';
import { printJson } from '../output.js';
import { withLibrary, type Context } from '../context.js';
import { parseLimit } from './papers.js';

/** Parses a --since date, YYYY-MM-DD or YYYY/MM/DD, into YYYY-MM-DD; throws UsageError for anything else. */
export function parseDay(input: string): string {
  const day = readCalendarDate(input);
  if (day === null) throw new UsageError(`--since takes a date as YYYY-MM-DD or YYYY/MM/DD, such as 2025-01-31, not '${input}'`);
  return day;
}

/** `claimwatch agreement --reviewers A,B [--claim ID]`: Cohen's kappa on stance. */
export async function agreementCommand(ctx: Context, opts: { reviewers: string; claim?: string; json?: boolean }): Promise<Agreement> {
  const reviewers = parseReviewerPair(opts.reviewers);
  const result = await withLibrary(ctx, (db) => agreementFromLibrary(db, { reviewers, claim: opts.claim }));
  if (opts.json) printJson(ctx.io, result);
  else ctx.io.stdout(renderAgreement(result, ctx.colour));
  return result;
}

/** `claimwatch conflicts [--claim ID]`: papers and claims on which reviewers' stances differ. */
export async function conflictsCommand(ctx: Context, opts: { claim?: string; json?: boolean }): Promise<Conflict[]> {
  const list = await withLibrary(ctx, (db) => conflictsFromLibrary(db, { claim: opts.claim }));
  if (opts.json) printJson(ctx.io, list);
  else ctx.io.stdout(renderConflicts(list, ctx.colour));
  return list;
}

/** `claimwatch log [--since DATE] [--reviewer NAME] [--limit N]`: changes to tags, dismissals and claims, newest first. */
export async function logCommand(
  ctx: Context,
  opts: { since?: string; reviewer?: string; limit?: string; json?: boolean },
): Promise<LogEntry[]> {
  const since = opts.since !== undefined ? parseDay(opts.since) : undefined;
  const limit = parseLimit(opts.limit);
  const entries = await withLibrary(ctx, (db) => teamLog(db, { since, reviewer: opts.reviewer, limit }));
  if (opts.json) printJson(ctx.io, entries);
  else ctx.io.stdout(renderLog(entries, ctx.colour));
  return entries;
}

import { findPapers, paperHistory, rankedInbox, showPaper, type PaperView, type RankedInbox } from '../../app/library.js';
import { parseStatusFilter } from '../../app/integrity.js';
import { parseOrder } from '../../app/screening.js';
import { estimateText } from '../../report/triage-views.js';
import { visibleText } from '../../report/visible.js';
import { parsePmid } from '../../evidence/claims.js';
import type { PaperFilter } from '../../store/library.js';
import type { HistoryEntry } from '../../store/history.js';
import { renderHistory, renderPaper, renderPaperList } from '../../report/views.js';
import { UsageError } from '../../errors.js';
import { printJson } from '../output.js';
import { withLibrary, type Context } from '../context.js';

/** Parses a --limit value: a positive whole number that a double holds exactly (SQLite's LIMIT takes it as is). */
export function parseLimit(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^[0-9]+$/.test(v) || n < 1 || !Number.isSafeInteger(n)) {
    throw new UsageError(`--limit takes a positive whole number up to ${Number.MAX_SAFE_INTEGER}, not '${v}'`);
  }
  return n;
}

/** `claimwatch show PMID`. */
export async function showCommand(ctx: Context, pmidArg: string, opts: { json?: boolean }): Promise<PaperView> {
  const pmid = parsePmid(pmidArg);
  const paper = await withLibrary(ctx, (db) => showPaper(db, pmid));
  if (opts.json) printJson(ctx.io, paper);
  else ctx.io.stdout(renderPaper(paper, ctx.colour, Math.min(ctx.io.columns, 100)));
  return paper;
}

/** `claimwatch inbox`: papers neither tagged nor dismissed, most likely to matter first (or newest first), with the stopping advice. */
export async function inboxCommand(ctx: Context, opts: { json?: boolean; limit?: string; order?: string }): Promise<RankedInbox> {
  const limit = parseLimit(opts.limit);
  const order = parseOrder(opts.order);
  const inbox = await withLibrary(ctx, (db) => rankedInbox(db, { order, limit }));
  if (opts.json) {
    printJson(ctx.io, inbox.papers);
    return inbox;
  }
  ctx.io.stdout(renderPaperList(inbox.papers, ctx.colour, 'The inbox is empty: every paper is tagged or dismissed.'));
  if (inbox.estimate) {
    const how = inbox.order === 'ranked' ? 'Most likely to matter first (ranked by the decisions so far)' : 'Newest first (the ranking starts after one tag and one dismissal)';
    ctx.io.stdout(visibleText(`${how}. Screening: ${estimateText(inbox.estimate)}`));
  }
  return inbox;
}

/** `claimwatch papers [--tagged | --untagged | --dismissed] [--claim ID]`. */
export async function papersCommand(
  ctx: Context,
  opts: { tagged?: boolean; untagged?: boolean; dismissed?: boolean; claim?: string; json?: boolean; limit?: string; status?: string },
): Promise<PaperView[]> {
  const chosen = (['tagged', 'untagged', 'dismissed'] as const).filter((k) => opts[k]);
  if (chosen.length > 1) throw new UsageError(`--${chosen.join(' and --')} cannot be combined: choose one`);
  const filter: PaperFilter = chosen[0] ?? 'all';
  const limit = parseLimit(opts.limit);
  const status = opts.status === undefined ? undefined : parseStatusFilter(opts.status);
  const papers = await withLibrary(ctx, (db) => findPapers(db, { filter, claim: opts.claim, limit, status }));
  if (opts.json) printJson(ctx.io, papers);
  else ctx.io.stdout(renderPaperList(papers, ctx.colour, 'No papers match.'));
  return papers;
}

/** `claimwatch history PMID`. */
export async function historyCommand(ctx: Context, pmidArg: string, opts: { json?: boolean }): Promise<HistoryEntry[]> {
  const pmid = parsePmid(pmidArg);
  const entries = await withLibrary(ctx, (db) => paperHistory(db, pmid));
  if (opts.json) printJson(ctx.io, entries);
  else ctx.io.stdout(renderHistory(entries, ctx.colour, `No history for PMID ${pmid} yet.`));
  return entries;
}

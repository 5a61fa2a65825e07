import fs from 'node:fs';
import { makeClient, NO_EMAIL_WARNING, resolveEutilsSettings, runSearch, type SearchProgress, type SearchSummary } from '../../app/search.js';
import { checkIntegrity, crossrefLedgerFile, makeCrossrefClient, resolveCrossrefSettings } from '../../app/integrity.js';
import { fetchPmids, parsePmids, readPmidFile, type FetchSummary } from '../../app/fetch.js';
import { readShippedQueries } from '../../app/store.js';
import { entrezDate, parseSince } from '../../evidence/search-window.js';
import { UsageError } from '../../errors.js';
import { defaultLedgerFile } from '../../eutils/index.js';
import { renderFetchSummary, renderProgress, renderSearchSummary } from '../../report/search-views.js';
import { visibleText } from '../../report/visible.js';
import { printJson } from '../output.js';
import { withLibrary, type Context } from '../context.js';

interface NetOpts {
  email?: string;
  apiKey?: string;
  json?: boolean;
}

/** Titles are cut to the terminal's width; in a pipe or a cron mail they are printed whole. */
function titleWidth(ctx: Context): number {
  return ctx.io.isTTY ? Math.max(60, ctx.io.columns) : Number.POSITIVE_INFINITY;
}

/** A progress bar on stderr, only when a person is watching it. */
function progressFor(ctx: Context): ((p: SearchProgress) => void) | undefined {
  return ctx.io.stderrIsTTY ? (p) => ctx.io.progress(renderProgress(p)) : undefined;
}

/** `claimwatch search`: exit 0 when every search succeeded, 1 when any failed (what succeeded is kept). */
export async function searchCommand(
  ctx: Context, opts: NetOpts & { query?: string; since?: string; dryRun?: boolean },
): Promise<{ summary: SearchSummary; exitCode: number }> {
  // Everything the user typed is checked before the library is opened or the network touched.
  const settings = resolveEutilsSettings(opts, ctx.io.env);
  const crossref = resolveCrossrefSettings(opts, ctx.io.env);
  const today = entrezDate(new Date(ctx.io.now()));
  const since = opts.since === undefined ? undefined : parseSince(opts.since, today);
  if (opts.query !== undefined && !fs.existsSync(ctx.dbPath) && !readShippedQueries().some((q) => q.name === opts.query)) {
    throw new UsageError(`no saved search named ${JSON.stringify(opts.query)}: choose one of ${readShippedQueries().map((q) => q.name).join(', ')}`);
  }
  if (!settings.email) ctx.io.stderr(NO_EMAIL_WARNING);
  const progress = progressFor(ctx);
  const summary = await withLibrary(ctx, (db) => runSearch(db, ctx.dbPath, makeClient(settings, defaultLedgerFile(ctx.io.env)), {
    query: opts.query, since, dryRun: opts.dryRun, today, now: ctx.io.now, onProgress: progress,
    integrity: (db) => checkIntegrity(db, makeCrossrefClient(crossref, crossrefLedgerFile(ctx.io.env)), {
      now: ctx.io.now, onProgress: progress ? (done, total) => progress({ label: 'tagged papers: Crossref', done, total }) : undefined,
    }),
  }));
  if (progress) ctx.io.progress('');
  const unreachableOnly = summary.error !== null && summary.searches.every((s) => !s.ok);
  if (opts.json) printJson(ctx.io, summary);
  else if (!unreachableOnly) ctx.io.stdout(renderSearchSummary(summary, ctx.colour, titleWidth(ctx)));
  if (!summary.ok) {
    const reason = summary.error
      ? `${summary.error}; nothing was lost: the next run covers this one`
      : `${summary.searches.filter((s) => !s.ok).length + (summary.readingList?.ok === false ? 1 : 0) + (summary.refresh?.ok === false ? 1 : 0) + (summary.integrity?.ok === false ? 1 : 0)} part(s) of the run failed (see above); what succeeded is saved and the next run covers the rest`;
    ctx.io.stderr(`Error: ${visibleText(reason)}`);
  }
  return { summary, exitCode: summary.ok ? 0 : 1 };
}

/** `claimwatch fetch PMID... [--file FILE]`. */
export async function fetchCommand(ctx: Context, args: string[], opts: NetOpts & { file?: string }): Promise<{ summary: FetchSummary; exitCode: number }> {
  const settings = resolveEutilsSettings(opts, ctx.io.env);
  const pmids = parsePmids([...args, ...(opts.file !== undefined ? readPmidFile(opts.file) : [])]);
  if (!settings.email) ctx.io.stderr(NO_EMAIL_WARNING);
  const summary = await withLibrary(ctx, (db) => fetchPmids(db, ctx.dbPath, makeClient(settings, defaultLedgerFile(ctx.io.env)), pmids, ctx.io.now));
  if (opts.json) printJson(ctx.io, summary);
  else if (summary.added.length || summary.updated || summary.unchanged || summary.notReturned.length) {
    ctx.io.stdout(renderFetchSummary(summary, ctx.colour, titleWidth(ctx)));
  }
  if (!summary.ok) ctx.io.stderr(`Error: ${visibleText(String(summary.error))}`);
  return { summary, exitCode: summary.ok ? 0 : 1 };
}

import fs from 'node:fs';
import { exportTagEvents, importTagEvents, readTagEvents, type ImportEventsSummary } from '../../app/exchange.js';
import { prepareOut, printJson } from '../output.js';
import { withLibrary, type Context } from '../context.js';

/** `claimwatch tags export [--reviewer NAME] [--out FILE]`: JSON lines, one tagging event per line. */
export async function tagsExportCommand(ctx: Context, opts: { reviewer?: string; out?: string }): Promise<number> {
  const reviewer = opts.reviewer !== undefined ? ctx.reviewer(opts.reviewer) : undefined;
  const out = prepareOut(opts.out, ctx.dbPath);
  const events = await withLibrary(ctx, (db) => exportTagEvents(db, reviewer));
  const text = events.map((e) => JSON.stringify(e)).join('\n') + (events.length ? '\n' : '');
  if (out) {
    out.write(text);
    ctx.io.stderr(`wrote ${events.length} event(s) to ${out.path}`);
  } else if (text) {
    ctx.io.stdout(text);
  }
  return events.length;
}

/** `claimwatch tags import FILE`: merges another library's tagging events; safe to repeat. */
export async function tagsImportCommand(ctx: Context, file: string, opts: { json?: boolean }): Promise<ImportEventsSummary> {
  // The whole file is checked before the library is opened, so a bad file changes nothing.
  const events = readTagEvents(file, () => fs.readFileSync(0, 'utf8'));
  const summary = await withLibrary(ctx, (db) => importTagEvents(db, events, ctx.io.now()));
  if (opts.json) printJson(ctx.io, summary);
  else {
    ctx.io.stdout(`${summary.read} event(s) read: ${summary.added} new, ${summary.alreadyKnown} already here` +
      (summary.added ? `; ${summary.tags} tag(s) and ${summary.dismissals} dismissal(s) brought up to date (reviewers: ${summary.reviewers.join(', ')})` : ''));
  }
  return summary;
}

import { reparseLibrary } from '../../app/reparse.js';
import type { ReparseSummary } from '../../evidence/reparse.js';
import { renderReparseSummary } from '../../report/reparse-view.js';
import { printJson } from '../output.js';
import { withLibrary, type Context } from '../context.js';

/** `claimwatch reparse [--dry-run]`: returns the summary; exit 1 when some record no longer parses. */
export async function reparseCommand(ctx: Context, opts: { dryRun?: boolean; json?: boolean }): Promise<{ summary: ReparseSummary; exitCode: number }> {
  const progress = ctx.io.stderrIsTTY ? (n: number): void => ctx.io.progress(`reparse: ${n.toLocaleString('en')} records read`) : undefined;
  const summary = await withLibrary(ctx, (db) => reparseLibrary(db, { dryRun: opts.dryRun ?? false, now: ctx.io.now, onProgress: progress }));
  if (progress) ctx.io.progress('');
  if (opts.json) printJson(ctx.io, summary);
  else ctx.io.stdout(renderReparseSummary(summary, ctx.colour));
  if (summary.failed) {
    ctx.io.stderr(`Error: ${summary.failed} stored record${summary.failed === 1 ? ' no longer parses' : 's no longer parse'} with today's parser and ${summary.failed === 1 ? 'was' : 'were'} left as stored: the summary names them; please report them as a parser bug`);
  }
  return { summary, exitCode: summary.failed ? 1 : 0 };
}

import {
  checkIntegrity, importRetractionWatch, crossrefLedgerFile, makeCrossrefClient, resolveCrossrefSettings,
  type IntegrityCheckOutcome, type IntegrityImportOutcome,
} from '../../app/integrity.js';
import { lockLibrary } from '../../app/search.js';
import { renderIntegrityCheck, renderIntegrityImport } from '../../report/integrity-views.js';
import { visibleText } from '../../report/visible.js';
import { printJson } from '../output.js';
import { withLibrary, type Context } from '../context.js';

/** `claimwatch integrity check [--all]`: exit 0 when Crossref answered for every paper, 1 otherwise (what was checked is kept). */
export async function integrityCheckCommand(
  ctx: Context, opts: { all?: boolean; email?: string; json?: boolean },
): Promise<{ outcome: IntegrityCheckOutcome; exitCode: number }> {
  const settings = resolveCrossrefSettings(opts, ctx.io.env);
  const outcome = await withLibrary(ctx, async (db) => {
    const lock = lockLibrary(db, ctx.dbPath);
    try {
      return await checkIntegrity(db, makeCrossrefClient(settings, crossrefLedgerFile(ctx.io.env)), {
        all: opts.all, now: ctx.io.now,
        onProgress: ctx.io.stderrIsTTY ? (done, total) => ctx.io.progress(`Crossref: ${done}/${total}`) : undefined,
      });
    } finally {
      lock.release();
    }
  });
  if (ctx.io.stderrIsTTY) ctx.io.progress('');
  if (opts.json) printJson(ctx.io, outcome);
  else ctx.io.stdout(renderIntegrityCheck(outcome, ctx.colour));
  if (!outcome.ok) ctx.io.stderr(`Error: ${visibleText(String(outcome.error))}`);
  return { outcome, exitCode: outcome.ok ? 0 : 1 };
}

/** `claimwatch integrity import FILE.csv`. */
export async function integrityImportCommand(ctx: Context, file: string, opts: { json?: boolean }): Promise<IntegrityImportOutcome> {
  const outcome = await withLibrary(ctx, (db) => importRetractionWatch(db, file, ctx.io.now));
  if (opts.json) printJson(ctx.io, outcome);
  else ctx.io.stdout(renderIntegrityImport(outcome, ctx.colour));
  return outcome;
}

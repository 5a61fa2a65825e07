import { importFiles, type ImportSummary } from '../../app/import.js';
import { renderImportSummary } from '../../report/views.js';
import { printJson } from '../output.js';
import { withLibrary, type Context } from '../context.js';

/** `claimwatch import FILE...`: returns the summary; exit 1 when any file failed. */
export async function importCommand(ctx: Context, files: string[], opts: { json?: boolean }): Promise<{ summary: ImportSummary; exitCode: number }> {
  const summary = await withLibrary(ctx, (db) => importFiles(db, files, ctx.io.now));
  for (const f of summary.files) if (!f.ok) ctx.io.stderr(`Error: ${f.file}: ${f.error} (nothing from this file was imported)`);
  if (opts.json) printJson(ctx.io, summary);
  else ctx.io.stdout(renderImportSummary(summary, ctx.colour));
  return { summary, exitCode: summary.failed ? 1 : 0 };
}

import { importFiles, type ImportSummary } from '../../app/import.js';
import { renderImportSummary } from '../../report/views.js';
import { printJson } from '../output.js';
import { withLibrary, type Context } from '../context.js';

/** `claimwatch import FILE...`: returns the summary; exit 1 when any file failed. */
export async function importCommand(ctx: Context, files: string[], opts: { json?: boolean }): Promise<{ summary: ImportSummary; exitCode: number }> {
  // Progress goes to stderr, and only when a person is watching.
  const progress = ctx.io.stderrIsTTY
    ? (file: string, n: number): void => ctx.io.progress(`importing ${file}: ${n.toLocaleString('en')} records`)
    : undefined;
  const summary = await withLibrary(ctx, (db) => importFiles(db, files, ctx.io.now, progress));
  if (progress) ctx.io.progress('');
  for (const f of summary.files) if (!f.ok) ctx.io.stderr(`Error: ${f.file}: ${f.error} (nothing from this file was imported)`);
  if (opts.json) printJson(ctx.io, summary);
  else ctx.io.stdout(renderImportSummary(summary, ctx.colour));
  return { summary, exitCode: summary.failed ? 1 : 0 };
}

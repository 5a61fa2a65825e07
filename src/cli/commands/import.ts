import { importFiles, type ImportSummary, type ImportThreads } from '../../app/import.js';
import { UsageError } from '../../errors.js';
import { renderImportSummary } from '../../report/views.js';
import { visibleText } from '../../report/visible.js';
import { printJson } from '../output.js';
import { withLibrary, type Context } from '../context.js';

/**
 * Files with fewer records than this, and less text than THREADS_AFTER_BYTES, are read on the main thread
 * unless --threads is given. 4 MiB is 250-300 full PubMed records: a 20,000-record file read its first
 * 2,000 records on the main thread, a tenth of the file at half the speed. A file that big on disk starts
 * them at its first record (20,000 records: 2.0-2.1 s -> 1.9 s).
 */
const THREADS_AFTER = 2000;
const THREADS_AFTER_BYTES = 4 * 2 ** 20;

/** --threads: a whole number from 0 to 16; by default one per core beyond the first, for big files only. */
async function parseThreads(v: string | undefined): Promise<ImportThreads> {
  if (v === undefined) {
    const { defaultThreads } = await import('../../app/import-pool.js');
    return { threads: defaultThreads(), after: THREADS_AFTER, afterBytes: THREADS_AFTER_BYTES, upFrontBytes: THREADS_AFTER_BYTES };
  }
  if (!/^[0-9]+$/.test(v) || Number(v) > 16) throw new UsageError(`--threads takes a whole number from 0 to 16, not '${v}'`);
  return { threads: Number(v), after: 0 };
}

/** `claimwatch import FILE...`: returns the summary; exit 1 when any file failed. */
export async function importCommand(
  ctx: Context,
  files: string[],
  opts: { json?: boolean; threads?: string; labels?: boolean; reviewer?: string },
): Promise<{ summary: ImportSummary; exitCode: number }> {
  if (opts.reviewer !== undefined && !opts.labels) {
    throw new UsageError('--reviewer names whom the decisions of --labels are recorded for: add --labels, or leave --reviewer out');
  }
  const labels = opts.labels ? { reviewer: ctx.reviewer(opts.reviewer) } : null;
  const threads = { ...(await parseThreads(opts.threads)), labels };
  // Progress goes to stderr, and only when a person is watching.
  const progress = ctx.io.stderrIsTTY
    ? (file: string, n: number): void => ctx.io.progress(`importing ${file}: ${n.toLocaleString('en')} records`)
    : undefined;
  const summary = await withLibrary(ctx, (db) => importFiles(db, files, ctx.io.now, progress, threads));
  if (progress) ctx.io.progress('');
  for (const f of summary.files) if (!f.ok) ctx.io.stderr(`Error: ${visibleText(`${f.file}: ${f.error}`)} (nothing from this file was imported)`);
  if (opts.json) printJson(ctx.io, summary);
  else ctx.io.stdout(renderImportSummary(summary, ctx.colour));
  return { summary, exitCode: summary.failed ? 1 : 0 };
}

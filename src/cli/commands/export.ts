import { selectExport } from '../../app/export.js';
import { parseStance } from '../../evidence/claims.js';
import { EXPORT_FORMATS, lookupFormat, renderExport, type ExportFormat } from '../../export/formats.js';
import { UsageError } from '../../errors.js';
import { prepareOut } from '../output.js';
import { withLibrary, type Context } from '../context.js';

/** What `export` wrote. */
export interface ExportResult {
  format: ExportFormat;
  claim: string | null;
  stance: string | null;
  papers: number;
}

/** `claimwatch export --format F [--claim ID] [--stance S] [--out FILE]`: a bibliography that keeps the tags. */
export async function exportCommand(
  ctx: Context,
  opts: { format?: string; claim?: string; stance?: string; out?: string },
): Promise<ExportResult> {
  // Everything that can be checked without the library is checked before it is opened.
  const format = lookupFormat(opts.format ?? '');
  if (!format) throw new UsageError(`unknown format '${opts.format ?? ''}': use ${EXPORT_FORMATS.join(', ')}`);
  if (opts.stance !== undefined && opts.claim === undefined) {
    throw new UsageError('--stance needs --claim: say which claim the stance is about, e.g. --claim C7 --stance supports');
  }
  const stance = opts.stance !== undefined ? parseStance(opts.stance) : undefined;
  const out = prepareOut(opts.out, ctx.dbPath);
  const sel = await withLibrary(ctx, (db) => selectExport(db, { claim: opts.claim, stance }));
  const text = renderExport(format, sel.items);
  const what = sel.claim ? `tagged for ${sel.claim}${sel.stance ? ` as ${sel.stance}` : ''}` : 'in the library';
  if (sel.items.length === 0) ctx.io.stderr(`no papers ${what}: nothing to export`);
  if (out) {
    out.write(text);
    ctx.io.stderr(`wrote ${sel.items.length} paper(s) ${what} to ${out.path} (${format})`);
  } else if (text) {
    ctx.io.stdout(text);
  }
  return { format, claim: sel.claim, stance: sel.stance, papers: sel.items.length };
}

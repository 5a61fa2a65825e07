import { reportFromLibrary } from '../../app/report.js';
import type { Report } from '../../evidence/report.js';
import { renderReportText } from '../../report/report-text.js';
import { renderReportMarkdown } from '../../report/report-markdown.js';
import { renderReportHtml } from '../../report/report-html.js';
import { renderPrismaSvg } from '../../report/prisma-svg.js';
import { parseFlowSince, prismaFromLibrary } from '../../app/prisma.js';
import { attachChanges, recordReport } from '../../app/report-changes.js';
import { PLAIN } from '../../report/colour.js';
import { jsonText } from '../../report/visible.js';
import { UsageError } from '../../errors.js';
import { prepareOut } from '../output.js';
import { withLibrary, type Context } from '../context.js';

const FORMATS = ['text', 'markdown', 'json', 'html'] as const;
type Format = (typeof FORMATS)[number];

/** `claimwatch report`: renders the claim-by-claim report to stdout or --out. */
export async function reportCommand(ctx: Context, opts: { format?: string; claim?: string; out?: string; verbose?: boolean; since?: string }): Promise<Report> {
  const format = (opts.format ?? 'text') as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`unknown format '${opts.format}': use text, markdown, json or html`);
  // Refused before the library is opened: an --out that is the library must not even be read first.
  const out = prepareOut(opts.out, ctx.dbPath);
  const now = ctx.io.now();
  let readonly = false;
  let prismaSvg: string | undefined;
  const report = await withLibrary(ctx, (db) => {
    readonly = db.readonly;
    const r = attachChanges(db, reportFromLibrary(db, { claim: opts.claim, now, verbose: opts.verbose }), { since: opts.since, now, save: false });
    // The whole review's page shows its PRISMA flow, with the update starting at --since when given.
    if (format === 'html' && opts.claim === undefined) prismaSvg = renderPrismaSvg(prismaFromLibrary(db, { ...parseFlowSince(opts.since), now }));
    return r;
  });
  // Said before the report, so it is not lost below a long one.
  if (readonly) ctx.io.stderr(`Warning: the library ${ctx.dbPath} is read-only, so this report is not kept as the start of the next report's "what changed" (make it writable to keep it)`);
  // A file gets no terminal colour codes.
  const colour = out ? PLAIN : ctx.colour;
  const text =
    format === 'json' ? `${jsonText(report)}\n`
    : format === 'html' ? renderReportHtml(report, { prismaSvg })
    : format === 'markdown' ? renderReportMarkdown(report)
    : renderReportText(report, colour);
  if (out) {
    out.write(text.endsWith('\n') ? text : `${text}\n`);
    ctx.io.stderr(`Wrote ${format} report to ${out.path}`);
  } else {
    ctx.io.stdout(text);
    // On a pipe the write finishes later: wait for it, so a report that never arrived records no snapshot.
    await ctx.io.flush?.();
  }
  // The snapshot is kept only once the report has been delivered: a report that could not be written
  // must not hide its changes from the next one. A report of one claim is not the lab's report.
  if (opts.claim === undefined && !readonly) await withLibrary(ctx, (db) => recordReport(db, report, now));
  return report;
}

import { reportFromLibrary } from '../../app/report.js';
import type { Report } from '../../evidence/report.js';
import { renderReportText } from '../../report/report-text.js';
import { renderReportMarkdown } from '../../report/report-markdown.js';
import { renderReportHtml } from '../../report/report-html.js';
import { attachChanges } from '../../app/report-changes.js';
import { saveSnapshot } from '../../store/snapshots.js';
import { snapshotOf } from '../../evidence/report-changes.js';
import { PLAIN } from '../../report/colour.js';
import { jsonText } from '../../report/visible.js';
import { UsageError } from '../../errors.js';
import { writeFileAtomic } from '../output.js';
import { withLibrary, type Context } from '../context.js';

const FORMATS = ['text', 'markdown', 'json', 'html'] as const;
type Format = (typeof FORMATS)[number];

/** `claimwatch report`: renders the claim-by-claim report to stdout or --out. */
export async function reportCommand(ctx: Context, opts: { format?: string; claim?: string; out?: string; verbose?: boolean; since?: string }): Promise<Report> {
  const format = (opts.format ?? 'text') as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`unknown format '${opts.format}': use text, markdown, json or html`);
  const now = ctx.io.now();
  const report = await withLibrary(ctx, (db) => attachChanges(
    db,
    reportFromLibrary(db, { claim: opts.claim, now, verbose: opts.verbose }),
    { since: opts.since, now, save: false },
  ));
  // A file gets no terminal colour codes.
  const colour = opts.out ? PLAIN : ctx.colour;
  const text =
    format === 'json' ? `${jsonText(report)}\n`
    : format === 'html' ? renderReportHtml(report)
    : format === 'markdown' ? renderReportMarkdown(report)
    : renderReportText(report, colour);
  if (opts.out) {
    writeFileAtomic(opts.out, text.endsWith('\n') ? text : `${text}\n`);
    ctx.io.stderr(`Wrote ${format} report to ${opts.out}`);
  } else {
    ctx.io.stdout(text);
  }
  // The snapshot is kept only once the report has been delivered: a report that could not be written
  // must not hide its changes from the next one. A report of one claim is not the lab's report.
  if (opts.claim === undefined) await withLibrary(ctx, (db) => saveSnapshot(db, snapshotOf(report, now)));
  return report;
}

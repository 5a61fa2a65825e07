import { parseFlowSince, prismaFromLibrary, type PrismaFlow } from '../../app/prisma.js';
import { renderPrismaSvg } from '../../report/prisma-svg.js';
import { renderPrismaCsv } from '../../report/prisma-csv.js';
import { renderPrismaHtml, renderPrismaText } from '../../report/prisma-views.js';
import { PLAIN } from '../../report/colour.js';
import { jsonText } from '../../report/visible.js';
import { UsageError } from '../../errors.js';
import { prepareOut } from '../output.js';
import { withLibrary, type Context } from '../context.js';

const FORMATS = ['text', 'svg', 'html', 'json', 'csv'] as const;
type Format = (typeof FORMATS)[number];

/** `claimwatch prisma`: the PRISMA 2020 flow of the update since --since, as text, SVG, HTML, JSON or the PRISMA2020 package's CSV. */
export async function prismaCommand(ctx: Context, opts: { since?: string; format?: string; out?: string }): Promise<PrismaFlow> {
  const format = (opts.format ?? 'text') as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`unknown format '${opts.format}': use text, svg, html, json or csv`);
  const since = parseFlowSince(opts.since);
  const out = prepareOut(opts.out, ctx.dbPath);
  const flow = await withLibrary(ctx, (db) => prismaFromLibrary(db, { ...since, now: ctx.io.now() }));
  const text = format === 'json' ? `${jsonText(flow)}\n`
    : format === 'svg' ? `${renderPrismaSvg(flow)}\n`
    : format === 'html' ? renderPrismaHtml(flow)
    : format === 'csv' ? renderPrismaCsv(flow)
    : `${renderPrismaText(flow, out ? PLAIN : ctx.colour)}\n`;
  if (out) {
    out.write(text);
    ctx.io.stderr(`Wrote the PRISMA flow (${format}) to ${out.path}`);
  } else {
    ctx.io.stdout(text.endsWith('\n') ? text.slice(0, -1) : text);
  }
  const broken = flow.checks.filter((c) => !c.holds);
  if (broken.length) ctx.io.stderr(`warning: ${broken.length} identities between the boxes do not hold (${broken[0]!.what}): please report this as a claimwatch bug`);
  return flow;
}

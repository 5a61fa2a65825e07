import { addReason, editReason, reasonsWithUse, type Reason, type ReasonUse } from '../../app/reasons.js';
import { renderReasons } from '../../report/reasons-views.js';
import { visibleText } from '../../report/visible.js';
import { printJson } from '../output.js';
import { withLibrary, type Context } from '../context.js';

/** `claimwatch reasons`: the standard exclusion reasons with their use. */
export async function reasonsListCommand(ctx: Context, opts: { json?: boolean }): Promise<ReasonUse[]> {
  const reasons = await withLibrary(ctx, (db) => reasonsWithUse(db));
  if (opts.json) printJson(ctx.io, reasons);
  else ctx.io.stdout(renderReasons(reasons, ctx.colour));
  return reasons;
}

/** `claimwatch reasons add CODE LABEL`. */
export async function reasonsAddCommand(ctx: Context, code: string, label: string, opts: { reviewer?: string; json?: boolean }): Promise<Reason> {
  const actor = ctx.reviewer(opts.reviewer);
  const r = await withLibrary(ctx, (db) => addReason(db, { code, label, actor, at: ctx.io.now() }));
  if (opts.json) printJson(ctx.io, r);
  else ctx.io.stdout(`Added reason ${r.number} ${r.code}: ${visibleText(r.label)}`);
  return r;
}

/** `claimwatch reasons edit N LABEL`. */
export async function reasonsEditCommand(ctx: Context, ref: string, label: string, opts: { reviewer?: string; json?: boolean }): Promise<Reason> {
  const actor = ctx.reviewer(opts.reviewer);
  const { reason, from } = await withLibrary(ctx, (db) => editReason(db, { ref, label, actor, at: ctx.io.now() }));
  if (opts.json) printJson(ctx.io, { ...reason, from });
  else if (from === reason.label) ctx.io.stdout(`Reason ${reason.number} already reads ${visibleText(JSON.stringify(from))}: nothing changed`);
  else ctx.io.stdout(`Reason ${reason.number} ${reason.code}: ${visibleText(JSON.stringify(from))} → ${visibleText(JSON.stringify(reason.label))}`);
  return reason;
}

import { dismissPaper, tagPaper, undismissPaper, untagPaper, type TagChange } from '../../app/tagging.js';
import { parsePmid, parseStance } from '../../evidence/claims.js';
import { renderTagChange } from '../../report/views.js';
import { printJson } from '../output.js';
import { withLibrary, type Context } from '../context.js';

function report(ctx: Context, change: TagChange, json: boolean | undefined): TagChange {
  if (json) printJson(ctx.io, change);
  else ctx.io.stdout(renderTagChange(change, ctx.colour));
  if (change.retracted && (change.action === 'tagged' || change.action === 'retagged')) {
    ctx.io.stderr(`warning: PMID ${change.pmid} is retracted: the tag is kept and shown, but not counted as evidence`);
  }
  return change;
}

/** `claimwatch tag PMID CLAIM STANCE`. */
export async function tagCommand(
  ctx: Context, pmidArg: string, claim: string, stanceArg: string,
  opts: { note?: string; reviewer?: string; json?: boolean },
): Promise<TagChange> {
  // Validate what needs no database first, so bad input never creates or touches one.
  const pmid = parsePmid(pmidArg);
  const stance = parseStance(stanceArg);
  const reviewer = ctx.reviewer(opts.reviewer);
  const change = await withLibrary(ctx, (db) => tagPaper(db, { pmid, claim, stance, note: opts.note, reviewer, at: ctx.io.now() }));
  return report(ctx, change, opts.json);
}

/** `claimwatch untag PMID CLAIM`. */
export async function untagCommand(ctx: Context, pmidArg: string, claim: string, opts: { reviewer?: string; json?: boolean }): Promise<TagChange> {
  const pmid = parsePmid(pmidArg);
  const reviewer = ctx.reviewer(opts.reviewer);
  const change = await withLibrary(ctx, (db) => untagPaper(db, { pmid, claim, reviewer, at: ctx.io.now() }));
  return report(ctx, change, opts.json);
}

/** `claimwatch dismiss PMID`. */
export async function dismissCommand(ctx: Context, pmidArg: string, opts: { reason?: string; reviewer?: string; json?: boolean }): Promise<TagChange> {
  const pmid = parsePmid(pmidArg);
  const reviewer = ctx.reviewer(opts.reviewer);
  const change = await withLibrary(ctx, (db) => dismissPaper(db, { pmid, reason: opts.reason, reviewer, at: ctx.io.now() }));
  return report(ctx, change, opts.json);
}

/** `claimwatch undismiss PMID`. */
export async function undismissCommand(ctx: Context, pmidArg: string, opts: { reviewer?: string; json?: boolean }): Promise<TagChange> {
  const pmid = parsePmid(pmidArg);
  const reviewer = ctx.reviewer(opts.reviewer);
  const change = await withLibrary(ctx, (db) => undismissPaper(db, { pmid, reviewer, at: ctx.io.now() }));
  return report(ctx, change, opts.json);
}

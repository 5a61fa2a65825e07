import { classifyPaper, requireEvidenceKind, type KindChange } from '../../app/classify.js';
import { parsePmid } from '../../evidence/claims.js';
import { UsageError } from '../../errors.js';
import { printJson } from '../output.js';
import { withLibrary, type Context } from '../context.js';

function describeChange(c: KindChange): string {
  if (c.action === 'unchanged') {
    return c.to === null
      ? `PMID ${c.pmid}: no kind override to clear; kind ${c.kind} (derived from PubMed)`
      : `PMID ${c.pmid}: kind already set to ${c.kind}`;
  }
  if (c.action === 'cleared') return `PMID ${c.pmid}: override ${c.from} cleared; kind ${c.kind} (derived from PubMed) by ${c.actor}`;
  return `PMID ${c.pmid}: kind ${c.kind} (was ${c.from ?? `${c.derived}, derived from PubMed`}) by ${c.actor}`;
}

/** `claimwatch classify PMID KIND` or `claimwatch classify PMID --clear`. */
export async function classifyCommand(
  ctx: Context, pmidArg: string, kindArg: string | undefined,
  opts: { clear?: boolean; reviewer?: string; json?: boolean },
): Promise<KindChange> {
  const pmid = parsePmid(pmidArg);
  if (opts.clear && kindArg !== undefined) throw new UsageError('give either a KIND or --clear, not both');
  if (!opts.clear && kindArg === undefined) throw new UsageError('give a KIND to set, or --clear to go back to the kind derived from PubMed');
  const kind = opts.clear ? null : requireEvidenceKind(kindArg!);
  const actor = ctx.reviewer(opts.reviewer);
  const change = await withLibrary(ctx, (db) => classifyPaper(db, { pmid, kind, actor, at: ctx.io.now() }));
  if (opts.json) printJson(ctx.io, change);
  else ctx.io.stdout(describeChange(change));
  return change;
}

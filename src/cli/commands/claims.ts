import { addClaim, claimSummaries, editClaim, setClaimRetired, showClaim, type ClaimSummary } from '../../app/claims.js';
import type { Claim } from '../../evidence/claims.js';
import { renderClaim, renderClaimList } from '../../report/views.js';
import { visibleText } from '../../report/visible.js';
import { printJson } from '../output.js';
import { withLibrary, type Context } from '../context.js';

/** Splits a comma-separated option into trimmed, non-empty items. */
export function splitList(v: string | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}

/** `claimwatch claims`: every claim with its tag counts. */
export async function claimsListCommand(ctx: Context, opts: { json?: boolean }): Promise<ClaimSummary[]> {
  const claims = await withLibrary(ctx, (db) => claimSummaries(db));
  if (opts.json) printJson(ctx.io, claims);
  else ctx.io.stdout(renderClaimList(claims, ctx.colour));
  return claims;
}

/** `claimwatch claims show ID`. */
export async function claimsShowCommand(ctx: Context, ref: string, opts: { json?: boolean }): Promise<ClaimSummary> {
  const claim = await withLibrary(ctx, (db) => showClaim(db, ref));
  if (opts.json) printJson(ctx.io, claim);
  else ctx.io.stdout(renderClaim(claim, ctx.colour));
  return claim;
}

/** `claimwatch claims add SLUG STATEMENT`. */
export async function claimsAddCommand(
  ctx: Context, slug: string, statement: string,
  opts: { keywords?: string; dependsOn?: string; reviewer?: string; json?: boolean },
): Promise<Claim> {
  const actor = ctx.reviewer(opts.reviewer);
  const claim = await withLibrary(ctx, (db) =>
    addClaim(db, { slug, statement, keywords: splitList(opts.keywords) ?? [], dependsOn: splitList(opts.dependsOn) ?? [], actor, at: ctx.io.now() }));
  if (opts.json) printJson(ctx.io, claim);
  else ctx.io.stdout(`Added ${claim.id} ${claim.slug}: ${visibleText(claim.statement)}`);
  return claim;
}

/** `claimwatch claims edit ID`. */
export async function claimsEditCommand(
  ctx: Context, ref: string,
  opts: { statement?: string; slug?: string; keywords?: string; dependsOn?: string; reviewer?: string; json?: boolean },
): Promise<Claim> {
  const actor = ctx.reviewer(opts.reviewer);
  const { claim, changed } = await withLibrary(ctx, (db) =>
    editClaim(db, {
      ref, statement: opts.statement, slug: opts.slug, keywords: splitList(opts.keywords),
      dependsOn: splitList(opts.dependsOn), actor, at: ctx.io.now(),
    }));
  if (opts.json) printJson(ctx.io, { ...claim, changed });
  else ctx.io.stdout(changed.length ? `Changed ${claim.id} (${changed.join(', ')}); the old values are in its history` : `Nothing changed in ${claim.id}`);
  return claim;
}

/** `claimwatch claims retire ID` and `claims restore ID`. */
export async function claimsRetireCommand(ctx: Context, ref: string, retired: boolean, opts: { reviewer?: string; json?: boolean }): Promise<Claim> {
  const actor = ctx.reviewer(opts.reviewer);
  const claim = await withLibrary(ctx, (db) => setClaimRetired(db, { ref, retired, actor, at: ctx.io.now() }));
  if (opts.json) printJson(ctx.io, claim);
  else ctx.io.stdout(retired ? `Retired ${claim.id} ${claim.slug}: its tags and history are kept; it takes no new tags` : `Restored ${claim.id} ${claim.slug}`);
  return claim;
}

import { showRun, verifyLibrary, type RunWithManifests, type VerifyResult } from '../../app/manifests.js';
import { renderRunManifests, renderVerify } from '../../report/manifest-views.js';
import { UsageError } from '../../errors.js';
import { printJson } from '../output.js';
import { withLibrary, type Context } from '../context.js';

/** `claimwatch runs show N`: one run with its search manifests. */
export async function runsShowCommand(ctx: Context, idArg: string, opts: { json?: boolean }): Promise<RunWithManifests> {
  if (!/^\d+$/.test(idArg.trim()) || Number(idArg) < 1) throw new UsageError(`'${idArg}' is not a run number: 'claimwatch runs' lists them`);
  const run = await withLibrary(ctx, (db) => showRun(db, Number(idArg)));
  if (opts.json) printJson(ctx.io, run);
  else ctx.io.stdout(renderRunManifests(run, ctx.colour));
  return run;
}

/** `claimwatch runs verify`: exit 1 when a PMID some manifest lists is not in the library. */
export async function runsVerifyCommand(ctx: Context, opts: { json?: boolean }): Promise<VerifyResult & { exitCode: number }> {
  const v = await withLibrary(ctx, (db) => verifyLibrary(db));
  if (opts.json) printJson(ctx.io, v);
  else ctx.io.stdout(renderVerify(v, ctx.colour));
  return { ...v, exitCode: v.ok ? 0 : 1 };
}

import { addQuery, deleteQuery, querySummaries, showQuery, validateQueryName, validateTerm } from '../../app/queries.js';
import { renderQuery, renderQueryList } from '../../report/search-views.js';
import { printJson } from '../output.js';
import { withLibrary, type Context } from '../context.js';

/** `claimwatch queries`: the saved searches with their last successful run and paper counts. */
export async function queriesListCommand(ctx: Context, opts: { json?: boolean }): Promise<void> {
  const qs = await withLibrary(ctx, (db) => querySummaries(db));
  if (opts.json) printJson(ctx.io, qs);
  else ctx.io.stdout(renderQueryList(qs, ctx.colour));
}

/** `claimwatch queries show NAME`. */
export async function queriesShowCommand(ctx: Context, name: string, opts: { json?: boolean }): Promise<void> {
  const q = await withLibrary(ctx, (db) => showQuery(db, name));
  if (opts.json) printJson(ctx.io, q);
  else ctx.io.stdout(renderQuery(q, ctx.colour));
}

/** `claimwatch queries add NAME TERM`. */
export async function queriesAddCommand(ctx: Context, name: string, term: string, opts: { description?: string; json?: boolean }): Promise<void> {
  // Checked before the library is opened, so bad input never creates one.
  validateQueryName(name);
  validateTerm(term);
  const q = await withLibrary(ctx, (db) => addQuery(db, name, term, opts.description, ctx.io.now()));
  if (opts.json) printJson(ctx.io, q);
  else ctx.io.stdout(`Added saved search ${q.name}: its first run fetches everything it matches.`);
}

/** `claimwatch queries remove NAME`. */
export async function queriesRemoveCommand(ctx: Context, name: string, opts: { json?: boolean }): Promise<void> {
  const q = await withLibrary(ctx, (db) => deleteQuery(db, name, ctx.io.now()));
  if (opts.json) printJson(ctx.io, { removed: q.name });
  else ctx.io.stdout(`Removed saved search ${q.name}; the papers it found stay in the library.`);
}

import { methodsFromLibrary, type MethodsFacts } from '../../app/methods.js';
import { parseFlowSince } from '../../app/prisma.js';
import { renderMethods } from '../../report/methods-markdown.js';
import { jsonText } from '../../report/visible.js';
import { prepareOut } from '../output.js';
import { withLibrary, type Context } from '../context.js';

/** `claimwatch methods`: the Markdown methods paragraph (or, with --json, the facts it is written from). */
export async function methodsCommand(ctx: Context, opts: { since?: string; out?: string; json?: boolean }): Promise<MethodsFacts> {
  const since = parseFlowSince(opts.since);
  const out = prepareOut(opts.out, ctx.dbPath);
  const facts = await withLibrary(ctx, (db) => methodsFromLibrary(db, { ...since, now: ctx.io.now() }));
  const text = opts.json ? `${jsonText(facts)}\n` : renderMethods(facts);
  if (out) {
    out.write(text);
    ctx.io.stderr(`Wrote the methods ${opts.json ? 'facts' : 'paragraph'} to ${out.path}`);
  } else {
    ctx.io.stdout(text.replace(/\n$/, ''));
  }
  return facts;
}

import readline from 'node:readline';
import {
  interpretKey, keysOf, parseLine, parseSinceDate, triageQueue, TriageSession, type KeyMode, type TriageSummary,
} from '../../app/triage.js';
import { parseOrder } from '../../app/screening.js';
import {
  porcelainCard, porcelainLine, porcelainSummary, renderTriageCard, renderTriageEvent, renderTriageHelp, renderTriagePrompt,
  renderTriageSummary,
} from '../../report/triage-views.js';
import { visibleText } from '../../report/visible.js';
import { reasonChoices } from '../../app/reasons.js';
import type { Reason } from '../../evidence/reasons.js';
import { withLibrary, type Context } from '../context.js';
import { parseLimit } from './papers.js';

/** The flags of `claimwatch triage`. */
export interface TriageCommandOptions {
  query?: string;
  since?: string;
  limit?: string;
  reviewer?: string;
  blind?: boolean;
  /** 'ranked' (default) or 'newest'. */
  order?: string;
  /** One JSON object per line on stdout, one action line read before each next card. */
  porcelain?: boolean;
}

/** Where keys or lines come from: the process's stdin unless a test passes another stream. */
type Input = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (on: boolean) => unknown };

/** `claimwatch triage`: single keys on a terminal, one action per line from a pipe. Every action is saved as it is made. */
export async function triageCommand(ctx: Context, opts: TriageCommandOptions, input: Input = process.stdin): Promise<TriageSummary> {
  // Bad flags are refused before the library is opened.
  const limit = parseLimit(opts.limit);
  const since = opts.since !== undefined ? parseSinceDate(opts.since) : undefined;
  const order = parseOrder(opts.order);
  const reviewer = ctx.reviewer(opts.reviewer);
  return withLibrary(ctx, async (db) => {
    // The whole inbox is the queue: in ranked order --limit caps the papers shown, not the newest ones taken.
    const queue = triageQueue(db, { reviewer, query: opts.query, since, limit: order === 'newest' ? limit : undefined });
    const blind = opts.blind ?? false;
    const session = new TriageSession(db, queue, reviewer, ctx.io.now, { order, limit, blind });
    if (opts.porcelain) {
      if (queue.length > 0) await runPorcelain(ctx, session, input);
      const summary = session.summary();
      ctx.io.stdout(porcelainLine(porcelainSummary(summary)));
      return summary;
    }
    if (queue.length === 0) {
      const scope = [opts.query ? ` found by ${opts.query}` : '', since ? ` since ${since}` : ''].join('');
      ctx.io.stdout(`Nothing to triage: you have tagged or dismissed every paper${scope}.`);
      return session.summary();
    }
    const interactive = Boolean(input.isTTY) && typeof input.setRawMode === 'function' && ctx.io.isTTY;
    if (interactive) await runKeys(ctx, session, blind, input, reasonChoices(db));
    else await runLines(ctx, session, blind, input);
    const summary = session.summary();
    ctx.io.stdout(renderTriageSummary(summary, ctx.colour));
    return summary;
  });
}

/**
 * Porcelain: one JSON object per line on stdout, nothing else. The first card, then for every action line
 * (blank lines and comments excepted) exactly one object: the card that is current after it, or the summary
 * once the session is over. A line that cannot be read is refused in the card's `event` (and on stderr).
 */
async function runPorcelain(ctx: Context, session: TriageSession, input: Input): Promise<void> {
  const emit = (v: unknown): void => ctx.io.stdout(porcelainLine(v));
  if (session.done) return;
  emit(porcelainCard(session.card(), null));
  const rl = readline.createInterface({ input, crlfDelay: Infinity, terminal: false });
  let lineNo = 0;
  try {
    for await (const line of rl) {
      lineNo += 1;
      const r = parseLine(line, session.card().numbering.map((k) => k.id), session.claims());
      if (r.error) {
        ctx.io.stderr(`warning: line ${lineNo}: ${visibleText(r.error)} (ignored)`);
        emit(porcelainCard(session.card(), { kind: 'refused', reason: `line ${lineNo}: ${r.error}` }));
        continue;
      }
      if (!r.action) continue;
      const event = session.apply(r.action);
      if (session.done) break;
      emit(porcelainCard(session.card(), event));
    }
  } finally {
    rl.close();
  }
}

/** Pipe mode: prints each card, reads one action per line (see parseLine), stops at `q`, the end of the queue or of the input. */
async function runLines(ctx: Context, session: TriageSession, blind: boolean, input: Input): Promise<void> {
  const c = ctx.colour;
  const show = (): void => ctx.io.stdout(`\n${renderTriageCard(session.card(), c, { width: ctx.io.columns, blind })}\n`);
  show();
  const rl = readline.createInterface({ input, crlfDelay: Infinity, terminal: false });
  let lineNo = 0;
  try {
    for await (const line of rl) {
      lineNo += 1;
      const card = session.card();
      const r = parseLine(line, card.numbering.map((k) => k.id), session.claims());
      if (r.error) {
        ctx.io.stderr(`warning: line ${lineNo}: ${visibleText(r.error)} (ignored)`);
        continue;
      }
      if (!r.action) continue;
      const before = session.position;
      const message = renderTriageEvent(session.apply(r.action), c);
      if (message) ctx.io.stdout(message);
      if (session.done) break;
      if (session.position !== before) show();
    }
  } finally {
    rl.close();
  }
}

/** Terminal mode: raw single keys, the card redrawn after each one on the alternate screen. */
function runKeys(ctx: Context, session: TriageSession, blind: boolean, input: Input, reasons: readonly Reason[]): Promise<void> {
  const c = ctx.colour;
  const out = process.stdout;
  let mode: KeyMode = { kind: 'browse' };
  let message = '';
  let help = false;
  let card = session.card();

  const draw = (): void => {
    const rows = out.rows || 24;
    const width = Math.min(out.columns || ctx.io.columns, 120) - 1;
    const body = help ? renderTriageHelp(c) : renderTriageCard(card, c, { width, rows, blind });
    out.write(`\u001b[H\u001b[2J${body}\n${message}\n${renderTriagePrompt(mode, card, c, reasons)}`);
  };

  return new Promise((resolve) => {
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      input.removeListener('data', onData);
      input.removeListener('end', finish);
      out.removeListener('resize', draw);
      input.setRawMode?.(false);
      input.pause();
      out.write('\u001b[?1049l');
      resolve();
    };
    const onData = (chunk: Buffer | string): void => {
      for (const key of keysOf(chunk.toString())) {
        const r = interpretKey(mode, key, card.numbering.map((k) => k.id));
        mode = r.mode;
        message = r.hint ?? '';
        if (!r.action) continue;
        if (r.action.type === 'help') {
          help = !help;
          continue;
        }
        help = false;
        message = renderTriageEvent(session.apply(r.action), c);
        if (session.done) {
          finish();
          return;
        }
        card = session.card();
      }
      draw();
    };
    out.write('\u001b[?1049h');
    input.setRawMode?.(true);
    input.on('data', onData);
    // A closed terminal ends the input: what was decided is already saved.
    input.on('end', finish);
    out.on('resize', draw);
    input.resume();
    draw();
  });
}

import { shortAuthorName } from '../evidence/paper.js';
import { suggestionScore } from '../evidence/suggest.js';
import type { Estimate } from '../screening/screening.js';
import type { KeyMode, PaperView, TriageCard, TriageEvent, TriageSummary } from '../evidence/views.js';
import type { Colouriser } from './colour.js';
import { wrapText } from './views.js';
import { visibleData } from './visible.js';
import type { Reason } from '../evidence/reasons.js';
import { renderReasonChoices } from './reasons-views.js';

/** Layout of a card: the terminal width, and its height when the card must fit one screen. */
export interface CardLayout {
  width: number;
  /** When given, the abstract is cut so that the whole card fits this many rows. */
  rows?: number;
  /** Hide other reviewers' tags until the reviewer has tagged the paper. */
  blind?: boolean;
}

function firstAuthors(p: PaperView, n = 3): string {
  const names = p.authors.map(shortAuthorName);
  return names.length > n ? `${names.slice(0, n).join(', ')}, et al.` : names.join(', ');
}

/** The numbered claims: the suggestions one per line with the words that matched, then the others packed into lines. */
function claimLines(card: TriageCard, c: Colouriser, width: number): string[] {
  const out: string[] = [];
  const label = (i: number): string => (i < 9 ? c.bold(c.cyan(String(i + 1))) : ' ');
  const others: string[] = [];
  card.numbering.forEach((claim, i) => {
    const s = card.suggestions[i];
    if (s && s.claim.id === claim.id) {
      const why = [
        typeof s.learned === 'number' ? `learned ${s.learned.toFixed(2)}` : '',
        s.matched.length ? `matched: ${s.matched.slice(0, 6).join(', ')}` : '',
      ].filter(Boolean).join(' · ');
      out.push(`${label(i)} ${c.bold(claim.id)} ${claim.slug}  ${c.dim(why)}`);
    } else {
      others.push(`${label(i)} ${claim.id} ${claim.slug}`);
    }
  });
  if (out.length === 0) out.push(c.dim('No suggestion: no claim learned from tags or matched by its words fits this paper.'));
  // Pack the other claims several to a line.
  let line = '';
  const plain = (s: string): number => s.replace(/\u001b\[[0-9;]*m/g, '').length;
  for (const o of others) {
    if (line && plain(line) + 3 + plain(o) > width) {
      out.push(line);
      line = o;
    } else line = line ? `${line}   ${o}` : o;
  }
  if (line) out.push(line);
  return out;
}

/** The tags shown on the card: all of them with reviewer names, or with --blind only yours until you have tagged it. */
function tagLines(card: TriageCard, c: Colouriser, blind: boolean): string[] {
  const mine = card.paper.tags.filter((t) => t.reviewer === card.reviewer);
  const others = card.paper.tags.filter((t) => t.reviewer !== card.reviewer);
  const out: string[] = [];
  if (mine.length) out.push(`${c.bold('Your tags:')} ${mine.map((t) => `${t.claim} ${t.stance}${t.note ? ` "${t.note}"` : ''}`).join(', ')}`);
  if (blind && !mine.length) {
    const n = others.length + card.paper.dismissals.filter((d) => d.reviewer !== card.reviewer).length;
    if (n) out.push(c.dim('Other reviewers\' tags are hidden (--blind) until you tag this paper.'));
    return out;
  }
  if (others.length) {
    out.push(`Tags by others: ${others.map((t) => `${t.claim} ${t.stance} ${c.dim(`(${t.reviewer})`)}`).join(', ')}`);
  }
  for (const d of card.paper.dismissals.filter((x) => x.reviewer !== card.reviewer)) {
    out.push(c.dim(`Dismissed by ${d.reviewer}${d.reason ? `: ${d.reason}` : ''}`));
  }
  return out;
}

/** The card of one paper: progress, title, first authors, journal, year, types, sources, links, tags, abstract, numbered claims. */
export function renderTriageCard(card: TriageCard, c: Colouriser, layout: CardLayout): string {
  card = visibleData(card);
  const p = card.paper;
  const width = Math.max(40, layout.width);
  const head: string[] = [];
  head.push(c.dim(`${card.position} of ${card.total}`) + `  ${c.bold(`PMID ${p.pmid}`)}  https://pubmed.ncbi.nlm.nih.gov/${p.pmid}/`);
  head.push(...wrapText(p.title ?? '(no title)', width).split('\n').map((l) => c.bold(l)));
  if (p.authors.length) head.push(firstAuthors(p));
  const where = [p.journal ?? (p.type === 'book' ? 'Book' : null), p.year].filter((x) => x !== null && x !== undefined).join(', ');
  if (where) head.push(c.dim(where));
  if (p.publicationTypes.length) head.push(c.dim(`Types: ${p.publicationTypes.join('; ')}`));
  if (p.foundBy?.length) head.push(c.dim(`Found by: ${p.foundBy.map((f) => f.source).join(', ')}`));
  if (p.doi) head.push(`DOI ${p.doi}  https://doi.org/${p.doi}`);
  if (p.retracted) head.push(c.red('RETRACTED: a tag is kept and shown, but not counted as evidence'));
  head.push(...tagLines(card, c, layout.blind ?? false));
  head.push(c.dim(screeningLine(card.order, card.score, card.estimate)));

  const tail = ['', c.bold('Claims (suggested first; press the number):'), ...claimLines(card, c, width)];
  let abstract = p.abstract ? wrapText(p.abstract, width).split('\n') : [c.dim('(no abstract)')];
  if (layout.rows !== undefined) {
    // Room for the header, a blank line, the claims, and the two lines the command adds (message, prompt).
    const room = Math.max(2, layout.rows - head.length - tail.length - 1 - 2);
    if (abstract.length > room) {
      const more = abstract.length - (room - 1);
      abstract = [...abstract.slice(0, room - 1), c.dim(`… (${more} more line${more === 1 ? '' : 's'} of abstract)`)];
    }
  }
  return [...head, '', ...abstract, ...tail].join('\n');
}

/** What the order is, and what is still unread: the card's and the summary's screening line. */
export function screeningLine(order: 'ranked' | 'newest', score: number | null, e: Estimate): string {
  const head = order === 'ranked'
    ? `Ranked by the decisions so far${score === null ? '' : `: score ${score.toFixed(2)}`}`
    : e.phase === 'cold' ? 'Newest first (the ranking starts after one tag and one dismissal)' : 'Newest first (--order newest)';
  return `${head} · ${estimateText(e)}`;
}

/** The estimate of what is still unread and the stopping advice, in words. */
export function estimateText(e: Estimate): string {
  if (e.phase === 'cold') return `${e.found} relevant found; no estimate yet`;
  if (e.phase === 'ranking') {
    const guess = e.unread === null
      ? `too few decisions yet to guess how many of the ${e.unscreened} unread matter`
      : `about ${e.unread} more among the ${e.unscreened} unread (rate of the last decisions)`;
    return `${e.found} relevant found; ${guess}; keep going: the random check starts when the ranking runs dry`;
  }
  const s = e.sample!;
  const drawn = `random check: ${s.drawn} of the ${s.urn} papers left when the ranking ran dry, ${s.relevantDrawn} relevant`;
  const left = e.unread === null ? '' : `; about ${e.unread} relevant unread, at most ${e.upper} (95 %)`;
  const advice = e.stop
    ? `; you can stop: recall is at least 95 % at 95 % confidence (p = ${fmtP(e.p!)})`
    : `; keep going (p = ${fmtP(e.p!)}, stop below 0.05)`;
  return `${e.found} relevant found; ${drawn}${left}${advice}`;
}

function fmtP(p: number): string {
  return p < 0.001 ? '<0.001' : p.toFixed(3);
}

/** One porcelain line: compact JSON in which DEL and C1 controls are escaped too (JSON.stringify escapes only C0). */
export function porcelainLine(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\u009f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A card as `triage --porcelain` prints it. */
export function porcelainCard(card: TriageCard, event: TriageEvent | null): Record<string, unknown> {
  return {
    type: 'card', pmid: String(card.paper.pmid), position: card.position, remaining: card.remaining, total: card.total,
    order: card.order, score: card.score,
    suggestions: card.suggestions.map((s) => ({
      claim: s.claim.id, score: suggestionScore(s), learned: typeof s.learned === 'number', matched: s.matched,
    })),
    numbering: card.numbering.map((c) => c.id),
    estimate: card.estimate, stop: card.estimate.stop,
    title: card.paper.title,
    event: event && event.kind !== 'help' ? porcelainEvent(event) : null,
  };
}

/** What the last action did, for a script. */
function porcelainEvent(e: TriageEvent): Record<string, unknown> {
  switch (e.kind) {
    case 'tagged': case 'noted': return { kind: e.kind, pmid: String(e.change.pmid), claim: e.change.claim, action: e.change.action, stance: e.change.to, note: e.change.note };
    case 'dismissed': case 'skipped': case 'next': return { kind: e.kind, pmid: String(e.pmid) };
    case 'undone': return { kind: e.kind, pmid: String(e.pmid), what: e.what };
    case 'refused': return { kind: e.kind, reason: e.reason };
    default: return { kind: e.kind };
  }
}

/** The summary as `triage --porcelain` prints it last. */
export function porcelainSummary(s: TriageSummary): Record<string, unknown> {
  return { type: 'summary', ...s, stop: s.estimate?.stop ?? false };
}

/** The line that says what the keys do now (it depends on the mode). */
export function renderTriagePrompt(mode: KeyMode, card: TriageCard, c: Colouriser, reasons: readonly Reason[] = []): string {
  mode = visibleData(mode);
  card = visibleData(card);
  if (mode.kind === 'reason') {
    const list = reasons.length ? `${renderReasonChoices(reasons)} · ` : '';
    return `${c.bold('Dismiss, why?')} ${list}enter none · esc cancels`;
  }
  if (mode.kind === 'stance') {
    const claim = card.numbering.find((k) => k.id === mode.claim);
    return `${c.bold(`${mode.claim}${claim ? ` ${claim.slug}` : ''}`)} → ${c.green('s')} supports · ${c.yellow('q')} qualifies · ${c.red('c')} contradicts · esc cancels`;
  }
  if (mode.kind === 'note') return `${c.bold('Note:')} ${mode.text}_  ${c.dim('(enter saves, esc cancels)')}`;
  return c.dim('1-9 claim then s/q/c · n note · d dismiss · k skip · u undo · enter next · ? keys · q quit');
}

/** Every key, and the same actions as pipe lines. */
export function renderTriageHelp(c: Colouriser): string {
  return [
    c.bold('Keys'),
    '  1-9        choose the claim with that number on the card, then:',
    '    s q c    its stance: supports, qualifies, contradicts (esc cancels)',
    '  n          add a note to the last tag you made on this paper (type it, enter saves)',
    '  d          dismiss the paper (reviewed, bears on no claim): then a reason\'s number, or enter for none',
    '  k          skip it for now and move on',
    '  enter, space, j   next paper (after the tags you made)',
    '  u          undo the last tag, note, dismissal or skip',
    '  ?          this help',
    '  q          quit; but right after a digit, q means "qualifies"',
    'Each action is saved the moment you make it.',
    c.bold('Pipe lines (stdin not a terminal)'),
    "  3 s | 3s | C7 q | extinction-enhanced contradicts   tag; n TEXT   note; d [REASON]   dismiss",
    '  k   skip;  u   undo;  next (or j)   next paper;  ?   help;  q   quit;  # comment',
  ].join('\n');
}

/** One line saying what the last action did. */
export function renderTriageEvent(e: TriageEvent, c: Colouriser): string {
  e = visibleData(e);
  switch (e.kind) {
    case 'tagged': {
      const t = e.change;
      if (t.action === 'unchanged') return c.dim(`PMID ${t.pmid}: already ${t.claim} ${t.to}`);
      const was = t.action === 'retagged' ? ` (was ${t.from})` : '';
      const warn = t.retracted ? c.red(' (retracted: not counted)') : '';
      return c.green(`PMID ${t.pmid}: ${t.claim} ${t.to}${was}`) + warn;
    }
    case 'noted': return c.green(`PMID ${e.change.pmid}: note on ${e.change.claim}: "${e.change.note ?? ''}"`);
    case 'dismissed': return c.yellow(`PMID ${e.pmid}: dismissed`);
    case 'skipped': return c.dim(`PMID ${e.pmid}: skipped`);
    case 'next': return '';
    case 'undone': return c.cyan(`PMID ${e.pmid}: undone: ${e.what}`);
    case 'refused': return c.red(e.reason);
    case 'help': return renderTriageHelp(c);
    case 'quit': return '';
  }
}

/** The end-of-session summary. */
export function renderTriageSummary(s: TriageSummary, c: Colouriser): string {
  s = visibleData(s);
  const tags = s.tags.supports + s.tags.qualifies + s.tags.contradicts;
  return [
    c.bold(`Triage${s.quit ? ' (quit)' : ''}: ${s.seen} of ${s.total} paper${s.total === 1 ? '' : 's'} seen, by ${s.reviewer}`),
    `  tagged: ${s.papersTagged} paper${s.papersTagged === 1 ? '' : 's'}, ${tags} tag${tags === 1 ? '' : 's'} `
      + `(${c.green(`${s.tags.supports} supports`)}, ${c.yellow(`${s.tags.qualifies} qualifies`)}, ${c.red(`${s.tags.contradicts} contradicts`)})`,
    `  dismissed: ${s.dismissed}`,
    `  skipped: ${s.skipped}`,
    ...(s.estimate ? [`  screening: ${estimateText(s.estimate)}`] : []),
  ].join('\n');
}

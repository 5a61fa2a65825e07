import { shortAuthorName } from '../evidence/paper.js';
import type { KeyMode, PaperView, TriageCard, TriageEvent, TriageSummary } from '../evidence/views.js';
import type { Colouriser } from './colour.js';
import { wrapText } from './views.js';
import { visibleData } from './visible.js';

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
      out.push(`${label(i)} ${c.bold(claim.id)} ${claim.slug}  ${c.dim(`matched: ${s.matched.slice(0, 6).join(', ')}`)}`);
    } else {
      others.push(`${label(i)} ${claim.id} ${claim.slug}`);
    }
  });
  if (out.length === 0) out.push(c.dim('No suggestion: no claim keyword or statement word in this paper.'));
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

/** The line that says what the keys do now (it depends on the mode). */
export function renderTriagePrompt(mode: KeyMode, card: TriageCard, c: Colouriser): string {
  mode = visibleData(mode);
  card = visibleData(card);
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
    '  d          dismiss the paper (reviewed, bears on no claim) and move on',
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
  ].join('\n');
}

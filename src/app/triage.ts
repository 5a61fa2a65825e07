import { readCalendarDate } from '../evidence/dates.js';
import type { Db } from '../store/db.js';
import { listClaims } from '../store/claims.js';
import { getQuery } from '../store/searches.js';
import { getTag } from '../store/tags.js';
import { parseStance, resolveClaim, type Claim, type Stance } from '../evidence/claims.js';
import { suggestClaims, withLearned, type ClaimSuggestion } from '../evidence/suggest.js';
import { coldLibraryEstimate, LibraryScreening, recordRankedDecision, type ScreeningOrder } from './screening.js';
import type { Estimate } from '../screening/screening.js';
import { ClaimwatchError, UsageError } from '../errors.js';
import { showPaper } from './library.js';
import { dismissPaper, tagPaper, undismissPaper, untagPaper } from './tagging.js';
import type { KeyMode, TriageCard, TriageEvent, TriageSummary } from '../evidence/views.js';
export type { KeyMode, TriageCard, TriageEvent, TriageSummary } from '../evidence/views.js';

// ---------------------------------------------------------------------------------------------
// Pure: keys and lines -> actions.
// ---------------------------------------------------------------------------------------------

/** One thing the reviewer decided. */
export type TriageAction =
  | { type: 'tag'; claim: string; stance: Stance }
  | { type: 'note'; text: string }
  | { type: 'dismiss'; reason?: string }
  | { type: 'skip' }
  | { type: 'next' }
  | { type: 'undo' }
  | { type: 'help' }
  | { type: 'quit' };

/** The outcome of one key: the next mode, maybe an action to perform, maybe a hint to show. */
export interface KeyResult {
  mode: KeyMode;
  action?: TriageAction;
  hint?: string;
}

/** How many suggestions are numbered first, before the other claims. */
export const SUGGESTIONS_SHOWN = 3;

/** Splits a chunk of terminal input into key names: 'enter', 'space', 'escape', 'backspace', 'ctrl-c', 'ctrl-d', 'unknown', or the character. */
export function keysOf(chunk: string): string[] {
  const keys: string[] = [];
  for (let i = 0; i < chunk.length; i++) {
    const ch = chunk[i]!;
    if (ch === '\u001b') {
      // An escape sequence (arrow keys, function keys): CSI/SS3 then parameters then one final byte.
      const seq = /^\u001b(?:\[[0-9;?]*[ -/]*[@-~]|O[@-~])/.exec(chunk.slice(i));
      if (seq) {
        keys.push('unknown');
        i += seq[0].length - 1;
      } else {
        keys.push('escape');
      }
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\n' && chunk[i - 1] === '\r') continue;
      keys.push('enter');
    } else if (ch === ' ') keys.push('space');
    else if (ch === '\u007f' || ch === '\b') keys.push('backspace');
    else if (ch === '\u0003') keys.push('ctrl-c');
    else if (ch === '\u0004') keys.push('ctrl-d');
    else if (ch < ' ') keys.push('unknown');
    else keys.push(ch);
  }
  return keys;
}

/**
 * The single-key state machine. `numbering` holds the claim ids in the order the card numbers them
 * (digit 1 is numbering[0]). `q` quits, except right after a digit, where it is the stance "qualifies".
 */
export function interpretKey(mode: KeyMode, key: string, numbering: readonly string[]): KeyResult {
  if (key === 'ctrl-c' || key === 'ctrl-d') return { mode: { kind: 'browse' }, action: { type: 'quit' } };
  if (mode.kind === 'note') {
    if (key === 'enter') {
      const text = mode.text.trim();
      return text ? { mode: { kind: 'browse' }, action: { type: 'note', text } } : { mode: { kind: 'browse' }, hint: 'empty note: nothing saved' };
    }
    if (key === 'escape') return { mode: { kind: 'browse' }, hint: 'note cancelled' };
    if (key === 'backspace') return { mode: { kind: 'note', text: [...mode.text].slice(0, -1).join('') } };
    if (key === 'space') return { mode: { kind: 'note', text: `${mode.text} ` } };
    if (key.length >= 1 && key !== 'unknown' && [...key].length === 1) return { mode: { kind: 'note', text: mode.text + key } };
    return { mode };
  }
  if (mode.kind === 'reason') {
    // After d: a reason's number (claimwatch reasons), or enter (or d again) for none.
    if (/^[1-9]$/.test(key)) return { mode: { kind: 'browse' }, action: { type: 'dismiss', reason: key } };
    if (key === 'enter' || key === 'd') return { mode: { kind: 'browse' }, action: { type: 'dismiss' } };
    if (key === 'escape' || key === 'backspace') return { mode: { kind: 'browse' }, hint: 'dismissal cancelled' };
    return { mode, hint: "a reason's number, enter for none, esc cancels" };
  }
  if (/^[1-9]$/.test(key)) {
    const claim = numbering[Number(key) - 1];
    if (!claim) return { mode: { kind: 'browse' }, hint: `no claim numbered ${key}: the numbers are 1-${Math.min(9, numbering.length)}` };
    return { mode: { kind: 'stance', claim } };
  }
  if (mode.kind === 'stance') {
    const stance = ({ s: 'supports', q: 'qualifies', c: 'contradicts' } as const)[key.toLowerCase() as 's' | 'q' | 'c'];
    if (stance) return { mode: { kind: 'browse' }, action: { type: 'tag', claim: mode.claim, stance } };
    if (key === 'escape' || key === 'backspace') return { mode: { kind: 'browse' }, hint: 'cancelled' };
    return { mode, hint: `${mode.claim}: s supports, q qualifies, c contradicts (esc cancels)` };
  }
  switch (key) {
    case 'enter': case 'space': case 'j': return { mode, action: { type: 'next' } };
    case 'n': return { mode: { kind: 'note', text: '' } };
    case 'd': return { mode: { kind: 'reason' } };
    case 'k': return { mode, action: { type: 'skip' } };
    case 'u': return { mode, action: { type: 'undo' } };
    case '?': return { mode, action: { type: 'help' } };
    case 'q': return { mode, action: { type: 'quit' } };
    case 's': case 'c': return { mode, hint: "press a claim's number first, then s, q or c" };
    case 'escape': return { mode };
    default: return { mode, hint: `unknown key${key === 'unknown' ? '' : ` '${key}'`}: ? shows the keys` };
  }
}

/**
 * One line of the pipe grammar (mirrors the keys): `3 s` / `3s` / `C7 q` / `extinction-enhanced contradicts`,
 * `n TEXT`, `d [REASON]`, `k`, `u`, `next` (or `j`), `?`, `q`. Blank lines and `#` comments give no action.
 * `numbering` is the order the current card numbers the claims; `claims` resolves ids and slugs.
 */
export function parseLine(line: string, numbering: readonly string[], claims: readonly Claim[]): { action?: TriageAction; error?: string } {
  const text = line.trim();
  if (!text || text.startsWith('#')) return {};
  const m = /^(\S+)(?:\s+([\s\S]*))?$/.exec(text)!;
  const word = m[1]!.toLowerCase();
  const rest = (m[2] ?? '').trim();
  const bare = (a: TriageAction): { action?: TriageAction; error?: string } =>
    rest ? { error: `'${word}' takes nothing after it` } : { action: a };
  switch (word) {
    case 'n': case 'note':
      return rest ? { action: { type: 'note', text: rest } } : { error: 'a note needs its text: n TEXT' };
    case 'd': case 'dismiss': return { action: rest ? { type: 'dismiss', reason: rest } : { type: 'dismiss' } };
    case 'k': case 'skip': return bare({ type: 'skip' });
    case 'u': case 'undo': return bare({ type: 'undo' });
    case 'j': case 'next': return bare({ type: 'next' });
    case '?': case 'help': return bare({ type: 'help' });
    case 'q': case 'quit': return bare({ type: 'quit' });
  }
  // A claim then a stance: "3 s", "3s", "C7 qualifies", "extinction-enhanced c".
  const t = /^(\d+)\s*([a-z]+)$/i.exec(text) ?? /^(\S+)\s+([a-z]+)$/i.exec(text);
  if (!t) return { error: `cannot read '${text}': expected e.g. '3 s', 'n TEXT', 'd', 'k', 'u', 'next' or 'q'` };
  let claim: string;
  if (/^\d+$/.test(t[1]!)) {
    const id = numbering[Number(t[1]) - 1];
    if (!id) return { error: `no claim numbered ${t[1]}: the numbers are 1-${numbering.length}` };
    claim = id;
  } else {
    try {
      claim = resolveClaim(t[1]!, claims).id;
    } catch (e) {
      return { error: `cannot read '${text}': ${(e as Error).message}` };
    }
  }
  try {
    return { action: { type: 'tag', claim, stance: parseStance(t[2]!) } };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** `--since`: YYYY/MM/DD or YYYY-MM-DD, a real calendar date; returns YYYY-MM-DD. */
export function parseSinceDate(input: string): string {
  const day = readCalendarDate(input);
  if (day === null) throw new UsageError(`--since takes a date as YYYY/MM/DD or YYYY-MM-DD, not '${input}'`);
  return day;
}

/** Claims in the order the card numbers them: the first suggestions, then the others in claim order. */
export function numberClaims(suggestions: readonly ClaimSuggestion[], claims: readonly Claim[], shown = SUGGESTIONS_SHOWN): Claim[] {
  const first = suggestions.slice(0, shown).map((s) => s.claim);
  const ids = new Set(first.map((c) => c.id));
  return [...first, ...claims.filter((c) => !ids.has(c.id))];
}

// ---------------------------------------------------------------------------------------------
// The session: performs actions through app/tagging.ts (each saved at once) and keeps the undo stack.
// ---------------------------------------------------------------------------------------------

/** What triage walks: the reviewer's inbox, optionally narrowed. */
export interface TriageQueueOptions {
  reviewer: string;
  /** Only papers this saved search (paper_sources.source) found. */
  query?: string;
  /** YYYY-MM-DD: papers whose Entrez date (else the day they were added) is on or after it. */
  since?: string;
  limit?: number;
}

/**
 * PMIDs of the papers the reviewer has neither tagged nor dismissed (others' tags do not take a paper
 * out of your inbox: that is what --blind double review needs), newest Entrez date first.
 */
export function triageQueue(db: Db, o: TriageQueueOptions): number[] {
  if (o.query !== undefined) {
    const known = getQuery(db, o.query) !== undefined
      || db.prepare('SELECT 1 FROM paper_sources WHERE source = ? LIMIT 1').get(o.query) !== undefined;
    if (!known) {
      const names = (db.prepare('SELECT name FROM queries WHERE removed_at IS NULL ORDER BY name').pluck().all() as string[]).join(', ');
      throw new UsageError(`no saved search named '${o.query}': known searches are ${names || 'none (queries add)'}`);
    }
  }
  const clauses = [
    'p.deleted_at IS NULL',
    'NOT EXISTS (SELECT 1 FROM tags t WHERE t.pmid = p.pmid AND t.reviewer = @reviewer)',
    'NOT EXISTS (SELECT 1 FROM dismissals d WHERE d.pmid = p.pmid AND d.reviewer = @reviewer)',
  ];
  if (o.query !== undefined) clauses.push('EXISTS (SELECT 1 FROM paper_sources s WHERE s.pmid = p.pmid AND s.source = @query)');
  if (o.since !== undefined) clauses.push('coalesce(p.entrez_date, substr(p.added_at, 1, 10)) >= @since');
  return db.prepare(
    `SELECT p.pmid FROM papers p WHERE ${clauses.join(' AND ')}
     ORDER BY coalesce(p.entrez_date, substr(p.added_at, 1, 10)) DESC, p.pmid DESC LIMIT @limit`,
  ).pluck().all({ reviewer: o.reviewer, query: o.query ?? null, since: o.since ?? null, limit: o.limit ?? -1 }) as number[];
}

type UndoEntry =
  | { kind: 'tag'; index: number; pmid: number; claim: string; stance: Stance; before: { stance: Stance; note: string | null } | null }
  | { kind: 'note'; index: number; pmid: number; claim: string; stance: Stance; before: string | null }
  | { kind: 'dismiss'; index: number; pmid: number }
  | { kind: 'skip'; index: number; pmid: number };

/** How a session orders its queue and what it learns from. */
export interface TriageSessionOptions {
  /** 'ranked' (the default): by the ranking once there is a tag and a dismissal; 'newest': the queue as given. */
  order?: ScreeningOrder;
  /** At most this many papers are shown. */
  limit?: number;
  /** Learn from this reviewer's decisions only (triage --blind), not the whole team's. */
  blind?: boolean;
  /** An already built ranking of the library (tests and benchmarks reuse one). */
  screening?: LibraryScreening;
}

/**
 * A triage run over a queue of PMIDs (the reviewer's inbox, newest first); every action is saved before
 * `apply` returns. In ranked order the next paper is chosen when it is needed, from the ranking as it stands
 * after the last decision, so a tag, a dismissal or an undo re-ranks what comes next.
 */
export class TriageSession {
  private index = 0;
  private quitted = false;
  private readonly undoStack: UndoEntry[] = [];
  /** The papers shown, in order; the ones after `index` are re-chosen when an undo goes back. */
  private readonly visited: number[] = [];
  private readonly shown = new Set<number>();
  private readonly total: number;
  private readonly order: ScreeningOrder;
  private screeningCache: LibraryScreening | undefined;
  private stale = false;

  constructor(
    private readonly db: Db,
    private readonly queue: readonly number[],
    readonly reviewer: string,
    private readonly now: () => string,
    private readonly opts: TriageSessionOptions = {},
  ) {
    this.order = opts.order ?? 'ranked';
    this.total = Math.min(queue.length, opts.limit ?? Infinity);
    this.screeningCache = opts.screening;
  }

  /** The ranking, built on first use and brought up to date after each decision. */
  private get screening(): LibraryScreening {
    if (!this.screeningCache) this.screeningCache = new LibraryScreening(this.db, this.learnFrom());
    else if (this.stale) this.screeningCache.refresh();
    this.stale = false;
    return this.screeningCache;
  }

  private learnFrom(): string | undefined {
    return this.opts.blind ? this.reviewer : undefined;
  }

  /**
   * The cold estimate while there is nothing to rank by (without building the ranking: a large library
   * waiting for its first decisions starts at once), else null. Once built, the ranking answers.
   */
  private cold(): Estimate | null {
    if (this.screeningCache) return this.screening.ready ? null : this.screening.estimate();
    return coldLibraryEstimate(this.db, this.learnFrom());
  }

  /** 0-based index of the current paper in the session. */
  get position(): number {
    return this.index;
  }

  /** The PMID of the current paper, chosen now if it has not been yet; undefined at the end. */
  private current(): number | undefined {
    if (this.index < this.visited.length) return this.visited[this.index];
    if (this.index >= this.total) return undefined;
    const taken = new Set(this.visited);
    const pmid = this.ranked()
      ? this.screening.next(this.queue, (p) => taken.has(p))
      : this.queue.find((p) => !taken.has(p));
    if (pmid === undefined) return undefined;
    this.visited.push(pmid);
    this.shown.add(pmid);
    return pmid;
  }

  /** True when the queue follows the ranking now: ranked order asked for, and a tag and a dismissal to learn from. */
  private ranked(): boolean {
    return this.order === 'ranked' && this.cold() === null;
  }

  /** True once the queue is walked to its end or the reviewer quit. */
  get done(): boolean {
    return this.quitted || this.current() === undefined;
  }

  /** The card of the current paper, read fresh from the library (tags made elsewhere show up). */
  card(): TriageCard {
    const pmid = this.current();
    if (pmid === undefined) throw new ClaimwatchError('triage: no current paper');
    const paper = showPaper(this.db, pmid);
    const claims = listClaims(this.db).filter((c) => !c.retiredAt);
    const keyword = suggestClaims(paper, claims);
    const cold = this.cold();
    const screening = cold ? undefined : this.screening;
    const suggestions = screening ? withLearned(keyword, screening.claimScores(pmid), claims) : keyword;
    return {
      paper, position: this.index + 1, total: this.total, reviewer: this.reviewer,
      suggestions: suggestions.slice(0, SUGGESTIONS_SHOWN), numbering: numberClaims(suggestions, claims),
      remaining: this.total - this.index - 1, order: this.ranked() ? 'ranked' : 'newest',
      score: screening?.score(pmid) ?? null, estimate: cold ?? screening!.estimate(),
    };
  }

  /** Active claims, for resolving ids and slugs typed in the pipe grammar. */
  claims(): Claim[] {
    return listClaims(this.db).filter((c) => !c.retiredAt);
  }

  /** Records a decision made in ranked order, with the stopping advice the ranking now gives. */
  private noteDecision(ranked: boolean): void {
    if (ranked) recordRankedDecision(this.db, this.now(), this.screening.estimate());
  }

  /** Performs one action; refusals (e.g. dismissing a paper you tagged) come back as events, not errors. */
  apply(action: TriageAction): TriageEvent {
    if (action.type === 'quit') {
      this.quitted = true;
      return { kind: 'quit' };
    }
    if (action.type === 'help') return { kind: 'help' };
    if (action.type === 'undo') return this.undo();
    const pmid = this.current();
    if (pmid === undefined) return { kind: 'refused', reason: 'no paper left' };
    // Whether this paper was chosen by the ranking, for the record `methods` reads.
    const ranked = this.ranked();
    try {
      switch (action.type) {
        case 'tag': {
          const old = getTag(this.db, pmid, action.claim, this.reviewer);
          const change = tagPaper(this.db, { pmid, claim: action.claim, stance: action.stance, reviewer: this.reviewer, at: this.now() });
          this.undoStack.push({
            kind: 'tag', index: this.index, pmid, claim: change.claim!, stance: action.stance,
            before: old ? { stance: old.stance, note: old.note } : null,
          });
          this.stale = true;
          this.noteDecision(ranked);
          return { kind: 'tagged', change };
        }
        case 'note': {
          const last = [...this.undoStack].reverse().find((e) => (e.kind === 'tag' || e.kind === 'note') && e.pmid === pmid);
          if (!last || (last.kind !== 'tag' && last.kind !== 'note')) {
            return { kind: 'refused', reason: 'no tag on this paper yet: a note goes with a tag (a digit, then s, q or c)' };
          }
          const old = getTag(this.db, pmid, last.claim, this.reviewer);
          if (!old) return { kind: 'refused', reason: `your tag for ${last.claim} is gone: tag it again first` };
          const change = tagPaper(this.db, { pmid, claim: last.claim, stance: old.stance, note: action.text, reviewer: this.reviewer, at: this.now() });
          this.undoStack.push({ kind: 'note', index: this.index, pmid, claim: last.claim, stance: old.stance, before: old.note });
          return { kind: 'noted', change };
        }
        case 'dismiss':
          dismissPaper(this.db, { pmid, reason: action.reason, reviewer: this.reviewer, at: this.now() });
          this.undoStack.push({ kind: 'dismiss', index: this.index, pmid });
          this.stale = true;
          this.noteDecision(ranked);
          this.advance();
          return { kind: 'dismissed', pmid };
        case 'skip':
          this.undoStack.push({ kind: 'skip', index: this.index, pmid });
          this.advance();
          return { kind: 'skipped', pmid };
        case 'next':
          this.advance();
          return { kind: 'next', pmid };
      }
    } catch (e) {
      if (e instanceof ClaimwatchError) return { kind: 'refused', reason: e.message };
      throw e;
    }
  }

  /** Takes back the last tag, note, dismissal or skip (through app/tagging.ts, so the history records it) and returns to its paper. */
  private undo(): TriageEvent {
    const e = this.undoStack.pop();
    if (!e) return { kind: 'refused', reason: 'nothing to undo' };
    const at = this.now();
    const r = this.reviewer;
    try {
      let what: string;
      switch (e.kind) {
        case 'tag':
          if (e.before) {
            tagPaper(this.db, { pmid: e.pmid, claim: e.claim, stance: e.before.stance, note: e.before.note ?? '', reviewer: r, at });
            what = `${e.claim} back to ${e.before.stance}`;
          } else {
            untagPaper(this.db, { pmid: e.pmid, claim: e.claim, reviewer: r, at });
            what = `untagged ${e.claim} (was ${e.stance})`;
          }
          break;
        case 'note':
          tagPaper(this.db, { pmid: e.pmid, claim: e.claim, stance: e.stance, note: e.before ?? '', reviewer: r, at });
          what = `note on ${e.claim} ${e.before ? 'restored' : 'removed'}`;
          break;
        case 'dismiss':
          undismissPaper(this.db, { pmid: e.pmid, reviewer: r, at });
          what = 'dismissal taken back';
          break;
        case 'skip':
          what = 'skip taken back';
          break;
      }
      this.index = e.index;
      // The papers shown after it are chosen again, from the ranking as the undo left it.
      this.visited.length = e.index + 1;
      this.quitted = false;
      this.stale = true;
      return { kind: 'undone', what, pmid: e.pmid };
    } catch (err) {
      if (err instanceof ClaimwatchError) return { kind: 'refused', reason: `cannot undo: ${err.message}` };
      throw err;
    }
  }

  private advance(): void {
    this.index += 1;
  }

  /** What stands after the undos: tags per stance (one per paper and claim), dismissals, skips. */
  summary(): TriageSummary {
    const finalStance = new Map<string, Stance>();
    const papers = new Set<number>();
    let dismissed = 0;
    let skipped = 0;
    for (const e of this.undoStack) {
      if (e.kind === 'tag') {
        finalStance.set(`${e.pmid} ${e.claim}`, e.stance);
        papers.add(e.pmid);
      } else if (e.kind === 'dismiss') dismissed += 1;
      else if (e.kind === 'skip') skipped += 1;
    }
    const tags: Record<Stance, number> = { supports: 0, qualifies: 0, contradicts: 0 };
    for (const s of finalStance.values()) tags[s] += 1;
    const seen = Math.min(this.total, this.shown.size);
    return {
      reviewer: this.reviewer, total: this.total, seen, papersTagged: papers.size, tags, dismissed, skipped, quit: this.quitted,
      estimate: this.cold() ?? this.screening.estimate(),
    };
  }
}

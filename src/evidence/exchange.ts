import { STANCES, hasControlCharacter, type Stance } from './claims.js';
import { UsageError } from '../errors.js';

/**
 * A tagging event as it travels between libraries (`tags export` / `tags import`): one JSON object
 * per line. `uid` is the event's globally unique id, so the same event imported twice is stored once.
 */
export interface TagEvent {
  v: 1;
  uid: string;
  at: string;
  reviewer: string;
  action: TagAction;
  pmid: number;
  claim: string | null;
  old: string | null;
  new: string | null;
  note: string | null;
  /** A dismissal's standard exclusion reason (its code); absent for free text, no reason, and other actions. */
  reason?: string;
}

export const TAG_ACTIONS = ['tag', 'retag', 'untag', 'dismiss', 'undismiss'] as const;
export type TagAction = (typeof TAG_ACTIONS)[number];

/** The current tag or dismissal a sequence of events leaves for one key. */
export type ReplayState =
  | { kind: 'tag'; stance: Stance; note: string | null; createdAt: string; updatedAt: string }
  | { kind: 'dismissal'; reason: string | null; reasonCode: string | null; at: string }
  | null;

const UID = /^[0-9a-f]{32}$/;
const REASON_CODE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?Z$/;

/** True when an ISO time of the export's shape names a real instant (no 2026-02-30, no 24:00). */
function isRealTime(at: string): boolean {
  const m = ISO.exec(at);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d &&
    t.getUTCHours() === h && t.getUTCMinutes() === mi && t.getUTCSeconds() === s;
}

/** Events in the one order every library agrees on: time, then uid. */
export function compareEvents(a: { at: string; uid: string }, b: { at: string; uid: string }): number {
  return a.at < b.at ? -1 : a.at > b.at ? 1 : a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0;
}

/** Reads one exported line; the error names the line and what is wrong with it. */
export function parseTagEvent(line: string, where: string): TagEvent {
  let o: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    o = parsed as Record<string, unknown>;
  } catch {
    throw new UsageError(`${where} is not a JSON object: tags import reads the JSON lines written by 'claimwatch tags export'`);
  }
  const bad = (what: string): UsageError => new UsageError(`${where}: ${what} (was this file written by 'claimwatch tags export'?)`);
  if (o.v !== 1) throw bad(`unknown format version ${JSON.stringify(o.v)}`);
  if (typeof o.uid !== 'string' || !UID.test(o.uid)) throw bad('uid is not a 32-character event id');
  if (typeof o.at !== 'string' || !ISO.test(o.at)) throw bad('at is not an ISO time');
  if (!isRealTime(o.at)) {
    throw new UsageError(`${where} (event ${String(o.uid)}): ${o.at} is not a real time: correct it or remove the line, then import the file again`);
  }
  if (typeof o.reviewer !== 'string' || !o.reviewer.trim()) throw bad('reviewer is missing');
  if (hasControlCharacter(o.reviewer)) throw bad('reviewer contains a control character (a newline, tab or escape), which --reviewer refuses');
  if (typeof o.action !== 'string' || !(TAG_ACTIONS as readonly string[]).includes(o.action)) throw bad(`unknown action ${JSON.stringify(o.action)}`);
  if (typeof o.pmid !== 'number' || !Number.isSafeInteger(o.pmid) || o.pmid <= 0) throw bad('pmid is not a PMID');
  const action = o.action as TagAction;
  const isTag = action === 'tag' || action === 'retag' || action === 'untag';
  if (isTag && (typeof o.claim !== 'string' || !o.claim)) throw bad(`a ${action} event needs a claim`);
  if ((action === 'tag' || action === 'retag') && !(STANCES as readonly unknown[]).includes(o.new)) throw bad(`stance ${JSON.stringify(o.new)} is not supports, qualifies or contradicts`);
  const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  if (o.reason !== undefined && o.reason !== null) {
    if (action !== 'dismiss') throw bad(`a ${action} event carries no exclusion reason`);
    if (typeof o.reason !== 'string' || !REASON_CODE.test(o.reason)) throw bad(`exclusion reason ${JSON.stringify(o.reason)} is not a reason code such as off-topic`);
  }
  const event: TagEvent = {
    v: 1, uid: o.uid, at: o.at, reviewer: o.reviewer, action, pmid: o.pmid,
    claim: isTag ? (o.claim as string) : null, old: str(o.old), new: str(o.new), note: str(o.note),
  };
  if (typeof o.reason === 'string') event.reason = o.reason;
  return event;
}

/**
 * The tag (for a pmid, claim and reviewer) or dismissal (for a pmid and reviewer) that a key's events
 * leave, replayed in the shared order. The result depends only on the set of events, so libraries that
 * merged the same events in any order agree.
 */
export function replay(events: readonly Pick<TagEvent, 'at' | 'uid' | 'action' | 'new' | 'note' | 'reason'>[]): ReplayState {
  let state = null as ReplayState;
  for (const e of [...events].sort(compareEvents)) {
    switch (e.action) {
      case 'tag':
      case 'retag':
        state = {
          kind: 'tag', stance: e.new as Stance, note: e.note,
          createdAt: state?.kind === 'tag' ? state.createdAt : e.at, updatedAt: e.at,
        };
        break;
      case 'untag':
      case 'undismiss':
        state = null;
        break;
      case 'dismiss':
        state = { kind: 'dismissal', reason: e.note, reasonCode: e.reason ?? null, at: e.at };
        break;
    }
  }
  return state;
}

/**
 * A tagging event as the import rules see it, read from a file or from the history: `where` names its line
 * for error messages, `seq` its place in the file.
 */
export type SourcedEvent = Omit<TagEvent, 'v'> & { where?: string; seq?: number };

/** An event `tags import` refuses, and why (the CLI would have refused the action it records). */
export interface EventProblem {
  event: SourcedEvent;
  problem: string;
}

/** What the import rules need to know about the library's claims. */
export interface ClaimInfo {
  id: string;
  retiredAt: string | null;
}

/**
 * The events the CLI would not have accepted when they were made: a time after `now`, or a tag or retag
 * of a claim this library retired before the event. (Unknown claims and papers are the caller's check.)
 */
export function checkEventRules(events: readonly SourcedEvent[], claims: ReadonlyMap<string, ClaimInfo>, now: string): EventProblem[] {
  const problems: EventProblem[] = [];
  // As instants: '09:00:00Z' and '09:00:00.000Z' are the same time but do not compare equal as text.
  const nowMs = Date.parse(now);
  for (const e of events) {
    if (Date.parse(e.at) > nowMs) {
      problems.push({ event: e, problem: `${e.at} is later than now (${now}): check the clock of the machine that exported it, or remove the line` });
      continue;
    }
    const claim = e.claim !== null ? claims.get(e.claim) : undefined;
    if ((e.action === 'tag' || e.action === 'retag') && claim?.retiredAt && Date.parse(e.at) >= Date.parse(claim.retiredAt)) {
      problems.push({ event: e, problem: `tags ${claim.id}, which this library retired at ${claim.retiredAt}: restore it first with 'claimwatch claims restore ${claim.id}', or remove the line` });
    }
  }
  return problems;
}

/** What one reviewer's events on one paper leave: the tag of each claim they touch, the dismissal, and what the rules refuse. */
export interface PaperReplay {
  tags: Map<string, ReplayState>;
  dismissal: ReplayState;
  problems: EventProblem[];
}

/**
 * Replays one reviewer's tagging events on one paper (those already in the library and the new ones, told
 * apart by `isNew`) in the shared order. Besides the state each key ends in, it finds the dismissals the
 * CLI refuses: a dismissal while the same reviewer's tag on the paper stands. Such a conflict is blamed on a
 * new event (the dismissal, or the tag it meets); one made only of events already here is left alone.
 */
export function replayPaper(events: readonly SourcedEvent[], isNew: (e: SourcedEvent) => boolean): PaperReplay {
  const tags = new Map<string, ReplayState>();
  /** For each standing tag: the event that put it there (a retag keeps the original). */
  const madeBy = new Map<string, SourcedEvent>();
  let dismissal: ReplayState = null;
  const problems: EventProblem[] = [];
  for (const e of [...events].sort(compareEvents)) {
    switch (e.action) {
      case 'tag':
      case 'retag': {
        const claim = e.claim as string;
        const old = tags.get(claim);
        tags.set(claim, {
          kind: 'tag', stance: e.new as Stance, note: e.note,
          createdAt: old?.kind === 'tag' ? old.createdAt : e.at, updatedAt: e.at,
        });
        if (old?.kind !== 'tag') madeBy.set(claim, e);
        break;
      }
      case 'untag':
        tags.set(e.claim as string, null);
        madeBy.delete(e.claim as string);
        break;
      case 'dismiss': {
        const standing = [...madeBy.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
        const blamed = isNew(e) ? e : standing.map(([, t]) => t).find(isNew);
        if (standing.length && blamed) {
          const claimsList = standing.map(([c]) => c).join(', ');
          problems.push({
            event: blamed,
            problem: blamed === e
              ? `${e.reviewer} dismisses PMID ${e.pmid} while ${e.reviewer}'s tag for ${claimsList} stands: dismiss refuses that; remove the line`
              : `${e.reviewer}'s tag of PMID ${e.pmid} for ${blamed.claim as string} would still stand when ${e.reviewer} dismissed the paper here at ${e.at}: dismiss refuses that; remove the line`,
          });
        }
        dismissal = { kind: 'dismissal', reason: e.note, reasonCode: e.reason ?? null, at: e.at };
        break;
      }
      case 'undismiss':
        dismissal = null;
        break;
    }
  }
  return { tags, dismissal, problems };
}

/** The one-line refusal of a file for its problems, first event first. */
export function describeProblems(problems: readonly EventProblem[]): string {
  const seq = (e: SourcedEvent): number => e.seq ?? Number.MAX_SAFE_INTEGER;
  const sorted = [...problems].sort((a, b) => seq(a.event) - seq(b.event));
  const first = sorted[0]!;
  const more = sorted.length > 1 ? `; ${sorted.length - 1} more event(s) refused, nothing imported` : ' (nothing imported)';
  return `${first.event.where ?? 'event'} (event ${first.event.uid}): ${first.problem}${more}`;
}

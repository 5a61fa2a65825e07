import { STANCES, type Stance } from './claims.js';
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
}

export const TAG_ACTIONS = ['tag', 'retag', 'untag', 'dismiss', 'undismiss'] as const;
export type TagAction = (typeof TAG_ACTIONS)[number];

/** The current tag or dismissal a sequence of events leaves for one key. */
export type ReplayState =
  | { kind: 'tag'; stance: Stance; note: string | null; createdAt: string; updatedAt: string }
  | { kind: 'dismissal'; reason: string | null; at: string }
  | null;

const UID = /^[0-9a-f]{32}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

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
  if (typeof o.reviewer !== 'string' || !o.reviewer.trim()) throw bad('reviewer is missing');
  if (typeof o.action !== 'string' || !(TAG_ACTIONS as readonly string[]).includes(o.action)) throw bad(`unknown action ${JSON.stringify(o.action)}`);
  if (typeof o.pmid !== 'number' || !Number.isSafeInteger(o.pmid) || o.pmid <= 0) throw bad('pmid is not a PMID');
  const action = o.action as TagAction;
  const isTag = action === 'tag' || action === 'retag' || action === 'untag';
  if (isTag && (typeof o.claim !== 'string' || !o.claim)) throw bad(`a ${action} event needs a claim`);
  if ((action === 'tag' || action === 'retag') && !(STANCES as readonly unknown[]).includes(o.new)) throw bad(`stance ${JSON.stringify(o.new)} is not supports, qualifies or contradicts`);
  const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  return {
    v: 1, uid: o.uid, at: o.at, reviewer: o.reviewer, action, pmid: o.pmid,
    claim: isTag ? (o.claim as string) : null, old: str(o.old), new: str(o.new), note: str(o.note),
  };
}

/**
 * The tag (for a pmid, claim and reviewer) or dismissal (for a pmid and reviewer) that a key's events
 * leave, replayed in the shared order. The result depends only on the set of events, so libraries that
 * merged the same events in any order agree.
 */
export function replay(events: readonly Pick<TagEvent, 'at' | 'uid' | 'action' | 'new' | 'note'>[]): ReplayState {
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
        state = { kind: 'dismissal', reason: e.note, at: e.at };
        break;
    }
  }
  return state;
}

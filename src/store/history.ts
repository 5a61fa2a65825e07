import type { Db } from './db.js';
import type { HistoryEntry } from '../evidence/views.js';
export type { HistoryEntry } from '../evidence/views.js';

/** What a caller records; `at` and `id` are filled in. `reasonCode` names a standard exclusion reason. */
export type NewHistoryEntry = Omit<HistoryEntry, 'id'> & { reasonCode?: string | null };

/** Appends one entry to the history. */
export function appendHistory(db: Db, e: NewHistoryEntry): void {
  db.prepare(
    `INSERT INTO history (at, actor, action, pmid, claim_id, old_value, new_value, note, reason_code)
     VALUES (@at, @actor, @action, @pmid, @claimId, @oldValue, @newValue, @note, @reasonCode)`,
  ).run({ ...e, reasonCode: e.reasonCode ?? null });
}

const SELECT = `SELECT id, at, actor, action, pmid, claim_id AS claimId, old_value AS oldValue,
  new_value AS newValue, note FROM history`;

/** The history of one paper, oldest first. */
export function historyForPaper(db: Db, pmid: number): HistoryEntry[] {
  return db.prepare(`${SELECT} WHERE pmid = ? ORDER BY id`).all(pmid) as HistoryEntry[];
}

/** The history of one claim (its edits and every tag on it), oldest first. */
export function historyForClaim(db: Db, claimId: string): HistoryEntry[] {
  return db.prepare(`${SELECT} WHERE claim_id = ? ORDER BY id`).all(claimId) as HistoryEntry[];
}

/** A tagging event of the history in the `tags export` shape. */
export interface StoredTagEvent {
  uid: string;
  at: string;
  reviewer: string;
  action: 'tag' | 'retag' | 'untag' | 'dismiss' | 'undismiss';
  pmid: number;
  claim: string | null;
  old: string | null;
  new: string | null;
  note: string | null;
  /** The standard exclusion reason of a dismissal, or null. */
  reason: string | null;
}

const TAG_ACTIONS_SQL = `action IN ('tag', 'retag', 'untag', 'dismiss', 'undismiss')`;
const TAG_EVENT_COLUMNS = `uid, at, actor AS reviewer, action, pmid, claim_id AS claim, old_value AS old, new_value AS new, note, reason_code AS reason`;

/** Every tagging event, or one reviewer's, in no particular order. */
export function tagEvents(db: Db, reviewer?: string): StoredTagEvent[] {
  return reviewer === undefined
    ? db.prepare(`SELECT ${TAG_EVENT_COLUMNS} FROM history WHERE ${TAG_ACTIONS_SQL}`).all() as StoredTagEvent[]
    : db.prepare(`SELECT ${TAG_EVENT_COLUMNS} FROM history WHERE ${TAG_ACTIONS_SQL} AND actor = ?`).all(reviewer) as StoredTagEvent[];
}

/** Prepared once for a whole `tags import`: each call is one indexed lookup or insert. */
export interface TagEventStatements {
  /** True when an event with this uid is in the history. */
  known(uid: string): boolean;
  /** One reviewer's tagging events on one paper (one lookup in the history_key index); `reason` only where there is one. */
  ofPaper(pmid: number, reviewer: string): (Omit<StoredTagEvent, 'reason'> & { reason?: string })[];
  /** Stores an event with its uid and time; an event already here (same uid) is left alone. */
  insert(e: Omit<StoredTagEvent, 'reason'> & { reason?: string | null }): void;
}

/** The statements `tags import` runs for every event. */
export function tagEventStatements(db: Db): TagEventStatements {
  const known = db.prepare('SELECT 1 FROM history WHERE uid = ?').pluck();
  const ofPaper = db.prepare(`SELECT ${TAG_EVENT_COLUMNS} FROM history
    WHERE pmid = ? AND actor = ? AND ${TAG_ACTIONS_SQL}`);
  const insert = db.prepare(`INSERT OR IGNORE INTO history (uid, at, actor, action, pmid, claim_id, old_value, new_value, note, reason_code)
    VALUES (@uid, @at, @reviewer, @action, @pmid, @claim, @old, @new, @note, @reason)`);
  return {
    known: (uid) => known.get(uid) !== undefined,
    ofPaper: (pmid, reviewer) => (ofPaper.all(pmid, reviewer) as StoredTagEvent[]).map(({ reason, ...e }) => (reason === null ? e : { ...e, reason })),
    insert: (e) => {
      insert.run({ uid: e.uid, at: e.at, reviewer: e.reviewer, action: e.action, pmid: e.pmid, claim: e.claim, old: e.old, new: e.new, note: e.note, reason: e.reason ?? null });
    },
  };
}

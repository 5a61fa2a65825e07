import type { Db } from './db.js';
import type { HistoryEntry } from '../evidence/views.js';
export type { HistoryEntry } from '../evidence/views.js';

/** What a caller records; `at` and `id` are filled in. */
export type NewHistoryEntry = Omit<HistoryEntry, 'id'>;

/** Appends one entry to the history. */
export function appendHistory(db: Db, e: NewHistoryEntry): void {
  db.prepare(
    `INSERT INTO history (at, actor, action, pmid, claim_id, old_value, new_value, note)
     VALUES (@at, @actor, @action, @pmid, @claimId, @oldValue, @newValue, @note)`,
  ).run(e);
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

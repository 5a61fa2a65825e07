import type { Db } from './db.js';
import type { Reason } from '../evidence/reasons.js';
export type { Reason } from '../evidence/reasons.js';

/** Every standard exclusion reason, by number. */
export function listReasons(db: Db): Reason[] {
  return db.prepare('SELECT number, code, label FROM reasons ORDER BY number').all() as Reason[];
}

/** Adds a reason with the next free number; returns it. */
export function insertReason(db: Db, r: { code: string; label: string }, now: string): Reason {
  const number = (db.prepare('SELECT coalesce(max(number), 0) + 1 FROM reasons').pluck().get() as number);
  db.prepare('INSERT INTO reasons (number, code, label, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(number, r.code, r.label, now, now);
  return { number, code: r.code, label: r.label };
}

/** Changes a reason's label. */
export function updateReasonLabel(db: Db, code: string, label: string, now: string): void {
  db.prepare('UPDATE reasons SET label = ?, updated_at = ? WHERE code = ?').run(label, now, code);
}

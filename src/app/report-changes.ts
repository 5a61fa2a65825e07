import type { Db } from '../store/db.js';
import type { Report } from '../evidence/report.js';

/**
 * Fills `report.changes` (what changed since `since`, else since the previous report run) and keeps a
 * snapshot of this run. Placeholder until issue 5's snapshots land.
 */
export function attachChanges(db: Db, report: Report, opts: { since?: string; now: string; save: boolean }): Report {
  void db;
  void opts;
  return report;
}

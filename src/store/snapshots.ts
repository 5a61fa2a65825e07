import type { Db } from './db.js';
import type { Snapshot, SnapshotClaim } from '../evidence/report-changes.js';

interface SnapshotRow {
  at: string;
  data: string;
}

/** The stored JSON back into a snapshot; counts missing from an older row read as 0. */
function rowToSnapshot(row: SnapshotRow | undefined): Snapshot | null {
  if (!row) return null;
  const data = JSON.parse(row.data) as { claims?: Partial<SnapshotClaim>[] };
  const claims = (data.claims ?? []).map((c): SnapshotClaim => ({
    id: String(c.id),
    grade: c.grade!,
    counts: {
      supports: c.counts?.supports ?? 0, qualifies: c.counts?.qualifies ?? 0, contradicts: c.counts?.contradicts ?? 0,
      retracted: c.counts?.retracted ?? 0, disputed: c.counts?.disputed ?? 0, concern: c.counts?.concern ?? 0,
    },
  }));
  return { at: row.at, claims };
}

/** Keeps one report run's snapshot. */
export function saveSnapshot(db: Db, snapshot: Snapshot): void {
  db.prepare('INSERT INTO report_snapshots (at, data) VALUES (?, ?)').run(snapshot.at, JSON.stringify({ claims: snapshot.claims }));
}

/** The latest snapshot taken strictly before `at` (ISO), or null: the previous report run. */
export function latestSnapshotBefore(db: Db, at: string): Snapshot | null {
  return rowToSnapshot(db.prepare('SELECT at, data FROM report_snapshots WHERE at < ? ORDER BY at DESC, id DESC LIMIT 1').get(at) as SnapshotRow | undefined);
}

/** The latest snapshot taken at or before `at` (ISO), or null: what the report showed then. */
export function snapshotAtOrBefore(db: Db, at: string): Snapshot | null {
  return rowToSnapshot(db.prepare('SELECT at, data FROM report_snapshots WHERE at <= ? ORDER BY at DESC, id DESC LIMIT 1').get(at) as SnapshotRow | undefined);
}

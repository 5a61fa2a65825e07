import type { Db } from '../store/db.js';
import type { Report } from '../evidence/report.js';
import { allTags } from '../store/tags.js';
import type { PaperLink } from '../evidence/paper.js';
import type { IntegrityState } from '../evidence/integrity.js';
import { integrityStates } from './integrity.js';
import { latestSnapshotBefore, saveSnapshot, snapshotAtOrBefore } from '../store/snapshots.js';
import {
  computeChanges, parseSinceDate, snapshotOf, type ChangeEvent, type CurrentTag, type Snapshot,
} from '../evidence/report-changes.js';

const ACTIONS = ['tag', 'retag', 'paper-retracted', 'paper-erratum', 'paper-concern', 'paper-status'] as const;

/** The start of a local day (YYYY-MM-DD) as an ISO instant. */
function startOfDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d).toISOString();
}

/**
 * Fills `report.changes` and, when `save`, keeps a snapshot of this run (after comparing, so the comparison
 * is with an earlier one). With `since` (YYYY-MM-DD or YYYY/MM/DD, checked before anything is read or
 * written; a bad one is a UsageError) the grades are compared with the latest snapshot at or before the
 * start of that day and the history is read from then (basis 'date'); without it, with the previous report
 * run's snapshot and the history since it (basis 'previous-report'). With neither a `since` nor an earlier
 * snapshot there is nothing to compare with and `changes` stays null.
 */
export function attachChanges(db: Db, report: Report, opts: { since?: string; now: string; save: boolean }): Report {
  const day = opts.since === undefined ? null : parseSinceDate(opts.since);
  const run = db.transaction((): Report => {
    const since = day === null ? null : startOfDay(day);
    const previous: Snapshot | null = since === null ? latestSnapshotBefore(db, opts.now) : snapshotAtOrBefore(db, since);
    let changes: Report['changes'] = null;
    const from = since ?? previous?.at ?? null;
    if (from !== null) {
      // Since a date, events of that day count; since a report run, only events after it.
      const events = db.prepare(
        `SELECT at, actor, action, pmid, claim_id AS claimId, new_value AS newValue, old_value AS oldValue FROM history
         WHERE at ${since === null ? '>' : '>='} ? AND action IN (${ACTIONS.map(() => '?').join(', ')}) ORDER BY at, id`,
      ).all(from, ...ACTIONS) as ChangeEvent[];
      const pmids = [...new Set(events.map((e) => e.pmid).filter((p): p is number => p !== null))];
      const papers = new Map<number, { title: string | null; notice: number | null; integrity: IntegrityState | null }>();
      // Only the title, links and types of the papers the events name: never the raw record.
      const get = db.prepare('SELECT title, links, publication_types FROM papers WHERE pmid = ?');
      const rows = pmids.flatMap((pmid) => {
        const row = get.get(pmid) as { title: string | null; links: string; publication_types: string } | undefined;
        return row ? [{ pmid, title: row.title, links: JSON.parse(row.links) as PaperLink[], publicationTypes: JSON.parse(row.publication_types) as string[] }] : [];
      });
      const states = integrityStates(db, rows);
      for (const row of rows) {
        papers.set(row.pmid, {
          title: row.title, notice: row.links.find((l) => l.type === 'RetractionIn')?.pmid ?? null, integrity: states.get(row.pmid) ?? null,
        });
      }
      const tagsByPmid = new Map<number, CurrentTag[]>();
      for (const t of allTags(db)) {
        const list = tagsByPmid.get(t.pmid) ?? [];
        list.push({ claim: t.claim, stance: t.stance, reviewer: t.reviewer });
        tagsByPmid.set(t.pmid, list);
      }
      changes = computeChanges({
        since: from, basis: since === null ? 'previous-report' : 'date', previous, report, events, papers, tagsByPmid,
      });
    }
    if (opts.save) saveSnapshot(db, snapshotOf(report, opts.now));
    return { ...report, changes };
  });
  return opts.save ? run.immediate() : run();
}

/** Keeps the snapshot of a report that was delivered, so the next report says what changed since this one. */
export function recordReport(db: Db, report: Report, now: string): void {
  saveSnapshot(db, snapshotOf(report, now));
}

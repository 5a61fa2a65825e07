import type { Db } from './db.js';

/** One saved search's sends: per run, its status, whether it had a date window, and the run's local date. */
export function searchSends(db: Db): { query: string; status: 'ok' | 'failed'; windowed: boolean; today: string | null }[] {
  return (db.prepare(`SELECT rs.query, rs.status, rs.mindate IS NOT NULL AS windowed, json_extract(r.summary, '$.today') AS today
    FROM run_searches rs JOIN runs r ON r.id = rs.run_id WHERE r.kind = 'search' ORDER BY rs.run_id`).all() as
    { query: string; status: 'ok' | 'failed'; windowed: number; today: string | null }[]).map((r) => ({ ...r, windowed: r.windowed === 1 }));
}

/** Every finished search run: its status, local date, and whether (and over how many papers) its refresh of tagged papers succeeded. */
export function searchRuns(db: Db): { status: string; today: string | null; refreshOk: boolean; refreshChecked: number | null }[] {
  return (db.prepare(`SELECT status, json_extract(summary, '$.today') AS today, json_extract(summary, '$.refresh.ok') AS refreshOk,
      json_extract(summary, '$.refresh.checked') AS refreshChecked
    FROM runs WHERE kind = 'search' AND status != 'running' ORDER BY id`).all() as
    { status: string; today: string | null; refreshOk: number | null; refreshChecked: number | null }[]).map((r) => ({ ...r, refreshOk: r.refreshOk === 1 }));
}

/** Saved searches ever defined, with their terms. */
export function allQueries(db: Db): { name: string; term: string; description: string | null; removed: boolean }[] {
  return (db.prepare('SELECT name, term, description, removed_at IS NOT NULL AS removed FROM queries ORDER BY created_at, rowid').all() as
    { name: string; term: string; description: string | null; removed: number }[]).map((r) => ({ ...r, removed: r.removed === 1 }));
}

/** Tagged papers now retracted, and tagged papers that received an erratum or an expression of concern. */
export function taggedNotices(db: Db): { retracted: number; errata: number; concerns: number } {
  const one = (sql: string): number => db.prepare(sql).pluck().get() as number;
  return {
    retracted: one('SELECT count(*) FROM papers WHERE retracted = 1 AND pmid IN (SELECT pmid FROM tags)'),
    errata: one("SELECT count(DISTINCT pmid) FROM history WHERE action = 'paper-erratum' AND pmid IN (SELECT pmid FROM tags)"),
    concerns: one("SELECT count(DISTINCT pmid) FROM history WHERE action = 'paper-concern' AND pmid IN (SELECT pmid FROM tags)"),
  };
}

/** Files imported. */
export function importCount(db: Db): number {
  return db.prepare('SELECT count(*) FROM imports').pluck().get() as number;
}

/** Per reviewer: papers tagged, papers dismissed, and dismissals with a standard reason (current state). */
export function reviewerDecisions(db: Db): { name: string; tagged: number; dismissed: number; withReason: number }[] {
  return db.prepare(`SELECT name, sum(tagged) AS tagged, sum(dismissed) AS dismissed, sum(withReason) AS withReason FROM (
      SELECT reviewer AS name, count(DISTINCT pmid) AS tagged, 0 AS dismissed, 0 AS withReason FROM tags GROUP BY reviewer
      UNION ALL
      SELECT reviewer, 0, count(*), count(reason_code) FROM dismissals GROUP BY reviewer
    ) GROUP BY name ORDER BY name`).all() as { name: string; tagged: number; dismissed: number; withReason: number }[];
}

/** Papers on which at least two reviewers have a standing tag or dismissal. */
export function doubleScreenedCount(db: Db): number {
  return db.prepare(`SELECT count(*) FROM (SELECT pmid FROM (
      SELECT pmid, reviewer FROM tags UNION SELECT pmid, reviewer FROM dismissals
    ) GROUP BY pmid HAVING count(DISTINCT reviewer) >= 2)`).pluck().get() as number;
}

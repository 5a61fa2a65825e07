import type { Db } from './db.js';

/** One paper's text for the ranking, newest Entrez date (else date added) first, as the inbox lists them. */
export interface ScreeningRow {
  pmid: number;
  title: string | null;
  abstract: string | null;
  mesh: string;
  keywords: string;
  publication_types: string;
}

/** The text of every paper not deleted, newest first (the order the inbox shows when there is nothing to rank by). */
export function screeningTexts(db: Db): ScreeningRow[] {
  return db.prepare(
    `SELECT pmid, title, abstract, mesh, keywords, publication_types FROM papers
     WHERE deleted_at IS NULL
     ORDER BY coalesce(entrez_date, substr(added_at, 1, 10)) DESC, pmid DESC`,
  ).all() as ScreeningRow[];
}

/**
 * The standing decisions, oldest first: a paper with a tag on any claim is relevant (from its first
 * standing tag), a paper dismissed and tagged by no one irrelevant (from its first dismissal). With a
 * reviewer, only that reviewer's decisions count.
 */
export function screeningDecisions(db: Db, reviewer?: string): { pmid: number; label: 0 | 1; at: string }[] {
  const who = reviewer === undefined ? '' : 'AND reviewer = @reviewer';
  return db.prepare(
    `SELECT pmid, 1 AS label, min(created_at) AS at FROM tags WHERE 1 = 1 ${who} GROUP BY pmid
     UNION ALL
     SELECT d.pmid, 0 AS label, min(d.at) AS at FROM dismissals d
     WHERE 1 = 1 ${who.replace('reviewer', 'd.reviewer')}
       AND NOT EXISTS (SELECT 1 FROM tags t WHERE t.pmid = d.pmid ${who.replace('reviewer', 't.reviewer')})
     GROUP BY d.pmid
     ORDER BY at, pmid`,
  ).all(reviewer === undefined ? {} : { reviewer }) as { pmid: number; label: 0 | 1; at: string }[];
}

/** Which papers each claim is tagged on (by anyone, or by one reviewer). */
export function claimTagPmids(db: Db, reviewer?: string): { pmid: number; claim: string }[] {
  const who = reviewer === undefined ? '' : 'WHERE reviewer = @reviewer';
  return db.prepare(`SELECT DISTINCT pmid, claim_id AS claim FROM tags ${who}`)
    .all(reviewer === undefined ? {} : { reviewer }) as { pmid: number; claim: string }[];
}

/** PMIDs of the team's inbox (tagged and dismissed by no one, not deleted), newest first. */
export function inboxPmids(db: Db): number[] {
  return db.prepare(
    `SELECT p.pmid FROM papers p WHERE p.deleted_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM tags t WHERE t.pmid = p.pmid)
       AND NOT EXISTS (SELECT 1 FROM dismissals d WHERE d.pmid = p.pmid)
     ORDER BY coalesce(p.entrez_date, substr(p.added_at, 1, 10)) DESC, p.pmid DESC`,
  ).pluck().all() as number[];
}

/** What triage has recorded of its ranked screening (JSON in settings), or undefined. */
export function screeningUseRecord(db: Db): string | undefined {
  return db.prepare("SELECT value FROM settings WHERE key = 'screening'").pluck().get() as string | undefined;
}

/** Stores the record of ranked screening. */
export function saveScreeningUse(db: Db, value: string): void {
  db.prepare("INSERT INTO settings (key, value) VALUES ('screening', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(value);
}

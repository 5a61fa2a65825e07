import type { StanceCounts } from '../evidence/report.js';
import type { Db } from './db.js';
import type { Claim } from '../evidence/claims.js';

interface ClaimRow {
  id: string;
  slug: string;
  statement: string;
  keywords: string;
  depends_on: string;
  retired_at: string | null;
}

function toClaim(r: ClaimRow): Claim {
  return {
    id: r.id,
    slug: r.slug,
    statement: r.statement,
    keywords: JSON.parse(r.keywords) as string[],
    dependsOn: JSON.parse(r.depends_on) as string[],
    retiredAt: r.retired_at,
  };
}

/** Every claim, retired ones too, in the review's order. */
export function listClaims(db: Db): Claim[] {
  const rows = db
    .prepare('SELECT id, slug, statement, keywords, depends_on, retired_at FROM claims ORDER BY position, id')
    .all() as ClaimRow[];
  return rows.map(toClaim);
}

/** Inserts a claim at the end of the list. */
export function insertClaim(db: Db, c: Omit<Claim, 'retiredAt'>, now: string): void {
  const pos = (db.prepare('SELECT coalesce(max(position), 0) + 1 AS p FROM claims').get() as { p: number }).p;
  db.prepare(
    `INSERT INTO claims (id, slug, statement, keywords, depends_on, position, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(c.id, c.slug, c.statement, JSON.stringify(c.keywords), JSON.stringify(c.dependsOn), pos, now);
}

/** Rewrites a claim's editable fields. */
export function updateClaim(db: Db, c: Claim): void {
  db.prepare(
    'UPDATE claims SET slug = ?, statement = ?, keywords = ?, depends_on = ?, retired_at = ? WHERE id = ?',
  ).run(c.slug, c.statement, JSON.stringify(c.keywords), JSON.stringify(c.dependsOn), c.retiredAt, c.id);
}

/**
 * Number of papers per claim and stance (distinct PMIDs), as the report counts them: a retracted paper
 * only under retracted, one under an expression of concern only under concern, a paper whose reviewers
 * gave different stances only under disputed.
 */
export function claimTagCounts(db: Db): Map<string, StanceCounts> {
  const rows = db
    .prepare(
      `WITH per AS (
         SELECT t.claim_id, t.pmid, p.retracted, count(DISTINCT t.stance) AS stances, min(t.stance) AS stance,
                -- A paper stored before integrity statuses existed has no status row: its PubMed links decide.
                coalesce(max(s.concern), max(p.links LIKE '%"ExpressionOfConcernIn"%')) AS concern
         FROM tags t JOIN papers p ON p.pmid = t.pmid LEFT JOIN integrity_status s ON s.pmid = t.pmid
         GROUP BY t.claim_id, t.pmid)
       SELECT claim_id AS claimId,
              sum(retracted = 0 AND concern = 0 AND stances = 1 AND stance = 'supports') AS supports,
              sum(retracted = 0 AND concern = 0 AND stances = 1 AND stance = 'qualifies') AS qualifies,
              sum(retracted = 0 AND concern = 0 AND stances = 1 AND stance = 'contradicts') AS contradicts,
              sum(retracted = 1) AS retracted,
              sum(retracted = 0 AND concern = 0 AND stances > 1) AS disputed,
              sum(retracted = 0 AND concern = 1) AS concern
       FROM per GROUP BY claim_id`,
    )
    .all() as ({ claimId: string } & StanceCounts)[];
  return new Map(rows.map(({ claimId, ...counts }) => [claimId, counts]));
}

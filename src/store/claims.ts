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

/** Number of papers per claim and stance (distinct PMIDs), retracted papers counted apart. */
export function claimTagCounts(
  db: Db,
): Map<string, { supports: number; qualifies: number; contradicts: number; retracted: number }> {
  const rows = db
    .prepare(
      `SELECT t.claim_id AS claimId,
              count(DISTINCT CASE WHEN p.retracted = 0 AND t.stance = 'supports' THEN t.pmid END) AS supports,
              count(DISTINCT CASE WHEN p.retracted = 0 AND t.stance = 'qualifies' THEN t.pmid END) AS qualifies,
              count(DISTINCT CASE WHEN p.retracted = 0 AND t.stance = 'contradicts' THEN t.pmid END) AS contradicts,
              count(DISTINCT CASE WHEN p.retracted = 1 THEN t.pmid END) AS retracted
       FROM tags t JOIN papers p ON p.pmid = t.pmid
       GROUP BY t.claim_id`,
    )
    .all() as { claimId: string; supports: number; qualifies: number; contradicts: number; retracted: number }[];
  return new Map(rows.map(({ claimId, ...counts }) => [claimId, counts]));
}

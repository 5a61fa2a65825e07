import type { Db } from './db.js';
import { rowToPaper, type PaperRow, type StoredPaper } from './papers.js';

/** Which papers a listing shows. */
export type PaperFilter = 'all' | 'inbox' | 'tagged' | 'untagged' | 'dismissed';

const WHERE: Record<PaperFilter, string> = {
  all: '1 = 1',
  inbox: `p.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM tags t WHERE t.pmid = p.pmid)
          AND NOT EXISTS (SELECT 1 FROM dismissals d WHERE d.pmid = p.pmid)`,
  tagged: 'EXISTS (SELECT 1 FROM tags t WHERE t.pmid = p.pmid)',
  untagged: 'NOT EXISTS (SELECT 1 FROM tags t WHERE t.pmid = p.pmid)',
  dismissed: 'EXISTS (SELECT 1 FROM dismissals d WHERE d.pmid = p.pmid)',
};

/** Papers matching a filter, newest Entrez date first. */
export function listPapers(
  db: Db,
  q: { filter: PaperFilter; claim?: string; limit?: number; offset?: number },
): StoredPaper[] {
  const claimClause = q.claim ? 'AND EXISTS (SELECT 1 FROM tags t2 WHERE t2.pmid = p.pmid AND t2.claim_id = @claim)' : '';
  const limit = q.limit ?? -1;
  const rows = db
    .prepare(
      `SELECT p.* FROM papers p WHERE ${WHERE[q.filter]} ${claimClause}
       ORDER BY coalesce(p.entrez_date, substr(p.added_at, 1, 10)) DESC, p.pmid DESC
       LIMIT @limit OFFSET @offset`,
    )
    .all({ claim: q.claim ?? null, limit, offset: q.offset ?? 0 }) as PaperRow[];
  return rows.map(rowToPaper);
}

/** Number of papers matching a filter. */
export function countPapers(db: Db, filter: PaperFilter): number {
  return (db.prepare(`SELECT count(*) AS n FROM papers p WHERE ${WHERE[filter]}`).get() as { n: number }).n;
}

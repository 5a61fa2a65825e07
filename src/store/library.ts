import type { Db } from './db.js';
import { PAPER_COLUMNS, rowToPaper, type PaperRow, type StoredPaper } from './papers.js';

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

/**
 * Papers matching a filter, newest Entrez date first (the date added when PubMed gave none), then
 * highest PMID. The PMIDs of the page are chosen first, reading the papers with an Entrez date in the
 * order of the papers_entrez_date index and stopping at the end of the page, so a first page costs
 * the same in a library of a hundred papers and of a hundred thousand; the few without an Entrez
 * date are merged in by their date added. Only then are the page's rows (with their raw records) read.
 */
export function listPapers(
  db: Db,
  q: { filter: PaperFilter; claim?: string; limit?: number; offset?: number; pmids?: readonly number[] },
): StoredPaper[] {
  const claimClause = q.claim ? 'AND EXISTS (SELECT 1 FROM tags t2 WHERE t2.pmid = p.pmid AND t2.claim_id = @claim)' : '';
  const pmidClause = q.pmids ? 'AND p.pmid IN (SELECT value FROM json_each(@pmids))' : '';
  const where = `${WHERE[q.filter]} ${claimClause} ${pmidClause}`;
  const limit = q.limit ?? -1;
  const offset = q.offset ?? 0;
  // SQLite reads LIMIT -1 as no limit.
  const head = limit < 0 ? -1 : limit + offset;
  const rows = db
    .prepare(
      `WITH page AS (
         SELECT pmid, k FROM (
           SELECT * FROM (
             SELECT p.pmid, p.entrez_date AS k FROM papers p INDEXED BY papers_entrez_date
             WHERE p.entrez_date IS NOT NULL AND ${where}
             ORDER BY p.entrez_date DESC, p.pmid DESC LIMIT @head
           )
           UNION ALL
           SELECT p.pmid, substr(p.added_at, 1, 10) AS k FROM papers p
           WHERE p.entrez_date IS NULL AND ${where}
         )
         ORDER BY k DESC, pmid DESC LIMIT @limit OFFSET @offset
       )
       SELECT ${PAPER_COLUMNS} FROM page JOIN papers p ON p.pmid = page.pmid ORDER BY page.k DESC, page.pmid DESC`,
    )
    .all({ claim: q.claim ?? null, head, limit, offset, ...(q.pmids ? { pmids: JSON.stringify(q.pmids) } : {}) }) as PaperRow[];
  return rows.map(rowToPaper);
}

/** Number of papers matching a filter. */
export function countPapers(db: Db, filter: PaperFilter): number {
  return (db.prepare(`SELECT count(*) AS n FROM papers p WHERE ${WHERE[filter]}`).get() as { n: number }).n;
}

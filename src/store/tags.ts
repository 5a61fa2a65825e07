import type { Db } from './db.js';
import type { Tag } from '../evidence/claims.js';

export type { Tag };

/** A reviewer's "reviewed, bears on no claim". */
export interface Dismissal {
  pmid: number;
  reviewer: string;
  reason: string | null;
  /** The standard exclusion reason's code, or null for free text or none. */
  reasonCode?: string | null;
  at: string;
}

const TAG_SELECT = `SELECT pmid, claim_id AS claim, stance, note, reviewer, updated_at AS at FROM tags`;

/** The tag of one reviewer on one paper and claim, if any. */
export function getTag(db: Db, pmid: number, claim: string, reviewer: string): Tag | undefined {
  return db
    .prepare(`${TAG_SELECT} WHERE pmid = ? AND claim_id = ? AND reviewer = ?`)
    .get(pmid, claim, reviewer) as Tag | undefined;
}

/** Every tag on a paper, by claim then reviewer. */
export function tagsForPaper(db: Db, pmid: number): Tag[] {
  return db
    .prepare(`${TAG_SELECT} t JOIN claims c ON c.id = t.claim_id WHERE pmid = ? ORDER BY c.position, reviewer`)
    .all(pmid) as Tag[];
}

/** Every tag in the library, by claim, stance and paper. */
export function allTags(db: Db): Tag[] {
  return db.prepare(`${TAG_SELECT} ORDER BY claim_id, stance, pmid, reviewer`).all() as Tag[];
}

/** Creates or changes a tag. */
export function putTag(db: Db, t: Tag): void {
  db.prepare(
    `INSERT INTO tags (pmid, claim_id, reviewer, stance, note, created_at, updated_at)
     VALUES (@pmid, @claim, @reviewer, @stance, @note, @at, @at)
     ON CONFLICT (pmid, claim_id, reviewer) DO UPDATE
       SET stance = excluded.stance, note = excluded.note, updated_at = excluded.updated_at`,
  ).run(t);
}

/** Removes a tag (its history stays). */
export function deleteTag(db: Db, pmid: number, claim: string, reviewer: string): void {
  db.prepare('DELETE FROM tags WHERE pmid = ? AND claim_id = ? AND reviewer = ?').run(pmid, claim, reviewer);
}

/** The dismissals of a paper. */
export function dismissalsForPaper(db: Db, pmid: number): Dismissal[] {
  return db
    .prepare('SELECT pmid, reviewer, reason, reason_code AS reasonCode, at FROM dismissals WHERE pmid = ? ORDER BY at')
    .all(pmid) as Dismissal[];
}

/** Records or refreshes a reviewer's dismissal. */
export function putDismissal(db: Db, d: Dismissal): void {
  db.prepare(
    `INSERT INTO dismissals (pmid, reviewer, reason, reason_code, at) VALUES (@pmid, @reviewer, @reason, @reasonCode, @at)
     ON CONFLICT (pmid, reviewer) DO UPDATE SET reason = excluded.reason, reason_code = excluded.reason_code, at = excluded.at`,
  ).run({ ...d, reasonCode: d.reasonCode ?? null });
}

/** Removes a reviewer's dismissal. */
export function deleteDismissal(db: Db, pmid: number, reviewer: string): void {
  db.prepare('DELETE FROM dismissals WHERE pmid = ? AND reviewer = ?').run(pmid, reviewer);
}

/** Prepared once for a whole `tags import`: sets a key to the state its events replay to. */
export interface ReplayedStateStatements {
  putTag(t: { pmid: number; claim: string; reviewer: string; stance: string; note: string | null; createdAt: string; updatedAt: string }): void;
  deleteTag(pmid: number, claim: string, reviewer: string): void;
  putDismissal(d: Dismissal): void;
  deleteDismissal(pmid: number, reviewer: string): void;
}

/** The statements that write replayed tags and dismissals, each keyed by its primary key. */
export function replayedStateStatements(db: Db): ReplayedStateStatements {
  const putTag = db.prepare(`INSERT INTO tags (pmid, claim_id, reviewer, stance, note, created_at, updated_at)
    VALUES (@pmid, @claim, @reviewer, @stance, @note, @createdAt, @updatedAt)
    ON CONFLICT (pmid, claim_id, reviewer) DO UPDATE SET stance = excluded.stance, note = excluded.note,
      created_at = excluded.created_at, updated_at = excluded.updated_at`);
  const delTag = db.prepare('DELETE FROM tags WHERE pmid = ? AND claim_id = ? AND reviewer = ?');
  const putDis = db.prepare(`INSERT INTO dismissals (pmid, reviewer, reason, reason_code, at) VALUES (@pmid, @reviewer, @reason, @reasonCode, @at)
    ON CONFLICT (pmid, reviewer) DO UPDATE SET reason = excluded.reason, reason_code = excluded.reason_code, at = excluded.at`);
  const delDis = db.prepare('DELETE FROM dismissals WHERE pmid = ? AND reviewer = ?');
  return {
    putTag: (t) => { putTag.run(t); },
    deleteTag: (pmid, claim, reviewer) => { delTag.run(pmid, claim, reviewer); },
    putDismissal: (d) => { putDis.run({ ...d, reasonCode: d.reasonCode ?? null }); },
    deleteDismissal: (pmid, reviewer) => { delDis.run(pmid, reviewer); },
  };
}

/** The PMIDs among `pmids` that are not in the library, ascending. */
export function missingPapers(db: Db, pmids: Iterable<number>): number[] {
  const has = db.prepare('SELECT 1 FROM papers WHERE pmid = ?').pluck();
  return [...new Set(pmids)].filter((p) => has.get(p) === undefined).sort((a, b) => a - b);
}

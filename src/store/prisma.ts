import type { Db } from './db.js';

/** A paper's row as the PRISMA flow reads it. */
export interface FlowPaperRow {
  pmid: number;
  addedAt: string;
  deleted: boolean;
  retracted: boolean;
}

/** Every paper's added time, deletion and retraction, by PMID. */
export function flowPapers(db: Db): FlowPaperRow[] {
  return (db.prepare('SELECT pmid, added_at AS addedAt, deleted_at IS NOT NULL AS deleted, retracted FROM papers ORDER BY pmid')
    .all() as { pmid: number; addedAt: string; deleted: number; retracted: number }[])
    .map((r) => ({ pmid: r.pmid, addedAt: r.addedAt, deleted: r.deleted === 1, retracted: r.retracted === 1 }));
}

/** Every (source, PMID) provenance row. */
export function allSources(db: Db): { source: string; pmid: number; firstSeenAt: string }[] {
  return db.prepare('SELECT source, pmid, first_seen_at AS firstSeenAt FROM paper_sources').all() as { source: string; pmid: number; firstSeenAt: string }[];
}

/** Every current dismissal with its reason. */
export function allDismissals(db: Db): { pmid: number; reviewer: string; reason: string | null; reasonCode: string | null; at: string }[] {
  return db.prepare('SELECT pmid, reviewer, reason, reason_code AS reasonCode, at FROM dismissals').all() as
    { pmid: number; reviewer: string; reason: string | null; reasonCode: string | null; at: string }[];
}

/** Every saved search ever defined, removed ones too, in the order they were added. */
export function allQueryNames(db: Db): string[] {
  return db.prepare('SELECT name FROM queries ORDER BY created_at, rowid').pluck().all() as string[];
}

/** When each paper was first marked retracted, for those PubMed retracted. */
export function retractionTimes(db: Db): Map<number, string> {
  const rows = db.prepare("SELECT pmid, min(at) AS at FROM history WHERE action = 'paper-retracted' GROUP BY pmid").all() as { pmid: number; at: string }[];
  return new Map(rows.map((r) => [r.pmid, r.at]));
}

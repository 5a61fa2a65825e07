import type { Db } from '../store/db.js';
import { PaperStore, type StoredPaper } from '../store/papers.js';
import { listPapers, type PaperFilter } from '../store/library.js';
import { listClaims } from '../store/claims.js';
import { historyForPaper, type HistoryEntry } from '../store/history.js';
import { resolveClaim, type Stance } from '../evidence/claims.js';
import { requirePaper } from './tagging.js';
import { sourcesOf } from '../store/searches.js';
import { integrityStates, pmidsInStatus } from './integrity.js';
import type { IntegrityState, StatusFilter } from '../evidence/integrity.js';
import type { PaperView } from '../evidence/views.js';
import type { Estimate } from '../screening/screening.js';
import { inboxPmids } from '../store/screening.js';
import { coldLibraryEstimate, LibraryScreening, type ScreeningOrder } from './screening.js';
export type { PaperView } from '../evidence/views.js';

type TagRow = { pmid: number; claim: string; stance: Stance; note: string | null; reviewer: string; at: string };
type DismissalRow = { pmid: number; reviewer: string; reason: string | null; at: string };

function toView(p: StoredPaper, tags: TagRow[], dismissals: DismissalRow[], integrity: IntegrityState | null): PaperView {
  return {
    pmid: p.pmid, type: p.type, title: p.title, abstract: p.abstract, authors: p.authors, journal: p.journal,
    journalAbbrev: p.journalAbbrev, year: p.year, pubDate: p.pubDate, doi: p.doi, pmcid: p.pmcid,
    publicationTypes: p.publicationTypes, mesh: p.mesh, keywords: p.keywords, language: p.language,
    retracted: p.retracted, links: p.links, dateRevised: p.dateRevised, entrezDate: p.entrezDate,
    deleted: p.deletedAt !== null,
    dismissed: dismissals.length > 0,
    dismissals: dismissals.map(({ reviewer, reason, at }) => ({ reviewer, reason, at })),
    tags: tags.map(({ claim, stance, note, reviewer, at }) => ({ claim, stance, note, reviewer, at })),
    integrity,
  };
}

/** Attaches tags and dismissals to papers with two queries, whatever the number of papers. */
function views(db: Db, papers: StoredPaper[]): PaperView[] {
  if (papers.length === 0) return [];
  const ids = JSON.stringify(papers.map((p) => p.pmid));
  const tags = db
    .prepare(
      `SELECT t.pmid, t.claim_id AS claim, t.stance, t.note, t.reviewer, t.updated_at AS at
       FROM tags t JOIN claims c ON c.id = t.claim_id
       WHERE t.pmid IN (SELECT value FROM json_each(?)) ORDER BY c.position, t.reviewer`,
    )
    .all(ids) as TagRow[];
  const dismissals = db
    .prepare('SELECT pmid, reviewer, reason, at FROM dismissals WHERE pmid IN (SELECT value FROM json_each(?)) ORDER BY at')
    .all(ids) as DismissalRow[];
  const byPmid = <T extends { pmid: number }>(rows: T[]): Map<number, T[]> => {
    const m = new Map<number, T[]>();
    for (const r of rows) m.set(r.pmid, [...(m.get(r.pmid) ?? []), r]);
    return m;
  };
  const t = byPmid(tags);
  const d = byPmid(dismissals);
  const states = integrityStates(db, papers);
  return papers.map((p) => toView(p, t.get(p.pmid) ?? [], d.get(p.pmid) ?? [], states.get(p.pmid) ?? null));
}

/** One paper with its tags, or a UsageError when it is not stored. */
export function showPaper(db: Db, pmid: number): PaperView {
  return { ...views(db, [requirePaper(db, pmid)])[0]!, foundBy: sourcesOf(db, pmid) };
}

/** Papers matching a filter (and optionally tagged for one claim), newest first. */
export function findPapers(
  db: Db,
  q: { filter: PaperFilter; claim?: string; limit?: number; offset?: number; status?: StatusFilter },
): PaperView[] {
  const claim = q.claim ? resolveClaim(q.claim, listClaims(db)).id : undefined;
  const pmids = q.status ? pmidsInStatus(db, q.status) : undefined;
  return views(db, listPapers(db, { filter: q.filter, limit: q.limit, offset: q.offset, claim, pmids }));
}

/** The full history of one paper, oldest first. */
export function paperHistory(db: Db, pmid: number): HistoryEntry[] {
  requirePaper(db, pmid);
  return historyForPaper(db, pmid);
}

/** The stored paper or undefined (no error). */
export function getPaper(db: Db, pmid: number): StoredPaper | undefined {
  return new PaperStore(db).get(pmid);
}

/** The inbox in screening order, each paper with its score, and the estimate of what is still unread. */
export interface RankedInbox {
  /** The order used: ranked once there is a tag and a dismissal (unless newest was asked for). */
  order: ScreeningOrder;
  papers: (PaperView & { score: number | null })[];
  /** null with --order newest, which builds no ranking (today's quick listing). */
  estimate: Estimate | null;
}

/**
 * The team's inbox (papers no one has tagged or dismissed): ranked by the decisions of the whole team
 * once there is a tag and a dismissal, else (or with order 'newest') newest first with no score.
 */
export function rankedInbox(db: Db, q: { order: ScreeningOrder; limit?: number }): RankedInbox {
  const cold = q.order === 'ranked' ? coldLibraryEstimate(db) : null;
  if (q.order === 'newest' || cold) {
    const papers = findPapers(db, { filter: 'inbox', limit: q.limit }).map((p) => ({ ...p, score: null }));
    return { order: 'newest', papers, estimate: cold };
  }
  const screening = new LibraryScreening(db);
  const ordered = screening.order(inboxPmids(db)).slice(0, q.limit ?? Infinity);
  const store = new PaperStore(db);
  const papers = views(db, ordered.map((p) => store.get(p)!)).map((p) => ({ ...p, score: screening.score(p.pmid) }));
  return { order: 'ranked', papers, estimate: screening.estimate() };
}

import type { Db } from './db.js';
import type { SavedQuery, RunSearchRow, RunRow } from '../evidence/views.js';
export type { SavedQuery, RunSearchRow, RunRow } from '../evidence/views.js';

const QUERY_COLUMNS = `name, term, description, created_at AS createdAt, removed_at AS removedAt,
  last_success_at AS lastSuccessAt, watermark`;

/** Active saved searches, in the order they were added. */
export function listQueries(db: Db): SavedQuery[] {
  return db.prepare(`SELECT ${QUERY_COLUMNS} FROM queries WHERE removed_at IS NULL ORDER BY created_at, rowid`).all() as SavedQuery[];
}

/** One saved search by name, removed ones included. */
export function getQuery(db: Db, name: string): SavedQuery | undefined {
  return db.prepare(`SELECT ${QUERY_COLUMNS} FROM queries WHERE name = ?`).get(name) as SavedQuery | undefined;
}

/** Adds a search, or brings back a removed one under a new term with a fresh start. */
export function putQuery(db: Db, q: { name: string; term: string; description: string | null }, now: string): void {
  db.prepare(`INSERT INTO queries (name, term, description, created_at) VALUES (@name, @term, @description, @now)
    ON CONFLICT (name) DO UPDATE SET term = @term, description = @description, removed_at = NULL,
      last_success_at = NULL, watermark = NULL`).run({ ...q, now });
}

/** Marks a search removed; the papers it found and their provenance stay. */
export function removeQuery(db: Db, name: string, now: string): boolean {
  return db.prepare('UPDATE queries SET removed_at = ? WHERE name = ? AND removed_at IS NULL').run(now, name).changes > 0;
}

/** Moves a search's high-water mark: only ever called when every page and batch of it succeeded. */
export function markQuerySuccess(db: Db, name: string, at: string, watermark: string): void {
  db.prepare('UPDATE queries SET last_success_at = ?, watermark = ? WHERE name = ?').run(at, watermark, name);
}

/** Papers each source found (all, and not deleted). */
export function sourceCounts(db: Db): Map<string, number> {
  const rows = db.prepare(`SELECT s.source, count(*) AS n FROM paper_sources s JOIN papers p ON p.pmid = s.pmid
    WHERE p.deleted_at IS NULL GROUP BY s.source`).all() as { source: string; n: number }[];
  return new Map(rows.map((r) => [r.source, r.n]));
}

/** Records that `source` found these PMIDs (they must be stored already). */
export function recordSources(db: Db, source: string, pmids: readonly number[], runId: number | null, now: string): void {
  const stmt = db.prepare(`INSERT INTO paper_sources (source, pmid, first_run, first_seen_at, last_seen_at)
    VALUES (?, ?, ?, ?, ?) ON CONFLICT (source, pmid) DO UPDATE SET last_seen_at = excluded.last_seen_at`);
  for (const pmid of pmids) stmt.run(source, pmid, runId, now, now);
}

/** The sources that found one paper, oldest first. */
export function sourcesOf(db: Db, pmid: number): { source: string; firstSeenAt: string }[] {
  return db.prepare('SELECT source, first_seen_at AS firstSeenAt FROM paper_sources WHERE pmid = ? ORDER BY first_seen_at, source')
    .all(pmid) as { source: string; firstSeenAt: string }[];
}

/** Which of these PMIDs are stored (deleted ones included: they are known, a refresh brings them back). */
export function storedPmids(db: Db, pmids: readonly number[]): Set<number> {
  const found = new Set<number>();
  const stmt = db.prepare('SELECT pmid FROM papers WHERE pmid = ?').pluck();
  for (const p of pmids) if (stmt.get(p) !== undefined) found.add(p);
  return found;
}

/**
 * The PMIDs among these whose stored record is PubMed's own (XML or MEDLINE): a paper known only from a
 * CSV or RIS export is still to be fetched, so that PubMed's record replaces it.
 */
export function pubmedPmids(db: Db, pmids: readonly number[]): Set<number> {
  const found = new Set<number>();
  const stmt = db.prepare("SELECT pmid FROM papers WHERE pmid = ? AND raw_format IN ('pubmed-xml', 'medline')").pluck();
  for (const p of pmids) if (stmt.get(p) !== undefined) found.add(p);
  return found;
}

/** Every PMID that carries at least one tag, ascending. */
export function taggedPmids(db: Db): number[] {
  return db.prepare('SELECT DISTINCT pmid FROM tags ORDER BY pmid').pluck().all() as number[];
}

export function getSetting(db: Db, key: string): string | undefined {
  return db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(key) as string | undefined;
}

export function setSetting(db: Db, key: string, value: string): void {
  db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}

/** Logs the start of a run; returns its id. */
export function startRun(db: Db, kind: 'search' | 'fetch', at: string): number {
  return Number(db.prepare("INSERT INTO runs (kind, started_at, status) VALUES (?, ?, 'running')").run(kind, at).lastInsertRowid);
}

/** Logs the outcome of one search within a run. */
export function logRunSearch(db: Db, runId: number, r: RunSearchRow): void {
  db.prepare(`INSERT INTO run_searches (run_id, query, status, mindate, maxdate, found, new, updated, known, error)
    VALUES (@runId, @query, @status, @mindate, @maxdate, @found, @new, @updated, @known, @error)
    ON CONFLICT (run_id, query) DO UPDATE SET status = @status, mindate = @mindate, maxdate = @maxdate, found = @found,
      new = @new, updated = @updated, known = @known, error = @error`).run({ runId, ...r });
}

/** Logs the end of a run. */
export function finishRun(db: Db, runId: number, at: string, status: 'ok' | 'failed', error: string | null, summary: unknown): void {
  db.prepare('UPDATE runs SET finished_at = ?, status = ?, error = ?, summary = ? WHERE id = ?')
    .run(at, status, error, JSON.stringify(summary), runId);
}

/** The most recent runs, newest first. */
export function listRuns(db: Db, limit: number): RunRow[] {
  const runs = db.prepare(`SELECT id, kind, started_at AS startedAt, finished_at AS finishedAt, status, error
    FROM runs ORDER BY id DESC LIMIT ?`).all(limit) as Omit<RunRow, 'searches'>[];
  const per = db.prepare(`SELECT query, status, mindate, maxdate, found, new, updated, known, error
    FROM run_searches WHERE run_id = ? ORDER BY rowid`);
  return runs.map((r) => ({ ...r, searches: per.all(r.id) as RunSearchRow[] }));
}

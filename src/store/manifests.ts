import type { Db } from './db.js';
import type { SearchManifest } from '../evidence/manifest.js';
import type { RunRow, RunSearchRow } from '../evidence/views.js';
export type { SearchManifest } from '../evidence/manifest.js';

interface ManifestRow {
  run_id: number; query: string; at: string; term: string; datetype: string | null; mindate: string | null; maxdate: string | null;
  sort: string | null; reported_count: number; pmids: string; pmids_sha256: string; slices: number; fetched: string; retried: string;
  missing: string; requests: number; http_retries: number; status: 'ok' | 'failed'; error: string | null;
}

function toManifest(r: ManifestRow): SearchManifest {
  return {
    runId: r.run_id, query: r.query, at: r.at, term: r.term, datetype: r.datetype, mindate: r.mindate, maxdate: r.maxdate, sort: r.sort,
    reportedCount: r.reported_count, pmids: JSON.parse(r.pmids) as number[], pmidsSha256: r.pmids_sha256, slices: r.slices,
    fetched: JSON.parse(r.fetched) as number[], retried: JSON.parse(r.retried) as number[], missing: JSON.parse(r.missing) as number[],
    requests: r.requests, httpRetries: r.http_retries, status: r.status, error: r.error,
  };
}

/** Stores (or replaces) the manifest of one search of one run. */
export function putManifest(db: Db, m: SearchManifest): void {
  db.prepare(`INSERT INTO run_manifests (run_id, query, at, term, datetype, mindate, maxdate, sort, reported_count, pmids, pmids_sha256,
      slices, fetched, retried, missing, requests, http_retries, status, error)
    VALUES (@runId, @query, @at, @term, @datetype, @mindate, @maxdate, @sort, @reportedCount, @pmids, @pmidsSha256,
      @slices, @fetched, @retried, @missing, @requests, @httpRetries, @status, @error)
    ON CONFLICT (run_id, query) DO UPDATE SET at = excluded.at, term = excluded.term, datetype = excluded.datetype,
      mindate = excluded.mindate, maxdate = excluded.maxdate, sort = excluded.sort, reported_count = excluded.reported_count,
      pmids = excluded.pmids, pmids_sha256 = excluded.pmids_sha256, slices = excluded.slices, fetched = excluded.fetched,
      retried = excluded.retried, missing = excluded.missing, requests = excluded.requests, http_retries = excluded.http_retries,
      status = excluded.status, error = excluded.error`).run({
    ...m, pmids: JSON.stringify(m.pmids), fetched: JSON.stringify(m.fetched), retried: JSON.stringify(m.retried), missing: JSON.stringify(m.missing),
  });
}

/** The manifests of one run (by search, in the order they ran), or of every run (oldest first). */
export function listManifests(db: Db, runId?: number): SearchManifest[] {
  const rows = runId === undefined
    ? db.prepare('SELECT * FROM run_manifests ORDER BY run_id, rowid').all() as ManifestRow[]
    : db.prepare('SELECT * FROM run_manifests WHERE run_id = ? ORDER BY rowid').all(runId) as ManifestRow[];
  return rows.map(toManifest);
}

/** One run of the log with its searches' outcomes, or undefined. */
export function getRunRow(db: Db, id: number): RunRow | undefined {
  const run = db.prepare(`SELECT id, kind, started_at AS startedAt, finished_at AS finishedAt, status, error FROM runs WHERE id = ?`)
    .get(id) as Omit<RunRow, 'searches'> | undefined;
  if (!run) return undefined;
  const searches = db.prepare(`SELECT query, status, mindate, maxdate, found, new, updated, known, error
    FROM run_searches WHERE run_id = ? ORDER BY rowid`).all(id) as RunSearchRow[];
  return { ...run, searches };
}

import type { Db } from '../store/db.js';
import { getQuery, listQueries, listRuns, putQuery, removeQuery, sourceCounts, type SavedQuery } from '../store/searches.js';
import { UsageError } from '../errors.js';
import { READING_LIST_SOURCE } from './search.js';
import type { QuerySummary, RunRow } from '../evidence/views.js';
export type { QuerySummary } from '../evidence/views.js';

/** The run log, newest first: at most `limit` search and fetch runs. */
export function recentRuns(db: Db, limit: number): RunRow[] {
  return listRuns(db, limit);
}

/** Names that mean something else in the provenance of a paper. */
const RESERVED = new Set([READING_LIST_SOURCE, 'fetch', 'refresh']);

/** Longest term accepted: far above any real search, low enough to catch a pasted file. */
const MAX_TERM = 20_000;

/** Checks a new search's name: lower-case letters, digits and dashes, as a shell-friendly handle. */
export function validateQueryName(name: string): string {
  const n = name.trim();
  if (!/^[a-z0-9][a-z0-9-]{0,47}$/.test(n)) {
    throw new UsageError(`'${name}' is not a valid search name: use lower-case letters, digits and dashes, e.g. mdma-sleep`);
  }
  if (RESERVED.has(n)) throw new UsageError(`'${n}' is reserved by claimwatch: choose another search name`);
  return n;
}

/** Checks a PubMed term: not empty, not absurdly long, brackets and quotes balanced. */
export function validateTerm(term: string): string {
  const t = term.trim();
  if (!t) throw new UsageError('the search term is empty: give a PubMed query, e.g. "MDMA[tiab] AND sleep[tiab]"');
  if (t.length > MAX_TERM) throw new UsageError(`the search term is ${t.length} characters long: keep it under ${MAX_TERM}`);
  let depth = 0;
  let quoted = false;
  for (const ch of t) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '(') depth += 1;
    else if (!quoted && ch === ')') depth -= 1;
    if (depth < 0) break;
  }
  if (quoted) throw new UsageError('the search term has an unclosed double quote: close it or remove it');
  if (depth !== 0) throw new UsageError('the search term has unbalanced parentheses: check each ( has its )');
  return t;
}

/** Every active search with its paper count. */
export function querySummaries(db: Db): QuerySummary[] {
  const counts = sourceCounts(db);
  return listQueries(db).map((q) => ({ ...q, papers: counts.get(q.name) ?? 0 }));
}

function unknownQuery(db: Db, name: string): UsageError {
  const names = listQueries(db).map((q) => q.name).join(', ') || 'none';
  return new UsageError(`no saved search named ${JSON.stringify(name)}: choose one of ${names}`);
}

/** One search with its recent runs. */
export function showQuery(db: Db, name: string): QuerySummary & { runs: { runId: number; startedAt: string; status: string; found: number; new: number; updated: number; error: string | null }[] } {
  const q = getQuery(db, name);
  if (!q || q.removedAt) throw unknownQuery(db, name);
  const papers = sourceCounts(db).get(q.name) ?? 0;
  const runs = listRuns(db, 200)
    .flatMap((r) => r.searches.filter((s) => s.query === q.name).map((s) => ({
      runId: r.id, startedAt: r.startedAt, status: s.status, found: s.found, new: s.new, updated: s.updated, error: s.error,
    })))
    .slice(0, 10);
  return { ...q, papers, runs };
}

/** Adds a saved search; its first run fetches everything it matches. */
export function addQuery(db: Db, name: string, term: string, description: string | undefined, now: string): SavedQuery {
  const n = validateQueryName(name);
  const t = validateTerm(term);
  const existing = getQuery(db, n);
  if (existing && !existing.removedAt) {
    throw new UsageError(`a saved search named '${n}' already exists: remove it first or choose another name`);
  }
  putQuery(db, { name: n, term: t, description: description?.trim() || null }, now);
  return getQuery(db, n)!;
}

/** Removes a saved search; the papers it found stay in the library. */
export function deleteQuery(db: Db, name: string, now: string): SavedQuery {
  const q = getQuery(db, name);
  if (!q || q.removedAt) throw unknownQuery(db, name);
  removeQuery(db, q.name, now);
  return q;
}

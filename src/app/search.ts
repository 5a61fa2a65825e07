import fs from 'node:fs';
import type { Db } from '../store/db.js';
import { PaperStore } from '../store/papers.js';
import { appendHistory } from '../store/history.js';
import {
  finishRun, getQuery, getSetting, listQueries, logRunSearch, markQuerySuccess, recordSources, setSetting,
  startRun, storedPmids, pubmedPmids, taggedPmids, type SavedQuery,
} from '../store/searches.js';
import { lockPathFor, tryLock, type Lock } from '../store/lock.js';
import { ClaimwatchError, UsageError } from '../errors.js';
import { EutilsClient, EutilsError, HostLedger, collectPmids, fetchPapers } from '../eutils/index.js';
import { paperChanges, isAlert, type PaperChange } from '../evidence/changes.js';
import { searchWindow, type SearchWindow } from '../evidence/search-window.js';
import { isPubmedFormat, shortAuthorName, type Paper } from '../evidence/paper.js';
import { recordSearchManifest, type FetchTrace } from './manifests.js';
import type { NewPaper, TaggedChange, SearchOutcome, ReadingListOutcome, RefreshOutcome, SearchSummary, IntegrityCheckOutcome } from '../evidence/views.js';
export type { NewPaper, TaggedChange, SearchOutcome, ReadingListOutcome, RefreshOutcome, SearchSummary } from '../evidence/views.js';

/** Where E-utilities lives unless CLAIMWATCH_EUTILS_URL says otherwise. */
export const DEFAULT_EUTILS_URL = 'https://eutils.ncbi.nlm.nih.gov/entrez/eutils/';

/** Identifies this software to NCBI (no spaces, as NCBI asks). */
export const TOOL_NAME = 'claimwatch';

/** PMIDs per efetch request: NCBI's own examples fetch in batches of 500. */
export const EFETCH_BATCH = 500;

/** The reading list shipped in data/. */
export const READING_LIST_FILE = new URL('../../data/reading-list.json', import.meta.url);

/** Source name under which reading-list papers are remembered. */
export const READING_LIST_SOURCE = 'reading-list';

/** How claimwatch reaches E-utilities. */
export interface EutilsSettings {
  baseUrl: string;
  email: string | undefined;
  apiKey: string | undefined;
}

/** Reads the E-utilities settings from flags and environment; refuses malformed ones. */
export function resolveEutilsSettings(flags: { email?: string; apiKey?: string }, env: NodeJS.ProcessEnv): EutilsSettings {
  const baseUrl = env.CLAIMWATCH_EUTILS_URL?.trim() || DEFAULT_EUTILS_URL;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new UsageError(`CLAIMWATCH_EUTILS_URL ${JSON.stringify(baseUrl)} is not a URL: give one like ${DEFAULT_EUTILS_URL}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`CLAIMWATCH_EUTILS_URL ${JSON.stringify(baseUrl)} is not http(s): give one like ${DEFAULT_EUTILS_URL}`);
  }
  const email = (flags.email ?? env.NCBI_EMAIL)?.trim() || undefined;
  if (email !== undefined && !/^[^\s@]+@[^\s@]+$/.test(email)) {
    throw new UsageError(`${flags.email !== undefined ? '--email' : 'NCBI_EMAIL'} ${JSON.stringify(email)} is not an e-mail address: give one NCBI can write to, e.g. you@example.org`);
  }
  const apiKey = (flags.apiKey ?? env.NCBI_API_KEY)?.trim() || undefined;
  if (apiKey !== undefined && !/^[A-Za-z0-9]+$/.test(apiKey)) {
    throw new UsageError(`${flags.apiKey !== undefined ? '--api-key' : 'NCBI_API_KEY'} is not an NCBI API key (letters and digits only): copy it again from your NCBI account settings`);
  }
  return { baseUrl: baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`, email, apiKey };
}

/** The warning printed once when NCBI would not know whom to contact. */
export const NO_EMAIL_WARNING =
  'warning: no e-mail address for NCBI: set NCBI_EMAIL or pass --email, so NCBI can contact you before blocking this address';

/** The client every network command uses; its pace is shared with other claimwatch processes through `ledgerFile`. */
export function makeClient(s: EutilsSettings, ledgerFile: string): EutilsClient {
  return new EutilsClient({ baseUrl: s.baseUrl, tool: TOOL_NAME, email: s.email, apiKey: s.apiKey, ledger: new HostLedger(ledgerFile) });
}

/** What the run is doing, for a progress bar: `done` of `total` when counting records. */
export interface SearchProgress {
  label: string;
  done?: number;
  total?: number;
}

export interface SearchOptions {
  query?: string;
  since?: string;
  dryRun?: boolean;
  /** Local date YYYY/MM/DD. */
  today: string;
  now: () => string;
  onProgress?: (p: SearchProgress) => void;
  /** Checks the tagged papers' integrity after the PubMed part (app/integrity.ts); none in a dry run. */
  integrity?: (db: Db) => Promise<IntegrityCheckOutcome>;
}

/** Reads the PMIDs of the shipped reading list. */
export function readReadingList(file: URL | string = READING_LIST_FILE): number[] {
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { pmids: { pmid: number }[] };
  return parsed.pmids.map((p) => p.pmid);
}

/** Takes the one-search-per-database lock or says who holds it. */
export function lockLibrary(db: Db, dbPath: string): Lock {
  const lock = tryLock(lockPathFor(dbPath));
  if (lock) return lock;
  const running = db.prepare("SELECT id, started_at AS at FROM runs WHERE status = 'running' ORDER BY id DESC LIMIT 1").get() as
    | { id: number; at: string }
    | undefined;
  const since = running ? ` (run ${running.id}, started ${running.at})` : '';
  throw new ClaimwatchError(`another claimwatch search or fetch is running on ${dbPath}${since}: wait for it to finish, then run this again`);
}

/** Runs left 'running' by a process that died: only called while holding the lock, so none is live. */
function closeInterruptedRuns(db: Db): void {
  db.prepare("UPDATE runs SET status = 'failed', error = 'interrupted: the process stopped before the run finished' WHERE status = 'running'").run();
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function isUnreachable(e: unknown): boolean {
  return e instanceof EutilsError && e.kind === 'unreachable';
}

function newPaperLine(p: Paper): NewPaper {
  const a = p.authors[0];
  const firstAuthor = a ? shortAuthorName(a) || null : null;
  return { pmid: p.pmid, year: p.year, firstAuthor, title: p.title };
}

/** What storing fetched records did. */
interface StoreResult {
  added: Paper[];
  updated: number;
  changes: PaperChange[];
  notReturned: number[];
}

/**
 * Fetches PMIDs in batches and stores each batch in one transaction, so a failure or a kill loses
 * at most the batch in flight, and tagging from another terminal gets the lock between batches.
 */
async function fetchAndStore(
  db: Db, client: EutilsClient, pmids: readonly number[],
  opts: { source: string | null; runId: number | null; now: () => string; onBatch?: (done: number) => void; trace?: FetchTrace },
): Promise<StoreResult> {
  const store = new PaperStore(db);
  const result: StoreResult = { added: [], updated: 0, changes: [], notReturned: [] };
  let done = 0;
  for await (const batch of fetchPapers(client, [...pmids], { batchSize: EFETCH_BATCH })) {
    const now = opts.now();
    db.transaction(() => {
      for (const paper of batch.papers) {
        const before = store.get(paper.pmid);
        const outcome = store.upsert(paper, now, opts.source ?? 'refresh');
        if (outcome === 'added') result.added.push(paper);
        if (outcome !== 'updated' || !before) continue;
        result.updated += 1;
        const change = paperChanges(before, paper);
        // PubMed's record replacing an export's is no revision; only its notices (a retraction) are news.
        if (!change || (!isPubmedFormat(before.rawFormat) && !isAlert(change))) continue;
        result.changes.push(change);
        // The retraction itself is logged by the store; errata and concerns are logged here.
        for (const kind of change.kinds) {
          if (kind !== 'erratum' && kind !== 'expression-of-concern') continue;
          appendHistory(db, {
            at: now, actor: 'claimwatch', action: kind === 'erratum' ? 'paper-erratum' : 'paper-concern',
            pmid: paper.pmid, claimId: null, oldValue: null, newValue: change.notices.join(',') || null, note: opts.source ?? 'refresh',
          });
        }
      }
      if (opts.source) recordSources(db, opts.source, batch.papers.map((p) => p.pmid), opts.runId, now);
    })();
    result.notReturned.push(...batch.missing);
    opts.trace?.record(batch);
    done += batch.requested.length;
    opts.onBatch?.(done);
  }
  return result;
}

/** Fetches and stores specific PMIDs (the fetch command). */
export async function storePmids(
  db: Db, client: EutilsClient, pmids: readonly number[], opts: { source: string; runId: number; now: () => string },
): Promise<{ added: NewPaper[]; updated: number; notReturned: number[] }> {
  const got = await fetchAndStore(db, client, pmids, opts);
  return { added: got.added.map(newPaperLine), updated: got.updated, notReturned: got.notReturned };
}

function windowOf(w: SearchWindow): SearchOutcome['window'] {
  return { datetype: 'edat', mindate: w.mindate, maxdate: w.maxdate };
}

function dateQuery(term: string, datetype: 'edat' | 'mdat', w: SearchWindow): Parameters<typeof collectPmids>[1] {
  return w.mindate && w.maxdate
    ? { term, datetype, mindate: w.mindate, maxdate: w.maxdate, sort: 'pub_date' }
    : { term, sort: 'pub_date' };
}

/**
 * One saved search: the Entrez-date window, the new PMIDs fetched and stored batch by batch, the
 * stored ones PubMed reports modified re-fetched. The mark moves only when all of it succeeded.
 */
async function runOneSearch(
  db: Db, client: EutilsClient, q: SavedQuery, opts: SearchOptions, runId: number | null, refreshed: Set<number>, changes: PaperChange[],
): Promise<{ outcome: SearchOutcome; fatal?: unknown }> {
  const w = searchWindow(q.watermark, opts.today, opts.since);
  const outcome: SearchOutcome = {
    name: q.name, ok: false, error: null, window: windowOf(w), found: 0, new: 0, updated: 0, known: 0,
    notReturned: [], watermark: { before: q.watermark, after: q.watermark }, newPapers: [],
  };
  const say = (t: string, done?: number, total?: number): void => opts.onProgress?.({ label: `${q.name}: ${t}`, done, total });
  // The manifest: what was sent and received, kept for runs show / runs verify.
  const sent = dateQuery(q.term, 'edat', w);
  const trace = runId === null ? undefined : recordSearchManifest(db, client, { runId, query: q.name, at: opts.now(), sent });
  try {
    say('searching');
    const received = await collectPmids(client, sent);
    trace?.received(received);
    const { ids } = received;
    // A paper known only from a CSV or RIS import is fetched like a new one, so PubMed's record replaces it.
    const stored = pubmedPmids(db, ids);
    const fresh = ids.filter((p) => !stored.has(p));
    const inLibrary = storedPmids(db, ids).size;
    outcome.found = ids.length;
    outcome.known = inLibrary;
    outcome.new = ids.length - inLibrary;
    if (opts.dryRun) {
      outcome.ok = true;
      return { outcome };
    }
    if (stored.size) recordSources(db, q.name, [...stored], runId, opts.now());
    const got = await fetchAndStore(db, client, fresh, {
      source: q.name, runId, now: opts.now, onBatch: (n) => say('fetching new papers', n, fresh.length), trace,
    });
    for (const p of fresh) refreshed.add(p);
    outcome.newPapers = got.added.map(newPaperLine);
    outcome.notReturned = got.notReturned;
    // Papers a later run may have stored meanwhile are "known", not new.
    outcome.new = got.added.length;
    outcome.known = ids.length - got.added.length - got.notReturned.length;
    changes.push(...got.changes);
    if (q.watermark !== null) {
      say('checking modified records');
      const { ids: modified } = await collectPmids(client, dateQuery(q.term, 'mdat', w));
      const storedModified = [...storedPmids(db, modified)].filter((p) => !refreshed.has(p));
      const upd = await fetchAndStore(db, client, storedModified, { source: null, runId, now: opts.now });
      for (const p of storedModified) refreshed.add(p);
      outcome.updated = upd.updated;
      changes.push(...upd.changes);
    }
    if (got.notReturned.length) {
      throw new ClaimwatchError(`efetch did not return ${got.notReturned.length} of the PMIDs the search listed (${got.notReturned.slice(0, 10).join(', ')}${got.notReturned.length > 10 ? ', ...' : ''}); the next run asks again`);
    }
    outcome.ok = true;
    if (w.advances) {
      markQuerySuccess(db, q.name, opts.now(), opts.today);
      outcome.watermark.after = opts.today;
    }
  } catch (e) {
    outcome.error = errorText(e);
    // PubMed out of reach: no point trying the other searches; the caller stops the run.
    if (isUnreachable(e)) return { outcome, fatal: e };
  } finally {
    trace?.finish(outcome.ok, outcome.error);
  }
  return { outcome };
}

function taggedChangeOf(db: Db, c: PaperChange): TaggedChange | null {
  const claims = db.prepare('SELECT DISTINCT claim_id FROM tags WHERE pmid = ? ORDER BY claim_id').pluck().all(c.pmid) as string[];
  if (!claims.length) return null;
  const title = db.prepare('SELECT title FROM papers WHERE pmid = ?').pluck().get(c.pmid) as string | null;
  return { pmid: c.pmid, title, claims, kinds: c.kinds, notices: c.notices };
}

/** Resolves --query to the searches to run; an unknown name is a usage error listing the known ones. */
export function selectQueries(db: Db, name: string | undefined): SavedQuery[] {
  const all = listQueries(db);
  if (name === undefined) return all;
  const q = getQuery(db, name);
  if (!q || q.removedAt) {
    const names = all.map((x) => x.name).join(', ') || 'none';
    throw new UsageError(`no saved search named ${JSON.stringify(name)}: choose one of ${names}, or add it with 'claimwatch queries add'`);
  }
  return [q];
}

/**
 * `claimwatch search`: every saved search (or one), then the reading list on the first run, then a
 * refresh of every tagged paper. Never throws for a network failure: the summary says what failed.
 */
export async function runSearch(db: Db, dbPath: string, client: EutilsClient, opts: SearchOptions): Promise<SearchSummary> {
  const queries = selectQueries(db, opts.query);
  const startedAt = opts.now();
  const lock = opts.dryRun ? null : lockLibrary(db, dbPath);
  try {
    if (!opts.dryRun) closeInterruptedRuns(db);
    const runId = opts.dryRun ? null : startRun(db, 'search', startedAt);
    const summary: SearchSummary = {
      runId, dryRun: Boolean(opts.dryRun), ok: true, error: null, startedAt, finishedAt: startedAt, today: opts.today,
      alerts: [], searches: [], readingList: null, refresh: null, requests: 0, retries: 0,
    };
    const refreshed = new Set<number>();
    const changes: PaperChange[] = [];
    try {
      for (const q of queries) {
        const { outcome: o, fatal } = await runOneSearch(db, client, q, opts, runId, refreshed, changes);
        summary.searches.push(o);
        if (runId !== null) {
          logRunSearch(db, runId, {
            query: o.name, status: o.ok ? 'ok' : 'failed', mindate: o.window.mindate, maxdate: o.window.maxdate,
            found: o.found, new: o.new, updated: o.updated, known: o.known, error: o.error,
          });
        }
        if (fatal) throw fatal;
      }
      if (!opts.dryRun) {
        summary.readingList = await fetchReadingList(db, client, runId, opts, refreshed);
        summary.refresh = await refreshTagged(db, client, opts, refreshed, changes);
      }
    } catch (e) {
      if (!isUnreachable(e)) throw e;
      summary.error = errorText(e);
    }
    // After the PubMed part, whatever became of it: a Crossref failure is reported in its own outcome.
    if (!opts.dryRun && opts.integrity) summary.integrity = await opts.integrity(db);
    summary.ok = summary.error === null && summary.searches.every((s) => s.ok) &&
      (summary.readingList?.ok ?? true) && (summary.refresh?.ok ?? true) && (summary.integrity?.ok ?? true);
    if (summary.refresh) {
      summary.alerts = summary.refresh.changes.filter((c) => c.kinds.some((k) => k !== 'revised'));
    }
    summary.requests = client.stats.requests;
    summary.retries = client.stats.retries;
    summary.finishedAt = opts.now();
    if (runId !== null) {
      const firstError = summary.error ?? summary.searches.find((s) => !s.ok)?.error ?? summary.readingList?.error ?? summary.refresh?.error ?? summary.integrity?.error ?? null;
      finishRun(db, runId, summary.finishedAt, summary.ok ? 'ok' : 'failed', firstError, summary);
    }
    return summary;
  } finally {
    lock?.release();
  }
}

/** The reading list, once: retried on later runs until its requests have all succeeded. */
async function fetchReadingList(db: Db, client: EutilsClient, runId: number | null, opts: SearchOptions, refreshed: Set<number>): Promise<ReadingListOutcome | null> {
  if (getSetting(db, 'reading_list_fetched_at')) return null;
  const pmids = readReadingList();
  const stored = pubmedPmids(db, pmids);
  const wanted = pmids.filter((p) => !stored.has(p));
  const outcome: ReadingListOutcome = { ok: false, error: null, requested: wanted.length, added: 0, notReturned: [] };
  try {
    opts.onProgress?.({ label: 'reading list: fetching' });
    const got = await fetchAndStore(db, client, wanted, { source: READING_LIST_SOURCE, runId, now: opts.now });
    if (stored.size) recordSources(db, READING_LIST_SOURCE, [...stored], runId, opts.now());
    for (const p of wanted) refreshed.add(p);
    outcome.added = got.added.length;
    outcome.notReturned = got.notReturned;
    outcome.ok = true;
    setSetting(db, 'reading_list_fetched_at', opts.now());
  } catch (e) {
    if (isUnreachable(e)) throw e;
    outcome.error = errorText(e);
  }
  return outcome;
}

/** Re-fetches every tagged paper not already fetched this run, and gathers what changed for tagged papers. */
async function refreshTagged(db: Db, client: EutilsClient, opts: SearchOptions, refreshed: Set<number>, changes: PaperChange[]): Promise<RefreshOutcome> {
  const all = taggedPmids(db);
  // Tagged papers fetched earlier in this run (new, or reported modified) are not asked for twice.
  const tagged = all.filter((p) => !refreshed.has(p));
  const outcome: RefreshOutcome = { ok: false, error: null, checked: all.length, updated: 0, notReturned: [], changes: [] };
  try {
    opts.onProgress?.({ label: 'tagged papers: fetching again', done: 0, total: tagged.length });
    const got = await fetchAndStore(db, client, tagged, {
      source: null, runId: null, now: opts.now, onBatch: (n) => opts.onProgress?.({ label: 'tagged papers: fetching again', done: n, total: tagged.length }),
    });
    outcome.notReturned = got.notReturned;
    changes.push(...got.changes);
    outcome.ok = true;
  } catch (e) {
    if (isUnreachable(e)) throw e;
    outcome.error = errorText(e);
  }
  const seen = new Set<number>();
  for (const c of changes) {
    if (seen.has(c.pmid)) continue;
    const t = taggedChangeOf(db, c);
    if (t) {
      seen.add(c.pmid);
      outcome.changes.push(t);
    }
  }
  outcome.updated = outcome.changes.length;
  // Alerts first, in PMID order; then plain revisions.
  outcome.changes.sort((a, b) => Number(isAlert(b)) - Number(isAlert(a)) || a.pmid - b.pmid);
  return outcome;
}

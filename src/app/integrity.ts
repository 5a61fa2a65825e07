// Integrity use cases: ask Crossref about papers, import a Retraction Watch file, and read each paper's
// status with its sources (for show, papers --status, the report and the exports).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { StringDecoder } from 'node:string_decoder';
import type { Db } from '../store/db.js';
import { IntegrityStore, eventsFor, paperKeys, papersToCheck, pmidsWithStatus } from '../store/integrity.js';
import { UsageError } from '../errors.js';
import { CrossrefClient, CrossrefError, DEFAULT_CROSSREF_GAP_MS } from '../crossref/client.js';
import { HostLedger, Pacer, defaultLedgerFile } from '../eutils/index.js';
import {
  crossrefNotices, crossrefUpdateToNotices, deriveIntegrity, pubmedNotices, SOURCE_LABELS, STATUS_LABELS,
  type IntegrityEvent, type IntegrityNotice, type IntegrityState, type IntegrityStatus, type StatusFilter,
} from '../evidence/integrity.js';
import { RwCsvReader, rwRowNotice } from '../evidence/rw-csv.js';
import type { Paper } from '../evidence/paper.js';
import type { IntegrityCheckOutcome, IntegrityImportOutcome, StatusChangeView } from '../evidence/views.js';
export type { IntegrityCheckOutcome, IntegrityImportOutcome, StatusChangeView } from '../evidence/views.js';

const VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

/** Where the Crossref REST API lives unless CLAIMWATCH_CROSSREF_URL says otherwise. */
export const DEFAULT_CROSSREF_URL = 'https://api.crossref.org/';

/** How claimwatch reaches Crossref. */
export interface CrossrefSettings {
  baseUrl: string;
  mailto: string | undefined;
}

/**
 * Reads the Crossref settings: CLAIMWATCH_CROSSREF_URL, and the polite-pool address from --email, else
 * CLAIMWATCH_CROSSREF_MAILTO, else NCBI_EMAIL. Refuses malformed ones.
 */
export function resolveCrossrefSettings(flags: { email?: string }, env: NodeJS.ProcessEnv): CrossrefSettings {
  const baseUrl = env.CLAIMWATCH_CROSSREF_URL?.trim() || DEFAULT_CROSSREF_URL;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new UsageError(`CLAIMWATCH_CROSSREF_URL ${JSON.stringify(baseUrl)} is not a URL: give one like ${DEFAULT_CROSSREF_URL}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`CLAIMWATCH_CROSSREF_URL ${JSON.stringify(baseUrl)} is not http(s): give one like ${DEFAULT_CROSSREF_URL}`);
  }
  const from = flags.email !== undefined ? '--email' : env.CLAIMWATCH_CROSSREF_MAILTO?.trim() ? 'CLAIMWATCH_CROSSREF_MAILTO' : 'NCBI_EMAIL';
  const mailto = (flags.email ?? (env.CLAIMWATCH_CROSSREF_MAILTO?.trim() || env.NCBI_EMAIL))?.trim() || undefined;
  if (mailto !== undefined && !/^[^\s@]+@[^\s@]+$/.test(mailto)) {
    throw new UsageError(`${from} ${JSON.stringify(mailto)} is not an e-mail address: give one Crossref can write to, e.g. you@example.org`);
  }
  return { baseUrl: baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`, mailto };
}

/** The client every integrity check uses. */
export function makeCrossrefClient(s: CrossrefSettings, ledgerFile?: string): CrossrefClient {
  // Crossref's limits are per address, like NCBI's: with a ledger, claimwatch processes on this machine share them.
  const pacer = new Pacer({ gapMs: DEFAULT_CROSSREF_GAP_MS, ledger: ledgerFile ? new HostLedger(ledgerFile) : undefined });
  return new CrossrefClient({ baseUrl: s.baseUrl, mailto: s.mailto, userAgent: `claimwatch/${VERSION}`, pacer });
}

/** The Crossref ledger beside the E-utilities one (CLAIMWATCH_PACER_FILE or its default). */
export function crossrefLedgerFile(env: NodeJS.ProcessEnv): string {
  return defaultLedgerFile(env).replace(/(\.sqlite)?$/, '-crossref.sqlite');
}

/** Tags per paper, by claim id in claim order. */
function claimsOf(db: Db, pmid: number): string[] {
  return db.prepare('SELECT DISTINCT t.claim_id FROM tags t JOIN claims c ON c.id = t.claim_id WHERE t.pmid = ? ORDER BY c.position').pluck().all(pmid) as string[];
}

function changeView(db: Db, pmid: number, from: IntegrityStatus | null, state: IntegrityState, added: readonly IntegrityNotice[]): StatusChangeView {
  const title = db.prepare('SELECT title FROM papers WHERE pmid = ?').pluck().get(pmid) as string | null | undefined;
  return {
    pmid, title: title ?? null, from, to: state.status, claims: claimsOf(db, pmid),
    notices: added.map((n) => ({ status: n.status, source: n.source, noticeDoi: n.noticeDoi, noticePmid: n.noticePmid, date: n.date })),
    disagreements: state.disagreements,
  };
}

/** The Crossref notices about one DOI: its own `updated-by`, and the notices whose `update-to` names it. */
async function crossrefFor(client: CrossrefClient, doi: string): Promise<{ found: boolean; notices: IntegrityNotice[] }> {
  const work = await client.work(doi);
  if (work === null) return { found: false, notices: [] };
  const notices = crossrefNotices(work);
  notices.push(...crossrefUpdateToNotices(await client.noticesAbout(doi), doi));
  return { found: true, notices };
}

/**
 * Asks Crossref about the tagged papers (or, with `all`, every paper) that have a DOI, and records what
 * it says, one paper per transaction: a failure keeps every paper done before it. Stops at the first
 * failure that is not about one DOI (Crossref down or out of reach) and says so; never throws for it.
 */
export async function checkIntegrity(
  db: Db, client: CrossrefClient, opts: { all?: boolean; now: () => string; onProgress?: (done: number, total: number) => void },
): Promise<IntegrityCheckOutcome> {
  const papers = papersToCheck(db, Boolean(opts.all));
  const withDoi = papers.filter((p) => p.doi);
  const store = new IntegrityStore(db);
  const outcome: IntegrityCheckOutcome = {
    ok: true, error: null, papers: papers.length, withoutDoi: papers.length - withDoi.length, checked: 0, noRecord: 0, failed: [], changes: [], requests: 0, retries: 0,
  };
  const before = { ...client.stats };
  for (const [i, p] of withDoi.entries()) {
    opts.onProgress?.(i, withDoi.length);
    let got: { found: boolean; notices: IntegrityNotice[] };
    try {
      got = await crossrefFor(client, p.doi!);
    } catch (e) {
      if (!(e instanceof CrossrefError)) throw e;
      if (e.kind === 'permanent') {
        outcome.failed.push({ pmid: p.pmid, doi: p.doi!, error: e.message });
        db.transaction(() => store.markChecked(p.pmid, 'crossref', opts.now(), 'failed'))();
        continue;
      }
      outcome.ok = false;
      outcome.error = `${e.message}; ${outcome.checked} of ${withDoi.length} papers were checked and kept, the next run checks the rest`;
      break;
    }
    const now = opts.now();
    db.transaction(() => {
      const { state, added, from } = store.apply(p.pmid, got.notices, now);
      store.markChecked(p.pmid, 'crossref', now, got.found ? 'found' : 'none');
      if (from !== state.status || added.length) outcome.changes.push(changeView(db, p.pmid, from, state, added));
    })();
    outcome.checked++;
    if (!got.found) outcome.noRecord++;
  }
  if (outcome.failed.length && outcome.ok) {
    outcome.ok = false;
    outcome.error = `Crossref refused ${outcome.failed.length} DOI(s): ${outcome.failed.slice(0, 3).map((f) => f.doi).join(', ')} (check them in the papers' records)`;
  }
  opts.onProgress?.(withDoi.length, withDoi.length);
  outcome.requests = client.stats.requests - before.requests;
  outcome.retries = client.stats.retries - before.retries;
  return outcome;
}

/** Opens a file for reading, or says in one line why it cannot be read. */
function openForReading(file: string): fs.ReadStream {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new UsageError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message} (give the Retraction Watch CSV)`);
  }
  if (stat.isDirectory()) throw new UsageError(`cannot read ${file}: it is a folder (give the Retraction Watch CSV)`);
  return fs.createReadStream(file);
}

/**
 * `claimwatch integrity import FILE.csv`: reads the Retraction Watch CSV as it streams, keeps the rows about
 * papers in the library (matched by PMID, else by DOI), and records them in one transaction once the
 * whole file has been read: a file that turns out to be damaged changes nothing. Importing the same
 * file again records nothing new.
 */
export async function importRetractionWatch(db: Db, file: string, now: () => string): Promise<IntegrityImportOutcome> {
  const { pmids, byDoi } = paperKeys(db);
  const reader = new RwCsvReader();
  const decoder = new StringDecoder('utf8');
  const matched = new Map<number, IntegrityNotice[]>();
  let rows = 0;
  let unknownNature = 0;
  const take = (batch: ReturnType<RwCsvReader['push']>): void => {
    for (const row of batch) {
      rows++;
      const r = rwRowNotice(row);
      const pmid = r.pmid !== null && pmids.has(r.pmid) ? r.pmid : r.doi !== null ? byDoi.get(r.doi) : undefined;
      if (pmid === undefined) continue;
      if (!r.notice) {
        unknownNature++;
        continue;
      }
      matched.set(pmid, [...(matched.get(pmid) ?? []), r.notice]);
    }
  };
  for await (const chunk of openForReading(file)) take(reader.push(decoder.write(chunk as Buffer)));
  take(reader.push(decoder.end()));
  take(reader.end());
  if (rows === 0) throw new UsageError(`${file} has a header but no rows: give the Retraction Watch CSV with its data`);

  const store = new IntegrityStore(db);
  const at = now();
  const outcome: IntegrityImportOutcome = { file, rows, matchedRows: 0, papers: matched.size, added: 0, unchanged: 0, unknownNature, changes: [] };
  db.transaction(() => {
    for (const [pmid, notices] of matched) {
      outcome.matchedRows += notices.length;
      const { state, added, from } = store.apply(pmid, notices, at);
      outcome.added += added.length;
      outcome.unchanged += notices.length - added.length;
      if (from !== state.status || added.length) outcome.changes.push(changeView(db, pmid, from, state, added));
    }
    db.prepare('INSERT INTO imports (file, format, at, added, updated, unchanged, deleted) VALUES (?, ?, ?, ?, ?, ?, 0)')
      .run(file, 'retraction-watch-csv', at, outcome.added, outcome.changes.filter((c) => c.from !== c.to).length, outcome.unchanged);
  })();
  return outcome;
}

/** Each paper's integrity state from every source: the stored events plus its PubMed record's own notices. */
export function integrityStates(db: Db, papers: readonly Pick<Paper, 'pmid' | 'links' | 'publicationTypes'>[]): Map<number, IntegrityState> {
  const stored = eventsFor(db, papers.map((p) => p.pmid));
  const out = new Map<number, IntegrityState>();
  for (const p of papers) {
    const own: IntegrityEvent[] = pubmedNotices(p).map((n) => ({ ...n, learnedAt: '' }));
    const events = [...own, ...(stored.get(p.pmid) ?? [])];
    if (events.length) out.set(p.pmid, deriveIntegrity(events));
  }
  return out;
}

/** PMIDs in a status group (`papers --status`). */
export function pmidsInStatus(db: Db, group: StatusFilter): number[] {
  return pmidsWithStatus(db, group);
}

/** A one-line summary of a state for lists and exports: "retracted (PubMed, Crossref/Retraction Watch)". */
export function statusLine(state: IntegrityState | undefined): string {
  if (!state || state.status === null) return '';
  const sources = [...new Set(state.notices.filter((n) => n.status === state.status).flatMap((n) => n.sources))].map((s) => SOURCE_LABELS[s]);
  return `${STATUS_LABELS[state.status]}${sources.length ? ` (${sources.join(', ')})` : ''}`;
}

/** Refuses an unknown --status value. */
export function parseStatusFilter(v: string): StatusFilter {
  if (v === 'retracted' || v === 'concern' || v === 'corrected') return v;
  throw new UsageError(`--status '${v}' is not a status: use retracted, concern or corrected`);
}


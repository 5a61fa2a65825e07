import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach } from 'vitest';
import { FakeEutils, loadFixtureCorpus, type CorpusRecord, type RequestLog } from '../fake-eutils/server.js';
import { FIXTURES, runCliAsync, tempDir } from '../helpers.js';
import { FakeCrossref } from '../fake-crossref/server.js';

/** The shipped saved searches, by name, as the CLI sends them. */
export const SHIPPED = Object.fromEntries(
  (JSON.parse(fs.readFileSync(path.resolve('data/queries.json'), 'utf8')) as { queries: { name: string; term: string }[] }).queries
    .map((q) => [q.name, q.term]),
) as Record<string, string>;

/** The real fixture corpus, indexed by PMID. */
export function corpusByPmid(): Map<number, CorpusRecord> {
  return new Map(loadFixtureCorpus().map((r) => [r.pmid, r]));
}

/** PMIDs of the one-record metapub fixtures: real, recent, journal articles. */
export function metapubPmids(): number[] {
  return fs.readdirSync(path.join(FIXTURES, 'efetch', 'metapub'))
    .filter((f) => /^\d+\.xml$/.test(f))
    .map((f) => Number(f.replace('.xml', '')))
    .sort((a, b) => a - b);
}

/** A server whose four shipped searches match the given PMIDs (the others match nothing). */
export async function startServer(searches: Partial<Record<string, number[]>>, opts: { today: string; corpus?: CorpusRecord[]; seed?: number }): Promise<FakeEutils> {
  const map: Record<string, number[]> = {};
  for (const [name, term] of Object.entries(SHIPPED)) map[term] = searches[name] ?? [];
  const server = new FakeEutils({ searches: map, today: opts.today, corpus: opts.corpus, seed: opts.seed ?? 7 });
  await server.start();
  return server;
}

/** A library path in a fresh folder. */
export function newDb(): string {
  return path.join(tempDir(), 'lib.db');
}

let sharedCrossref: Promise<FakeCrossref> | null = null;

/** One fake Crossref per test process (real recorded answers; a 404 for any DOI it was not given), so `search` never asks the real one. */
function testCrossref(): Promise<FakeCrossref> {
  sharedCrossref ??= (async () => {
    const c = new FakeCrossref();
    await c.start();
    c.unref();
    return c;
  })();
  return sharedCrossref;
}

/** Runs the CLI against the fake server at a given local date and time (libfaketime); Crossref is a fake too unless env names one. */
export async function cli(server: FakeEutils, db: string, args: string[], opts: { at?: string; env?: Record<string, string>; onSpawn?: (pid: number) => void } = {}) {
  const crossref = await testCrossref();
  return runCliAsync(args, {
    db,
    faketime: opts.at ? `@${opts.at}` : undefined,
    // Each test has its own host-wide pace ledger, so tests running side by side do not slow each other.
    env: {
      CLAIMWATCH_EUTILS_URL: server.url, CLAIMWATCH_CROSSREF_URL: crossref.url, NCBI_EMAIL: 'claimwatch-tests@example.org', TZ: 'UTC',
      CLAIMWATCH_PACER_FILE: path.join(path.dirname(db), 'pacer.sqlite'), ...opts.env,
    },
    onSpawn: opts.onSpawn,
  });
}

/** Reads rows from the library with a read-only connection. */
export function query<T>(db: string, sql: string, ...params: unknown[]): T[] {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare(sql).all(...params) as T[];
  } finally {
    d.close();
  }
}

/** Every stored PMID, ascending. */
export function storedPmids(db: string): number[] {
  return query<{ pmid: number }>(db, 'SELECT pmid FROM papers ORDER BY pmid').map((r) => r.pmid);
}

/** The most request starts that fall inside any window of `ms` milliseconds. */
export function maxStartsWithin(requests: readonly RequestLog[], ms: number): number {
  const t = requests.map((r) => r.at).sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < t.length; hi++) {
    while (t[hi]! - t[lo]! >= ms) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

/** The smallest time between two request starts, in milliseconds. */
export function minGap(requests: readonly RequestLog[]): number {
  const t = requests.map((r) => r.at).sort((a, b) => a - b);
  let best = Number.POSITIVE_INFINITY;
  for (let i = 1; i < t.length; i++) best = Math.min(best, t[i]! - t[i - 1]!);
  return best;
}

/** The mean time between consecutive request starts, in milliseconds: what a pacer's rate is, whatever the jitter of single arrivals. */
export function meanGap(requests: readonly RequestLog[]): number {
  const t = requests.map((r) => r.at).sort((a, b) => a - b);
  return t.length < 2 ? Number.POSITIVE_INFINITY : (t[t.length - 1]! - t[0]!) / (t.length - 1);
}

/** The watermark of each saved search. */
export function watermarks(db: string): Record<string, string | null> {
  return Object.fromEntries(query<{ name: string; watermark: string | null }>(db, 'SELECT name, watermark FROM queries').map((r) => [r.name, r.watermark]));
}

/**
 * For a test file: a `server()` that starts a fake E-utilities and closes it after the test.
 * Not for concurrent tests, which must close their own servers (afterEach runs after each of them).
 */
export function useServers(): (...args: Parameters<typeof startServer>) => Promise<FakeEutils> {
  const servers: FakeEutils[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  return async (...args) => {
    const s = await startServer(...args);
    servers.push(s);
    return s;
  };
}

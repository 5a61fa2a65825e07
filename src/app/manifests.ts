import type { Db } from '../store/db.js';
import { getRunRow, listManifests, putManifest } from '../store/manifests.js';
import { storedPmids } from '../store/searches.js';
import { pmidSetHash, verifyManifests, type SearchManifest, type VerifyResult } from '../evidence/manifest.js';
import type { CollectedPmids, CollectQuery, EutilsClient, PaperBatch } from '../eutils/index.js';
import type { RunRow } from '../evidence/views.js';
import { UsageError } from '../errors.js';
export type { SearchManifest, VerifyResult } from '../evidence/manifest.js';

/** Gathers one search's manifest while it runs; `finish` stores it once PubMed has listed the PMIDs. */
export interface FetchTrace {
  received(r: CollectedPmids): void;
  record(batch: Pick<PaperBatch, 'requested' | 'retried' | 'missing'>): void;
  finish(ok: boolean, error: string | null): void;
}

/**
 * Starts the manifest of one saved search in run `runId`: the request as sent, then (through the trace) what
 * PubMed listed and what efetch was asked for, asked for again and did not return. A search that failed before
 * PubMed listed anything leaves no manifest: there is nothing it received.
 */
export function recordSearchManifest(
  db: Db, client: Pick<EutilsClient, 'stats'>, a: { runId: number; query: string; at: string; sent: CollectQuery },
): FetchTrace {
  const start = { ...client.stats };
  let got: CollectedPmids | undefined;
  const fetched: number[] = [];
  const retried: number[] = [];
  const missing: number[] = [];
  return {
    received: (r) => { got = r; },
    record: (b) => { fetched.push(...b.requested); retried.push(...b.retried); missing.push(...b.missing); },
    finish: (ok, error) => {
      if (!got) return;
      const m: SearchManifest = {
        runId: a.runId, query: a.query, at: a.at, term: a.sent.term, datetype: a.sent.datetype ?? null,
        mindate: a.sent.mindate ?? null, maxdate: a.sent.maxdate ?? null, sort: a.sent.sort ?? null,
        reportedCount: got.count, pmids: got.ids, pmidsSha256: pmidSetHash(got.ids), slices: got.slices,
        fetched, retried, missing, requests: client.stats.requests - start.requests, httpRetries: client.stats.retries - start.retries,
        status: ok ? 'ok' : 'failed', error,
      };
      putManifest(db, m);
    },
  };
}

/** One run with the manifest of each of its saved searches. */
export interface RunWithManifests extends RunRow {
  manifests: SearchManifest[];
}

/** `runs show N`: the run's log line and its manifests; an unknown run is a UsageError. */
export function showRun(db: Db, id: number): RunWithManifests {
  const run = getRunRow(db, id);
  if (!run) throw new UsageError(`there is no run ${id}: 'claimwatch runs' lists them`);
  return { ...run, manifests: listManifests(db, id) };
}

/** `runs verify`: every PMID each manifest lists is stored, each hash matches its set, each set matches PubMed's count. */
export function verifyLibrary(db: Db): VerifyResult {
  const manifests = listManifests(db);
  const stored = storedPmids(db, [...new Set(manifests.flatMap((m) => m.pmids))]);
  return verifyManifests(manifests, (p) => stored.has(p));
}

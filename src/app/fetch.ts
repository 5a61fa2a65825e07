import fs from 'node:fs';
import type { Db } from '../store/db.js';
import { finishRun, startRun } from '../store/searches.js';
import { UsageError } from '../errors.js';
import { parsePmid } from '../evidence/claims.js';
import type { EutilsClient } from '../eutils/index.js';
import { lockLibrary, storePmids } from './search.js';
import type { FetchSummary } from '../evidence/views.js';
export type { FetchSummary } from '../evidence/views.js';

/** Reads PMIDs from a file: whitespace, commas or newlines between them, '#' starts a comment. */
export function readPmidFile(file: string): string[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (e as Error).message;
    throw new UsageError(`cannot read --file ${file}: ${why} (give a text file with one PMID per line)`);
  }
  return text.split('\n').map((l) => l.replace(/#.*/, '')).join(' ').split(/[\s,]+/).filter(Boolean);
}

/** Checks every PMID before anything touches the network or the database. */
export function parsePmids(args: readonly string[]): number[] {
  const out: number[] = [];
  for (const a of args) {
    const p = parsePmid(a);
    if (!out.includes(p)) out.push(p);
  }
  if (!out.length) throw new UsageError('no PMIDs given: pass them as arguments or with --file FILE');
  return out;
}

/** `claimwatch fetch PMID...`: adds or refreshes specific papers through the same client as search. */
export async function fetchPmids(db: Db, dbPath: string, client: EutilsClient, pmids: readonly number[], now: () => string): Promise<FetchSummary> {
  const lock = lockLibrary(db, dbPath);
  try {
    const runId = startRun(db, 'fetch', now());
    const summary: FetchSummary = { runId, ok: false, error: null, requested: pmids.length, added: [], updated: 0, unchanged: 0, notReturned: [] };
    try {
      const got = await storePmids(db, client, pmids, { source: 'fetch', runId, now });
      summary.added = got.added;
      summary.updated = got.updated;
      summary.unchanged = pmids.length - got.added.length - got.updated - got.notReturned.length;
      summary.notReturned = got.notReturned;
      summary.ok = got.notReturned.length === 0;
      if (!summary.ok) summary.error = `PubMed did not return ${got.notReturned.length} PMID(s): ${got.notReturned.join(', ')} (check them on pubmed.ncbi.nlm.nih.gov)`;
    } catch (e) {
      summary.error = e instanceof Error ? e.message : String(e);
    }
    finishRun(db, runId, now(), summary.ok ? 'ok' : 'failed', summary.error, summary);
    return summary;
  } finally {
    lock.release();
  }
}

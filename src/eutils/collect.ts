// Whole result sets from the E-utilities: every PMID of a search, past the 9,999 window (EUTILS.md R7–R9,
// F9), and the records for a list of PMIDs in POSTed batches, counting what came back (R11, F6, F7).
// Nothing here returns a short list silently: a count that does not add up throws.
import type { Paper, SourceItem } from '../evidence/paper.js';
import { ParseError } from '../errors.js';
import { createXmlParser } from '../pubmed/xml.js';
import { oneLine } from './classify.js';
import { EutilsError, type EsearchQuery, type EutilsClient } from './client.js';

/** The part of the client collectPmids uses, so tests can pass a stub. */
export type EsearchPort = Pick<EutilsClient, 'esearch'>;
/** The part of the client fetchPapers uses. */
export type EfetchPort = Pick<EutilsClient, 'efetchXml'>;

/** A saved search as collectPmids runs it. */
export interface CollectQuery {
  term: string;
  datetype?: EsearchQuery['datetype'];
  mindate?: string;
  maxdate?: string;
  sort?: string;
}

/** Progress after each slice: unique PMIDs so far out of the search's count. */
export interface CollectProgress {
  collected: number;
  count: number;
}

/** Tuning for collectPmids. */
export interface CollectOptions {
  /** The most PMIDs one ESearch result can be paged through; PubMed's is 9,999 (R7). */
  window?: number;
  onProgress?: (p: CollectProgress) => void;
}

/** Every PMID of a search, unique and ascending, and the count PubMed reported for it. */
export interface CollectedPmids {
  count: number;
  ids: number[];
  /** PMID-range slices listed because the search had more hits than one window (0 when it fit). */
  slices: number;
}

const PUBMED_WINDOW = 9_999;
/** Upper PMID bound for bisection; PMIDs are far below it (EDirect bisects the same way, R9b). */
const MAX_PMID = 999_999_999;

/**
 * Lists every PMID matching the search. The first request asks for the count and a full window of PMIDs,
 * which is the whole answer when the count fits; otherwise it pages when the count fits the window,
 * otherwise bisects by PMID range (`(<term>) AND lo:hi[uid]`) until each slice fits. Each slice's
 * listing must match its count (one re-run allowed) and the union must match the search's count;
 * otherwise throws EutilsError kind 'transient'.
 */
export async function collectPmids(client: EsearchPort, q: CollectQuery, opts: CollectOptions = {}): Promise<CollectedPmids> {
  const window = opts.window ?? PUBMED_WINDOW;
  if (!Number.isInteger(window) || window < 1 || window > PUBMED_WINDOW) {
    throw new Error(`collectPmids: window must be an integer in 1..${PUBMED_WINDOW}, got ${window}`);
  }
  const filters: Omit<EsearchQuery, 'term'> = {};
  if (q.datetype !== undefined) filters.datetype = q.datetype;
  if (q.mindate !== undefined) filters.mindate = q.mindate;
  if (q.maxdate !== undefined) filters.maxdate = q.maxdate;
  if (q.sort !== undefined) filters.sort = q.sort;
  const search = (term: string, retstart: number, retmax: number) => client.esearch({ ...filters, term, retstart, retmax });
  const countOf = async (term: string): Promise<number> => (await search(term, 0, 0)).count;

  const all = new Set<number>();
  let slices = 0;
  // The common nightly case takes one request: the count and, when it fits the window, every PMID.
  // usehistory=y keeps the result on NCBI's history server as the issue asks; nothing here depends
  // on it, so an expired WebEnv cannot lose a page.
  const first = await client.esearch({ ...filters, term: q.term, retstart: 0, retmax: window, usehistory: true });
  let total = first.count;
  if (total <= window && new Set(first.ids).size === total && first.ids.length === total) {
    opts.onProgress?.({ collected: total, count: total });
    return { count: total, ids: [...new Set(first.ids)].sort((a, b) => a - b), slices: 0 };
  }

  /**
   * Lists one slice (count <= window) page by page, never past the window. Stops early when a page
   * reports another count (the slice changed under us) and returns that count for the caller to check.
   */
  const list = async (term: string, count: number, lo: number, hi: number): Promise<{ ids: number[]; reported: number }> => {
    const got = new Set<number>();
    let retstart = 0;
    while (retstart < count) {
      // retstart < count <= window, so retstart <= window - 1 and retstart + retmax = count <= window.
      const page = await search(term, retstart, count - retstart);
      if (page.count !== count) return { ids: [...got], reported: page.count };
      if (page.ids.length === 0) break;
      for (const id of page.ids) got.add(id);
      retstart += page.ids.length;
    }
    // An id outside the slice's range belongs to another slice; dropping it lets the count check catch the gap.
    return { ids: [...got].filter((id) => id >= lo && id <= hi), reported: count };
  };

  /** Collects PMIDs lo..hi of the search (the whole search when `ranged` is false), splitting while too big. */
  const collect = async (lo: number, hi: number, ranged: boolean, knownCount?: number): Promise<void> => {
    const term = ranged ? `(${q.term}) AND ${lo}:${hi}[uid]` : q.term;
    let count = 0;
    let got: { ids: number[]; reported: number } = { ids: [], reported: 0 };
    for (let round = 1; round <= 2; round++) {
      count = round === 1 && knownCount !== undefined ? knownCount : await countOf(term);
      if (count > window) {
        if (lo >= hi) throw mismatch(`PubMed reports ${count} PMIDs in the single-PMID slice ${lo}:${hi}[uid]`);
        const mid = Math.floor((lo + hi) / 2);
        await collect(lo, mid, true);
        await collect(mid + 1, hi, true);
        return;
      }
      got = count === 0 ? { ids: [], reported: 0 } : await list(term, count, lo, hi);
      if (got.reported === count && got.ids.length === count) {
        for (const id of got.ids) all.add(id);
        if (ranged && count > 0) slices += 1;
        opts.onProgress?.({ collected: all.size, count: total });
        return;
      }
    }
    const where = ranged ? `PMIDs ${lo}:${hi}` : 'the search';
    if (got.reported !== count) throw mismatch(`PubMed's count for ${where} kept changing while it was listed (${count}, then ${got.reported})`);
    throw mismatch(`PubMed reported ${count} PMIDs for ${where} but returned ${got.ids.length}, twice`);
  };

  await collect(1, MAX_PMID, false, total);
  if (all.size !== total) {
    // The slices each added up, so PubMed's count moved while we listed: count once more.
    total = await countOf(q.term);
    if (all.size !== total) throw mismatch(`expected ${total} PMIDs for the search, got ${all.size}`);
  }
  return { count: total, ids: [...all].sort((a, b) => a - b), slices };
}

function mismatch(what: string): EutilsError {
  return new EutilsError(`incomplete PubMed result: ${what}; try again later`, 'transient', 'esearch', 0);
}

/** Tuning for fetchPapers. */
export interface FetchOptions {
  /** PMIDs per POSTed EFetch; default 500 (NCBI's own example; R11). */
  batchSize?: number;
  /** Times one batch is requested when its XML does not parse; default 3. */
  parseAttempts?: number;
}

/** What one EFetch batch produced: the PMIDs asked for, the records parsed, and the PMIDs NCBI did not return. */
export interface PaperBatch {
  requested: number[];
  /** Every PubmedArticle and PubmedBookArticle returned, one per PMID. */
  papers: Paper[];
  /** Requested PMIDs still absent after one re-request (unknown or withdrawn PMIDs come back as nothing; F6). */
  missing: number[];
  /** Requested PMIDs absent from the first answer, so asked for once more. */
  retried: number[];
}

/**
 * Fetches the records for `pmids` in POSTed batches of at most `batchSize`, yielding each batch once
 * parsed. A batch whose XML does not parse is requested again (up to `parseAttempts`); PMIDs missing
 * from an answer are requested once more, and those still missing are reported, not thrown.
 */
export async function* fetchPapers(client: EfetchPort, pmids: number[], opts: FetchOptions = {}): AsyncGenerator<PaperBatch> {
  const size = opts.batchSize ?? 500;
  const parseAttempts = opts.parseAttempts ?? 3;
  if (!Number.isInteger(size) || size < 1 || size > 10_000) throw new Error(`fetchPapers: batchSize must be an integer in 1..10000, got ${size}`);
  for (let i = 0; i < pmids.length; i += size) {
    const requested = pmids.slice(i, i + size);
    const found = new Map<number, Paper>();
    await fetchInto(client, requested, found, parseAttempts);
    let missing = absent(requested, found);
    const retried = missing;
    if (missing.length > 0) {
      await fetchInto(client, missing, found, parseAttempts);
      missing = absent(requested, found);
    }
    yield { requested, papers: [...found.values()], missing, retried };
  }
}

function absent(requested: number[], found: Map<number, Paper>): number[] {
  return [...new Set(requested)].filter((id) => !found.has(id));
}

async function fetchInto(client: EfetchPort, ids: number[], found: Map<number, Paper>, parseAttempts: number): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const body = await client.efetchXml(ids);
    try {
      for (const paper of parsePapers(body)) found.set(paper.pmid, paper);
      return;
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      if (attempt >= parseAttempts) {
        throw new EutilsError(
          `efetch answer for ${ids.length} PMIDs does not parse: ${oneLine(e.message)} (after ${attempt} attempts)`,
          'transient',
          'efetch',
          attempt,
        );
      }
    }
  }
}

/** The papers in one PubmedArticleSet answer. */
function parsePapers(body: string): Paper[] {
  const parser = createXmlParser();
  const items: SourceItem[] = [...parser.push(body), ...parser.end()];
  const papers: Paper[] = [];
  for (const item of items) if (item.kind === 'paper') papers.push(item.paper);
  return papers;
}

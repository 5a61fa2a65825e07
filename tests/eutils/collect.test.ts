import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EsearchQuery } from '../../src/eutils/client.js';
import { EutilsError, collectPmids, fetchPapers, type EsearchResult, type PaperBatch } from '../../src/eutils/index.js';
import { FIXTURES } from '../helpers.js';

const TERM = 'heart failure[mh]';
const RANGED = /^\((.*)\) AND ([0-9]+):([0-9]+)\[uid\]$/;

interface StubOptions {
  /** The most ids the stub returns per page, like a server-side page limit. */
  pageCap?: number;
  /** Ids to leave out of a listing (not of the count), per call. */
  drop?: (q: EsearchQuery, ids: number[]) => number[];
}

/**
 * A stand-in for PubMed ESearch over a fixed set of PMIDs, with PubMed's window rules: retstart past
 * 9,998 is an error and a page never reaches past the 9,999th record.
 */
function stubPubmed(universe: () => number[], opts: StubOptions = {}) {
  const calls: EsearchQuery[] = [];
  const esearch = async (q: EsearchQuery): Promise<EsearchResult> => {
    calls.push(q);
    const m = RANGED.exec(q.term);
    const base = m ? m[1] : q.term;
    if (base !== TERM) throw new Error(`unexpected term ${q.term}`);
    const lo = m ? Number(m[2]) : 1;
    const hi = m ? Number(m[3]) : Number.MAX_SAFE_INTEGER;
    const matching = universe()
      .filter((id) => id >= lo && id <= hi)
      .sort((a, b) => b - a);
    const retstart = q.retstart ?? 0;
    const retmax = q.retmax ?? 20;
    if (retstart > 9998) throw new Error("'retstart' cannot be larger than 9998");
    let ids = matching.slice(retstart, Math.min(retstart + Math.min(retmax, opts.pageCap ?? Infinity), 9999));
    if (opts.drop) {
      const gone = new Set(opts.drop(q, ids));
      ids = ids.filter((id) => !gone.has(id));
    }
    return { count: matching.length, retstart, retmax, ids, phrasesNotFound: [], warnings: [] };
  };
  return { esearch, calls };
}

/** 25,000 distinct PMIDs: a dense block of 12,000 consecutive ones (forcing deep bisection) plus 13,000 spread out. */
function bigUniverse(): number[] {
  const ids = new Set<number>();
  for (let i = 0; i < 12_000; i++) ids.add(30_000_000 + i);
  let x = 12345;
  while (ids.size < 25_000) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    ids.add(1 + (x % 40_000_000));
  }
  return [...ids];
}

describe('collectPmids', () => {
  it('collects 25,000 PMIDs by bisection without ever paging past the 9,999 window', async () => {
    const universe = bigUniverse();
    const stub = stubPubmed(() => universe);
    const progress: number[] = [];
    const got = await collectPmids(
      stub,
      { term: TERM, datetype: 'edat', mindate: '2024/01/01', maxdate: '2024/12/31' },
      { onProgress: (p) => progress.push(p.collected) },
    );
    expect(got.count).toBe(25_000);
    expect(got.ids).toHaveLength(25_000);
    expect(got.ids).toEqual([...universe].sort((a, b) => a - b));
    // Every slice listed is counted for the manifest: at least three windows' worth of 25,000.
    expect(got.slices).toBe(new Set(stub.calls.filter((q) => /\[uid\]$/.test(q.term) && (q.retmax ?? 0) > 0).map((q) => q.term)).size);
    expect(got.slices).toBeGreaterThanOrEqual(3);
    expect(stub.calls[0]).toMatchObject({ term: TERM, retstart: 0, retmax: 9999, usehistory: true });
    for (const q of stub.calls) {
      expect(q.retstart ?? 0).toBeLessThan(9999);
      expect((q.retstart ?? 0) + (q.retmax ?? 0)).toBeLessThanOrEqual(9999);
      expect(q).toMatchObject({ datetype: 'edat', mindate: '2024/01/01', maxdate: '2024/12/31' });
    }
    expect(stub.calls.some((q) => RANGED.test(q.term))).toBe(true);
    expect(progress[progress.length - 1]).toBe(25_000);
  });

  it('lists a result within the window with one request: the count and every PMID', async () => {
    const universe = bigUniverse().slice(0, 120);
    const stub = stubPubmed(() => universe);
    const got = await collectPmids(stub, { term: TERM });
    expect(got).toEqual({ count: 120, ids: [...universe].sort((a, b) => a - b), slices: 0 });
    expect(stub.calls.map((q) => [q.term, q.retstart, q.retmax, q.usehistory])).toEqual([[TERM, 0, 9999, true]]);
  });

  it('pages when the server returns fewer ids than asked, without passing the window', async () => {
    const universe = bigUniverse().slice(0, 120);
    const stub = stubPubmed(() => universe, { pageCap: 50 });
    const got = await collectPmids(stub, { term: TERM });
    expect(got.ids).toHaveLength(120);
    expect(stub.calls.slice(1).map((q) => [q.retstart, q.retmax])).toEqual([
      [0, 120],
      [50, 70],
      [100, 20],
    ]);
  });

  it('honours a smaller window', async () => {
    const universe = bigUniverse().slice(0, 250);
    const stub = stubPubmed(() => universe);
    const got = await collectPmids(stub, { term: TERM }, { window: 100 });
    expect(got.ids).toEqual([...universe].sort((a, b) => a - b));
    for (const q of stub.calls) expect((q.retstart ?? 0) + (q.retmax ?? 0)).toBeLessThanOrEqual(100);
  });

  it('returns an empty list for a zero count after a single request', async () => {
    const stub = stubPubmed(() => []);
    expect(await collectPmids(stub, { term: TERM })).toEqual({ count: 0, ids: [], slices: 0 });
    expect(stub.calls).toHaveLength(1);
  });

  it('re-runs a slice once when its listing comes back short, and succeeds if the second run adds up', async () => {
    const universe = bigUniverse();
    const victim = 30_000_500;
    let dropped = 0;
    const stub = stubPubmed(() => universe, {
      drop: (_q, ids) => (ids.includes(victim) && dropped++ === 0 ? [victim] : []),
    });
    const got = await collectPmids(stub, { term: TERM });
    expect(got.ids).toHaveLength(25_000);
    expect(got.ids).toContain(victim);
    expect(dropped).toBe(2);
  });

  it('throws, never returns a short list, when a slice keeps coming back short', async () => {
    const universe = bigUniverse();
    const victim = 30_000_500;
    let listings = 0;
    const stub = stubPubmed(() => universe, {
      drop: (_q, ids) => {
        if (!ids.includes(victim)) return [];
        listings++;
        return [victim];
      },
    });
    const err = await collectPmids(stub, { term: TERM }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EutilsError);
    expect((err as EutilsError).kind).toBe('transient');
    expect((err as EutilsError).message).toMatch(/reported ([0-9]+) PMIDs for PMIDs [0-9]+:[0-9]+ but returned ([0-9]+)/);
    const [, reported, returned] = /reported ([0-9]+) .* returned ([0-9]+)/.exec((err as EutilsError).message) ?? [];
    expect(Number(returned)).toBe(Number(reported) - 1);
    expect(listings).toBe(2);
  });

  it('throws when a result within the window keeps coming back short', async () => {
    const universe = bigUniverse().slice(0, 300);
    const stub = stubPubmed(() => universe, { drop: (_q, ids) => ids.slice(0, 1) });
    await expect(collectPmids(stub, { term: TERM })).rejects.toThrow('PubMed reported 300 PMIDs for the search but returned 299');
  });

  it('does not trust a first answer whose PMIDs fall short of its count: it lists again', async () => {
    const universe = bigUniverse().slice(0, 200);
    let calls = 0;
    // The first answer says 200 but carries 199 PMIDs; the listing that follows is whole.
    const stub = stubPubmed(() => universe, { drop: (_q, ids) => (calls++ === 0 ? ids.slice(0, 1) : []) });
    const got = await collectPmids(stub, { term: TERM });
    expect(got.count).toBe(200);
    expect(got.ids).toEqual([...universe].sort((a, b) => a - b));
    expect(stub.calls.length).toBeGreaterThan(1);
  });

  it('refuses a window larger than PubMed allows', async () => {
    await expect(collectPmids(stubPubmed(() => []), { term: TERM }, { window: 10_000 })).rejects.toThrow(/window/);
  });
});

// ---------------------------------------------------------------- fetchPapers

const SET = readFileSync(path.join(FIXTURES, 'efetch', 'julielab__pubmed18n0740_7_eval_files.xml'), 'utf8');
const BOOK = readFileSync(path.join(FIXTURES, 'efetch', 'metapub__sample_article_20301577_book.xml'), 'utf8');
const HEAD = SET.slice(0, SET.indexOf('<PubmedArticleSet>') + '<PubmedArticleSet>'.length);

/** The real records by PMID: the 14 PubmedArticles of the julielab sample and one PubmedBookArticle. */
const RECORDS = new Map<number, string>();
for (const m of SET.matchAll(/<PubmedArticle>[\s\S]*?<\/PubmedArticle>/g)) RECORDS.set(Number(/<PMID[^>]*>(\d+)</.exec(m[0])?.[1]), m[0]);
for (const m of BOOK.matchAll(/<PubmedBookArticle>[\s\S]*?<\/PubmedBookArticle>/g)) RECORDS.set(Number(/<PMID[^>]*>(\d+)</.exec(m[0])?.[1]), m[0]);
const ALL_PMIDS = [...RECORDS.keys()];
const BOOK_PMID = 20301577;

/** An EFetch stand-in answering with the real records it knows, in a PubmedArticleSet. */
function stubEfetch(answer?: (ids: number[], call: number) => number[] | string) {
  const calls: number[][] = [];
  const efetchXml = async (ids: number[]): Promise<string> => {
    calls.push(ids);
    const a = answer ? answer(ids, calls.length) : ids;
    if (typeof a === 'string') return a;
    return `${HEAD}\n${a.map((id) => RECORDS.get(id) ?? '').join('\n')}\n</PubmedArticleSet>\n`;
  };
  return { efetchXml, calls };
}

async function all(gen: AsyncGenerator<PaperBatch>): Promise<PaperBatch[]> {
  const out: PaperBatch[] = [];
  for await (const b of gen) out.push(b);
  return out;
}

describe('fetchPapers', () => {
  it('knows 15 real records, one of them a book', () => {
    expect(RECORDS.size).toBe(15);
    expect(RECORDS.get(BOOK_PMID)).toContain('<PubmedBookArticle>');
  });

  it('fetches in batches of at most batchSize and counts articles and book articles as papers', async () => {
    const stub = stubEfetch();
    const batches = await all(fetchPapers(stub, ALL_PMIDS, { batchSize: 6 }));
    expect(batches.map((b) => b.requested.length)).toEqual([6, 6, 3]);
    expect(stub.calls.map((c) => c.length)).toEqual([6, 6, 3]);
    for (const b of batches) {
      expect(b.missing).toEqual([]);
      expect(b.papers.map((p) => p.pmid).sort()).toEqual([...b.requested].sort());
    }
    const book = batches.flatMap((b) => b.papers).find((p) => p.pmid === BOOK_PMID);
    expect(book?.type).toBe('book');
  });

  it('re-requests a PMID missing from the answer once and reports it when it still does not come back', async () => {
    const unknown = 1_999_999_999;
    const stub = stubEfetch((ids) => ids.filter((id) => RECORDS.has(id)));
    const [batch] = await all(fetchPapers(stub, [...ALL_PMIDS.slice(0, 3), unknown]));
    expect(batch?.papers).toHaveLength(3);
    expect(batch?.missing).toEqual([unknown]);
    expect(stub.calls).toEqual([[...ALL_PMIDS.slice(0, 3), unknown], [unknown]]);
  });

  it('a PMID dropped from the first answer and returned on the re-request is not missing', async () => {
    const dropped = ALL_PMIDS[1] ?? 0;
    const stub = stubEfetch((ids, call) => (call === 1 ? ids.filter((id) => id !== dropped) : ids));
    const [batch] = await all(fetchPapers(stub, ALL_PMIDS.slice(0, 4)));
    expect(batch?.missing).toEqual([]);
    expect(batch?.papers.map((p) => p.pmid)).toContain(dropped);
    expect(stub.calls[1]).toEqual([dropped]);
  });

  it('re-requests a batch whose XML does not parse', async () => {
    const ids = ALL_PMIDS.slice(0, 2);
    const good = await stubEfetch().efetchXml(ids);
    const broken = good.replace('</MedlineCitation>', '</MedlineCitatio>');
    const stub = stubEfetch((_ids, call) => (call === 1 ? broken : _ids));
    const [batch] = await all(fetchPapers(stub, ids));
    expect(batch?.papers).toHaveLength(2);
    expect(stub.calls).toHaveLength(2);
  });

  it('gives up with a transient EutilsError when the XML never parses', async () => {
    const broken = (await stubEfetch().efetchXml(ALL_PMIDS.slice(0, 2))).replace('</MedlineCitation>', '</MedlineCitatio>');
    const stub = stubEfetch(() => broken);
    const err = await all(fetchPapers(stub, ALL_PMIDS.slice(0, 2), { parseAttempts: 2 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EutilsError);
    expect((err as EutilsError).kind).toBe('transient');
    expect((err as EutilsError).message).toContain('does not parse');
    expect(stub.calls).toHaveLength(2);
  });

  it('lets a client failure through instead of yielding an empty batch', async () => {
    const failing = {
      efetchXml: async (): Promise<string> => {
        throw new EutilsError('efetch failed at https://example.org/: HTTP 503 (gave up after 6 attempts)', 'transient', 'efetch', 6);
      },
    };
    await expect(all(fetchPapers(failing, [1, 2]))).rejects.toThrow(/gave up/);
  });
});

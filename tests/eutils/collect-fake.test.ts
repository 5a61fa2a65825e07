import { describe, expect, it } from 'vitest';
import { EutilsClient, Pacer, collectPmids, fetchPapers } from '../../src/eutils/index.js';
import { FakeEutils, loadFixtureCorpus } from '../fake-eutils/server.js';

describe('collectPmids and fetchPapers against the fake E-utilities (real records, a small window)', () => {
  it('bisects past the window by PMID range and gets every record exactly once', async () => {
    const corpus = loadFixtureCorpus();
    const all = corpus.map((r) => r.pmid).sort((a, b) => a - b);
    // The server's window is 50 instead of 9,999, so 294 real records need slicing, as 25,000 would at NCBI.
    const server = new FakeEutils({ corpus, cap: 50, searches: { 'everything[all]': all } });
    await server.start();
    try {
      const client = new EutilsClient({ baseUrl: server.url, tool: 'claimwatch', email: 'a@example.org', pacer: new Pacer({ gapMs: 0 }) });
      const got = await collectPmids(client, { term: 'everything[all]', sort: 'pub_date' }, { window: 50 });
      expect(got.count).toBe(all.length);
      expect(got.ids).toEqual(all);
      const esearches = server.requests.filter((r) => r.endpoint === 'esearch');
      expect(esearches.some((r) => /^\(everything\[all\]\) AND \d+:\d+\[uid\]$/.test(r.params.term ?? ''))).toBe(true);
      for (const r of esearches) expect(Number(r.params.retstart ?? 0)).toBeLessThan(50);
      expect(esearches.every((r) => r.status === 200)).toBe(true);

      const fetched: number[] = [];
      for await (const batch of fetchPapers(client, got.ids, { batchSize: 100 })) {
        expect(batch.missing).toEqual([]);
        fetched.push(...batch.papers.map((p) => p.pmid));
      }
      expect(fetched.sort((a, b) => a - b)).toEqual(all);
      expect(server.requests.filter((r) => r.endpoint === 'efetch').every((r) => r.method === 'POST' && r.params.id!.split(',').length <= 100)).toBe(true);
    } finally {
      await server.close();
    }
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { CrossrefClient, CrossrefError, classifyCrossref, gapFromHeaders } from '../../src/crossref/client.js';
import { Pacer } from '../../src/eutils/pacer.js';
import { BODIES, FakeCrossref } from '../fake-crossref/server.js';
import { WAKEFIELD_DOI } from '../integrity-support.js';

const servers: FakeCrossref[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function setup(opts: { timeoutMs?: number; maxAttempts?: number } = {}) {
  const server = new FakeCrossref();
  await server.start();
  servers.push(server);
  const waits: number[] = [];
  // A pacer on a clock that its own sleeps move: pacing is exercised without real waits.
  let t = 0;
  const pacer = new Pacer({ gapMs: 0, now: () => t, sleep: async (ms) => { t += ms; } });
  const client = new CrossrefClient({
    baseUrl: server.url, mailto: 'claimwatch-tests@example.org', userAgent: 'claimwatch/0.1.0', pacer,
    sleep: async (ms) => { waits.push(ms); }, random: () => 0.5, timeoutMs: opts.timeoutMs ?? 5_000, maxAttempts: opts.maxAttempts,
  });
  return { server, client, waits, pacer };
}

describe('CrossrefClient against the fake Crossref (real recorded answers)', () => {
  it('gets a work, in the polite pool: mailto on the request and a User-Agent naming claimwatch and the address', async () => {
    const { server, client } = await setup();
    const work = await client.work('10.1016/S0140-6736(97)11096-0');
    expect(work?.DOI).toBe(WAKEFIELD_DOI);
    expect(server.requests[0]!.path).toBe('/works/10.1016/S0140-6736(97)11096-0');
    expect(server.requests[0]!.query.get('mailto')).toBe('claimwatch-tests@example.org');
    expect(server.requests[0]!.userAgent).toBe('claimwatch/0.1.0 (mailto:claimwatch-tests@example.org)');
  });

  it('reads a 404 "Resource not found." as no record, in one request', async () => {
    const { server, client } = await setup();
    expect(await client.work('10.1371/notarealdoi')).toBeNull();
    expect(server.requests).toHaveLength(1);
  });

  it('paces by the x-rate-limit headers: 5 per 1s gives starts 220 ms apart', async () => {
    const { client, pacer } = await setup();
    await client.work('10.1371/journal.pone.0033693');
    expect(pacer.gapMs).toBe(220);
    expect(gapFromHeaders('50', '1s')).toBe(22);
    expect(gapFromHeaders('', '1s')).toBeUndefined();
  });

  it('waits what a 429 Retry-After says, then gets the work', async () => {
    const { server, client, waits } = await setup();
    server.fault({ kind: '429', retryAfter: '3' });
    expect((await client.work('10.1371/journal.pone.0033693'))?.DOI).toBe('10.1371/journal.pone.0033693');
    expect(waits).toEqual([3000]);
    expect(server.requests.map((r) => r.status)).toEqual([429, 200]);
  });

  it.each(['500', '504', 'html-200', 'truncated', 'reset'] as const)('retries a %s with backoff and gets the work', async (kind) => {
    const { server, client, waits } = await setup();
    server.fault({ kind, times: 2 });
    expect((await client.work(WAKEFIELD_DOI))?.DOI).toBe(WAKEFIELD_DOI);
    expect(waits).toEqual([1000, 2000]);
    expect(client.stats).toEqual({ requests: 3, retries: 2 });
  });

  it('retries a request that gets no answer within the deadline', async () => {
    const { server, client } = await setup({ timeoutMs: 300 });
    server.fault({ kind: 'hang' });
    expect((await client.work(WAKEFIELD_DOI))?.DOI).toBe(WAKEFIELD_DOI);
    expect(client.stats.retries).toBe(1);
  });

  it('gives up on an outage after its attempts, with one line naming Crossref and the URL', async () => {
    const { server, client } = await setup({ maxAttempts: 3 });
    server.fault({ kind: 'down' });
    const e = await client.work(WAKEFIELD_DOI).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CrossrefError);
    expect((e as CrossrefError).kind).toBe('transient');
    expect((e as Error).message).toBe(`Crossref works/${encodeURIComponent(WAKEFIELD_DOI)} failed at ${server.url}: HTTP 504 from Crossref (HTML page: 504 Gateway Time-out) (gave up after 3 attempts)`);
  });

  it('says Crossref is unreachable when nothing answers', async () => {
    const client = new CrossrefClient({ baseUrl: 'http://127.0.0.1:9/', userAgent: 'claimwatch/0.1.0', pacer: new Pacer({ gapMs: 0 }), sleep: async () => undefined, maxAttempts: 2 });
    const e = await client.work(WAKEFIELD_DOI).catch((x: unknown) => x);
    expect((e as CrossrefError).kind).toBe('unreachable');
    expect((e as Error).message).toMatch(/^cannot reach Crossref at http:\/\/127\.0\.0\.1:9\/ \(.*ECONNREFUSED.*\) after 2 attempts$/);
  });

  it('lists the notices that update a DOI (works?filter=updates:)', async () => {
    const { server, client } = await setup();
    expect(await client.noticesAbout('10.1002/job.1787')).toEqual([]);
    expect(server.requests[0]!.query.get('filter')).toBe('updates:10.1002/job.1787');
  });
});

describe('classifyCrossref on the real bodies', () => {
  it('a 400 validation failure is permanent and quotes Crossref', () => {
    expect(classifyCrossref({ ...BODIES.badRequest() })).toEqual({
      kind: 'permanent', reason: 'Crossref rejected the request (HTTP 400): Integer specified as 200 but must be a positive integer less than or equal to 100.',
    });
  });

  it('a 500 exception document is transient', () => {
    expect(classifyCrossref(BODIES.exception())).toEqual({ kind: 'transient', reason: 'HTTP 500 from Crossref: Response Exception' });
  });

  it('an HTML 404 is a wrong base URL, not a missing DOI', () => {
    expect(classifyCrossref({ status: 404, contentType: 'text/html', body: BODIES.gateway().body }).kind).toBe('permanent');
    expect(classifyCrossref(BODIES.notFound())).toEqual({ kind: 'none' });
  });
});

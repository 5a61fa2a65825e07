import { readFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClaimwatchError } from '../../src/errors.js';
import { EutilsClient, EutilsError, Pacer, fetchPapers, parseRetryAfter, type ClientEvent, type EutilsConfig } from '../../src/eutils/index.js';
import { FIXTURES } from '../helpers.js';

const read = (rel: string): string => readFileSync(path.join(FIXTURES, rel), 'utf8');
const KEY = 'SeCrEt-Key-0123456789abcdef';
const EMAIL = 'dev@example.org';

// Real NCBI answers used as bodies.
const ESEARCH_OK = read('esearch/biopython__esearch1.xml');
const ESEARCH_INVALID_DB = read('errors/esearch-ERROR-invalid-db.xml');
const EXPIRED = read('errors/efetch-ERROR-unable-to-obtain-query.xml');
const HTML_500 = read('errors/http500-html-diagnostic-EXCERPT.html');
const BODY_429 = read('errors/http429-body-observed-redacted.json');
const RECORD = read('efetch/metapub/11618220.xml');
const SET = read('efetch/julielab__pubmed18n0740_7_eval_files.xml');

interface Recorded {
  method: string;
  path: string;
  /** Query string and form body merged. */
  params: URLSearchParams;
  contentType: string;
  at: number;
}
type Reply = (req: IncomingMessage, res: ServerResponse) => void;

/** A scripted E-utilities stand-in on 127.0.0.1: each request takes the next reply; the last one repeats. */
class FakeEutils {
  readonly requests: Recorded[] = [];
  private replies: Reply[] = [];
  private readonly server = http.createServer((req, res) => this.handle(req, res));
  url = '';

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  script(...replies: Reply[]): void {
    this.replies = replies;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', this.url);
      const params = new URLSearchParams(u.search);
      const contentType = req.headers['content-type'] ?? '';
      if (req.method === 'POST') for (const [k, v] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) params.append(k, v);
      this.requests.push({ method: req.method ?? '', path: u.pathname, params, contentType, at: performance.now() });
      const reply = this.replies.length > 1 ? this.replies.shift() : this.replies[0];
      (reply ?? send(500, 'no reply scripted'))(req, res);
    });
  }
}

function send(status: number, body: string, headers: Record<string, string> = {}): Reply {
  return (_req, res) => {
    res.writeHead(status, { 'Content-Type': 'text/xml; charset=UTF-8', ...headers });
    res.end(body);
  };
}
const ok = (body: string): Reply => send(200, body);
const resetConnection: Reply = (req) => req.socket.destroy();
/** Headers and half the body, then the connection drops. */
const dropMidBody =
  (body: string): Reply =>
  (req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Length': String(Buffer.byteLength(body)) });
    res.write(body.slice(0, body.length / 2), () => setTimeout(() => req.socket.destroy(), 20));
  };
const slow =
  (ms: number, body: string): Reply =>
  (_req, res) => {
    setTimeout(() => {
      if (!res.destroyed) send(200, body)(_req, res);
    }, ms);
  };

/** A PubmedArticleSet holding only the given real records of the julielab sample. */
function setOf(pmids: number[]): string {
  const records = [...SET.matchAll(/<PubmedArticle>[\s\S]*?<\/PubmedArticle>/g)].map((m) => m[0]);
  const byPmid = new Map(records.map((r) => [Number(/<PMID[^>]*>(\d+)</.exec(r)?.[1]), r]));
  const head = SET.slice(0, SET.indexOf('<PubmedArticleSet>') + '<PubmedArticleSet>'.length);
  return `${head}\n${pmids.map((id) => byPmid.get(id) ?? '').join('\n')}\n</PubmedArticleSet>\n`;
}
const JULIELAB_PMIDS = [...SET.matchAll(/<PubmedArticle>\s*<MedlineCitation[^>]*>\s*<PMID[^>]*>(\d+)</g)].map((m) => Number(m[1]));

let server: FakeEutils;
let events: ClientEvent[];

function client(over: Partial<EutilsConfig> = {}): EutilsClient {
  return new EutilsClient({
    baseUrl: `${server.url}/entrez/eutils`, // no trailing slash on purpose
    tool: 'claimwatch',
    email: EMAIL,
    apiKey: KEY,
    timeoutMs: 2000,
    backoffBaseMs: 5,
    backoffCapMs: 40,
    pacer: new Pacer({ gapMs: 0 }),
    onEvent: (e) => events.push(e),
    ...over,
  });
}

/** Everything a thrown error exposes, for checking the key never leaks. */
function exposed(e: unknown): string {
  const err = e as Error;
  return [String(err), err.message, err.stack ?? '', JSON.stringify(err), JSON.stringify(Object.entries(err))].join('\n');
}

async function failure(p: Promise<unknown>): Promise<EutilsError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(EutilsError);
    expect(e).toBeInstanceOf(ClaimwatchError);
    expect(exposed(e)).not.toContain(KEY);
    expect((e as Error).message).not.toMatch(/\n/);
    return e as EutilsError;
  }
  throw new Error('expected the request to fail');
}

beforeEach(async () => {
  server = await new FakeEutils().start();
  events = [];
});

afterEach(async () => {
  await server.stop();
  // Every request carries tool, email, the key and db=pubmed (R4, §6.1); no event ever carries the key.
  for (const r of server.requests) {
    expect(r.params.get('tool')).toBe('claimwatch');
    expect(r.params.get('email')).toBe(EMAIL);
    expect(r.params.get('api_key')).toBe(KEY);
    expect(r.params.get('db')).toBe('pubmed');
  }
  expect(JSON.stringify(events)).not.toContain(KEY);
});

describe('EutilsClient requests', () => {
  it('esearch is a GET to <base>/esearch.fcgi with explicit sort, retstart, retmax and the parsed answer', async () => {
    server.script(ok(ESEARCH_OK));
    const c = client();
    const r = await c.esearch({ term: 'biopython', retmax: 20 });
    expect(r.count).toBe(63);
    expect(r.ids).toHaveLength(20);
    const [req] = server.requests;
    expect(req?.method).toBe('GET');
    expect(req?.path).toBe('/entrez/eutils/esearch.fcgi');
    expect(req?.params.get('term')).toBe('biopython');
    expect(req?.params.get('sort')).toBe('pub_date');
    expect(req?.params.get('retstart')).toBe('0');
    expect(req?.params.get('retmax')).toBe('20');
    expect(req?.params.has('mindate')).toBe(false);
    expect(req?.params.has('datetype')).toBe(false);
    expect(c.stats).toEqual({ requests: 1, retries: 0 });
    expect(events.map((e) => e.type)).toEqual(['request', 'response']);
  });

  it('sends dates only as a pair with a datetype, and refuses a single bound before any request', async () => {
    server.script(ok(ESEARCH_OK));
    const c = client();
    await c.esearch({ term: 'x', mindate: '2024/01/01', maxdate: '2024/12/31', sort: 'relevance', usehistory: true });
    const p = server.requests[0]?.params;
    expect([p?.get('datetype'), p?.get('mindate'), p?.get('maxdate'), p?.get('sort'), p?.get('usehistory')]).toEqual([
      'edat',
      '2024/01/01',
      '2024/12/31',
      'relevance',
      'y',
    ]);
    await expect(c.esearch({ term: 'x', mindate: '2024/01/01' })).rejects.toThrow(/together/);
    await expect(c.esearch({ term: 'x', maxdate: '2024' })).rejects.toThrow(/together/);
    await expect(c.esearch({ term: 'x', retstart: 9999 })).rejects.toThrow(/retstart/);
    expect(server.requests).toHaveLength(1);
  });

  it('POSTs a 3,000-character term as a form, intact', async () => {
    server.script(ok(ESEARCH_OK));
    const term = Array.from({ length: 200 }, (_, i) => `"gene ${i}"[tiab]`).join(' OR ').slice(0, 3000);
    expect(term.length).toBe(3000);
    await client().esearch({ term });
    const [req] = server.requests;
    expect(req?.method).toBe('POST');
    expect(req?.contentType).toContain('application/x-www-form-urlencoded');
    expect(req?.params.get('term')).toBe(term);
  });

  it('keeps a term of a few hundred characters on GET', async () => {
    server.script(ok(ESEARCH_OK));
    const term = Array.from({ length: 30 }, (_, i) => `"gene ${i}"[tiab]`).join(' OR ');
    await client().esearch({ term });
    expect(server.requests[0]?.method).toBe('GET');
    expect(server.requests[0]?.params.get('term')).toBe(term);
  });

  it('efetchXml always POSTs db=pubmed, retmode=xml and the ids, and returns the body', async () => {
    server.script(ok(RECORD));
    const body = await client().efetchXml([11618220]);
    expect(body).toBe(RECORD);
    const [req] = server.requests;
    expect(req?.method).toBe('POST');
    expect(req?.path).toBe('/entrez/eutils/efetch.fcgi');
    expect(req?.params.get('id')).toBe('11618220');
    expect(req?.params.get('retmode')).toBe('xml');
  });

  it('efetchHistory POSTs WebEnv and query_key', async () => {
    server.script(ok(RECORD));
    await client().efetchHistory({ webenv: 'MCID_6927d6e7fee3e90f880ec190', queryKey: '1', retstart: 0, retmax: 500 });
    const p = server.requests[0]?.params;
    expect([p?.get('WebEnv'), p?.get('query_key'), p?.get('retstart'), p?.get('retmax')]).toEqual(['MCID_6927d6e7fee3e90f880ec190', '1', '0', '500']);
    expect(server.requests[0]?.method).toBe('POST');
  });

  it('every attempt, retries included, goes through the pacer', async () => {
    server.script(send(503, ''), send(502, ''), ok(ESEARCH_OK));
    const pacer = new Pacer({ gapMs: 0 });
    let waits = 0;
    const wait = pacer.wait.bind(pacer);
    pacer.wait = () => {
      waits++;
      return wait();
    };
    const c = client({ pacer });
    await c.esearch({ term: 'x' });
    expect(waits).toBe(3);
    expect(c.stats).toEqual({ requests: 3, retries: 2 });
  });
});

describe('EutilsClient retries transient failures', () => {
  it('429 with Retry-After: 2 waits at least 2 s before the next attempt', async () => {
    server.script(send(429, BODY_429, { 'Retry-After': '2', 'Content-Type': 'application/json' }), ok(ESEARCH_OK));
    const c = client();
    const r = await c.esearch({ term: 'x' });
    expect(r.count).toBe(63);
    const [first, second] = server.requests;
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(1990);
    expect(events).toContainEqual({ type: 'retry', endpoint: 'esearch', attempt: 1, reason: expect.stringContaining('429'), waitMs: 2000 });
  });

  it('500 with an HTML page, then success', async () => {
    server.script(send(500, HTML_500, { 'Content-Type': 'text/html' }), ok(ESEARCH_OK));
    const c = client();
    expect((await c.esearch({ term: 'x' })).count).toBe(63);
    expect(c.stats.retries).toBe(1);
  });

  it('200 with <ERROR>Search Backend failed, then success', async () => {
    const backendDown = '<?xml version="1.0" encoding="UTF-8" ?>\n<eSearchResult><ERROR>Search Backend failed: Database is not supported: pubmed</ERROR></eSearchResult>';
    server.script(ok(backendDown), ok(ESEARCH_OK));
    expect((await client().esearch({ term: 'x' })).count).toBe(63);
    expect(events.find((e) => e.type === 'retry')).toMatchObject({ reason: expect.stringContaining('Search Backend failed') });
  });

  it('a truncated efetch body is re-requested and the complete one returned', async () => {
    server.script(ok(RECORD.slice(0, RECORD.length - 200)), ok(RECORD));
    expect(await client().efetchXml([11618220])).toBe(RECORD);
    expect(server.requests).toHaveLength(2);
  });

  it('an empty body is retried', async () => {
    server.script(ok(''), ok(ESEARCH_OK));
    expect((await client().esearch({ term: 'x' })).count).toBe(63);
    expect(events.find((e) => e.type === 'retry')).toMatchObject({ reason: expect.stringContaining('empty') });
  });

  it('an esearch body that classifies but does not parse is retried (parse inside the loop)', async () => {
    server.script(ok(ESEARCH_OK.replace('<Count>63</Count>', '<Count>6?3</Count>')), ok(ESEARCH_OK));
    expect((await client().esearch({ term: 'x' })).count).toBe(63);
  });

  it('a connection reset is retried', async () => {
    server.script(resetConnection, ok(ESEARCH_OK));
    expect((await client().esearch({ term: 'x' })).count).toBe(63);
    expect(server.requests).toHaveLength(2);
  });

  it('a connection dropped in the middle of the body is retried', async () => {
    server.script(dropMidBody(RECORD), ok(RECORD));
    expect(await client().efetchXml([11618220])).toBe(RECORD);
    expect(server.requests).toHaveLength(2);
  });

  it('an answer slower than timeoutMs is abandoned and retried', async () => {
    server.script(slow(1500, ESEARCH_OK), ok(ESEARCH_OK));
    const started = performance.now();
    expect((await client({ timeoutMs: 300 }).esearch({ term: 'x' })).count).toBe(63);
    expect(performance.now() - started).toBeLessThan(1400);
    expect(events.find((e) => e.type === 'retry')).toMatchObject({ reason: expect.stringContaining('300 ms') });
  });

  it('uses exponential backoff with jitter when there is no Retry-After', async () => {
    server.script(send(500, ''), send(500, ''), send(500, ''), ok(ESEARCH_OK));
    const waits: number[] = [];
    const c = client({ backoffBaseMs: 1000, backoffCapMs: 3000, random: () => 1, sleep: async (ms) => void waits.push(ms) });
    await c.esearch({ term: 'x' });
    // min(cap, base·2^n) + 25 % (random() = 1 gives the top of the jitter range).
    expect(waits).toEqual([1250, 2500, 3750]);
  });

  it('gives up after maxAttempts with kind transient, naming the base URL, the reason and the attempts', async () => {
    server.script(send(503, 'Service Unavailable', { 'Content-Type': 'text/plain' }));
    const c = client({ maxAttempts: 4 });
    const e = await failure(c.esearch({ term: 'x' }));
    expect(e.kind).toBe('transient');
    expect(e.endpoint).toBe('esearch');
    expect(e.attempts).toBe(4);
    expect(e.message).toContain(`${server.url}/entrez/eutils/`);
    expect(e.message).toContain('HTTP 503');
    expect(e.message).toContain('4 attempts');
    expect(server.requests).toHaveLength(4);
    expect(c.stats).toEqual({ requests: 4, retries: 3 });
  });
});

describe('EutilsClient does not retry what cannot succeed', () => {
  it('an expired WebEnv fails at once with kind expired-history', async () => {
    server.script(ok(EXPIRED));
    const e = await failure(client().efetchHistory({ webenv: 'MCID_6927d6e7fee3e90f880ec190', queryKey: '1', retstart: 0, retmax: 100 }));
    expect(e.kind).toBe('expired-history');
    expect(e.message).toContain('Unable to obtain query #1');
    expect(server.requests).toHaveLength(1);
  });

  it('400 Invalid db fails at once with kind permanent', async () => {
    server.script(send(400, ESEARCH_INVALID_DB));
    const e = await failure(client().esearch({ term: 'x' }));
    expect(e.kind).toBe('permanent');
    expect(e.message).toContain('Invalid db name specified: fleegle');
    expect(e.message).toContain('1 attempt');
    expect(server.requests).toHaveLength(1);
  });

  it('the key never reaches a message, even when NCBI echoes the request URL back', async () => {
    const echo: Reply = (req, res) => {
      res.writeHead(400, { 'Content-Type': 'text/plain' });
      res.end(`Bad request: ${req.url ?? ''} (api_key=${KEY})`);
    };
    server.script(echo);
    const e = await failure(client().esearch({ term: 'x' }));
    expect(e.kind).toBe('permanent');
    expect(e.message).toContain('HTTP 400');
  });

  it('no part of the key reaches a message when an <ERROR> echoing it is cut short, wherever the cut falls', async () => {
    // The message keeps 160 characters of the ERROR text: padding moves the cut through every character of the key.
    const lead = 'API key not accepted for this request: ';
    const start = 159 - lead.length - KEY.length;
    for (let pad = start; pad <= start + KEY.length; pad++) {
      const body = `<?xml version="1.0" encoding="UTF-8" ?>\n<eSearchResult><ERROR>${lead}${'x'.repeat(pad)}${KEY} (check NCBI_API_KEY)</ERROR></eSearchResult>\n`;
      server.script(send(400, body));
      const e = await failure(client().esearch({ term: 'x' }));
      for (let n = 4; n <= KEY.length; n++) expect(e.message, `padding ${pad}: ${KEY.slice(0, n)}`).not.toContain(KEY.slice(0, n));
      // The key is replaced before the text is cut, so not even its first character is left at the cut.
      for (let n = 1; n < 4; n++) expect(e.message, `padding ${pad}`).not.toContain(`${KEY.slice(0, n)}…`);
      expect(e.message).toMatch(/API key not accepted/);
    }
  });
});

describe('EutilsClient when NCBI cannot be reached', () => {
  it('ECONNREFUSED on every attempt is kind unreachable and names the URL, not the key', async () => {
    const closed = await new FakeEutils().start();
    const url = closed.url;
    await closed.stop();
    const c = client({ baseUrl: `${url}/entrez/eutils/`, maxAttempts: 3 });
    const e = await failure(c.esearch({ term: 'x' }));
    expect(e.kind).toBe('unreachable');
    expect(e.message).toMatch(new RegExp(`^cannot reach NCBI E-utilities at ${url}/entrez/eutils/ \\(.*ECONNREFUSED.*\\) after 3 attempts$`));
    expect(c.stats).toEqual({ requests: 3, retries: 2 });
  });

  it('is not "unreachable" once any attempt got an HTTP answer', async () => {
    server.script(send(502, ''), resetConnection);
    const e = await failure(client({ maxAttempts: 3 }).esearch({ term: 'x' }));
    expect(e.kind).toBe('transient');
  });
});

describe('fetchPapers through the client', () => {
  it('a PMID dropped from the first answer is re-requested and returned', async () => {
    const want = JULIELAB_PMIDS.slice(0, 4);
    expect(want).toHaveLength(4);
    server.script(ok(setOf(want.slice(0, 3))), ok(setOf([want[3] ?? 0])));
    const batches = [];
    for await (const b of fetchPapers(client(), want, { batchSize: 500 })) batches.push(b);
    expect(batches).toHaveLength(1);
    expect(batches[0]?.papers.map((p) => p.pmid).sort()).toEqual([...want].sort());
    expect(batches[0]?.missing).toEqual([]);
    expect(server.requests.map((r) => r.params.get('id'))).toEqual([want.join(','), String(want[3])]);
    expect(server.requests.every((r) => r.method === 'POST')).toBe(true);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, caps at 120 s, ignores junk', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter('600')).toBe(120_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(5000);
    expect(parseRetryAfter('')).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

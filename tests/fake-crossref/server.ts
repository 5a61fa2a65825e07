// A local stand-in for https://api.crossref.org/ that serves the REAL recorded responses in
// shared/fixtures/integrity/crossref (see that folder's PROVENANCE.md and README.md here), and injects faults.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** shared/fixtures/integrity, beside the worktree. */
export const INTEGRITY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'fixtures', 'integrity');
const X = (rel: string): string => path.join(INTEGRITY, 'crossref', 'extracted', rel);

/** A recorded body and how it was served. */
export interface Recorded {
  status: number;
  contentType: string;
  body: string;
  /** Where the body comes from, for messages. */
  from: string;
}

function real(rel: string, status: number, contentType = 'application/json'): Recorded {
  return { status, contentType, body: fs.readFileSync(path.isAbsolute(rel) ? rel : X(rel), 'utf8'), from: rel };
}

/** The works the fake knows, by lower-case DOI: each a real `works/{doi}` answer. */
export function realWorks(): Map<string, Recorded> {
  const m = new Map<string, Recorded>();
  m.set('10.1371/journal.pone.0033693', real('habanero/test_works_with_one_id.i0.json', 200));
  m.set('10.1371/journal.pone.0020476', real('habanero/test_works_mixed_ids_warn.i2.json', 200));
  m.set('10.1038/nnano.2014.279', real('rcrossref/cr_works_warns_well.i1.json', 200));
  m.set('10.1371/journal.ppat.1008184', real('commonmeta-py/test_article_with_pages.i1.json', 200));
  // choxos/retraction's httptest2 mock of works/10.1016/S0140-6736(97)11096-0 (pretty-printed, see PROVENANCE 1d).
  m.set('10.1016/s0140-6736(97)11096-0', real(path.join(INTEGRITY, 'crossref', 'json', 'choxos_wakefield_10.1016_s0140-6736-97-11096-0.json'), 200));
  return m;
}

/** Real error bodies. */
export const BODIES = {
  /** habanero: GET /works/10.1371/notarealdoi -> 404 "Resource not found." (text/plain). */
  notFound: (): Recorded => real('habanero/test_works_bad_id_warn.i0.txt', 404, 'text/plain'),
  /** rcrossref: 504 Gateway Time-out, an nginx HTML page. */
  gateway: (): Recorded => real('rcrossref/cr_members_fails_well.i5.txt', 504, 'text/html'),
  /** rcrossref: 500 with Crossref's JSON exception document. */
  exception: (): Recorded => real('rcrossref/cr_members_with_cursor_fails_well.i0.json', 500),
  /** rcrossref: 400 validation-failure. */
  badRequest: (): Recorded => real('rcrossref/cr_works_fails_well.i1.json', 400),
  /** rcrossref: 200 with an empty work-list (works?query=adfaaf). */
  emptyList: (): Recorded => real('rcrossref/cr_works_fails_well.i0.json', 200),
  /**
   * No recorded 429 exists (PROVENANCE "Searched, not used"): this body is BUILT, from the text
   * CrossRef/rest-api-doc#159 and #237 quote for Crossref's 429 page.
   */
  tooMany: (): Recorded => ({
    status: 429, contentType: 'text/html', from: 'built from CrossRef/rest-api-doc#159',
    body: '<html><body><h1>429 Too Many Requests</h1>\nYou have sent too many requests in a given amount of time.\n</body></html>\n',
  }),
};

/** A fault served instead of the answer, `times` times, for requests whose path contains `match` (all when absent). */
export type Fault =
  | { kind: '429'; retryAfter?: string; times?: number; match?: string }
  | { kind: '500' | '504' | 'html-200' | 'truncated' | 'reset' | 'hang'; times?: number; match?: string }
  | { kind: 'down'; match?: string };

/** One request as the fake saw it. */
export interface CrossrefRequest {
  at: number;
  path: string;
  query: URLSearchParams;
  userAgent: string;
  status: number | null;
}

/** The fake server. */
export class FakeCrossref {
  readonly requests: CrossrefRequest[] = [];
  readonly works: Map<string, Recorded>;
  /** Notices (real work objects) served by works?filter=updates:DOI, by lower-case target DOI. */
  readonly notices = new Map<string, unknown[]>();
  /** Rate-limit headers sent with every answer (the values habanero recorded on 2026-06-16). */
  rateLimit = { limit: '5', interval: '1s' };
  private faults: (Fault & { left: number })[] = [];
  private server: http.Server | null = null;
  private readonly sockets = new Set<import('node:net').Socket>();
  url = '';

  constructor(works: Map<string, Recorded> = realWorks()) {
    this.works = works;
  }

  /** Queues a fault; faults are used in the order given. */
  fault(f: Fault): void {
    this.faults.push({ ...f, left: f.kind === 'down' ? Number.POSITIVE_INFINITY : (f.times ?? 1) });
  }

  clearFaults(): void {
    this.faults = [];
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  /** Lets the process exit while the server is still listening (a server shared by a whole test file). */
  unref(): void {
    this.server?.unref();
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const u = new URL(req.url ?? '/', 'http://x');
    const log: CrossrefRequest = { at: Date.now(), path: decodeURIComponent(u.pathname), query: u.searchParams, userAgent: String(req.headers['user-agent'] ?? ''), status: null };
    this.requests.push(log);
    const headers = { 'x-rate-limit-limit': this.rateLimit.limit, 'x-rate-limit-interval': this.rateLimit.interval };
    const send = (r: Recorded, extra: Record<string, string> = {}): void => {
      log.status = r.status;
      res.writeHead(r.status, { 'content-type': r.contentType, ...headers, ...extra });
      res.end(r.body);
    };
    const f = this.faults.find((x) => x.left > 0 && (!x.match || log.path.includes(x.match) || u.search.includes(x.match)));
    if (f) {
      f.left--;
      if (f.kind === '429') return send(BODIES.tooMany(), f.retryAfter !== undefined ? { 'retry-after': f.retryAfter } : {});
      if (f.kind === '500') return send(BODIES.exception());
      if (f.kind === '504' || f.kind === 'down') return send(BODIES.gateway());
      if (f.kind === 'html-200') return send({ ...BODIES.gateway(), status: 200 });
      if (f.kind === 'reset') {
        req.socket.destroy();
        return;
      }
      if (f.kind === 'hang') return;
      if (f.kind === 'truncated') {
        const full = this.answer(log.path, u.searchParams);
        log.status = full.status;
        res.writeHead(full.status, { 'content-type': full.contentType, ...headers });
        res.end(full.body.slice(0, Math.floor(full.body.length / 2)));
        return;
      }
    }
    send(this.answer(log.path, u.searchParams));
  }

  private answer(p: string, q: URLSearchParams): Recorded {
    if (p === '/works') {
      const filter = q.get('filter') ?? '';
      const m = /^updates:(.+)$/.exec(filter);
      const items = m ? this.notices.get(m[1]!.toLowerCase()) : undefined;
      if (!items) return BODIES.emptyList();
      // BUILT: rcrossref's real empty work-list envelope, holding the real notice work objects registered.
      const env = JSON.parse(BODIES.emptyList().body) as { message: { items: unknown[]; 'total-results': number } };
      env.message.items = items;
      env.message['total-results'] = items.length;
      return { status: 200, contentType: 'application/json', body: JSON.stringify(env), from: 'built envelope' };
    }
    const w = /^\/works\/(.+)$/.exec(p);
    if (w) return this.works.get(w[1]!.toLowerCase()) ?? BODIES.notFound();
    return BODIES.notFound();
  }
}

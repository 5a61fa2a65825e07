// A fake NCBI E-utilities server (esearch.fcgi, efetch.fcgi, a minimal einfo.fcgi) for tests. It serves
// the real PubMed records of the shared fixtures byte-for-byte, answers errors with the real error bodies
// of fixtures/pubmed/errors, and injects the failures documented in shared/docs/EUTILS.md on demand.
// See README.md in this folder for what is real and what is simulated.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { errorSample, loadFixtureCorpus, type CorpusRecord } from './corpus.js';
import { dateBound, daysBefore, normaliseTerm, resolveTerm, type TermContext } from './terms.js';

export { loadFixtureCorpus, makeRecord, withoutRetraction, type CorpusRecord } from './corpus.js';

export interface FakeEutilsOptions {
  /** Default: loadFixtureCorpus(). */
  corpus?: CorpusRecord[];
  /** Term -> matching PMIDs (exact term after whitespace normalisation, or wrapped in one pair of parentheses). */
  searches?: Record<string, number[]>;
  /** YYYY/MM/DD; records with edat > today are invisible to esearch and efetch. Default: today (UTC). */
  today?: string;
  /** PubMed's ESearch window: 9999. */
  cap?: number;
  /** Seed of the PRNG behind random faults, truncation points and dropped records. */
  seed?: number;
}

export type FaultKind =
  | '429' | '500' | '502' | '503' | '504'
  | 'error-200' | 'error-400' | 'html-200'
  | 'truncated' | 'empty' | 'prolog-only' | 'reset' | 'slow'
  | 'expired-webenv' | 'drop-record';

export interface Fault {
  kind: FaultKind;
  /** Only requests to this endpoint match; default any. */
  endpoint?: 'esearch' | 'efetch';
  /** Seconds, sent as Retry-After with '429'. */
  retryAfter?: number;
  /** For 'slow'; default 35000. */
  delayMs?: number;
  /** For 'error-200' / 'error-400'. */
  message?: string;
}

export interface RequestLog {
  /** performance.now() (ms) when the request arrived. */
  at: number;
  endpoint: string;
  method: 'GET' | 'POST';
  /** Query string and form body merged (the body wins). */
  params: Record<string, string>;
  /** HTTP status sent; 0 while pending and for 'reset'. */
  status: number;
  fault?: FaultKind;
}

export const ALL_FAULT_KINDS: readonly FaultKind[] = [
  '429', '500', '502', '503', '504', 'error-200', 'error-400', 'html-200',
  'truncated', 'empty', 'prolog-only', 'reset', 'slow', 'expired-webenv', 'drop-record',
];

// ------------------------------------------------------------------ real bodies and texts

/** The first two lines (XML declaration + DOCTYPE) of a current ESearch reply, from the MCID sample. */
const ESEARCH_PROLOG = errorSample('esearch-pubmed-usehistory-MCID-webenv.xml').split('\n').slice(0, 2).join('\n') + '\n';
/** The efetch reply for well-formed unknown PMIDs; its first two lines are the efetch prolog. */
const EMPTY_SET = errorSample('efetch-pubmed-empty-set-unknown-ids.xml');
const EFETCH_PROLOG = EMPTY_SET.split('\n').slice(0, 2).join('\n') + '\n';
const EFETCH_ERROR = errorSample('efetch-ERROR-unable-to-obtain-query.xml');
const ESEARCH_ERROR_XML = errorSample('esearch-ERROR-invalid-db.xml');
const ESEARCH_ERROR_JSON = errorSample('esearch-ERROR-invalid-db.json');
const EINFO_ERROR_JSON = errorSample('einfo-error-invalid-db.json');
const BODY_429 = errorSample('http429-body-observed-redacted.json');
const BODY_500 = errorSample('http500-html-diagnostic-EXCERPT.html');

/** The verbatim message texts of esearch-pubmed-9999-cap-messages.txt, by section letter. */
function capMessages(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let section = '';
  for (const line of errorSample('esearch-pubmed-9999-cap-messages.txt').split('\n')) {
    const h = /^## \((\w)\)/.exec(line);
    if (h) section = h[1]!;
    else if (section && line.trim() !== '' && !line.startsWith('#')) out.set(section, [...(out.get(section) ?? []), line]);
  }
  return out;
}
const CAP = capMessages();
const first = (s: string): string => CAP.get(s)?.[0] ?? '';
/** (a) "Restrictions achieved. start and count adjusted to 0, 9999" */
const MSG_CLAMP = first('a');
/** (c) "'retstart' cannot be larger than 9998. For PubMed, …" (XML <ERROR>) */
const MSG_RETSTART = first('c');
/** (d) the same condition through retmode=json. */
const MSG_RETSTART_JSON = (JSON.parse(first('d') || '{"esearchresult":{"ERROR":""}}') as { esearchresult: { ERROR: string } }).esearchresult.ERROR;
/** (e) "Search Backend failed: Database is not supported: pubmed" (after the client's "OK (200): "). */
const MSG_BACKEND = first('e').replace(/^OK \(200\): /, '');
/** (f) "ID list is empty! Possibly it has no correct IDs." */
const MSG_EMPTY_IDS = first('f');
/** A proxy_stream() 400 text, when the messages file has one (it does not yet: then the only real 400 text). */
const MSG_400 = [...CAP.values()].flat().find((l) => l.includes('proxy_stream()')) ?? MSG_EMPTY_IDS;
/** Real text for an ESearch without a term (public client fixtures quote it; not in shared/fixtures). */
const MSG_EMPTY_TERM = 'Empty term and query_key - nothing todo';

/** Placeholders: NCBI's own bodies for these statuses are not among the fixtures (see README). */
const GATEWAY_PAGES: Record<string, string> = {
  '502': 'Bad Gateway',
  '503': 'Service Temporarily Unavailable',
  '504': 'Gateway Time-out',
};
function gatewayPage(status: string): string {
  const text = `${status} ${GATEWAY_PAGES[status] ?? 'Error'}`;
  return `<html>\r\n<head><title>${text}</title></head>\r\n<body>\r\n<center><h1>${text}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

/** Cap-dependent versions of the real texts (identical to them for cap 9999). */
function capText(text: string, cap: number): string {
  return text
    .replace(/9998/g, String(cap - 1))
    .replace(/9,999/g, cap.toLocaleString('en-US'))
    .replace(/9999/g, String(cap));
}

const XML_TYPE = 'text/xml; charset=UTF-8';
const JSON_TYPE = 'application/json; charset=UTF-8';

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function efetchError(message: string): string {
  return EFETCH_ERROR.replace(/<ERROR>[^<]*<\/ERROR>/, `<ERROR>${esc(message)}</ERROR>`);
}

function esearchErrorBody(message: string, json: boolean): string {
  if (!json) return ESEARCH_ERROR_XML.replace(/<ERROR>[^<]*<\/ERROR>/, `<ERROR>${esc(message)}</ERROR>`);
  const doc = JSON.parse(ESEARCH_ERROR_JSON) as { esearchresult: { ERROR: string } };
  doc.esearchresult.ERROR = message;
  return JSON.stringify(doc, null, 4) + '\n';
}

// ------------------------------------------------------------------ helpers

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const reply = (status: number, type: string, body: string, headers: Record<string, string> = {}): Reply => ({
  status,
  headers: { 'Content-Type': type, ...headers },
  body,
});

/** mulberry32: small, fast, and seedable. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function utcToday(): string {
  const d = new Date();
  return `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}`;
}

function intParam(v: string | undefined, dflt: number): number {
  if (v === undefined || !/^\s*-?\d+\s*$/.test(v)) return dflt;
  return Math.max(0, parseInt(v, 10));
}

const EFETCH_ONLY: ReadonlySet<FaultKind> = new Set(['expired-webenv', 'drop-record']);
const ENDPOINT_RE = /^\/entrez\/eutils\/(esearch|efetch|einfo)\.fcgi$/;

interface History {
  next: number;
  queries: Map<string, number[]>;
}

/** The fake server. See README.md for usage. */
export class FakeEutils {
  /** Every request, in arrival order, faulted or not. */
  readonly requests: RequestLog[] = [];
  /** YYYY/MM/DD; settable between requests to simulate the next night. */
  today: string;

  private readonly records = new Map<number, CorpusRecord>();
  private readonly removed = new Set<number>();
  private readonly searches = new Map<string, number[]>();
  private readonly searchPmids = new Set<number>();
  private readonly histories = new Map<string, History>();
  private readonly cap: number;
  private readonly rand: () => number;
  private readonly queue: { fault: Fault; left: number }[] = [];
  private randomRate = 0;
  private randomKinds: FaultKind[] = [];
  private server: http.Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private baseUrl = '';

  constructor(opts: FakeEutilsOptions = {}) {
    for (const rec of opts.corpus ?? loadFixtureCorpus()) if (!this.records.has(rec.pmid)) this.records.set(rec.pmid, rec);
    for (const [term, pmids] of Object.entries(opts.searches ?? {})) this.setSearch(term, pmids);
    this.today = opts.today ?? utcToday();
    this.cap = opts.cap ?? 9999;
    this.rand = prng(opts.seed ?? 20240101);
  }

  /** The base URL (with trailing slash) once started, else ''. */
  get url(): string {
    return this.baseUrl;
  }

  /** Starts listening on 127.0.0.1 (port 0 = any free port); resolves to the base URL. */
  start(port = 0): Promise<string> {
    if (this.server) return Promise.resolve(this.baseUrl);
    const server = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          res.writeHead(500, { 'Content-Type': 'text/plain' });
          res.end(`fake-eutils internal error: ${String(err)}\n`);
        }
      });
    });
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const { port: p } = server.address() as AddressInfo;
        this.baseUrl = `http://127.0.0.1:${p}/entrez/eutils/`;
        resolve(this.baseUrl);
      });
    });
  }

  /** Stops the server at once: pending 'slow' replies are dropped and open sockets destroyed. */
  close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (!server) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  /** Registers (or replaces) the PMIDs a term matches. PMIDs without a record are id-only hits. */
  setSearch(term: string, pmids: number[]): void {
    this.searches.set(normaliseTerm(term), [...pmids]);
    this.searchPmids.clear();
    for (const list of this.searches.values()) for (const p of list) this.searchPmids.add(p);
  }

  /** Adds a record, or replaces a record by a new version of it (e.g. its retracted revision). */
  upsertRecord(rec: CorpusRecord): void {
    this.records.set(rec.pmid, rec);
    this.removed.delete(rec.pmid);
  }

  /** Deletes a record: it is found by no search and served by no fetch from now on. */
  removeRecord(pmid: number): void {
    this.records.delete(pmid);
    this.removed.add(pmid);
  }

  /** Queues a fault for the next `times` matching requests. */
  fault(f: Fault, times = 1): void {
    if (times > 0) this.queue.push({ fault: { ...f }, left: times });
  }

  /** Faults a share `rate` (0..1) of requests at random, by the seeded PRNG; 0 turns it off. */
  randomFaults(rate: number, kinds?: FaultKind[]): void {
    this.randomRate = Math.max(0, Math.min(1, rate));
    // 'slow' (35 s by default) is left out unless asked for: it would stall most test suites.
    this.randomKinds = kinds ? [...kinds] : ALL_FAULT_KINDS.filter((k) => k !== 'slow');
  }

  // ---------------------------------------------------------------- request handling

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const at = performance.now();
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const params: Record<string, string> = {};
    for (const [k, v] of url.searchParams) params[k] = v;
    if (req.method === 'POST' && chunks.length > 0) {
      for (const [k, v] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) params[k] = v;
    }
    const endpoint = ENDPOINT_RE.exec(url.pathname)?.[1] ?? url.pathname;
    const log: RequestLog = { at, endpoint, method: req.method === 'POST' ? 'POST' : 'GET', params, status: 0 };
    this.requests.push(log);

    if (req.method !== 'GET' && req.method !== 'POST') return this.send(res, log, reply(405, 'text/plain', 'Method Not Allowed\n'));
    if (!ENDPOINT_RE.test(url.pathname)) return this.send(res, log, reply(404, 'text/plain', `Not Found: ${url.pathname}\n`));

    const fault = this.pickFault(endpoint);
    if (fault) log.fault = fault.kind;
    const normal = (dropOne = false): Reply =>
      endpoint === 'esearch' ? this.esearch(params) : endpoint === 'efetch' ? this.efetch(params, dropOne) : this.einfo(params);
    if (!fault) return this.send(res, log, normal());

    const json = params.retmode === 'json';
    switch (fault.kind) {
      case '429':
        return this.send(res, log, reply(429, JSON_TYPE, BODY_429, {
          ...(fault.retryAfter !== undefined ? { 'Retry-After': String(fault.retryAfter) } : {}),
          'X-RateLimit-Limit': params.api_key ? '10' : '3',
          'X-RateLimit-Remaining': '0',
        }));
      case '500':
        return this.send(res, log, reply(500, 'text/html', BODY_500));
      case '502':
      case '503':
      case '504':
        return this.send(res, log, reply(Number(fault.kind), 'text/html', gatewayPage(fault.kind)));
      case 'error-200':
      case 'error-400': {
        const status = fault.kind === 'error-200' ? 200 : 400;
        const msg = fault.message ?? (status === 200 ? MSG_BACKEND : MSG_400);
        if (endpoint === 'efetch') return this.send(res, log, reply(status, XML_TYPE, efetchError(msg)));
        return this.send(res, log, reply(status, json ? JSON_TYPE : XML_TYPE, esearchErrorBody(msg, json)));
      }
      case 'html-200':
        return this.send(res, log, reply(200, 'text/html', BODY_500));
      case 'empty':
        return this.send(res, log, reply(200, XML_TYPE, ''));
      case 'prolog-only':
        return this.send(res, log, reply(200, XML_TYPE, endpoint === 'efetch' ? EFETCH_PROLOG : ESEARCH_PROLOG));
      case 'truncated':
        return this.sendTruncated(res, log, normal());
      case 'reset': {
        const s = res.socket;
        if (s) {
          if (typeof s.resetAndDestroy === 'function') s.resetAndDestroy();
          else s.destroy();
        }
        return;
      }
      case 'slow': {
        const r = normal();
        const t = setTimeout(() => {
          this.timers.delete(t);
          this.send(res, log, r);
        }, fault.delayMs ?? 35_000);
        this.timers.add(t);
        return;
      }
      case 'expired-webenv':
        return this.send(res, log, reply(200, XML_TYPE, this.unableToObtain(params)));
      case 'drop-record':
        return this.send(res, log, normal(true));
    }
  }

  private pickFault(endpoint: string): Fault | undefined {
    const applies = (k: FaultKind): boolean => !EFETCH_ONLY.has(k) || endpoint === 'efetch';
    for (let i = 0; i < this.queue.length; i++) {
      const q = this.queue[i]!;
      if (q.fault.endpoint !== undefined && q.fault.endpoint !== endpoint) continue;
      if (!applies(q.fault.kind)) continue;
      q.left--;
      if (q.left <= 0) this.queue.splice(i, 1);
      return q.fault;
    }
    if (this.randomRate > 0 && this.rand() < this.randomRate) {
      const kinds = this.randomKinds.filter(applies);
      if (kinds.length > 0) return { kind: kinds[Math.floor(this.rand() * kinds.length)]! };
    }
    return undefined;
  }

  // NCBI sends x-ratelimit-limit / x-ratelimit-remaining with each response (rentrez#161).
  private rateHeaders(log: RequestLog): Record<string, string> {
    const limit = log.params.api_key ? 10 : 3;
    const recent = this.requests.filter((r) => r.at > log.at - 1000 && r.at <= log.at).length;
    return { 'X-RateLimit-Limit': String(limit), 'X-RateLimit-Remaining': String(Math.max(0, limit - recent)) };
  }

  private send(res: http.ServerResponse, log: RequestLog, r: Reply): void {
    log.status = r.status;
    if (res.destroyed || res.headersSent) return;
    const body = Buffer.from(r.body, 'utf8');
    res.writeHead(r.status, { ...this.rateHeaders(log), ...r.headers, 'Content-Length': String(body.length) });
    res.end(body);
  }

  /** The real body cut at a random point, no Content-Length, then the connection closed. */
  private sendTruncated(res: http.ServerResponse, log: RequestLog, r: Reply): void {
    log.status = r.status;
    const body = Buffer.from(r.body, 'utf8');
    const cut = body.length < 2 ? 0 : 1 + Math.floor(this.rand() * (body.length - 1));
    const socket = res.socket;
    if (!socket || socket.destroyed) return;
    const headers = { ...this.rateHeaders(log), ...r.headers, Connection: 'close' };
    const head =
      `HTTP/1.1 ${r.status} ${http.STATUS_CODES[r.status] ?? ''}\r\n` +
      Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('') +
      '\r\n';
    // Written straight to the socket: with neither Content-Length nor chunking, the body ends where the
    // connection does, so the client sees a "complete" 200 with half a document.
    socket.write(head);
    socket.end(body.subarray(0, cut));
  }

  // ---------------------------------------------------------------- visibility

  private isVisible(pmid: number): boolean {
    if (this.removed.has(pmid)) return false;
    const rec = this.records.get(pmid);
    return rec ? rec.edat <= this.today : this.searchPmids.has(pmid);
  }

  private visibleRecord(pmid: number): CorpusRecord | undefined {
    const rec = this.records.get(pmid);
    return rec && !this.removed.has(pmid) && rec.edat <= this.today ? rec : undefined;
  }

  private termContext(): TermContext {
    return {
      searches: this.searches,
      records: [...this.records.values()].filter((r) => !this.removed.has(r.pmid) && r.edat <= this.today),
      isVisible: (p) => this.isVisible(p),
      today: this.today,
    };
  }

  // ---------------------------------------------------------------- esearch

  private esearch(p: Record<string, string>): Reply {
    const json = p.retmode === 'json';
    const type = json ? JSON_TYPE : XML_TYPE;
    const error = (msg: string): Reply => reply(200, type, esearchErrorBody(msg, json));
    if (p.db !== 'pubmed') return error(`Invalid db name specified: ${p.db ?? ''}`);
    const term = p.term ?? '';
    if (normaliseTerm(term) === '') return error(MSG_EMPTY_TERM);

    const found = resolveTerm(term, this.termContext());
    let ids = [...found.pmids];

    // Dates: both bounds or none (one bound alone is silently ignored, as PubMed does); reldate otherwise.
    const dt = (p.datetype ?? 'edat').toLowerCase();
    const field: 'edat' | 'mdat' | 'pdat' = dt === 'mdat' || dt === 'pdat' ? dt : 'edat';
    let lo: string | undefined;
    let hi: string | undefined;
    let shown = '';
    if (p.mindate && p.maxdate) {
      lo = dateBound(p.mindate, false);
      hi = dateBound(p.maxdate, true);
      shown = `${p.mindate}:${p.maxdate}`;
    } else if (p.reldate && /^\d+$/.test(p.reldate.trim())) {
      lo = daysBefore(this.today, Number(p.reldate));
      hi = this.today;
      shown = `${lo}:${hi}`;
    }
    const label = { edat: 'Date - Entry', pdat: 'Date - Publication', mdat: 'Date - Modification' }[field];
    let translation = normaliseTerm(term);
    if (lo && hi) {
      const [a, b] = [lo, hi];
      ids = ids.filter((id) => {
        const d = this.records.get(id)?.[field];
        return d !== undefined && d >= a && d <= b;
      });
      translation = `(${translation}) AND ${shown}[${label}]`;
    }

    // Newest Entrez date first (then highest PMID); other sort orders: highest PMID first.
    const sort = (p.sort ?? '').toLowerCase().replace(/[+_]/g, ' ').trim();
    const byDate = ['', 'pub date', 'most recent', 'date desc', 'pubdate'].includes(sort);
    const edatOf = (id: number): string => this.records.get(id)?.edat ?? '';
    ids.sort((a, b) => {
      if (byDate) {
        const ea = edatOf(a);
        const eb = edatOf(b);
        if (ea !== eb) return ea < eb ? 1 : -1;
      }
      return b - a;
    });

    const count = ids.length;
    if (p.rettype === 'count') {
      const body = json
        ? JSON.stringify({ header: { type: 'esearch', version: '0.3' }, esearchresult: { count: String(count) } }, null, 4) + '\n'
        : `${ESEARCH_PROLOG}<eSearchResult><Count>${count}</Count></eSearchResult>\n`;
      return reply(200, type, body);
    }

    const retstart = intParam(p.retstart, 0);
    const retmax = intParam(p.retmax, 20);
    if (retstart >= this.cap) return error(capText(json ? MSG_RETSTART_JSON : MSG_RETSTART, this.cap));
    const warnings: string[] = [];
    if (retmax > this.cap) {
      warnings.push(capText(MSG_CLAMP, this.cap).replace(/adjusted to \d+, \d+/, `adjusted to ${retstart}, ${this.cap - retstart}`));
    }
    // A page straddling the window is cut at its edge without a word.
    const page = ids.slice(retstart, retstart + Math.min(retmax, this.cap - retstart));

    let history: { key: string; webenv: string } | undefined;
    if ((p.usehistory ?? '').toLowerCase() === 'y') {
      let webenv = p.WebEnv && this.histories.has(p.WebEnv) ? p.WebEnv : undefined;
      if (!webenv) {
        webenv = `MCID_${randomBytes(12).toString('hex')}`;
        this.histories.set(webenv, { next: 1, queries: new Map() });
      }
      const h = this.histories.get(webenv)!;
      const key = String(h.next++);
      h.queries.set(key, ids);
      history = { key, webenv };
    }
    if (count === 0) warnings.push('No items found.');
    const notFound = found.phrasesNotFound;

    if (json) {
      const r: Record<string, unknown> = {
        count: String(count),
        retmax: String(page.length),
        retstart: String(retstart),
        ...(history ? { querykey: history.key, webenv: history.webenv } : {}),
        idlist: page.map(String),
        translationset: [],
        querytranslation: translation,
      };
      if (notFound.length > 0) r.errorlist = { phrasesnotfound: notFound, fieldsnotfound: [] };
      if (warnings.length > 0) r.warninglist = { phrasesignored: [], quotedphrasesnotfound: [], outputmessages: warnings };
      return reply(200, type, JSON.stringify({ header: { type: 'esearch', version: '0.3' }, esearchresult: r }, null, 4) + '\n');
    }
    const idList = page.length === 0 ? '<IdList/>' : `<IdList>\n${page.map((id) => `<Id>${id}</Id>\n`).join('')}</IdList>`;
    const body =
      `${ESEARCH_PROLOG}<eSearchResult><Count>${count}</Count><RetMax>${page.length}</RetMax><RetStart>${retstart}</RetStart>` +
      (history ? `<QueryKey>${history.key}</QueryKey><WebEnv>${history.webenv}</WebEnv>` : '') +
      `${idList}<TranslationSet/><QueryTranslation>${esc(translation)}</QueryTranslation>` +
      (notFound.length > 0 ? `<ErrorList>${notFound.map((n) => `<PhraseNotFound>${esc(n)}</PhraseNotFound>`).join('')}</ErrorList>` : '') +
      (warnings.length > 0 ? `<WarningList>${warnings.map((w) => `<OutputMessage>${esc(w)}</OutputMessage>`).join('')}</WarningList>` : '') +
      '</eSearchResult>\n';
    return reply(200, type, body);
  }

  // ---------------------------------------------------------------- efetch

  private unableToObtain(p: Record<string, string>): string {
    return efetchError(`Unable to obtain query #${p.query_key ?? '1'}`);
  }

  private efetch(p: Record<string, string>, dropOne: boolean): Reply {
    if (p.db !== 'pubmed') return reply(400, XML_TYPE, efetchError(`Invalid db name specified: ${p.db ?? ''}`));
    const rettype = (p.rettype ?? '').toLowerCase();
    const retmode = (p.retmode ?? '').toLowerCase();
    const uilist = rettype === 'uilist' && (retmode === '' || retmode === 'text');
    const xml = ['', 'abstract', 'xml', 'full'].includes(rettype) && (retmode === '' || retmode === 'xml');
    if (!uilist && !xml) {
      return reply(400, 'text/plain; charset=UTF-8',
        `Error: this fake E-utilities server answers db=pubmed efetch only with retmode=xml (rettype abstract, xml or full) or rettype=uilist retmode=text; got rettype=${p.rettype ?? ''} retmode=${p.retmode ?? ''}\n`);
    }

    let wanted: number[];
    if ((p.id ?? '').trim() !== '') {
      const seen = new Set<number>();
      wanted = [];
      for (const tok of p.id!.split(/[\s,]+/)) {
        if (!/^\d+$/.test(tok)) continue;
        const n = Number(tok);
        if (n > 0 && !seen.has(n)) {
          seen.add(n);
          wanted.push(n);
        }
      }
      if (wanted.length === 0) return reply(400, XML_TYPE, efetchError(MSG_EMPTY_IDS));
    } else if (p.WebEnv !== undefined || p.query_key !== undefined) {
      const list = p.WebEnv !== undefined ? this.histories.get(p.WebEnv)?.queries.get(p.query_key ?? '1') : undefined;
      if (!list) return reply(200, XML_TYPE, this.unableToObtain(p));
      const retstart = intParam(p.retstart, 0);
      // Reported (EUTILS.md R8): history paging is held to the same window, as an HTTP 400.
      if (retstart >= this.cap) return reply(400, XML_TYPE, efetchError(capText(MSG_RETSTART, this.cap)));
      const retmax = intParam(p.retmax, 20);
      wanted = list.slice(retstart, retstart + Math.min(retmax, this.cap - retstart));
    } else {
      return reply(400, XML_TYPE, efetchError(MSG_EMPTY_IDS));
    }

    // Unknown, removed and not-yet-entered PMIDs are simply left out, as the real server does.
    const recs = wanted.map((id) => this.visibleRecord(id)).filter((r): r is CorpusRecord => r !== undefined);
    if (dropOne && recs.length > 0) recs.splice(Math.floor(this.rand() * recs.length), 1);
    if (uilist) return reply(200, 'text/plain; charset=UTF-8', recs.map((r) => `${r.pmid}\n`).join(''));
    if (recs.length === 0) return reply(200, XML_TYPE, EMPTY_SET);
    return reply(200, XML_TYPE, `${EFETCH_PROLOG}<PubmedArticleSet>\n${recs.map((r) => `${r.xml}\n`).join('')}</PubmedArticleSet>\n`);
  }

  // ---------------------------------------------------------------- einfo (minimal)

  private einfo(p: Record<string, string>): Reply {
    const json = p.retmode === 'json';
    const head = '<?xml version="1.0" encoding="UTF-8" ?>\n';
    if (p.db === undefined || p.db === '') {
      return json
        ? reply(200, JSON_TYPE, JSON.stringify({ header: { type: 'einfo', version: '0.3' }, einforesult: { dblist: ['pubmed'] } }, null, 4) + '\n')
        : reply(200, XML_TYPE, `${head}<eInfoResult><DbList><DbName>pubmed</DbName></DbList></eInfoResult>\n`);
    }
    if (p.db !== 'pubmed') {
      const msg = `Can not retrieve DbInfo for db=${p.db}`;
      if (json) {
        const doc = JSON.parse(EINFO_ERROR_JSON) as { einforesult: { ERROR: string } };
        doc.einforesult.ERROR = msg;
        return reply(200, JSON_TYPE, JSON.stringify(doc, null, 4) + '\n');
      }
      return reply(200, XML_TYPE, `${head}<eInfoResult><ERROR>${esc(msg)}</ERROR></eInfoResult>\n`);
    }
    const count = [...this.records.keys()].filter((id) => this.visibleRecord(id)).length;
    const info = { dbname: 'pubmed', menuname: 'PubMed', description: 'PubMed bibliographic record', count: String(count), lastupdate: this.today };
    return json
      ? reply(200, JSON_TYPE, JSON.stringify({ header: { type: 'einfo', version: '0.3' }, einforesult: { dbinfo: [info] } }, null, 4) + '\n')
      : reply(200, XML_TYPE,
          `${head}<eInfoResult><DbInfo><DbName>pubmed</DbName><MenuName>PubMed</MenuName><Description>PubMed bibliographic record</Description>` +
          `<Count>${count}</Count><LastUpdate>${this.today}</LastUpdate></DbInfo></eInfoResult>\n`);
  }
}

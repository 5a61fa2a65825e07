// The E-utilities transport: builds every request, paces it, reads the whole body, classifies it,
// parses it, and retries transient failures, all inside one loop (EUTILS.md §1, §2 F7, §6).
// The API key never leaves this module except as a request parameter: messages, events and thrown
// errors are built here and redacted, and axios errors (which carry the URL) are never rethrown.
import type { AxiosInstance, AxiosResponse } from 'axios';
import { loadAxios } from './lazy.js';
import { ClaimwatchError, ParseError } from '../errors.js';
import { classifyAnswer, oneLine, type Classification, type Endpoint } from './classify.js';
import { parseEsearchXml, type EsearchResult } from './esearch.js';
import { gapFor, sharedPacer, type Pacer, type PacerOptions } from './pacer.js';
import { redact } from './redact.js';
import { backoffMs, networkReason } from './retry.js';

/** What the client needs to know; everything but baseUrl and tool has a default. */
export interface EutilsConfig {
  /** E.g. https://eutils.ncbi.nlm.nih.gov/entrez/eutils/ (a missing trailing slash is fine). */
  baseUrl: string;
  /** Identifies the software to NCBI; no spaces (R4). */
  tool: string;
  /** The developer's or operator's address, sent on every request when set (R4). */
  email?: string;
  apiKey?: string;
  /** Deadline for one whole request, body included. Default 30 000. */
  timeoutMs?: number;
  /** Attempts per request in total, first one included. Default 6. */
  maxAttempts?: number;
  /** First backoff; doubles each retry. Default 1 000. */
  backoffBaseMs?: number;
  /** Backoff ceiling before jitter. Default 30 000. */
  backoffCapMs?: number;
  /** Defaults to the process-wide pacer for the key's gap (350 ms, or 110 ms with a key). */
  pacer?: Pacer;
  /** Shares request starts with other processes through this ledger (used by the default pacer only). */
  ledger?: PacerOptions['ledger'];
  sleep?: (ms: number) => Promise<void>;
  /** Uniform in [0, 1); drives the ±25 % backoff jitter. */
  random?: () => number;
  onEvent?: (e: ClientEvent) => void;
}

/** Progress the client reports; never carries the API key. */
export type ClientEvent =
  | { type: 'request'; endpoint: Endpoint; attempt: number }
  | { type: 'retry'; endpoint: Endpoint; attempt: number; reason: string; waitMs: number }
  | { type: 'response'; endpoint: Endpoint; status: number; ms: number };

/** How a request finally failed: NCBI never answered, kept failing, refused it, or forgot the WebEnv. */
export type EutilsErrorKind = 'unreachable' | 'transient' | 'permanent' | 'expired-history';

/** A failed E-utilities request, after the retries it deserved. Its message is one line and never holds the API key. */
export class EutilsError extends ClaimwatchError {
  constructor(
    message: string,
    readonly kind: EutilsErrorKind,
    readonly endpoint: Endpoint,
    /** Attempts made (0 when the failure was found after the requests, e.g. a count mismatch). */
    readonly attempts: number,
  ) {
    super(message, 1);
  }
}

/** One ESearch request on PubMed. */
export interface EsearchQuery {
  term: string;
  /** Defaults to 'edat' when dates are given. */
  datetype?: 'edat' | 'mdat' | 'pdat';
  /** YYYY, YYYY/MM or YYYY/MM/DD; only together with maxdate (R12). */
  mindate?: string;
  maxdate?: string;
  /** Default 'pub_date' (R16: the server default is not the web default). */
  sort?: string;
  /** Default 0; at most 9998 (R7). */
  retstart?: number;
  /** Default 20. */
  retmax?: number;
  usehistory?: boolean;
}

/** One page of a history-server result set. */
export interface HistoryPage {
  webenv: string;
  queryKey: string;
  retstart: number;
  retmax: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_ATTEMPTS = 6;
const DEFAULT_BACKOFF_BASE_MS = 1_000;
const DEFAULT_BACKOFF_CAP_MS = 30_000;
const RETRY_AFTER_CAP_MS = 120_000;
/** Above this many encoded characters the term goes in a POST body (R10; cyanheads uses 2,000). */
const POST_TERM_CHARS = 1_800;
/** The last retstart PubMed ESearch accepts (R7). */
const MAX_RETSTART = 9_998;
const DATE = /^[0-9]{4}(\/[0-9]{1,2}(\/[0-9]{1,2})?)?$/;

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

type Method = 'GET' | 'POST';

/** Outcome of one attempt, before the retry decision. */
type Attempt<T> = { done: true; value: T } | { done: false; verdict: Exclude<Classification, { kind: 'ok' }>; retryAfterMs?: number; answered: boolean };

/** A paced, retrying client for PubMed ESearch and EFetch. */
export class EutilsClient {
  /** Attempts sent and retries scheduled since construction. */
  readonly stats = { requests: 0, retries: 0 };
  /** The base URL with a trailing slash, as named in error messages. */
  readonly baseUrl: string;
  private readonly cfg: EutilsConfig;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly backoffBaseMs: number;
  private readonly backoffCapMs: number;
  private readonly pacer: Pacer;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly http: AxiosInstance;

  constructor(cfg: EutilsConfig) {
    if (!cfg.tool || /\s/.test(cfg.tool)) throw new Error(`EutilsClient: tool must be a non-empty string without spaces, got ${JSON.stringify(cfg.tool)}`);
    this.cfg = cfg;
    this.baseUrl = cfg.baseUrl.endsWith('/') ? cfg.baseUrl : cfg.baseUrl + '/';
    this.timeoutMs = cfg.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxAttempts = Math.max(1, Math.floor(cfg.maxAttempts ?? DEFAULT_MAX_ATTEMPTS));
    this.backoffBaseMs = cfg.backoffBaseMs ?? DEFAULT_BACKOFF_BASE_MS;
    this.backoffCapMs = cfg.backoffCapMs ?? DEFAULT_BACKOFF_CAP_MS;
    this.pacer = cfg.pacer ?? sharedPacer(gapFor(cfg.apiKey), cfg.ledger);
    this.sleep = cfg.sleep ?? realSleep;
    this.random = cfg.random ?? Math.random;
    // A private instance: global axios defaults or interceptors set elsewhere must not change these requests.
    this.http = loadAxios().create();
  }

  /** Runs one ESearch on PubMed (XML) and returns its parsed answer. */
  async esearch(q: EsearchQuery): Promise<EsearchResult> {
    if (typeof q.term !== 'string' || q.term.trim() === '') throw new Error('esearch: term must be a non-empty string');
    const hasMin = q.mindate !== undefined && q.mindate !== '';
    const hasMax = q.maxdate !== undefined && q.maxdate !== '';
    if (hasMin !== hasMax) throw new Error('esearch: mindate and maxdate must be given together (NCBI silently ignores a single bound)');
    for (const d of [q.mindate, q.maxdate]) {
      if (d && !DATE.test(d)) throw new Error(`esearch: dates must be YYYY, YYYY/MM or YYYY/MM/DD, got ${JSON.stringify(d)}`);
    }
    const retstart = q.retstart ?? 0;
    const retmax = q.retmax ?? 20;
    if (!Number.isInteger(retstart) || retstart < 0 || retstart > MAX_RETSTART) {
      throw new Error(`esearch: retstart must be an integer in 0..${MAX_RETSTART}, got ${retstart}`);
    }
    if (!Number.isInteger(retmax) || retmax < 0) throw new Error(`esearch: retmax must be a non-negative integer, got ${retmax}`);

    const params = new URLSearchParams({ db: 'pubmed', term: q.term });
    if (hasMin) {
      params.set('datetype', q.datetype ?? 'edat');
      params.set('mindate', q.mindate ?? '');
      params.set('maxdate', q.maxdate ?? '');
    }
    params.set('sort', q.sort ?? 'pub_date');
    params.set('retstart', String(retstart));
    params.set('retmax', String(retmax));
    if (q.usehistory) params.set('usehistory', 'y');
    params.set('retmode', 'xml');
    const termChars = new URLSearchParams({ term: q.term }).toString().length - 'term='.length;
    return this.request('esearch', params, termChars > POST_TERM_CHARS ? 'POST' : 'GET', parseEsearchXml);
  }

  /** POSTs an EFetch for these PMIDs and returns the validated PubmedArticleSet XML. */
  async efetchXml(pmids: number[]): Promise<string> {
    if (pmids.length === 0) throw new Error('efetchXml: no PMIDs given');
    for (const id of pmids) {
      if (!Number.isSafeInteger(id) || id <= 0) throw new Error(`efetchXml: invalid PMID ${String(id)}`);
    }
    const params = new URLSearchParams({ db: 'pubmed', id: pmids.join(','), retmode: 'xml' });
    return this.request('efetch', params, 'POST', (body) => body);
  }

  /** POSTs an EFetch for one page of a history-server result set and returns the validated XML. */
  async efetchHistory(h: HistoryPage): Promise<string> {
    if (!h.webenv || !h.queryKey) throw new Error('efetchHistory: webenv and queryKey are required');
    const params = new URLSearchParams({
      db: 'pubmed',
      query_key: h.queryKey,
      WebEnv: h.webenv,
      retstart: String(h.retstart),
      retmax: String(h.retmax),
      retmode: 'xml',
    });
    return this.request('efetch', params, 'POST', (body) => body);
  }

  private async request<T>(endpoint: Endpoint, params: URLSearchParams, method: Method, accept: (body: string) => T): Promise<T> {
    params.set('tool', this.cfg.tool);
    if (this.cfg.email) params.set('email', this.cfg.email);
    if (this.cfg.apiKey) params.set('api_key', this.cfg.apiKey);
    const url = new URL(`${endpoint}.fcgi`, this.baseUrl).toString();

    let everAnswered = false;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(endpoint, url, params, method, attempt, accept);
      if (outcome.done) return outcome.value;
      everAnswered ||= outcome.answered;
      // "Unable to obtain query" on a request that names no WebEnv cannot be an expired history: the
      // request itself is the re-run, so it is retried like any other transient answer.
      const verdict: Classification = outcome.verdict.kind === 'expired-history' && !params.has('WebEnv')
        ? { kind: 'transient', reason: outcome.verdict.reason }
        : outcome.verdict;
      const reason = this.redact(verdict.reason);
      if (verdict.kind === 'permanent' || verdict.kind === 'expired-history') {
        const hint = verdict.kind === 'expired-history' ? '; run the search again for a fresh WebEnv' : '';
        throw this.fail(verdict.kind, endpoint, attempt, `${endpoint} failed at ${this.baseUrl}: ${reason} (${plural(attempt, 'attempt')}${hint})`);
      }
      if (attempt >= this.maxAttempts) {
        if (!everAnswered) {
          throw this.fail('unreachable', endpoint, attempt, `cannot reach NCBI E-utilities at ${this.baseUrl} (${reason}) after ${plural(attempt, 'attempt')}`);
        }
        throw this.fail('transient', endpoint, attempt, `${endpoint} failed at ${this.baseUrl}: ${reason} (gave up after ${plural(attempt, 'attempt')})`);
      }
      const waitMs = outcome.retryAfterMs ?? backoffMs(attempt, this.backoffBaseMs, this.backoffCapMs, this.random);
      // The server asked everyone to wait: hold the shared pacer too, not just this caller.
      if (outcome.retryAfterMs !== undefined) this.pacer.pause(waitMs);
      this.stats.retries++;
      this.emit({ type: 'retry', endpoint, attempt, reason, waitMs });
      await this.sleep(waitMs);
    }
  }

  private async attempt<T>(
    endpoint: Endpoint,
    url: string,
    params: URLSearchParams,
    method: Method,
    attempt: number,
    accept: (body: string) => T,
  ): Promise<Attempt<T>> {
    await this.pacer.wait();
    this.stats.requests++;
    this.emit({ type: 'request', endpoint, attempt });
    const started = performance.now();
    let res: AxiosResponse<ArrayBuffer | Buffer>;
    try {
      res = await this.send(url, params, method);
    } catch (e) {
      return { done: false, verdict: { kind: 'transient', reason: networkReason(e, this.timeoutMs, (m) => this.redact(m)) }, answered: false };
    }
    this.emit({ type: 'response', endpoint, status: res.status, ms: Math.round(performance.now() - started) });

    const body = new TextDecoder('utf-8').decode(res.data);
    const contentType = headerText(res.headers['content-type']);
    const retryAfterMs = parseRetryAfter(headerText(res.headers['retry-after']));
    let verdict = classifyAnswer({ status: res.status, contentType, body, endpoint, retmode: 'xml' });
    // The reason quotes the body cut to a length: redact first, so the cut cannot fall inside the key.
    if (verdict.kind !== 'ok' && this.cfg.apiKey) {
      verdict = classifyAnswer({ status: res.status, contentType, body: this.redact(body), endpoint, retmode: 'xml' });
    }
    if (verdict.kind === 'ok') {
      try {
        return { done: true, value: accept(body) };
      } catch (e) {
        // A body that classified fine but does not parse is a damaged answer: retry it (F7).
        if (!(e instanceof ParseError)) throw e;
        return { done: false, verdict: { kind: 'transient', reason: `unusable ${endpoint} answer: ${oneLine(this.redact(e.message))}` }, answered: true };
      }
    }
    return retryAfterMs === undefined
      ? { done: false, verdict, answered: true }
      : { done: false, verdict, retryAfterMs, answered: true };
  }

  private async send(url: string, params: URLSearchParams, method: Method): Promise<AxiosResponse<ArrayBuffer | Buffer>> {
    // axios's `timeout` is a socket idle timeout; the abort makes it a deadline for the whole body too.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), this.timeoutMs);
    try {
      return await this.http.request<ArrayBuffer | Buffer>({
        method,
        url: method === 'GET' ? `${url}?${params.toString()}` : url,
        data: method === 'POST' ? params.toString() : undefined,
        headers: method === 'POST' ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {},
        // Bytes, decoded once complete: a multi-byte character cut by a truncated body cannot throw.
        responseType: 'arraybuffer',
        transformResponse: [(d: unknown) => d],
        validateStatus: () => true,
        timeout: this.timeoutMs,
        signal: deadline.signal,
        maxRedirects: 3,
        proxy: false,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  private fail(kind: EutilsErrorKind, endpoint: Endpoint, attempts: number, message: string): EutilsError {
    return new EutilsError(this.redact(message), kind, endpoint, attempts);
  }

  private redact(text: string): string {
    return redact(text, this.cfg.apiKey);
  }

  private emit(e: ClientEvent): void {
    this.cfg.onEvent?.(e);
  }
}

/** Milliseconds to wait from a Retry-After header (seconds or an HTTP date), capped at 120 s; undefined when absent or unreadable. */
export function parseRetryAfter(value: string, nowMs: number = Date.now()): number | undefined {
  const v = value.trim();
  if (v === '') return undefined;
  if (/^[0-9]+(\.[0-9]+)?$/.test(v)) return Math.min(RETRY_AFTER_CAP_MS, Math.round(Number(v) * 1000));
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.min(RETRY_AFTER_CAP_MS, Math.max(0, at - nowMs));
}

function headerText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.join(', ');
  return v === undefined || v === null ? '' : String(v);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

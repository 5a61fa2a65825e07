// The Crossref REST API transport (https://api.crossref.org/swagger-ui/index.html): `works/{doi}` and
// `works?filter=updates:{doi}`, in the polite pool (mailto and a User-Agent naming claimwatch), paced by the
// x-rate-limit-* headers, with the E-utilities client's retry rules: 429 with Retry-After, 5xx, HTML
// bodies, damaged JSON and timeouts are retried with backoff; a 404 is "no record", never a failure.
import type { AxiosInstance, AxiosResponse } from 'axios';
import { ClaimwatchError } from '../errors.js';
import { Pacer } from '../eutils/pacer.js';
import { parseRetryAfter } from '../eutils/client.js';
import { oneLine } from '../eutils/classify.js';
import { backoffMs, networkReason } from '../eutils/retry.js';
import { loadAxios } from '../eutils/lazy.js';

/** What the client needs; everything but baseUrl has a default. */
export interface CrossrefConfig {
  /** E.g. https://api.crossref.org/ (a missing trailing slash is fine). */
  baseUrl: string;
  /** Sent as `mailto` on every request and in the User-Agent: Crossref's polite pool. */
  mailto?: string;
  /** Names this software in the User-Agent, e.g. "claimwatch/0.1.0". */
  userAgent: string;
  timeoutMs?: number;
  maxAttempts?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  pacer?: Pacer;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onEvent?: (e: CrossrefEvent) => void;
}

/** Progress the client reports. */
export type CrossrefEvent =
  | { type: 'request'; path: string; attempt: number }
  | { type: 'retry'; path: string; attempt: number; reason: string; waitMs: number }
  | { type: 'response'; path: string; status: number };

/** How a Crossref request finally failed: never answered, kept failing, or refused. */
export type CrossrefErrorKind = 'unreachable' | 'transient' | 'permanent';

/** A failed Crossref request, after the retries it deserved; its message is one line. */
export class CrossrefError extends ClaimwatchError {
  constructor(message: string, readonly kind: CrossrefErrorKind, readonly attempts: number) {
    super(message, 1);
  }
}

/** One Crossref answer as the classifier sees it. */
export interface CrossrefAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** What to do with an answer: use it, treat it as no record, retry it, or give up. */
export type CrossrefVerdict =
  | { kind: 'ok'; message: unknown }
  | { kind: 'none' }
  | { kind: 'transient'; reason: string }
  | { kind: 'permanent'; reason: string };

/** The gap before Crossref has said its limit: its public pool's 5 requests a second, padded. */
export const DEFAULT_CROSSREF_GAP_MS = 220;

const DEFAULTS = { timeoutMs: 30_000, maxAttempts: 6, backoffBaseMs: 1_000, backoffCapMs: 30_000 };
const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Classifies one Crossref answer. Pure. */
export function classifyCrossref(a: CrossrefAnswer): CrossrefVerdict {
  const body = a.body.charCodeAt(0) === 0xfeff ? a.body.slice(1) : a.body;
  const head = body.trimStart().slice(0, 64).toLowerCase();
  const html = /text\/html/i.test(a.contentType) || head.startsWith('<!doctype html') || head.startsWith('<html');
  const title = /<title>([\s\S]*?)<\/title>/i.exec(body.slice(0, 4000))?.[1];
  const page = html ? ` (HTML page${title ? `: ${oneLine(title, 80)}` : ''})` : '';
  if (a.status === 404) {
    // Crossref says "Resource not found." in plain text; an HTML 404 is a wrong base URL, not a missing DOI.
    return html ? { kind: 'permanent', reason: `HTTP 404${page}: check CLAIMWATCH_CROSSREF_URL` } : { kind: 'none' };
  }
  if (a.status === 429) return { kind: 'transient', reason: `rate limited by Crossref (HTTP 429)${page}` };
  if (a.status >= 500) return { kind: 'transient', reason: `HTTP ${a.status} from Crossref${page || jsonReason(body)}` };
  if (a.status >= 400) return { kind: 'permanent', reason: `Crossref rejected the request (HTTP ${a.status})${page || jsonReason(body)}` };
  if (a.status < 200 || a.status >= 300) return { kind: 'permanent', reason: `unexpected HTTP ${a.status} from Crossref` };
  if (html) return { kind: 'transient', reason: `HTML page instead of JSON${page}` };
  if (body.trim() === '') return { kind: 'transient', reason: 'empty answer from Crossref' };
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    return { kind: 'transient', reason: 'Crossref JSON does not decode (truncated or malformed)' };
  }
  const d = doc as { status?: unknown; message?: unknown };
  if (typeof doc !== 'object' || doc === null || d.status !== 'ok' || typeof d.message !== 'object' || d.message === null) {
    return { kind: 'transient', reason: `Crossref answer is not an ok message${jsonReason(body)}` };
  }
  return { kind: 'ok', message: d.message };
}

/** ": <first message>" of a Crossref error document, or "". */
function jsonReason(body: string): string {
  try {
    const d = JSON.parse(body) as { message?: unknown };
    const m = Array.isArray(d.message) ? (d.message[0] as { message?: unknown } | undefined)?.message
      : typeof d.message === 'object' && d.message !== null ? (d.message as { message?: unknown; description?: unknown }).message : d.message;
    return typeof m === 'string' && m.trim() ? `: ${oneLine(m, 120)}` : '';
  } catch {
    const t = oneLine(body, 80);
    return t ? `: ${t}` : '';
  }
}

/** The start gap a response's x-rate-limit-limit / x-rate-limit-interval headers ask for, padded 10 %; undefined if absent. */
export function gapFromHeaders(limit: string, interval: string): number | undefined {
  const n = Number(limit.trim());
  const m = /^([0-9]+(?:\.[0-9]+)?)\s*(ms|s|m)?$/.exec(interval.trim());
  if (!(n > 0) || !m) return undefined;
  const unit = m[2] === 'ms' ? 1 : m[2] === 'm' ? 60_000 : 1_000;
  // 11/10 in whole steps: 200 ms * 1.1 in floating point is 220.00000000000003.
  return Math.ceil((Number(m[1]) * unit * 11) / (n * 10));
}

function header(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.join(', ');
  return v === undefined || v === null ? '' : String(v);
}

/** A paced, retrying client for the Crossref works routes. */
export class CrossrefClient {
  readonly stats = { requests: 0, retries: 0 };
  readonly baseUrl: string;
  private readonly cfg: CrossrefConfig;
  private readonly pacer: Pacer;
  private readonly http: AxiosInstance;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly o: typeof DEFAULTS;

  constructor(cfg: CrossrefConfig) {
    this.cfg = cfg;
    this.baseUrl = cfg.baseUrl.endsWith('/') ? cfg.baseUrl : `${cfg.baseUrl}/`;
    this.pacer = cfg.pacer ?? new Pacer({ gapMs: DEFAULT_CROSSREF_GAP_MS });
    this.sleep = cfg.sleep ?? realSleep;
    this.random = cfg.random ?? Math.random;
    this.o = {
      timeoutMs: cfg.timeoutMs ?? DEFAULTS.timeoutMs, maxAttempts: Math.max(1, Math.floor(cfg.maxAttempts ?? DEFAULTS.maxAttempts)),
      backoffBaseMs: cfg.backoffBaseMs ?? DEFAULTS.backoffBaseMs, backoffCapMs: cfg.backoffCapMs ?? DEFAULTS.backoffCapMs,
    };
    this.http = loadAxios().create();
  }

  /** The work a DOI names (the `message` of works/{doi}), or null when Crossref has no record of it. */
  async work(doi: string): Promise<Record<string, unknown> | null> {
    return (await this.get(`works/${encodeURIComponent(doi)}`, new URLSearchParams())) as Record<string, unknown> | null;
  }

  /** The works whose `update-to` names this DOI (notices about it): works?filter=updates:{doi}. */
  async noticesAbout(doi: string): Promise<Record<string, unknown>[]> {
    const message = await this.get('works', new URLSearchParams({ filter: `updates:${doi}`, rows: '100' }));
    const items = (message as { items?: unknown } | null)?.items;
    return Array.isArray(items) ? (items.filter((i) => typeof i === 'object' && i !== null) as Record<string, unknown>[]) : [];
  }

  private async get(path: string, params: URLSearchParams): Promise<unknown> {
    if (this.cfg.mailto) params.set('mailto', this.cfg.mailto);
    const query = params.toString();
    const url = `${new URL(path, this.baseUrl).toString()}${query ? `?${query}` : ''}`;
    let answered = false;
    for (let attempt = 1; ; attempt++) {
      await this.pacer.wait();
      this.stats.requests++;
      this.cfg.onEvent?.({ type: 'request', path, attempt });
      let verdict: CrossrefVerdict;
      let retryAfterMs: number | undefined;
      try {
        const res = await this.send(url);
        answered = true;
        this.cfg.onEvent?.({ type: 'response', path, status: res.status });
        const gap = gapFromHeaders(header(res.headers['x-rate-limit-limit']), header(res.headers['x-rate-limit-interval']));
        if (gap !== undefined) this.pacer.setGap(gap);
        retryAfterMs = parseRetryAfter(header(res.headers['retry-after']));
        verdict = classifyCrossref({ status: res.status, contentType: header(res.headers['content-type']), body: new TextDecoder('utf-8').decode(res.data) });
      } catch (e) {
        verdict = { kind: 'transient', reason: networkReason(e, this.o.timeoutMs) };
      }
      if (verdict.kind === 'ok') return verdict.message;
      if (verdict.kind === 'none') return null;
      if (verdict.kind === 'permanent') throw new CrossrefError(`Crossref ${path} failed at ${this.baseUrl}: ${verdict.reason}`, 'permanent', attempt);
      if (attempt >= this.o.maxAttempts) {
        throw answered
          ? new CrossrefError(`Crossref ${path} failed at ${this.baseUrl}: ${verdict.reason} (gave up after ${attempt} attempts)`, 'transient', attempt)
          : new CrossrefError(`cannot reach Crossref at ${this.baseUrl} (${verdict.reason}) after ${attempt} attempts`, 'unreachable', attempt);
      }
      const waitMs = retryAfterMs ?? backoffMs(attempt, this.o.backoffBaseMs, this.o.backoffCapMs, this.random);
      if (retryAfterMs !== undefined) this.pacer.pause(waitMs);
      this.stats.retries++;
      this.cfg.onEvent?.({ type: 'retry', path, attempt, reason: verdict.reason, waitMs });
      await this.sleep(waitMs);
    }
  }

  private async send(url: string): Promise<AxiosResponse<ArrayBuffer>> {
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), this.o.timeoutMs);
    try {
      return await this.http.request<ArrayBuffer>({
        method: 'GET', url,
        headers: { 'User-Agent': this.cfg.mailto ? `${this.cfg.userAgent} (mailto:${this.cfg.mailto})` : this.cfg.userAgent, Accept: 'application/json' },
        responseType: 'arraybuffer', transformResponse: [(d: unknown) => d], validateStatus: () => true,
        timeout: this.o.timeoutMs, signal: deadline.signal, maxRedirects: 3, proxy: false,
      });
    } finally {
      clearTimeout(timer);
    }
  }
}

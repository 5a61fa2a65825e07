// Pure classification of one E-utilities HTTP answer: is it usable, worth retrying, hopeless, or a
// sign that the history server forgot our WebEnv? The status code alone is never trusted: NCBI sends
// errors inside HTTP 200 bodies and transient failures inside HTTP 400 envelopes (EUTILS.md §2, §6.5, §6.7).
import { decodeJsonLenient } from './json.js';

/** The E-utilities this client calls. */
export type Endpoint = 'esearch' | 'efetch';
/** The answer format asked for (PubMed EFetch has XML only; R14). */
export type Retmode = 'xml' | 'json';

/** One HTTP answer, body already decoded as UTF-8. */
export interface HttpAnswer {
  status: number;
  contentType: string;
  body: string;
  endpoint: Endpoint;
  retmode: Retmode;
}

/** What the client should do with an answer; `reason` is one short human line. */
export type Classification =
  | { kind: 'ok' }
  | { kind: 'transient'; reason: string }
  | { kind: 'permanent'; reason: string }
  | { kind: 'expired-history'; reason: string };

// Checked first: these messages can arrive wrapped in "Search Backend failed: Exception: …",
// yet they mean the request itself is wrong and retrying cannot help (R7, F6, R15).
const PERMANENT_PATTERNS = [
  /cannot be larger than 9998/i,
  /out of acceptable range/i,
  /invalid db name/i,
  /ID list is empty/i,
  /empty ID list/i,
];
// An unknown or expired WebEnv (R13, F10): the caller must re-run the esearch.
const EXPIRED_PATTERN = /unable to obtain query/i;
// Outage and overload texts seen in ERROR envelopes, 400 bodies and comments (F5, F6, EDirect RequestWithRetry).
const TRANSIENT_PATTERNS = [
  /search backend failed/i,
  /docsum backend failed/i,
  /proxy_stream/i,
  /external viewer error/i,
  /failed to connect to pubone/i,
  /\btimeout\b/i,
  /std::/,
  /terminate called/i,
  /rate limit exceeded/i,
];
const RETRYABLE_STATUS = new Set([500, 502, 503, 504]);

/** Where an answer's document may be declared successful. */
const SUCCESS_ROOT: Record<Endpoint, string> = { esearch: 'eSearchResult', efetch: 'PubmedArticleSet' };

/** Classifies one HTTP answer from esearch or efetch. Pure. */
export function classifyAnswer(a: HttpAnswer): Classification {
  const { status } = a;
  const body = stripBom(a.body);
  const trimmed = body.trim();

  if (status === 429) return transient(`rate limited by NCBI (HTTP 429)${firstErrorSuffix(errorTexts(a, body))}`);

  if (status >= 400 && status < 500) {
    const texts = errorTexts(a, body);
    const byText = classifyErrorTexts(texts);
    if (byText && byText.kind !== 'permanent') return byText;
    // A 400 envelope that is not XML or JSON (a relayed proxy page) can still name a transient cause.
    if (texts.length === 0 && TRANSIENT_PATTERNS.some((p) => p.test(body.slice(0, 4000)))) {
      return transient(`HTTP ${status} from a failing NCBI backend${titleSuffix(body)}`);
    }
    const why = texts[0] ?? statusText(status);
    return permanent(`NCBI rejected the request (HTTP ${status}): ${oneLine(why)}`);
  }

  if (RETRYABLE_STATUS.has(status)) {
    // Only a known text overrides the status here: an unknown one on a 5xx is still an outage.
    const texts = errorTexts(a, body);
    const expiredText = texts.find((t) => EXPIRED_PATTERN.test(t));
    if (expiredText !== undefined) return { kind: 'expired-history', reason: `history expired: ${oneLine(expiredText)}` };
    const permanentText = texts.find((t) => PERMANENT_PATTERNS.some((p) => p.test(t)));
    if (permanentText !== undefined) return permanent(`NCBI error (HTTP ${status}): ${oneLine(permanentText)}`);
    return transient(`HTTP ${status} from NCBI${isHtml(a.contentType, body) ? ' (HTML error page)' : ''}${titleSuffix(body)}`);
  }
  if (status < 200 || status >= 300) return permanent(`unexpected HTTP ${status} from NCBI`);

  if (trimmed === '') return transient(`empty response body (HTTP ${status})`);
  if (isHtml(a.contentType, body)) return transient(`HTML page instead of ${a.retmode.toUpperCase()}${titleSuffix(body)}`);

  return a.retmode === 'json' ? classifyJson(a, body) : classifyXml(a, body, trimmed);
}

function classifyXml(a: HttpAnswer, body: string, trimmed: string): Classification {
  const root = rootElement(body);
  if (root.kind === 'not-xml') {
    const texts = TRANSIENT_PATTERNS.some((p) => p.test(trimmed.slice(0, 4000))) ? ` (${oneLine(trimmed)})` : '';
    return transient(`answer is not XML${texts}`);
  }
  if (root.kind === 'no-root') return transient('XML answer has no root element (prolog only)');
  const expected = SUCCESS_ROOT[a.endpoint];

  // ERROR elements decide before anything else; in a PubmedArticleSet they cannot occur.
  if (root.name !== expected || a.endpoint === 'esearch') {
    const byText = classifyErrorTexts(xmlErrorTexts(body));
    if (byText) return byText;
  }
  const commentTrouble = xmlComments(body).find((c) => TRANSIENT_PATTERNS.some((p) => p.test(c)));
  if (commentTrouble !== undefined) return transient(`NCBI reported a backend failure: ${oneLine(commentTrouble)}`);

  if (root.name !== expected) return transient(`unexpected XML root <${root.name}> (expected <${expected}>)`);
  const closed = trimmed.endsWith(`</${expected}>`) || (root.selfClosing && a.endpoint === 'efetch');
  if (!closed) return transient(`truncated ${a.endpoint} XML (no closing </${expected}>)`);
  return { kind: 'ok' };
}

function classifyJson(a: HttpAnswer, body: string): Classification {
  let doc: unknown;
  try {
    doc = decodeJsonLenient(body);
  } catch {
    return transient(`${a.endpoint} JSON does not decode (truncated or malformed)`);
  }
  const byText = classifyErrorTexts(jsonErrorTexts(doc));
  if (byText) return byText;
  if (a.endpoint === 'esearch' && !isObject(isObject(doc) ? doc['esearchresult'] : undefined)) {
    return transient('esearch JSON has no esearchresult');
  }
  return { kind: 'ok' };
}

/** The classification implied by NCBI error texts, or undefined when there are none. */
function classifyErrorTexts(texts: string[]): Classification | undefined {
  if (texts.length === 0) return undefined;
  const permanentText = texts.find((t) => PERMANENT_PATTERNS.some((p) => p.test(t)));
  if (permanentText !== undefined) return permanent(`NCBI error: ${oneLine(permanentText)}`);
  const expiredText = texts.find((t) => EXPIRED_PATTERN.test(t));
  if (expiredText !== undefined) return { kind: 'expired-history', reason: `history expired: ${oneLine(expiredText)}` };
  const transientText = texts.find((t) => TRANSIENT_PATTERNS.some((p) => p.test(t)));
  if (transientText !== undefined) return transient(`NCBI error: ${oneLine(transientText)}`);
  // An error text we do not know: retrying blind could burn the budget on a bad query.
  return permanent(`NCBI error: ${oneLine(texts[0] ?? '')}`);
}

function errorTexts(a: HttpAnswer, body: string): string[] {
  const s = body.trimStart();
  if (s.startsWith('{') || s.startsWith('[')) {
    try {
      return jsonErrorTexts(decodeJsonLenient(s));
    } catch {
      return [];
    }
  }
  return s.startsWith('<') && !isHtml(a.contentType, body) ? xmlErrorTexts(body) : [];
}

/** The texts of every <ERROR> (or <error>) element. */
function xmlErrorTexts(body: string): string[] {
  const out: string[] = [];
  for (const m of body.matchAll(/<ERROR>([\s\S]*?)<\/ERROR>/gi)) out.push(decodeXmlText(m[1] ?? ''));
  // An ERROR cut off by a truncated body still says what went wrong.
  const open = /<ERROR>([^<]*)$/i.exec(body);
  if (out.length === 0 && open) out.push(decodeXmlText(open[1] ?? ''));
  return out.map((t) => t.trim()).filter((t) => t !== '');
}

/**
 * Error texts in an E-utilities JSON answer: `<x>result.ERROR` (esearch, einfo), an `<x>result` array
 * of strings (esummary), and a top-level `error` (the 429 body).
 */
function jsonErrorTexts(doc: unknown): string[] {
  if (!isObject(doc)) return [];
  const out: string[] = [];
  for (const [key, value] of Object.entries(doc)) {
    if (/^error$/i.test(key) && typeof value === 'string') out.push(value);
    if (!key.endsWith('result')) continue;
    if (isObject(value)) {
      const err = value['ERROR'] ?? value['error'];
      if (typeof err === 'string') out.push(err);
    } else if (Array.isArray(value)) {
      for (const v of value) if (typeof v === 'string') out.push(v);
    }
  }
  return out.filter((t) => t.trim() !== '');
}

type RootInfo = { kind: 'element'; name: string; selfClosing: boolean } | { kind: 'no-root' } | { kind: 'not-xml' };

/** The name of the document element after the prolog (XML declaration, DOCTYPE, comments, PIs). */
function rootElement(body: string): RootInfo {
  const s = stripBom(body);
  let i = 0;
  for (;;) {
    while (i < s.length && /\s/.test(s.charAt(i))) i++;
    if (i >= s.length) return { kind: 'no-root' };
    if (s.charCodeAt(i) !== 60) return { kind: 'not-xml' };
    if (s.startsWith('<?', i)) {
      const e = s.indexOf('?>', i + 2);
      if (e === -1) return { kind: 'no-root' };
      i = e + 2;
    } else if (s.startsWith('<!--', i)) {
      const e = s.indexOf('-->', i + 4);
      if (e === -1) return { kind: 'no-root' };
      i = e + 3;
    } else if (s.startsWith('<!', i)) {
      const e = declarationEnd(s, i + 2);
      if (e === -1) return { kind: 'no-root' };
      i = e;
    } else {
      const m = /^<([A-Za-z_][\w.:-]*)[^>]*?(\/?)>/.exec(s.slice(i, i + 4096));
      if (!m) return s.indexOf('>', i) === -1 ? { kind: 'no-root' } : { kind: 'not-xml' };
      return { kind: 'element', name: m[1] ?? '', selfClosing: m[2] === '/' };
    }
  }
}

/** The index after a `<!…>` declaration that may hold a bracketed internal subset; -1 if unterminated. */
function declarationEnd(s: string, from: number): number {
  let depth = 0;
  let quote = '';
  for (let i = from; i < s.length; i++) {
    const c = s.charAt(i);
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === '>' && depth <= 0) return i + 1;
  }
  return -1;
}

function xmlComments(body: string): string[] {
  return [...body.matchAll(/<!--([\s\S]*?)-->/g)].map((m) => (m[1] ?? '').trim());
}

/** True for an HTML page: declared as text/html (and not XML/JSON), or starting like one. */
function isHtml(contentType: string, body: string): boolean {
  const head = stripBom(body).trimStart().slice(0, 64).toLowerCase();
  if (head.startsWith('<!doctype html') || head.startsWith('<html') || head.startsWith('<head')) return true;
  if (!/text\/html/i.test(contentType)) return false;
  return !(head.startsWith('<?xml') || head.startsWith('{') || head.startsWith('<!doctype e') || head.startsWith('<!doctype pubmed'));
}

function titleSuffix(body: string): string {
  const m = /<title>([\s\S]*?)<\/title>/i.exec(body.slice(0, 4000));
  const t = m ? oneLine(m[1] ?? '', 100) : '';
  return t ? `: ${t}` : '';
}

function firstErrorSuffix(texts: string[]): string {
  return texts[0] ? `: ${oneLine(texts[0], 100)}` : '';
}

function statusText(status: number): string {
  if (status === 414) return 'request URI too long (send it as POST)';
  if (status === 404) return 'not found (check the E-utilities base URL)';
  if (status === 403) return 'forbidden';
  return 'bad request';
}

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeXmlText(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos);/g, (_, n: string) => NAMED_ENTITIES[n] ?? '');
}

/** Collapses whitespace (NCBI error texts can hold raw newlines) and cuts long texts. */
export function oneLine(s: string, max = 160): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? t.slice(0, max - 1) + '…' : t;
}

function stripBom(s: string): string {
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function transient(reason: string): Classification {
  return { kind: 'transient', reason };
}

function permanent(reason: string): Classification {
  return { kind: 'permanent', reason };
}

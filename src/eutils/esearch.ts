// Pure parsing of an ESearch answer (DTD eSearch_020511 and its JSON twin; EUTILS.md R15) into
// plain numbers and strings. The answer must already have been classified 'ok'.
import { loadXmlParser } from './lazy.js';
import { ParseError } from '../errors.js';
import { decodeJsonLenient } from './json.js';

/** One ESearch answer: the total count, this page of PMIDs, the history handle and NCBI's notes. */
export interface EsearchResult {
  count: number;
  retstart: number;
  retmax: number;
  ids: number[];
  webenv?: string;
  queryKey?: string;
  /** ErrorList/PhraseNotFound: terms PubMed ignored because nothing matched them. */
  phrasesNotFound: string[];
  /** OutputMessage texts verbatim ("No items found."), then "field not found: …", "phrase ignored: …", "quoted phrase not found: …". */
  warnings: string[];
  queryTranslation?: string;
}

const LIST_TAGS = new Set([
  'Id',
  'ERROR',
  'PhraseNotFound',
  'FieldNotFound',
  'PhraseIgnored',
  'QuotedPhraseNotFound',
  'OutputMessage',
  'Translation',
]);

/** Parses an ESearch XML answer. Throws ParseError when it is not a usable eSearchResult. */
export function parseEsearchXml(body: string): EsearchResult {
  const XMLParser = loadXmlParser();
  const parser = new XMLParser({
    ignoreAttributes: true,
    parseTagValue: false,
    trimValues: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    isArray: (name) => LIST_TAGS.has(name),
  });
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(body) as Record<string, unknown>;
  } catch (e) {
    throw new ParseError(`esearch XML does not parse: ${(e as Error).message.split('\n')[0]}`);
  }
  const r = doc['eSearchResult'];
  if (!isObject(r)) throw new ParseError('esearch XML has no <eSearchResult> root');
  const errors = texts(r['ERROR']);
  if (errors.length > 0) throw new ParseError(`esearch returned an error: ${errors[0]}`);

  const idList = isObject(r['IdList']) ? r['IdList'] : {};
  return toResult(r, idList['Id'], XML_KEYS);
}

/** Parses an ESearch JSON answer (lenient about raw control characters). Throws ParseError when it is not usable. */
export function parseEsearchJson(body: string): EsearchResult {
  let doc: unknown;
  try {
    doc = decodeJsonLenient(body);
  } catch (e) {
    throw new ParseError(`esearch JSON does not decode: ${(e as Error).message}`);
  }
  const r = isObject(doc) ? doc['esearchresult'] : undefined;
  if (!isObject(r)) throw new ParseError('esearch JSON has no esearchresult');
  const error = text(r['ERROR']);
  if (error !== undefined) throw new ParseError(`esearch returned an error: ${error}`);

  return toResult(r, r['idlist'], JSON_KEYS);
}

/** Parses an ESearch answer in the given retmode. */
export function parseEsearch(body: string, retmode: 'xml' | 'json'): EsearchResult {
  return retmode === 'json' ? parseEsearchJson(body) : parseEsearchXml(body);
}

type CoreFields = Omit<EsearchResult, 'webenv' | 'queryKey' | 'queryTranslation'>;

function withOptionals(base: CoreFields, webenv?: string, queryKey?: string, queryTranslation?: string): EsearchResult {
  const out: EsearchResult = { ...base };
  if (webenv) out.webenv = webenv;
  if (queryKey) out.queryKey = queryKey;
  if (queryTranslation) out.queryTranslation = queryTranslation;
  return out;
}

function warningsOf(messages: string[], fields: string[], ignored: string[], quoted: string[]): string[] {
  return [
    ...messages,
    ...fields.map((f) => `field not found: ${f}`),
    ...ignored.map((p) => `phrase ignored: ${p}`),
    ...quoted.map((p) => `quoted phrase not found: ${p}`),
  ];
}

function integer(v: unknown, field: string): number {
  const t = text(v);
  if (t === undefined || !/^[0-9]+$/.test(t)) throw new ParseError(`esearch answer has no valid ${field} (got ${JSON.stringify(t ?? null)})`);
  return Number(t);
}

function pmid(t: string): number {
  if (!/^[0-9]+$/.test(t) || t.length > 12) throw new ParseError(`esearch answer holds an invalid PMID ${JSON.stringify(t)}`);
  return Number(t);
}

/** The text of a leaf value from either parser; undefined for absent or empty. */
function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim() === '' ? undefined : v.trim();
  if (typeof v === 'number') return String(v);
  if (isObject(v) && '#text' in v) return text(v['#text']);
  return undefined;
}

function texts(v: unknown): string[] {
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  const out: string[] = [];
  for (const item of list) {
    const t = text(item);
    if (t !== undefined) out.push(t);
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Where each field sits in the XML answer and in its JSON twin (same structure, other names; R14, R15). */
interface ResultKeys {
  count: string; retstart: string; retmax: string; errorList: string; warningList: string;
  phraseNotFound: string; fieldNotFound: string; outputMessage: string; phraseIgnored: string; quotedNotFound: string;
  webenv: string; queryKey: string; queryTranslation: string;
}

const XML_KEYS: ResultKeys = {
  count: 'Count', retstart: 'RetStart', retmax: 'RetMax', errorList: 'ErrorList', warningList: 'WarningList',
  phraseNotFound: 'PhraseNotFound', fieldNotFound: 'FieldNotFound', outputMessage: 'OutputMessage',
  phraseIgnored: 'PhraseIgnored', quotedNotFound: 'QuotedPhraseNotFound',
  webenv: 'WebEnv', queryKey: 'QueryKey', queryTranslation: 'QueryTranslation',
};

const JSON_KEYS: ResultKeys = {
  count: 'count', retstart: 'retstart', retmax: 'retmax', errorList: 'errorlist', warningList: 'warninglist',
  phraseNotFound: 'phrasesnotfound', fieldNotFound: 'fieldsnotfound', outputMessage: 'outputmessages',
  phraseIgnored: 'phrasesignored', quotedNotFound: 'quotedphrasesnotfound',
  webenv: 'webenv', queryKey: 'querykey', queryTranslation: 'querytranslation',
};

function toResult(r: Record<string, unknown>, ids: unknown, k: ResultKeys): EsearchResult {
  const el = r[k.errorList];
  const wl = r[k.warningList];
  const errorList: Record<string, unknown> = isObject(el) ? el : {};
  const warningList: Record<string, unknown> = isObject(wl) ? wl : {};
  return withOptionals(
    {
      count: integer(r[k.count], k.count),
      retstart: integer(r[k.retstart], k.retstart),
      retmax: integer(r[k.retmax], k.retmax),
      ids: texts(ids).map((t) => pmid(t)),
      phrasesNotFound: texts(errorList[k.phraseNotFound]),
      warnings: warningsOf(
        texts(warningList[k.outputMessage]),
        texts(errorList[k.fieldNotFound]),
        texts(warningList[k.phraseIgnored]),
        texts(warningList[k.quotedNotFound]),
      ),
    },
    text(r[k.webenv]),
    text(r[k.queryKey]),
    text(r[k.queryTranslation]),
  );
}

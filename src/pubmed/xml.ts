// PubMed XML -> Paper. A small hand-written scanner rather than a general XML library: records are
// cut out of the stream with indexOf (memory stays bounded by one record) and each record is read
// into a minimal tree in one pass, skipping the elements no field uses. Pure: no I/O.
import {
  isLinkType,
  isRetractedByPubmed,
  type Author,
  type IncrementalParser,
  type Paper,
  type PaperLink,
  type SourceItem,
  pmidFromText,
} from '../evidence/paper.js';
import { isAscii } from 'node:buffer';
import { ParseError } from '../errors.js';
import { abstractPart, collapse, decode, isBlank, isoDateOfParts, isWs, pmcOfOtherId, pubDateOfTexts, skipElement, skippedEndTag, trimXml, yearOfTexts } from './xml-lex.js';
import { readRecordDirect } from './xml-direct.js';

/**
 * The deepest nesting read: PubMed's DTD nests about a dozen levels. A hostile file of millions of nested
 * elements (a few MB gzipped) otherwise grew an array until V8 died with a fatal "invalid size" error.
 */
export const MAX_DEPTH = 256;
/** The largest record read, in characters: real ones run to a few MB (thousands of authors). */
export const MAX_RECORD_CHARS = 64 * 1024 * 1024;

/** The encoding the XML declaration at the start of `head` names, lower-cased; null when it names none. */
export function declaredEncoding(head: string): string | null {
  const m = /^<\?xml\s[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head);
  return m ? (m[1] as string).toLowerCase() : null;
}

interface XmlElement {
  name: string;
  /** Flat [name, raw value, name, raw value, …]; null when the tag has none. */
  attrs: string[] | null;
  kids: XmlNode[];
}
type XmlNode = XmlElement | string;

/** A well-formedness problem inside one record; the caller adds which record. */
class XmlSyntaxError extends Error {}

const SET_ROOTS = ['PubmedArticleSet', 'PubmedBookArticleSet', 'MedlineCitationSet'];
const RECORD_ROOTS = ['PubmedArticle', 'PubmedBookArticle'];

// ---------------------------------------------------------------- characters
function preview(s: string, at: number): string {
  return JSON.stringify(s.slice(at, at + 40));
}

// ---------------------------------------------------------------- tags

// Results of readStartTag, kept in module variables so the hot loop allocates no tuple per tag.
let tagName = '';
let tagAttrs: string[] | null = null;
let tagSelfClosing = false;

/**
 * Reads the start tag whose '<' is at s[lt] into tagName/tagAttrs/tagSelfClosing.
 * Returns the index after its '>', or -1 when s ends before the tag does.
 */
function readStartTag(s: string, lt: number): number {
  const n = s.length;
  let i = lt + 1;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c === 62 || c === 47 || isWs(c)) break;
    if (c === 60 || c === 61 || c === 34 || c === 39) throw new XmlSyntaxError(`malformed tag ${preview(s, lt)}`);
    i++;
  }
  if (i >= n) return -1;
  if (i === lt + 1) throw new XmlSyntaxError(`malformed tag ${preview(s, lt)}`);
  tagName = s.slice(lt + 1, i);
  tagAttrs = null;
  tagSelfClosing = false;
  for (;;) {
    while (i < n && isWs(s.charCodeAt(i))) i++;
    if (i >= n) return -1;
    const c = s.charCodeAt(i);
    if (c === 62) return i + 1;
    if (c === 47) {
      if (i + 1 >= n) return -1;
      if (s.charCodeAt(i + 1) !== 62) throw new XmlSyntaxError(`malformed tag <${tagName}>`);
      tagSelfClosing = true;
      return i + 2;
    }
    const nameStart = i;
    while (i < n) {
      const d = s.charCodeAt(i);
      if (d === 61 || d === 62 || d === 47 || d === 60 || isWs(d)) break;
      i++;
    }
    if (i >= n) return -1;
    const attrName = s.slice(nameStart, i);
    while (i < n && isWs(s.charCodeAt(i))) i++;
    if (i >= n) return -1;
    if (s.charCodeAt(i) !== 61 || attrName === '') {
      throw new XmlSyntaxError(`malformed attribute ${JSON.stringify(attrName)} in <${tagName}>`);
    }
    i++;
    while (i < n && isWs(s.charCodeAt(i))) i++;
    if (i >= n) return -1;
    const q = s.charCodeAt(i);
    if (q !== 34 && q !== 39) throw new XmlSyntaxError(`unquoted attribute ${attrName} in <${tagName}>`);
    const close = s.indexOf(q === 34 ? '"' : "'", i + 1);
    if (close === -1) return -1;
    // Values stay raw here: attr() decodes the few that are read.
    (tagAttrs ??= []).push(attrName, s.slice(i + 1, close));
    i = close + 1;
  }
}

/** Parses one record into a tree, or returns why it is not well-formed. */
function parseRecordTree(s: string): XmlElement | XmlSyntaxError {
  try {
    return parseTree(s, true);
  } catch (e) {
    if (!(e instanceof XmlSyntaxError)) throw e;
    if (!hasMarkupDeclaration(s)) return e;
  }
  try {
    return parseTree(s, false);
  } catch (e) {
    if (e instanceof XmlSyntaxError) return e;
    throw e;
  }
}

/** True when s holds a comment, CDATA section or other `<!` declaration. */
function hasMarkupDeclaration(s: string): boolean {
  // Searching for the rare '!' is several times faster than for '<!', whose '<' is everywhere.
  for (let i = s.indexOf('!'); i !== -1; i = s.indexOf('!', i + 1)) if (i > 0 && s.charCodeAt(i - 1) === 60) return true;
  return false;
}

/**
 * Parses a string holding exactly one element (plus blanks, comments, PIs around it) into a tree.
 * With `skipUnread`, SKIPPED elements are jumped over; a comment or CDATA section holding their end
 * tag can fool that, which then shows as a syntax error: see parseRecordTree.
 */
function parseTree(s: string, skipUnread: boolean): XmlElement {
  const n = s.length;
  const stack: XmlElement[] = [];
  let cur: XmlElement | undefined;
  let root: XmlElement | undefined;
  let pos = s.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (pos < n) {
    const lt = s.indexOf('<', pos);
    const textEnd = lt === -1 ? n : lt;
    if (textEnd > pos) {
      // Every use of the text collapses whitespace runs, so a blank run can be one shared ' '.
      if (isBlank(s, pos, textEnd)) {
        if (cur) cur.kids.push(' ');
      } else if (cur) {
        cur.kids.push(decode(s.slice(pos, textEnd)));
      } else {
        throw new XmlSyntaxError(`text outside the element: ${preview(s, pos)}`);
      }
    }
    if (lt === -1) break;
    const c = s.charCodeAt(lt + 1);
    if (c === 47) {
      const nameEnd = lt + 2 + (cur ? cur.name.length : 0);
      let gt = nameEnd;
      if (s.charCodeAt(nameEnd) !== 62) {
        gt = s.indexOf('>', lt + 2);
        if (gt === -1) throw new XmlSyntaxError('unterminated end tag');
      }
      if (!cur || !s.startsWith(cur.name, lt + 2) || !isBlank(s, nameEnd, gt)) {
        const name = trimXml(s.slice(lt + 2, gt));
        throw new XmlSyntaxError(cur ? `</${name}> found where </${cur.name}> was expected` : `unexpected </${name}>`);
      }
      stack.pop();
      cur = stack[stack.length - 1];
      pos = gt + 1;
    } else if (c === 33) {
      if (s.startsWith('<!--', lt)) {
        const e = s.indexOf('-->', lt + 4);
        if (e === -1) throw new XmlSyntaxError('unterminated comment');
        pos = e + 3;
      } else if (s.startsWith('<![CDATA[', lt)) {
        const e = s.indexOf(']]>', lt + 9);
        if (e === -1) throw new XmlSyntaxError('unterminated CDATA section');
        if (!cur) throw new XmlSyntaxError('CDATA outside the element');
        cur.kids.push(s.slice(lt + 9, e));
        pos = e + 3;
      } else {
        throw new XmlSyntaxError(`unexpected markup ${preview(s, lt)}`);
      }
    } else if (c === 63) {
      const e = s.indexOf('?>', lt + 2);
      if (e === -1) throw new XmlSyntaxError('unterminated processing instruction');
      pos = e + 2;
    } else {
      if (root && !cur) throw new XmlSyntaxError(`content after </${root.name}>: ${preview(s, lt)}`);
      const end = readStartTag(s, lt);
      if (end === -1) throw new XmlSyntaxError(`unterminated tag ${preview(s, lt)}`);
      if (skipUnread && !tagSelfClosing && cur) {
        const endTag = skippedEndTag(tagName);
        const after = endTag === undefined ? -1 : skipElement(s, end, tagName, endTag);
        if (after !== -1) {
          pos = after;
          continue;
        }
      }
      const el: XmlElement = { name: tagName, attrs: tagAttrs, kids: [] };
      if (cur) cur.kids.push(el);
      else root = el;
      if (!tagSelfClosing) {
        if (stack.length >= MAX_DEPTH) throw new XmlSyntaxError(`elements nested more than ${MAX_DEPTH} deep`);
        stack.push(el);
        cur = el;
      }
      pos = end;
    }
  }
  if (!root) throw new XmlSyntaxError('no element');
  if (cur) throw new XmlSyntaxError(`<${cur.name}> is not closed`);
  return root;
}

// ---------------------------------------------------------------- tree access

function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  if (!el) return undefined;
  for (const k of el.kids) if (typeof k !== 'string' && k.name === name) return k;
  return undefined;
}

/** Like ElementTree's findall('A/B/C'): every match along the path, in document order. */
function findAll(el: XmlElement | undefined, path: readonly string[], depth = 0, out: XmlElement[] = []): XmlElement[] {
  if (!el) return out;
  const name = path[depth];
  for (const k of el.kids) {
    if (typeof k === 'string' || k.name !== name) continue;
    if (depth === path.length - 1) out.push(k);
    else findAll(k, path, depth + 1, out);
  }
  return out;
}

function attr(el: XmlElement, name: string): string | undefined {
  const a = el.attrs;
  if (a) {
    for (let i = 0; i < a.length; i += 2) {
      if (a[i] !== name) continue;
      const raw = a[i + 1] ?? '';
      // XML attribute-value normalisation: each literal tab or newline becomes a space.
      return decode(/[\t\r\n]/.test(raw) ? raw.replace(/[\t\r\n]/g, ' ') : raw);
    }
  }
  return undefined;
}

/** All descendant text in document order, like ElementTree's itertext(). */
function textOf(el: XmlElement): string {
  const kids = el.kids;
  if (kids.length === 1 && typeof kids[0] === 'string') return kids[0];
  let s = '';
  for (const k of kids) s += typeof k === 'string' ? k : textOf(k);
  return s;
}

/** The text before the first child element, like ElementTree's .text. */
function leadText(el: XmlElement | undefined): string {
  if (!el) return '';
  let s = '';
  for (const k of el.kids) {
    if (typeof k !== 'string') break;
    s += k;
  }
  return s;
}

function norm(el: XmlElement | undefined): string | null {
  if (!el) return null;
  return collapse(textOf(el)) || null;
}

// ---------------------------------------------------------------- fields

function pmidOf(el: XmlElement | undefined): number | null {
  return pmidFromText(leadText(el));
}

function yearOf(pubDate: XmlElement | undefined): number | null {
  if (!pubDate) return null;
  return yearOfTexts(leadText(child(pubDate, 'Year')), leadText(child(pubDate, 'MedlineDate')));
}

function pubDateOf(pubDate: XmlElement | undefined): string | null {
  if (!pubDate) return null;
  return pubDateOfTexts(norm(child(pubDate, 'MedlineDate')), ['Year', 'Month', 'Day', 'Season'].map((name) => norm(child(pubDate, name))));
}

/** A Year/Month/Day element as YYYY-MM-DD; null unless all three parts are valid. */
function isoDateOf(el: XmlElement | undefined): string | null {
  if (!el) return null;
  return isoDateOfParts(leadText(child(el, 'Year')), leadText(child(el, 'Month')), leadText(child(el, 'Day')));
}

function entrezDateOf(data: XmlElement | undefined): string | null {
  for (const p of findAll(data, ['History', 'PubMedPubDate'])) {
    if (attr(p, 'PubStatus') === 'entrez') return isoDateOf(p);
  }
  return null;
}

function abstractOf(abstract: XmlElement | undefined): string | null {
  const parts: string[] = [];
  for (const at of findAll(abstract, ['AbstractText'])) {
    const part = abstractPart(attr(at, 'Label') ?? '', norm(at) ?? '');
    if (part !== null) parts.push(part);
  }
  return parts.length > 0 ? parts.join('\n\n') : null;
}

function authorsOf(list: XmlElement | undefined): Author[] {
  return findAll(list, ['Author']).map((a) => ({
    last: norm(child(a, 'LastName')),
    fore: norm(child(a, 'ForeName')),
    initials: norm(child(a, 'Initials')),
    collective: norm(child(a, 'CollectiveName')),
  }));
}

/** First ArticleId per IdType among the DIRECT ArticleIdList children (never the ReferenceList ones). */
function idsOf(data: XmlElement | undefined): Map<string, string> {
  const ids = new Map<string, string>();
  for (const a of findAll(data, ['ArticleIdList', 'ArticleId'])) {
    const type = attr(a, 'IdType') ?? 'pubmed';
    if (!ids.has(type)) ids.set(type, leadText(a).trim());
  }
  return ids;
}

function elocationDoiOf(container: XmlElement | undefined): string | null {
  for (const e of findAll(container, ['ELocationID'])) {
    if (attr(e, 'EIdType') === 'doi' && attr(e, 'ValidYN') !== 'N') {
      const t = leadText(e).trim();
      if (t) return t;
    }
  }
  return null;
}

function languageOf(el: XmlElement | undefined): string | null {
  return el ? leadText(el).trim() || null : null;
}

function publicationTypesOf(els: XmlElement[]): string[] {
  return els.map((p) => norm(p) ?? '');
}

function meshOf(container: XmlElement | undefined): string[] {
  const out: string[] = [];
  for (const d of findAll(container, ['MeshHeadingList', 'MeshHeading', 'DescriptorName'])) {
    const t = norm(d);
    if (t) out.push(t);
  }
  return out;
}

function keywordsOf(container: XmlElement | undefined): string[] {
  const out: string[] = [];
  for (const k of findAll(container, ['KeywordList', 'Keyword'])) {
    const t = norm(k);
    if (t) out.push(t);
  }
  return out;
}

function requirePmid(container: XmlElement): number {
  const el = child(container, 'PMID');
  if (!el) throw new XmlSyntaxError(`no PMID in <${container.name}>`);
  const pmid = pmidOf(el);
  if (pmid === null) throw new XmlSyntaxError(`PMID ${JSON.stringify(leadText(el).trim())} is not a PMID (a positive whole number of at most 10 digits)`);
  return pmid;
}

function fromCitation(mc: XmlElement, data: XmlElement | undefined, hasPubmedData: boolean, raw: string): Paper {
  const pmid = requirePmid(mc);
  const art = child(mc, 'Article');
  const journal = child(art, 'Journal');
  const publicationTypes = publicationTypesOf(findAll(art, ['PublicationTypeList', 'PublicationType']));
  const links: PaperLink[] = [];
  for (const cc of findAll(mc, ['CommentsCorrectionsList', 'CommentsCorrections'])) {
    const type = attr(cc, 'RefType');
    if (!isLinkType(type)) continue;
    links.push({ type, pmid: pmidOf(child(cc, 'PMID')), source: norm(child(cc, 'RefSource')) });
  }
  const ids = idsOf(data);
  let pmcid = ids.get('pmc') || null;
  // The reference falls back to OtherID only when the record has no PubmedData at all (old-DTD files).
  if (pmcid === null && !hasPubmedData) {
    for (const o of findAll(mc, ['OtherID'])) {
      pmcid = pmcOfOtherId(attr(o, 'Source'), leadText(o));
      if (pmcid !== null) break;
    }
  }
  const pubDate = child(child(journal, 'JournalIssue'), 'PubDate');
  return {
    pmid,
    type: 'article',
    title: norm(child(art, 'ArticleTitle')),
    abstract: abstractOf(child(art, 'Abstract')),
    authors: authorsOf(child(art, 'AuthorList')),
    journal: norm(child(journal, 'Title')),
    journalAbbrev: norm(child(journal, 'ISOAbbreviation')),
    year: yearOf(pubDate),
    pubDate: pubDateOf(pubDate),
    doi: ids.get('doi') || elocationDoiOf(art),
    pmcid,
    publicationTypes,
    mesh: meshOf(mc),
    keywords: keywordsOf(mc),
    language: languageOf(child(art, 'Language')),
    retracted: isRetractedByPubmed(publicationTypes, links),
    links,
    dateRevised: isoDateOf(child(mc, 'DateRevised')),
    entrezDate: entrezDateOf(data),
    raw,
    rawFormat: 'pubmed-xml',
  };
}

function fromBook(pba: XmlElement, raw: string): Paper {
  const bd = child(pba, 'BookDocument');
  if (!bd) throw new XmlSyntaxError('no BookDocument in <PubmedBookArticle>');
  const pmid = requirePmid(bd);
  const book = child(bd, 'Book');
  const data = child(pba, 'PubmedBookData');
  const ids = idsOf(data);
  const publicationTypes = publicationTypesOf(findAll(bd, ['PublicationType']));
  const authorList = findAll(bd, ['AuthorList']).find((l) => (attr(l, 'Type') ?? 'authors') === 'authors');
  const pubDate = child(book, 'PubDate');
  return {
    pmid,
    type: 'book',
    title: norm(child(bd, 'ArticleTitle')) ?? norm(child(book, 'BookTitle')),
    abstract: abstractOf(child(bd, 'Abstract')),
    authors: authorsOf(authorList),
    journal: null,
    journalAbbrev: null,
    year: yearOf(pubDate),
    pubDate: pubDateOf(pubDate),
    doi: ids.get('doi') || elocationDoiOf(bd),
    pmcid: ids.get('pmc') || null,
    publicationTypes,
    mesh: meshOf(bd),
    keywords: keywordsOf(bd),
    language: languageOf(child(bd, 'Language')),
    retracted: isRetractedByPubmed(publicationTypes, []),
    links: [],
    dateRevised: isoDateOf(child(bd, 'DateRevised')),
    entrezDate: entrezDateOf(data),
    raw,
    rawFormat: 'pubmed-xml',
  };
}

function paperOf(el: XmlElement, raw: string): Paper {
  switch (el.name) {
    case 'PubmedArticle': {
      const mc = child(el, 'MedlineCitation');
      if (!mc) throw new XmlSyntaxError('no MedlineCitation in <PubmedArticle>');
      const data = child(el, 'PubmedData');
      return fromCitation(mc, data, data !== undefined, raw);
    }
    case 'MedlineCitation':
      return fromCitation(el, undefined, false, raw);
    case 'PubmedBookArticle':
      return fromBook(el, raw);
    default:
      throw new XmlSyntaxError(`<${el.name}> is not a PubMed record`);
  }
}

function deletedPmidsOf(el: XmlElement): number[] {
  return findAll(el, ['PMID']).map((p) => {
    const pmid = pmidOf(p);
    if (pmid === null) throw new XmlSyntaxError(`PMID ${JSON.stringify(leadText(p).trim())} is not a PMID (a positive whole number of at most 10 digits)`);
    return pmid;
  });
}

/** The record's PMID read straight from its text, to name a record that cannot be parsed. */
function pmidHint(text: string): string {
  const m = /<PMID\b[^>]*>[ \t\r\n]*([0-9]+)/.exec(text.length > 4000 ? text.slice(0, 4000) : text);
  return m ? ` (PMID ${m[1]})` : '';
}

function describeError(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * parseRecordXml by the tree alone, never in one pass: the reference the one-pass reader of xml-direct.ts is
 * held to (the tests compare the two record by record).
 */
export function parseRecordXmlByTree(xml: string): Paper {
  try {
    const tree = parseRecordTree(xml);
    if (tree instanceof XmlSyntaxError) throw tree;
    return paperOf(tree, xml);
  } catch (e) {
    if (e instanceof ParseError) throw e;
    throw new ParseError(`PubMed XML record${pmidHint(xml)}: ${describeError(e)}`);
  }
}

/** Parses one stored record (PubmedArticle, PubmedBookArticle or MedlineCitation element) into a Paper. */
export function parseRecordXml(xml: string): Paper {
  return readRecordDirect(xml) ?? parseRecordXmlByTree(xml);
}

// ---------------------------------------------------------------- stream splitter

type Phase = 'prolog' | 'body' | 'after';

/**
 * A record cut out of a byte stream but not parsed yet: its bytes. The markup PubMed records are split on
 * is ASCII, so the cut is the same as on the decoded text, and the bytes need no UTF-8 decoding until
 * `readByteRecord` reads them (on a worker thread, in src/app/import-pool.ts). They may be a view of the
 * chunk the splitter was given, valid only until its next push: copy what is kept.
 */
export interface SplitRecord {
  kind: 'record';
  bytes: Buffer;
  /** The record's 1-based position in the file, for error messages. */
  ordinal: number;
}

/** Incremental like IncrementalParser, over the file's bytes; every record comes back unread. */
export interface IncrementalSplitter {
  /** `hits`, if given, are where `</PubmedArticle` occurs in the chunk (findEndTags): then it searches no byte for it. */
  push(chunk: Uint8Array, hits?: Uint32Array | null): SplitRecord[];
  end(): SplitRecord[];
  /** Whether it rests between records, and in which root element (see createRestingSplitter). */
  readonly restingIn: string | null;
  /** Counts records split elsewhere from its resting state; that splitter ended at rest too. */
  skip(records: number): void;
}

const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * Reads a record the byte splitter cut out: the item createXmlParser yields for it, with the record's
 * UTF-8 bytes as they will be stored (re-encoded only when the file's bytes were not valid UTF-8, which the
 * text path stores with U+FFFD). Throws the ParseError createXmlParser would have thrown.
 */
export function readByteRecord(record: SplitRecord): { item: SourceItem; bytes: Uint8Array } {
  // A copy in an unpooled buffer, its own ArrayBuffer: the record's bytes may be a view of a read buffer.
  const bytes = Buffer.allocUnsafeSlow(record.bytes.length);
  bytes.set(record.bytes);
  return readRecordBytes(bytes, record.ordinal);
}

/**
 * readByteRecord for a record given as its bytes (a view into a batch of records, as the import's threads
 * get them): the stored bytes are that view unless they had to be re-encoded. `latin1`, when the caller has
 * it, is the bytes' latin1 text.
 */
export function readRecordBytes(bytes: Uint8Array, ordinal: number, latin1?: string): { item: SourceItem; bytes: Uint8Array } {
  let stored = bytes;
  let raw: string;
  // Most records are ASCII (five in six of the bench corpus): their latin1 text is already the decoded one.
  if (isAscii(bytes)) {
    raw = latin1 ?? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  } else {
    raw = utf8.decode(bytes);
    if (raw.includes('\uFFFD')) stored = new TextEncoder().encode(raw);
  }
  const items: SourceItem[] = [];
  emitRecord(raw, undefined, ordinal, items);
  return { item: items[0] as SourceItem, bytes: stored };
}

/** A message built from latin1 text (the byte splitter's) as the UTF-8 text it stands for. */
function fromLatin1(message: string): string {
  return Buffer.from(message, 'latin1').toString('utf8');
}

/** Yields a record's item: read in one pass when it can be (xml-direct.ts), else from its tree (`tree`, or built here). */
function emitRecord(raw: string, tree: XmlElement | XmlSyntaxError | undefined, ordinal: number, items: SourceItem[]): void {
  const direct = tree === undefined ? readRecordDirect(raw) : null;
  if (direct !== null) {
    items.push({ kind: 'paper', paper: direct });
    return;
  }
  tree ??= parseRecordTree(raw);
  try {
    if (tree instanceof XmlSyntaxError) throw tree;
    const el = tree;
    if (el.name === 'DeleteCitation') items.push({ kind: 'delete', pmids: deletedPmidsOf(el) });
    else items.push({ kind: 'paper', paper: paperOf(el, raw) });
  } catch (e) {
    throw new ParseError(`record ${ordinal}${pmidHint(raw)}: ${describeError(e)}`);
  }
}

/** What a declaration that starts `<!` is, by its first 9 characters; 'more' when they have not all arrived. */
type Declaration = 'comment' | 'cdata' | 'doctype' | 'more';

/**
 * What both stream splitters know of a file outside its records, and the rules they check there: the phase
 * (before, inside, after the root element), the root, the elements open around the records, how many
 * records have been cut out. Each splitter finds the tags in its own input (text, or bytes); this decides
 * what they mean, so that the two read every file alike.
 */
class Outline {
  phase: Phase = 'prolog';
  sawInput = false;
  root = '';
  /** Open elements outside records, root first. */
  readonly open: string[] = [];
  recordCount = 0;
  /** The root element is itself a record (a bare PubmedArticle). */
  recIsRoot = false;

  /** The kind of `<!` declaration `head` (its first 9 characters, fewer at the end of the input) begins. */
  declaration(head: string, preview: () => string): Declaration {
    if (head.startsWith('<!--')) return 'comment';
    if (head === '<![CDATA[' && this.phase === 'body') return 'cdata';
    if (head === '<!DOCTYPE' && this.phase === 'prolog') return 'doctype';
    if (head.length < 9 && ['<!--', '<![CDATA[', '<!DOCTYPE'].some((m) => m.startsWith(head))) return 'more';
    throw new ParseError(`${this.phase === 'prolog' ? 'not XML' : 'malformed XML'}: unexpected ${preview()}`);
  }

  /** Checks text outside the root element or between its children: only blanks may stand there. */
  text(blank: boolean, preview: () => string): void {
    if (this.phase === 'body' || blank) return;
    throw new ParseError(this.phase === 'prolog' ? `not XML: text before the root element: ${preview()}` : `unexpected text after </${this.root}>: ${preview()}`);
  }

  /** An end tag outside records. */
  endTag(name: string): void {
    const top = this.open[this.open.length - 1];
    if (this.phase !== 'body' || top === undefined) {
      throw new ParseError(`malformed XML: unexpected </${name}>${this.phase === 'after' ? ` after </${this.root}>` : ''}`);
    }
    if (name !== top) throw new ParseError(`malformed XML: </${name}> found where </${top}> was expected`);
    this.open.pop();
    if (this.open.length === 0) this.phase = 'after';
  }

  /** What a start tag that could not be read is reported as, before its own message. */
  badTag(e: unknown): ParseError {
    const what = this.phase === 'prolog' ? 'not XML' : `malformed XML after record ${this.recordCount}`;
    return new ParseError(`${what}: ${describeError(e)}`);
  }

  /** A start tag outside records, by its name and whether it closes itself: true when it starts a record. */
  startTag(name: string, selfClosing: boolean): boolean {
    if (this.phase === 'after') throw new ParseError(`malformed XML: a second root element <${name}> after </${this.root}>`);
    if (this.phase === 'prolog') {
      this.root = name;
      this.phase = 'body';
      if (RECORD_ROOTS.includes(name)) {
        this.recIsRoot = true;
        return true;
      }
      if (!SET_ROOTS.includes(name)) {
        throw new ParseError(
          `not a PubMed article file: the root element is <${name}>, expected one of ${[...SET_ROOTS, ...RECORD_ROOTS].map((r) => `<${r}>`).join(', ')}`,
        );
      }
      if (selfClosing) this.phase = 'after';
      else this.open.push(name);
      return false;
    }
    if (name === 'PubmedArticle' || name === 'PubmedBookArticle' || name === 'DeleteCitation' || (name === 'MedlineCitation' && this.root === 'MedlineCitationSet')) {
      return true;
    }
    if (!selfClosing) {
      if (this.open.length >= MAX_DEPTH) {
        throw new ParseError(`malformed XML after record ${this.recordCount}: elements nested more than ${MAX_DEPTH} deep (PubMed's nest about a dozen)`);
      }
      this.open.push(name);
    }
    return false;
  }

  /** A record has been cut out: counted, and the file ends with it when it was the root. Returns its number. */
  recordDone(): number {
    if (this.recIsRoot) this.phase = 'after';
    return ++this.recordCount;
  }

  /** What is wrong with the input ending here (outside any record), given what follows the last tag; null if nothing. */
  endError(restBlank: boolean, preview: () => string): string | null {
    if (this.phase === 'prolog') return this.sawInput ? 'not a PubMed XML file: no root element' : 'not a PubMed XML file: the input is empty';
    if (this.phase === 'body') return `truncated${this.recordCount > 0 ? ` after record ${this.recordCount}` : ''}: root element <${this.root}> is not closed`;
    return restBlank ? null : `truncated after </${this.root}>: ${preview()}`;
  }
}

class PubmedXmlSplitter implements IncrementalParser {
  /**
   * The text being scanned: the latest chunk, behind at most a short unconsumed tail of the one before.
   * A record that spans chunks moves to `recPrefix` instead, so a new chunk is never copied behind it.
   */
  private buf = '';
  private pos = 0;
  /** Where it is in the file's structure outside records. */
  private readonly o = new Outline();
  private inRecord = false;
  /** The current record's text from earlier chunks, already searched for its end tag. */
  private recPrefix = '';
  /** Where the current record starts in `buf` (0 when it began in an earlier chunk). */
  private recStart = 0;
  private recName = '';
  private recEndTag = '';
  /** Where to resume looking for the record's end tag in `buf`. */
  private recSearch = 0;
  private failure: ParseError | null = null;

  push(chunk: string): SourceItem[] {
    if (this.failure) throw this.failure;
    this.buf = this.buf.length === 0 ? chunk : this.buf + chunk;
    const items: SourceItem[] = [];
    try {
      this.scan(items);
    } catch (e) {
      this.fail(e);
    }
    this.compact();
    if (this.recPrefix.length > MAX_RECORD_CHARS) {
      const hint = pmidHint(this.recPrefix);
      this.fail(new ParseError(`record ${this.o.recordCount + 1}${hint} is over ${MAX_RECORD_CHARS / 2 ** 20} MiB without its end tag </${this.recName}>: not a PubMed record`));
    }
    return items;
  }

  private fail(e: unknown): never {
    const message = describeError(e);
    this.failure = e instanceof ParseError ? e : new ParseError(message);
    throw this.failure;
  }

  end(): SourceItem[] {
    const items = this.push('');
    const fail = (message: string): never => this.fail(new ParseError(message));
    if (this.inRecord) {
      const n = this.o.recordCount + 1;
      const hint = pmidHint(this.recPrefix + this.buf.slice(this.recStart));
      fail(`truncated: record ${n}${hint} is not closed (the input ends inside <${this.recName}>)`);
    }
    const rest = this.buf.slice(this.pos);
    const error = this.o.endError(isBlank(rest, 0, rest.length), () => preview(rest, 0));
    if (error !== null) fail(error);
    return items;
  }

  // Concatenating a long tail with each new chunk costs a copy per chunk (V8 flattens the rope on
  // the next search), measured at ~7x the cost of the search itself; so only short tails stay in buf.
  private compact(): void {
    if (this.inRecord) {
      // Past the record's own start tag, unless buf already begins with a kept partial end tag.
      const from = this.recPrefix.length > 0 ? 0 : this.recStart + 1;
      const keep = partialCloseAt(this.buf, from, this.recEndTag);
      this.recPrefix += this.buf.slice(this.recStart, keep);
      this.buf = this.buf.slice(keep);
      this.recStart = 0;
      this.recSearch = 0;
      this.pos = 0;
    } else if (this.pos > 0) {
      this.buf = this.buf.slice(this.pos);
      this.pos = 0;
    }
  }

  private scan(items: SourceItem[]): void {
    const s = this.buf;
    const n = s.length;
    for (;;) {
      if (this.inRecord) {
        if (!this.finishRecord(items)) return;
        continue;
      }
      let pos = this.pos;
      if (this.o.phase === 'prolog' && !this.o.sawInput) {
        if (pos < n && s.charCodeAt(pos) === 0xfeff) pos++;
        while (pos < n && isWs(s.charCodeAt(pos))) pos++;
        this.pos = pos;
        if (pos >= n) return;
        this.o.sawInput = true;
        if (s.charCodeAt(pos) !== 60) throw new ParseError(`not XML: the input starts with ${preview(s, pos)}`);
      }
      const lt = s.indexOf('<', pos);
      if (this.o.phase !== 'body') this.o.text(isBlank(s, pos, lt === -1 ? n : lt), () => preview(s, pos));
      if (lt === -1 || lt + 1 >= n) {
        this.pos = lt === -1 ? n : lt;
        return;
      }
      this.pos = lt;
      const c = s.charCodeAt(lt + 1);
      let next: number;
      if (c === 63) {
        const e = s.indexOf('?>', lt + 2);
        next = e === -1 ? -1 : e + 2;
      } else if (c === 33) {
        next = this.skipMarkupDeclaration(s, lt);
      } else if (c === 47) {
        next = this.endTag(s, lt);
      } else {
        next = this.startTag(s, lt, items);
      }
      if (next === -1) return;
      this.pos = next;
    }
  }

  private skipMarkupDeclaration(s: string, lt: number): number {
    const kind = this.o.declaration(s.slice(lt, lt + 9), () => preview(s, lt));
    if (kind === 'more') return -1;
    if (kind === 'doctype') return doctypeEnd(s, lt + 9);
    const e = kind === 'comment' ? s.indexOf('-->', lt + 4) : s.indexOf(']]>', lt + 9);
    return e === -1 ? -1 : e + 3;
  }

  private endTag(s: string, lt: number): number {
    const gt = s.indexOf('>', lt + 2);
    if (gt === -1) return -1;
    this.o.endTag(trimXml(s.slice(lt + 2, gt)));
    return gt + 1;
  }

  private startTag(s: string, lt: number, items: SourceItem[]): number {
    let end: number;
    try {
      end = readStartTag(s, lt);
    } catch (e) {
      throw this.o.badTag(e);
    }
    if (end === -1) return -1;
    return this.o.startTag(tagName, tagSelfClosing) ? this.startRecord(s, lt, end, tagName, items) : end;
  }

  private startRecord(s: string, lt: number, tagEnd: number, name: string, items: SourceItem[]): number {
    if (tagSelfClosing) {
      this.emit(s.slice(lt, tagEnd), items);
      return tagEnd;
    }
    this.inRecord = true;
    this.recPrefix = '';
    this.recStart = lt;
    this.recName = name;
    this.recEndTag = '</' + name;
    this.recSearch = tagEnd;
    return tagEnd;
  }

  /** Completes the current record if its end tag has arrived; false when more input is needed. */
  private finishRecord(items: SourceItem[]): boolean {
    const s = this.buf;
    const endTag = this.recEndTag;
    let from = this.recSearch;
    for (;;) {
      const at = s.indexOf(endTag, from);
      if (at === -1) {
        this.recSearch = s.length;
        return false;
      }
      let i = at + endTag.length;
      while (i < s.length && isWs(s.charCodeAt(i))) i++;
      if (i >= s.length) {
        this.recSearch = at;
        return false;
      }
      if (s.charCodeAt(i) !== 62) {
        from = at + 1; // a longer name such as </PubmedArticleSet
        continue;
      }
      let end = i + 1;
      let raw = this.recPrefix + s.slice(this.recStart, end);
      // Without a comment or CDATA section in the record, the first end tag is the record's own, and the
      // tree is left to emit.
      let tree = hasMarkupDeclaration(raw) ? parseRecordTree(raw) : undefined;
      if (tree instanceof XmlSyntaxError) {
        // The candidate may sit inside a comment or CDATA section: find the real end by a careful scan.
        const full = this.recPrefix + s;
        const close = closeOutsideMarkup(full, this.recStart, endTag);
        if (close === -1) {
          from = at + 1;
          continue;
        }
        raw = full.slice(this.recStart, close);
        end = close - this.recPrefix.length;
        tree = undefined;
      }
      this.inRecord = false;
      this.recPrefix = '';
      this.pos = end;
      this.emit(raw, items, tree);
      return true;
    }
  }

  /** Yields the record, read from `tree` (parsed here when not given). */
  private emit(raw: string, items: SourceItem[], tree?: XmlElement | XmlSyntaxError): void {
    emitRecord(raw, tree, this.o.recordDone(), items);
  }
}

/** Where a possibly incomplete `endTag` (cut by the chunk boundary) begins at the end of s; else s.length. */
function partialCloseAt(s: string, from: number, endTag: string): number {
  const lt = s.lastIndexOf('<');
  if (lt < from) return s.length;
  const tail = s.length - lt;
  if (tail <= endTag.length) return endTag.startsWith(s.slice(lt)) ? lt : s.length;
  return s.startsWith(endTag, lt) && isBlank(s, lt + endTag.length, s.length) ? lt : s.length;
}

function doctypeEnd(s: string, from: number): number {
  let quote = 0;
  let depth = 0;
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === 34 || c === 39) quote = c;
    else if (c === 91) depth++;
    else if (c === 93) depth--;
    else if (c === 62 && depth <= 0) return i + 1;
  }
  return -1;
}

/** The index after the record's end tag, skipping comments and CDATA; -1 if it has not arrived. */
function closeOutsideMarkup(s: string, from: number, endTag: string): number {
  let p = from + 1;
  for (;;) {
    const lt = s.indexOf('<', p);
    if (lt === -1) return -1;
    if (s.startsWith('<!--', lt)) {
      const e = s.indexOf('-->', lt + 4);
      if (e === -1) return -1;
      p = e + 3;
    } else if (s.startsWith('<![CDATA[', lt)) {
      const e = s.indexOf(']]>', lt + 9);
      if (e === -1) return -1;
      p = e + 3;
    } else if (s.startsWith(endTag, lt)) {
      let i = lt + endTag.length;
      while (i < s.length && isWs(s.charCodeAt(i))) i++;
      if (i >= s.length) return -1;
      if (s.charCodeAt(i) === 62) return i + 1;
      p = lt + 1;
    } else {
      p = lt + 1;
    }
  }
}

/**
 * A streaming PubMed XML parser: feed the file in chunks of any size; it yields each
 * PubmedArticle / PubmedBookArticle / (MedlineCitationSet) MedlineCitation as a paper and each
 * DeleteCitation as a delete, holding at most one record plus one chunk in memory.
 */
export function createXmlParser(): IncrementalParser {
  return new PubmedXmlSplitter();
}

// ---------------------------------------------------------------- byte splitter

const NO_BYTES = Buffer.alloc(0);
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** The bytes' latin1 text: one character per byte, so offsets into it are offsets into the bytes. */
function latin1Of(b: Uint8Array, from = 0, to = b.length): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1', from, to);
}

function isBlankBytes(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isWs(b[i] as number)) return false;
  return true;
}

/** True when the bytes hold a comment, CDATA section or other `<!` declaration (hasMarkupDeclaration's test). */
function hasMarkupBytes(b: Buffer): boolean {
  for (let i = b.indexOf(33); i !== -1; i = b.indexOf(33, i + 1)) if (i > 0 && b[i - 1] === 60) return true;
  return false;
}

/**
 * The stream splitter of createXmlParser over the file's bytes themselves: the same states, checks and
 * messages, but a record's bytes are never turned into a string here, since cutting them out of latin1 text
 * and writing that back into the batch for a thread cost the import's main thread (its bottleneck) about a
 * sixth of its time and most of its garbage. Records come out as bytes: `readByteRecord` reads them.
 */
class PubmedByteSplitter {
  /** The latest chunk behind at most a short copied tail of the one before; records spanning chunks go to `recParts`. */
  private buf: Buffer = NO_BYTES;
  private pos = 0;
  /** Where it is in the file's structure outside records. */
  private readonly o = new Outline();
  /** Whether the start has been looked at for a UTF-8 byte order mark (dropped, as the text decoder drops it). */
  private bomChecked = false;
  private ending = false;
  private inRecord = false;
  /** Copies of the current record's bytes from earlier chunks, already searched for its end tag. */
  private recParts: Buffer[] = [];
  private recPartsBytes = 0;
  /** Where the current record starts in `buf` (0 when it began in an earlier chunk). */
  private recStart = 0;
  private recName = '';
  private recEndTag = '';
  private recEndBytes: Buffer = NO_BYTES;
  /** Where to resume looking for the record's end tag in `buf`. */
  private recSearch = 0;
  private failure: ParseError | null = null;
  /** Where `</PubmedArticle` occurs in the chunk being split, if the caller found them (see findEndTags). */
  private hits: Uint32Array | null = null;
  private hitAt = 0;

  /**
   * The root element, once the splitter rests between records in it (see atRest): with it, resting(root)
   * is a splitter in the same state, the records before it aside.
   */
  get restingIn(): string | null {
    return this.atRest() ? this.o.root : null;
  }

  /**
   * True between two records of a set: inside the root element and no deeper, holding no unread byte. From
   * here on, what follows could be split by another splitter started in this state (resting), which is how
   * the import has its threads split the file in pieces cut at record ends: see skip().
   */
  atRest(): boolean {
    const o = this.o;
    return this.failure === null && o.phase === 'body' && !this.inRecord && !o.recIsRoot && o.open.length === 1 && this.buf.length - this.pos === 0;
  }

  /** Counts `records` split by another splitter from this resting state, ending at rest too. */
  skip(records: number): void {
    if (!this.atRest()) throw new Error('skip() needs a splitter at rest');
    this.o.recordCount += records;
  }

  /** A splitter resting inside the root element `root`, as atRest() describes, at its first record. */
  static resting(root: string): PubmedByteSplitter {
    const s = new PubmedByteSplitter();
    s.bomChecked = true;
    s.o.sawInput = true;
    s.o.phase = 'body';
    s.o.root = root;
    s.o.open.push(root);
    return s;
  }

  /** The records that end in `chunk`, each valid only until the next call (they may be views of the chunk). */
  push(input: Uint8Array, hits: Uint32Array | null = null): SplitRecord[] {
    if (this.failure) throw this.failure;
    const chunk = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    // The hits are offsets into this chunk: of use only when nothing is held from before it.
    this.hits = this.buf.length === 0 ? hits : null;
    this.hitAt = 0;
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const items: SplitRecord[] = [];
    if (!this.bomChecked) {
      // A file read a byte at a time (a FIFO) may give the mark in pieces.
      if (this.buf.length < 3 && !this.ending && UTF8_BOM.subarray(0, this.buf.length).equals(this.buf)) {
        this.buf = Buffer.from(this.buf);
        return items;
      }
      this.bomChecked = true;
      if (this.buf.subarray(0, 3).equals(UTF8_BOM)) {
        this.buf = this.buf.subarray(3);
        // Offsets into the chunk no longer are into buf.
        this.hits = null;
      }
    }
    try {
      this.scan(items);
    } catch (e) {
      this.fail(e);
    }
    this.compact();
    this.hits = null;
    if (this.recPartsBytes > MAX_RECORD_CHARS) {
      const hint = pmidHint(this.recordHead());
      this.fail(new ParseError(`record ${this.o.recordCount + 1}${hint} is over ${MAX_RECORD_CHARS / 2 ** 20} MiB without its end tag </${this.recName}>: not a PubMed record`));
    }
    return items;
  }

  private fail(e: unknown): never {
    this.failure = new ParseError(fromLatin1(describeError(e)));
    throw this.failure;
  }

  end(): SplitRecord[] {
    this.ending = true;
    const items = this.push(NO_BYTES);
    const fail = (message: string): never => this.fail(new ParseError(message));
    if (this.inRecord) {
      const n = this.o.recordCount + 1;
      fail(`truncated: record ${n}${pmidHint(this.recordHead())} is not closed (the input ends inside <${this.recName}>)`);
    }
    const error = this.o.endError(isBlankBytes(this.buf, this.pos, this.buf.length), () => this.preview(this.pos));
    if (error !== null) fail(error);
    return items;
  }

  /** The start of the record being read, as latin1 text, for pmidHint. */
  private recordHead(): string {
    const head = Buffer.concat([...this.recParts, this.buf.subarray(this.recParts.length > 0 ? 0 : this.recStart)]);
    return latin1Of(head, 0, Math.min(head.length, 4000));
  }

  private preview(at: number): string {
    return JSON.stringify(latin1Of(this.buf, at, Math.min(this.buf.length, at + 40)));
  }

  /** Keeps what the next chunk needs, as copies: the chunk itself may be a buffer its reader fills again. */
  private compact(): void {
    if (this.inRecord) {
      const from = this.recParts.length > 0 ? 0 : this.recStart + 1;
      const keep = partialCloseAtBytes(this.buf, from, this.recEndBytes);
      if (keep > this.recStart) {
        this.recParts.push(Buffer.from(this.buf.subarray(this.recStart, keep)));
        this.recPartsBytes += keep - this.recStart;
      }
      this.buf = Buffer.from(this.buf.subarray(keep));
      this.recStart = 0;
      this.recSearch = 0;
      this.pos = 0;
    } else {
      this.buf = this.pos >= this.buf.length ? NO_BYTES : Buffer.from(this.buf.subarray(this.pos));
      this.pos = 0;
    }
  }

  private scan(items: SplitRecord[]): void {
    const s = this.buf;
    const n = s.length;
    for (;;) {
      if (this.inRecord) {
        if (!this.finishRecord(items)) return;
        continue;
      }
      let pos = this.pos;
      if (this.o.phase === 'prolog' && !this.o.sawInput) {
        while (pos < n && isWs(s[pos] as number)) pos++;
        this.pos = pos;
        if (pos >= n) return;
        this.o.sawInput = true;
        if (s[pos] !== 60) throw new ParseError(`not XML: the input starts with ${this.preview(pos)}`);
      }
      const lt = s.indexOf(60, pos);
      if (this.o.phase !== 'body') this.o.text(isBlankBytes(s, pos, lt === -1 ? n : lt), () => this.preview(pos));
      if (lt === -1 || lt + 1 >= n) {
        this.pos = lt === -1 ? n : lt;
        return;
      }
      this.pos = lt;
      const c = s[lt + 1];
      let next: number;
      if (c === 63) {
        const e = s.indexOf('?>', lt + 2, 'latin1');
        next = e === -1 ? -1 : e + 2;
      } else if (c === 33) {
        next = this.skipMarkupDeclaration(s, lt);
      } else if (c === 47) {
        next = this.endTag(s, lt);
      } else {
        next = this.startTag(s, lt, items);
      }
      if (next === -1) return;
      this.pos = next;
    }
  }

  private skipMarkupDeclaration(s: Buffer, lt: number): number {
    const kind = this.o.declaration(latin1Of(s, lt, Math.min(s.length, lt + 9)), () => this.preview(lt));
    if (kind === 'more') return -1;
    if (kind === 'doctype') return doctypeEndBytes(s, lt + 9);
    const e = kind === 'comment' ? s.indexOf('-->', lt + 4, 'latin1') : s.indexOf(']]>', lt + 9, 'latin1');
    return e === -1 ? -1 : e + 3;
  }

  private endTag(s: Buffer, lt: number): number {
    const gt = s.indexOf(62, lt + 2);
    if (gt === -1) return -1;
    this.o.endTag(trimXml(latin1Of(s, lt + 2, gt)));
    return gt + 1;
  }

  /** readStartTag over the bytes from `lt`: a short window of them first, all that is here if the tag runs past it. */
  private readTag(s: Buffer, lt: number): number {
    let to = Math.min(s.length, lt + 128);
    for (;;) {
      const end = readStartTag(latin1Of(s, lt, to), 0);
      if (end !== -1) return lt + end;
      if (to === s.length) return -1;
      to = s.length;
    }
  }

  private startTag(s: Buffer, lt: number, items: SplitRecord[]): number {
    let end: number;
    try {
      end = this.readTag(s, lt);
    } catch (e) {
      throw this.o.badTag(e);
    }
    if (end === -1) return -1;
    return this.o.startTag(tagName, tagSelfClosing) ? this.startRecord(s, lt, end, tagName, items) : end;
  }

  private startRecord(s: Buffer, lt: number, tagEnd: number, name: string, items: SplitRecord[]): number {
    if (tagSelfClosing) {
      items.push({ kind: 'record', bytes: s.subarray(lt, tagEnd), ordinal: this.o.recordDone() });
      return tagEnd;
    }
    this.inRecord = true;
    this.recParts = [];
    this.recPartsBytes = 0;
    this.recStart = lt;
    if (name !== this.recName) {
      this.recName = name;
      this.recEndTag = '</' + name;
      this.recEndBytes = Buffer.from(this.recEndTag, 'latin1');
    }
    this.recSearch = tagEnd;
    return tagEnd;
  }

  /** s.indexOf('</PubmedArticle', from) from the hits: the searches of a chunk only ever move forward. */
  private nextHit(from: number): number {
    const hits = this.hits as Uint32Array;
    while (this.hitAt < hits.length && (hits[this.hitAt] as number) < from) this.hitAt++;
    return this.hitAt < hits.length ? (hits[this.hitAt] as number) : -1;
  }

  /** Completes the current record if its end tag has arrived; false when more input is needed. */
  private finishRecord(items: SplitRecord[]): boolean {
    const s = this.buf;
    const endTag = this.recEndBytes;
    let from = this.recSearch;
    for (;;) {
      const at = this.hits !== null && this.recName === 'PubmedArticle' ? this.nextHit(from) : s.indexOf(endTag, from);
      if (at === -1) {
        this.recSearch = s.length;
        return false;
      }
      let i = at + endTag.length;
      while (i < s.length && isWs(s[i] as number)) i++;
      if (i >= s.length) {
        this.recSearch = at;
        return false;
      }
      if (s[i] !== 62) {
        from = at + 1; // a longer name such as </PubmedArticleSet
        continue;
      }
      let end = i + 1;
      let record = this.recParts.length === 0 ? s.subarray(this.recStart, end) : Buffer.concat([...this.recParts, s.subarray(0, end)]);
      // Without a comment or CDATA section in the record, the first end tag is the record's own.
      if (hasMarkupBytes(record) && parseRecordTree(latin1Of(record)) instanceof XmlSyntaxError) {
        // The candidate may sit inside a comment or CDATA section: find the real end by a careful scan.
        const prefix = this.recParts.length === 0 ? '' : latin1Of(Buffer.concat(this.recParts));
        const full = prefix + latin1Of(s);
        const close = closeOutsideMarkup(full, this.recStart, this.recEndTag);
        if (close === -1) {
          from = at + 1;
          continue;
        }
        end = close - prefix.length;
        record = this.recParts.length === 0 ? s.subarray(this.recStart, end) : Buffer.concat([...this.recParts, s.subarray(0, end)]);
      }
      this.inRecord = false;
      this.recParts = [];
      this.recPartsBytes = 0;
      this.pos = end;
      items.push({ kind: 'record', bytes: record, ordinal: this.o.recordDone() });
      return true;
    }
  }
}

/** partialCloseAt over bytes. */
function partialCloseAtBytes(s: Buffer, from: number, endTag: Buffer): number {
  const lt = s.lastIndexOf(60);
  if (lt < from) return s.length;
  const tail = s.length - lt;
  if (tail <= endTag.length) return s.compare(endTag, 0, tail, lt, s.length) === 0 ? lt : s.length;
  return s.compare(endTag, 0, endTag.length, lt, lt + endTag.length) === 0 && isBlankBytes(s, lt + endTag.length, s.length) ? lt : s.length;
}

/** doctypeEnd over bytes. */
function doctypeEndBytes(s: Buffer, from: number): number {
  let quote = 0;
  let depth = 0;
  for (let i = from; i < s.length; i++) {
    const c = s[i] as number;
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === 34 || c === 39) quote = c;
    else if (c === 91) depth++;
    else if (c === 93) depth--;
    else if (c === 62 && depth <= 0) return i + 1;
  }
  return -1;
}

/**
 * The same stream parser over the file's bytes (after any UTF-8 BOM), leaving the reading of each record to
 * `readByteRecord`: the records come out in the same order, and reading each gives exactly what
 * createXmlParser yields from the decoded text.
 */
export function createXmlByteSplitter(): IncrementalSplitter {
  return new PubmedByteSplitter();
}

const ARTICLE_END = Buffer.from('</PubmedArticle', 'latin1');

/**
 * Every offset in `bytes` where `</PubmedArticle` begins, in order: given to a splitter's push with the same
 * bytes, they save it the search (the import has its main thread find them when the thread splitting is busier).
 */
export function findEndTags(bytes: Uint8Array): Uint32Array {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: number[] = [];
  for (let at = b.indexOf(ARTICLE_END); at !== -1; at = b.indexOf(ARTICLE_END, at + 1)) out.push(at);
  return Uint32Array.from(out);
}

/**
 * A byte splitter in the state another was in between two records of a `root` element (its restingIn),
 * the records before it aside: fed the bytes that followed there, it yields the same records.
 */
export function createRestingSplitter(root: string): IncrementalSplitter {
  return PubmedByteSplitter.resting(root);
}

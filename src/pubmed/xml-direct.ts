// PubMed XML record -> Paper in one pass over its text, building no tree: each element the fields read is
// read where it stands (an ArticleTitle's text as the scan reaches it), every other element is only checked
// for well-formedness and passed over. About twice as fast as building the tree of src/pubmed/xml.ts,
// which stays the reference: a record this reader does not take in its stride (a comment, a CDATA section,
// a processing instruction, a book, a deletion, a malformed tag, no PMID) comes back as null, and the tree
// reads it, with its errors. On every record it reads it gives exactly what the tree gives (the tests
// compare the two on every record the fixtures hold). Pure: no I/O.
import { isLinkType, isRetractedByPubmed, type Author, type Paper, type PaperLink, pmidFromText } from '../evidence/paper.js';
import { abstractPart, collapse, decode, isBlank, isoDateOfParts, isWs, pmcOfOtherId, pubDateOfTexts, skipElement, skippedAt, yearOfTexts } from './xml-lex.js';

/**
 * Thrown wherever the record leaves the plain shape read here; the caller then hands it to the tree. One
 * shared instance: it is not an error of the record, and building a stack trace each time would cost.
 */
const OTHER = new Error('not read in one pass');
/** Deeper than PubMed's DTD nests (about a dozen); the tree reader handles anything deeper, with its limit. */
const DEPTH = 64;

// ---------------------------------------------------------------- tags

// The last tag scanned, in module variables so the scan allocates nothing per tag.
/** Index after the tag's name. */
let nameEnd = 0;
/** Index after the tag's '>'. */
let tagEnd = 0;
let selfClosing = false;

/**
 * Scans the start tag whose '<' is at s[lt], as strictly as the tree's readStartTag (anything it would
 * refuse throws OTHER), without slicing its name or attributes.
 */
function scanTag(s: string, lt: number): void {
  const n = s.length;
  let i = lt + 1;
  for (;;) {
    const c = s.charCodeAt(i);
    // Letters (and '?', '@', and everything past ASCII) are name characters: one test for nearly all.
    if (c > 62) {
      i++;
      continue;
    }
    if (c === 62 || c === 47 || isWs(c) || i >= n) break;
    if (c === 60 || c === 61 || c === 34 || c === 39) throw OTHER;
    i++;
  }
  if (i >= n || i === lt + 1) throw OTHER;
  nameEnd = i;
  selfClosing = false;
  // The common tag: a name and '>'.
  if (s.charCodeAt(i) === 62) {
    tagEnd = i + 1;
    return;
  }
  for (;;) {
    while (i < n && isWs(s.charCodeAt(i))) i++;
    if (i >= n) throw OTHER;
    const c = s.charCodeAt(i);
    if (c === 62) {
      tagEnd = i + 1;
      return;
    }
    if (c === 47) {
      if (s.charCodeAt(i + 1) !== 62) throw OTHER;
      selfClosing = true;
      tagEnd = i + 2;
      return;
    }
    const start = i;
    while (i < n) {
      const d = s.charCodeAt(i);
      if (d === 61 || d === 62 || d === 47 || d === 60 || isWs(d)) break;
      i++;
    }
    if (i === start) throw OTHER;
    while (i < n && isWs(s.charCodeAt(i))) i++;
    if (s.charCodeAt(i) !== 61) throw OTHER;
    i++;
    while (i < n && isWs(s.charCodeAt(i))) i++;
    const q = s.charCodeAt(i);
    if (q !== 34 && q !== 39) throw OTHER;
    const close = s.indexOf(q === 34 ? '"' : "'", i + 1);
    if (close === -1) throw OTHER;
    i = close + 1;
  }
}

/** The first attribute `name` of a tag scanTag accepted (its attributes start at `from`), decoded as the tree's attr(). */
function attrOf(s: string, from: number, name: string): string | undefined {
  let i = from;
  for (;;) {
    while (isWs(s.charCodeAt(i))) i++;
    const c = s.charCodeAt(i);
    if (c === 62 || c === 47) return undefined;
    const start = i;
    for (let d = s.charCodeAt(i); !(d === 61 || isWs(d)); d = s.charCodeAt(i)) i++;
    const match = i - start === name.length && s.startsWith(name, start);
    while (isWs(s.charCodeAt(i))) i++;
    i++;
    while (isWs(s.charCodeAt(i))) i++;
    const close = s.indexOf(s.charCodeAt(i) === 34 ? '"' : "'", i + 1);
    if (match) {
      const raw = s.slice(i + 1, close);
      // XML attribute-value normalisation: each literal tab or newline becomes a space.
      return decode(/[\t\r\n]/.test(raw) ? raw.replace(/[\t\r\n]/g, ' ') : raw);
    }
    i = close + 1;
  }
}

/** Whether the name s[from, from + length) is `name`. */
function named(s: string, from: number, length: number, name: string): boolean {
  return length === name.length && s.startsWith(name, from);
}

/**
 * The next tag at or after pos, past text: its '<'. A comment, CDATA section or processing instruction
 * (which the tree keeps or skips with care) throws OTHER, as does the end of the record.
 */
function nextTag(s: string, pos: number): number {
  const lt = s.indexOf('<', pos);
  if (lt === -1) throw OTHER;
  const c = s.charCodeAt(lt + 1);
  if (c === 33 || c === 63) throw OTHER;
  return lt;
}

/**
 * At the tag at s[lt]: -1 for a start tag; for the end tag of the element named s[from, from + length),
 * the index after it; any other end tag throws OTHER.
 */
function endOf(s: string, lt: number, from: number, length: number): number {
  if (s.charCodeAt(lt + 1) !== 47) return -1;
  const p = lt + 2;
  for (let k = 0; k < length; k++) if (s.charCodeAt(p + k) !== s.charCodeAt(from + k)) throw OTHER;
  const i = p + length;
  if (s.charCodeAt(i) === 62) return i + 1;
  const gt = s.indexOf('>', p);
  if (gt === -1 || !isBlank(s, i, gt)) throw OTHER;
  return gt + 1;
}

// ---------------------------------------------------------------- passing over

/**
 * Passes over a child element the fields do not read, whose tag scanTag just read (its name is
 * s[from, from + length)): jumped over like the tree's SKIPPED elements, or else checked tag by tag.
 * Returns the index after it.
 */
function pass(s: string, from: number, length: number, depth: number): number {
  if (selfClosing) return tagEnd;
  const skipped = skippedAt(s, from, length);
  if (skipped !== undefined) {
    const after = skipElement(s, tagEnd, skipped[0], skipped[1]);
    if (after === -1) throw OTHER;
    return after;
  }
  return children(s, from, length, depth, NO_FIELDS, passChild);
}

function passChild(s: string, lt: number, from: number, length: number, depth: number): number {
  return pass(s, from, length, depth);
}

// ---------------------------------------------------------------- text

// What readText read, in module variables: the text before the first child element (the tree's leadText)
// and all the text in it (its textOf), blank runs as ' ' and entities decoded, as in the tree.
let lead = '';
let all = '';

/** Reads the text of the element whose start tag scanTag just read (name s[from, from + length)); returns the index after it. */
function readText(s: string, from: number, length: number, depth: number): number {
  if (selfClosing) {
    lead = all = '';
    return tagEnd;
  }
  const pos = tagEnd;
  const lt = s.indexOf('<', pos);
  // Nearly every element read is one run of text and its end tag.
  if (lt !== -1 && s.charCodeAt(lt + 1) === 47) {
    const after = endOf(s, lt, from, length);
    lead = all = lt === pos ? '' : isBlank(s, pos, lt) ? ' ' : decode(s.slice(pos, lt));
    return after;
  }
  return readMixed(s, pos, from, length, depth);
}

/** readText for content with child elements (an <i> in a title, say). */
function readMixed(s: string, pos: number, from: number, length: number, depth: number): number {
  if (depth > DEPTH) throw OTHER;
  let l = '';
  let a = '';
  let leading = true;
  for (;;) {
    const lt = s.indexOf('<', pos);
    if (lt === -1) throw OTHER;
    if (lt > pos) {
      const t = isBlank(s, pos, lt) ? ' ' : decode(s.slice(pos, lt));
      a += t;
      if (leading) l += t;
    }
    const c = s.charCodeAt(lt + 1);
    if (c === 33 || c === 63) throw OTHER;
    const after = endOf(s, lt, from, length);
    if (after !== -1) {
      lead = l;
      all = a;
      return after;
    }
    scanTag(s, lt);
    const childFrom = lt + 1;
    const childLength = nameEnd - childFrom;
    if (selfClosing) {
      leading = false;
      pos = tagEnd;
      continue;
    }
    // A skipped element is not in the tree at all: its text is no one's, and the lead text goes on past it.
    const skipped = skippedAt(s, childFrom, childLength);
    if (skipped !== undefined) {
      pos = skipElement(s, tagEnd, skipped[0], skipped[1]);
      if (pos === -1) throw OTHER;
      continue;
    }
    leading = false;
    pos = readMixed(s, tagEnd, childFrom, childLength, depth + 1);
    a += all;
  }
}

/** The tree's norm(): all the text, whitespace collapsed; null when none. */
function normText(): string | null {
  return collapse(all) || null;
}

// ---------------------------------------------------------------- records

/** What one record's fields read, filled as the scan goes. */
class Fields {
  pmidText: string | null = null;
  dateRevised: string | null = null;
  sawDateRevised = false;
  sawArticle = false;
  // The fields read from the first element of their name: undefined until it is met, as the tree's child().
  title: string | null | undefined = undefined;
  journal: string | null | undefined = undefined;
  journalAbbrev: string | null | undefined = undefined;
  sawJournal = false;
  sawIssue = false;
  sawPubDate = false;
  yearLead: string | null = null;
  yearNorm: string | null = null;
  medlineLead: string | null = null;
  medlineNorm: string | null = null;
  month: string | null | undefined = undefined;
  day: string | null | undefined = undefined;
  season: string | null | undefined = undefined;
  abstractParts: string[] | null = null;
  authors: Author[] | null = null;
  elocationDoi: string | null = null;
  language: string | null = null;
  sawLanguage = false;
  publicationTypes: string[] = [];
  links: PaperLink[] = [];
  otherPmc: string | null = null;
  mesh: string[] = [];
  keywords: string[] = [];
  ids: Map<string, string> = new Map();
  sawData = false;
  entrez: string | null = null;
  sawEntrez = false;
}

/** The Fields passed where nothing is read into them. */
const NO_FIELDS = new Fields();

/** Reads the children of the element just scanned (name s[from, from + length)) with `child`; returns the index after it. */
function children(
  s: string,
  from: number,
  length: number,
  depth: number,
  f: Fields,
  child: (s: string, lt: number, from: number, length: number, depth: number, f: Fields) => number,
): number {
  if (selfClosing) return tagEnd;
  if (depth > DEPTH) throw OTHER;
  let pos = tagEnd;
  for (;;) {
    const lt = nextTag(s, pos);
    const after = endOf(s, lt, from, length);
    if (after !== -1) return after;
    scanTag(s, lt);
    pos = child(s, lt, lt + 1, nameEnd - lt - 1, depth + 1, f);
  }
}

function inArticleRoot(s: string, lt: number, from: number, length: number, depth: number, f: Fields): number {
  if (named(s, from, length, 'MedlineCitation') && !citationSeen) {
    citationSeen = true;
    return children(s, from, length, depth, f, inCitation);
  }
  if (named(s, from, length, 'PubmedData') && !f.sawData) {
    f.sawData = true;
    return children(s, from, length, depth, f, inData);
  }
  return pass(s, from, length, depth);
}

// Whether the record's first MedlineCitation has been read (only the first counts, as the tree's child()).
let citationSeen = false;

function inCitation(s: string, lt: number, from: number, length: number, depth: number, f: Fields): number {
  switch (length) {
    case 4:
      if (named(s, from, length, 'PMID') && f.pmidText === null) {
        const after = readText(s, from, length, depth);
        f.pmidText = lead;
        return after;
      }
      break;
    case 7:
      if (named(s, from, length, 'Article') && !f.sawArticle) {
        f.sawArticle = true;
        return children(s, from, length, depth, f, inArticle);
      }
      if (named(s, from, length, 'OtherID')) {
        const source = attrOf(s, lt + 1 + length, 'Source');
        const after = readText(s, from, length, depth);
        f.otherPmc ??= pmcOfOtherId(source, lead);
        return after;
      }
      break;
    case 11:
      if (named(s, from, length, 'DateRevised') && !f.sawDateRevised) {
        f.sawDateRevised = true;
        const after = readDate(s, from, length, depth);
        f.dateRevised = dateRead;
        return after;
      }
      if (named(s, from, length, 'KeywordList')) return children(s, from, length, depth, f, inKeywordList);
      break;
    case 15:
      if (named(s, from, length, 'MeshHeadingList')) return children(s, from, length, depth, f, inMeshList);
      break;
    case 23:
      if (named(s, from, length, 'CommentsCorrectionsList')) return children(s, from, length, depth, f, inCommentsList);
      break;
  }
  return pass(s, from, length, depth);
}

/** A list's text element (a Keyword, say): its text onto `out` (an empty one only with `keepEmpty`); others passed over. */
function textItem(s: string, from: number, length: number, depth: number, name: string, out: string[], keepEmpty: boolean): number {
  if (!named(s, from, length, name)) return pass(s, from, length, depth);
  const after = readText(s, from, length, depth);
  const t = normText();
  if (t || keepEmpty) out.push(t ?? '');
  return after;
}

function inKeywordList(s: string, lt: number, from: number, length: number, depth: number, f: Fields): number {
  return textItem(s, from, length, depth, 'Keyword', f.keywords, false);
}

function inMeshList(s: string, lt: number, from: number, length: number, depth: number, f: Fields): number {
  return named(s, from, length, 'MeshHeading') ? children(s, from, length, depth, f, inMeshHeading) : pass(s, from, length, depth);
}

function inMeshHeading(s: string, lt: number, from: number, length: number, depth: number, f: Fields): number {
  return textItem(s, from, length, depth, 'DescriptorName', f.mesh, false);
}

function inCommentsList(s: string, lt: number, from: number, length: number, depth: number, f: Fields): number {
  if (!named(s, from, length, 'CommentsCorrections')) return pass(s, from, length, depth);
  const type = attrOf(s, lt + 1 + length, 'RefType');
  const link = { pmidText: null as string | null, source: null as string | null, sawSource: false };
  const after = children(s, from, length, depth, f, (s2, _lt, from2, length2, depth2) => {
    if (named(s2, from2, length2, 'PMID') && link.pmidText === null) {
      const end = readText(s2, from2, length2, depth2);
      link.pmidText = lead;
      return end;
    }
    if (named(s2, from2, length2, 'RefSource') && !link.sawSource) {
      link.sawSource = true;
      const end = readText(s2, from2, length2, depth2);
      link.source = normText();
      return end;
    }
    return pass(s2, from2, length2, depth2);
  });
  if (isLinkType(type)) {
    f.links.push({ type, pmid: pmidFromText(link.pmidText ?? ''), source: link.source });
  }
  return after;
}

function inArticle(s: string, lt: number, from: number, length: number, depth: number, f: Fields): number {
  switch (length) {
    case 7:
      if (named(s, from, length, 'Journal') && !f.sawJournal) {
        f.sawJournal = true;
        return children(s, from, length, depth, f, inJournal);
      }
      break;
    case 8:
      if (named(s, from, length, 'Abstract') && f.abstractParts === null) {
        f.abstractParts = [];
        return children(s, from, length, depth, f, inAbstract);
      }
      if (named(s, from, length, 'Language') && !f.sawLanguage) {
        f.sawLanguage = true;
        const after = readText(s, from, length, depth);
        f.language = lead.trim() || null;
        return after;
      }
      break;
    case 10:
      if (named(s, from, length, 'AuthorList') && f.authors === null) {
        f.authors = [];
        return children(s, from, length, depth, f, inAuthorList);
      }
      break;
    case 11:
      if (named(s, from, length, 'ELocationID')) {
        const tagFrom = lt + 1 + length;
        const doi = attrOf(s, tagFrom, 'EIdType') === 'doi' && attrOf(s, tagFrom, 'ValidYN') !== 'N';
        const after = readText(s, from, length, depth);
        const t = lead.trim();
        if (doi && t && f.elocationDoi === null) f.elocationDoi = t;
        return after;
      }
      break;
    case 12:
      if (named(s, from, length, 'ArticleTitle') && f.title === undefined) return firstText(s, from, length, depth, f, 'title');
      break;
    case 19:
      if (named(s, from, length, 'PublicationTypeList')) return children(s, from, length, depth, f, inTypeList);
      break;
  }
  return pass(s, from, length, depth);
}

function inTypeList(s: string, lt: number, from: number, length: number, depth: number, f: Fields): number {
  return textItem(s, from, length, depth, 'PublicationType', f.publicationTypes, true);
}

function inAbstract(s: string, lt: number, from: number, length: number, depth: number, f: Fields): number {
  if (!named(s, from, length, 'AbstractText')) return pass(s, from, length, depth);
  const label = attrOf(s, lt + 1 + length, 'Label') ?? '';
  const after = readText(s, from, length, depth);
  const part = abstractPart(label, normText() ?? '');
  if (part !== null) (f.abstractParts as string[]).push(part);
  return after;
}

function inAuthorList(s: string, lt: number, from: number, length: number, depth: number, f: Fields): number {
  if (!named(s, from, length, 'Author')) return pass(s, from, length, depth);
  const author: Author & { seen: number } = { last: null, fore: null, initials: null, collective: null, seen: 0 };
  const after = children(s, from, length, depth, f, inAuthor.bind(null, author));
  (f.authors as Author[]).push({ last: author.last, fore: author.fore, initials: author.initials, collective: author.collective });
  return after;
}

function inAuthor(author: Author & { seen: number }, s: string, lt: number, from: number, length: number, depth: number): number {
  // Bit per name part: only the first of each counts, as the tree's child().
  let bit = 0;
  if (named(s, from, length, 'LastName')) bit = 1;
  else if (named(s, from, length, 'ForeName')) bit = 2;
  else if (named(s, from, length, 'Initials')) bit = 4;
  else if (named(s, from, length, 'CollectiveName')) bit = 8;
  if (bit === 0 || (author.seen & bit) !== 0) return pass(s, from, length, depth);
  author.seen |= bit;
  const after = readText(s, from, length, depth);
  const t = normText();
  if (bit === 1) author.last = t;
  else if (bit === 2) author.fore = t;
  else if (bit === 4) author.initials = t;
  else author.collective = t;
  return after;
}

/** The fields read as one element's collapsed text. */
type TextField = 'title' | 'journal' | 'journalAbbrev' | 'month' | 'day' | 'season';

/** Reads the element just scanned into f[field] (the tree's norm()); returns the index after it. */
function firstText(s: string, from: number, length: number, depth: number, f: Fields, field: TextField): number {
  const after = readText(s, from, length, depth);
  f[field] = normText();
  return after;
}

function inJournal(s: string, lt: number, from: number, length: number, depth: number, f: Fields): number {
  if (named(s, from, length, 'Title') && f.journal === undefined) return firstText(s, from, length, depth, f, 'journal');
  if (named(s, from, length, 'ISOAbbreviation') && f.journalAbbrev === undefined) return firstText(s, from, length, depth, f, 'journalAbbrev');
  if (named(s, from, length, 'JournalIssue') && !f.sawIssue) {
    f.sawIssue = true;
    return children(s, from, length, depth, f, inIssue);
  }
  return pass(s, from, length, depth);
}

function inIssue(s: string, lt: number, from: number, length: number, depth: number, f: Fields): number {
  if (named(s, from, length, 'PubDate') && !f.sawPubDate) {
    f.sawPubDate = true;
    return children(s, from, length, depth, f, inPubDate);
  }
  return pass(s, from, length, depth);
}

function inPubDate(s: string, lt: number, from: number, length: number, depth: number, f: Fields): number {
  if (named(s, from, length, 'Year') && f.yearLead === null) {
    const after = readText(s, from, length, depth);
    f.yearLead = lead;
    f.yearNorm = normText();
    return after;
  }
  if (named(s, from, length, 'MedlineDate') && f.medlineLead === null) {
    const after = readText(s, from, length, depth);
    f.medlineLead = lead;
    f.medlineNorm = normText();
    return after;
  }
  if (named(s, from, length, 'Month') && f.month === undefined) return firstText(s, from, length, depth, f, 'month');
  if (named(s, from, length, 'Day') && f.day === undefined) return firstText(s, from, length, depth, f, 'day');
  if (named(s, from, length, 'Season') && f.season === undefined) return firstText(s, from, length, depth, f, 'season');
  return pass(s, from, length, depth);
}

// What readDate read: YYYY-MM-DD, or null.
let dateRead: string | null = null;

/** Reads a Year/Month/Day element as the tree's isoDateOf into dateRead; returns the index after it. */
function readDate(s: string, from: number, length: number, depth: number): number {
  const parts: [string | null, string | null, string | null] = [null, null, null];
  const after = children(s, from, length, depth, NO_FIELDS, (s2, _lt, from2, length2, depth2) => {
    const k = named(s2, from2, length2, 'Year') ? 0 : named(s2, from2, length2, 'Month') ? 1 : named(s2, from2, length2, 'Day') ? 2 : -1;
    if (k === -1 || parts[k] !== null) return pass(s2, from2, length2, depth2);
    const end = readText(s2, from2, length2, depth2);
    parts[k] = lead;
    return end;
  });
  dateRead = isoDateOfParts(parts[0] ?? '', parts[1] ?? '', parts[2] ?? '');
  return after;
}

function inData(s: string, lt: number, from: number, length: number, depth: number, f: Fields): number {
  if (named(s, from, length, 'ArticleIdList')) return children(s, from, length, depth, f, inIdList);
  if (named(s, from, length, 'History')) return children(s, from, length, depth, f, inHistory);
  return pass(s, from, length, depth);
}

function inIdList(s: string, lt: number, from: number, length: number, depth: number, f: Fields): number {
  if (!named(s, from, length, 'ArticleId')) return pass(s, from, length, depth);
  const type = attrOf(s, lt + 1 + length, 'IdType') ?? 'pubmed';
  const after = readText(s, from, length, depth);
  if (!f.ids.has(type)) f.ids.set(type, lead.trim());
  return after;
}

function inHistory(s: string, lt: number, from: number, length: number, depth: number, f: Fields): number {
  if (!named(s, from, length, 'PubMedPubDate') || f.sawEntrez || attrOf(s, lt + 1 + length, 'PubStatus') !== 'entrez') {
    return pass(s, from, length, depth);
  }
  f.sawEntrez = true;
  const after = readDate(s, from, length, depth);
  f.entrez = dateRead;
  return after;
}

function paperOf(f: Fields, hasPubmedData: boolean, raw: string): Paper | null {
  const pmid = f.pmidText === null ? null : pmidFromText(f.pmidText);
  // No PMID, or not a PMID: the tree says which, in its error.
  if (pmid === null) return null;
  let year: number | null = null;
  let pubDate: string | null = null;
  if (f.sawPubDate) {
    year = yearOfTexts(f.yearLead ?? '', f.medlineLead ?? '');
    pubDate = pubDateOfTexts(f.medlineNorm, [f.yearNorm, f.month, f.day, f.season]);
  }
  let pmcid = f.ids.get('pmc') || null;
  // The reference falls back to OtherID only when the record has no PubmedData at all (old-DTD files).
  if (pmcid === null && !hasPubmedData) pmcid = f.otherPmc;
  const parts = f.abstractParts;
  return {
    pmid,
    type: 'article',
    title: f.title ?? null,
    abstract: parts && parts.length > 0 ? parts.join('\n\n') : null,
    authors: f.authors ?? [],
    journal: f.journal ?? null,
    journalAbbrev: f.journalAbbrev ?? null,
    year,
    pubDate,
    doi: f.ids.get('doi') || f.elocationDoi,
    pmcid,
    publicationTypes: f.publicationTypes,
    mesh: f.mesh,
    keywords: f.keywords,
    language: f.language,
    retracted: isRetractedByPubmed(f.publicationTypes, f.links),
    links: f.links,
    dateRevised: f.dateRevised,
    entrezDate: f.entrez,
    raw,
    rawFormat: 'pubmed-xml',
  };
}

/**
 * Reads a PubmedArticle (or a MedlineCitationSet's MedlineCitation) record in one pass; null when the record
 * is not of the plain shape read here, and the tree reader of src/pubmed/xml.ts must read it (and give its
 * error, if it has one).
 */
export function readRecordDirect(s: string): Paper | null {
  if (s.charCodeAt(0) !== 60) return null;
  citationSeen = false;
  try {
    scanTag(s, 0);
    const f = new Fields();
    let end: number;
    let hasPubmedData = false;
    if (named(s, 1, nameEnd - 1, 'PubmedArticle')) {
      end = children(s, 1, nameEnd - 1, 1, f, inArticleRoot);
      if (!citationSeen) return null;
      hasPubmedData = f.sawData;
    } else if (named(s, 1, nameEnd - 1, 'MedlineCitation')) {
      end = children(s, 1, nameEnd - 1, 1, f, inCitation);
    } else {
      return null;
    }
    // Anything after the record's end tag (blanks, a comment) is left to the tree.
    if (end !== s.length) return null;
    return paperOf(f, hasPubmedData, s);
  } catch (e) {
    if (e === OTHER) return null;
    throw e;
  }
}

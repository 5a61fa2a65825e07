// MEDLINE ("PubMed format", .nbib) text parser. Tag meanings follow NLM's element descriptions:
// https://www.nlm.nih.gov/bsd/mms/medlineelements.html and https://pubmed.ncbi.nlm.nih.gov/help/#pubmed-format
import { isRetractedByPubmed, pmidFromText, type Author, type IncrementalParser, type LinkType, type Paper, type PaperLink, type SourceItem } from '../evidence/paper.js';
import { ParseError } from '../errors.js';

const BOM = '\uFEFF';
const CONTINUATION = '      ';

// https://www.nlm.nih.gov/bsd/mms/medlineelements.html#cc (Comments/Corrections tags)
const LINK_TAGS: Readonly<Record<string, LinkType>> = {
  RIN: 'RetractionIn',
  ROF: 'RetractionOf',
  EIN: 'ErratumIn',
  EFR: 'ErratumFor',
  ECI: 'ExpressionOfConcernIn',
  ECF: 'ExpressionOfConcernFor',
  CIN: 'CommentIn',
  UIN: 'UpdateIn',
  UOF: 'UpdateOf',
  RRI: 'RetractedandRepublishedIn',
  RRF: 'RetractedandRepublishedFrom',
  CRI: 'CorrectedandRepublishedIn',
  CRF: 'CorrectedandRepublishedFrom',
};

interface Field {
  tag: string;
  parts: string[];
}

interface RecordState {
  ordinal: number;
  startLine: number;
  endLine: number;
  lines: string[];
  eols: string[];
  fields: Field[];
  pmid: number | null;
}

interface Entry {
  tag: string;
  value: string;
}

/** Streaming MEDLINE parser: emits one `paper` item per blank-line-terminated record. */
export function createMedlineParser(): IncrementalParser {
  let buf = '';
  let atStart = true;
  let ended = false;
  let lineNo = 0;
  let sawContent = false;
  let completed = 0;
  let lastPmid: number | null = null;
  let rec: RecordState | null = null;

  const where = (r: RecordState, line: number): string =>
    `MEDLINE record ${r.ordinal}${r.pmid !== null ? ` (PMID ${r.pmid})` : ''}, line ${line}`;

  function finish(r: RecordState, out: SourceItem[]): void {
    rec = null;
    if (r.pmid === null) {
      const after = lastPmid !== null ? `, after PMID ${lastPmid}` : '';
      throw new ParseError(
        `MEDLINE record ${r.ordinal} (lines ${r.startLine}-${r.endLine}${after}) has no PMID line`,
      );
    }
    const raw = r.lines.map((l, i) => (i < r.lines.length - 1 ? l + r.eols[i] : l)).join('');
    out.push({ kind: 'paper', paper: buildPaper(r.fields, r.pmid, raw) });
    completed += 1;
    lastPmid = r.pmid;
  }

  function handleLine(text: string, eol: string, out: SourceItem[]): void {
    lineNo += 1;
    if (/^[ \t]*$/.test(text)) {
      if (rec) finish(rec, out);
      return;
    }
    if (!sawContent) {
      sawContent = true;
      if (!text.startsWith('PMID-')) {
        throw new ParseError(
          `not MEDLINE text: line ${lineNo} should start with "PMID- " but is ${show(text)}`,
        );
      }
    }
    if (!rec) {
      rec = { ordinal: completed + 1, startLine: lineNo, endLine: lineNo, lines: [], eols: [], fields: [], pmid: null };
    }
    const r = rec;
    r.lines.push(text);
    r.eols.push(eol);
    r.endLine = lineNo;

    if (text.startsWith(CONTINUATION)) {
      const last = r.fields[r.fields.length - 1];
      if (!last) throw new ParseError(`${where(r, lineNo)}: continuation line with no tag before it`);
      last.parts.push(text.slice(CONTINUATION.length));
      return;
    }
    const tag = tagOf(text);
    if (tag === null) {
      throw new ParseError(`${where(r, lineNo)}: expected "TAG - value" or a continuation line, got ${show(text)}`);
    }
    const value = text.slice(6);
    if (tag === 'PMID') {
      if (r.pmid !== null) {
        throw new ParseError(`${where(r, lineNo)}: second PMID line (missing blank line between records?)`);
      }
      const v = value.trim();
      const pmid = /^[1-9]/.test(v) ? pmidFromText(v) : null;
      if (pmid === null) throw new ParseError(`${where(r, lineNo)}: invalid PMID ${show(v)} (a positive whole number of at most 10 digits)`);
      r.pmid = pmid;
    }
    r.fields.push({ tag, parts: [value] });
  }

  return {
    push(chunk: string): SourceItem[] {
      if (ended) throw new Error('MEDLINE parser: push() after end()');
      if (atStart && chunk.length > 0) {
        atStart = false;
        if (chunk.startsWith(BOM)) chunk = chunk.slice(1);
      }
      buf += chunk;
      const out: SourceItem[] = [];
      let start = 0;
      for (let nl = buf.indexOf('\n'); nl !== -1; nl = buf.indexOf('\n', start)) {
        let line = buf.slice(start, nl);
        let eol = '\n';
        if (line.endsWith('\r')) {
          line = line.slice(0, -1);
          eol = '\r\n';
        }
        start = nl + 1;
        handleLine(line, eol, out);
      }
      buf = buf.slice(start);
      return out;
    },
    end(): SourceItem[] {
      if (ended) return [];
      ended = true;
      const out: SourceItem[] = [];
      if (buf.length > 0) {
        // The last line has no terminator; a lone trailing CR is the start of one, not content.
        handleLine(buf.endsWith('\r') ? buf.slice(0, -1) : buf, '', out);
        buf = '';
      }
      if (rec) finish(rec, out);
      if (!sawContent) throw new ParseError('not MEDLINE text: the input is empty or blank');
      return out;
    },
  };
}

/** Parses exactly one MEDLINE record (e.g. a stored `raw`) into a Paper. */
export function parseMedlineRecord(text: string): Paper {
  const parser = createMedlineParser();
  const items = [...parser.push(text), ...parser.end()];
  const first = items[0];
  if (items.length !== 1 || !first || first.kind !== 'paper') {
    throw new ParseError(`expected one MEDLINE record, found ${items.length}`);
  }
  return first.paper;
}

/** True when the start of a file looks like MEDLINE text: first non-blank line starts with `PMID-`. */
export function looksLikeMedline(head: string): boolean {
  const s = head.startsWith(BOM) ? head.slice(1) : head;
  const blanks = /^(?:[ \t]*\r?\n)*/.exec(s);
  return s.slice(blanks ? blanks[0].length : 0).startsWith('PMID-');
}

function tagOf(line: string): string | null {
  if (line.length < 5 || line[4] !== '-' || (line.length > 5 && line[5] !== ' ')) return null;
  const tag = line.slice(0, 4).trimEnd();
  return /^[A-Z][A-Z0-9]{1,3}$/.test(tag) && line.slice(0, 4) === tag.padEnd(4) ? tag : null;
}

function show(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

// Same normalisation as the XML reference: runs of [ \t\r\n] become one space (U+00A0 is kept).
function clean(s: string): string {
  return s.replace(/[ \t\r\n]+/g, ' ').trim();
}

function buildPaper(fields: Field[], pmid: number, raw: string): Paper {
  const entries: Entry[] = fields.map((f) => ({ tag: f.tag, value: clean(f.parts.join(' ')) }));
  const all = (tag: string): string[] => entries.filter((e) => e.tag === tag && e.value !== '').map((e) => e.value);
  const first = (tag: string): string | null => all(tag)[0] ?? null;

  // Book and chapter records carry a Book Title (BTI); journal articles never do.
  // https://www.nlm.nih.gov/bsd/mms/medlineelements.html#bti
  const isBook = first('BTI') !== null;
  const publicationTypes = all('PT');
  const links = linksOf(entries);
  const pubDate = first('DP');
  const abstracts = all('AB');
  const year = pubDate ? /\d{4}/.exec(pubDate) : null;

  return {
    pmid,
    type: isBook ? 'book' : 'article',
    title: first('TI') ?? first('BTI'),
    abstract: abstracts.length > 0 ? abstracts.join('\n\n') : null,
    authors: authorsOf(entries),
    journal: isBook ? null : first('JT'),
    journalAbbrev: isBook ? null : first('TA'),
    year: year ? Number(year[0]) : null,
    pubDate,
    doi: doiOf(all('AID')) ?? doiOf(all('LID')),
    pmcid: first('PMC'),
    publicationTypes,
    mesh: all('MH')
      .map(meshDescriptor)
      .filter((m) => m !== ''),
    keywords: all('OT'),
    language: first('LA'),
    retracted: isRetractedByPubmed(publicationTypes, links),
    links,
    dateRevised: compactDate(first('LR')),
    entrezDate: slashDate(first('EDAT')),
    raw,
    rawFormat: 'medline',
  };
}

// FAU is "Last, Fore" and AU "Last Initials"; CN is a group author in author-list order.
// https://www.nlm.nih.gov/bsd/mms/medlineelements.html#fau
function authorsOf(entries: Entry[]): Author[] {
  const names = entries.filter((e) => e.tag === 'FAU' || e.tag === 'AU' || e.tag === 'CN');
  const fauCount = names.filter((e) => e.tag === 'FAU').length;
  const auValues = names.filter((e) => e.tag === 'AU').map((e) => e.value);
  // PubMed writes each FAU directly followed by its AU; pairing by index also copes with a
  // record that lists them as two blocks, and adjacency copes with counts that differ.
  const byIndex = fauCount > 0 && fauCount === auValues.length;
  const authors: Author[] = [];
  let pending: Author | null = null;
  let fauIndex = 0;
  for (const e of names) {
    if (e.tag === 'CN') {
      if (e.value !== '') authors.push({ last: null, fore: null, initials: null, collective: e.value });
      pending = null;
    } else if (e.tag === 'FAU') {
      const comma = e.value.indexOf(', ');
      const last = comma === -1 ? e.value : e.value.slice(0, comma);
      const fore = comma === -1 ? '' : e.value.slice(comma + 2).trim();
      const author: Author = { last: last || null, fore: fore || null, initials: null, collective: null };
      if (byIndex) author.initials = initialsOf(auValues[fauIndex] ?? '', author.last);
      fauIndex += 1;
      authors.push(author);
      pending = byIndex ? null : author;
    } else if (!byIndex) {
      if (pending) {
        pending.initials = initialsOf(e.value, pending.last);
        pending = null;
      } else if (e.value !== '') {
        // Records from before 2002 have AU without FAU.
        const space = e.value.lastIndexOf(' ');
        authors.push({
          last: space === -1 ? e.value : e.value.slice(0, space),
          fore: null,
          initials: space === -1 ? null : e.value.slice(space + 1),
          collective: null,
        });
      }
    }
  }
  return authors;
}

function initialsOf(au: string, last: string | null): string | null {
  if (au === '' || au === last) return null;
  if (last && au.startsWith(`${last} `)) return au.slice(last.length + 1).trim() || null;
  const space = au.lastIndexOf(' ');
  return space === -1 ? null : au.slice(space + 1);
}

// "Neurons/*drug effects/metabolism" -> "Neurons": the descriptor without qualifiers or the
// major-topic asterisk, i.e. what XML has in DescriptorName.
// https://www.nlm.nih.gov/bsd/mms/medlineelements.html#mh
function meshDescriptor(mh: string): string {
  const slash = mh.indexOf('/');
  return (slash === -1 ? mh : mh.slice(0, slash)).replace(/^\*/, '').trim();
}

// AID/LID values are "<id> [<type>]"; AID comes from the PubMed ArticleIdList, LID from ELocationID.
// https://www.nlm.nih.gov/bsd/mms/medlineelements.html#aid
function doiOf(values: string[]): string | null {
  for (const v of values) {
    const m = /^(.*\S)\s*\[doi\]$/.exec(v);
    if (m?.[1]) return m[1];
  }
  return null;
}

// Values look like "J Biol Chem. 2001 Mar 30;276(13):10576. PMID: 11905463". The ". " before
// "PMID:" is display punctuation, so it is dropped to match XML RefSource ("...:10576").
function linksOf(entries: Entry[]): PaperLink[] {
  const links: PaperLink[] = [];
  for (const e of entries) {
    const type = LINK_TAGS[e.tag];
    if (!type || e.value === '') continue;
    const m = /^(.*?)\s*PMID:\s*(\d+)\s*$/.exec(e.value);
    const source = m ? (m[1] ?? '').replace(/\.$/, '') : e.value;
    links.push({ type, pmid: m ? Number(m[2]) : null, source: source === '' ? null : source });
  }
  return links;
}

// LR is YYYYMMDD: https://www.nlm.nih.gov/bsd/mms/medlineelements.html#lr
function compactDate(v: string | null): string | null {
  const m = v ? /^(\d{4})(\d{2})(\d{2})$/.exec(v) : null;
  return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
}

// EDAT is "YYYY/MM/DD HH:MM": https://www.nlm.nih.gov/bsd/mms/medlineelements.html#edat
function slashDate(v: string | null): string | null {
  const m = v ? /^(\d{4})\/(\d{2})\/(\d{2})(?:\s|$)/.exec(v) : null;
  return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
}

import { ParseError } from '../errors.js';
import { MAX_CSV_RECORD_CHARS } from './csv.js';
import { labelOf, paperFromFields, pmidInText, pmidOfCell, type ExportItem, type ExportParser } from './fields.js';

/** A RIS tag line: two characters, two spaces, a hyphen, then the value ("ER  -" may end there). */
const TAG_LINE = /^([A-Z][A-Z0-9])  -(?: (.*))?$/;

/** True when a text starts (after a byte order mark and blank lines) with a RIS record's "TY  - " line. */
export function looksLikeRis(head: string): boolean {
  return /^\uFEFF?(?:[ \t]*\r?\n)*TY  - /.test(head);
}

/** RIS types that are whole books or their chapters; everything else is stored as an article. */
const BOOK_TYPES = new Set(['BOOK', 'CHAP', 'EBOOK', 'ECHAP', 'EDBOOK']);

/** One record's tags and values in file order, its first line and its exact text. */
interface RisRecord {
  tags: [string, string][];
  line: number;
  raw: string;
}

function firstOf(r: RisRecord, ...tags: string[]): string | null {
  for (const t of tags) {
    const hit = r.tags.find(([k]) => k === t);
    if (hit) return hit[1];
  }
  return null;
}

function allOf(r: RisRecord, ...tags: string[]): string[] {
  return r.tags.filter(([k]) => tags.includes(k)).map(([, v]) => v);
}

/**
 * The PMID of a record: `AN` when it is a whole number (EndNote keeps the PubMed accession number there),
 * else a "PMID: N" line in any field (Zotero's Extra goes out in a note), else none.
 */
function pmidOf(r: RisRecord): number | null {
  for (const an of allOf(r, 'AN')) {
    const s = an.trim().replace(/^PMID:?\s*/i, '');
    if (/^[0-9]+$/.test(s)) return pmidOfCell(s, r.line);
  }
  for (const [, v] of r.tags) {
    const p = pmidInText(v, r.line);
    if (p !== null) return p;
  }
  return null;
}

function toItem(r: RisRecord): ExportItem {
  const pmid = pmidOf(r);
  if (pmid === null) return { kind: 'skipped', line: r.line };
  const type = (firstOf(r, 'TY') ?? '').trim().toUpperCase();
  const paper = paperFromFields(
    {
      pmid,
      type: BOOK_TYPES.has(type) ? 'book' : 'article',
      title: firstOf(r, 'TI', 'T1', 'CT', 'BT'),
      abstract: firstOf(r, 'AB', 'N2'),
      authors: allOf(r, 'AU', 'A1'),
      journal: firstOf(r, 'T2', 'JF', 'JO', 'JA', 'J2'),
      journalAbbrev: firstOf(r, 'J2', 'JA', 'JO'),
      year: firstOf(r, 'PY', 'Y1', 'DA'),
      doi: firstOf(r, 'DO'),
      keywords: allOf(r, 'KW'),
    },
    r.raw,
    'ris',
  );
  // A screening decision some tools export as a custom field or a note ("included: 1" is not standard RIS).
  return { kind: 'paper', paper, line: r.line, label: labelFromNotes(r) };
}

/** Rayyan's "RAYYAN-INCLUSION: {"Ann"=>"Excluded"}" note, when every reviewer agrees. */
function labelFromNotes(r: RisRecord): 'included' | 'excluded' | null {
  for (const v of allOf(r, 'N1')) {
    const m = /RAYYAN-INCLUSION:\s*\{([^}]*)\}/.exec(v);
    if (!m) continue;
    const decisions = new Set([...m[1]!.matchAll(/=>\s*"([^"]*)"/g)].map((d) => labelOf(d[1]!)));
    return decisions.size === 1 ? [...decisions][0]! : null;
  }
  return null;
}

/**
 * Reads RIS (Zotero, EndNote, Rayyan, Covidence exports): records from "TY  - " to "ER  -"; a line
 * without a tag continues the value before it. Text outside a record, or a record with no "ER" line,
 * stops the file with its line number. Each paper's `raw` is its record's text, "TY" to "ER".
 */
export function createRisParser(): ExportParser {
  let buf = '';
  let first = true;
  let line = 0;
  let rec: RisRecord | null = null;
  let recLines: string[] = [];
  let recChars = 0;

  const takeLine = (text: string, out: ExportItem[]): void => {
    line++;
    const l = text.endsWith('\r') ? text.slice(0, -1) : text;
    const m = TAG_LINE.exec(l);
    if (!rec) {
      if (l.trim() === '') return;
      if (!m || m[1] !== 'TY') throw new ParseError(`line ${line}: text outside a record (each RIS record starts with "TY  - " and ends with "ER  -")`);
      rec = { tags: [], line, raw: '' };
      recLines = [];
      recChars = 0;
    }
    recLines.push(text);
    recChars += text.length + 1;
    if (recChars > MAX_CSV_RECORD_CHARS) throw new ParseError(`line ${rec.line}: a record of over ${MAX_CSV_RECORD_CHARS / 2 ** 20} MiB without its "ER  -" line: not a RIS export`);
    if (m) {
      if (m[1] === 'TY' && rec.tags.length > 0) throw new ParseError(`line ${line}: a new record starts before the one on line ${rec.line} ended (its "ER  -" line is missing)`);
      if (m[1] === 'ER') {
        rec.raw = recLines.join('\n') + '\n';
        out.push(toItem(rec));
        rec = null;
        return;
      }
      rec.tags.push([m[1]!, (m[2] ?? '').trim()]);
    } else if (l.trim() !== '' && rec.tags.length > 0) {
      const last = rec.tags[rec.tags.length - 1]!;
      last[1] = `${last[1]}\n${l.trim()}`;
    }
  };

  return {
    push(chunk: string): ExportItem[] {
      if (first && chunk) {
        first = false;
        if (chunk.startsWith('\uFEFF')) chunk = chunk.slice(1);
      }
      buf += chunk;
      const out: ExportItem[] = [];
      let start = 0;
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n', start)) {
        takeLine(buf.slice(start, nl), out);
        start = nl + 1;
      }
      buf = buf.slice(start);
      if (buf.length > MAX_CSV_RECORD_CHARS) throw new ParseError(`line ${line + 1}: a line of over ${MAX_CSV_RECORD_CHARS / 2 ** 20} MiB: not a RIS export`);
      return out;
    },
    end(): ExportItem[] {
      const out: ExportItem[] = [];
      if (buf) takeLine(buf, out);
      buf = '';
      if (rec) throw new ParseError(`line ${(rec as RisRecord).line}: the record that starts here has no "ER  -" line (the file is cut short?)`);
      if (line === 0) throw new ParseError('the file is empty');
      return out;
    },
  };
}

/** The items of a whole RIS text (for tests and for re-reading a stored record). */
export function parseRis(text: string): ExportItem[] {
  const p = createRisParser();
  return [...p.push(text), ...p.end()];
}

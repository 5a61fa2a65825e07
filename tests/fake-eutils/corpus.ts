// The fake server's records: real PubMed records cut byte-for-byte out of the shared fixture files, and
// the dates ESearch filters on, read from each record's own XML. Nothing here invents a record.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

/** One PubMed record as the fake server holds it; `xml` is served exactly as stored. */
export interface CorpusRecord {
  pmid: number;
  xml: string;
  /** Entrez date, YYYY/MM/DD. */
  edat: string;
  /** Modification date (DateRevised), YYYY/MM/DD. */
  mdat: string;
  /** Publication date, YYYY/MM/DD, when the record states one. */
  pdat?: string;
}

/** The shared real PubMed fixtures (a sibling of the repository, as tests/helpers.ts FIXTURES). */
export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'fixtures', 'pubmed');
export const EFETCH_DIR = path.join(FIXTURES, 'efetch');
export const ERRORS_DIR = path.join(FIXTURES, 'errors');

/** The text of one real error sample in fixtures/pubmed/errors. */
export function errorSample(name: string): string {
  return fs.readFileSync(path.join(ERRORS_DIR, name), 'utf8');
}

/** Every efetch fixture file (relative paths, sorted so "keep the first" is deterministic). */
export function fixtureFiles(dir = EFETCH_DIR): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const ent of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${ent.name}` : ent.name;
      if (ent.isDirectory()) walk(r);
      else if (/\.xml(\.gz)?$/.test(ent.name)) out.push(r);
    }
  };
  walk('');
  return out.sort();
}

/** A fixture file's text; .gz files are gunzipped. */
export function readFixtureText(file: string): string {
  const buf = fs.readFileSync(file);
  return (file.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8');
}

const RECORD_RE = /<(PubmedArticle|PubmedBookArticle)>[\s\S]*?<\/\1>/g;

/** The `<PubmedArticle>…</PubmedArticle>` / `<PubmedBookArticle>…</PubmedBookArticle>` blocks of a set, verbatim. */
export function splitRecords(setXml: string): string[] {
  return setXml.match(RECORD_RE) ?? [];
}

const MONTHS: Record<string, string> = {
  jan: '01', feb: '02', mar: '03', apr: '04', may: '05', jun: '06',
  jul: '07', aug: '08', sep: '09', oct: '10', nov: '11', dec: '12',
};

function pad2(s: string): string {
  return s.length === 1 ? `0${s}` : s;
}

function month(raw: string | undefined): string {
  if (!raw) return '01';
  const t = raw.trim();
  if (/^\d{1,2}$/.test(t)) return pad2(t);
  return MONTHS[t.slice(0, 3).toLowerCase()] ?? '01';
}

function child(block: string, name: string): string | undefined {
  const m = new RegExp(`<${name}>\\s*([^<]*?)\\s*</${name}>`).exec(block);
  return m?.[1];
}

/** Year/Month/Day children of a date element -> YYYY/MM/DD (missing month or day -> 01). */
function ymd(block: string): string | undefined {
  const y = child(block, 'Year');
  if (y && /^\d{4}$/.test(y)) {
    const d = child(block, 'Day');
    return `${y}/${month(child(block, 'Month'))}/${d && /^\d{1,2}$/.test(d) ? pad2(d) : '01'}`;
  }
  // <MedlineDate>1998 Dec-1999 Jan</MedlineDate>: the first year (and month, when it follows directly).
  const md = child(block, 'MedlineDate');
  const m = md ? /(\d{4})(?:\s+([A-Za-z]{3}))?/.exec(md) : null;
  return m?.[1] ? `${m[1]}/${month(m[2])}/01` : undefined;
}

function element(xml: string, open: string, name: string): string | undefined {
  const i = xml.indexOf(open);
  if (i < 0) return undefined;
  const j = xml.indexOf(`</${name}>`, i);
  return j < 0 ? undefined : xml.slice(i, j);
}

function historyDate(xml: string, status: string): string | undefined {
  const block = element(xml, `<PubMedPubDate PubStatus="${status}">`, 'PubMedPubDate');
  return block === undefined ? undefined : ymd(block);
}

/** The record's PMID: the first <PMID> (MedlineCitation's or BookDocument's own). */
export function recordPmid(xml: string): number | undefined {
  const m = /<PMID[^>]*>\s*(\d+)\s*<\/PMID>/.exec(xml);
  return m?.[1] ? Number(m[1]) : undefined;
}

/** A CorpusRecord for one record's XML, with edat/mdat/pdat read as loadFixtureCorpus documents. */
export function makeRecord(xml: string): CorpusRecord {
  const pmid = recordPmid(xml);
  if (pmid === undefined) throw new Error(`record without a PMID: ${xml.slice(0, 80)}`);
  const completed = element(xml, '<DateCompleted>', 'DateCompleted');
  const edat =
    historyDate(xml, 'entrez') ?? historyDate(xml, 'pubmed') ?? (completed ? ymd(completed) : undefined) ?? '1900/01/01';
  const revised = element(xml, '<DateRevised>', 'DateRevised');
  const mdat = (revised ? ymd(revised) : undefined) ?? edat;
  const pubDate = element(xml, '<PubDate>', 'PubDate');
  const pdat = pubDate ? ymd(pubDate) : undefined;
  return pdat ? { pmid, xml, edat, mdat, pdat } : { pmid, xml, edat, mdat };
}

/**
 * Every record of every fixture efetch file (deduplicated by PMID, the first kept). edat is the record's
 * <PubMedPubDate PubStatus="entrez"> (else "pubmed", else DateCompleted, else 1900/01/01); mdat its
 * <DateRevised> (else edat); pdat its first <PubDate>.
 */
export function loadFixtureCorpus(dir = EFETCH_DIR): CorpusRecord[] {
  const seen = new Set<number>();
  const out: CorpusRecord[] = [];
  for (const rel of fixtureFiles(dir)) {
    for (const xml of splitRecords(readFixtureText(path.join(dir, rel)))) {
      const rec = makeRecord(xml);
      if (seen.has(rec.pmid)) continue;
      seen.add(rec.pmid);
      out.push(rec);
    }
  }
  return out;
}

/**
 * The revision of a real retracted record from before its retraction: the same XML without its
 * `<CommentsCorrections RefType="RetractionIn">` elements and its "Retracted Publication"
 * PublicationType, with <DateRevised> set to `dateRevised` (YYYY/MM/DD). Derived from the real record;
 * every other byte is left as it was.
 */
export function withoutRetraction(xml: string, dateRevised: string): string {
  const m = /^(\d{4})\/(\d{2})\/(\d{2})$/.exec(dateRevised);
  if (!m) throw new Error(`dateRevised must be YYYY/MM/DD, got ${dateRevised}`);
  // Remove the element together with the indentation and line break in front of it, so the layout stays tidy.
  let out = xml
    .replace(/[ \t]*\r?\n?[ \t]*<CommentsCorrections RefType="RetractionIn">[\s\S]*?<\/CommentsCorrections>/g, '')
    .replace(/[ \t]*\r?\n?[ \t]*<PublicationType\b[^>]*>Retracted Publication<\/PublicationType>/g, '');
  // A CommentsCorrectionsList left empty is not valid against the DTD (CommentsCorrections+).
  out = out.replace(/[ \t]*\r?\n?[ \t]*<CommentsCorrectionsList>\s*<\/CommentsCorrectionsList>/g, '');
  out = out.replace(/<DateRevised>([\s\S]*?)<\/DateRevised>/, (_all, inner: string) =>
    `<DateRevised>${inner
      .replace(/<Year>[^<]*<\/Year>/, `<Year>${m[1]}</Year>`)
      .replace(/<Month>[^<]*<\/Month>/, `<Month>${m[2]}</Month>`)
      .replace(/<Day>[^<]*<\/Day>/, `<Day>${m[3]}</Day>`)}</DateRevised>`,
  );
  return out;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** The record's text content, lower-cased and whitespace-collapsed, for the term matcher. */
export function recordText(xml: string): string {
  return xml
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(?:#x([0-9a-fA-F]+)|#(\d+)|(lt|gt|amp|quot|apos));/g, (all, hex?: string, dec?: string, name?: string) => {
      if (name) return ENTITIES[name] ?? all;
      const cp = hex ? parseInt(hex, 16) : Number(dec);
      return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : all;
    })
    .replace(/\s+/g, ' ')
    .toLowerCase();
}

/** True for a <PubmedBookArticle>. */
export function isBookRecord(xml: string): boolean {
  return xml.startsWith('<PubmedBookArticle>');
}

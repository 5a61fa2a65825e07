// The Retraction Watch database CSV as Crossref publishes it (RFC 4180: quoted fields may hold commas,
// quotes and line breaks), read piece by piece so the 50,000-row file is never held whole. Pure.
import { ParseError, UsageError } from '../errors.js';
import { normalizeDoi, statusFromNature, type IntegrityNotice } from './integrity.js';

/** The columns claimwatch reads; the file has more (Title, Subject, ...), which are ignored. */
export const RW_COLUMNS = [
  'Record ID', 'RetractionDate', 'RetractionDOI', 'RetractionPubMedID', 'OriginalPaperDOI', 'OriginalPaperPubMedID', 'RetractionNature', 'Reason',
] as const;
type RwColumn = (typeof RW_COLUMNS)[number];

/** One data row, by the columns claimwatch reads, with its line number. */
export interface RwRow {
  line: number;
  fields: Record<RwColumn, string>;
}

/** A CSV reader fed chunks: `push` returns the rows completed, `end` the last one or a ParseError for a cut file. */
export class RwCsvReader {
  private header: string[] | null = null;
  private index: Record<RwColumn, number> | null = null;
  private field = '';
  private record: string[] = [];
  private quoted = false;
  /** Just left a quoted section: a quote now is an escaped quote. */
  private afterQuote = false;
  private line = 1;
  private recordLine = 1;
  private sawCr = false;

  /** Rows completed by this chunk; throws UsageError for a file that is not the Retraction Watch CSV. */
  push(chunk: string): RwRow[] {
    if (chunk.includes('\u0000')) throw new UsageError('the file holds NUL bytes: it is binary, not the Retraction Watch CSV; download retraction_watch.csv again from Crossref');
    const rows: RwRow[] = [];
    for (let i = 0; i < chunk.length; i++) {
      let c = chunk[i]!;
      if (this.header === null && this.line === 1 && this.record.length === 0 && this.field === '' && c === '\uFEFF') continue;
      if (this.sawCr) {
        this.sawCr = false;
        if (c === '\n') continue;
      }
      if (this.quoted) {
        if (c === '"') {
          this.quoted = false;
          this.afterQuote = true;
        } else {
          if (c === '\n' || c === '\r') this.line++;
          this.field += c;
        }
        continue;
      }
      if (c === '"') {
        if (this.afterQuote) this.field += '"';
        this.quoted = true;
        this.afterQuote = false;
        continue;
      }
      this.afterQuote = false;
      if (c === ',') {
        this.record.push(this.field);
        this.field = '';
      } else if (c === '\n' || c === '\r') {
        if (c === '\r') this.sawCr = true;
        c = '\n';
        this.record.push(this.field);
        this.field = '';
        const row = this.finish(this.record);
        if (row) rows.push(row);
        this.record = [];
        this.line++;
        this.recordLine = this.line;
      } else {
        this.field += c;
      }
    }
    return rows;
  }

  /** The last row, when the file does not end with a line break; a ParseError for a file cut inside a row. */
  end(): RwRow[] {
    if (this.quoted) throw new ParseError(`the file ends inside a quoted field that starts on line ${this.recordLine}: it is truncated; download it again`);
    if (this.header === null && this.record.length === 0 && this.field === '') throw new UsageError('the file is empty: give the Retraction Watch CSV (retraction_watch.csv)');
    if (this.record.length === 0 && this.field === '') return [];
    this.record.push(this.field);
    const row = this.finish(this.record);
    this.record = [];
    this.field = '';
    return row ? [row] : [];
  }

  private finish(record: string[]): RwRow | null {
    if (this.header === null) {
      this.header = record.map((h) => h.trim());
      const missing = RW_COLUMNS.filter((c) => !this.header!.includes(c));
      if (missing.length) {
        throw new UsageError(`line 1 is not the Retraction Watch CSV header (no ${missing.map((m) => `'${m}'`).join(', ')} column): give the file as Crossref publishes it`);
      }
      this.index = Object.fromEntries(RW_COLUMNS.map((c) => [c, this.header!.indexOf(c)])) as Record<RwColumn, number>;
      return null;
    }
    if (record.length === 1 && record[0]!.trim() === '') return null;
    if (record.length !== this.header.length) {
      throw new ParseError(`line ${this.recordLine} has ${record.length} fields where the header has ${this.header.length}: the file is truncated or damaged; download it again`);
    }
    const fields = Object.fromEntries(RW_COLUMNS.map((c) => [c, (record[this.index![c]] ?? '').trim()])) as Record<RwColumn, string>;
    return { line: this.recordLine, fields };
  }
}

/** A PMID as the file writes it: "37476288", "37476288.0" (a copy that went through pandas); "0" or "" is none. */
export function rwPmid(raw: string): number | null {
  const m = /^([0-9]{1,10})(?:\.0+)?$/.exec(raw.trim());
  if (!m) return null;
  const n = Number(m[1]);
  return n > 0 ? n : null;
}

/** "9/27/2023 0:00" (the file's M/D/YYYY) as 2023-09-27; null when unreadable. */
export function rwDate(raw: string): string | null {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})/.exec(raw.trim());
  if (m) return `${m[3]}-${m[1]!.padStart(2, '0')}-${m[2]!.padStart(2, '0')}`;
  const iso = /^(\d{4}-\d{2}-\d{2})/.exec(raw.trim());
  return iso ? iso[1]! : null;
}

/** The row's original paper (PMID and normalised DOI) and the notice it records; null notice for a nature that is no status. */
export function rwRowNotice(row: RwRow): { pmid: number | null; doi: string | null; notice: IntegrityNotice | null } {
  const f = row.fields;
  const status = statusFromNature(f.RetractionNature);
  const reason = f.Reason.split(';').map((r) => r.trim().replace(/^\+/, '')).filter(Boolean).join('; ') || null;
  return {
    pmid: rwPmid(f.OriginalPaperPubMedID),
    doi: normalizeDoi(f.OriginalPaperDOI),
    notice: status === null ? null : {
      status, source: 'rw-file', noticeDoi: normalizeDoi(f.RetractionDOI), noticePmid: rwPmid(f.RetractionPubMedID),
      date: rwDate(f.RetractionDate), nature: f.RetractionNature || null, reason, recordId: f['Record ID'] || null,
    },
  };
}

import { hash as digest } from 'node:crypto';
import type { Db } from './db.js';
import { IntegrityStore } from './integrity.js';
import { isPubmedFormat, type Author, type Paper, type PaperLink, type RawFormat } from '../evidence/paper.js';
import { PARSED_COLUMNS, type ParsedColumn, type ParsedColumns } from '../evidence/reparse.js';

/** What storing one incoming record did. */
export type UpsertOutcome = 'added' | 'updated' | 'unchanged';

/** A stored paper: the parsed record plus what the library knows about it. */
export interface StoredPaper extends Paper {
  deletedAt: string | null;
  addedAt: string;
  updatedAt: string;
}

export interface PaperRow {
  pmid: number;
  type: 'article' | 'book';
  title: string | null;
  abstract: string | null;
  authors: string;
  journal: string | null;
  journal_abbrev: string | null;
  year: number | null;
  pub_date: string | null;
  doi: string | null;
  pmcid: string | null;
  publication_types: string;
  mesh: string;
  keywords: string;
  language: string | null;
  retracted: number;
  links: string;
  date_revised: string | null;
  entrez_date: string | null;
  raw: string;
  raw_format: RawFormat;
  content_hash: string;
  deleted_at: string | null;
  added_at: string;
  updated_at: string;
}

/** A paper's columns with its raw record (kept in paper_raw since 0011_paper_raw), for a query over papers p. */
export const PAPER_COLUMNS = `p.pmid, p.type, p.title, p.abstract, p.authors, p.journal, p.journal_abbrev, p.year, p.pub_date,
  p.doi, p.pmcid, p.publication_types, p.mesh, p.keywords, p.language, p.retracted, p.links, p.date_revised,
  p.entrez_date, coalesce((SELECT r.raw FROM paper_raw r WHERE r.pmid = p.pmid), '') AS raw, p.raw_format,
  p.content_hash, p.deleted_at, p.added_at, p.updated_at`;

/** Turns a stored row back into a paper. */
export function rowToPaper(row: PaperRow): StoredPaper {
  return {
    pmid: row.pmid,
    type: row.type,
    title: row.title,
    abstract: row.abstract,
    authors: JSON.parse(row.authors) as Author[],
    journal: row.journal,
    journalAbbrev: row.journal_abbrev,
    year: row.year,
    pubDate: row.pub_date,
    doi: row.doi,
    pmcid: row.pmcid,
    publicationTypes: JSON.parse(row.publication_types) as string[],
    mesh: JSON.parse(row.mesh) as string[],
    keywords: JSON.parse(row.keywords) as string[],
    language: row.language,
    retracted: row.retracted === 1,
    links: JSON.parse(row.links) as PaperLink[],
    dateRevised: row.date_revised,
    entrezDate: row.entrez_date,
    raw: row.raw,
    rawFormat: row.raw_format,
    deletedAt: row.deleted_at,
    addedAt: row.added_at,
    updatedAt: row.updated_at,
  };
}

/** Hash of a record's source text (of its UTF-8 bytes): the same record imported twice hashes the same. */
export function hashRecord(raw: string | Uint8Array): string {
  // The one-shot form: no Hash object per record.
  return digest('sha1', raw, 'hex');
}

/**
 * Decides whether an incoming record replaces the stored one. A record of a CSV or RIS export never
 * replaces one of PubMed's and always gives way to one (deleted or not); between two exports the incoming
 * copy wins. Between PubMed's: a newer DateRevised wins; an older one never overwrites; at the same
 * revision XML beats MEDLINE (it carries more), otherwise the incoming copy wins because PubmedData (PMC
 * id, article ids) changes without a new DateRevised.
 */
export function shouldReplace(
  stored: { dateRevised: string | null; rawFormat: RawFormat; hash: string; deleted: boolean },
  incoming: { dateRevised: string | null; rawFormat: RawFormat; hash: string },
): boolean {
  if (stored.hash === incoming.hash) return stored.deleted;
  const fromPubmed = isPubmedFormat(incoming.rawFormat);
  if (isPubmedFormat(stored.rawFormat) !== fromPubmed) return fromPubmed;
  if (!fromPubmed) return true;
  const a = stored.dateRevised ?? '';
  const b = incoming.dateRevised ?? '';
  if (b < a) return false;
  if (b > a) return true;
  return !(stored.rawFormat === 'pubmed-xml' && incoming.rawFormat === 'medline');
}

/** A paper as the papers table's columns: what `upsertRow` stores (the row less what the library adds). */
export type PaperParams = Omit<PaperRow, 'raw' | 'retracted' | 'content_hash' | 'deleted_at' | 'added_at' | 'updated_at'> & {
  retracted: 0 | 1;
  /** The record's text, or its UTF-8 bytes (stored as the same text: see the statements' CAST). */
  raw: string | Uint8Array;
  /** hashRecord(raw), or null for upsertRow to work out. */
  content_hash: string | null;
};

/** The papers columns a PaperParams fills, in the order the statements bind them (raw goes to paper_raw). */
const PARAM_COLUMNS = [
  'pmid', 'type', 'title', 'abstract', 'authors', 'journal', 'journal_abbrev', 'year', 'pub_date', 'doi', 'pmcid',
  'publication_types', 'mesh', 'keywords', 'language', 'retracted', 'links', 'date_revised', 'entrez_date',
  'raw_format', 'content_hash',
] as const satisfies readonly (keyof PaperParams)[];
const SET_COLUMNS = PARAM_COLUMNS.filter((c) => c !== 'pmid');
const HASH_AT = PARAM_COLUMNS.indexOf('content_hash');

/**
 * Turns a parsed paper into column values (pure, and heavy enough to be worth doing off the main thread).
 * `raw` may be the record's UTF-8 bytes instead of its text: stored and hashed the same. Without `hashed`,
 * the hash is left to upsertRow (see read-record.ts).
 */
export function paperParams(paper: Paper, raw: string | Uint8Array = paper.raw, hashed = true): PaperParams {
  return {
    pmid: paper.pmid,
    type: paper.type,
    title: paper.title,
    abstract: paper.abstract,
    authors: JSON.stringify(paper.authors),
    journal: paper.journal,
    journal_abbrev: paper.journalAbbrev,
    year: paper.year,
    pub_date: paper.pubDate,
    doi: paper.doi,
    pmcid: paper.pmcid,
    publication_types: JSON.stringify(paper.publicationTypes),
    mesh: JSON.stringify(paper.mesh),
    keywords: JSON.stringify(paper.keywords),
    language: paper.language,
    retracted: paper.retracted ? 1 : 0,
    links: JSON.stringify(paper.links),
    date_revised: paper.dateRevised,
    entrez_date: paper.entrezDate,
    raw,
    raw_format: paper.rawFormat,
    content_hash: hashed ? hashRecord(raw) : null,
  };
}

/** The row's values for `columns` in order, with `retracted` for its own, and `extra` free places after them. */
function columnValues(row: PaperParams, columns: readonly (keyof PaperParams)[], retracted: 0 | 1, extra: number): unknown[] {
  const out: unknown[] = new Array(columns.length + extra);
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i]!;
    out[i] = c === 'retracted' ? retracted : row[c];
  }
  return out;
}

/** Prepared statements over the papers table for one open database. */
export class PaperStore {
  private readonly getStmt;
  private readonly headStmt;
  private readonly insertStmt;
  private readonly updateStmt;
  private readonly putRawStmt;
  private readonly deleteStmt;
  private readonly historyStmt;
  private readonly integrity: IntegrityStore;

  constructor(private readonly db: Db) {
    this.integrity = new IntegrityStore(db);
    this.getStmt = db.prepare(`SELECT ${PAPER_COLUMNS} FROM papers p WHERE p.pmid = ?`);
    this.headStmt = db.prepare(
      'SELECT date_revised, raw_format, content_hash, deleted_at, retracted FROM papers WHERE pmid = ?',
    );
    // Positional parameters: binding 23 named ones cost a third of the insert loop of a bulk import.
    this.insertStmt = db.prepare(
      `INSERT INTO papers (${PARAM_COLUMNS.join(', ')}, deleted_at, added_at, updated_at)
       VALUES (${PARAM_COLUMNS.map(() => '?').join(', ')}, NULL, ?, ?)`,
    );
    this.updateStmt = db.prepare(
      `UPDATE papers SET ${SET_COLUMNS.map((c) => `${c} = ?`).join(', ')}, deleted_at = NULL, updated_at = ?
       WHERE pmid = ?`,
    );
    // The record may come as its UTF-8 bytes: CAST stores them as the same text.
    this.putRawStmt = db.prepare(
      'INSERT INTO paper_raw (pmid, raw) VALUES (?, CAST(? AS TEXT)) ON CONFLICT (pmid) DO UPDATE SET raw = excluded.raw',
    );
    this.deleteStmt = db.prepare(
      'UPDATE papers SET deleted_at = @now, updated_at = @now WHERE pmid = @pmid AND deleted_at IS NULL',
    );
    this.historyStmt = db.prepare(`INSERT INTO history (at, actor, action, pmid, old_value, new_value, note)
      VALUES (@at, 'claimwatch', @action, @pmid, @old, @new, @note)`);
  }

  /** The stored paper, or undefined. */
  get(pmid: number): StoredPaper | undefined {
    const row = this.getStmt.get(pmid) as PaperRow | undefined;
    return row ? rowToPaper(row) : undefined;
  }

  /** Stores one record (call inside a transaction for speed); returns what happened. */
  upsert(paper: Paper, now: string, source: string): UpsertOutcome {
    return this.upsertRow(paperParams(paper), now, source);
  }

  /** Stores one record given as column values (see paperParams); returns what happened. */
  upsertRow(row: PaperParams, now: string, source: string): UpsertOutcome {
    const hash = row.content_hash ?? hashRecord(row.raw);
    // The retracted flag is what every source says together (store/integrity.ts), not PubMed's alone.
    const retracted = (): 0 | 1 => this.integrity.reconcilePubmed(row.pmid, row.links, row.publication_types, row.retracted, now, source);
    const head = this.headStmt.get(row.pmid) as
      | { date_revised: string | null; raw_format: RawFormat; content_hash: string; deleted_at: string | null; retracted: number }
      | undefined;
    if (!head) {
      // One argument array per row, filled in place: the bulk import's main thread spends most of its time here.
      const args = columnValues(row, PARAM_COLUMNS, retracted(), 2);
      args[HASH_AT] = hash;
      args[PARAM_COLUMNS.length] = now;
      args[PARAM_COLUMNS.length + 1] = now;
      this.insertStmt.run(args);
      this.putRawStmt.run(row.pmid, row.raw);
      return 'added';
    }
    const replace = shouldReplace(
      { dateRevised: head.date_revised, rawFormat: head.raw_format, hash: head.content_hash, deleted: head.deleted_at !== null },
      { dateRevised: row.date_revised, rawFormat: row.raw_format, hash },
    );
    if (!replace) return 'unchanged';
    row = { ...row, content_hash: hash, retracted: retracted() };
    this.updateStmt.run(...SET_COLUMNS.map((c) => row[c]), now, row.pmid);
    // The same hash is the same record: a deleted paper coming back keeps its stored text.
    if (hash !== head.content_hash) this.putRawStmt.run(row.pmid, row.raw);
    if (head.retracted === 0 && row.retracted === 1) {
      this.historyStmt.run({ at: now, action: 'paper-retracted', pmid: row.pmid, old: 'false', new: 'true', note: source });
    }
    if (head.deleted_at !== null) {
      this.historyStmt.run({ at: now, action: 'paper-restored', pmid: row.pmid, old: head.deleted_at, new: null, note: source });
    }
    return 'updated';
  }

  /** Marks a PMID deleted by NLM; tags and history stay. Returns false when it is not stored or already deleted. */
  markDeleted(pmid: number, now: string, source: string): boolean {
    const changed = this.deleteStmt.run({ pmid, now }).changes > 0;
    if (changed) this.historyStmt.run({ at: now, action: 'paper-deleted', pmid, old: null, new: now, note: source });
    return changed;
  }
}

/** A stored record with the columns a parser filled from it, as `reparse` reads them. */
export interface StoredRecord {
  pmid: number;
  raw: string;
  rawFormat: RawFormat;
  columns: ParsedColumns;
}

/** Up to `limit` stored records with a PMID above `after`, in PMID order. */
export function storedRecords(db: Db, after: number, limit: number): StoredRecord[] {
  const rows = db
    .prepare(
      `SELECT p.pmid, r.raw, p.raw_format, ${PARSED_COLUMNS.map((c) => `p.${c}`).join(', ')}
       FROM papers p JOIN paper_raw r ON r.pmid = p.pmid WHERE p.pmid > ? ORDER BY p.pmid LIMIT ?`,
    )
    .all(after, limit) as (ParsedColumns & { pmid: number; raw: string; raw_format: RawFormat })[];
  return rows.map((row) => ({
    pmid: row.pmid,
    raw: row.raw,
    rawFormat: row.raw_format,
    columns: Object.fromEntries(PARSED_COLUMNS.map((c) => [c, row[c]])) as ParsedColumns,
  }));
}

/** Writes new values of a paper's parsed columns (its record, tags and history stay as they are). */
export function updateParsedColumns(db: Db, pmid: number, values: Partial<ParsedColumns>, now: string): void {
  const cols = Object.keys(values) as ParsedColumn[];
  if (!cols.length) return;
  db.prepare(`UPDATE papers SET ${cols.map((c) => `${c} = ?`).join(', ')}, updated_at = ? WHERE pmid = ?`)
    .run(...cols.map((c) => values[c]), now, pmid);
}

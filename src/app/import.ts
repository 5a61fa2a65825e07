import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { Readable, pipeline } from 'node:stream';
import type { Db } from '../store/db.js';
import { PaperStore } from '../store/papers.js';
import { createXmlParser } from '../pubmed/xml.js';
import { createMedlineParser, looksLikeMedline } from '../pubmed/medline.js';
import type { IncrementalParser, RawFormat, SourceItem } from '../evidence/paper.js';

/** What importing one file did. */
export interface FileImport {
  file: string;
  format: RawFormat | null;
  ok: boolean;
  error: string | null;
  added: number;
  updated: number;
  unchanged: number;
  deleted: number;
}

/** Totals over all files plus each file's outcome. */
export interface ImportSummary {
  added: number;
  updated: number;
  unchanged: number;
  deleted: number;
  failed: number;
  files: FileImport[];
}

/** Picks the parser for a file from its first characters: XML, MEDLINE text, or neither. */
export function detectFormat(head: string): RawFormat | null {
  const s = head.replace(/^\uFEFF/, '').replace(/^[ \t\r\n]+/, '');
  if (s.startsWith('<')) return 'pubmed-xml';
  if (looksLikeMedline(s)) return 'medline';
  return null;
}

/** Decodes a byte stream as UTF-8 text, gunzipping it first when it starts with the gzip magic bytes. */
async function* decodeText(bytes: AsyncIterable<Buffer>): AsyncGenerator<string> {
  const it = bytes[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  while (head.length < 2) {
    const n = await it.next();
    if (n.done) break;
    head = Buffer.concat([head, n.value]);
  }
  async function* all(): AsyncGenerator<Buffer> {
    if (head.length) yield head;
    for (let n = await it.next(); !n.done; n = await it.next()) yield n.value;
  }
  let source: AsyncIterable<Buffer> = all();
  if (head[0] === 0x1f && head[1] === 0x8b) {
    const gunzip = zlib.createGunzip();
    // pipeline hands a read error of the source on to the gunzip stream we iterate.
    pipeline(Readable.from(source), gunzip, () => undefined);
    source = gunzip;
  }
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of source) {
    const text = decoder.decode(chunk, { stream: true });
    if (text) yield text;
  }
  const tail = decoder.decode();
  if (tail) yield tail;
}

/** The bytes of a file, or of standard input for '-'. */
function openBytes(file: string, stdin: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  return file === STDIN ? stdin : fs.createReadStream(file);
}

/** The name `import -` reads standard input by. */
export const STDIN = '-';

class ImportFailure extends Error {}

/**
 * Imports one file in one transaction: either every record in it is stored, or none is.
 * Memory stays bounded by one record because the file is streamed through an incremental parser.
 */
export async function importFile(
  db: Db,
  file: string,
  now: () => string,
  onProgress?: (file: string, records: number) => void,
  stdin: AsyncIterable<Buffer> = process.stdin,
): Promise<FileImport> {
  // What the user sees this source as: '-' reads standard input.
  const label = file === STDIN ? 'stdin' : file;
  const result: FileImport = { file: label, format: null, ok: false, error: null, added: 0, updated: 0, unchanged: 0, deleted: 0 };
  const store = new PaperStore(db);
  const source = `import ${path.basename(label)}`;
  let parser: IncrementalParser | null = null;
  let head = '';
  let items = 0;
  const at = now();
  const apply = (batch: SourceItem[]): void => {
    for (const item of batch) {
      items++;
      if (onProgress && items % 1000 === 0) onProgress(label, items);
      if (item.kind === 'paper') {
        result[store.upsert(item.paper, at, source)]++;
      } else {
        for (const pmid of item.pmids) if (store.markDeleted(pmid, at, source)) result.deleted++;
      }
    }
  };
  // Picks the parser from the first characters and feeds it them.
  const start = (text: string): IncrementalParser => {
    result.format = detectFormat(text);
    if (!result.format) throw new ImportFailure('not PubMed XML or MEDLINE text (it starts with neither "<" nor "PMID-")');
    const p = result.format === 'pubmed-xml' ? createXmlParser() : createMedlineParser();
    apply(p.push(text));
    return p;
  };
  db.exec('BEGIN IMMEDIATE');
  try {
    try {
      for await (const chunk of decodeText(openBytes(file, stdin))) {
        if (!parser) {
          head += chunk;
          if (head.replace(/^[\uFEFF \t\r\n]+/, '').length < 8 && head.length < 4096) continue;
          parser = start(head);
          head = '';
        } else {
          apply(parser.push(chunk));
        }
      }
    } catch (e) {
      if (e instanceof ImportFailure) throw e;
      const code = (e as { code?: string }).code;
      if (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR') throw new ImportFailure('the gzip data is truncated or corrupt');
      if (code) throw new ImportFailure(describeFsError(e));
      throw e;
    }
    if (!parser) {
      if (!head.replace(/^[\uFEFF \t\r\n]+/, '')) throw new ImportFailure('the file is empty');
      parser = start(head);
    }
    apply(parser.end());
    if (items === 0) throw new ImportFailure('no PubMed records in it');
    db.prepare(
      `INSERT INTO imports (file, format, at, added, updated, unchanged, deleted)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(file === STDIN ? label : path.resolve(file), result.format, at, result.added, result.updated, result.unchanged, result.deleted);
    db.exec('COMMIT');
    result.ok = true;
  } catch (e) {
    // SQLite may already have rolled back on its own (a full disk, say); don't mask the real error.
    if (db.inTransaction) db.exec('ROLLBACK');
    result.added = result.updated = result.unchanged = result.deleted = 0;
    result.error = (e as Error).message;
  }
  return result;
}

function describeFsError(e: unknown): string {
  const err = e as { code?: string; message?: string };
  if (err.code === 'ENOENT') return 'no such file';
  if (err.code === 'EISDIR') return 'it is a directory, not a file';
  if (err.code === 'EACCES') return 'permission denied';
  return err.message ?? String(e);
}

/** Imports each file in its own transaction; a failed file is reported and the others still import. */
export async function importFiles(
  db: Db,
  files: string[],
  now: () => string = () => new Date().toISOString(),
  onProgress?: (file: string, records: number) => void,
): Promise<ImportSummary> {
  const summary: ImportSummary = { added: 0, updated: 0, unchanged: 0, deleted: 0, failed: 0, files: [] };
  for (const file of files) {
    const r = await importFile(db, file, now, onProgress);
    summary.files.push(r);
    summary.added += r.added;
    summary.updated += r.updated;
    summary.unchanged += r.unchanged;
    summary.deleted += r.deleted;
    if (!r.ok) summary.failed++;
  }
  return summary;
}

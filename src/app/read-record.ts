// Reading one record the byte splitter cut out, into what the store writes: shared by the import's worker
// threads and its main thread (which reads the first records itself, and all of them without threads).
import { readByteRecord, readRecordBytes, type SplitRecord } from '../pubmed/xml.js';
import { paperParams, type PaperParams } from '../store/papers.js';

/** A record read into column values (the raw text as UTF-8 bytes), or a deletion. */
export type ParsedItem = { kind: 'paper'; row: PaperParams } | { kind: 'delete'; pmids: number[] };

/** Throws the record's ParseError, as the text parser would. */
export function readRecord(record: SplitRecord): ParsedItem {
  const { item, bytes } = readByteRecord(record);
  return item.kind === 'delete' ? item : { kind: 'paper', row: paperParams(item.paper, bytes) };
}

/**
 * readRecord for a record given as its bytes (a view into the batch a thread was sent), numbered `ordinal` in
 * its file. The hash is left to the main thread's upsertRow: reading is the import's bottleneck on 2 cores, and
 * hashing (a tenth of it) runs natively with no code to warm up, where the main thread had time to spare.
 */
export function readRecordAt(bytes: Uint8Array, ordinal: number): ParsedItem {
  const { item, bytes: stored } = readRecordBytes(bytes, ordinal);
  return item.kind === 'delete' ? item : { kind: 'paper', row: paperParams(item.paper, stored, false) };
}

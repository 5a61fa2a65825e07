// Reading one record the byte splitter cut out, into what the store writes: shared by the import's worker
// threads and its main thread (which reads the first records itself, and all of them without threads).
import { createRestingSplitter, readByteRecord, readRecordBytes, type SplitRecord } from '../pubmed/xml.js';
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
 * its file. Without `hashed` the hash is left to the main thread's upsertRow: hashing (a tenth of the
 * reading) runs natively with no code to warm up, so it goes to whichever thread has time to spare.
 */
export function readRecordAt(bytes: Uint8Array, ordinal: number, hashed = false): ParsedItem {
  const { item, bytes: stored } = readRecordBytes(bytes, ordinal);
  return item.kind === 'delete' ? item : { kind: 'paper', row: paperParams(item.paper, stored, hashed) };
}

/** A span's reading: every record's item, or null when the span must be read again in order (see readSpan). */
export interface SpanReading {
  items: ParsedItem[];
  records: number;
}

/**
 * Splits and reads a span of a file: bytes that begin where a splitter rested inside `root` (see
 * createRestingSplitter) and were cut just after a record's end tag. Null when the span does not end at rest
 * (the cut fell inside a comment, say) or anything in it fails: the main thread then reads it itself, in
 * order, where the file's real record numbers make the same error message as the single-threaded import.
 * `hits`: where `</PubmedArticle` occurs in the bytes, if the sender found them (findEndTags); `hashed`: the
 * records' hashes are worked out here (see readRecordAt).
 */
export function readSpan(bytes: Uint8Array, root: string, hits: Uint32Array | null = null, hashed = false): SpanReading | null {
  const splitter = createRestingSplitter(root);
  try {
    const records = splitter.push(bytes, hits);
    if (splitter.restingIn !== root) return null;
    // The records are views of `bytes`, and so are the raw records stored from them.
    return { items: records.map((r) => readRecordAt(r.bytes, r.ordinal, hashed)), records: records.length };
  } catch {
    return null;
  }
}

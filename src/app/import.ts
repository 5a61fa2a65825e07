import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { Readable, pipeline } from 'node:stream';
import { OpenFile, PIECE_BYTES, READ_BYTES } from './file-bytes.js';
import { flushAhead, withRollbackJournal, type Db } from '../store/db.js';
import { PaperStore } from '../store/papers.js';
import { createXmlByteSplitter, createXmlParser, declaredEncoding, findEndTags, type IncrementalSplitter, type SplitRecord } from '../pubmed/xml.js';
import { createMedlineParser, looksLikeMedline } from '../pubmed/medline.js';
import type { IncrementalParser, RawFormat, SourceItem } from '../evidence/paper.js';
import { createCsvExportParser } from '../formats/csv-export.js';
import { createRisParser, looksLikeRis } from '../formats/ris.js';
import { skippedText, type ExportItem, type ExportParser } from '../formats/fields.js';
import { ParseError } from '../errors.js';
import { requireWritable } from './store.js';
import { BatchBuilder, type ImportPool, type ParsedBatch } from './import-pool.js';
import { readRecord, type ParsedItem } from './read-record.js';
import { dismissalsForPaper, putDismissal, tagsForPaper } from '../store/tags.js';
import { appendHistory } from '../store/history.js';
import type { FileImport, ImportSummary } from '../evidence/views.js';
export type { FileImport, ImportSummary } from '../evidence/views.js';

/**
 * Picks the parser for a file from its first characters (its first line, for CSV): XML, MEDLINE text, RIS,
 * CSV, or none of them. A first line is CSV when it is text (no control characters, no JSON) with a
 * `,` `;` or tab in it, or a single PMID header.
 */
export function detectFormat(head: string): RawFormat | null {
  const s = head.replace(/^\uFEFF/, '').replace(/^[ \t\r\n]+/, '');
  if (s.startsWith('<')) return 'pubmed-xml';
  if (looksLikeMedline(s)) return 'medline';
  if (looksLikeRis(s)) return 'ris';
  const first = s.split('\n', 1)[0]!.replace(/\r$/, '');
  if (!first || /[\u0000-\u0008\u000b-\u001f\u007f\ufffd]/.test(first) || /^[{[]/.test(first)) return null;
  if (/[,;\t]/.test(first) || /^"?\s*(pmid|pubmed[ _]?id)\s*"?$/i.test(first)) return 'csv';
  return null;
}

/** `head`, then the rest of a stream it was read from. */
async function* prepend(head: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  try {
    if (head.length) yield head;
    for (let n = await rest.next(); !n.done; n = await rest.next()) yield n.value;
  } finally {
    // Stopped early (a failed file), the source is closed too: a file's descriptor is not left open.
    await rest.return?.();
  }
}

/** The bytes of a stream, gunzipped first when it starts with the gzip magic bytes (then `seen.gzip` is set). */
async function* inflate(bytes: AsyncIterable<Buffer>, seen: { gzip: boolean }): AsyncGenerator<Buffer> {
  const it = bytes[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  while (head.length < 2) {
    const n = await it.next();
    if (n.done) break;
    head = Buffer.concat([head, n.value]);
  }
  const all = prepend(head, it);
  if (head[0] === 0x1f && head[1] === 0x8b) {
    seen.gzip = true;
    // Inflated 1 MiB at a time, handed on in 64 KiB pieces like a plain file's: at zlib's default 16 KiB,
    // handling the pieces cost the main thread 2.6 s of a 1.5 GB import; 1 MiB against 64 KiB took a
    // 20,000-record .gz from 2.40-2.58 s to 2.17-2.22 s (peak 190 -> 202 MiB).
    const gunzip = zlib.createGunzip({ chunkSize: READ_BYTES });
    pipeline(Readable.from(all), gunzip, () => undefined);
    for await (const out of gunzip as AsyncIterable<Buffer>) {
      for (let at = 0; at < out.length; at += PIECE_BYTES) yield out.subarray(at, Math.min(out.length, at + PIECE_BYTES));
    }
  } else {
    yield* all;
  }
}

/** Encodings read as they are: UTF-8 and its ASCII subset. */
const UTF8_NAMES = new Set(['utf-8', 'utf8', 'us-ascii', 'ascii']);
/** ISO-8859-1 under the names files use: transcoded to UTF-8 byte for byte (Node's 'latin1' is exactly it). */
const LATIN1_NAMES = new Set(['iso-8859-1', 'iso8859-1', 'iso_8859-1', 'latin1', 'latin-1', 'l1']);

/** ISO-8859-1 bytes as UTF-8 bytes, so every reader after it sees the UTF-8 PubMed serves. */
async function* latin1ToUtf8(bytes: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  for await (const chunk of bytes) yield Buffer.from(chunk.toString('latin1'), 'utf8');
}

/** Lines of skipped records a file's summary names; the count says how many there were in all. */
const SKIPPED_LINES_SHOWN = 10;

/** Decodes bytes as UTF-8 text, refusing bytes that are not UTF-8 (exports have no encoding declaration to go by). */
async function* strictUtf8Text(bytes: AsyncIterable<Buffer>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of bytes) {
      const text = decoder.decode(chunk, { stream: true });
      if (text) yield text;
    }
    const tail = decoder.decode();
    if (tail) yield tail;
  } catch (e) {
    if (e instanceof TypeError) {
      throw new ImportFailure('it is not UTF-8 text (a spreadsheet saved in a Windows encoding?): save it as UTF-8 or convert it (iconv -f WINDOWS-1252 -t UTF-8)');
    }
    throw e;
  }
}

/** Decodes bytes as UTF-8 text. */
async function* utf8Text(bytes: AsyncIterable<Buffer>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of bytes) {
    const text = decoder.decode(chunk, { stream: true });
    if (text) yield text;
  }
  const tail = decoder.decode();
  if (tail) yield tail;
}

/** The name `import -` reads standard input by. */
export const STDIN = '-';

class ImportFailure extends Error {}

/**
 * Records between two early flushes of the library file (see flushAhead); a flush still running is not
 * doubled. What the last one leaves unflushed the commit waits for: every 5,000 records, a 20,000-record
 * import waited 60 ms for its last; every 1,000, 1.61 s against 1.65 s (medians of 4) for the whole import.
 */
const FLUSH_EVERY = 1000;

/** `import --labels`: record the reviewers' exclusions an export carries as this reviewer's dismissals. */
export interface ImportLabels {
  reviewer: string;
}

/** PMIDs a file's label summary names; the count says how many there were in all. */
const CONFLICTS_SHOWN = 10;

/** How `import` spreads the reading of records over threads. */
export interface ImportThreads {
  /** The worker threads to read records on; none (the default) reads them on the main thread. */
  threads?: number;
  /** Start the threads only once a file has this many records (default 0): small files are not worth a thread. */
  after?: number;
  /**
   * Or once this many bytes of it have been read (default: never), whichever comes first: the records read
   * here before the threads start are read one after the other with the writing, so a big file should not
   * wait for its 2,000th record to know it is big.
   */
  afterBytes?: number;
  /**
   * Or from a file's first record when the file on disk is at least this big (default: never): its size
   * shows it is big before a byte is read, and the threads start while the file is opened. Reading the
   * first 4 MiB on the main thread, with its code still cold, cost a 20,000-record import 0.1-0.2 s.
   */
  upFrontBytes?: number;
  /** Told when the threads start: how many records and bytes of the file had been read by then. */
  onStart?: (records: number, bytes: number) => void;
  /** Told as each span of a file (see importFile) is stored: its bytes, and whether it had to be split here. */
  onSpan?: (bytes: number, splitHere: boolean) => void;
}

/** The pool a file's records may go to once it has shown `after` records or `afterBytes` bytes. */
interface PoolUse {
  pool: () => Promise<ImportPool>;
  after: number;
  afterBytes: number;
  upFrontBytes: number;
  onStart?: (records: number, bytes: number) => void;
  onSpan?: (bytes: number, splitHere: boolean) => void;
}

/** Records per message to a thread: big enough that messaging is cheap, small enough to keep memory flat. */
const BATCH_RECORDS = 64;
/** Batches waiting per thread before the reading pauses: keeps the threads busy and memory bounded. */
const QUEUED_PER_THREAD = 4;
/** Batches a thread should hold unanswered (the one it reads, the next) before finished ones are stored. */
const FED_PER_THREAD = 2;
/** A span goes to a thread once this much of the file is waiting: about 64 records of the bench corpus. */
const SPAN_BYTES = 1024 * 1024;
/** The end tag spans are cut after (its last one in reach that the next record's start tag follows). */
const SPAN_END = Buffer.from('</PubmedArticle>', 'latin1');
const SPAN_NEXT = Buffer.from('<PubmedArticle', 'latin1');
/** The most a span may grow to while no record end is in reach (see feedSpans). */
const SPAN_MAX_BYTES = 8 * SPAN_BYTES;
/** Bytes searched again before where the last search for a cut stopped: an end tag and the blanks after it. */
const SEARCH_OVERLAP = 4096;

/**
 * Where a span of the first `filled` bytes may end: just after the last </PubmedArticle> at or after `from`
 * that blanks and the next <PubmedArticle> follow, or -1. An end tag in a comment or CDATA section is rarely followed so; one
 * that is makes a span its thread finds does not end at rest, and the main thread splits it again.
 */
function spanCut(r: Buffer, filled: number, from = 0): number {
  // Searched backwards from the end, down to `from` at most: the bytes before it were searched already.
  const window = r.subarray(from, filled);
  for (let w = window.lastIndexOf(SPAN_END); w !== -1; w = w > 0 ? window.lastIndexOf(SPAN_END, w - 1) : -1) {
    const at = from + w;
    // Not at the very start: a span must hold a record.
    if (at === 0) break;
    let i = at + SPAN_END.length;
    while (i < filled && (r[i] === 32 || r[i] === 10 || r[i] === 13 || r[i] === 9)) i++;
    const next = i + SPAN_NEXT.length;
    if (next < filled && r.compare(SPAN_NEXT, 0, SPAN_NEXT.length, i, next) === 0 && (r[next] === 62 || r[next] === 32 || r[next] === 10 || r[next] === 13 || r[next] === 9)) {
      return at + SPAN_END.length;
    }
  }
  return -1;
}

/** A batch of the file's records a thread is reading, in the file's order. */
interface Slot {
  /** The bytes the batch was sent as: its raw records are views of them, stored before they are used again. */
  bytes: Uint8Array;
  /** A span of the file (see `spans` in importFile), not records cut out here. */
  span: boolean;
  batch: ParsedBatch | null;
  failed: Error | null;
  done: Promise<void>;
}

/**
 * Imports one file in one transaction: either every record in it is stored, or none is.
 * Memory stays bounded by one record because the file is streamed through an incremental parser. With
 * threads, PubMed XML is split on its bytes here and the records are read on the pool's threads (or here,
 * until the file shows it is big enough), then stored in file order, so the library is the same.
 */
export async function importFile(
  db: Db,
  file: string,
  now: () => string,
  onProgress?: (file: string, records: number) => void,
  stdin: AsyncIterable<Buffer> = process.stdin,
  threads: PoolUse | null = null,
  labels: ImportLabels | null = null,
): Promise<FileImport> {
  // What the user sees this source as: '-' reads standard input.
  const label = file === STDIN ? 'stdin' : file;
  const result: FileImport = {
    file: label, format: null, ok: false, error: null, added: 0, updated: 0, unchanged: 0, deleted: 0, skipped: 0, skippedLines: [],
    labels: labels ? { reviewer: labels.reviewer, dismissed: 0, unchanged: 0, included: 0, tagged: 0, taggedPmids: [] } : null,
  };
  let labelled = 0;
  const store = new PaperStore(db);
  const source = `import ${path.basename(label)}`;
  const excludedIn = `excluded in ${path.basename(label)}`;
  let items = 0;
  let seen = 0;
  let bytesSeen = 0;
  const at = now();
  const flushing = flushAhead(db);
  const count = (): void => {
    items++;
    if (onProgress && items % 1000 === 0) onProgress(label, items);
    if (items % FLUSH_EVERY === 0) flushing.kick();
  };
  const deleteAll = (pmids: number[]): void => {
    for (const pmid of pmids) if (store.markDeleted(pmid, at, source)) result.deleted++;
  };
  const applyItem = (item: SourceItem): void => {
    count();
    if (item.kind === 'paper') result[store.upsert(item.paper, at, source)]++;
    else deleteAll(item.pmids);
  };
  const applyExport = (item: ExportItem): void => {
    if (item.kind === 'skipped') {
      result.skipped++;
      if (result.skippedLines.length < SKIPPED_LINES_SHOWN) result.skippedLines.push(item.line);
      return;
    }
    count();
    result[store.upsert(item.paper, at, source)]++;
    if (result.labels && item.label) {
      labelled++;
      applyLabel(db, result.labels, item.paper.pmid, item.label, at, excludedIn);
    }
  };
  const applyParsed = (item: ParsedItem): void => {
    count();
    if (item.kind === 'paper') result[store.upsertRow(item.row, at, source)]++;
    else deleteAll(item.pmids);
  };

  // Records go to the pool once the file has shown it is big enough; until then they are read here. The
  // queue keeps the file's order whoever reads them.
  let pool: ImportPool | null = null;
  const queue: Slot[] = [];
  // Built only once the file is known to be PubMed XML: its first buffer is a megabyte.
  let open: BatchBuilder | null = null;
  const flush = (): void => {
    if (!open || open.count === 0 || !pool) return;
    const batch = open.take();
    const slot: Slot = { bytes: batch.bytes, span: false, batch: null, failed: null, done: Promise.resolve() };
    slot.done = pool.read(batch).then(
      (b) => void (slot.batch = b),
      (e: Error) => void (slot.failed = e),
    );
    queue.push(slot);
  };
  const applySlot = (slot: Slot): void => {
    if (slot.failed) throw slot.failed;
    const batch = slot.batch as ParsedBatch;
    try {
      const split = splitter as IncrementalSplitter;
      // A span's reading holds if the splitter here rests in the root element where the span starts: every
      // span before it is stored, and this one begins where the last ended.
      if (slot.span && (batch.records === -1 || split.restingIn !== root)) {
        // Split here, by the file's own splitter: a span its thread could not read (then one error or
        // another is the single-threaded import's, with the same message and record number), or one that
        // begins where the last did not end at rest.
        threads?.onSpan?.(slot.bytes.length, true);
        for (const record of split.push(slot.bytes)) applyParsed(readRecord(record));
      } else {
        for (const item of batch.items) applyParsed(item);
        if (slot.span) {
          threads?.onSpan?.(slot.bytes.length, false);
          split.skip(batch.records as number);
        }
      }
    } finally {
      // Stored (or failed): SQLite has copied the raw records out of the batch's buffer.
      pool?.release(slot.bytes);
    }
    if (batch.error !== null) throw new ParseError(batch.error);
  };
  const settled = (slot: Slot): boolean => slot.batch !== null || slot.failed !== null;
  // Stores what the threads have finished, in order; waits while too much is queued (or, at the end, for all).
  const drain = async (all: boolean): Promise<void> => {
    if (all) flush();
    const limit = all ? 0 : (pool?.size ?? 0) * QUEUED_PER_THREAD;
    for (;;) {
      const first = queue[0];
      if (!first) return;
      if (!settled(first)) {
        if (queue.length <= limit) return;
        await first.done;
      } else if (!all && queue.length <= limit && pool !== null && pool.pending < pool.size * FED_PER_THREAD) {
        // The threads are running short: more for them first, what they finished after. Storing every
        // finished batch at once had them wait, idle, a sixth of the time.
        return;
      }
      queue.shift();
      applySlot(first);
    }
  };
  // Records cut out by the byte splitter: read here until the file has shown `after` of them (or `afterBytes`
  // bytes), then on the pool.
  // Set once the file is known to be PubMed XML and big on disk (upFrontBytes): its threads start at once.
  let early: Promise<ImportPool> | null = null;
  const take = async (records: SplitRecord[]): Promise<void> => {
    for (const record of records) {
      if (threads && !pool && (++seen > threads.after || bytesSeen >= threads.afterBytes || early !== null)) {
        pool = await (early ?? threads.pool());
        threads.onStart?.(seen - 1, bytesSeen);
      }
      if (!pool) {
        applyParsed(readRecord(record));
      } else {
        open ??= new BatchBuilder(pool);
        open.add(record.bytes, record.ordinal);
        if (open.count >= BATCH_RECORDS) flush();
      }
    }
    await drain(false);
  };

  // The threaded path's splitter; `spans` says how the file goes to the threads:
  //   start  until the splitter rests between records of a PubmedArticleSet, after a record end tag (the
  //          file is big enough that the threads start at once);
  //   on     then in spans of about a megabyte, cut just after the last </PubmedArticle> in reach that the
  //          next record's start follows (spanCut), which the threads split themselves from that resting
  //          state (readSpan): the main thread (the import's bottleneck) neither searches every byte for
  //          record ends nor copies records one by one. The splitter here only counts each span's records
  //          as it is stored (skip()), or splits it itself when the span did not read or the one before did
  //          not end at rest (a cut inside a comment, say): see applySlot;
  //   off    records are cut out here, as they always are without spans, to the end of the file.
  let splitter: IncrementalSplitter | null = null;
  let spans: 'start' | 'on' | 'off' = 'off';
  let root = '';
  // The bytes read and not yet split or sent, at the start of `region`.
  let region: Buffer | null = null;
  let filled = 0;
  /** `region`, with room for `n` more bytes after the `filled` ones. */
  const roomFor = (n: number): Buffer => {
    region ??= pool?.region() ?? null;
    if (!region || filled + n > region.length) {
      // The first, or a record too big for the rest of a shared buffer: one of its own.
      const grown = Buffer.allocUnsafeSlow(Math.max(SPAN_BYTES * 2, 2 * (filled + n)));
      region?.copy(grown, 0, 0, filled);
      if (region) pool?.release(region);
      region = grown;
    }
    return region;
  };
  const append = (chunk: Buffer): void => {
    chunk.copy(roomFor(chunk.length), filled);
    filled += chunk.length;
  };
  const sendSpan = (cut: number): void => {
    const full = region as Buffer;
    const span = full.subarray(0, cut);
    const end = filled;
    // What follows the cut (most often part of a record) starts the next buffer.
    region = null;
    filled = 0;
    full.copy(roomFor(end - cut), 0, cut, end);
    filled = end - cut;
    const slot: Slot = { bytes: span, span: true, batch: null, failed: null, done: Promise.resolve() };
    // Work either side can do goes to the one with time to spare: while the threads hold enough to do
    // (they are the busier), the record ends are found and the records hashed here; else there.
    const busy = (pool as ImportPool).pending >= (pool as ImportPool).size * FED_PER_THREAD;
    slot.done = (pool as ImportPool).readSpan(span, root, busy ? findEndTags(span) : null, !busy).then(
      (b) => void (slot.batch = b),
      (e: Error) => void (slot.failed = e),
    );
    queue.push(slot);
  };
  // Back to cutting records here: once every span is stored, the splitter takes what was not sent.
  const spansOff = async (): Promise<void> => {
    await drain(true);
    spans = 'off';
    const rest = region;
    const n = filled;
    region = null;
    filled = 0;
    cutSearched = 0;
    if (rest) {
      await take((splitter as IncrementalSplitter).push(rest.subarray(0, n)));
      // What the splitter keeps it copies: the buffer is free.
      pool?.release(rest);
    }
  };
  // Bytes the splitter was fed since spans last (re)started, looking for a record end it rests at.
  let startFed = 0;
  // How much of `region` was searched for a cut without finding one.
  let cutSearched = 0;
  /** While spans === 'start': feeds the splitter up to each record end tag in turn until it rests after one. */
  const startSpans = async (): Promise<void> => {
    const s = splitter as IncrementalSplitter;
    const r = region as Buffer;
    for (;;) {
      const at = r.subarray(0, filled).indexOf(SPAN_END, Math.max(0, cutSearched - SPAN_END.length));
      if (at === -1) {
        cutSearched = filled;
        if (startFed + filled >= 4 * SPAN_BYTES) await spansOff();
        return;
      }
      cutSearched = 0;
      const cut = at + SPAN_END.length;
      await take(s.push(r.subarray(0, cut)));
      r.copyWithin(0, cut, filled);
      filled -= cut;
      startFed += cut;
      const resting = s.restingIn;
      if (resting === 'PubmedArticleSet' && pool) break;
      // A set of other records, or no rest in reach (end tags in comments, say): records are cut here.
      if (resting !== null || startFed >= 4 * SPAN_BYTES) {
        await spansOff();
        return;
      }
    }
    root = 'PubmedArticleSet';
    // The records cut here so far go before the spans, and the builder's buffer back to the pool.
    flush();
    open?.discard();
    open = null;
    spans = 'on';
  };
  const feedSpans = async (chunk: Buffer): Promise<void> => {
    append(chunk);
    await spanStep();
  };
  /** With spans, once new bytes are in `region`: sends a span if one is ready. */
  const spanStep = async (): Promise<void> => {
    if (spans === 'start') await startSpans();
    if (spans !== 'on' || filled < SPAN_BYTES) return;
    // Only what came since the last search (and a little before, for a tag or blanks cut off by its end):
    // searching the whole buffer again for each piece of a record of many megabytes took seconds.
    const cut = spanCut(region as Buffer, filled, Math.max(0, cutSearched - SEARCH_OVERLAP));
    // No record end in reach: a record over a megabyte goes on growing the buffer until it ends, up to
    // SPAN_MAX_BYTES: past that (a record of many megabytes, or none that ends) the splitter here takes the
    // file, with its limit on a record's size, and memory stays bounded.
    if (cut === -1) {
      cutSearched = filled;
      if (filled >= SPAN_MAX_BYTES) await spansOff();
      return;
    }
    cutSearched = 0;
    sendSpan(cut);
    await drain(false);
  };

  /**
   * The rest of a plain file, with spans: each read goes straight into `region` after the bytes waiting
   * there, up to a megabyte (what a span is cut from), and only what follows a span's cut is copied, to the
   * next buffer. Against reading into one buffer and copying each 64 KiB piece into the span's, a
   * 20,000-record import went from 1.58 to 1.53 s (medians of 6; CPU 2.72 -> 2.59 s). Once spans are off
   * (spansOff), the bytes go through the splitter here as they do from any other file.
   */
  const readSpans = async (from: OpenFile): Promise<void> => {
    const split = splitter as IncrementalSplitter;
    let scratch: Buffer | null = null;
    for (;;) {
      if (spans === 'off') {
        scratch ??= Buffer.allocUnsafeSlow(READ_BYTES);
        const got = await from.read(scratch, 0, READ_BYTES);
        if (got === 0) return;
        bytesSeen += got;
        for (let i = 0; i < got; i += PIECE_BYTES) await take(split.push(scratch.subarray(i, Math.min(got, i + PIECE_BYTES))));
        continue;
      }
      // A read of the room a shared buffer has left, or, when less than a piece is left, into a bigger one.
      const r = roomFor(PIECE_BYTES);
      const got = await from.read(r, filled, Math.min(READ_BYTES, r.length - filled));
      if (got === 0) return;
      bytesSeen += got;
      filled += got;
      await spanStep();
    }
  };
  let bytes: AsyncIterator<Buffer> | null = null;
  let opened: OpenFile | null = null;
  const gz = { gzip: false };
  try {
    try {
      opened = file === STDIN ? null : await OpenFile.open(file);
      bytes = inflate(opened?.pieces() ?? stdin, gz)[Symbol.asyncIterator]();
      // Enough of the start to tell XML from MEDLINE text, and the whole XML declaration if there is one.
      let head = Buffer.alloc(0);
      const start = (): string => new TextDecoder('utf-8').decode(head).replace(/^[\uFEFF \t\r\n]+/, '');
      // CSV is judged on its first line (its first 4 KiB at most).
      const more = (): boolean =>
        start().length < 8 ||
        (start().startsWith('<?xml') && !start().includes('?>')) ||
        (!start().startsWith('<') && !start().includes('\n'));
      while (more() && head.length < 4096) {
        const n = await bytes.next();
        if (n.done) break;
        head = Buffer.concat([head, n.value]);
      }
      if (!start()) throw new ImportFailure('the file is empty');
      if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
        throw new ImportFailure('it is UTF-16 text, which claimwatch does not read: save it as UTF-8 (CSV UTF-8 in a spreadsheet) or convert it (iconv -f UTF-16 -t UTF-8)');
      }
      if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) {
        throw new ImportFailure('it is a ZIP archive (an Excel .xlsx workbook?): save the sheet as CSV UTF-8, or unzip it, and import that');
      }
      result.format = detectFormat(start());
      if (!result.format) {
        throw new ImportFailure('not PubMed XML or MEDLINE text, nor RIS, nor CSV (it starts with neither "<", "PMID-" nor "TY  - ", and its first line is no CSV header)');
      }
      const encoding = result.format === 'pubmed-xml' ? declaredEncoding(start()) : null;
      if (encoding !== null && !UTF8_NAMES.has(encoding) && !LATIN1_NAMES.has(encoding)) {
        throw new ImportFailure(`it declares encoding "${encoding}", which claimwatch does not read: convert it to UTF-8 first (iconv -f ${encoding} -t UTF-8)`);
      }
      // The write lock only once the first bytes are here: a FIFO or a pipe with no writer yet must not
      // keep every other command waiting.
      if (labels && result.format !== 'csv' && result.format !== 'ris') {
        throw new ImportFailure(`--labels reads the decisions in CSV and RIS exports, and this is ${result.format === 'pubmed-xml' ? 'PubMed XML' : 'MEDLINE text'}: import it without --labels`);
      }
      db.exec('BEGIN IMMEDIATE');
      const transcoded = encoding !== null && LATIN1_NAMES.has(encoding) ? latin1ToUtf8(prepend(head, bytes)) : null;
      const chunks = transcoded ?? prepend(head, bytes);
      if (result.format === 'pubmed-xml' && threads) {
        if (file !== STDIN && sizeOnDisk(file) >= threads.upFrontBytes) early = threads.pool();
        const split = createXmlByteSplitter();
        splitter = split;
        if (early) spans = 'start';
        // The records a push returns may be views of the chunk: take() copies them before the next read.
        if (spans === 'start' && opened?.regular && !gz.gzip && transcoded === null && opened.position === head.length) {
          // A plain file's bytes are read straight into the shared buffers spans go in, not read into one
          // buffer and copied piece by piece into another (see readSpans).
          await bytes.return?.(undefined);
          bytesSeen += head.length;
          await feedSpans(head);
          await readSpans(opened);
        } else {
          for await (const chunk of chunks) {
            bytesSeen += chunk.length;
            if (spans === 'off') await take(split.push(chunk));
            else await feedSpans(chunk);
          }
        }
        if (spans !== 'off') await spansOff();
        await take(split.end());
      } else if (result.format === 'csv' || result.format === 'ris') {
        const parser: ExportParser = result.format === 'csv' ? createCsvExportParser() : createRisParser();
        for await (const chunk of strictUtf8Text(chunks)) for (const item of parser.push(chunk)) applyExport(item);
        for (const item of parser.end()) applyExport(item);
      } else {
        const parser: IncrementalParser = result.format === 'pubmed-xml' ? createXmlParser() : createMedlineParser();
        for await (const chunk of utf8Text(chunks)) for (const item of parser.push(chunk)) applyItem(item);
        for (const item of parser.end()) applyItem(item);
      }
    } catch (e) {
      // A record before the failure point may have failed on a thread; the first failure in the file wins.
      // Only while the file's transaction stands: after SQLite has rolled it back on its own (a full disk),
      // storing the batches still queued would write them in autocommit mode, outside any transaction.
      if (db.inTransaction) await drain(true);
      if (e instanceof ImportFailure) throw e;
      const code = (e as { code?: string }).code;
      if (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR') throw new ImportFailure('the gzip data is truncated or corrupt');
      if (code) throw new ImportFailure(describeFsError(e));
      throw e;
    }
    await drain(true);
    if (items === 0 && result.skipped > 0) {
      throw new ImportFailure(`none of its ${result.skipped} record${result.skipped === 1 ? ' has' : 's have'} a PMID (${skippedText(result)}): export them with their PubMed IDs`);
    }
    if (items === 0) throw new ImportFailure(result.format === 'csv' || result.format === 'ris' ? 'no records in it' : 'no PubMed records in it');
    if (labels && labelled === 0) {
      throw new ImportFailure("--labels found no reviewer's decision in it (a column included or label_included, or Rayyan's RAYYAN-INCLUSION notes): import it without --labels");
    }
    db.prepare(
      `INSERT INTO imports (file, format, at, added, updated, unchanged, deleted, skipped)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(file === STDIN ? label : path.resolve(file), result.format, at, result.added, result.updated, result.unchanged, result.deleted, result.skipped);
    await flushing.settle();
    db.exec('COMMIT');
    result.ok = true;
  } catch (e) {
    // SQLite may already have rolled back on its own (a full disk, say); don't mask the real error.
    if (db.inTransaction) db.exec('ROLLBACK');
    result.added = result.updated = result.unchanged = result.deleted = result.skipped = 0;
    result.skippedLines = [];
    if (result.labels) result.labels = { ...result.labels, dismissed: 0, unchanged: 0, included: 0, tagged: 0, taggedPmids: [] };
    result.error = (e as { code?: string }).code === 'SQLITE_FULL' ? 'the disk is full: free some space, then import the file again' : (e as Error).message;
    // Let the threads finish what they hold so nothing is left half-answered for the next file.
    await Promise.all(queue.map((slot) => slot.done));
    for (const slot of queue) (pool as ImportPool | null)?.release(slot.bytes);
    await flushing.settle();
  }
  (open as BatchBuilder | null)?.discard();
  if (region !== null) (pool as ImportPool | null)?.release(region as Buffer);
  // A file that failed part-way is closed now, not left open until the process exits.
  await (bytes as AsyncIterator<Buffer> | null)?.return?.(undefined).catch(() => undefined);
  await (opened as OpenFile | null)?.close();
  return result;
}

/**
 * Records one decision of an export: an exclusion becomes the reviewer's dismissal (with its history event)
 * unless the reviewer has tagged the paper or dismissed it already; an inclusion is only counted, since
 * including a paper says nothing of which claim it bears on.
 */
function applyLabel(db: Db, s: NonNullable<FileImport['labels']>, pmid: number, decision: 'included' | 'excluded', at: string, reason: string): void {
  if (decision === 'included') {
    s.included++;
    return;
  }
  if (tagsForPaper(db, pmid).some((t) => t.reviewer === s.reviewer)) {
    s.tagged++;
    if (s.taggedPmids.length < CONFLICTS_SHOWN) s.taggedPmids.push(pmid);
    return;
  }
  if (dismissalsForPaper(db, pmid).some((d) => d.reviewer === s.reviewer)) {
    s.unchanged++;
    return;
  }
  putDismissal(db, { pmid, reviewer: s.reviewer, reason, at });
  appendHistory(db, { at, actor: s.reviewer, action: 'dismiss', pmid, claimId: null, oldValue: null, newValue: 'dismissed', note: reason });
  s.dismissed++;
}

/** The size of a regular file, or -1 (a FIFO, a missing file: the import itself reports what is wrong). */
function sizeOnDisk(file: string): number {
  try {
    const st = fs.statSync(file);
    return st.isFile() ? st.size : -1;
  } catch {
    return -1;
  }
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
  options: ImportThreads & { labels?: ImportLabels | null } = {},
): Promise<ImportSummary> {
  requireWritable(db);
  const summary: ImportSummary = { added: 0, updated: 0, unchanged: 0, deleted: 0, skipped: 0, failed: 0, files: [] };
  // One pool for all the files, started by the first file that is big enough, closed at the end.
  let started: ImportPool | null = null;
  const n = options.threads ?? 0;
  const threads: PoolUse | null =
    n < 1
      ? null
      : {
          after: options.after ?? 0,
          afterBytes: options.afterBytes ?? Number.POSITIVE_INFINITY,
          upFrontBytes: options.upFrontBytes ?? Number.POSITIVE_INFINITY,
          onStart: options.onStart,
          onSpan: options.onSpan,
          pool: async () => {
            if (!started) {
              const { ImportPool } = await import('./import-pool.js');
              started = new ImportPool(n);
            }
            return started;
          },
        };
  try {
    for (const file of files) {
      const r = await withRollbackJournal(db, () => importFile(db, file, now, onProgress, process.stdin, threads, options.labels ?? null));
      summary.files.push(r);
      summary.added += r.added;
      summary.updated += r.updated;
      summary.unchanged += r.unchanged;
      summary.deleted += r.deleted;
      summary.skipped += r.skipped;
      if (!r.ok) summary.failed++;
    }
  } finally {
    await (started as ImportPool | null)?.close();
  }
  return summary;
}

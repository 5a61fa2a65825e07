// Worker threads that read PubMed records for `import`, so parsing runs on the other cores while the
// main thread reads the file and writes SQLite. I/O edge: it owns the threads; the parsing itself is
// src/pubmed/xml.ts, the same code the single-threaded path runs.
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ParsedItem } from './read-record.js';

/** What a worker is sent: a batch of records as one buffer of their bytes, each ending at `ends[i]`. */
export interface RecordBatch {
  kind: 'records';
  id: number;
  bytes: Uint8Array;
  ends: Uint32Array;
  /** Each record's 1-based position in its file, for error messages. */
  ordinals: Uint32Array;
}

/** Or a span of the file to split itself, from where a splitter rested inside `root` (see readSpan). */
export interface SpanBatch {
  kind: 'span';
  id: number;
  bytes: Uint8Array;
  root: string;
  /** Where `</PubmedArticle` occurs in the bytes, found by the sender (findEndTags), or null. */
  hits: Uint32Array | null;
  /** Whether the thread hashes the records (else the main thread does). */
  hashed: boolean;
}

/** A worker's answer for one batch: one item per record, in order, up to the first record that failed. */
export interface ParsedBatch {
  id: number;
  items: ParsedItem[];
  error: string | null;
  /** For a span: the records split from it, or -1 when the main thread must read it again (see readSpan). */
  records?: number;
}

/** The most worker threads import uses; past this the main thread's SQLite writes are the limit. */
const MAX_THREADS = 4;
/** The size of each shared buffer batches are built in: 64 records of the bench corpus take about 1 MB. */
const REGION_BYTES = 2 * 1024 * 1024;
/** Shared buffers per thread: enough for every batch the import keeps queued, and the one being built. */
const REGIONS_PER_THREAD = 6;

/**
 * Worker threads by default: one per core beside the main thread's, which writes SQLite (about half of
 * the work). On 2 cores one thread imported 100,000 records in 11.1 s and two in 12.0-12.6 s (they only
 * took turns with the main thread); on a single core, none.
 */
export function defaultThreads(cores: number = os.availableParallelism()): number {
  return Math.max(0, Math.min(cores - 1, MAX_THREADS));
}

export class ImportPool {
  private readonly workers: Worker[] = [];
  private readonly inFlight: number[] = [];
  private readonly waiting = new Map<number, { worker: number; resolve: (b: ParsedBatch) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private broken: Error | null = null;
  /** Shared buffers free to build a batch in, and how many were made. */
  private readonly free: SharedArrayBuffer[] = [];
  private regions = 0;

  constructor(threads: number) {
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(new URL('./import-worker.js', import.meta.url));
      worker.on('message', (batch: ParsedBatch) => {
        const w = this.waiting.get(batch.id);
        if (!w) return;
        this.waiting.delete(batch.id);
        this.inFlight[w.worker] = (this.inFlight[w.worker] ?? 1) - 1;
        w.resolve(batch);
      });
      worker.on('error', (e) => this.fail(new Error(`an import thread failed: ${e.message} (--threads 0 reads records on the main thread)`)));
      worker.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`an import thread stopped (exit code ${code}; --threads 0 reads records on the main thread)`));
      });
      this.workers.push(worker);
      this.inFlight.push(0);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** Batches sent and not answered yet. */
  get pending(): number {
    return this.waiting.size;
  }

  /**
   * A shared buffer to build a batch in, or null when all of them are in use (the batch then gets its own).
   * The threads read batches in place, and the raw records they send back are views of the same memory, so
   * nothing is copied or handed over, and a buffer serves batch after batch: a new megabyte per batch, sent
   * and received, had set off a garbage collection every few batches on the main thread ("external memory
   * pressure"). A buffer is used again only after release(), once its batch is stored.
   */
  region(): Buffer | null {
    let sab = this.free.pop();
    if (!sab && this.regions < this.workers.length * REGIONS_PER_THREAD) {
      this.regions++;
      sab = new SharedArrayBuffer(REGION_BYTES);
    }
    return sab ? Buffer.from(sab) : null;
  }

  /** Gives a batch's buffer back for another batch, if it was one of the shared ones. */
  release(bytes: Uint8Array): void {
    const sab = bytes.buffer;
    // Never twice: two batches built in one buffer would overwrite each other.
    if (sab instanceof SharedArrayBuffer && sab.byteLength === REGION_BYTES && !this.free.includes(sab)) this.free.push(sab);
  }

  /** Sends a batch (see BatchBuilder) to the least busy thread; resolves with its items in the batch's order. */
  read(batch: Omit<RecordBatch, 'id' | 'kind'>): Promise<ParsedBatch> {
    return this.send({ kind: 'records', id: 0, ...batch });
  }

  /** Sends a span of the file to be split and read (see readSpan). */
  readSpan(bytes: Uint8Array, root: string, hits: Uint32Array | null, hashed: boolean): Promise<ParsedBatch> {
    return this.send({ kind: 'span', id: 0, bytes, root, hits, hashed });
  }

  private send(batch: RecordBatch | SpanBatch): Promise<ParsedBatch> {
    if (this.broken) return Promise.reject(this.broken);
    let pick = 0;
    for (let i = 1; i < this.workers.length; i++) if ((this.inFlight[i] ?? 0) < (this.inFlight[pick] ?? 0)) pick = i;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { worker: pick, resolve, reject });
      this.inFlight[pick] = (this.inFlight[pick] ?? 0) + 1;
      // A shared buffer is shared as it is; a batch's own buffer is handed over, not copied. A span in a
      // buffer of its own (a record too big for a shared one) goes as a copy of just its bytes, handed over:
      // the main thread keeps the span, which it may have to split itself (see readSpan), and a copy of the
      // whole buffer would have doubled it.
      const shared = batch.bytes.buffer instanceof SharedArrayBuffer;
      const bytes = shared || batch.kind === 'records' ? batch.bytes : new Uint8Array(batch.bytes);
      const message = { ...batch, bytes, id };
      this.workers[pick]?.postMessage(message, shared ? [] : [bytes.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    this.broken ??= new Error('the import threads were closed');
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private fail(e: Error): void {
    this.broken ??= e;
    for (const w of this.waiting.values()) w.reject(e);
    this.waiting.clear();
  }
}

/** Room for a batch's bytes when no shared buffer is free. */
const FIRST_BATCH_BYTES = 1024 * 1024;

/** Where a batch's buffer comes from: the pool's shared buffers (see ImportPool.region). */
export interface BatchBuffers {
  region(): Buffer | null;
  release(bytes: Uint8Array): void;
}

/**
 * A batch of records for a thread, built as one buffer of their bytes, each copied in as it is cut out (the
 * splitter's records may be views of the file's read buffer). One string per record had cost the main
 * thread a structured copy of each, and the worker a latin1 write.
 */
export class BatchBuilder {
  private bytes: Buffer;
  private used = 0;
  private ends: number[] = [];
  private ordinals: number[] = [];

  constructor(private readonly buffers: BatchBuffers) {
    this.bytes = this.fresh(FIRST_BATCH_BYTES);
  }

  /** Records in the batch so far. */
  get count(): number {
    return this.ends.length;
  }

  add(record: Uint8Array, ordinal: number): void {
    if (this.used + record.length > this.bytes.length) {
      // Too big for its buffer: the batch moves to one of its own (unpooled, so it can be handed over).
      const grown = Buffer.allocUnsafeSlow(Math.max(2 * this.bytes.length, this.used + record.length));
      this.bytes.copy(grown, 0, 0, this.used);
      this.buffers.release(this.bytes);
      this.bytes = grown;
    }
    this.bytes.set(record, this.used);
    this.used += record.length;
    this.ends.push(this.used);
    this.ordinals.push(ordinal);
  }

  /** The batch so far, and an empty one started. */
  take(): Omit<RecordBatch, 'id' | 'kind'> {
    const batch = { bytes: this.bytes.subarray(0, this.used), ends: Uint32Array.from(this.ends), ordinals: Uint32Array.from(this.ordinals) };
    this.bytes = this.fresh(Math.ceil(this.used * 1.25));
    this.used = 0;
    this.ends = [];
    this.ordinals = [];
    return batch;
  }

  /** Gives the buffer back: the builder is not used again. */
  discard(): void {
    this.buffers.release(this.bytes);
    this.bytes = Buffer.alloc(0);
  }

  private fresh(size: number): Buffer {
    return this.buffers.region() ?? Buffer.allocUnsafeSlow(Math.max(FIRST_BATCH_BYTES, size));
  }
}

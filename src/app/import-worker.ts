// A worker thread of the import pool: reads the records the main thread cut out of the file, sent as one
// buffer of their bytes per batch (most often shared memory), and sends back their column values. The raw
// records go back as views into that same buffer, shared or handed over without a copy. Pure apart from the
// message port.
import { parentPort } from 'node:worker_threads';
import { readRecordAt, readSpan, type ParsedItem } from './read-record.js';
import type { ParsedBatch, RecordBatch, SpanBatch } from './import-pool.js';

function readBatch(m: RecordBatch): ParsedBatch {
  const items: ParsedItem[] = [];
  let start = 0;
  for (let i = 0; i < m.ends.length; i++) {
    const end = m.ends[i] as number;
    try {
      items.push(readRecordAt(m.bytes.subarray(start, end), (m.ordinals[i] as number)));
    } catch (e) {
      // Later records of the file no longer matter: the whole file is rolled back.
      return { id: m.id, items, error: (e as Error).message };
    }
    start = end;
  }
  return { id: m.id, items, error: null };
}

function readSpanBatch(m: SpanBatch): ParsedBatch {
  const read = readSpan(m.bytes, m.root, m.hits, m.hashed);
  return read ? { id: m.id, items: read.items, error: null, records: read.records } : { id: m.id, items: [], error: null, records: -1 };
}

parentPort?.on('message', (m: RecordBatch | SpanBatch) => {
  const batch = m.kind === 'span' ? readSpanBatch(m) : readBatch(m);
  const transfer = new Set<ArrayBuffer>();
  for (const item of batch.items) {
    const raw = item.kind === 'paper' ? item.row.raw : '';
    // A shared buffer's views are shared as they are.
    if (typeof raw === 'string' || raw.buffer instanceof SharedArrayBuffer) continue;
    // The batch's own buffer, or a re-encoded record's (each its own ArrayBuffer); anything else is copied.
    if (raw.buffer === m.bytes.buffer || (raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength)) transfer.add(raw.buffer as ArrayBuffer);
  }
  parentPort?.postMessage(batch, [...transfer]);
});

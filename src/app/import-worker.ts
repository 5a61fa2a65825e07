// A worker thread of the import pool: reads the records the main thread cut out of the file and sends
// back their column values, the raw text as UTF-8 bytes handed over without a copy. Pure apart from the
// message port.
import { parentPort } from 'node:worker_threads';
import type { SplitRecord } from '../pubmed/xml.js';
import { readRecord, type ParsedItem } from './read-record.js';
import type { ParsedBatch } from './import-pool.js';

function readBatch(id: number, records: SplitRecord[]): ParsedBatch {
  const items: ParsedItem[] = [];
  for (const record of records) {
    try {
      items.push(readRecord(record));
    } catch (e) {
      // Later records of the file no longer matter: the whole file is rolled back.
      return { id, items, error: (e as Error).message };
    }
  }
  return { id, items, error: null };
}

parentPort?.on('message', (m: { id: number; records: SplitRecord[] }) => {
  const batch = readBatch(m.id, m.records);
  const transfer: ArrayBuffer[] = [];
  for (const item of batch.items) {
    const raw = item.kind === 'paper' ? item.row.raw : '';
    // Only a buffer that is the whole of its ArrayBuffer can be handed over; anything else is copied.
    if (typeof raw !== 'string' && raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength) transfer.push(raw.buffer as ArrayBuffer);
  }
  parentPort?.postMessage(batch, transfer);
});

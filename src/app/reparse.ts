// `claimwatch reparse`: reads every stored raw record again with today's parsers and stores what now reads
// differently, so a parser fix reaches an existing library without the network.
import type { Db } from '../store/db.js';
import { paperParams, storedRecords, updateParsedColumns, type StoredRecord } from '../store/papers.js';
import { parseRecordXml } from '../pubmed/xml.js';
import { parseMedlineRecord } from '../pubmed/medline.js';
import { parseCsvExport } from '../formats/csv-export.js';
import { parseRis } from '../formats/ris.js';
import type { Paper } from '../evidence/paper.js';
import { changedColumns, PARSED_COLUMNS, type ParsedColumns, type ReparseSummary } from '../evidence/reparse.js';
import { ParseError } from '../errors.js';
import { requireWritable } from './store.js';

/** Papers read and written per transaction: small enough that a tag from another process waits little. */
const BATCH = 500;
/** Records that no longer parse named in the summary; the count says how many there were. */
const FAILURES_SHOWN = 20;

/** Today's reading of one stored record; throws ParseError when it no longer yields the paper. */
export function rereadRecord(record: Pick<StoredRecord, 'pmid' | 'raw' | 'rawFormat'>): Paper {
  let paper: Paper | undefined;
  switch (record.rawFormat) {
    case 'pubmed-xml':
      paper = parseRecordXml(record.raw);
      break;
    case 'medline':
      paper = parseMedlineRecord(record.raw);
      break;
    case 'csv':
    case 'ris': {
      const items = record.rawFormat === 'csv' ? parseCsvExport(record.raw) : parseRis(record.raw);
      const papers = items.flatMap((i) => (i.kind === 'paper' ? [i.paper] : []));
      if (papers.length !== 1) throw new ParseError(`the stored ${record.rawFormat.toUpperCase()} record yields ${papers.length} papers with a PMID, not one`);
      paper = papers[0];
      break;
    }
  }
  if (!paper) throw new ParseError(`unknown record format ${String(record.rawFormat)}`);
  if (paper.pmid !== record.pmid) throw new ParseError(`the stored record now reads as PMID ${paper.pmid}`);
  return paper;
}

/** The parsed columns of a fresh read, as the papers table stores them. */
function columnsOf(paper: Paper): ParsedColumns {
  const params = paperParams(paper, '');
  return Object.fromEntries(PARSED_COLUMNS.map((c) => [c, params[c]])) as ParsedColumns;
}

/**
 * Reads every stored record again, in batches of 500 papers each in its own transaction, and (unless
 * dryRun) writes the columns that read differently. Tags, dismissals, history and the records themselves
 * are untouched; a record that no longer parses is counted and named, and its paper left as it is.
 */
export function reparseLibrary(
  db: Db,
  opts: { dryRun?: boolean; now?: () => string; onProgress?: (papers: number) => void; batch?: number } = {},
): ReparseSummary {
  const dryRun = opts.dryRun ?? false;
  if (!dryRun) requireWritable(db);
  const now = (opts.now ?? (() => new Date().toISOString()))();
  const batch = opts.batch ?? BATCH;
  const s: ReparseSummary = { dryRun, papers: 0, changed: 0, unchanged: 0, fields: {}, failed: 0, failures: [] };
  let after = 0;
  // Read and write in one immediate transaction per batch, so an import in between cannot be overwritten
  // by a reading of the record it replaced.
  const step = (): number => {
    const records = storedRecords(db, after, batch);
    for (const record of records) {
      s.papers++;
      let fresh: ParsedColumns;
      try {
        fresh = columnsOf(rereadRecord(record));
      } catch (e) {
        s.failed++;
        if (s.failures.length < FAILURES_SHOWN) s.failures.push({ pmid: record.pmid, rawFormat: record.rawFormat, error: (e as Error).message });
        continue;
      }
      const changed = changedColumns(record.columns, fresh);
      if (!changed.length) {
        s.unchanged++;
        continue;
      }
      s.changed++;
      for (const c of changed) s.fields[c] = (s.fields[c] ?? 0) + 1;
      if (!dryRun) updateParsedColumns(db, record.pmid, Object.fromEntries(changed.map((c) => [c, fresh[c]])), now);
    }
    if (records.length) after = records[records.length - 1]!.pmid;
    return records.length;
  };
  for (;;) {
    const n = dryRun ? db.transaction(step).deferred() : db.transaction(step).immediate();
    opts.onProgress?.(s.papers);
    if (n < batch) break;
  }
  return s;
}

import { ParseError } from '../errors.js';

/** One CSV record: its fields, the line it starts on (1 is the first line of the file) and its exact text. */
export interface CsvRecord {
  fields: string[];
  line: number;
  /** The record as it appeared in the file, line ending included. */
  raw: string;
}

/** The delimiters a header line may use, in the order that wins a tie. */
export const CSV_DELIMITERS = [',', ';', '\t'] as const;
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];

/** The longest record the reader holds before it gives up: far beyond any export, small enough to keep memory bounded. */
export const MAX_CSV_RECORD_CHARS = 64 * 1024 * 1024;

/** The delimiter a header line uses: the one of `,` `;` tab it has most of outside quotes (`,` when it has none). */
export function detectDelimiter(headerLine: string): CsvDelimiter {
  const counts = new Map<string, number>(CSV_DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const c of headerLine) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && counts.has(c)) counts.set(c, counts.get(c)! + 1);
  }
  let best: CsvDelimiter = ',';
  for (const d of CSV_DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d;
  return best;
}

/** A CSV reader fed text piece by piece; memory stays bounded by one record. */
export interface CsvReader {
  push(chunk: string): CsvRecord[];
  /** The last records; throws ParseError when the text stopped inside a quoted field. */
  end(): CsvRecord[];
  /** The delimiter read off the first line, once it has been seen. */
  readonly delimiter: CsvDelimiter | null;
}

/**
 * Reads RFC 4180 CSV: fields in double quotes may hold the delimiter, line breaks and doubled quotes; lines
 * end in LF or CRLF; a UTF-8 byte order mark is dropped; the delimiter (`,`, `;` or tab) is read off the
 * first line, or taken from Excel's "sep=;" line before it. Blank lines are skipped. Text after a closing quote is an error naming its line.
 */
export function createCsvReader(): CsvReader {
  let buf = '';
  let first = true;
  let delimiter: CsvDelimiter | null = null;
  // Scan state, as offsets into buf: where the current record and field start, and how far the scan got.
  let recStart = 0;
  let fieldStart = 0;
  let pos = 0;
  let fields: string[] = [];
  // Inside a quoted field / just after its closing quote (only the delimiter or a line end may follow).
  let inQuotes = false;
  let closedAt = -1;
  // The line the current record starts on, and the line the scan is on.
  let recLine = 1;
  let line = 1;

  const fieldText = (end: number): string => {
    if (closedAt < 0) return buf.slice(fieldStart, end);
    return buf.slice(fieldStart + 1, closedAt).replaceAll('""', '"');
  };
  const endField = (end: number): void => {
    fields.push(fieldText(end));
    closedAt = -1;
  };
  const endRecord = (out: CsvRecord[], rawEnd: number): void => {
    const raw = buf.slice(recStart, rawEnd);
    // A blank line is no record.
    if (!(fields.length === 1 && fields[0] === '' && closedAt < 0 && /^\r?\n?$/.test(raw))) out.push({ fields, line: recLine, raw });
    fields = [];
    recStart = fieldStart = rawEnd;
    recLine = line;
  };

  const scan = (final: boolean): CsvRecord[] => {
    const out: CsvRecord[] = [];
    if (delimiter === null) {
      const nl = buf.indexOf('\n');
      if (nl < 0 && !final) return out;
      const firstLine = nl < 0 ? buf : buf.slice(0, nl);
      // Excel's "sep=;" line names the delimiter; it is no record.
      const sep = /^sep=([,;\t])\r?$/.exec(firstLine);
      if (sep) {
        delimiter = sep[1] as CsvDelimiter;
        recStart = fieldStart = pos = nl < 0 ? buf.length : nl + 1;
        recLine = line = 2;
      } else {
        delimiter = detectDelimiter(firstLine);
      }
    }
    const d = delimiter;
    while (pos < buf.length) {
      if (inQuotes) {
        const q = buf.indexOf('"', pos);
        if (q < 0) {
          line += countNewlines(buf, pos, buf.length);
          pos = buf.length;
          break;
        }
        line += countNewlines(buf, pos, q);
        if (q + 1 >= buf.length && !final) {
          // A quote at the end of the text so far: the next piece says whether it is doubled or closing.
          pos = q;
          break;
        }
        if (buf[q + 1] === '"') {
          pos = q + 2;
          continue;
        }
        inQuotes = false;
        closedAt = q;
        pos = q + 1;
        continue;
      }
      const c = buf[pos]!;
      if (pos === fieldStart && c === '"' && closedAt < 0) {
        inQuotes = true;
        pos++;
        continue;
      }
      if (c === d) {
        endField(pos);
        pos++;
        fieldStart = pos;
        continue;
      }
      if (c === '\n' || c === '\r') {
        if (c === '\r' && pos + 1 >= buf.length && !final) break;
        const crlf = c === '\r' && buf[pos + 1] === '\n';
        if (c === '\r' && !crlf) {
          if (closedAt >= 0) throw new ParseError(`line ${line}: text after the closing quote of a field (a quote inside a quoted field must be doubled: "")`);
          pos++;
          continue;
        }
        endField(pos);
        pos += crlf ? 2 : 1;
        line++;
        endRecord(out, pos);
        continue;
      }
      if (closedAt >= 0) throw new ParseError(`line ${line}: text after the closing quote of a field (a quote inside a quoted field must be doubled: "")`);
      pos++;
    }
    if (final) {
      if (inQuotes) throw new ParseError(`line ${recLine}: a quoted field opened here is never closed (the file is cut short, or a quote is missing)`);
      if (recStart < buf.length) {
        endField(buf.length);
        endRecord(out, buf.length);
      }
    } else if (buf.length - recStart > MAX_CSV_RECORD_CHARS) {
      throw new ParseError(`line ${recLine}: a record of over ${MAX_CSV_RECORD_CHARS / 2 ** 20} MiB (an unclosed quote?): not a CSV export`);
    }
    // Drop what the records already taken hold, keeping the offsets of the one in progress.
    if (recStart > 0) {
      buf = buf.slice(recStart);
      pos -= recStart;
      fieldStart -= recStart;
      if (closedAt >= 0) closedAt -= recStart;
      recStart = 0;
    }
    return out;
  };

  return {
    push(chunk: string): CsvRecord[] {
      if (first && chunk) {
        first = false;
        if (chunk.startsWith('\uFEFF')) chunk = chunk.slice(1);
      }
      buf += chunk;
      return scan(false);
    },
    end(): CsvRecord[] {
      return scan(true);
    },
    get delimiter() {
      return delimiter;
    },
  };
}

function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = s.indexOf('\n', from); i >= 0 && i < to; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** Every record of a whole CSV text (for tests and for re-reading a stored record). */
export function parseCsv(text: string): CsvRecord[] {
  const r = createCsvReader();
  return [...r.push(text), ...r.end()];
}

// A span of a file read on a thread (readSpan): the same items as the file's own splitter yields for those
// bytes, whether the sender found the record ends or not and whichever side hashes; null when it cannot be
// read from a resting state, so the main thread splits it again.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readRecord, readSpan, type ParsedItem } from '../../src/app/read-record.js';
import { createXmlByteSplitter, findEndTags } from '../../src/pubmed/xml.js';
import { hashRecord } from '../../src/store/papers.js';
import { fixture } from '../helpers.js';

const text = readFileSync(fixture('efetch/julielab__pubmed18n0740_7_eval_files.xml'), 'utf8');
const first = text.indexOf('</PubmedArticle>') + '</PubmedArticle>'.length;
const last = text.lastIndexOf('</PubmedArticle>') + '</PubmedArticle>'.length;
// The file's bytes from just after its first record to just after its last: a span as the import cuts it.
const span = Buffer.from(text.slice(first, last), 'utf8');

/** What the file's own splitter yields for the span's records, hashed. */
function reference(): ParsedItem[] {
  const splitter = createXmlByteSplitter();
  const records = splitter.push(Buffer.from(text, 'utf8'));
  return records.slice(1).map((r) => readRecord(r));
}

/** Items with the hash filled in where the main thread would fill it. */
const hashed = (items: ParsedItem[]): unknown[] =>
  items.map((i) => (i.kind === 'paper' ? { ...i.row, raw: Buffer.from(i.row.raw).toString('utf8'), content_hash: i.row.content_hash ?? hashRecord(i.row.raw) } : i));

describe('readSpan', () => {
  it('reads the records of a span as the splitter of the whole file does, with or without the record ends given', () => {
    const want = hashed(reference());
    expect(want.length).toBeGreaterThan(10);
    for (const hits of [null, findEndTags(span)]) {
      for (const hash of [false, true]) {
        const got = readSpan(span, 'PubmedArticleSet', hits, hash);
        expect(got?.records).toBe(want.length);
        expect(got!.items.every((i) => i.kind !== 'paper' || (i.row.content_hash !== null) === hash)).toBe(true);
        expect(hashed(got!.items)).toEqual(want);
      }
    }
  });

  it('is null for a span that does not end at rest, or holds a record that fails, or bad XML', () => {
    const cutShort = span.subarray(0, span.length - 100);
    expect(readSpan(cutShort, 'PubmedArticleSet')).toBeNull();
    const noPmid = Buffer.from(span.toString('utf8').replace(/<PMID Version="1">\d+<\/PMID>/, ''), 'utf8');
    expect(readSpan(noPmid, 'PubmedArticleSet')).toBeNull();
    expect(readSpan(Buffer.concat([Buffer.from('</Stray>'), span]), 'PubmedArticleSet')).toBeNull();
    // The hits stand in for the search: with none past the first record's start, no record ends.
    expect(readSpan(span, 'PubmedArticleSet', new Uint32Array([0]))).toBeNull();
  });
});

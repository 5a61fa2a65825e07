// The byte splitter (import's threaded path) against the text parser (its single-threaded path): the same
// items and the same first error for every input and every way of cutting it into chunks, the chunks given
// as views of one buffer that is overwritten after each push, as the import's reader gives them.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { SourceItem } from '../../src/evidence/paper.js';
import { createRestingSplitter, createXmlByteSplitter, createXmlParser, findEndTags, MAX_DEPTH, readByteRecord } from '../../src/pubmed/xml.js';

const FIXTURES = fileURLToPath(new URL('../../../shared/fixtures/', import.meta.url));

interface Outcome {
  items: SourceItem[];
  error: string | null;
}

/** The text parser over the decoded text, fed the bytes `size` at a time. */
function viaText(bytes: Buffer, size: number): Outcome {
  const parser = createXmlParser();
  const decoder = new TextDecoder('utf-8');
  const items: SourceItem[] = [];
  try {
    for (let at = 0; at < bytes.length; at += size) {
      const text = decoder.decode(bytes.subarray(at, at + size), { stream: true });
      if (text) items.push(...parser.push(text));
    }
    const tail = decoder.decode();
    if (tail) items.push(...parser.push(tail));
    items.push(...parser.end());
    return { items, error: null };
  } catch (e) {
    return { items: [], error: (e as Error).message };
  }
}

/** The byte splitter, each chunk a view of one scratch buffer that the next chunk overwrites; records read at once. */
function viaBytes(bytes: Buffer, size: number): Outcome {
  const splitter = createXmlByteSplitter();
  const scratch = Buffer.alloc(Math.min(size, bytes.length) + 1);
  const items: SourceItem[] = [];
  try {
    for (let at = 0; at < bytes.length; at += size) {
      const n = bytes.copy(scratch, 0, at, Math.min(bytes.length, at + size));
      for (const r of splitter.push(scratch.subarray(0, n))) items.push(readByteRecord(r).item);
      scratch.fill(0x3c); // what a reused read buffer does to a record kept as a view
    }
    for (const r of splitter.end()) items.push(readByteRecord(r).item);
    return { items, error: null };
  } catch (e) {
    return { items: [], error: (e as Error).message };
  }
}

function fixtureFiles(): { name: string; bytes: Buffer }[] {
  const dirs = ['pubmed/efetch', 'pubmed/errors', 'pubmed/esearch', 'pubmed/esummary', 'integrity/pubmed'].map((d) => path.join(FIXTURES, d));
  return dirs.flatMap((dir) =>
    readdirSync(dir)
      .filter((name) => /\.(xml|html|json|txt)(\.gz)?$/.test(name))
      .sort()
      .map((name) => {
        const raw = readFileSync(path.join(dir, name));
        return { name: `${path.basename(dir)}/${name}`, bytes: name.endsWith('.gz') ? gunzipSync(raw) : raw };
      }),
  );
}

const record = (() => {
  const text = readFileSync(path.join(FIXTURES, 'pubmed/efetch/retractobot__pubmed_retraction_notice.xml'), 'utf8');
  return text.slice(text.indexOf('<PubmedArticle>'), text.indexOf('</PubmedArticle>') + '</PubmedArticle>'.length);
})();
/** The record with everything that can fool a search for its end tag. */
const tricky = record
  .replace('</PubmedArticle>', '</PubmedArticle\n  >')
  .replace('<PubmedArticle>', `<PubmedArticle\n  note="x>">`)
  .replace('<ArticleTitle>', '<ArticleTitle><![CDATA[a </PubmedArticle> b & c]]> ')
  .replace('</MedlineCitation>', '<!-- </PubmedArticle> --></MedlineCitation>');
const set = (body: string): string => `<?xml version="1.0"?>\n<PubmedArticleSet>\n${body}\n</PubmedArticleSet>\n`;
const deep = `<PubmedArticleSet>${'<a>'.repeat(MAX_DEPTH)}${record}</PubmedArticleSet>`;

/** Hand-made inputs for every state of the splitter, good and bad. */
const CASES: Record<string, string> = {
  'BOM, DOCTYPE with a quoted ]>, comments before and after': `\uFEFF<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet [ <!ENTITY x "]>"> ]>\n<!-- a > comment -->\n<PubmedArticleSet>\n${record}\n</PubmedArticleSet>\n<!-- done -->\n`,
  'end tags in a comment and a CDATA section': set(tricky + record),
  'a comment holding the end tag and nothing after it yet': set(record.replace('</MedlineCitation>', '<!-- </PubmedArticle> -->\n</MedlineCitation>')),
  'attributes with > and an end tag with blanks': set(record.replace('<PubmedArticle>', `<PubmedArticle data-x='a>b'\n note="y" >`).replace('</PubmedArticle>', '</PubmedArticle \n >')),
  'DeleteCitation between records, and a self-closing one': set(`${record}\n<DeleteCitation>\n<PMID Version="1">12345678</PMID>\n<PMID Version="1">23456789</PMID>\n</DeleteCitation><DeleteCitation/>\n${record}`),
  'a bare PubmedArticle root': `${record}\n`,
  'a self-closing set': '<PubmedArticleSet/>',
  'an empty set': set(''),
  'a MedlineCitationSet': `<MedlineCitationSet>${record.slice(record.indexOf('<MedlineCitation'), record.indexOf('</MedlineCitation>') + 18)}</MedlineCitationSet>`,
  'a non-ASCII title': set(record.replace(/<ArticleTitle>[^<]*/, '<ArticleTitle>Résumé — “ß” 中文 \u{1F600}')),
  'bytes that are not UTF-8 in a record': set(record.replace(/<ArticleTitle>[^<]*/, '<ArticleTitle>\u00ff\u00fe bad')),
  'processing instructions and whitespace between records': set(`${record}\n<?pi x?>\n  \t\r\n${record}`),
  'a longer end tag name inside the record': set(record.replace('</MedlineCitation>', '<PubmedArticleX>y</PubmedArticleX></MedlineCitation>')),
  'empty input': '',
  'blanks only': ' \n\t ',
  'a declaration only': '<?xml version="1.0"?>\n',
  'text before the root': 'hello <PubmedArticleSet/>',
  'not XML at all': '{"error":"invalid db"}',
  'a record cut short': set(record).slice(0, 900),
  'a set not closed': set(record).slice(0, set(record).lastIndexOf('</PubmedArticleSet>')),
  'a set cut inside its end tag': set(record).slice(0, set(record).lastIndexOf('</PubmedArticleSet>') + 8),
  'text after the root': `${set(record)}trailing words`,
  'a second root': `${set(record)}<PubmedArticleSet/>`,
  'a stray end tag': set(`${record}</Foo>`),
  'an end tag after the root': `${set(record)}</PubmedArticleSet>`,
  'a malformed tag between records': set(`${record}<=x>`),
  'an unknown declaration': set(`<!ELEMENT x>${record}`),
  'a foreign root': '<eSearchResult><Count>1</Count></eSearchResult>',
  'nesting too deep': deep,
  'a malformed record': set(record.replace('</ArticleTitle>', '</Title>')),
  'a record without a PMID': set(record.replace(/<PMID Version="1">\d+<\/PMID>/, '')),
  'an unclosed comment': set(`<!-- ${record}`),
};

const SIZES = [1, 2, 3, 7, 16, 64, 1000, 65536];

describe('the byte splitter reads every input as the text parser does', () => {
  for (const [name, text] of Object.entries(CASES)) {
    it(name, () => {
      // Latin-1 text stands for raw bytes here, so a case can hold bytes that are not UTF-8.
      const bytes = name === 'bytes that are not UTF-8 in a record' ? Buffer.from(text, 'latin1') : Buffer.from(text, 'utf8');
      const whole = viaText(bytes, bytes.length + 1);
      for (const size of SIZES) {
        // The same chunks: what an error message quotes is what the parser holds when it fails.
        const text = viaText(bytes, size);
        const got = viaBytes(bytes, size);
        if (JSON.stringify(got) !== JSON.stringify(text)) expect(got, `in chunks of ${size}`).toEqual(text);
        expect(text.items, `text in chunks of ${size}`).toEqual(whole.items);
      }
    });
  }

  it('reads every case the same given where its </PubmedArticle> tags are (findEndTags), in one push', () => {
    for (const [name, text] of Object.entries(CASES)) {
      const bytes = name === 'bytes that are not UTF-8 in a record' ? Buffer.from(text, 'latin1') : Buffer.from(text, 'utf8');
      const run = (hits: Uint32Array | null): Outcome => {
        const splitter = createXmlByteSplitter();
        try {
          const items = [...splitter.push(bytes, hits), ...splitter.end()].map((r) => readByteRecord(r).item);
          return { items, error: null };
        } catch (e) {
          return { items: [], error: (e as Error).message };
        }
      };
      expect(run(findEndTags(bytes)), name).toEqual(run(null));
    }
    expect([...findEndTags(Buffer.from('a</PubmedArticle></PubmedArticleSet>'))]).toEqual([1, 17]);
  });

  it('goes on from where a splitter rests as that splitter does, less the records before', () => {
    const text = set([record, tricky, `<DeleteCitation><PMID Version="1">42</PMID></DeleteCitation>`, record].join('\n'));
    const bytes = Buffer.from(text, 'utf8');
    const whole = createXmlByteSplitter();
    const all = [...whole.push(bytes), ...whole.end()].map((r) => readByteRecord(r).item);
    expect(all).toHaveLength(4);
    // After each record end tag: where the splitter rests, a resting one reads the rest alike.
    let rested = 0;
    for (let at = bytes.indexOf('</PubmedArticle>'); at !== -1; at = bytes.indexOf('</PubmedArticle>', at + 1)) {
      const cut = at + '</PubmedArticle>'.length;
      const first = createXmlByteSplitter();
      const before = first.push(bytes.subarray(0, cut)).length;
      if (first.restingIn === null) continue; // a cut inside the comment or the CDATA section
      rested++;
      expect(first.restingIn).toBe('PubmedArticleSet');
      const next = createRestingSplitter('PubmedArticleSet');
      const after = [...next.push(bytes.subarray(cut)), ...next.end()];
      expect(after.map((r) => readByteRecord(r).item)).toEqual(all.slice(before));
      first.skip(after.length);
      expect(() => first.push(Buffer.from('</PubmedArticleSet>'))).not.toThrow();
    }
    expect(rested).toBe(2);
    // Not at rest inside a record, nor before the root.
    const inRecord = createXmlByteSplitter();
    inRecord.push(bytes.subarray(0, bytes.indexOf('<PMID')));
    expect(inRecord.restingIn).toBeNull();
    expect(() => inRecord.skip(1)).toThrow(/at rest/);
    expect(createXmlByteSplitter().restingIn).toBeNull();
  });

  it('the cases cover records, deletions and failures alike', () => {
    const outcomes = Object.values(CASES).map((t) => viaText(Buffer.from(t, 'utf8'), 1 << 20));
    expect(outcomes.filter((o) => o.error === null && o.items.some((i) => i.kind === 'paper')).length).toBeGreaterThan(8);
    expect(outcomes.some((o) => o.items.some((i) => i.kind === 'delete'))).toBe(true);
    expect(outcomes.filter((o) => o.error !== null).length).toBeGreaterThan(12);
  });

  it('every split point of a tricky file', () => {
    const bytes = Buffer.from(
      `\uFEFF<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet [ <!ENTITY x "]>"> ]>\n<!-- a > comment -->\n<PubmedArticleSet>\n` +
        `${tricky}\n<DeleteCitation><PMID Version="1">42</PMID></DeleteCitation>\n${record}\n</PubmedArticleSet>\n<!-- done -->\n`,
      'utf8',
    );
    const whole = viaText(bytes, bytes.length + 1);
    expect(whole.error).toBeNull();
    expect(whole.items.map((i) => i.kind)).toEqual(['paper', 'delete', 'paper']);
    for (let k = 1; k < bytes.length; k++) {
      const splitter = createXmlByteSplitter();
      const items: SourceItem[] = [];
      const scratch = Buffer.from(bytes);
      for (const r of splitter.push(scratch.subarray(0, k))) items.push(readByteRecord(r).item);
      scratch.fill(0);
      bytes.copy(scratch, 0, k);
      for (const r of splitter.push(scratch.subarray(0, bytes.length - k))) items.push(readByteRecord(r).item);
      for (const r of splitter.end()) items.push(readByteRecord(r).item);
      if (JSON.stringify(items) !== JSON.stringify(whole.items)) expect(items, `split at ${k}`).toEqual(whole.items);
    }
  });

  it('a record over the size limit', () => {
    const huge = Buffer.from(set(record.replace('<ArticleTitle>', `<ArticleTitle>${'x'.repeat(65 * 1024 * 1024)}`)), 'utf8');
    const got = viaBytes(huge, 1 << 20);
    expect(got.error).toMatch(/record 1 \(PMID 27508352\) is over 64 MiB/);
    expect(got).toEqual(viaText(huge, 1 << 20));
  });

  for (const { name, bytes } of fixtureFiles()) {
    it(`fixture ${name}`, () => {
      for (const size of [1, 7, 4096, bytes.length + 1]) {
        const text = viaText(bytes, size);
        const got = viaBytes(bytes, size);
        if (JSON.stringify(got) !== JSON.stringify(text)) expect(got, `in chunks of ${size}`).toEqual(text);
      }
    });
  }
});

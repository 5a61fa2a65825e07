import fs from 'node:fs';
import zlib from 'node:zlib';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { FIXTURES, ROOT, runCli, tempDir } from '../helpers.js';
import { dump, records, renumbered } from './import-library.js';

// A big PubMed XML file goes to the import's threads in spans cut after a record's end tag, which they split
// themselves; a span that does not end between two records, or fails, is split again on the main thread, in
// order. Whatever happens to the spans, the library (or the error) must be the single-threaded import's.

const EFETCH = path.join(FIXTURES, 'efetch');
const articles = fs
  .readdirSync(EFETCH)
  .filter((f) => f.endsWith('.xml'))
  .flatMap((f) => records(path.join(EFETCH, f)));
const book = (() => {
  const text = fs.readFileSync(path.join(EFETCH, 'metapub__sample_article_20301577_book.xml'), 'utf8');
  return /<PubmedBookArticle>[\s\S]*?<\/PubmedBookArticle>/.exec(text)![0];
})();

/** `n` real articles under new PMIDs from `first`, as a list of record texts. */
const many = (n: number, first: number): string[] => Array.from({ length: n }, (_, i) => renumbered(articles[i % articles.length] as string, first + i));
/** `n` articles as `many` makes them, the first with an abstract from the middle on made `repeat` phrases longer. */
function withLongRecord(n: number, repeat: number): string[] {
  const recs = many(n, 90000001);
  const at = recs.findIndex((r, i) => i >= n / 2 && r.includes('<AbstractText'));
  recs[at] = (recs[at] as string).replace(/<AbstractText([^>]*)>/, (m) => `${m}${'a long abstract '.repeat(repeat)}`);
  return recs;
}
const articleSet = (recs: string[]): string => `<?xml version="1.0" encoding="UTF-8"?>\n<PubmedArticleSet>\n${recs.join('\n')}\n</PubmedArticleSet>\n`;

interface SpanRun {
  summary: { added: number; deleted: number; failed: number; files: { ok: boolean; error: string | null }[] };
  spans: [number, boolean][];
}

/** Imports `file` with spans from its first byte on one thread, in a child process running the built modules. */
function importInSpans(file: string, db: string): SpanRun {
  const js = `${db}.mjs`;
  fs.writeFileSync(
    js,
    `import { openLibrary } from ${JSON.stringify(path.join(ROOT, 'dist', 'app', 'store.js'))};
     import { importFiles } from ${JSON.stringify(path.join(ROOT, 'dist', 'app', 'import.js'))};
     const spans = [];
     const db = openLibrary(${JSON.stringify(db)});
     const summary = await importFiles(db, [${JSON.stringify(file)}], undefined, undefined, {
       threads: 1, after: 0, upFrontBytes: 0, onSpan: (bytes, here) => spans.push([bytes, here]),
     });
     db.close();
     console.log(JSON.stringify({ summary, spans }));`,
  );
  const r = spawnSync(process.execPath, [js], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as SpanRun;
}

/** The same file through the text parser on the main thread (--threads 0): the reference. */
function importAlone(file: string, db: string): SpanRun['summary'] {
  return JSON.parse(runCli(['import', '--threads', '0', '--json', file], { db }).stdout) as SpanRun['summary'];
}

/** Both imports of a file, their summaries equal, the spans' libraries equal; returns the span run. */
function agree(name: string, text: string | Buffer): SpanRun {
  const dir = tempDir();
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  const spanned = importInSpans(file, path.join(dir, 'spans.db'));
  const alone = importAlone(file, path.join(dir, 'alone.db'));
  expect(spanned.summary).toEqual(alone);
  expect(dump(path.join(dir, 'spans.db'))).toEqual(dump(path.join(dir, 'alone.db')));
  return spanned;
}

describe('import in spans', () => {
  it('stores what the single-threaded import stores over a long file with books and deletions among the articles', () => {
    const recs = many(1500, 90000001);
    const deleted = /<PMID Version="1">(\d+)</.exec(recs[10] as string)![1];
    recs.splice(700, 0, book, `<DeleteCitation>\n<PMID Version="1">${deleted}</PMID>\n</DeleteCitation>`);
    recs.push(`<DeleteCitation><PMID Version="1">${90000002}</PMID></DeleteCitation>`);
    const run = agree('long.xml', articleSet(recs));
    expect(run.summary).toMatchObject({ added: 1501, deleted: 2, failed: 0 });
    // Every span was split on the thread, and they hold most of the file.
    expect(run.spans.length).toBeGreaterThan(5);
    expect(run.spans.every(([, here]) => !here)).toBe(true);
    const size = Buffer.byteLength(articleSet(recs));
    expect(run.spans.reduce((n, [bytes]) => n + bytes, 0)).toBeGreaterThan(size * 0.7);
  });

  it('splits here, in order, a span cut inside a comment holding a record end, and the next, then goes on in spans', () => {
    // A comment at the start of each record from 500 to 520 that looks just like the end of one record and
    // the start of the next: a span cut there ends inside a record, and the one after begins inside it.
    const fake = '<PubmedArticle><!-- </PubmedArticle>\n<PubmedArticle> -->';
    const recs = many(1200, 90000001).map((r, i) => (i >= 500 && i <= 520 ? r.replace('<PubmedArticle>', fake) : r));
    const run = agree('comment.xml', articleSet(recs));
    expect(run.summary).toMatchObject({ added: 1200, failed: 0 });
    const here = run.spans.map(([, h]) => h);
    expect(here.indexOf(true)).toBeGreaterThan(0);
    // Past the comments, the threads' reading holds again.
    expect(here.lastIndexOf(true)).toBeLessThan(here.length - 3);
    // Every record with one: each span is cut in a comment, and all are split here.
    const all = agree('comments.xml', articleSet(many(600, 90000001).map((r) => r.replace('<PubmedArticle>', fake))));
    expect(all.summary).toMatchObject({ added: 600, failed: 0 });
    expect(all.spans.length).toBeGreaterThan(2);
    expect(all.spans.every(([, h]) => h)).toBe(true);
  });

  it('gives the single-threaded message and record number for a record that fails deep in the file', () => {
    const recs = many(1200, 90000001);
    recs[1000] = (recs[1000] as string).replace(/<PMID Version="1">\d+<\/PMID>/, '');
    const run = agree('no-pmid.xml', articleSet(recs));
    expect(run.summary.files[0]).toMatchObject({ ok: false, error: expect.stringMatching(/record 1001: no PMID/) });
  });

  it('gives the single-threaded message for bad XML between records deep in the file', () => {
    const recs = many(1200, 90000001);
    recs.splice(900, 0, '</Stray>');
    const run = agree('stray.xml', articleSet(recs));
    expect(run.summary.files[0]).toMatchObject({ ok: false, error: expect.stringMatching(/<\/Stray> found where <\/PubmedArticleSet> was expected/) });
  });

  it('stores a record bigger than a shared buffer, cut from the middle of the file', () => {
    const recs = withLongRecord(600, 200_000);
    expect(Math.max(...recs.map((r) => r.length))).toBeGreaterThan(3 * 2 ** 20);
    const run = agree('big-record.xml', articleSet(recs));
    expect(run.summary).toMatchObject({ added: 600, failed: 0 });
    expect(run.spans.length).toBeGreaterThan(2);
  });

  it('goes back to cutting records here at a record of over 8 MiB, and at one that never ends', () => {
    const recs = withLongRecord(600, 600_000);
    expect(Math.max(...recs.map((r) => r.length))).toBeGreaterThan(9 * 2 ** 20);
    const run = agree('huge-record.xml', articleSet(recs));
    expect(run.summary).toMatchObject({ added: 600, failed: 0 });
    // Spans before it; none after, the rest of the file being cut here.
    expect(run.spans.length).toBeGreaterThan(0);
    const spanned = run.spans.reduce((n, [bytes]) => n + bytes, 0);
    expect(spanned).toBeLessThan(Buffer.byteLength(articleSet(recs)) / 2);
    // A record that never ends, in a file of 12 MiB: the single-threaded error, not a buffer growing to the end.
    const cut = articleSet(many(300, 90000001)) .replace('</PubmedArticleSet>\n', '') + `<PubmedArticle><MedlineCitation>${'x'.repeat(12 * 2 ** 20)}`;
    const broken = agree('never-ends.xml', cut);
    expect(broken.summary.files[0]).toMatchObject({ ok: false, error: expect.stringMatching(/truncated: record 301 is not closed/) });
  });

  it('goes in spans from a gzipped file and from an ISO-8859-1 one too, whose bytes are copied in, not read straight', () => {
    const text = articleSet(many(1200, 90000001));
    const gzipped = agree('long.xml.gz', zlib.gzipSync(text));
    expect(gzipped.summary).toMatchObject({ added: 1200, failed: 0 });
    expect(gzipped.spans.length).toBeGreaterThan(10);
    // Latin-1 with a character past ASCII in a title: transcoded to UTF-8 before the split.
    const latin1 = text.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').replace(/[^\x00-\xff]/g, '?').replace('<ArticleTitle>', '<ArticleTitle>Caf\u00e9 ');
    const transcoded = agree('latin1.xml', Buffer.from(latin1, 'latin1'));
    expect(transcoded.summary).toMatchObject({ added: 1200, failed: 0 });
    expect(transcoded.spans.length).toBeGreaterThan(10);
  });

  it('cuts records here, without spans, in a set that is not of PubmedArticles', () => {
    const books = Array.from({ length: 400 }, (_, i) => renumbered(book, 90000001 + i));
    const run = agree('books.xml', `<?xml version="1.0"?>\n<PubmedBookArticleSet>\n${books.join('\n')}\n</PubmedBookArticleSet>\n`);
    expect(run.summary).toMatchObject({ added: 400, failed: 0 });
    expect(run.spans).toEqual([]);
  });
});

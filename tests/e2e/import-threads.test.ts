import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { FIXTURES, ROOT, runCli, tempDir } from '../helpers.js';
import { dump, records, renumbered } from './import-library.js';

// `import --threads N` splits PubMed XML on its bytes and reads the records on N worker threads; with
// --threads 0 the text parser reads them on the main thread. Both must leave exactly the same library.

const EFETCH = path.join(FIXTURES, 'efetch');
const xmlFixtures = fs
  .readdirSync(EFETCH)
  .filter((f) => f.endsWith('.xml') || f.endsWith('.xml.gz'))
  .map((f) => path.join(EFETCH, f));

/** Imports the files with the given thread count into a new library; returns the outcome and the library. */
function importWith(threads: number, files: string[], dir: string): { code: number; stdout: string; stderr: string; db: string } {
  const db = path.join(dir, `lib-${threads}-${Math.random().toString(36).slice(2)}.db`);
  const r = runCli(['import', '--threads', String(threads), '--json', ...files], { db });
  return { ...r, db };
}

describe('import on worker threads', () => {
  it('stores exactly what the single-threaded import stores, fixture by fixture and all together', () => {
    const dir = tempDir();
    const one = importWith(0, xmlFixtures, dir);
    expect(one.code).toBe(0);
    expect(JSON.parse(one.stdout).added).toBeGreaterThan(200);
    for (const threads of [1, 2]) {
      const many = importWith(threads, xmlFixtures, dir);
      expect(many.code).toBe(0);
      expect(JSON.parse(many.stdout)).toEqual(JSON.parse(one.stdout));
      expect(dump(many.db)).toEqual(dump(one.db));
    }
    // Every raw record is stored as text, and re-importing on threads finds them all unchanged.
    const again = runCli(['import', '--threads', '1', '--json', ...xmlFixtures], { db: one.db });
    expect(JSON.parse(again.stdout)).toMatchObject({ added: 0, updated: 0, failed: 0 });
  });

  it('agrees on the splitter edge cases: BOM, comments and CDATA holding end tags, deletions, bad UTF-8, gzip', () => {
    const dir = tempDir();
    const recs = records(path.join(EFETCH, 'julielab__pubmed18n0740_7_eval_files.xml'));
    expect(recs.length).toBeGreaterThan(10);
    // A comment inside a record that holds its end tag: only a careful scan finds the real end.
    const tricky = (recs[1] as string).replace('<MedlineCitation', '<!-- </PubmedArticle> --><MedlineCitation');
    const cdata = (recs[2] as string).replace('</ArticleTitle>', '<![CDATA[ a </PubmedArticle> in CDATA ]]></ArticleTitle>');
    const deleted = /<PMID[^>]*>(\d+)</.exec(recs[0] as string)?.[1];
    const body = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">',
      '<PubmedArticleSet>',
      '<!-- a comment between records: </PubmedArticle> -->',
      ...recs.slice(0, 1),
      tricky,
      cdata,
      `<DeleteCitation><PMID Version="1">${deleted}</PMID></DeleteCitation>`,
      ...recs.slice(3),
      '</PubmedArticleSet>',
      '',
    ].join('\n');
    const bom = path.join(dir, 'bom.xml');
    fs.writeFileSync(bom, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body, 'utf8')]));
    // A byte that is not UTF-8 inside an abstract: both paths store U+FFFD in its place.
    const bad = path.join(dir, 'bad-utf8.xml');
    const at = body.indexOf('<AbstractText') + 40;
    fs.writeFileSync(bad, Buffer.concat([Buffer.from(body.slice(0, at), 'utf8'), Buffer.from([0xff, 0xc3]), Buffer.from(body.slice(at), 'utf8')]));
    const gz = path.join(dir, 'bom.xml.gz');
    fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(bom)));

    for (const files of [[bom], [bad], [gz], [bom, bad]]) {
      const one = importWith(0, files, dir);
      const many = importWith(1, files, dir);
      expect(one.code).toBe(0);
      expect(many.code).toBe(0);
      expect(JSON.parse(many.stdout)).toEqual(JSON.parse(one.stdout));
      expect(dump(many.db)).toEqual(dump(one.db));
    }
    const summary = JSON.parse(importWith(1, [bom], dir).stdout);
    expect(summary).toMatchObject({ added: recs.length, deleted: 1, failed: 0 });
    const stored = new Database(importWith(1, [bad], dir).db);
    const raws = stored.prepare("SELECT count(*) AS n FROM paper_raw WHERE raw LIKE '%' || char(65533) || '%'").get();
    stored.close();
    expect(raws).toEqual({ n: 1 });
  });

  it('stores the same over a file long enough to reuse every shared batch buffer, and a batch too big for one', () => {
    // Real records under new PMIDs (as the bench corpus makes them): 1,300 of them are 21 batches, more
    // than the 6 shared buffers a thread has, so each buffer is filled again only after its batch is stored.
    const dir = tempDir();
    const recs = xmlFixtures.filter((f) => f.endsWith('.xml')).flatMap(records);
    expect(recs.length).toBeGreaterThan(20);
    const many = Array.from({ length: 1300 }, (_, i) => renumbered(recs[i % recs.length] as string, 90000001 + i));
    // Then 64 records of 40 KB each, a batch of 2.5 MB: past a 2 MiB shared buffer, it gets its own.
    const big = (recs[0] as string).replace(/<AbstractText([^>]*)>/, (m) => `${m}${'long abstract '.repeat(3000)}`);
    const bigs = Array.from({ length: 64 }, (_, i) => renumbered(big, 91000001 + i));
    const file = path.join(dir, 'long.xml');
    fs.writeFileSync(file, `<?xml version="1.0" encoding="UTF-8"?>\n<PubmedArticleSet>\n${[...many, ...bigs, ...many.slice(0, 200).map((r, i) => renumbered(r, 92000001 + i))].join('\n')}\n</PubmedArticleSet>\n`);
    const one = importWith(0, [file], dir);
    expect(one.code).toBe(0);
    expect(JSON.parse(one.stdout)).toMatchObject({ added: 1564, failed: 0 });
    for (const threads of [1, 2]) {
      const threaded = importWith(threads, [file], dir);
      expect(threaded.code).toBe(0);
      expect(JSON.parse(threaded.stdout)).toEqual(JSON.parse(one.stdout));
      expect(dump(threaded.db)).toEqual(dump(one.db));
    }
  });

  it('fails a broken file with the same message, the first failure in the file winning, and stores none of it', () => {
    const dir = tempDir();
    const recs = records(path.join(EFETCH, 'julielab__pubmed18n0740_7_eval_files.xml'));
    const head = '<?xml version="1.0"?>\n<PubmedArticleSet>\n';
    const cases: Record<string, string> = {
      // A record that is not well-formed, and later the file is cut off: the record's error comes first.
      'broken-record.xml': head + recs.slice(0, 5).join('\n') + '\n' + (recs[5] as string).replace('</ArticleTitle>', '') + '\n' + recs.slice(6).join('\n'),
      'truncated.xml': head + recs.slice(0, 4).join('\n') + '\n' + (recs[4] as string).slice(0, 3000),
      // Text after the root, with non-ASCII characters the error message quotes.
      'trailing.xml': head + recs.slice(0, 3).join('\n') + '\n</PubmedArticleSet>\nrésumé façade\n',
    };
    for (const [name, text] of Object.entries(cases)) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, text);
      const one = importWith(0, [file], dir);
      const many = importWith(1, [file], dir);
      expect(one.code).toBe(1);
      expect(many.code).toBe(1);
      expect(many.stderr).toBe(one.stderr);
      expect(JSON.parse(many.stdout)).toEqual(JSON.parse(one.stdout));
      expect(dump(many.db)).toEqual(dump(one.db));
      expect((dump(many.db) as { papers: unknown[] }).papers).toEqual([]);
    }
    expect(importWith(1, [path.join(dir, 'broken-record.xml')], dir).stderr).toMatch(/record 6 \(PMID \d+\)/);
    expect(importWith(1, [path.join(dir, 'trailing.xml')], dir).stderr).toContain('résumé');
  });

  it('leaves the library in WAL mode, and imports in WAL when another connection holds the library open', () => {
    const dir = tempDir();
    const db = path.join(dir, 'lib.db');
    const file = path.join(EFETCH, 'julielab__pubmedsample18n0001.xml.gz');
    expect(runCli(['claims'], { db }).code).toBe(0);
    const other = new Database(db);
    other.prepare('SELECT count(*) FROM papers').get();
    try {
      // The rollback journal needs the library to itself; with a reader open the import still completes.
      const r = runCli(['import', '--json', file], { db });
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).added).toBe(177);
    } finally {
      other.close();
    }
    const r = runCli(['import', '--json', path.join(EFETCH, 'julielab__pubmed18n0740_7_eval_files.xml')], { db });
    expect(r.code).toBe(0);
    const check = new Database(db);
    expect(check.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    check.close();
    expect(fs.existsSync(`${db}-journal`)).toBe(false);
  });

  it('rolls a file back whole when its reader thread cannot run, and says how to do without threads', () => {
    // An install whose worker script is missing: a copy of the built CLI without dist/app/import-worker.js.
    const dir = tempDir();
    const app = path.join(dir, 'app');
    fs.cpSync(path.join(ROOT, 'dist'), path.join(app, 'dist'), { recursive: true });
    fs.cpSync(path.join(ROOT, 'bin'), path.join(app, 'bin'), { recursive: true });
    fs.cpSync(path.join(ROOT, 'data'), path.join(app, 'data'), { recursive: true });
    fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(app, 'package.json'));
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(app, 'node_modules'));
    fs.rmSync(path.join(app, 'dist', 'app', 'import-worker.js'));
    const db = path.join(dir, 'lib.db');
    const file = path.join(EFETCH, 'julielab__pubmed18n0740_7_eval_files.xml');
    const run = (threads: string): { status: number | null; stderr: string } =>
      spawnSync(process.execPath, [path.join(app, 'bin', 'claimwatch.js'), 'import', '--threads', threads, file], {
        env: { PATH: process.env.PATH ?? '', CLAIMWATCH_DB: db },
        encoding: 'utf8',
      });
    const broken = run('1');
    expect(broken.status).toBe(1);
    expect(broken.stderr).toMatch(/an import thread (failed|stopped).*--threads 0 reads records on the main thread/);
    expect((dump(db) as { papers: unknown[] }).papers).toEqual([]);
    // The same install without threads imports the file.
    expect(run('0').status).toBe(0);
    expect((dump(db) as { papers: unknown[] }).papers).toHaveLength(14);
  });

  it('starts the threads once afterBytes of a file are read, or at once for a file upFrontBytes big, and stores the same', () => {
    // The built modules in a child process, as the CLI runs them (worker threads need the built worker).
    const dir = tempDir();
    const file = path.join(EFETCH, 'julielab__pubmed18n0740_7_eval_files.xml');
    const script = (db: string, afterBytes: number | null, upFront = ''): string => `
      import { openLibrary } from ${JSON.stringify(path.join(ROOT, 'dist', 'app', 'store.js'))};
      import { importFiles } from ${JSON.stringify(path.join(ROOT, 'dist', 'app', 'import.js'))};
      const starts = [];
      const db = openLibrary(${JSON.stringify(db)});
      const r = await importFiles(db, [${JSON.stringify(file)}], undefined, undefined, {
        threads: 1, after: Infinity, ${afterBytes === null ? '' : `afterBytes: ${afterBytes},`} ${upFront} onStart: (n, b) => starts.push([n, b]),
      });
      db.close();
      console.log(JSON.stringify({ added: r.added, failed: r.failed, starts }));`;
    const run = (db: string, afterBytes: number | null, upFront = ''): { added: number; failed: number; starts: [number, number][] } => {
      // A script file, not --eval: the worker threads inherit the process's flags, and --input-type fails them.
      const js = path.join(dir, `run-${path.basename(db)}.mjs`);
      fs.writeFileSync(js, script(db, afterBytes, upFront));
      const r = spawnSync(process.execPath, [js], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      return JSON.parse(r.stdout) as { added: number; failed: number; starts: [number, number][] };
    };
    const threaded = path.join(dir, 'threaded.db');
    const r = run(threaded, 100 * 1024);
    expect(r).toMatchObject({ added: 14, failed: 0 });
    expect(r.starts).toHaveLength(1);
    const [records, bytes] = r.starts[0]!;
    expect(bytes).toBeGreaterThanOrEqual(100 * 1024);
    expect(bytes).toBeLessThan(fs.statSync(file).size);
    expect(records).toBeGreaterThan(0);
    expect(records).toBeLessThan(14);
    const one = importWith(0, [file], dir);
    expect(one.code).toBe(0);
    const { imports: _a, ...a } = dump(threaded) as Record<string, unknown>;
    const { imports: _b, ...b } = dump(one.db) as Record<string, unknown>;
    expect(a).toEqual(b);
    // Without a byte threshold the file never shows `after` records: no thread starts.
    expect(run(path.join(dir, 'none.db'), null).starts).toEqual([]);
    // A file big enough on disk (upFrontBytes) starts them at its first record, and stores the same.
    const size = fs.statSync(file).size;
    const early = path.join(dir, 'early.db');
    const e = run(early, null, `upFrontBytes: ${size},`);
    expect(e).toMatchObject({ added: 14, failed: 0 });
    expect(e.starts).toHaveLength(1);
    expect(e.starts[0]![0]).toBe(0);
    const { imports: _c, ...c } = dump(early) as Record<string, unknown>;
    expect(c).toEqual(b);
    // One byte short of that size, it does not.
    expect(run(path.join(dir, 'late.db'), null, `upFrontBytes: ${size + 1},`).starts).toEqual([]);
  });

  it('refuses a bad --threads in one line with exit 2, creating no library', () => {
    const dir = tempDir();
    for (const bad of ['-1', 'two', '1.5', '17']) {
      const db = path.join(dir, `bad-${bad}.db`);
      const r = runCli(['import', '--threads', bad, path.join(EFETCH, 'biopython__pubmed1.xml')], { db });
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain('--threads takes a whole number from 0 to 16');
      expect(fs.existsSync(db)).toBe(false);
    }
  });
});

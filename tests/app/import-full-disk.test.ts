import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// The built modules: the reader threads load dist/app/import-worker.js.
import { openLibrary } from '../../dist/app/store.js';
import { importFiles } from '../../dist/app/import.js';
import { FIXTURES, fixture, tempDir } from '../helpers.js';

const count = (db: ReturnType<typeof openLibrary>, table: string): number =>
  (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('an import that fills the disk', () => {
  const dir = tempDir();
  const corpus = path.join(dir, 'corpus.xml');
  execFileSync('python3', [path.join(FIXTURES, '..', '..', 'tools', 'make_bench_corpus.py'), '--records', '3000', '--out', corpus], { stdio: 'ignore' });

  for (const threads of [0, 1]) {
    it(`stores nothing of the file and says so (--threads ${threads})`, async () => {
      const db = openLibrary(path.join(tempDir(), 'lib.db'));
      try {
        await importFiles(db, [fixture('efetch/julielab__pubmedsample18n0001.xml.gz')], () => '2026-12-01T00:00:00.000Z');
        const papers = count(db, 'papers');
        const imports = count(db, 'imports');
        // A full disk as SQLite sees it: the library may grow by a few hundred records' worth, no more.
        db.pragma(`max_page_count = ${(db.pragma('page_count', { simple: true }) as number) + 1500}`);
        const s = await importFiles(db, [corpus], () => '2026-12-02T00:00:00.000Z', undefined, { threads });
        expect(s.failed).toBe(1);
        expect(s.files[0]?.error).toMatch(/full/);
        expect(s.added).toBe(0);
        expect(count(db, 'papers')).toBe(papers);
        expect(count(db, 'imports')).toBe(imports);
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      } finally {
        db.close();
      }
    });
  }
});

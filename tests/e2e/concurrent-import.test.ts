import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { FIXTURES, fixture, runCli, runCliAsync, tempDir } from '../helpers.js';

const ROUNDS = 8;
const RECORDS = 6000;

/** Real records repeated with new PMIDs from `first` (../shared/tools/make_bench_corpus.py). */
function corpus(dir: string, name: string, first: number): string {
  const out = path.join(dir, name);
  const tool = path.join(FIXTURES, '..', '..', 'tools', 'make_bench_corpus.py');
  execFileSync('python3', [tool, '--records', String(RECORDS), '--out', out, '--first-pmid', String(first)], { stdio: 'ignore' });
  return out;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('an import while other commands use the library', () => {
  it('loses nothing, corrupts nothing, and every command succeeds', { timeout: 300_000 }, async () => {
    const dir = tempDir();
    const a = corpus(dir, 'a.xml', 90_000_001);
    const b = corpus(dir, 'b.xml.gz', 91_000_001);
    const base = path.join(dir, 'base.db');
    expect(runCli(['import', fixture('efetch/biopython__pubmed1.xml')], { db: base }).code).toBe(0);
    const pmids = (JSON.parse(runCli(['papers', '--json'], { db: base }).stdout) as { pmid: number }[]).map((p) => String(p.pmid));
    const baseCount = pmids.length;
    expect(baseCount).toBeGreaterThan(1);

    for (let round = 0; round < ROUNDS; round++) {
      const db = path.join(dir, `lib-${round}.db`);
      fs.copyFileSync(base, db);
      const env = { CLAIMWATCH_REVIEWER: `r${round}` };
      const first = runCliAsync(['import', a, '--json'], { db, env });
      // The others arrive while the first import is reading, writing or committing: staggered per round.
      await sleep(150 + round * 120);
      const others = [
        runCliAsync(['tag', pmids[0] as string, 'C1', 's'], { db, env }),
        runCliAsync(['tag', pmids[1] as string, 'C2', 'c'], { db, env }),
        runCliAsync(['report', '--format', 'json'], { db, env }),
        runCliAsync(['import', b, '--json'], { db, env }),
      ];
      const results = await Promise.all([first, ...others]);
      const label = ['import a', 'tag 1', 'tag 2', 'report', 'import b'];
      results.forEach((r, i) => {
        expect({ round, command: label[i], code: r.code, stderr: r.stderr }).toEqual({ round, command: label[i], code: 0, stderr: '' });
      });
      expect(JSON.parse(results[0]?.stdout ?? '')).toMatchObject({ added: RECORDS, failed: 0 });
      expect(JSON.parse(results[4]?.stdout ?? '')).toMatchObject({ added: RECORDS, failed: 0 });
      JSON.parse(results[3]?.stdout ?? '');

      const check = new Database(db, { readonly: true });
      try {
        expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(check.prepare('SELECT count(*) AS n FROM papers').get()).toEqual({ n: baseCount + 2 * RECORDS });
        expect(check.prepare('SELECT count(*) AS n FROM imports').get()).toEqual({ n: 3 });
        expect(check.prepare('SELECT count(*) AS n FROM tags').get()).toEqual({ n: 2 });
        expect(check.prepare("SELECT count(*) AS n FROM history WHERE action = 'tag'").get()).toEqual({ n: 2 });
      } finally {
        check.close();
      }
    }
  });
});

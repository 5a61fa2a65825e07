import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { BIN, FIXTURES, runCli, tempDir } from '../helpers.js';

describe('an import killed half way', () => {
  it('leaves a consistent library with nothing of the file, and the next import completes', async () => {
    const dir = tempDir();
    const corpus = path.join(dir, 'corpus.xml.gz');
    // Real records repeated with new PMIDs, large enough that the import is still running when killed.
    execFileSync('python3', [path.join(FIXTURES, '..', '..', 'tools', 'make_bench_corpus.py'), '--records', '6000', '--out', corpus], { stdio: 'ignore' });
    const db = path.join(dir, 'lib.db');
    expect(runCli(['claims'], { db }).code).toBe(0);

    const child = spawn(process.execPath, [BIN, 'import', corpus], { env: { PATH: process.env.PATH ?? '', CLAIMWATCH_DB: db } });
    const closed = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
    // Kill it once records are being written: the library (rollback journal: the pages go straight into
    // the file) or its write-ahead log (when the journal could not be switched) has grown past a megabyte.
    const size = (f: string): number => (fs.existsSync(f) ? fs.statSync(f).size : 0);
    const before = size(db);
    const started = Date.now();
    while (size(db) - before + size(`${db}-wal`) < 1_000_000) {
      if (Date.now() - started > 20_000) throw new Error('the import never started writing');
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    expect(await closed).toBe('SIGKILL');

    // The import had the library to itself, so it ran with a rollback journal, which the kill left behind.
    expect(fs.existsSync(`${db}-journal`)).toBe(true);
    // Opened for writing, as every command opens it: that rolls back the hot journal the kill left.
    const check = new Database(db);
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(check.prepare('SELECT count(*) AS n FROM papers').get()).toEqual({ n: 0 });
    expect(check.prepare('SELECT count(*) AS n FROM imports').get()).toEqual({ n: 0 });
    check.close();

    const again = runCli(['import', corpus, '--json'], { db });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ added: 6000, failed: 0 });
    expect(fs.existsSync(`${db}-journal`)).toBe(false);
  });
});

import { spawn } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { BIN, fixture, runCli, tempDir } from '../helpers.js';

describe('two processes on one library', () => {
  it('a tag waits for another process holding the write lock instead of failing', async () => {
    const db = path.join(tempDir(), 'lib.db');
    expect(runCli(['import', fixture('efetch/biopython__pubmed1.xml')], { db }).code).toBe(0);
    const pmid = String(JSON.parse(runCli(['papers', '--json'], { db }).stdout)[0].pmid);

    const other = new Database(db);
    other.exec('BEGIN IMMEDIATE'); // what a long import holds
    const child = spawn(process.execPath, [BIN, 'tag', pmid, 'C4', 's'], {
      env: { PATH: process.env.PATH ?? '', CLAIMWATCH_DB: db, CLAIMWATCH_REVIEWER: 'tester' },
    });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += String(d); });
    const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    let finishedEarly = false;
    void exited.then(() => { finishedEarly = true; });
    await new Promise((r) => setTimeout(r, 1500));
    expect(finishedEarly).toBe(false); // still waiting for the lock
    other.exec('COMMIT');
    other.close();
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
    expect(JSON.parse(runCli(['show', pmid, '--json'], { db }).stdout).tags).toHaveLength(1);
  });
});

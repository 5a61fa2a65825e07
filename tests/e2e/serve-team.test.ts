import { spawn } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, ROOT, runCli, tempDir } from '../helpers.js';
import { HttpReviewer, startServer } from './serve-support.js';

describe('serve under a team', () => {
  const db = path.join(tempDir('claimwatch-serve-team-'), 'lib.db');
  let server: Awaited<ReturnType<typeof startServer>>;

  beforeAll(async () => {
    expect(runCli(['import', fixture('efetch/julielab__pubmedsample18n0001.xml.gz')], { db }).code).toBe(0);
    server = await startServer(db);
  }, 60_000);

  afterAll(async () => {
    await server?.close();
  });

  it('ten reviewers tagging and dismissing at once lose nothing and never see an error', async () => {
    const team = Array.from({ length: 10 }, (_, i) => new HttpReviewer(server.url, `r${i}`));
    await Promise.all(team.map((r) => r.login()));
    const statuses: number[] = [];
    const expected = new Map<string, { tags: number; dismissals: number }>();
    await Promise.all(team.map(async (r, i) => {
      const mine = { tags: 0, dismissals: 0 };
      expected.set(r.name, mine);
      for (let k = 0; k < 8; k++) {
        if ((k + i) % 3 === 0) {
          statuses.push((await r.act(`d reason ${k}`)).status);
          mine.dismissals += 1;
        } else {
          statuses.push((await r.act(`${(k % 3) + 1} ${'sqc'[k % 3]}`)).status);
          statuses.push((await r.act('next')).status);
          mine.tags += 1;
        }
      }
    }));
    expect(new Set(statuses)).toEqual(new Set([200]));
    const lib = new Database(db, { readonly: true });
    for (const [name, want] of expected) {
      const tags = lib.prepare('SELECT count(*) FROM tags WHERE reviewer = ?').pluck().get(name);
      const dismissals = lib.prepare('SELECT count(*) FROM dismissals WHERE reviewer = ?').pluck().get(name);
      expect({ name, tags, dismissals }).toEqual({ name, ...want });
    }
    lib.close();
  }, 60_000);

  it('a write while another process holds the library (an import, a search) waits for it instead of failing', async () => {
    const r = new HttpReviewer(server.url, 'waiter');
    await r.login();
    // Another process takes the write lock and keeps it a moment, as an import's transaction does.
    const holder = spawn(process.execPath, ['-e', `
      const Database = require(${JSON.stringify(path.join(ROOT, 'node_modules', 'better-sqlite3'))});
      const db = new Database(${JSON.stringify(db)});
      db.exec('BEGIN IMMEDIATE');
      process.stdout.write('locked\\n');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1500);
      db.exec('COMMIT');
      db.close();
    `], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => holder.stdout.on('data', (d: Buffer) => { if (d.toString().includes('locked')) resolve(); }));
    const reply = await r.act('1 s');
    expect(reply.status).toBe(200);
    expect(reply.body.message).toMatch(/^PMID \d+: C\d supports/);
    await new Promise((resolve) => holder.on('exit', resolve));
    const lib = new Database(db, { readonly: true });
    expect(lib.prepare("SELECT count(*) FROM tags WHERE reviewer = 'waiter'").pluck().get()).toBe(1);
    lib.close();
  }, 30_000);
});

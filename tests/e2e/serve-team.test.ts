import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, ROOT, runCli, tempDir } from '../helpers.js';
import { HttpReviewer, startServer } from './serve-support.js';
import { isLoopback } from '../../src/serve/server.js';

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
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3000);
      process.stdout.write('releasing at ' + new Date().toISOString() + '\\n');
      db.exec('COMMIT');
      db.close();
    `], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => holder.on('exit', resolve));
    await new Promise<void>((resolve) => holder.stdout.on('data', (d: Buffer) => { if (d.toString().includes('locked')) resolve(); }));
    let releasedAt = '';
    holder.stdout.on('data', (d: Buffer) => { releasedAt = /releasing at (\S+)/.exec(d.toString())?.[1] ?? releasedAt; });
    const pending = r.act('1 s');
    // Meanwhile another reviewer's page is served: the waiting write does not hold up the server.
    const reader = new HttpReviewer(server.url, 'reader');
    await reader.login();
    expect(releasedAt).toBe('');
    const reply = await pending;
    expect(reply.status).toBe(200);
    expect(reply.body.message).toMatch(/^PMID \d+: C\d supports/);
    await exited;
    const lib = new Database(db, { readonly: true });
    expect(lib.prepare("SELECT count(*) FROM tags WHERE reviewer = 'waiter'").pluck().get()).toBe(1);
    // Saved after the other process let go, not beside it.
    const at = lib.prepare("SELECT at FROM history WHERE actor = 'waiter'").pluck().get() as string;
    expect(releasedAt).not.toBe('');
    expect(at >= releasedAt).toBe(true);
    lib.close();
  }, 30_000);

  it('answers 503 with the CLI\'s one-line message when the lock never comes, and saves nothing', async () => {
    const quick = await startServer(db, { writeWaitMs: 300 });
    try {
      const r = new HttpReviewer(quick.url, 'impatient');
      await r.login();
      const holder = spawn(process.execPath, ['-e', `
        const Database = require(${JSON.stringify(path.join(ROOT, 'node_modules', 'better-sqlite3'))});
        const db = new Database(${JSON.stringify(db)});
        db.exec('BEGIN IMMEDIATE');
        process.stdout.write('locked\\n');
        process.stdin.once('data', () => { db.exec('COMMIT'); db.close(); });
      `], { stdio: ['pipe', 'pipe', 'inherit'] });
      const exited = new Promise((resolve) => holder.on('exit', resolve));
      await new Promise<void>((resolve) => holder.stdout.on('data', (d: Buffer) => { if (d.toString().includes('locked')) resolve(); }));
      const reply = await r.act('1 s');
      holder.stdin.end('go\n');
      await exited;
      expect(reply.status).toBe(503);
      expect(reply.body.error).toBe('the database is busy: another claimwatch process holds it; try again when it finishes');
      const lib = new Database(db, { readonly: true });
      expect(lib.prepare("SELECT count(*) FROM tags WHERE reviewer = 'impatient'").pluck().get()).toBe(0);
      lib.close();
      // The same session goes on once the library is free.
      expect((await r.act('1 s')).status).toBe(200);
    } finally {
      await quick.close();
    }
  }, 30_000);

  it('on the loopback answers only requests addressed to a loopback name (DNS rebinding), and a POST from another origin is refused', async () => {
    const get = (host: string): Promise<number> => new Promise((resolve, reject) => {
      const u = new URL(server.url);
      http.get({ hostname: u.hostname, port: u.port, path: '/login', headers: { host } }, (res) => { res.resume(); resolve(res.statusCode ?? 0); }).on('error', reject);
    });
    expect(await get('evil.example:8765')).toBe(403);
    expect(await get(`localhost:${new URL(server.url).port}`)).toBe(200);
    expect(await get(new URL(server.url).host)).toBe(200);
    expect(isLoopback('127.0.0.1') && isLoopback('::1') && isLoopback('[::1]') && isLoopback('localhost')).toBe(true);
    expect(isLoopback('0.0.0.0') || isLoopback('192.168.1.2') || isLoopback('127.example')).toBe(false);
    const r = new HttpReviewer(server.url, 'origin-test');
    await r.login();
    const cross = await fetch(`${server.url}/triage/act`, { method: 'POST', headers: { origin: 'http://evil.example', accept: 'application/json' }, body: 'line=k' });
    expect(cross.status).toBe(403);
    expect((await cross.json()).error).toBe('a request from another site: refused');
  });

  it('answers a malformed body with 400 and one line, never 500', async () => {
    const r = new HttpReviewer(server.url, 'garbage');
    await r.login();
    const multipart = await r.raw('/tag', '--x\r\nbroken', 'multipart/form-data; boundary=x', false);
    expect(multipart.status).toBe(400);
    expect(JSON.parse(multipart.text).error).toBe('the request body is not a readable form: send it as application/x-www-form-urlencoded');
    const json = await r.raw('/tag', '{"pmid":', 'application/json');
    expect(json.status).toBe(400);
    expect(JSON.parse(json.text).error).toBe('the request body is not JSON: send a JSON object or a form');
    const empty = await r.raw('/tag', '', 'application/x-www-form-urlencoded');
    expect(empty.status).toBe(400);
    expect(JSON.parse(empty.text).error).toMatch(/^'' is not a PMID/);
  });
});

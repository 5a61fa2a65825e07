import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { BIN, fixture, runCli, tempDir } from '../helpers.js';
import { CHROMIUM, hasChromium, startServer } from './serve-support.js';
import { csrfMatches, FREE_ATTEMPTS, LoginThrottle, MAX_SESSIONS, SessionStore } from '../../src/serve/auth.js';

const PASSWORD = 'correct horse battery';

describe('claimwatch users', () => {
  const db = path.join(tempDir('claimwatch-users-'), 'lib.db');

  it('adds an account from the first line of stdin and keeps only a salted scrypt hash', () => {
    const r = runCli(['users', 'add', 'ann'], { db, input: `${PASSWORD}\nignored\n` });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
    expect(runCli(['users', 'add', 'bob'], { db, input: `${PASSWORD}\n` }).code).toBe(0);
    const lib = new Database(db, { readonly: true });
    const rows = lib.prepare('SELECT name, password_hash FROM users ORDER BY name').all() as { name: string; password_hash: string }[];
    lib.close();
    expect(rows.map((x) => x.name)).toEqual(['ann', 'bob']);
    for (const row of rows) {
      expect(row.password_hash).toMatch(/^scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{86}$/);
      expect(row.password_hash).not.toContain(PASSWORD);
    }
    // The same password, two salts: two different hashes.
    expect(rows[0]!.password_hash).not.toBe(rows[1]!.password_hash);
  });

  it('lists the accounts without hashes, changes a password, removes an account, refuses a duplicate or a short password', () => {
    const list = JSON.parse(runCli(['users', 'list', '--json'], { db }).stdout) as Record<string, unknown>[];
    expect(list.map((u) => u.name)).toEqual(['ann', 'bob']);
    expect(JSON.stringify(list)).not.toMatch(/scrypt/);
    const dup = runCli(['users', 'add', 'ann'], { db, input: `${PASSWORD}\n` });
    expect(dup.code).toBe(2);
    expect(dup.stderr.trim()).toBe("Error: an account named 'ann' exists: change its password with 'claimwatch users passwd ann'");
    const short = runCli(['users', 'add', 'carol'], { db, input: 'short\n' });
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/^Error: the password is shorter than 8 characters/);
    expect(runCli(['users', 'passwd', 'bob'], { db, input: 'another long one\n' }).code).toBe(0);
    expect(runCli(['users', 'remove', 'bob'], { db }).code).toBe(0);
    expect(JSON.parse(runCli(['users', 'list', '--json'], { db }).stdout).map((u: { name: string }) => u.name)).toEqual(['ann']);
    expect(runCli(['users', 'remove', 'bob'], { db }).code).toBe(2);
  });

  it('lets serve start on 0.0.0.0 once an account exists', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--host', '0.0.0.0', '--port', '0'], {
      env: { PATH: process.env.PATH ?? '', HOME: path.dirname(db), CLAIMWATCH_DB: db }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const line = await new Promise<string>((resolve, reject) => {
      let err = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => { err += d; if (err.includes('\n')) resolve(err); });
      child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
    });
    expect(line).toMatch(/^claimwatch serve: http:\/\/0\.0\.0\.0:\d+\//);
    const code = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    child.kill('SIGTERM');
    expect(await code).toBe(0);
  });
});

describe('the session store', () => {
  it('drops the oldest sessions not logged in once it holds MAX_SESSIONS, never a logged-in one', () => {
    const store = new SessionStore();
    const ann = store.login(undefined, 'ann');
    const first = store.create();
    for (let i = 0; i < MAX_SESSIONS; i++) store.create();
    expect(store.size).toBeLessThanOrEqual(MAX_SESSIONS);
    expect(store.get(ann.id)?.reviewer).toBe('ann');
    expect(store.get(first.id)).toBeUndefined();
  });

  it('gives a new id and CSRF token at login, and the old id stops working', () => {
    const store = new SessionStore();
    const anon = store.create();
    const s = store.login(anon, 'ann');
    expect(s.id).not.toBe(anon.id);
    expect(s.csrf).not.toBe(anon.csrf);
    expect(s.csrf).not.toBe(s.id);
    expect(store.get(anon.id)).toBeUndefined();
    expect(csrfMatches(s, s.csrf)).toBe(true);
    expect(csrfMatches(s, anon.csrf)).toBe(false);
    expect(csrfMatches(s, undefined)).toBe(false);
  });
});

describe('the login throttle', () => {
  it('lets three failures through at once, then doubles the wait up to 30 s, and forgets a name after a success', () => {
    const t = new LoginThrottle();
    const keys = ['name:ann', 'ip:1.2.3.4'];
    const delays: number[] = [];
    for (let i = 0; i < 9; i++) {
      delays.push(t.delayMs(keys));
      t.fail(keys);
    }
    expect(delays).toEqual([0, 0, 0, 1000, 2000, 4000, 8000, 16000, 30000]);
    expect(t.attempts('name:ann')).toBe(9);
    // Another name from the same address still waits: the address counts too.
    expect(t.delayMs(['name:bob', 'ip:1.2.3.4'])).toBe(30000);
    t.succeed(keys);
    expect(t.delayMs(keys)).toBe(0);
    expect(FREE_ATTEMPTS).toBe(3);
  });
});

describe.skipIf(!hasChromium)('serve with accounts, in Chromium', () => {
  const dir = tempDir('claimwatch-serve-acc-');
  const db = path.join(dir, 'lib.db');
  const waits: number[] = [];
  let server: Awaited<ReturnType<typeof startServer>>;
  let browser: Browser;

  beforeAll(async () => {
    expect(runCli(['import', fixture('efetch/julielab__pubmedsample18n0001.xml.gz')], { db }).code).toBe(0);
    expect(runCli(['users', 'add', 'ann'], { db, input: `${PASSWORD}\n` }).code).toBe(0);
    // The server's waits are recorded, not slept: the test asserts the decision, not the wall time.
    server = await startServer(db, { sleep: async (ms) => { waits.push(ms); } });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('slows a wrong password given five times, and still judges the right one after the wait', async () => {
    const page = await (await browser.newContext()).newPage();
    for (let i = 0; i < 5; i++) {
      await page.goto(`${server.url}/login`);
      await page.fill('#name', 'ann');
      await page.fill('#password', `wrong guess ${i}`);
      await page.click('form.login button[type=submit]');
      await page.waitForSelector('p.error');
      expect(await page.locator('p.error').innerText()).toMatch(/wrong name or password/);
    }
    expect(server.throttle.attempts('name:ann')).toBe(5);
    expect(server.loginDelays).toEqual([1000, 2000]);
    expect(waits).toEqual([1000, 2000]);
    await page.goto(`${server.url}/login`);
    await page.fill('#name', 'ann');
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForURL(`${server.url}/triage`), page.click('form.login button[type=submit]')]);
    expect(waits).toEqual([1000, 2000, 4000]);
    expect(server.throttle.attempts('name:ann')).toBe(0);
    // No password and no session id in the page; the cookie is HttpOnly and SameSite=Strict.
    const html = await page.content();
    expect(html).not.toContain(PASSWORD);
    const cookies = await page.context().cookies();
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(html).not.toContain(cookies[0]!.value);
    expect(await page.locator('header strong').innerText()).toBe('ann');
    // A new password ends the sessions opened with the old one.
    expect(runCli(['users', 'passwd', 'ann'], { db, input: 'a brand new password\n' }).code).toBe(0);
    await page.goto(`${server.url}/papers`);
    expect(new URL(page.url()).pathname).toBe('/login');
  });

  it('refuses a name without its password (no picking a name when accounts exist)', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${server.url}/login`);
    expect(await page.locator('#password').count()).toBe(1);
    const token = await page.getAttribute('meta[name="csrf-token"]', 'content');
    const r = await page.request.post(`${server.url}/login`, { form: { csrf: token!, name: 'mallory' }, maxRedirects: 0 });
    expect(r.status()).toBe(401);
    const triage = await page.request.get(`${server.url}/triage`, { maxRedirects: 0 });
    expect(triage.status()).toBe(303);
    expect(triage.headers().location).toBe('/login');
    expect(fs.existsSync(db)).toBe(true);
  });
});

const HAS_TMUX = spawnSync('tmux', ['-V']).status === 0;

describe.skipIf(!HAS_TMUX)('users add on a terminal (tmux)', () => {
  const socket = `claimwatch-users-${process.pid}`;
  const db = path.join(tempDir('claimwatch-users-tty-'), 'lib.db');
  const tmux = (...args: string[]): string => {
    const r = spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const screen = (): string => tmux('capture-pane', '-p', '-t', 'users');
  async function waitFor(re: RegExp, ms = 10_000): Promise<string> {
    const end = Date.now() + ms;
    for (;;) {
      const s = screen();
      if (re.test(s)) return s;
      if (Date.now() > end) throw new Error(`screen never matched ${re}:\n${s}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  afterAll(() => {
    spawnSync('tmux', ['-L', socket, 'kill-server']);
  });

  it('asks for the password twice without echoing it, and stores its hash', async () => {
    const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
    const cmd = `CLAIMWATCH_DB=${q(db)} ${q(process.execPath)} ${q(BIN)} users add ann; echo EXIT=$?; sleep 60`;
    tmux('new-session', '-d', '-s', 'users', '-x', '100', '-y', '20', cmd);
    await waitFor(/Password for ann:/);
    tmux('send-keys', '-t', 'users', '-l', PASSWORD);
    tmux('send-keys', '-t', 'users', 'Enter');
    await waitFor(/Again:/);
    tmux('send-keys', '-t', 'users', '-l', PASSWORD);
    tmux('send-keys', '-t', 'users', 'Enter');
    const end = await waitFor(/EXIT=\d/);
    expect(end).toContain('Added the account ann.');
    expect(end).toContain('EXIT=0');
    expect(end).not.toContain(PASSWORD);
    const lib = new Database(db, { readonly: true });
    expect(lib.prepare("SELECT count(*) FROM users WHERE name = 'ann'").pluck().get()).toBe(1);
    lib.close();
  });
});

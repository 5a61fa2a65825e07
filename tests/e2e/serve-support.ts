import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Page } from 'playwright-core';
import { openLibrary } from '../../src/app/store.js';
import { createServeApp, type ServeApp } from '../../src/serve/server.js';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = fs.existsSync(CHROMIUM);

/** A serve app over a library file, listening on a free port of 127.0.0.1, in this process (its state can be inspected). */
export async function startServer(db: string, opts: { host?: string; sleep?: (ms: number) => Promise<void>; writeWaitMs?: number } = {}): Promise<ServeApp & { url: string; close: () => Promise<void> }> {
  const lib = openLibrary(db);
  const state = createServeApp({ db: lib, host: opts.host ?? '127.0.0.1', now: () => new Date().toISOString(), sleep: opts.sleep, writeWaitMs: opts.writeWaitMs });
  return new Promise((resolve) => {
    const server = serve({ fetch: state.app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => {
      resolve({
        ...state,
        url: `http://127.0.0.1:${info.port}`,
        close: () => new Promise<void>((r) => {
          (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
          server.close(() => { lib.close(); r(); });
        }),
      });
    });
  });
}

/** Picks a reviewer name on the loopback login page. */
export async function pickName(page: Page, url: string, name: string): Promise<void> {
  await page.goto(`${url}/login`);
  await page.fill('#name', name);
  await Promise.all([page.waitForURL(`${url}/triage`), page.click('form.login button[type=submit]')]);
}

/** How many replies the triage script has received on this page. */
export async function actions(page: Page): Promise<number> {
  return Number((await page.getAttribute('body', 'data-actions')) ?? '0');
}

/** Presses keys; when the last one sends an action, waits until its reply has replaced the card. */
export async function keys(page: Page, list: string[], sends = true): Promise<void> {
  const before = await actions(page);
  for (const k of list) await page.keyboard.press(k);
  if (sends) await page.waitForFunction((n) => Number(document.body.getAttribute('data-actions') ?? '0') > n, before);
}

/** The PMID and the numbering of the card on the page. */
export async function cardOf(page: Page): Promise<{ pmid: number; numbering: string[] }> {
  const card = page.locator('.card');
  return {
    pmid: Number(await card.getAttribute('data-pmid')),
    numbering: ((await card.getAttribute('data-numbering')) ?? '').split(','),
  };
}

/** A reviewer driven over HTTP without a browser: cookie jar of one, CSRF token read from the page. */
export class HttpReviewer {
  private cookie = '';
  private csrf = '';

  constructor(readonly base: string, readonly name: string) {}

  private remember(r: Response): void {
    const set = r.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0]!;
  }

  private async token(path: string): Promise<void> {
    const r = await fetch(`${this.base}${path}`, { headers: { cookie: this.cookie }, redirect: 'manual' });
    this.remember(r);
    const m = /name="csrf-token" content="([^"]*)"/.exec(await r.text());
    if (m) this.csrf = m[1]!;
  }

  /** Picks the name on the loopback login page. */
  async login(): Promise<void> {
    await this.token('/login');
    const r = await fetch(`${this.base}/login`, {
      method: 'POST', redirect: 'manual', headers: { cookie: this.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ name: this.name, csrf: this.csrf }).toString(),
    });
    if (r.status !== 303) throw new Error(`login of ${this.name} answered ${r.status}`);
    this.remember(r);
    await this.token('/triage');
  }

  /** Posts a raw body with the session's cookie (and the CSRF token unless `csrf` is false). */
  async raw(path: string, body: string, contentType: string, csrf = true): Promise<{ status: number; text: string }> {
    const r = await fetch(`${this.base}${path}`, {
      method: 'POST',
      headers: { cookie: this.cookie, accept: 'application/json', 'content-type': contentType, ...(csrf ? { 'x-csrf-token': this.csrf } : {}) },
      body,
    });
    return { status: r.status, text: await r.text() };
  }

  /** Posts one triage line; returns the status and the JSON reply. */
  async act(line: string): Promise<{ status: number; body: { pmid: number | null; done: boolean; message?: string; error?: string } }> {
    const r = await fetch(`${this.base}/triage/act`, {
      method: 'POST',
      headers: { cookie: this.cookie, accept: 'application/json', 'x-csrf-token': this.csrf, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ line }).toString(),
    });
    return { status: r.status, body: await r.json() as { pmid: number | null; done: boolean; message?: string; error?: string } };
  }
}

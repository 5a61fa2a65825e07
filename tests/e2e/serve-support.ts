import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Page } from 'playwright-core';
import { openLibrary } from '../../src/app/store.js';
import { createServeApp, type ServeApp } from '../../src/serve/server.js';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = fs.existsSync(CHROMIUM);

/** A serve app over a library file, listening on a free port of 127.0.0.1, in this process (its state can be inspected). */
export async function startServer(db: string, opts: { host?: string; sleep?: (ms: number) => Promise<void> } = {}): Promise<ServeApp & { url: string; close: () => Promise<void> }> {
  const lib = openLibrary(db);
  const state = createServeApp({ db: lib, host: opts.host ?? '127.0.0.1', now: () => new Date().toISOString(), sleep: opts.sleep });
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

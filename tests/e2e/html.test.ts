import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { fixture, runCli, tempDir } from '../helpers.js';

const SAMPLE = fixture('efetch/julielab__pubmedsample18n0001.xml.gz');
// A "Retracted Publication" of the sample (retraction notice 9499167).
const RETRACTED = '8863847';
const CHROMIUM = '/usr/bin/chromium';
const NOTE = '<script>alert(1)</script> & <b>';

// The Debian chromium, never a downloaded browser; skipped where it is not installed.
describe.skipIf(!fs.existsSync(CHROMIUM))('report --format html in a real browser (Chromium)', () => {
  const dir = tempDir('claimwatch-html-');
  const db = path.join(dir, 'lib.db');
  const out = path.join(dir, 'report.html');
  let json: { claims: { id: string; counts: Record<string, number>; papers: { pmid: number }[] }[] };
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  const failed: string[] = [];

  const tag = (pmid: string, claim: string, stance: string, reviewer: string, note?: string): void => {
    const r = runCli(['tag', pmid, claim, stance, '--reviewer', reviewer, ...(note ? ['--note', note] : [])], { db });
    expect(r.code, r.stderr).toBe(0);
  };

  beforeAll(async () => {
    expect(runCli(['import', SAMPLE], { db }).code).toBe(0);
    tag('29049350', 'C7', 's', 'ann', NOTE);
    tag('29049350', 'C7', 's', 'bob');
    tag('28726616', 'C7', 's', 'ann');
    tag('28647898', 'C7', 'q', 'ann');
    tag('27763809', 'C7', 'c', 'bob', 'impaired retention');
    tag('27687975', 'C7', 's', 'ann'); // a disagreement: disputed
    tag('27687975', 'C7', 'c', 'bob');
    tag('29049350', 'C5', 's', 'ann');
    tag('27687974', 'C5', 'q', 'bob');
    tag('25143782', 'C9', 'c', 'ann');
    tag(RETRACTED, 'C8', 's', 'ann'); // counts only as retracted
    tag(RETRACTED, 'C8', 'c', 'bob');
    tag('28726616', 'C8', 'q', 'bob');

    const html = runCli(['report', '--format', 'html', '--out', out], { db });
    expect(html.code, html.stderr).toBe(0);
    const j = runCli(['report', '--format', 'json'], { db });
    expect(j.code, j.stderr).toBe(0);
    json = JSON.parse(j.stdout);

    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    page.on('request', (r) => requests.push(r.url()));
    page.on('requestfailed', (r) => failed.push(r.url()));
    page.on('dialog', (d) => { consoleErrors.push(`dialog: ${d.message()}`); void d.dismiss(); });
    await page.goto(pathToFileURL(out).href, { waitUntil: 'load' });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('loads with no console error, no failed request and nothing fetched but the file itself', () => {
    expect(consoleErrors).toEqual([]);
    expect(failed).toEqual([]);
    expect(requests.length).toBeGreaterThan(0);
    for (const url of requests) expect(url).toMatch(/^(file|data):/);
  });

  it('shows, for every claim, the counts of the JSON report', async () => {
    expect(json.claims.length).toBeGreaterThan(0);
    for (const claim of json.claims) {
      const section = page.locator(`section[data-claim="${claim.id}"]`);
      await expect(section.count()).resolves.toBe(1);
      for (const key of ['supports', 'qualifies', 'contradicts', 'retracted', 'disputed']) {
        const text = await section.locator(`[data-count="${key}"]`).textContent();
        expect(Number(text), `${claim.id} ${key}`).toBe(claim.counts[key]);
        const row = await page.locator(`tr[data-row="${claim.id}"] [data-summary-count="${key}"]`).textContent();
        expect(Number(row), `${claim.id} ${key} in the summary`).toBe(claim.counts[key]);
      }
      const pmids = await section.locator('[data-pmid]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-pmid'))));
      expect(new Set(pmids)).toEqual(new Set(claim.papers.map((p) => p.pmid)));
    }
    const c7 = json.claims.find((c) => c.id === 'C7')!;
    expect(c7.counts).toMatchObject({ supports: 2, qualifies: 1, contradicts: 1, disputed: 1, retracted: 0 });
  });

  it('shows a note with markup as text, and runs no script from it', async () => {
    const notes = await page.locator('section[data-claim="C7"] [data-pmid="29049350"] .note').allTextContents();
    expect(notes).toContain(NOTE);
    await expect(page.locator('main script').count()).resolves.toBe(0);
    await expect(page.locator('.note b').count()).resolves.toBe(0);
  });

  it('strikes through the retracted paper and links its retraction notice', async () => {
    const item = page.locator(`section[data-claim="C8"] [data-pmid="${RETRACTED}"]`);
    await expect(item.count()).resolves.toBe(1);
    const deco = await item.locator('.paper-title').evaluate((e) => getComputedStyle(e).textDecorationLine);
    expect(deco).toContain('line-through');
    await expect(item.locator('a.notice').getAttribute('href')).resolves.toBe('https://pubmed.ncbi.nlm.nih.gov/9499167/');
    await expect(page.locator('section[data-claim="C7"] [data-group="disputed"] [data-pmid="27687975"]').count()).resolves.toBe(1);
  });

  it('writes a full-page screenshot', async () => {
    const file = process.env.CLAIMWATCH_SCREENSHOT ?? path.join(os.tmpdir(), 'claimwatch-report.png');
    await page.screenshot({ path: file, fullPage: true });
    expect(fs.statSync(file).size).toBeGreaterThan(10_000);
    console.log(`screenshot: ${file}`);
  });
});

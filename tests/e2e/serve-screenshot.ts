// Takes docs/serve-triage.png, the README's screenshot of `claimwatch serve`: the julielab PubMed sample,
// bob's tags and a dismissal, then ann triaging in Chromium with the keys (1 s, enter, then 2).
// Usage: npx vite-node tests/e2e/serve-screenshot.ts
import path from 'node:path';
import { chromium } from 'playwright-core';
import { fixture, ROOT, runCli, tempDir } from '../helpers.js';
import { CHROMIUM, keys, pickName, startServer } from './serve-support.js';

const db = path.join(tempDir('claimwatch-shot-'), 'lib.db');
runCli(['import', fixture('efetch/julielab__pubmedsample18n0001.xml.gz')], { db });
for (const [p, c, s] of [['29049350', 'C7', 's'], ['28726616', 'C4', 'q']]) runCli(['tag', p!, c!, s!, '--reviewer', 'bob'], { db });
runCli(['dismiss', '28647898', '--reviewer', 'bob', '--reason', 'bacterial genomics'], { db });
const server = await startServer(db);
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1100, height: 640 } });
await pickName(page, server.url, 'ann');
await keys(page, ['1', 's']);
await keys(page, ['Enter']);
await keys(page, ['2'], false);
await page.screenshot({ path: path.join(ROOT, 'docs', 'serve-triage.png') });
await browser.close();
await server.close();

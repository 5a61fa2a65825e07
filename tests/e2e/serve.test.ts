import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { BIN, fixture, runCli, tempDir } from '../helpers.js';
import { actions, cardOf, CHROMIUM, hasChromium, keys, pickName, startServer } from './serve-support.js';

const SAMPLE = fixture('efetch/julielab__pubmedsample18n0001.xml.gz');
// A real MEDLINE record (Bio* toolkits, PMID 12230038) whose title is replaced by a hostile one.
const HOSTILE_PMID = 12230038;
const HOSTILE_TITLE = 'Toolkits <script>window.__pwned=1</script> "><img src=x onerror="window.__pwned=2"> review';
const HOSTILE_NOTE = '<script>window.__pwned=3</script>"><img src=x onerror="window.__pwned=4">';
const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

type Server = Awaited<ReturnType<typeof startServer>>;

/** What one reviewer did, as the library should keep it. */
interface Done {
  tags: Map<string, { stance: string; note: string | null }>;
  dismissals: Map<string, string | null>;
}

/** Triages ten cards with keys only: tags (one with a note), a retag, dismissals with a reason, a skip, an undo. */
async function triageTen(page: Page, reviewer: string, done: Done): Promise<void> {
  const stance = { s: 'supports', q: 'qualifies', c: 'contradicts' } as const;
  // The numbering is read before the keys: a decision re-ranks the suggestions, so the next card may number them otherwise.
  const tag = async (digit: number, key: 's' | 'q' | 'c'): Promise<string> => {
    const { pmid, numbering } = await cardOf(page);
    await keys(page, [String(digit), key]);
    const k = `${pmid} ${numbering[digit - 1]} ${reviewer}`;
    done.tags.set(k, { stance: stance[key], note: done.tags.get(k)?.note ?? null });
    return k;
  };
  const dismiss = async (reason: string): Promise<void> => {
    const { pmid } = await cardOf(page);
    await keys(page, ['d'], false);
    await page.keyboard.type(reason);
    await keys(page, ['Enter']);
    done.dismissals.set(`${pmid} ${reviewer}`, reason);
  };
  const next = async (): Promise<void> => keys(page, ['Enter']);

  const first = await tag(1, 's');
  await keys(page, ['n'], false);
  await page.keyboard.type(`why ${reviewer} thinks so`);
  await keys(page, ['Enter']);
  done.tags.get(first)!.note = `why ${reviewer} thinks so`;
  await next();
  await dismiss(`off topic for ${reviewer}`);
  const retagged = await tag(2, 'q');
  {
    // A retag: the same claim, wherever the card numbers it now.
    const claim = retagged.split(' ')[1]!;
    const digit = (await cardOf(page)).numbering.indexOf(claim) + 1;
    expect(await tag(digit, 'c')).toBe(retagged);
  }
  await next();
  await keys(page, ['k']); // skip
  const undone = await tag(3, 'q');
  await keys(page, ['u']); // undo the last tag
  done.tags.delete(undone);
  await dismiss('animal study');
  {
    // d then a number: the standard reason of that number (5 is off-topic in data/reasons.json), at once.
    const { pmid } = await cardOf(page);
    await keys(page, ['d'], false);
    await keys(page, ['5']);
    done.dismissals.set(`${pmid} ${reviewer}`, 'off-topic');
  }
  for (let i = 0; i < 4; i++) {
    await tag(1, i % 2 ? 'c' : 's');
    await next();
  }
}

describe.skipIf(!hasChromium)('claimwatch serve in Chromium', () => {
  const dir = tempDir('claimwatch-serve-');
  const db = path.join(dir, 'lib.db');
  let server: Server;
  let browser: Browser;

  beforeAll(async () => {
    expect(runCli(['import', SAMPLE], { db }).code).toBe(0);
    const medline = fs.readFileSync(fixture('medline/biopython__pubmed_result1.txt'), 'utf8')
      .replace('TI  - The Bio* toolkits--a brief overview.', `TI  - ${HOSTILE_TITLE}`);
    const file = path.join(dir, 'hostile.txt');
    fs.writeFileSync(file, medline);
    expect(runCli(['import', file], { db }).code).toBe(0);
    const t = runCli(['tag', String(HOSTILE_PMID), 'C4', 's', '--reviewer', 'mallory', '--note', HOSTILE_NOTE], { db });
    expect(t.code, t.stderr).toBe(0);
    server = await startServer(db);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('two reviewers triage at once with the keys, and the JSON report holds exactly what they did', async () => {
    const ann = await (await browser.newContext()).newPage();
    const bob = await (await browser.newContext()).newPage();
    const errors: string[] = [];
    for (const p of [ann, bob]) p.on('pageerror', (e) => errors.push(String(e)));
    await pickName(ann, server.url, 'ann');
    await pickName(bob, server.url, 'bob');
    const done: Done = { tags: new Map(), dismissals: new Map() };
    await Promise.all([triageTen(ann, 'ann', done), triageTen(bob, 'bob', done)]);
    expect(errors).toEqual([]);
    // No full page load: the cards came from the script's requests.
    expect(await actions(ann)).toBeGreaterThanOrEqual(14);

    const report = JSON.parse(runCli(['report', '--format', 'json'], { db }).stdout) as {
      claims: { id: string; papers: { pmid: number; reviewer: string; stance: string; note: string | null }[] }[];
    };
    const got = new Map<string, { stance: string; note: string | null }>();
    for (const c of report.claims) {
      for (const e of c.papers) if (e.reviewer === 'ann' || e.reviewer === 'bob') got.set(`${e.pmid} ${c.id} ${e.reviewer}`, { stance: e.stance, note: e.note });
    }
    expect(Object.fromEntries(got)).toEqual(Object.fromEntries(done.tags));
    expect(done.tags.size).toBeGreaterThanOrEqual(12);

    const dismissed = JSON.parse(runCli(['papers', '--dismissed', '--json'], { db }).stdout) as { pmid: number; dismissals: { reviewer: string; reason: string | null }[] }[];
    const gotD = new Map(dismissed.flatMap((p) => p.dismissals.map((d) => [`${p.pmid} ${d.reviewer}`, d.reason] as const)));
    expect(Object.fromEntries(gotD)).toEqual(Object.fromEntries(done.dismissals));

    // The live report shows the second reviewer's tags too.
    await bob.goto(`${server.url}/report`);
    expect(await bob.locator('body').innerText()).toContain('ann');
  }, 120_000);

  it("blind mode hides the others' tags until you tag, and is per reviewer", async () => {
    const gina = await (await browser.newContext()).newPage();
    const hank = await (await browser.newContext()).newPage();
    await pickName(gina, server.url, 'gina');
    await pickName(hank, server.url, 'hank');
    await Promise.all([gina.waitForURL(`${server.url}/triage`), gina.click('form.blind button')]);
    expect(await gina.locator('form.blind strong').innerText()).toBe('on');
    // Blind learns from gina's decisions only, none yet: newest first, the paper ann and bob tagged first.
    const { pmid } = await cardOf(gina);
    expect(pmid).toBe(29049350);
    const tags = await gina.locator('ul.tags').innerText();
    expect(tags).toMatch(/hidden \(blind\) until you tag/);
    expect(tags).not.toMatch(/\((ann|bob)\)/);
    await keys(gina, ['1', 's']);
    expect(await gina.locator('ul.tags').innerText()).toMatch(/\((ann|bob)\)/);
    await hank.goto(`${server.url}/papers/29049350`);
    expect(await hank.locator('ul.tags').innerText()).toContain('(ann)');
    await hank.goto(`${server.url}/triage`);
    expect(await hank.locator('form.blind strong').innerText()).toBe('off');
  });

  it('resolves a conflict by an ordinary tag from the conflicts page', async () => {
    expect(runCli(['tag', '27687975', 'C8', 's', '--reviewer', 'pat'], { db }).code).toBe(0);
    expect(runCli(['tag', '27687975', 'C8', 'c', '--reviewer', 'quinn'], { db }).code).toBe(0);
    const page = await (await browser.newContext()).newPage();
    await pickName(page, server.url, 'quinn');
    await page.goto(`${server.url}/conflicts?claim=C8`);
    const item = page.locator('li.conflict', { hasText: 'PMID 27687975' });
    expect(await item.innerText()).toMatch(/pat: supports[\s\S]*quinn: contradicts/);
    await Promise.all([page.waitForURL(`${server.url}/conflicts`), item.locator('button[value=supports]').click()]);
    expect(await page.locator('li.conflict', { hasText: 'PMID 27687975' }).count()).toBe(0);
    const history = JSON.parse(runCli(['history', '27687975', '--json'], { db }).stdout) as { actor: string; action: string; oldValue: string; newValue: string }[];
    expect(history.filter((h) => h.actor === 'quinn').map((h) => `${h.action} ${h.oldValue} ${h.newValue}`)).toEqual(['tag null contradicts', 'retag contradicts supports']);
  });

  it('serves the live report and its downloads: the same report as the CLI, and the exports with the tags', async () => {
    const page = await (await browser.newContext()).newPage();
    await pickName(page, server.url, 'jo');
    const cli = JSON.parse(runCli(['report', '--format', 'json'], { db }).stdout) as { claims: { id: string; counts: unknown; papers: unknown[] }[] };
    const r = await page.request.get(`${server.url}/download/report.json`);
    expect(r.headers()['content-disposition']).toBe('attachment; filename="claimwatch-report.json"');
    const web = JSON.parse(await r.text()) as typeof cli;
    expect(web.claims.map((c) => [c.id, c.counts, c.papers.length])).toEqual(cli.claims.map((c) => [c.id, c.counts, c.papers.length]));
    for (const [file, type] of [['report.html', 'text/html'], ['report.md', 'text/markdown'], ['report.txt', 'text/plain']]) {
      const d = await page.request.get(`${server.url}/download/${file}`);
      expect(d.status(), file).toBe(200);
      expect(d.headers()['content-type'], file).toContain(type!);
    }
    const ris = await page.request.get(`${server.url}/download/export?format=ris&claim=C4`);
    expect(ris.headers()['content-disposition']).toBe('attachment; filename="claimwatch-C4.ris"');
    expect(await ris.text()).toBe(runCli(['export', '--format', 'ris', '--claim', 'C4'], { db }).stdout);
    const bad = await page.request.get(`${server.url}/download/export?format=docx`, { headers: { Accept: 'application/json' } });
    expect(bad.status()).toBe(400);
    expect(`Error: ${(await bad.json()).error}`).toBe(runCli(['export', '--format', 'docx'], { db }).stderr.trim());
    await page.goto(`${server.url}/downloads`);
    expect(await page.locator('main a[download]').count()).toBe(8);
  });

  it('shows a hostile title and note as text: no script runs, no element is injected', async () => {
    const page = await (await browser.newContext()).newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
    await pickName(page, server.url, 'carol');
    for (const where of [`/papers/${HOSTILE_PMID}`, '/papers?filter=tagged', '/conflicts', '/log', '/report']) {
      await page.goto(`${server.url}${where}`);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), where).toBeUndefined();
      expect(await page.locator('main img, body > img, h2 img, td img').count(), where).toBe(0);
    }
    await page.goto(`${server.url}/papers/${HOSTILE_PMID}`);
    expect(await page.locator('main h2').first().innerText()).toBe(HOSTILE_TITLE);
    expect(await page.locator('ul.tags').innerText()).toContain(HOSTILE_NOTE);
    await page.goto(`${server.url}/papers?filter=tagged`);
    expect(await page.locator('tbody').innerText()).toContain(HOSTILE_TITLE);
    expect(dialogs).toEqual([]);
  });

  it('refuses a POST without the CSRF token (403) and takes the same POST with it', async () => {
    const page = await (await browser.newContext()).newPage();
    await pickName(page, server.url, 'dave');
    const before = await cardOf(page);
    const bare = await page.request.post(`${server.url}/triage/act`, { form: { line: 'k' }, headers: { Accept: 'application/json' } });
    expect(bare.status()).toBe(403);
    const wrong = await page.request.post(`${server.url}/triage/act`, { form: { line: 'k', csrf: 'x'.repeat(43) }, headers: { Accept: 'application/json' } });
    expect(wrong.status()).toBe(403);
    expect((await wrong.json()).error).toMatch(/CSRF token/);
    const token = await page.getAttribute('meta[name="csrf-token"]', 'content');
    // A page showing another paper than the session's current one (a second tab) saves nothing.
    const stale = await page.request.post(`${server.url}/triage/act`, { form: { line: 'k', csrf: token!, pmid: '1' }, headers: { Accept: 'application/json' } });
    expect(stale.status()).toBe(409);
    expect((await stale.json()).pmid).toBe(before.pmid);
    const ok = await page.request.post(`${server.url}/triage/act`, { form: { line: 'k', csrf: token! }, headers: { Accept: 'application/json' } });
    expect(ok.status()).toBe(200);
    expect((await ok.json()).pmid).not.toBe(before.pmid);
    // The session cookie is out of the page's reach.
    expect(await page.evaluate(() => document.cookie)).toBe('');
  });

  it('answers a bad PMID or claim and an oversized body with 400 and the CLI\'s one-line message', async () => {
    const page = await (await browser.newContext()).newPage();
    await pickName(page, server.url, 'erin');
    const token = (await page.getAttribute('meta[name="csrf-token"]', 'content'))!;
    const post = (form: Record<string, string>) => page.request.post(`${server.url}/tag`, { form: { csrf: token, ...form }, headers: { Accept: 'application/json' } });
    const badPmid = await post({ pmid: '12ab', claim: 'C7', stance: 's' });
    expect(badPmid.status()).toBe(400);
    const cli = runCli(['tag', '12ab', 'C7', 's'], { db });
    expect(`Error: ${(await badPmid.json()).error}`).toBe(cli.stderr.trim());
    const badClaim = await post({ pmid: '29049350', claim: 'C77', stance: 's' });
    expect(badClaim.status()).toBe(400);
    expect(`Error: ${(await badClaim.json()).error}`).toBe(runCli(['tag', '29049350', 'C77', 's'], { db }).stderr.trim());
    const big = await post({ pmid: '29049350', claim: 'C7', stance: 's', note: 'x'.repeat(100_000) });
    expect(big.status()).toBe(400);
    expect((await big.json()).error).toMatch(/larger than 65536 bytes/);
    const line = await page.request.post(`${server.url}/triage/act`, { form: { csrf: token, line: 'C99 s' }, headers: { Accept: 'application/json' } });
    expect(line.status()).toBe(400);
    expect((await line.json()).error).toMatch(/^cannot read 'C99 s': unknown claim 'C99'/);
  });

  it('has no serious or critical accessibility violation on any page: triage, the read views, the report, login (axe-core)', async () => {
    // bypassCSP: axe is injected by the test; the server's policy forbids any script but its own.
    const page = await (await browser.newContext({ bypassCSP: true })).newPage();
    await pickName(page, server.url, 'frank');
    const found: string[] = [];
    for (const where of ['/triage', '/papers', '/papers/29049350', '/claims', '/conflicts', '/agreement?reviewers=ann,bob', '/log', '/runs', '/downloads', '/report', '/login']) {
      await page.goto(`${server.url}${where}`);
      await page.addScriptTag({ content: axeSource });
      const result = await page.evaluate(async () => {
        const r = await (window as unknown as { axe: { run: () => Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> } }).axe.run();
        return r.violations.map((v) => ({ id: v.id, impact: v.impact, n: v.nodes.length }));
      });
      for (const v of result) if (v.impact === 'serious' || v.impact === 'critical') found.push(`${where}: ${v.id} (${v.impact}, ${v.n})`);
    }
    expect(found).toEqual([]);
  }, 60_000);

  it('bound to 0.0.0.0 without accounts it refuses to start, with one line and exit 2', () => {
    const fresh = path.join(tempDir('claimwatch-serve-host-'), 'lib.db');
    const r = spawnSync(process.execPath, [BIN, 'serve', '--host', '0.0.0.0', '--port', '0'], {
      env: { PATH: process.env.PATH ?? '', HOME: dir, CLAIMWATCH_DB: fresh }, encoding: 'utf8', timeout: 20_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^Error: serve --host 0\.0\.0\.0 .*claimwatch users add NAME/);
    const port = spawnSync(process.execPath, [BIN, 'serve', '--port', '99999'], {
      env: { PATH: process.env.PATH ?? '', HOME: dir, CLAIMWATCH_DB: fresh }, encoding: 'utf8', timeout: 20_000,
    });
    expect(port.status).toBe(2);
    expect(port.stderr.trim()).toBe("Error: --port takes a whole number from 0 to 65535, not '99999'");
  });
});

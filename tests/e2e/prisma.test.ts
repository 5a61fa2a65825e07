// The done-means scenario of issue 14: a week of nightly searches against the fake E-utilities, two reviewers
// tagging, dismissing with reasons and merging their exports, then prisma (JSON, SVG in Chromium) and methods.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { withoutRetraction, type FakeEutils } from '../fake-eutils/server.js';
import { runCli } from '../helpers.js';
import { cli, corpusByPmid, metapubPmids, newDb, query, startServer } from './search-support.js';

const CHROMIUM = '/usr/bin/chromium';
const RETRACTED = 10066780;
const NIGHTS = ['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26'];
const SINCE = '2026-11-23';
const META = metapubPmids();
/** Night k: four new PMIDs for mdma-ptsd and four for mdma-fear-memory, two of them shared. */
const ptsd = (k: number): number[] => META.slice(4 * k, 4 * k + 4);
const fear = (k: number): number[] => META.slice(4 * k + 2, 4 * k + 6);
const slash = (d: string): string => d.replace(/-/g, '/');

interface Flow {
  previous: { studies: number; noLongerIncluded: { total: number; retracted: number; untagged: number } };
  databases: {
    identified: { total: number; bySearch: { key: string; n: number }[] };
    removedBeforeScreening: { duplicates: number; deletedByNlm: number; notYetScreened: number };
    screened: number; excluded: { total: number; reasons: { key: string; label: string; n: number }[] };
    sought: number; notRetrieved: number; assessed: number; reportsExcluded: { total: number }; included: number;
  };
  other: { identified: { total: number }; notYetAssessed: number; sought: number; notRetrieved: number; assessed: number; excluded: { total: number }; included: number };
  included: { newStudies: number; newReports: number; totalStudies: number; totalReports: number };
  checks: { what: string; holds: boolean }[];
}

/** The number each box of the SVG stands for, from the JSON. */
function boxNumbers(f: Flow): Record<string, number> {
  const d = f.databases;
  const r = d.removedBeforeScreening;
  return {
    previous_studies: f.previous.studies, database_results: d.identified.total, removed_before_screening: r.duplicates + r.deletedByNlm + r.notYetScreened,
    records_screened: d.screened, records_excluded: d.excluded.total, dbr_sought_reports: d.sought, dbr_notretrieved_reports: d.notRetrieved,
    dbr_assessed: d.assessed, dbr_excluded: d.reportsExcluded.total, other_results: f.other.identified.total, other_not_assessed: f.other.notYetAssessed,
    other_sought_reports: f.other.sought, other_notretrieved_reports: f.other.notRetrieved, other_assessed: f.other.assessed,
    other_excluded: f.other.excluded.total, new_studies: f.included.newStudies, total_studies: f.included.totalStudies,
  };
}

describe('a week of nightly runs, two reviewers, then prisma and methods', () => {
  let s: FakeEutils;
  const db = newDb();
  const dir = path.dirname(db);
  let flow: Flow;
  let svg: string;
  let csv: string;
  let methods: string;
  let agreement: { reviewers: string[]; overall: { n: number; observed: number | null; expected: number | null; kappa: number | null } };
  let browser: Browser | undefined;
  let page: Page;

  const act = async (args: string[], at: string, file = db): Promise<void> => {
    const r = await cli(s, file, args, { at });
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  };

  beforeAll(async () => {
    const corpus = corpusByPmid();
    s = await startServer({
      'mdma-ptsd': [RETRACTED, ...NIGHTS.flatMap((_, k) => ptsd(k))],
      'mdma-fear-memory': NIGHTS.flatMap((_, k) => fear(k)),
    }, { today: slash(NIGHTS[0]!) });
    // Each night's records enter PubMed that night; the retracted paper enters on night 1 before its retraction.
    const dated = new Set<number>();
    NIGHTS.forEach((night, k) => {
      for (const pmid of [...ptsd(k), ...fear(k)]) {
        if (dated.has(pmid)) continue;
        dated.add(pmid);
        s.upsertRecord({ ...corpus.get(pmid)!, edat: slash(night), mdat: slash(night) });
      }
    });
    const before = corpus.get(RETRACTED)!;
    // (Its DateRevised must be older than the real record's, or the library would keep it.)
    s.upsertRecord({ ...before, xml: withoutRetraction(before.xml, '2005/01/01'), edat: '2026/11/20', mdat: '2026/11/20' });

    const screened = new Set<number>();
    for (const [k, night] of NIGHTS.entries()) {
      s.today = slash(night);
      // Night 5: PubMed indexes the retraction of a paper ann tagged on day 1.
      if (k === 4) s.upsertRecord({ ...before, edat: '2026/11/20', mdat: slash(night) });
      const run = await cli(s, db, ['search'], { at: `${night} 03:00:00` });
      // The reading list's papers are not in the fixtures, so the first night reports them missing.
      expect(run.code === 0 || k === 0, run.stderr).toBe(true);
      // ann screens the night's new papers in the morning: every third tagged, the others dismissed with a reason.
      const fresh = [...new Set([...(k === 0 ? [RETRACTED] : []), ...ptsd(k), ...fear(k)])].filter((p) => !screened.has(p));
      for (const p of fresh) screened.add(p);
      for (const [i, pmid] of fresh.entries()) {
        const at = `${night} 09:${String(10 + i).padStart(2, '0')}:00`;
        if (pmid === RETRACTED || i % 3 === 0) await act(['tag', String(pmid), 'C7', i % 2 ? 'q' : 's', '--reviewer', 'ann'], at);
        else if (k < 6 || i !== 5) await act(['dismiss', String(pmid), '--reason', ['1', 'off-topic', 'rats only', '4'][i % 4]!, '--reviewer', 'ann'], at);
      }
    }
    // bob screens the same papers in his own copy of the library on day 7, and sends his events.
    const bobDb = path.join(dir, 'bob.db');
    fs.copyFileSync(db, bobDb);
    for (const suffix of ['-wal', '-shm']) if (fs.existsSync(db + suffix)) fs.copyFileSync(db + suffix, bobDb + suffix);
    const everything = [...new Set(NIGHTS.flatMap((_, k) => [...ptsd(k), ...fear(k)]))];
    for (const [i, pmid] of everything.entries()) {
      const at = `2026-11-26 14:${String(i).padStart(2, '0')}:00`;
      if (i % 2 === 0) await act(['tag', String(pmid), 'C7', i % 4 ? 's' : 'q', '--reviewer', 'bob'], at, bobDb);
      else await act(['dismiss', String(pmid), '--reason', i % 3 ? '5' : 'not about fear', '--reviewer', 'bob'], at, bobDb);
    }
    const bobFile = path.join(dir, 'bob.jsonl');
    await act(['tags', 'export', '--reviewer', 'bob', '--out', bobFile], '2026-11-26 16:00:00', bobDb);
    await act(['tags', 'import', bobFile], '2026-11-26 17:00:00');

    const j = await cli(s, db, ['prisma', '--since', SINCE, '--format', 'json'], { at: '2026-11-26 18:00:00' });
    expect(j.code, j.stderr).toBe(0);
    flow = JSON.parse(j.stdout) as Flow;
    const out = path.join(dir, 'prisma.svg');
    await act(['prisma', '--since', SINCE, '--format', 'svg', '--out', out], '2026-11-26 18:00:00');
    svg = fs.readFileSync(out, 'utf8');
    await act(['prisma', '--since', SINCE, '--format', 'html', '--out', path.join(dir, 'prisma.html')], '2026-11-26 18:00:00');
    const c = await cli(s, db, ['prisma', '--since', SINCE, '--format', 'csv'], { at: '2026-11-26 18:00:00' });
    expect(c.code, c.stderr).toBe(0);
    csv = c.stdout;
    const m = await cli(s, db, ['methods', '--since', SINCE], { at: '2026-11-26 18:00:00' });
    expect(m.code, m.stderr).toBe(0);
    methods = m.stdout;
    // Kept where a person can look at them (the README shows these).
    fs.writeFileSync(path.join(os.tmpdir(), 'claimwatch-methods.md'), methods);
    fs.writeFileSync(path.join(os.tmpdir(), 'claimwatch-prisma.svg'), svg);
    fs.writeFileSync(path.join(os.tmpdir(), 'claimwatch-prisma.txt'), (await cli(s, db, ['prisma', '--since', SINCE], { at: '2026-11-26 18:00:00' })).stdout);
    const a = runCli(['agreement', '--reviewers', 'ann,bob', '--json'], { db });
    expect(a.code, a.stderr).toBe(0);
    agreement = JSON.parse(a.stdout);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('counts a flow whose boxes add up and agree with the library', () => {
    expect(flow.checks.filter((c) => !c.holds)).toEqual([]);
    // The previous version: ann's tags of the first three mornings, less the paper retracted on night 5.
    expect(flow.previous.noLongerIncluded).toEqual({ total: 1, retracted: 1, untagged: 0 });
    // Counted again straight from the library: each saved search's first finds of a PMID since the 23rd are
    // its records; those of papers the library had before, or that another search found too, are duplicates.
    const since = new Date(2026, 10, 23).toISOString();
    const pairs = query<{ source: string; pmid: number; added: string }>(db, `SELECT s.source, s.pmid, p.added_at AS added FROM paper_sources s
      JOIN papers p ON p.pmid = s.pmid WHERE s.source IN ('mdma-ptsd', 'mdma-fear-memory', 'mdma-bdnf-plasticity', 'bdnf-fear-extinction') AND s.first_seen_at >= ?`, since);
    const bySearch = Object.fromEntries(flow.databases.identified.bySearch.map((x) => [x.key, x.n]));
    expect(bySearch['mdma-ptsd']).toBe(pairs.filter((p) => p.source === 'mdma-ptsd').length);
    expect(bySearch['mdma-fear-memory']).toBe(pairs.filter((p) => p.source === 'mdma-fear-memory').length);
    expect(flow.databases.identified.total).toBe(pairs.length);
    const fresh = new Set(pairs.filter((p) => p.added >= since).map((p) => p.pmid));
    expect(fresh.size).toBeGreaterThan(10);
    const r = flow.databases.removedBeforeScreening;
    expect(r.duplicates).toBe(pairs.length - fresh.size);
    expect(r.duplicates).toBeGreaterThan(0);
    expect(r.duplicates + r.deletedByNlm + r.notYetScreened + flow.databases.screened).toBe(pairs.length);
    expect(flow.databases.excluded.reasons.find((r) => r.key === 'off-topic')!.n).toBeGreaterThan(0);
    const storedTagged = runCli(['papers', '--tagged', '--json'], { db });
    const tagged = (JSON.parse(storedTagged.stdout) as { pmid: number; retracted: boolean }[]).filter((p) => !p.retracted);
    expect(flow.included.totalStudies).toBe(tagged.length);
  });

  it('writes the CSV of the PRISMA2020 package: its header, its rows in its order, our numbers in n', () => {
    const rows = csv.split('\r\n').filter(Boolean).map((l) => l.split(','));
    expect(rows[0]).toEqual(['data', 'node', 'box', 'description', 'boxtext', 'tooltips', 'url', 'n']);
    const data = rows.slice(1).map((r) => r[0]);
    expect(data.filter((x) => x !== 'NA')).toEqual([
      'previous_studies', 'previous_reports', 'database_results', 'register_results', 'website_results', 'organisation_results', 'citations_results',
      'duplicates', 'excluded_automatic', 'excluded_other', 'records_screened', 'records_excluded', 'dbr_sought_reports', 'dbr_notretrieved_reports',
      'other_sought_reports', 'other_notretrieved_reports', 'dbr_assessed', 'dbr_excluded', 'other_assessed', 'other_excluded', 'new_studies', 'new_reports',
      'total_studies', 'total_reports', 'identification', 'screening', 'included',
    ]);
    const n = Object.fromEntries(csv.split('\r\n').slice(1).filter(Boolean).map((l) => [l.split(',')[0], l.slice(l.lastIndexOf(',') + 1)]));
    const d = flow.databases;
    expect(Number(n.previous_studies)).toBe(flow.previous.studies);
    expect(Number(n.database_results)).toBe(d.identified.total);
    expect(Number(n.duplicates)).toBe(d.removedBeforeScreening.duplicates);
    expect(Number(n.records_screened)).toBe(d.screened);
    expect(Number(n.records_excluded)).toBe(d.excluded.total);
    expect(Number(n.dbr_assessed)).toBe(d.assessed);
    expect(Number(n.other_assessed)).toBe(flow.other.assessed);
    expect(Number(n.new_studies)).toBe(flow.included.newStudies);
    expect(Number(n.total_studies)).toBe(flow.included.totalStudies);
    // Excluded reports are "Reason, n; Reason, n", as the package reads them (so that line is quoted).
    expect(csv).toMatch(/^other_excluded,.*,"(?:[^";,]+, \d+)(?:; [^";,]+, \d+)*"\r$/m);
  });

  it('records every night and every search in a manifest that runs verify finds complete', () => {
    const v = runCli(['runs', 'verify', '--json'], { db });
    expect(v.code, v.stdout).toBe(0);
    expect(JSON.parse(v.stdout)).toMatchObject({ ok: true, manifests: 28 });
  });

  it('writes a methods paragraph whose every number comes from prisma --format json, agreement or the run log', () => {
    const d = flow.databases;
    expect(methods).toContain('with 4 saved searches run by claimwatch 0.1.0 7 times on 7 nights between 2026/11/20 and 2026/11/26');
    expect(methods).toContain(`Since ${SINCE}, the searches identified ${d.identified.total} records; ${d.removedBeforeScreening.duplicates} were duplicates`);
    expect(methods).toContain(`leaving ${d.screened} records screened`);
    expect(methods).toContain(`the review includes ${flow.included.totalStudies} studies`);
    expect(methods).toContain(`${flow.included.newStudies} new studies were included`);
    expect(methods).toContain(`with the ${flow.previous.studies} studies of the previous version, less 1 no longer included (1 retracted, 0 with every tag withdrawn)`);
    const k = agreement.overall;
    expect(k.kappa).not.toBeNull();
    expect(methods).toContain(`Agreement between ann and bob on the stance of the ${k.n} paper-claim pairs both tagged was ${(k.observed! * 100).toFixed(1)}%, against ${(k.expected! * 100).toFixed(1)}% expected by chance (Cohen's kappa ${k.kappa!.toFixed(2)})`);
    expect(methods).toContain('1 tagged paper is now marked retracted in PubMed');
    // Every number in the prose (outside the queries, dates and the version) is one of those numbers.
    const known = new Set<string>();
    const collect = (v: unknown): void => {
      if (typeof v === 'number') { known.add(String(v)); known.add(v.toFixed(2)); known.add((v * 100).toFixed(1)); }
      else if (v && typeof v === 'object') for (const x of Object.values(v)) collect(x);
    };
    collect(flow);
    collect(agreement);
    const facts = JSON.parse(runCli(['methods', '--since', SINCE, '--json'], { db }).stdout) as { flow: Flow; runs: unknown; refresh: unknown; notices: unknown; searches: unknown; reviewers: unknown; doubleScreened: number; conflicts: number; reasons: unknown[] };
    expect({ ...facts.flow, generatedAt: null }).toEqual({ ...flow, generatedAt: null });
    for (const x of [facts.runs, facts.refresh, facts.notices, facts.searches, facts.reviewers, facts.doubleScreened, facts.conflicts, facts.reasons.length]) collect(x);
    const prose = methods.replace(/`[^`]*`/g, '').replace(/\d{4}[-/]\d{2}[-/]\d{2}/g, '').replace(/0\.1\.0/g, '').replace(/PRISMA 2020/g, '');
    const numbers = prose.match(/\d+(\.\d+)?/g) ?? [];
    expect(numbers.length).toBeGreaterThan(20);
    expect(numbers.filter((x) => !known.has(x))).toEqual([]);
  });

  describe.skipIf(!fs.existsSync(CHROMIUM))('the SVG in Chromium', () => {
    beforeAll(async () => {
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
      page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
      await page.setContent(`<!DOCTYPE html><html><body style="margin:0">${svg}</body></html>`);
    }, 60_000);

    it('shows each box with the number of the JSON', async () => {
      const boxes = await page.locator('g.box').evaluateAll((els) => els.map((e) => ({
        id: e.getAttribute('data-box')!, n: Number(e.getAttribute('data-n')),
        text: [...e.querySelectorAll('text')].map((t) => t.textContent ?? '').join(' ').replace(/\u00a0/g, ' '),
      })));
      const expected = boxNumbers(flow);
      const shown = Object.fromEntries(boxes.filter((b) => b.id in expected).map((b) => [b.id, b.n]));
      expect(shown).toEqual(expected);
      for (const b of boxes.filter((x) => x.id in expected)) expect(b.text.replace(/\s+/g, ' '), b.id).toContain(`(n = ${expected[b.id]})`);
      expect(boxes.map((b) => b.id)).toEqual(expect.arrayContaining(['prevstud', 'newstud', 'othstud']));
    });

    it('draws no box over another, and keeps every line of text inside its own box', async () => {
      const geometry = await page.evaluate(() => [...document.querySelectorAll('g.box, g.stage')].map((g) => {
        const r = g.querySelector('rect')!.getBoundingClientRect();
        return {
          id: g.getAttribute('data-box') ?? g.getAttribute('data-stage')!,
          rect: { l: r.left, t: r.top, r: r.right, b: r.bottom },
          texts: [...g.querySelectorAll('text')].map((t) => { const b = t.getBoundingClientRect(); return { text: t.textContent, l: b.left, t: b.top, r: b.right, b: b.bottom }; }),
        };
      }));
      expect(geometry.length).toBeGreaterThan(20);
      const overlaps: string[] = [];
      for (let i = 0; i < geometry.length; i++) {
        for (let j = i + 1; j < geometry.length; j++) {
          const a = geometry[i]!.rect;
          const b = geometry[j]!.rect;
          if (a.l < b.r && b.l < a.r && a.t < b.b && b.t < a.b) overlaps.push(`${geometry[i]!.id} / ${geometry[j]!.id}`);
        }
      }
      expect(overlaps).toEqual([]);
      const outside = geometry.flatMap((g) => g.texts.filter((t) => t.l < g.rect.l || t.r > g.rect.r || t.t < g.rect.t || t.b > g.rect.b).map((t) => `${g.id}: ${t.text}`));
      expect(outside).toEqual([]);
      // Lines within a box do not overlap each other either.
      for (const g of geometry) {
        for (let i = 1; i < g.texts.length; i++) expect(g.texts[i]!.t, `${g.id} line ${i}`).toBeGreaterThanOrEqual(g.texts[i - 1]!.b - 1);
      }
    });

    it('embeds the same diagram in the evidence report (report --format html)', async () => {
      const out = path.join(dir, 'report.html');
      await act(['report', '--format', 'html', '--since', SINCE, '--out', out], '2026-11-26 19:00:00');
      const p = await browser!.newPage({ viewport: { width: 1300, height: 900 } });
      await p.goto(`file://${out}`);
      const shown = await p.locator('section[data-section="prisma"] g.box').evaluateAll((els) => els.map((e) => [e.getAttribute('data-box'), Number(e.getAttribute('data-n'))]));
      const expected = boxNumbers(flow);
      expect(Object.fromEntries(shown.filter(([id]) => id! in expected))).toEqual(expected);
      await p.close();
    });

    it('writes a screenshot of the HTML report with the diagram', async () => {
      const p = await browser!.newPage({ viewport: { width: 1300, height: 900 } });
      await p.goto(`file://${path.join(dir, 'prisma.html')}`);
      await expect(p.locator('figure svg g.box').count()).resolves.toBe(await page.locator('g.box').count());
      const file = process.env.CLAIMWATCH_PRISMA_SCREENSHOT ?? path.join(os.tmpdir(), 'claimwatch-prisma.png');
      await p.screenshot({ path: file, fullPage: true });
      expect(fs.statSync(file).size).toBeGreaterThan(10_000);
      console.log(`screenshot: ${file}`);
    });
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture, runCli, tempDir } from '../helpers.js';
import { openLibrary } from '../../src/app/store.js';
import { classifyPaper, requireEvidenceKind } from '../../src/app/classify.js';
import { reportFromLibrary } from '../../src/app/report.js';
import { historyForPaper } from '../../src/store/history.js';
import { UsageError } from '../../src/errors.js';

const SAMPLE = fixture('efetch/julielab__pubmedsample18n0001.xml.gz');
// 8863847 is a "Retracted Publication" of the sample (cell work on rat tissue, retraction notice 9499167).
const RETRACTED = '8863847';

/** The sample as it was before 8863847's retraction was indexed (no type, no link, an older revision). */
function beforeRetraction(dir: string): string {
  const xml = gunzipSync(fs.readFileSync(SAMPLE)).toString('utf8');
  const at = xml.indexOf(`<PMID Version="1">${RETRACTED}</PMID>`);
  const start = xml.lastIndexOf('<PubmedArticle>', at);
  const end = xml.indexOf('</PubmedArticle>', at) + '</PubmedArticle>'.length;
  const record = xml.slice(start, end)
    .replace(/\s*<PublicationType[^>]*>Retracted Publication<\/PublicationType>/, '')
    .replace(/\s*<CommentsCorrections RefType="RetractionIn">[\s\S]*?<\/CommentsCorrections>/, '')
    .replace(/(<DateRevised>\s*<Year>)\d{4}/, '$11997');
  expect(record).not.toMatch(/Retract/);
  const file = path.join(dir, 'before.xml');
  fs.writeFileSync(file, xml.slice(0, start) + record + xml.slice(end));
  return file;
}

interface JsonClaim { id: string; grade: string; reason: string; deciding: number[]; papers: { pmid: number; kind: string; kindOverridden: boolean; group: string | null }[] }

describe('grades, reasons and the chain, from real records, and a retraction that moves a grade', () => {
  const dir = tempDir();
  const db = path.join(dir, 'lib.db');
  const tag = (pmid: string, claim: string, stance: string): void => {
    const r = runCli(['tag', pmid, claim, stance], { db });
    expect(r.code, r.stderr).toBe(0);
  };
  const report = (): { claims: JsonClaim[]; chain: { links: unknown[]; claims: { id: string }[]; weakest: { id: string; grade: string } | null } } => {
    const r = runCli(['report', '--format', 'json'], { db });
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout);
  };
  const claimOf = (id: string) => report().claims.find((c) => c.id === id)!;

  beforeAll(() => {
    expect(runCli(['import', beforeRetraction(dir)], { db }).code).toBe(0);
    tag(RETRACTED, 'C6', 's'); // the only support of C6
    tag('9505772', 'C3', 's'); // RCT on patients
    tag('9110943', 'C3', 's'); // meta-analysis
    tag('1875346', 'C5', 's'); // rats
    tag('3549656', 'C5', 's'); // mice
    tag('9885794', 'C5', 'q'); // rats
    tag('9505772', 'C7', 's');
    tag('9861576', 'C7', 's'); // RCT on patients, another group
    tag('1875346', 'C7', 'c');
    tag('3549656', 'C7', 'c');
  }, 60_000);

  it('grades each claim with a one-sentence reason and its deciding papers', () => {
    const r = report();
    const by = Object.fromEntries(r.claims.map((c) => [c.id, c]));
    expect(by.C3).toMatchObject({ grade: 'well supported', deciding: [9110943, 9505772] });
    expect(by.C3!.reason).toBe('well supported: 1 meta-analysis (PMID 9110943) and 1 patient RCT (PMID 9505772) from 2 groups support; strength 7 for, 0 against');
    expect(by.C5!.grade).toBe('moderately supported');
    expect(by.C5!.reason).toMatch(/^moderately supported: 2 animal studies \(PMID 1875346, 3549656\) from 2 groups support; 1 animal study \(PMID 9885794\) from 1 group qualifies; no patient data/);
    expect(by.C7!.grade).toBe('contested');
    expect(by.C1).toMatchObject({ grade: 'untested', reason: 'untested: no paper tagged yet', deciding: [] });
    expect(by.C6).toMatchObject({ grade: 'speculative', deciding: [Number(RETRACTED)] });
    expect(by.C6!.papers[0]).toMatchObject({ kind: 'in-vitro', kindOverridden: false });
    expect(by.C6!.papers[0]!.group).toMatch(/^Chen /);
    expect(r.chain.links).toContainEqual({ from: 'C3', to: 'C5' });
    expect(r.chain.claims.map((c) => c.id)).toEqual(['C3', 'C4', 'C5', 'C6', 'C7', 'C8', 'C9']);
    expect(r.chain.weakest).toEqual({ id: 'C4', grade: 'untested' });

    const text = runCli(['report', '--claim', 'C3'], { db }).stdout;
    expect(text).toMatch(/2 support · 0 qualify · 0 contradict · 0 retracted · 0 disputed\n {2}well supported: 1 meta-analysis/);
    expect(text).toMatch(/PMID 9505772.* \[rct-patients\]/);
    expect(text).toMatch(/by year \(supports\/qualifies\/contradicts, cumulative\): 1996 1\/0\/0 · 1998 2\/0\/0/);
    const full = runCli(['report'], { db }).stdout;
    expect(full).toMatch(/Mechanism chain\n {2}C3 ptsd-fear-circuit \[well supported\] -> C5 mdma-bdnf \[moderately supported\]/);
    expect(full).toMatch(/weakest link: C4 mdma-plasticity \(untested\)/);
    const md = runCli(['report', '--format', 'markdown'], { db }).stdout;
    expect(md).toMatch(/\| C7 extinction-enhanced \| .* \| 2 \| 0 \| 2 \| 0 \| 0 \| contested \|/);
    expect(md).toContain('## Mechanism chain');
  });

  it('drops the grade of a claim whose only support is retracted once the retraction is imported', () => {
    expect(runCli(['import', SAMPLE], { db }).code).toBe(0);
    const c6 = claimOf('C6');
    expect(c6).toMatchObject({ grade: 'untested', reason: 'untested: no paper counts (1 retracted paper not counted)', deciding: [] });
    expect(report().chain.weakest).toEqual({ id: 'C4', grade: 'untested' });
  });

  it('classify overrides a kind (history kept), regrades, and --clear goes back to PubMed\'s kind', () => {
    const lib = openLibrary(db);
    try {
      const set = classifyPaper(lib, { pmid: 1875346, kind: 'rct-patients', actor: 'ann', at: '2025-03-01T00:00:00.000Z' });
      expect(set).toMatchObject({ action: 'classified', derived: 'animal', from: null, to: 'rct-patients', kind: 'rct-patients' });
      const c5 = reportFromLibrary(lib, { claim: 'C5', now: 'now' }).claims[0]!;
      expect(c5.papers.find((p) => p.pmid === 1875346)).toMatchObject({ kind: 'rct-patients', kindOverridden: true });
      expect(c5.grade).toBe('well supported');
      expect(classifyPaper(lib, { pmid: 1875346, kind: 'rct-patients', actor: 'ann', at: 'x' }).action).toBe('unchanged');
      const cleared = classifyPaper(lib, { pmid: 1875346, kind: null, actor: 'bob', at: '2025-03-02T00:00:00.000Z' });
      expect(cleared).toMatchObject({ action: 'cleared', from: 'rct-patients', to: null, kind: 'animal' });
      expect(reportFromLibrary(lib, { claim: 'C5', now: 'now' }).claims[0]!.grade).toBe('moderately supported');
      expect(historyForPaper(lib, 1875346).filter((h) => h.action === 'kind-override').map((h) => [h.actor, h.oldValue, h.newValue]))
        .toEqual([['ann', 'animal', 'rct-patients'], ['bob', 'rct-patients', 'animal']]);
      expect(() => classifyPaper(lib, { pmid: 99999999, kind: 'animal', actor: 'ann', at: 'x' })).toThrow(UsageError);
    } finally {
      lib.close();
    }
    expect(() => requireEvidenceKind('rodent')).toThrow(/'rodent' is not an evidence kind: use one of meta-analysis, rct-patients, clinical-study, healthy-volunteers, animal, in-vitro, review-opinion, other/);
  });

  it('claimwatch classify sets and clears a kind from the command line, and refuses a bad kind with exit 2', () => {
    const bad = runCli(['classify', '3549656', 'rodent'], { db });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^Error: 'rodent' is not an evidence kind: use one of meta-analysis, rct-patients/);
    expect(runCli(['classify', '3549656'], { db }).code).toBe(2);
    expect(runCli(['classify', '3549656', 'animal', '--clear'], { db }).code).toBe(2);
    const set = runCli(['classify', '3549656', 'Healthy-Volunteers', '--reviewer', 'ann', '--json'], { db });
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ pmid: 3549656, action: 'classified', kind: 'healthy-volunteers', actor: 'ann' });
    expect(claimOf('C5').papers.find((p) => p.pmid === 3549656)).toMatchObject({ kind: 'healthy-volunteers', kindOverridden: true });
    const clear = runCli(['classify', '3549656', '--clear'], { db });
    expect(clear.code).toBe(0);
    expect(clear.stdout).toMatch(/PMID 3549656: override healthy-volunteers cleared; kind animal/);
    // The team log shows kind overrides with the other changes to a paper.
    const log = JSON.parse(runCli(['log', '--json', '--reviewer', 'ann'], { db }).stdout) as { action: string; kind: string; pmid: number }[];
    expect(log.find((e) => e.action === 'kind-override' && e.pmid === 3549656)).toMatchObject({ kind: 'paper' });
    expect(runCli(['classify', '11111111', 'animal'], { db }).code).toBe(2);
  });
});

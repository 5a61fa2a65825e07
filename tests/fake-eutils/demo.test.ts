import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers.js';

// `npm run demo` as a newcomer sees it (the build is the test suite's; the demo script runs as npm runs it).

describe('npm run demo', () => {
  it('says first what the stand-in holds and what the searches would ask NCBI, then ends with triage, report and the HTML report', () => {
    const dir = tempDir();
    const db = path.join(dir, 'demo.db');
    const r = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'vite-node'), [path.join(ROOT, 'tests', 'fake-eutils', 'demo.ts')], {
      cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: dir, CLAIMWATCH_DB: db, NO_COLOR: '1' }, timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const out = r.stdout;
    const queries = (JSON.parse(fs.readFileSync(path.join(ROOT, 'data', 'queries.json'), 'utf8')) as { queries: { name: string; term: string }[] }).queries;
    const searchAt = out.indexOf('$ claimwatch --db demo.db search');
    expect(searchAt).toBeGreaterThan(0);
    const before = out.slice(0, searchAt);
    expect(before).toMatch(/serves \d+ real PubMed records from \.\.\/shared\/fixtures\/pubmed; none of them is about MDMA/);
    for (const q of queries) expect(before).toContain(`  ${q.name}: ${q.term}`);
    expect(before).toContain('The stand-in holds none of them');
    expect(out).toMatch(/reading list \(the review and the papers it builds on, 11 PMIDs fetched once by ID\): 0 added; the E-utilities server sent no record for 11: 36311515, /);
    expect(out).not.toContain('not returned by PubMed');
    // The three next commands, in order, on the demo library, the report on screen.
    const triage = out.indexOf("$ printf 'q\\n' | claimwatch --db demo.db triage");
    const report = out.indexOf('$ claimwatch --db demo.db report\n');
    const html = out.indexOf('$ claimwatch --db demo.db report --format html --out report.html');
    expect(searchAt < triage && triage < report && report < html).toBe(true);
    expect(out.slice(triage, report)).toMatch(/1 of 30 {2}PMID \d+/);
    expect(out.slice(report, html)).toContain('claimwatch evidence report');
    expect(out.slice(report, html)).toContain('C9 clinical-efficacy');
    expect(fs.readFileSync(path.join(dir, 'report.html'), 'utf8')).toContain('<html');
  });
});

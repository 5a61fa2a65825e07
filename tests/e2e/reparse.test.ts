import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { fixture, runCli, tempDir } from '../helpers.js';

// `claimwatch reparse` as a user runs it, on a library whose stored title an older parser read differently.

describe('claimwatch reparse', () => {
  it('counts with --dry-run, stores without it, and names a record that no longer parses (exit 1)', () => {
    const db = path.join(tempDir(), 'lib.db');
    expect(runCli(['import', fixture('efetch/biopython__pubmed1.xml'), fixture('efetch/retractobot__pubmed_retracted_publication.xml')], { db }).code).toBe(0);
    const sql = new Database(db);
    const [first, second] = sql.prepare('SELECT pmid FROM papers ORDER BY pmid').pluck().all() as number[];
    const title = sql.prepare('SELECT title FROM papers WHERE pmid = ?').pluck().get(first);
    sql.prepare("UPDATE papers SET title = 'old reading', keywords = '[]' WHERE pmid = ?").run(first);
    sql.close();

    const dry = runCli(['reparse', '--dry-run'], { db });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('3 stored records read again: 1 paper would change, 2 unchanged, 0 no longer parse');
    expect(dry.stdout).toContain('  title: 1 paper');
    expect(dry.stdout).toContain('--dry-run');
    const check = new Database(db, { readonly: true });
    expect(check.prepare('SELECT title FROM papers WHERE pmid = ?').pluck().get(first)).toBe('old reading');
    check.close();

    const run = runCli(['reparse', '--json'], { db });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ dryRun: false, papers: 3, changed: 1, failed: 0, fields: { title: 1 } });
    const after = new Database(db);
    expect(after.prepare('SELECT title FROM papers WHERE pmid = ?').pluck().get(first)).toBe(title);
    after.prepare("UPDATE paper_raw SET raw = '<PubmedArticle><MedlineCitation>' WHERE pmid = ?").run(second);
    after.close();

    const broken = runCli(['reparse'], { db });
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('1 no longer parses');
    expect(broken.stderr).toMatch(/^Error: 1 stored record no longer parses .* left as stored: [^\n]*\n$/);
    expect(broken.stdout).toMatch(new RegExp(`PMID ${second} \\(pubmed-xml\\) left as stored: `));
    expect(runCli(['show', String(second), '--json'], { db }).code).toBe(0);
  });
});

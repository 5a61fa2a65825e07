import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fileHash, fixture, runCli, tempDir } from '../helpers.js';

const SAMPLE = fixture('efetch/julielab__pubmedsample18n0001.xml.gz');
// Three papers of the sample: two ordinary ones and 8863847, a "Retracted Publication".
const RETRACTED = '8863847';

describe('a new user: import, tag three papers, read the report', () => {
  const db = path.join(tempDir(), 'lib.db');
  let first: ReturnType<typeof runCli>;

  beforeAll(() => {
    first = runCli(['import', SAMPLE], { db });
  });

  it('imports the sample and says how many were added', () => {
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/177 added, 0 updated, 0 unchanged, 0 deleted/);
    expect(first.stderr).toBe('');
  });

  it('re-importing the same file changes nothing', () => {
    const before = runCli(['papers', '--json'], { db });
    const r = runCli(['import', SAMPLE, '--json'], { db });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ added: 0, updated: 0, unchanged: 177, deleted: 0, failed: 0 });
    expect(runCli(['papers', '--json'], { db }).stdout).toBe(before.stdout);
  });

  it('tags three papers against three claims and reports every count right', () => {
    expect(runCli(['tag', '5757641', 'C3', 'supports', '--note', 'hippocampal stimulation'], { db }).code).toBe(0);
    expect(runCli(['tag', '1875346', 'mdma-bdnf', 'q'], { db }).code).toBe(0);
    const t = runCli(['tag', RETRACTED, 'c7', 'S', '--reviewer', 'ann'], { db });
    expect(t.code).toBe(0);
    expect(t.stderr).toMatch(/retracted/);
    // A second reviewer contradicts C3 on another paper.
    expect(runCli(['tag', '3549656', 'C3', 'contradicts', '--reviewer', 'bob'], { db }).code).toBe(0);

    const r = runCli(['report', '--format', 'json'], { db });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    const counts = Object.fromEntries(report.claims.map((c: { id: string; counts: unknown }) => [c.id, c.counts]));
    expect(counts.C3).toEqual({ supports: 1, qualifies: 0, contradicts: 1, retracted: 0, disputed: 0, concern: 0 });
    expect(counts.C5).toEqual({ supports: 0, qualifies: 1, contradicts: 0, retracted: 0, disputed: 0, concern: 0 });
    expect(counts.C7).toEqual({ supports: 0, qualifies: 0, contradicts: 0, retracted: 1, disputed: 0, concern: 0 });
    expect(counts.C1).toEqual({ supports: 0, qualifies: 0, contradicts: 0, retracted: 0, disputed: 0, concern: 0 });
    expect(report.claims).toHaveLength(9);
    const c7 = report.claims.find((c: { id: string }) => c.id === 'C7');
    expect(c7.papers).toEqual([expect.objectContaining({ pmid: 8863847, stance: 'supports', retracted: true, reviewer: 'ann' })]);
    const c3 = report.claims.find((c: { id: string }) => c.id === 'C3');
    expect(c3.papers[0]).toMatchObject({ pmid: 5757641, stance: 'supports', note: 'hippocampal stimulation', reviewer: 'tester', year: 1968 });
    expect(c3.papers[0].citation).toMatch(/^\S+ .*1968, .*PMID 5757641/);
    expect(Object.keys(report).sort()).toEqual(['changes', 'chain', 'claims', 'generatedAt'].sort());
  });

  it('shows the same counts in text and markdown, with the retracted paper marked', () => {
    const text = runCli(['report', '--claim', 'C7'], { db });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/C7 extinction-enhanced/);
    expect(text.stdout).toMatch(/0 support · 0 qualify · 0 contradict · 1 retracted/);
    expect(text.stdout).toMatch(/RETRACTED \(was: supports/);
    expect(text.stdout).not.toMatch(/\u001b\[/); // not a TTY: no colour
    const md = runCli(['report', '--format', 'markdown'], { db });
    expect(md.stdout).toMatch(/\| C3 ptsd-fear-circuit \| .* \| 1 \| 0 \| 1 \| 0 \|/);
    expect(md.stdout).toMatch(/~~.*PMID 8863847.*~~ \*\*RETRACTED\*\*/);
  });

  it('writes the report to a file with --out', () => {
    const out = path.join(tempDir(), 'r.md');
    const r = runCli(['report', '--format', 'markdown', '--out', out], { db });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(fs.readFileSync(out, 'utf8')).toMatch(/^# Evidence report/);
  });

  it('says why it cannot write --out, and writes nothing', () => {
    const r = runCli(['report', '--out', path.join(tempDir(), 'no', 'such', 'r.md')], { db });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: cannot write .*r\.md: its folder does not exist/);
  });

  it('counts tags per claim in `claims`', () => {
    const r = runCli(['claims', '--json'], { db });
    const c3 = JSON.parse(r.stdout).find((c: { id: string }) => c.id === 'C3');
    expect(c3.counts).toEqual({ supports: 1, qualifies: 0, contradicts: 1, retracted: 0, disputed: 0, concern: 0 });
  });

  it('re-tagging changes the stance and keeps the whole history', () => {
    expect(runCli(['tag', '1875346', 'C5', 'contradicts', '--note', 'on second reading'], { db }).stdout).toMatch(/C5 qualifies → contradicts/);
    expect(runCli(['untag', '1875346', 'C5'], { db }).code).toBe(0);
    const h = JSON.parse(runCli(['history', '1875346', '--json'], { db }).stdout);
    expect(h.map((e: { action: string; oldValue: string | null; newValue: string | null }) => [e.action, e.oldValue, e.newValue])).toEqual([
      ['tag', null, 'qualifies'], ['retag', 'qualifies', 'contradicts'], ['untag', 'contradicts', null],
    ]);
    expect(h[1]).toMatchObject({ actor: 'tester', claimId: 'C5', note: 'on second reading' });
  });

  it('show --json has the documented shape', () => {
    const p = JSON.parse(runCli(['show', '5757641', '--json'], { db }).stdout);
    for (const k of ['pmid', 'type', 'title', 'abstract', 'authors', 'journal', 'journalAbbrev', 'year', 'doi', 'pmcid', 'publicationTypes', 'mesh', 'keywords', 'language', 'retracted', 'dismissed', 'tags']) {
      expect(p, k).toHaveProperty(k);
    }
    expect(p.pmid).toBe(5757641);
    expect(p.tags).toEqual([expect.objectContaining({ claim: 'C3', stance: 'supports', note: 'hippocampal stimulation', reviewer: 'tester' })]);
    expect(p.dismissed).toBe(false);
    expect(p.doi).toBeNull();
  });

  it('dismiss takes a paper out of the inbox and undismiss puts it back', () => {
    const inbox = (): number[] => JSON.parse(runCli(['inbox', '--json'], { db }).stdout).map((p: { pmid: number }) => p.pmid);
    const before = inbox();
    expect(before).not.toContain(5757641); // tagged
    const target = before[0]!;
    expect(runCli(['dismiss', String(target), '--reason', 'not about fear memory'], { db }).code).toBe(0);
    expect(inbox()).not.toContain(target);
    expect(JSON.parse(runCli(['papers', '--dismissed', '--json'], { db }).stdout).map((p: { pmid: number }) => p.pmid)).toEqual([target]);
    expect(runCli(['undismiss', String(target)], { db }).code).toBe(0);
    expect(inbox()).toEqual(before);
  });

  it('tagging a paper you dismissed lifts your dismissal, in the history', () => {
    const target = JSON.parse(runCli(['inbox', '--json', '--limit', '1'], { db }).stdout)[0].pmid as number;
    expect(runCli(['dismiss', String(target)], { db }).code).toBe(0);
    expect(runCli(['tag', String(target), 'C2', 'q'], { db }).code).toBe(0);
    const shown = JSON.parse(runCli(['show', String(target), '--json'], { db }).stdout);
    expect(shown.dismissed).toBe(false);
    const h = JSON.parse(runCli(['history', String(target), '--json'], { db }).stdout);
    expect(h.map((e: { action: string }) => e.action).slice(-3)).toEqual(['dismiss', 'undismiss', 'tag']);
    expect(h.at(-2)).toMatchObject({ note: 'tagged C2' });
    expect(runCli(['untag', String(target), 'C2'], { db }).code).toBe(0);
  });

  it('papers filters by tagged and by claim', () => {
    const tagged = JSON.parse(runCli(['papers', '--tagged', '--json'], { db }).stdout).map((p: { pmid: number }) => p.pmid).sort();
    expect(tagged).toEqual([3549656, 5757641, 8863847]);
    const c3 = JSON.parse(runCli(['papers', '--claim', 'ptsd-fear-circuit', '--json'], { db }).stdout).map((p: { pmid: number }) => p.pmid).sort();
    expect(c3).toEqual([3549656, 5757641]);
    const untagged = JSON.parse(runCli(['papers', '--untagged', '--json'], { db }).stdout);
    expect(untagged).toHaveLength(174);
  });
});

describe('bad input: exit 2, one line on stderr, the database byte for byte unchanged', () => {
  const db = path.join(tempDir(), 'lib.db');
  beforeAll(() => {
    expect(runCli(['import', fixture('efetch/retractobot__pubmed_citing_paper.xml')], { db }).code).toBe(0);
    expect(runCli(['tag', '33859758', 'C1', 's'], { db }).code).toBe(0);
  });
  const pmid = (): string => JSON.parse(runCli(['papers', '--json'], { db }).stdout)[0].pmid.toString();

  const cases: [string, () => string[], RegExp][] = [
    ['a PMID that is not a positive integer', () => ['tag', 'abc', 'C1', 's'], /not a PMID/],
    ['a zero PMID', () => ['show', '0'], /not a PMID/],
    ['a PMID not in the library', () => ['tag', '36311515', 'C1', 's'], /not in the library: import or fetch it first/],
    ['an unknown claim', () => ['tag', pmid(), 'C42', 's'], /unknown claim 'C42': valid claims are C1 \(prosocial-alliance\)/],
    ['an unknown stance', () => ['tag', pmid(), 'C1', 'maybe'], /unknown stance 'maybe'/],
    ['a missing argument', () => ['tag', pmid(), 'C1'], /missing required argument 'stance'/],
    ['an unknown option', () => ['tag', pmid(), 'C1', 's', '--colour'], /unknown option '--colour'/],
    ['an unknown command', () => ['tagg'], /unknown command 'tagg'/],
    ['an unknown report format', () => ['report', '--format', 'pdf'], /unknown format 'pdf'/],
    ['untagging a tag that does not exist', () => ['untag', pmid(), 'C9'], /has no tag for C9/],
    ['an unknown claim for papers --claim', () => ['papers', '--claim', 'nope'], /unknown claim 'nope'/],
    ['two filters at once', () => ['papers', '--tagged', '--dismissed'], /cannot be combined/],
    ['a bad --limit', () => ['inbox', '--limit', 'ten'], /--limit takes a positive whole number/],
    ['a duplicate claim slug', () => ['claims', 'add', 'prosocial-alliance', 'Something.'], /already exists/],
    ['a bad slug', () => ['claims', 'add', 'Bad Slug', 'Something.'], /not a valid slug/],
  ];

  it.each(cases)('%s', (_name, args, message) => {
    const before = fileHash(db);
    const r = runCli(args(), { db });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^Error: /);
    expect(r.stdout).toBe('');
    expect(fileHash(db)).toBe(before);
  });

  it('bad input does not create a database that did not exist', () => {
    const fresh = path.join(tempDir(), 'never.db');
    expect(runCli(['tag', 'x', 'C1', 's'], { db: fresh }).code).toBe(2);
    expect(fs.existsSync(fresh)).toBe(false);
  });

  it('a file that is not a database is reported, not overwritten', () => {
    const notDb = path.join(tempDir(), 'notes.txt');
    fs.writeFileSync(notDb, 'my notes, not a database\n'.repeat(100));
    const before = fileHash(notDb);
    const r = runCli(['claims'], { db: notDb });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not a SQLite database|not a claimwatch database/);
    expect(fileHash(notDb)).toBe(before);
  });
});

describe('import failures', () => {
  it('rolls a bad file back whole, imports the others, exits 1 and names the file and the reason', () => {
    const dir = tempDir();
    const db = path.join(dir, 'lib.db');
    const xml = fs.readFileSync(fixture('efetch/julielab__pubmed18n0740_7_eval_files.xml'), 'utf8');
    const truncated = path.join(dir, 'truncated.xml');
    fs.writeFileSync(truncated, xml.slice(0, Math.floor(xml.length * 0.6)));
    const notXml = path.join(dir, 'notes.txt');
    fs.writeFileSync(notXml, 'Dear colleague, here are the papers.\n');
    const empty = fixture('errors/efetch-pubmed-empty-set-unknown-ids.xml');
    const r = runCli(['import', truncated, fixture('efetch/biopython__pubmed1.xml'), notXml, empty, path.join(dir, 'missing.xml'), '--json'], { db });
    expect(r.code).toBe(1);
    const s = JSON.parse(r.stdout);
    expect(s.failed).toBe(4);
    expect(s.added).toBe(2);
    const errs = r.stderr.trimEnd().split('\n');
    expect(errs).toHaveLength(4);
    expect(errs[0]).toMatch(/truncated\.xml: .*(truncated|not closed)/);
    expect(errs[1]).toMatch(/notes\.txt: not PubMed XML or MEDLINE/);
    expect(errs[2]).toMatch(/efetch-pubmed-empty-set-unknown-ids\.xml: no PubMed records/);
    expect(errs[3]).toMatch(/missing\.xml: no such file/);
    // Nothing of the truncated file was kept, though its first records were complete.
    const papers = JSON.parse(runCli(['papers', '--json'], { db }).stdout);
    expect(papers).toHaveLength(2);
  });

  it('reads standard input with -, plain or gzipped, as a pipe from efetch would give it', () => {
    const db = path.join(tempDir(), 'lib.db');
    const xml = fs.readFileSync(fixture('efetch/biopython__pubmed2.xml'));
    const plain = runCli(['import', '-', '--json'], { db, input: xml });
    expect(plain.code).toBe(0);
    expect(JSON.parse(plain.stdout)).toMatchObject({ added: 2, files: [{ file: 'stdin', format: 'pubmed-xml' }] });
    const gz = runCli(['import', '-', '--json'], { db, input: fs.readFileSync(SAMPLE) });
    expect(JSON.parse(gz.stdout)).toMatchObject({ added: 177 });
    const empty = runCli(['import', '-'], { db, input: '' });
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/^Error: stdin: the file is empty/);
  });

  it('recognises MEDLINE text by content, whatever the file is called', () => {
    const dir = tempDir();
    const db = path.join(dir, 'lib.db');
    const renamed = path.join(dir, 'export.xml');
    fs.copyFileSync(fixture('medline/biopython__pubmed_result2.txt'), renamed);
    const r = runCli(['import', renamed, '--json'], { db });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).files[0].format).toBe('medline');
    expect(JSON.parse(r.stdout).added).toBeGreaterThan(0);
  });

  it('marks DeleteCitation PMIDs deleted and keeps their tags', () => {
    const dir = tempDir();
    const db = path.join(dir, 'lib.db');
    expect(runCli(['import', fixture('efetch/biopython__pubmed1.xml')], { db }).code).toBe(0);
    const [a] = JSON.parse(runCli(['papers', '--json'], { db }).stdout);
    expect(runCli(['tag', String(a.pmid), 'C4', 's'], { db }).code).toBe(0);
    const update = path.join(dir, 'update.xml');
    fs.writeFileSync(update, `<?xml version="1.0"?>\n<PubmedArticleSet>\n<DeleteCitation>\n<PMID Version="1">${a.pmid}</PMID>\n<PMID Version="1">1</PMID>\n</DeleteCitation>\n</PubmedArticleSet>\n`);
    const r = runCli(['import', update, '--json'], { db });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).deleted).toBe(1);
    const shown = JSON.parse(runCli(['show', String(a.pmid), '--json'], { db }).stdout);
    expect(shown.deleted).toBe(true);
    expect(shown.tags).toHaveLength(1);
    expect(runCli(['history', String(a.pmid)], { db }).stdout).toMatch(/paper-deleted/);
  });
});

describe('claims management', () => {
  const db = path.join(tempDir(), 'lib.db');
  it('adds, edits (keeping the old statement in history), retires and restores a claim', () => {
    const add = runCli(['claims', 'add', 'fear-renewal', 'MDMA reduces the renewal of extinguished fear.', '--keywords', 'renewal, context', '--depends-on', 'C7', '--json'], { db });
    expect(add.code).toBe(0);
    expect(JSON.parse(add.stdout)).toMatchObject({ id: 'C10', slug: 'fear-renewal', keywords: ['renewal', 'context'], dependsOn: ['C7'] });
    expect(runCli(['claims', 'edit', 'c10', '--statement', 'MDMA reduces fear renewal in a new context.'], { db }).code).toBe(0);
    const shown = JSON.parse(runCli(['claims', 'show', 'fear-renewal', '--json'], { db }).stdout);
    expect(shown.statement).toBe('MDMA reduces fear renewal in a new context.');
    expect(shown.history.map((h: { action: string; oldValue: string | null }) => [h.action, h.oldValue])).toEqual([
      ['claim-add', null], ['claim-edit-statement', 'MDMA reduces the renewal of extinguished fear.'],
    ]);
    expect(runCli(['import', fixture('efetch/biopython__pubmed2.xml')], { db }).code).toBe(0);
    const pmid = String(JSON.parse(runCli(['papers', '--json'], { db }).stdout)[0].pmid);
    expect(runCli(['tag', pmid, 'C10', 'q'], { db }).code).toBe(0);
    expect(runCli(['claims', 'retire', 'C10'], { db }).code).toBe(0);
    const refused = runCli(['tag', pmid, 'C10', 's'], { db });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/retired: restore it first/);
    const list = JSON.parse(runCli(['claims', '--json'], { db }).stdout);
    expect(list.find((c: { id: string }) => c.id === 'C10')).toMatchObject({ counts: { qualifies: 1 } });
    expect(list.find((c: { id: string }) => c.id === 'C10').retiredAt).not.toBeNull();
    expect(JSON.parse(runCli(['report', '--format', 'json'], { db }).stdout).claims.map((c: { id: string }) => c.id)).not.toContain('C10');
    expect(runCli(['claims', 'restore', 'C10'], { db }).code).toBe(0);
    expect(runCli(['tag', pmid, 'C10', 's'], { db }).code).toBe(0);
  });
});

describe('the database location', () => {
  it('uses --db over CLAIMWATCH_DB over XDG_DATA_HOME', () => {
    const dir = tempDir();
    const xdg = path.join(dir, 'xdg');
    expect(runCli(['claims'], { env: { XDG_DATA_HOME: xdg } }).code).toBe(0);
    expect(fs.existsSync(path.join(xdg, 'claimwatch', 'claimwatch.db'))).toBe(true);
    const envDb = path.join(dir, 'env.db');
    expect(runCli(['claims'], { env: { XDG_DATA_HOME: xdg, CLAIMWATCH_DB: envDb } }).code).toBe(0);
    expect(fs.existsSync(envDb)).toBe(true);
    const flagDb = path.join(dir, 'flag.db');
    expect(runCli(['--db', flagDb, 'claims'], { env: { CLAIMWATCH_DB: envDb } }).code).toBe(0);
    expect(fs.existsSync(flagDb)).toBe(true);
  });

  it('falls back to ~/.local/share when XDG_DATA_HOME is unset', () => {
    const home = tempDir();
    expect(runCli(['claims'], { env: { HOME: home } }).code).toBe(0);
    expect(fs.existsSync(path.join(home, '.local', 'share', 'claimwatch', 'claimwatch.db'))).toBe(true);
  });
});

describe('output conventions', () => {
  it('prints help and version with exit 0', () => {
    expect(runCli(['--help']).code).toBe(0);
    expect(runCli(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
  it('--json output is exactly one JSON document', () => {
    const db = path.join(tempDir(), 'lib.db');
    for (const args of [['claims', '--json'], ['inbox', '--json'], ['papers', '--json'], ['report', '--format', 'json']]) {
      const r = runCli(args, { db });
      expect(() => JSON.parse(r.stdout), args.join(' ')).not.toThrow();
    }
  });
});

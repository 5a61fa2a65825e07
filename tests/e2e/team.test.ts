import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fileHash, fixture, runCli, tempDir } from '../helpers.js';

const SAMPLE = fixture('efetch/julielab__pubmedsample18n0001.xml.gz');
// 8863847 is a "Retracted Publication" of the sample (retraction notice 9499167).
const RETRACTED = '8863847';

// Two reviewers on C7 (rows ann, columns bob; supports, qualifies, contradicts):
//   [2 0 1]   n = 6, po = 4/6; row sums 3, 2, 1; column sums 3, 1, 2
//   [1 1 0]   pe = (3*3 + 2*1 + 1*2) / 36 = 13/36
//   [0 0 1]   kappa = (24/36 - 13/36) / (23/36) = 11/23 = 0.478
const C7: [string, string, string, string?, string?][] = [
  ['29049350', 's', 's'],
  ['28726616', 's', 's'],
  ['28647898', 'q', 'q'],
  ['27763809', 'c', 'c'],
  ['27687975', 's', 'c', 'mice, fear extinction', 'impaired retention'],
  ['27687974', 'q', 's'],
];

describe('several reviewers: agreement, conflicts, log and the disputed report', () => {
  const db = path.join(tempDir(), 'lib.db');
  const tag = (pmid: string, claim: string, stance: string, reviewer: string, note?: string): void => {
    const r = runCli(['tag', pmid, claim, stance, '--reviewer', reviewer, ...(note ? ['--note', note] : [])], { db });
    expect(r.code, r.stderr).toBe(0);
  };

  beforeAll(() => {
    expect(runCli(['import', SAMPLE], { db }).code).toBe(0);
    for (const [pmid, a, b, na, nb] of C7) {
      tag(pmid, 'C7', a, 'ann', na);
      tag(pmid, 'C7', b, 'bob', nb);
    }
    tag('25143782', 'C7', 's', 'ann'); // ann only: not in the agreement
    tag('29049350', 'C5', 's', 'ann');
    tag('29049350', 'C5', 's', 'bob');
    // Both tag a retracted paper, differently: the tags stay, it counts only as retracted.
    tag(RETRACTED, 'C8', 's', 'ann');
    tag(RETRACTED, 'C8', 'c', 'bob');
    expect(runCli(['claims', 'edit', 'C7', '--statement', 'MDMA enhances fear extinction.', '--reviewer', 'carol'], { db }).code).toBe(0);
  }, 60_000);

  it('computes Cohen\'s kappa per claim and pooled, with the confusion matrix', () => {
    const r = runCli(['agreement', '--reviewers', 'ann,bob', '--json'], { db });
    expect(r.code).toBe(0);
    const a = JSON.parse(r.stdout);
    expect(a.reviewers).toEqual(['ann', 'bob']);
    const c7 = a.claims.find((c: { claim: string }) => c.claim === 'C7');
    expect(c7).toMatchObject({ n: 6, categories: ['supports', 'qualifies', 'contradicts'], matrix: [[2, 0, 1], [1, 1, 0], [0, 0, 1]] });
    expect(c7.observed).toBeCloseTo(4 / 6, 12);
    expect(c7.expected).toBeCloseTo(13 / 36, 12);
    expect(c7.kappa).toBeCloseTo(11 / 23, 12);
    // C5: one paper, both "supports": pe = 1, kappa undefined.
    expect(a.claims.find((c: { claim: string }) => c.claim === 'C5')).toMatchObject({ n: 1, observed: 1, expected: 1, kappa: null });
    // C8 (the retracted paper still shows how the reviewers judged it): po = 0, pe = 0, kappa 0.
    expect(a.claims.find((c: { claim: string }) => c.claim === 'C8')).toMatchObject({ n: 1, kappa: 0 });
    // Pooled: [[3,0,2],[1,1,0],[0,0,1]], n = 8, po = 40/64, pe = (5*4 + 2*1 + 1*3)/64 = 25/64, kappa = 15/39.
    expect(a.overall).toMatchObject({ n: 8, matrix: [[3, 0, 2], [1, 1, 0], [0, 0, 1]] });
    expect(a.overall.kappa).toBeCloseTo(15 / 39, 12);

    const text = runCli(['agreement', '--reviewers', 'ann,bob', '--claim', 'C7'], { db });
    expect(text.stdout).toMatch(/C7 extinction-enhanced: n=6, observed 0\.667, expected 0\.361, kappa 0\.478/);
    expect(text.stdout).toMatch(/supports\s+2\s+0\s+1/);
    const c5 = runCli(['agreement', '--reviewers', 'ann,bob', '--claim', 'C5'], { db });
    expect(c5.stdout).toMatch(/n=1, observed 1\.000, expected 1\.000, kappa n\/a \(expected agreement is 1/);
  });

  it('answers n=0 and kappa n/a (exit 0) for reviewers with no paper in common', () => {
    const r = runCli(['agreement', '--reviewers', 'ann,nobody', '--json'], { db });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).overall).toMatchObject({ n: 0, observed: null, expected: null, kappa: null });
    const t = runCli(['agreement', '--reviewers', 'ann,nobody', '--claim', 'C7'], { db });
    expect(t.stdout).toMatch(/n=0, kappa n\/a \(no paper was tagged by both reviewers\)/);
  });

  it('refuses a malformed --reviewers, a missing one and an unknown claim with exit 2, writing nothing', () => {
    const before = fileHash(db);
    for (const args of [['agreement', '--reviewers', 'ann'], ['agreement', '--reviewers', 'ann,ann'], ['agreement', '--reviewers', 'a,b,c'], ['agreement'], ['agreement', '--reviewers', 'ann,bob', '--claim', 'C99']]) {
      const r = runCli(args, { db });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^Error: /);
      expect(r.stdout).toBe('');
    }
    expect(fileHash(db)).toBe(before);
  });

  it('lists each conflict with every reviewer\'s stance, note, the title and the tag command that resolves it', () => {
    const r = runCli(['conflicts', '--json'], { db });
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout);
    expect(list.map((c: { pmid: number; claim: string }) => `${c.pmid} ${c.claim}`)).toEqual(['27687974 C7', '27687975 C7', `${RETRACTED} C8`]);
    expect(list[1]).toMatchObject({
      title: 'Novel roles for the radial spoke head protein 9 in neural and neurosensory cilia.',
      retracted: false,
      tags: [
        { reviewer: 'ann', stance: 'supports', note: 'mice, fear extinction' },
        { reviewer: 'bob', stance: 'contradicts', note: 'impaired retention' },
      ],
    });
    expect(list[2].retracted).toBe(true);

    const text = runCli(['conflicts', '--claim', 'C7'], { db });
    expect(text.stdout).toMatch(/^2 conflicts/);
    expect(text.stdout).toContain('claimwatch tag 27687975 C7 supports --reviewer bob');
    expect(text.stdout).not.toContain(RETRACTED);

    // One command per reviewer to change, for each stance taken (the last test runs one).
    expect(list[0].resolutions).toEqual([
      { stance: 'supports', commands: ['claimwatch tag 27687974 C7 supports --reviewer ann'] },
      { stance: 'qualifies', commands: ['claimwatch tag 27687974 C7 qualifies --reviewer bob'] },
    ]);
  });

  it('reports a disputed paper once, under disputed, with both stances, in json, text and markdown', () => {
    const r = runCli(['report', '--format', 'json'], { db });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    const claimOf = (id: string) => report.claims.find((c: { id: string }) => c.id === id);
    const c7 = claimOf('C7');
    expect(c7.counts).toEqual({ supports: 3, qualifies: 1, contradicts: 1, retracted: 0, disputed: 2, concern: 0 });
    expect(c7.papers.filter((p: { disputed: boolean }) => p.disputed).map((p: { pmid: number; stance: string; reviewer: string }) => [p.pmid, p.stance, p.reviewer]))
      .toEqual([[27687974, 'supports', 'bob'], [27687974, 'qualifies', 'ann'], [27687975, 'supports', 'ann'], [27687975, 'contradicts', 'bob']]);
    expect(claimOf('C5').counts).toEqual({ supports: 1, qualifies: 0, contradicts: 0, retracted: 0, disputed: 0, concern: 0 });
    // Retracted wins over disputed, and both reviewers' tags are kept and marked.
    const c8 = claimOf('C8');
    expect(c8.counts).toEqual({ supports: 0, qualifies: 0, contradicts: 0, retracted: 1, disputed: 0, concern: 0 });
    // `claims` counts exactly as the report does.
    const listed = JSON.parse(runCli(['claims', '--json'], { db }).stdout) as { id: string; counts: unknown }[];
    expect(listed.find((c) => c.id === 'C7')!.counts).toEqual(c7.counts);
    expect(listed.find((c) => c.id === 'C8')!.counts).toEqual(c8.counts);
    expect(c8.papers.map((p: { reviewer: string; stance: string; retracted: boolean; disputed: boolean }) => [p.reviewer, p.stance, p.retracted, p.disputed]))
      .toEqual([['ann', 'supports', true, false], ['bob', 'contradicts', true, false]]);
    expect(c7).not.toHaveProperty('statementHistory');

    const text = runCli(['report', '--claim', 'C7'], { db }).stdout;
    expect(text).toMatch(/3 support · 1 qualify · 1 contradict · 0 retracted · 2 disputed/);
    expect(text).toMatch(/Disputed \(reviewers differ/);
    expect(text).toMatch(/PMID 27687975.*\n.*\n\s+supports\s+by ann "mice, fear extinction"\n\s+contradicts by bob "impaired retention"/);
    const c8text = runCli(['report', '--claim', 'C8'], { db }).stdout;
    expect(c8text).toMatch(/0 support · 0 qualify · 0 contradict · 1 retracted · 0 disputed/);
    expect(c8text).toMatch(/RETRACTED \(was: supports/);
    expect(c8text).toMatch(/RETRACTED \(was: contradicts/);

    const md = runCli(['report', '--format', 'markdown'], { db }).stdout;
    expect(md).toMatch(/\| C7 extinction-enhanced \| .* \| 3 \| 1 \| 1 \| 0 \| 2 \|/);
    expect(md).toMatch(/\| C8 reconsolidation \| .* \| 0 \| 0 \| 0 \| 1 \| 0 \|/);
    expect(md).toMatch(/### Disputed[\s\S]*PMID 27687975[\s\S]*\*\*supports\*\* — ann “mice, fear extinction”\n {2}- \*\*contradicts\*\* — bob “impaired retention”/);
  });

  it('with --verbose, shows when the statement was edited, by whom, and what it said before', () => {
    const json = JSON.parse(runCli(['report', '--format', 'json', '--verbose'], { db }).stdout);
    const c7 = json.claims.find((c: { id: string }) => c.id === 'C7');
    expect(c7.statement).toBe('MDMA enhances fear extinction.');
    expect(c7.statementHistory).toEqual([expect.objectContaining({
      claimId: 'C7', actor: 'carol', from: 'MDMA enhances fear-extinction learning and its retention.', to: 'MDMA enhances fear extinction.',
    })]);
    expect(json.claims.find((c: { id: string }) => c.id === 'C5').statementHistory).toEqual([]);
    const text = runCli(['report', '--claim', 'C7', '--verbose'], { db }).stdout;
    expect(text).toMatch(/statement edited \d{4}-\d\d-\d\dT\S+ by carol; before: "MDMA enhances fear-extinction learning and its retention\."/);
    const md = runCli(['report', '--format', 'markdown', '--claim', 'C7', '--verbose'], { db }).stdout;
    expect(md).toMatch(/Statement history:\n\n- \S+, carol; before: “MDMA enhances fear-extinction learning and its retention\.”/);
    expect(runCli(['report', '--claim', 'C7'], { db }).stdout).not.toMatch(/statement edited/);
  });

  it('logs every change newest first, filtered by reviewer, date and limit', () => {
    const all = JSON.parse(runCli(['log', '--json'], { db }).stdout);
    expect(all[0]).toMatchObject({ actor: 'carol', kind: 'claim', action: 'claim-edit-statement', claimId: 'C7' });
    expect(all[1]).toMatchObject({ actor: 'bob', kind: 'tag', action: 'tag', pmid: Number(RETRACTED), claimId: 'C8', oldValue: null, newValue: 'contradicts' });
    expect(all[2]).toMatchObject({ actor: 'ann', kind: 'tag', action: 'tag', pmid: Number(RETRACTED), claimId: 'C8', newValue: 'supports' });
    const ats = all.map((e: { at: string }) => e.at);
    expect([...ats].sort().reverse()).toEqual(ats);
    // The seeded claims are there too, as claim-add by claimwatch, oldest.
    expect(all.at(-1)).toMatchObject({ actor: 'claimwatch', kind: 'claim', action: 'claim-add' });

    const bob = JSON.parse(runCli(['log', '--reviewer', 'bob', '--json'], { db }).stdout);
    expect(bob).toHaveLength(C7.length + 2);
    expect(bob.every((e: { actor: string }) => e.actor === 'bob')).toBe(true);

    const two = JSON.parse(runCli(['log', '--limit', '2', '--json'], { db }).stdout);
    expect(two).toEqual(all.slice(0, 2));
    expect(JSON.parse(runCli(['log', '--since', '2999-01-01', '--json'], { db }).stdout)).toEqual([]);
    expect(JSON.parse(runCli(['log', '--since', '2000/01/01', '--json'], { db }).stdout)).toEqual(all);
    const today = (all[0].at as string).slice(0, 10);
    expect(JSON.parse(runCli(['log', '--since', today, '--json'], { db }).stdout).length).toBeGreaterThan(0);

    const text = runCli(['log', '--reviewer', 'ann', '--limit', '1'], { db }).stdout;
    expect(text.trim().split('\n')).toHaveLength(1);
    expect(text).toMatch(/ann\s+tag\s+tag\s+PMID 8863847 C8\s+- → supports/);
    expect(runCli(['log', '--reviewer', 'nobody'], { db }).stdout).toMatch(/No changes match/);
  });

  it('refuses a bad --since or --limit with one line and exit 2', () => {
    for (const v of ['yesterday', '2025-13-01', '2025-02-30', '2025-01/02', '20250101']) {
      const r = runCli(['log', '--since', v], { db });
      expect(r.code, v).toBe(2);
      expect(r.stderr).toBe(`Error: --since takes a date as YYYY-MM-DD or YYYY/MM/DD, such as 2025-01-31, not '${v}'\n`);
    }
    expect(runCli(['log', '--limit', '0'], { db }).code).toBe(2);
  });

  it('a conflict resolved with the hinted tag command leaves the conflicts and the disputed count', () => {
    const list = JSON.parse(runCli(['conflicts', '--claim', 'C7', '--json'], { db }).stdout);
    const hint = list.find((c: { pmid: number }) => c.pmid === 27687975).resolutions.find((x: { stance: string }) => x.stance === 'contradicts').commands[0] as string;
    expect(hint).toBe('claimwatch tag 27687975 C7 contradicts --reviewer ann');
    expect(runCli(hint.split(' ').slice(1), { db }).code).toBe(0);
    const after = JSON.parse(runCli(['conflicts', '--claim', 'C7', '--json'], { db }).stdout);
    expect(after.map((c: { pmid: number }) => c.pmid)).toEqual([27687974]);
    const c7 = JSON.parse(runCli(['report', '--format', 'json', '--claim', 'C7'], { db }).stdout).claims[0];
    expect(c7.counts).toEqual({ supports: 3, qualifies: 1, contradicts: 2, retracted: 0, disputed: 1, concern: 0 });
  });
});

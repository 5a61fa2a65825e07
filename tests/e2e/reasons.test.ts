import path from 'node:path';
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { fileHash, fixture, runCli, tempDir } from '../helpers.js';

const SAMPLE = fixture('efetch/julielab__pubmedsample18n0001.xml.gz');

function library(): string {
  const db = path.join(tempDir(), 'lib.db');
  expect(runCli(['import', SAMPLE], { db }).code).toBe(0);
  return db;
}

describe('exclusion reasons', () => {
  it('lists the shipped reasons by number, and takes new ones and new words, keeping the old words in the history', () => {
    const db = library();
    const list = runCli(['reasons'], { db });
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n').slice(0, 6).map((l) => l.trim().split(/\s+/).slice(0, 2).join(' '))).toEqual([
      '1 wrong-population', '2 wrong-intervention', '3 wrong-outcome', '4 not-primary-research', '5 off-topic', '6 duplicate',
    ]);
    expect(runCli(['reasons', 'add', 'wrong-design', 'wrong study design', '--reviewer', 'ann'], { db }).stdout).toBe('Added reason 7 wrong-design: wrong study design\n');
    expect(runCli(['reasons', 'edit', '7', 'wrong study design (not an experiment)', '--reviewer', 'ann'], { db }).code).toBe(0);
    const j = JSON.parse(runCli(['reasons', '--json'], { db }).stdout) as { number: number; code: string; label: string; dismissals: number }[];
    expect(j[6]).toEqual({ number: 7, code: 'wrong-design', label: 'wrong study design (not an experiment)', dismissals: 0 });
    const before = fileHash(db);
    expect(runCli(['reasons', 'add', 'Bad Code', 'x'], { db })).toMatchObject({ code: 2, stderr: 'Error: reason code "Bad Code" is not lower-case words joined by dashes: use e.g. wrong-study-design\n' });
    expect(runCli(['reasons', 'add', 'again', 'off-topic'], { db }).stderr).toBe("Error: reason 5 (off-topic: off-topic) already exists: use it, or change it with 'claimwatch reasons edit 5 LABEL'\n");
    expect(runCli(['reasons', 'edit', '99', 'x'], { db }).code).toBe(2);
    expect(fileHash(db)).toBe(before);
    const raw = new Database(db, { readonly: true });
    const history = raw.prepare("SELECT actor, action, old_value AS old, new_value AS new, reason_code AS code FROM history WHERE action LIKE 'reason-%' AND actor = 'ann' ORDER BY id").all();
    raw.close();
    expect(history).toEqual([
      { actor: 'ann', action: 'reason-add', old: null, new: 'wrong study design', code: 'wrong-design' },
      { actor: 'ann', action: 'reason-edit', old: 'wrong study design', new: 'wrong study design (not an experiment)', code: 'wrong-design' },
    ]);
  });

  it('dismiss --reason takes a number or a code and keeps free text; an unknown number is refused and nothing is written', () => {
    const db = library();
    expect(runCli(['dismiss', '29049350', '--reason', '5', '--reviewer', 'ann'], { db }).stdout).toBe('Dismissed PMID 29049350: off-topic (ann)\n');
    expect(runCli(['dismiss', '29049350', '--reason', 'off-topic', '--reviewer', 'ann'], { db }).stdout).toContain('nothing changed');
    expect(runCli(['dismiss', '28726616', '--reason', 'rats only', '--reviewer', 'ann'], { db }).code).toBe(0);
    expect(runCli(['dismiss', '28647898', '--reason', 'Wrong Population', '--reviewer', 'bob'], { db }).code).toBe(0);
    const before = fileHash(db);
    const bad = runCli(['dismiss', '27763809', '--reason', '12', '--reviewer', 'ann'], { db });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^Error: there is no exclusion reason 12: choose one of 1 wrong-population, .*, 6 duplicate \(claimwatch reasons\), or give the reason in words\n$/);
    expect(fileHash(db)).toBe(before);
    const shown = JSON.parse(runCli(['show', '29049350', '--json'], { db }).stdout) as { dismissals: { reviewer: string; reason: string }[] };
    expect(shown.dismissals).toEqual([expect.objectContaining({ reviewer: 'ann', reason: 'off-topic' })]);
    const uses = JSON.parse(runCli(['reasons', '--json'], { db }).stdout) as { code: string; dismissals: number }[];
    expect(uses.filter((r) => r.dismissals).map((r) => [r.code, r.dismissals])).toEqual([['wrong-population', 1], ['off-topic', 1]]);
  });

  it('travel with tags export and import, by code, and an import that names a reason this library lacks is refused whole', () => {
    const a = library();
    expect(runCli(['dismiss', '29049350', '--reason', '4', '--reviewer', 'bob'], { db: a }).code).toBe(0);
    expect(runCli(['dismiss', '28726616', '--reason', 'rats only', '--reviewer', 'bob'], { db: a }).code).toBe(0);
    const file = path.join(tempDir(), 'bob.jsonl');
    expect(runCli(['tags', 'export', '--reviewer', 'bob', '--out', file], { db: a }).code).toBe(0);
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.pmid, l.note, l.reason])).toEqual([[29049350, 'not primary research', 'not-primary-research'], [28726616, 'rats only', undefined]]);

    const b = library();
    expect(runCli(['tags', 'import', file], { db: b }).code).toBe(0);
    const uses = JSON.parse(runCli(['reasons', '--json'], { db: b }).stdout) as { code: string; dismissals: number }[];
    expect(uses.find((r) => r.code === 'not-primary-research')!.dismissals).toBe(1);
    // Exported again from b, the events are the same lines.
    expect(runCli(['tags', 'export', '--reviewer', 'bob'], { db: b }).stdout).toBe(fs.readFileSync(file, 'utf8'));

    const c = library();
    const odd = fs.readFileSync(file, 'utf8').replace('"reason":"not-primary-research"', '"reason":"wrong-design"');
    const oddFile = path.join(tempDir(), 'odd.jsonl');
    fs.writeFileSync(oddFile, odd);
    const before = fileHash(c);
    const r = runCli(['tags', 'import', oddFile], { db: c });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("Error: the file dismisses papers for exclusion reasons this library does not have (wrong-design): add them first (claimwatch reasons add wrong-design 'not primary research'), then import the file again (nothing imported)\n");
    expect(fileHash(c)).toBe(before);
  });
});

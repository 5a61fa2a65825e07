import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, fixture, runCli, tempDir } from '../helpers.js';

const SAMPLE = fixture('efetch/julielab__pubmedsample18n0001.xml.gz');
// Three papers of the julielab sample are about Corynebacterium and diphtheria; one is about ocean plankton.
const DIPHTHERIA = [29049350, 28726616, 28647898];
const PLANKTON = 27687974;

interface InboxPaper { pmid: number; score: number | null; title: string }
const inbox = (db: string, ...args: string[]): InboxPaper[] => JSON.parse(runCli(['inbox', '--json', ...args], { db }).stdout) as InboxPaper[];

function library(): string {
  const db = path.join(tempDir(), 'lib.db');
  expect(runCli(['import', SAMPLE], { db }).code).toBe(0);
  return db;
}

/** A porcelain triage driven as a script would: write one line, read one JSON line back. */
function porcelain(db: string, args: string[] = []): { next: () => Promise<Record<string, any>>; send: (line: string) => Promise<Record<string, any>>; exit: Promise<{ code: number | null; stderr: string }> } {
  const child = spawn(process.execPath, [BIN, 'triage', '--porcelain', ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: tempDir(), CLAIMWATCH_DB: db, CLAIMWATCH_REVIEWER: 'tester' },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines: string[] = [];
  const waiting: ((l: string) => void)[] = [];
  readline.createInterface({ input: child.stdout }).on('line', (l) => {
    const w = waiting.shift();
    if (w) w(l);
    else lines.push(l);
  });
  const next = (): Promise<Record<string, any>> => new Promise<string>((resolve, reject) => {
    const l = lines.shift();
    if (l !== undefined) return resolve(l);
    const timer = setTimeout(() => reject(new Error(`no line from triage --porcelain; stderr: ${stderr}`)), 15_000);
    waiting.push((x) => {
      clearTimeout(timer);
      resolve(x);
    });
  }).then((l) => JSON.parse(l) as Record<string, any>);
  const send = (line: string): Promise<Record<string, any>> => {
    child.stdin.write(`${line}\n`);
    return next();
  };
  const exit = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stderr })));
  return { next, send, exit };
}

describe('the ranked inbox on the julielab sample', () => {
  let db: string;
  beforeAll(() => {
    db = library();
  });

  it('is newest first with no score before there is a tag and a dismissal', () => {
    const cold = inbox(db);
    expect(cold).toHaveLength(177);
    expect(cold.every((p) => p.score === null)).toBe(true);
    expect(cold.map((p) => p.pmid)).toEqual(inbox(db, '--order', 'newest').map((p) => p.pmid));
    expect(runCli(['inbox', '--limit', '3'], { db }).stdout).toMatch(/Newest first \(the ranking starts after one tag and one dismissal\)/);
  });

  it('after one tag and one dismissal, puts the papers like the tagged one first, with their scores', () => {
    expect(runCli(['tag', String(DIPHTHERIA[2]), 'C3', 'supports'], { db }).code).toBe(0);
    expect(runCli(['dismiss', String(PLANKTON)], { db }).code).toBe(0);
    const ranked = inbox(db);
    expect(ranked).toHaveLength(175);
    expect(ranked.slice(0, 2).map((p) => p.pmid).sort()).toEqual([DIPHTHERIA[0], DIPHTHERIA[1]].sort());
    const scores = ranked.map((p) => p.score!);
    expect(scores.every((s) => s > 0 && s < 1)).toBe(true);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    // --order newest keeps today's order (and builds no ranking: no score).
    const newest = inbox(db, '--order', 'newest', '--limit', '3');
    expect(newest.map((p) => p.pmid)).toEqual([DIPHTHERIA[0], DIPHTHERIA[1], 27763809]);
    expect(newest.every((p) => p.score === null)).toBe(true);
    const text = runCli(['inbox', '--limit', '2'], { db }).stdout;
    expect(text).toMatch(/Most likely to matter first \(ranked by the decisions so far\)\. Screening: 1 relevant found; too few decisions/);
  });

  it('refuses an unknown --order with exit 2', () => {
    for (const cmd of [['inbox'], ['triage']]) {
      const r = runCli([...cmd, '--order', 'oldest'], { db, input: '' });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe("Error: --order takes 'ranked' or 'newest', not 'oldest'\n");
    }
  });
});

describe('triage --porcelain, driven line by line', () => {
  it('starts cold in today\'s order, learns from a tag and a dismissal before the next card, and an undo takes it back', async () => {
    const db = library();
    const newest = inbox(db, '--order', 'newest').map((p) => p.pmid);
    expect(newest[0]).toBe(DIPHTHERIA[0]);
    // A dismissal alone is not enough to rank by.
    expect(runCli(['dismiss', String(PLANKTON)], { db }).code).toBe(0);
    const t = porcelain(db);
    const first = await t.next();
    expect(first).toMatchObject({ type: 'card', pmid: String(newest[0]), position: 1, remaining: 175, order: 'newest', score: null, stop: false });
    expect(first.estimate).toMatchObject({ phase: 'cold', found: 0, screened: 1 });
    // The first paper is about diphtheria: tag it. The card comes back ranked: the tag is learned already.
    const tagged = await t.send('C3 s');
    expect(tagged).toMatchObject({ type: 'card', pmid: String(newest[0]), order: 'ranked', event: { kind: 'tagged', claim: 'C3', stance: 'supports' } });
    expect(tagged.estimate).toMatchObject({ phase: 'ranking', found: 1, screened: 2 });
    // A comment gets no answer; the next line does: the next card is another diphtheria paper, not the next newest.
    const second = await t.send('# a comment\nnext');
    expect(second).toMatchObject({ type: 'card', position: 2, order: 'ranked', event: { kind: 'next' } });
    expect([String(DIPHTHERIA[1]), String(DIPHTHERIA[2])]).toContain(second.pmid);
    expect(second.score).toBeGreaterThan(0.5);
    expect(second.suggestions[0]).toMatchObject({ claim: 'C3', learned: true });
    // Undo the tag: back to the first paper, and the ranking is cold again.
    const undone = await t.send('u');
    expect(undone).toMatchObject({ pmid: String(newest[0]), position: 1, order: 'newest', score: null, event: { kind: 'undone' } });
    const again = await t.send('next');
    expect(again).toMatchObject({ pmid: String(newest[1]), position: 2, order: 'newest' });
    const bad = await t.send('bogus');
    expect(bad).toMatchObject({ pmid: String(newest[1]), event: { kind: 'refused', reason: expect.stringMatching(/^line \d+: cannot read 'bogus'/) } });
    const summary = await t.send('q');
    expect(summary).toMatchObject({ type: 'summary', reviewer: 'tester', papersTagged: 0, dismissed: 0, quit: true, stop: false });
    expect(summary.estimate).toMatchObject({ phase: 'cold', found: 0, screened: 1 });
    const end = await t.exit;
    expect(end.code).toBe(0);
    expect(end.stderr).toMatch(/warning: line \d+: cannot read 'bogus'/);
  });

  it('prints only JSON lines, a card per action and the summary last, also when the input ends', () => {
    const db = library();
    const r = runCli(['triage', '--porcelain', '--limit', '2'], { db, input: 'C3 s\nnext\nd\n' });
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.type)).toEqual(['card', 'card', 'card', 'summary']);
    expect(lines[3]).toMatchObject({ type: 'summary', total: 2, seen: 2, papersTagged: 1, dismissed: 1 });
    const empty = runCli(['triage', '--porcelain', '--since', '2100-01-01'], { db, input: '' });
    expect(empty.stdout.trimEnd().split('\n').map((l) => JSON.parse(l).type)).toEqual(['summary']);
  });

  it('once the ranking runs dry, shows the random check and its estimate on the card, and ends with the advice in the summary', () => {
    const db = library();
    expect(runCli(['tag', String(DIPHTHERIA[2]), 'C3', 'supports'], { db }).code).toBe(0);
    // 60 dismissals in a row: the ranking counts as dry after 50 (10 % of 177, at least 50).
    const r = runCli(['triage', '--porcelain'], { db, input: 'd\n'.repeat(60) });
    expect(r.code).toBe(0);
    const objects = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    const cards = objects.filter((o) => o.type === 'card');
    expect(cards).toHaveLength(61);
    const phases = cards.map((c) => c.estimate.phase as string);
    const first = phases.indexOf('sampling');
    // The card after the 50th dismissal (the first card has none yet).
    expect(first).toBe(50);
    expect(phases.slice(first).every((p) => p === 'sampling')).toBe(true);
    const last = cards[cards.length - 1]!;
    expect(last.estimate).toMatchObject({ method: 'random-sample', found: 1, stop: false, sample: { foundBefore: 1, urn: 177 - 51, relevantDrawn: 0 } });
    expect(last.estimate.sample.drawn).toBeGreaterThan(0);
    expect(last.estimate.p).toBeGreaterThan(0.05);
    expect(last.estimate.upper).toBeGreaterThanOrEqual(last.estimate.unread);
    const summary = objects[objects.length - 1]!;
    expect(summary).toMatchObject({ type: 'summary', dismissed: 60, stop: false, estimate: { phase: 'sampling' } });
    // The text card says it in words.
    const text = runCli(['triage', '--limit', '1'], { db, input: 'q\n' }).stdout;
    expect(text).toMatch(/random check: \d+ of the 126 papers left when the ranking ran dry, 0 relevant; about 0 relevant unread, at most \d+ \(95 %\); keep going \(p = /);
  });
});

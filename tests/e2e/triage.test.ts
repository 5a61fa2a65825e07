import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, fixture, runCli, tempDir } from '../helpers.js';

const SAMPLE = fixture('efetch/julielab__pubmedsample18n0001.xml.gz');

interface Shown {
  tags: { claim: string; stance: string; note: string | null; reviewer: string }[];
  dismissals: { reviewer: string; reason: string | null }[];
}
const show = (db: string, pmid: number): Shown => JSON.parse(runCli(['show', String(pmid), '--json'], { db }).stdout) as Shown;
const history = (db: string, pmid: number): { action: string; actor: string; claimId: string | null }[] =>
  JSON.parse(runCli(['history', String(pmid), '--json'], { db }).stdout);

function newLibrary(): { db: string; inbox: number[] } {
  const db = path.join(tempDir(), 'lib.db');
  expect(runCli(['import', SAMPLE], { db }).code).toBe(0);
  const inbox = (JSON.parse(runCli(['inbox', '--json', '--limit', '5'], { db }).stdout) as { pmid: number }[]).map((p) => p.pmid);
  return { db, inbox };
}

describe('claimwatch triage through a pipe', () => {
  let db: string;
  let inbox: number[];
  beforeAll(() => ({ db, inbox } = newLibrary()));

  it('tags, notes, dismisses, skips and undoes, saving each action with its history', () => {
    const [p1, p2, p3, p4] = inbox as [number, number, number, number];
    const script = ['C7 s', 'n MDMA impaired extinction', 'C3 q', 'C3 c', 'u', 'next', 'd not relevant', 'k', 'u', 'k', 'bogus', 'C9 contradicts', 'q'];
    // Newest first: this test is about the pipe's actions, not the ranking (tests/e2e/screening.test.ts).
    const r = runCli(['triage', '--limit', '4', '--order', 'newest'], { db, input: `${script.join('\n')}\n` });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^1 of 4 {2}PMID \d+/m);
    expect(r.stdout).toMatch(/^Claims \(suggested first; press the number\):$/m);
    expect(r.stdout).toMatch(new RegExp(`PMID ${p2}: dismissed`));
    expect(r.stderr).toMatch(/warning: line 11: cannot read 'bogus'/);
    // Undo of the C3 retag restored "qualifies"; the undo of the second skip brought paper 3 back, then it was skipped again.
    expect(show(db, p1).tags).toEqual([
      expect.objectContaining({ claim: 'C3', stance: 'qualifies', reviewer: 'tester' }),
      expect.objectContaining({ claim: 'C7', stance: 'supports', note: 'MDMA impaired extinction', reviewer: 'tester' }),
    ]);
    expect(history(db, p1).map((h) => `${h.action} ${h.claimId}`)).toEqual(['tag C7', 'retag C7', 'tag C3', 'retag C3', 'retag C3']);
    expect(show(db, p2).dismissals).toEqual([expect.objectContaining({ reviewer: 'tester', reason: 'not relevant' })]);
    expect(show(db, p3).tags).toEqual([]);
    expect(show(db, p4).tags).toEqual([expect.objectContaining({ claim: 'C9', stance: 'contradicts' })]);
    expect(r.stdout).toMatch(/Triage \(quit\): 4 of 4 papers seen, by tester\n {2}tagged: 2 papers, 3 tags \(1 supports, 1 qualifies, 1 contradicts\)\n {2}dismissed: 1\n {2}skipped: 1/);
  });

  it('--blind hides other reviewers\' tags; without it they show with the reviewer\'s name', () => {
    const { db: db2, inbox: [first] } = newLibrary();
    expect(runCli(['tag', String(first), 'C5', 'supports', '--reviewer', 'bob'], { db: db2 }).code).toBe(0);
    const blind = runCli(['triage', '--blind', '--limit', '1'], { db: db2, input: 'q\n' });
    expect(blind.stdout).toMatch(/hidden \(--blind\) until you tag this paper/);
    expect(blind.stdout).not.toMatch(/bob/);
    const open = runCli(['triage', '--limit', '1'], { db: db2, input: 'q\n' });
    expect(open.stdout).toMatch(/Tags by others: C5 supports \(bob\)/);
  });

  it('narrows to one saved search with --query and refuses an unknown one', () => {
    const r = runCli(['triage', '--query', 'no-such-search'], { db, input: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^Error: no saved search named 'no-such-search'/);
  });

  it('an empty inbox prints one friendly line and exits 0', () => {
    const r = runCli(['triage', '--since', '2100/01/01'], { db, input: '' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Nothing to triage/);
  });

  it('a bad flag is one Error line and exit 2', () => {
    for (const args of [['--limit', '0'], ['--since', '2024-02-30'], ['--colour']]) {
      const r = runCli(['triage', ...args], { db, input: '' });
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^Error: /);
    }
  });
});

const HAS_TMUX = spawnSync('tmux', ['-V']).status === 0;

describe.skipIf(!HAS_TMUX)('claimwatch triage in a real terminal (tmux)', () => {
  const socket = `claimwatch-triage-${process.pid}`;
  const target = 'triage';
  const tmux = (...args: string[]): string => {
    const r = spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const screen = (): string => tmux('capture-pane', '-p', '-t', target);
  async function waitFor(re: RegExp, ms = 10_000): Promise<string> {
    const end = Date.now() + ms;
    for (;;) {
      const s = screen();
      if (re.test(s)) return s;
      if (Date.now() > end) throw new Error(`screen never matched ${re}:\n${s}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const keys = (...k: string[]): string => tmux('send-keys', '-t', target, ...k);

  let db: string;
  let inbox: number[];
  beforeAll(() => {
    ({ db, inbox } = newLibrary());
    const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
    const cmd = `CLAIMWATCH_DB=${q(db)} CLAIMWATCH_REVIEWER=tty-tester ${q(process.execPath)} ${q(BIN)} triage --limit 3; echo EXIT=$?; sleep 120`;
    tmux('new-session', '-d', '-s', target, '-x', '100', '-y', '40', cmd);
  });
  afterAll(() => {
    spawnSync('tmux', ['-L', socket, 'kill-server']);
  });

  it('tags with single keys, redraws the card, undoes, and saves everything', async () => {
    const [p1, p2] = inbox as [number, number];
    const first = await waitFor(/1 of 3 {2}PMID/);
    expect(first).toContain(`PMID ${p1}`);
    expect(first).toMatch(/1-9 claim then s\/q\/c/);
    const one = /(?:^|   )1 (C\d+) /m.exec(first)![1]!;
    const two = /(?:^|   )2 (C\d+) /m.exec(first)![1]!;

    keys('?');
    await waitFor(/right after a digit, q means "qualifies"/);
    keys('?');
    await waitFor(/1 of 3 {2}PMID/);

    keys('1');
    await waitFor(new RegExp(`${one} \\S+ → s supports · q qualifies · c contradicts`));
    keys('s');
    await waitFor(new RegExp(`Your tags: ${one} supports`));
    keys('n');
    keys('-l', 'seen in a tty');
    keys('Enter');
    await waitFor(/note on .*"seen in a tty"/);
    keys('2', 'q'); // q right after a digit: qualifies, not quit
    await waitFor(new RegExp(`${two} qualifies`));
    keys('Enter');
    await waitFor(/2 of 3 {2}PMID/);
    keys('d');
    await waitFor(/Dismiss, why\? 1 wrong population · 2 /);
    keys('2');
    await waitFor(/3 of 3 {2}PMID/);
    expect(show(db, p2).dismissals).toEqual([expect.objectContaining({ reviewer: 'tty-tester', reason: 'wrong intervention or exposure' })]);
    keys('u');
    const back = await waitFor(/undone: dismissal taken back/);
    expect(back).toMatch(new RegExp(`2 of 3 {2}PMID ${p2}`));
    keys('k');
    await waitFor(/3 of 3 {2}PMID/);
    keys('q');
    const end = await waitFor(/EXIT=0/);
    expect(end).toMatch(/Triage \(quit\): 3 of 3 papers seen, by tty-tester/);
    expect(end).toMatch(/tagged: 1 paper, 2 tags \(1 supports, 1 qualifies, 0 contradicts\)/);
    expect(end).toMatch(/skipped: 1/);

    const tags = show(db, p1).tags;
    expect(tags).toHaveLength(2);
    expect(tags).toEqual(expect.arrayContaining([
      expect.objectContaining({ claim: one, stance: 'supports', note: 'seen in a tty', reviewer: 'tty-tester' }),
      expect.objectContaining({ claim: two, stance: 'qualifies', reviewer: 'tty-tester' }),
    ]));
    expect(show(db, p2).dismissals).toEqual([]);
    expect(history(db, p2).map((h) => h.action)).toEqual(['dismiss', 'undismiss']);
  });
});

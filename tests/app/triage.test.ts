import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importFiles } from '../../src/app/import.js';
import { openLibrary } from '../../src/app/store.js';
import { interpretKey, keysOf, parseLine, parseSinceDate, triageQueue, TriageSession, type KeyMode } from '../../src/app/triage.js';
import { listClaims } from '../../src/store/claims.js';
import { historyForPaper } from '../../src/store/history.js';
import { dismissalsForPaper, tagsForPaper } from '../../src/store/tags.js';
import { fixture, tempDir } from '../helpers.js';

const NUMBERING = ['C4', 'C5', 'C3', 'C1', 'C2', 'C6', 'C7', 'C8', 'C9'];
const browse: KeyMode = { kind: 'browse' };

/** Feeds keys one by one; returns the actions and the final mode. */
function press(keys: string[], mode: KeyMode = browse): { actions: unknown[]; mode: KeyMode; hints: string[] } {
  const actions: unknown[] = [];
  const hints: string[] = [];
  for (const k of keys) {
    const r = interpretKey(mode, k, NUMBERING);
    mode = r.mode;
    if (r.action) actions.push(r.action);
    if (r.hint) hints.push(r.hint);
  }
  return { actions, mode, hints };
}

describe('the key state machine', () => {
  it('a digit then s/q/c tags the claim numbered so on the card', () => {
    expect(press(['1', 's', '3', 'c']).actions).toEqual([
      { type: 'tag', claim: 'C4', stance: 'supports' },
      { type: 'tag', claim: 'C3', stance: 'contradicts' },
    ]);
  });

  it('q after a digit is "qualifies"; q otherwise quits', () => {
    expect(press(['2', 'q']).actions).toEqual([{ type: 'tag', claim: 'C5', stance: 'qualifies' }]);
    expect(press(['q']).actions).toEqual([{ type: 'quit' }]);
    expect(press(['2', 'q', 'q']).actions).toEqual([{ type: 'tag', claim: 'C5', stance: 'qualifies' }, { type: 'quit' }]);
  });

  it('escape cancels a chosen claim; another digit changes it', () => {
    expect(press(['1', 'escape', 's']).actions).toEqual([]);
    expect(press(['1', '7', 's']).actions).toEqual([{ type: 'tag', claim: 'C7', stance: 'supports' }]);
  });

  it('moves on with enter, space or j; d then enter, k, u, ? and ctrl-c map to their actions', () => {
    expect(press(['enter', 'space', 'j', 'd', 'enter', 'k', 'u', '?', 'ctrl-c']).actions.map((a) => (a as { type: string }).type))
      .toEqual(['next', 'next', 'next', 'dismiss', 'skip', 'undo', 'help', 'quit']);
  });

  it('d asks for a reason: its number, enter or d again for none, esc cancels', () => {
    expect(press(['d']).mode).toEqual({ kind: 'reason' });
    expect(press(['d', '3']).actions).toEqual([{ type: 'dismiss', reason: '3' }]);
    expect(press(['d', 'd']).actions).toEqual([{ type: 'dismiss' }]);
    const cancelled = press(['d', 'escape', '1', 's']);
    expect(cancelled.actions).toEqual([{ type: 'tag', claim: 'C4', stance: 'supports' }]);
    expect(cancelled.hints).toContain('dismissal cancelled');
    expect(press(['d', 'x']).hints[0]).toMatch(/a reason's number, enter for none/);
  });

  it('n reads a note up to enter, with backspace, and q inside a note is just a letter', () => {
    const r = press(['n', 'q', 'u', 'i', 't', 'x', 'backspace', 'space', 'o', 'k', 'enter']);
    expect(r.actions).toEqual([{ type: 'note', text: 'quit ok' }]);
    expect(r.mode).toEqual(browse);
  });

  it('explains a stance letter pressed before a digit and a number with no claim', () => {
    expect(press(['s']).hints[0]).toMatch(/claim's number first/);
    expect(interpretKey(browse, '9', ['C1', 'C2']).hint).toMatch(/no claim numbered 9/);
  });

  it('splits terminal input into keys', () => {
    expect(keysOf('1s\r \u001b[A\u001bq\u007f\u0003')).toEqual(['1', 's', 'enter', 'space', 'unknown', 'escape', 'q', 'backspace', 'ctrl-c']);
  });
});

describe('the pipe grammar mirrors the keys', () => {
  const claims = [
    { id: 'C7', slug: 'extinction-enhanced', statement: '', keywords: [], dependsOn: [], retiredAt: null },
    { id: 'C4', slug: 'mdma-plasticity', statement: '', keywords: [], dependsOn: [], retiredAt: null },
  ];
  const p = (l: string): ReturnType<typeof parseLine> => parseLine(l, NUMBERING, claims);

  it('reads tags by card number, id or slug', () => {
    expect(p('3 s').action).toEqual({ type: 'tag', claim: 'C3', stance: 'supports' });
    expect(p('1q').action).toEqual({ type: 'tag', claim: 'C4', stance: 'qualifies' });
    expect(p('C7 contradicts').action).toEqual({ type: 'tag', claim: 'C7', stance: 'contradicts' });
    expect(p('extinction-enhanced q').action).toEqual({ type: 'tag', claim: 'C7', stance: 'qualifies' });
  });

  it('reads the other actions, with q alone quitting', () => {
    expect(p('n MDMA impaired extinction').action).toEqual({ type: 'note', text: 'MDMA impaired extinction' });
    expect(p('d off topic').action).toEqual({ type: 'dismiss', reason: 'off topic' });
    expect(p('d').action).toEqual({ type: 'dismiss' });
    expect(['k', 'u', 'next', 'j', '?', 'q'].map((l) => p(l).action?.type)).toEqual(['skip', 'undo', 'next', 'next', 'help', 'quit']);
    expect(p('').action).toBeUndefined();
    expect(p('# a comment').action).toBeUndefined();
  });

  it('names the problem in a line it cannot read', () => {
    expect(p('3 x').error).toMatch(/unknown stance 'x'/);
    expect(p('12 s').error).toMatch(/no claim numbered 12/);
    expect(p('n').error).toMatch(/needs its text/);
    expect(p('k now').error).toMatch(/takes nothing/);
  });

  it('parses --since in both date forms and refuses an impossible date', () => {
    expect(parseSinceDate('2024/01/31')).toBe('2024-01-31');
    expect(parseSinceDate('2024-02-29')).toBe('2024-02-29');
    expect(() => parseSinceDate('2023-02-29')).toThrow(/YYYY\/MM\/DD/);
    expect(() => parseSinceDate('yesterday')).toThrow(/--since/);
  });
});

describe('a triage session on a real library', () => {
  async function library(): Promise<ReturnType<typeof openLibrary>> {
    const db = openLibrary(path.join(tempDir(), 'lib.db'), () => '2026-01-01T00:00:00.000Z');
    await importFiles(db, [fixture('efetch/julielab__pubmedsample18n0001.xml.gz')], () => '2026-01-01T00:00:00.000Z');
    return db;
  }

  it('saves each action at once, undoes through the app (history records it), and sums up what stands', async () => {
    const db = await library();
    let t = 0;
    const now = (): string => `2026-01-02T00:00:${String(t++).padStart(2, '0')}.000Z`;
    const queue = triageQueue(db, { reviewer: 'ann', limit: 4 });
    expect(queue).toHaveLength(4);
    const s = new TriageSession(db, queue, 'ann', now, { order: 'newest' });
    const [p1, p2, p3] = queue as [number, number, number];
    expect(listClaims(db)).toHaveLength(9);

    expect(s.apply({ type: 'tag', claim: 'C7', stance: 'supports' }).kind).toBe('tagged');
    expect(tagsForPaper(db, p1)).toEqual([expect.objectContaining({ claim: 'C7', stance: 'supports', reviewer: 'ann' })]);
    s.apply({ type: 'tag', claim: 'C7', stance: 'qualifies' });
    s.apply({ type: 'note', text: 'only in males' });
    expect(tagsForPaper(db, p1)[0]).toMatchObject({ stance: 'qualifies', note: 'only in males' });
    s.apply({ type: 'undo' });
    expect(tagsForPaper(db, p1)[0]).toMatchObject({ stance: 'qualifies', note: null });
    s.apply({ type: 'undo' });
    expect(tagsForPaper(db, p1)[0]).toMatchObject({ stance: 'supports' });
    s.apply({ type: 'next' });
    expect(s.card().paper.pmid).toBe(p2);
    expect(s.apply({ type: 'dismiss', reason: 'off topic' }).kind).toBe('dismissed');
    expect(dismissalsForPaper(db, p2)).toHaveLength(1);
    expect(s.card().paper.pmid).toBe(p3);
    s.apply({ type: 'undo' });
    expect(dismissalsForPaper(db, p2)).toHaveLength(0);
    expect(s.card().paper.pmid).toBe(p2);
    expect(historyForPaper(db, p2).map((h) => h.action)).toEqual(['dismiss', 'undismiss']);
    expect(historyForPaper(db, p1).map((h) => h.action)).toEqual(['tag', 'retag', 'retag', 'retag', 'retag']);
    s.apply({ type: 'skip' });
    s.apply({ type: 'quit' });
    expect(s.done).toBe(true);
    expect(s.summary()).toMatchObject({
      total: 4, seen: 3, papersTagged: 1, tags: { supports: 1, qualifies: 0, contradicts: 0 }, dismissed: 0, skipped: 1, quit: true,
    });
  });

  it('refuses a note with no tag and a dismissal of a paper you tagged, without throwing', async () => {
    const db = await library();
    const s = new TriageSession(db, triageQueue(db, { reviewer: 'ann', limit: 1 }), 'ann', () => '2026-01-02T00:00:00.000Z');
    expect(s.apply({ type: 'note', text: 'x' })).toMatchObject({ kind: 'refused' });
    s.apply({ type: 'tag', claim: 'C3', stance: 'contradicts' });
    expect(s.apply({ type: 'dismiss' })).toMatchObject({ kind: 'refused', reason: expect.stringMatching(/untag them/) });
    expect(s.apply({ type: 'undo' })).toMatchObject({ kind: 'undone' });
    expect(s.apply({ type: 'undo' })).toMatchObject({ kind: 'refused', reason: 'nothing to undo' });
  });

  it("walks your inbox: another reviewer's tag does not take a paper out of it; --query and --since narrow it", async () => {
    const db = await library();
    const all = triageQueue(db, { reviewer: 'ann' });
    expect(all).toHaveLength(177);
    const bob = new TriageSession(db, all.slice(0, 1), 'bob', () => '2026-01-02T00:00:00.000Z');
    bob.apply({ type: 'tag', claim: 'C3', stance: 'supports' });
    expect(triageQueue(db, { reviewer: 'ann' })).toHaveLength(177);
    expect(triageQueue(db, { reviewer: 'bob' })).toHaveLength(176);
    const since = triageQueue(db, { reviewer: 'ann', since: '2017-01-01' });
    expect(since.length).toBeGreaterThan(0);
    expect(since.length).toBeLessThan(177);
    expect(() => triageQueue(db, { reviewer: 'ann', query: 'nope' })).toThrow(/no saved search named 'nope'/);
  });
});

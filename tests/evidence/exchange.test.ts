import { describe, expect, it } from 'vitest';
import { checkEventRules, compareEvents, parseTagEvent, replay, replayPaper, type TagEvent } from '../../src/evidence/exchange.js';

const ev = (over: Partial<TagEvent>): TagEvent => ({
  v: 1, uid: '0'.repeat(32), at: '2026-11-27T08:00:00.000Z', reviewer: 'ann', action: 'tag', pmid: 5, claim: 'C7',
  old: null, new: 'supports', note: null, ...over,
});

describe('tag events', () => {
  it('replays to the same state whatever order they arrive in', () => {
    const events = [
      ev({ uid: 'a'.repeat(32), at: '2026-11-27T08:00:00.000Z', action: 'tag', new: 'supports', note: 'first' }),
      ev({ uid: 'b'.repeat(32), at: '2026-11-27T09:00:00.000Z', action: 'retag', old: 'supports', new: 'qualifies', note: 'second' }),
      ev({ uid: 'c'.repeat(32), at: '2026-11-27T10:00:00.000Z', action: 'untag', old: 'qualifies', new: null }),
      ev({ uid: 'd'.repeat(32), at: '2026-11-27T11:00:00.000Z', action: 'tag', new: 'contradicts', note: 'third' }),
    ];
    const expected = { kind: 'tag', stance: 'contradicts', note: 'third', createdAt: '2026-11-27T11:00:00.000Z', updatedAt: '2026-11-27T11:00:00.000Z' };
    expect(replay(events)).toEqual(expected);
    expect(replay([...events].reverse())).toEqual(expected);
    expect(replay([events[2]!, events[0]!, events[3]!, events[1]!])).toEqual(expected);
    expect(replay(events.slice(0, 3))).toBeNull();
    expect(replay(events.slice(0, 2))).toMatchObject({ stance: 'qualifies', createdAt: '2026-11-27T08:00:00.000Z', updatedAt: '2026-11-27T09:00:00.000Z' });
  });

  it('replays dismissals', () => {
    const d = ev({ uid: 'e'.repeat(32), action: 'dismiss', claim: null, new: 'dismissed', note: 'off topic' });
    expect(replay([d])).toEqual({ kind: 'dismissal', reason: 'off topic', reasonCode: null, at: d.at });
    // A standard reason travels as its code beside the words.
    expect(replay([{ ...d, reason: 'off-topic' }])).toEqual({ kind: 'dismissal', reason: 'off topic', reasonCode: 'off-topic', at: d.at });
    expect(replay([d, ev({ uid: 'f'.repeat(32), at: '2026-11-28T00:00:00.000Z', action: 'undismiss', claim: null, new: null })])).toBeNull();
  });

  it('orders by time, then by uid when two events share a millisecond', () => {
    const x = { at: '2026-11-27T08:00:00.000Z', uid: 'b'.repeat(32) };
    const y = { at: '2026-11-27T08:00:00.000Z', uid: 'a'.repeat(32) };
    expect([x, y].sort(compareEvents)).toEqual([y, x]);
  });

  it('refuses lines that are not events, naming the line', () => {
    expect(parseTagEvent(JSON.stringify(ev({})), 'f line 1')).toEqual(ev({}));
    expect(() => parseTagEvent('{oops', 'f line 3')).toThrow(/^f line 3 is not a JSON object/);
    expect(() => parseTagEvent(JSON.stringify({ ...ev({}), v: 2 }), 'f line 4')).toThrow(/f line 4: unknown format version 2/);
    expect(() => parseTagEvent(JSON.stringify(ev({ uid: 'x' })), 'f line 5')).toThrow(/uid is not/);
    expect(() => parseTagEvent(JSON.stringify(ev({ new: 'maybe' })), 'f line 6')).toThrow(/stance "maybe"/);
    expect(() => parseTagEvent(JSON.stringify(ev({ action: 'delete' as 'tag' })), 'f line 7')).toThrow(/unknown action "delete"/);
    expect(() => parseTagEvent(JSON.stringify(ev({ claim: null })), 'f line 8')).toThrow(/needs a claim/);
    // The rule --reviewer applies: a newline would forge a log line, an escape reach the terminal.
    for (const reviewer of ['ann\nforged', 'ann\u001b[2J', 'ann\u009b']) {
      expect(() => parseTagEvent(JSON.stringify(ev({ reviewer })), 'f line 9')).toThrow(/^f line 9: reviewer contains a control character/);
    }
  });
});

describe('the rules tags import applies', () => {
  it('refuses an impossible time on its line', () => {
    for (const at of ['2026-02-30T10:00:00.000Z', '2025-02-29T00:00:00Z', '2026-13-01T00:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01T10:60:00Z']) {
      expect(() => parseTagEvent(JSON.stringify(ev({ at })), 'f line 2'), at).toThrow(new RegExp(`^f line 2 \\(event 0{32}\\): ${at.replace(/\./g, '\\.')} is not a real time`));
    }
    expect(parseTagEvent(JSON.stringify(ev({ at: '2024-02-29T23:59:59.999Z' })), 'f line 1').at).toBe('2024-02-29T23:59:59.999Z');
  });

  it('refuses times after now and tags of a claim retired before them', () => {
    const claims = new Map([['C7', { id: 'C7', retiredAt: '2026-06-01T00:00:00.000Z' }]]);
    const now = '2026-11-27T09:00:00.000Z';
    const late = ev({ uid: '1'.repeat(32), at: '2026-11-27T09:00:00.001Z' });
    const retired = ev({ uid: '2'.repeat(32), at: '2026-06-01T00:00:00.000Z' });
    const before = ev({ uid: '3'.repeat(32), at: '2026-05-31T23:59:59.999Z' });
    const untag = ev({ uid: '4'.repeat(32), at: '2026-07-01T00:00:00.000Z', action: 'untag', new: null });
    expect(checkEventRules([late, retired, before, untag], claims, now).map((p) => [p.event.uid, p.problem])).toEqual([
      [late.uid, expect.stringMatching(/^2026-11-27T09:00:00\.001Z is later than now/)],
      [retired.uid, expect.stringMatching(/^tags C7, which this library retired at 2026-06-01T00:00:00\.000Z: restore it first/)],
    ]);
  });

  it('finds a dismissal made while the reviewer\'s tag stands, blaming a new event', () => {
    const tag = ev({ uid: 'a'.repeat(32), at: '2026-01-01T00:00:00.000Z', claim: 'C3' });
    const dismiss = ev({ uid: 'b'.repeat(32), at: '2026-01-02T00:00:00.000Z', action: 'dismiss', claim: null, new: 'dismissed' });
    const untag = ev({ uid: 'c'.repeat(32), at: '2026-01-01T12:00:00.000Z', action: 'untag', claim: 'C3', new: null });
    // The new dismissal is blamed; with the tag new and the dismissal already here, the tag is.
    expect(replayPaper([tag, dismiss], (e) => e === dismiss).problems.map((p) => p.event)).toEqual([dismiss]);
    expect(replayPaper([tag, dismiss], (e) => e === tag).problems.map((p) => p.event)).toEqual([tag]);
    // Both already here: an old conflict is not this import's to refuse.
    expect(replayPaper([tag, dismiss], () => false).problems).toEqual([]);
    // Untagged first, in whatever order they arrive: no conflict, the paper ends dismissed and untagged.
    const r = replayPaper([dismiss, untag, tag], () => true);
    expect(r.problems).toEqual([]);
    expect(r.dismissal).toMatchObject({ kind: 'dismissal', at: dismiss.at });
    expect(r.tags.get('C3')).toBeNull();
  });
});

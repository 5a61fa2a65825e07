import { describe, expect, it } from 'vitest';
import { compareEvents, parseTagEvent, replay, type TagEvent } from '../../src/evidence/exchange.js';

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
    expect(replay([d])).toEqual({ kind: 'dismissal', reason: 'off topic', at: d.at });
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
  });
});

import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { fileHash, fixture, runCli, tempDir } from '../helpers.js';

const SAMPLE = fixture('efetch/julielab__pubmedsample18n0001.xml.gz');

/** A library with the 177 sample records. */
function library(dir: string, name: string): string {
  const db = path.join(dir, `${name}.db`);
  expect(runCli(['import', SAMPLE], { db }).code).toBe(0);
  return db;
}

function rows(db: string, sql: string): unknown[] {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare(sql).all();
  } finally {
    d.close();
  }
}

const TAGS = 'SELECT pmid, claim_id, reviewer, stance, note, created_at, updated_at FROM tags ORDER BY pmid, claim_id, reviewer';
const DISMISSALS = 'SELECT pmid, reviewer, reason, at FROM dismissals ORDER BY pmid, reviewer';
const TAG_HISTORY = `SELECT uid, at, actor, action, pmid, claim_id, old_value, new_value, note FROM history
  WHERE action IN ('tag', 'retag', 'untag', 'dismiss', 'undismiss') ORDER BY at, uid`;

describe('tags export / tags import: a team without a server', () => {
  let dir: string;
  let ann: string;
  let bob: string;
  let pmids: number[];

  beforeAll(() => {
    dir = tempDir();
    ann = library(dir, 'ann');
    bob = library(dir, 'bob');
    pmids = (rows(ann, 'SELECT pmid FROM papers ORDER BY pmid LIMIT 8') as { pmid: number }[]).map((r) => r.pmid);
    const as = (db: string, who: string, args: string[]): void => {
      const r = runCli([...args, '--reviewer', who], { db });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    };
    as(ann, 'ann', ['tag', String(pmids[0]), 'C7', 'supports', '--note', 'extinction up']);
    as(ann, 'ann', ['tag', String(pmids[1]), 'C5', 'qualifies']);
    as(ann, 'ann', ['tag', String(pmids[1]), 'C5', 'contradicts', '--note', 'changed my mind']);
    as(ann, 'ann', ['tag', String(pmids[2]), 'C3', 'supports']);
    as(ann, 'ann', ['untag', String(pmids[2]), 'C3']);
    as(ann, 'ann', ['dismiss', String(pmids[3]), '--reason', 'not relevant']);
    as(bob, 'bob', ['tag', String(pmids[0]), 'C7', 'qualifies', '--note', 'mice only']);
    as(bob, 'bob', ['dismiss', String(pmids[4])]);
    as(bob, 'bob', ['tag', String(pmids[4]), 'C9', 'supports']);
    expect(runCli(['tags', 'export', '--out', path.join(dir, 'ann.jsonl')], { db: ann }).code).toBe(0);
    const bobOut = runCli(['tags', 'export', '--reviewer', 'bob'], { db: bob });
    expect(bobOut.code).toBe(0);
    fs.writeFileSync(path.join(dir, 'bob.jsonl'), bobOut.stdout);
  });

  it('exports one JSON event per line, with reviewer and time', () => {
    const lines = fs.readFileSync(path.join(dir, 'ann.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.action)).toEqual(['tag', 'tag', 'retag', 'tag', 'untag', 'dismiss']);
    expect(lines[0]).toMatchObject({ v: 1, reviewer: 'ann', pmid: pmids[0], claim: 'C7', new: 'supports', note: 'extinction up' });
    for (const l of lines) {
      expect(l.uid).toMatch(/^[0-9a-f]{32}$/);
      expect(l.at).toMatch(/^\d{4}-\d\d-\d\dT/);
    }
    // bob's library has no events by ann, so a filtered export of bob's is all of bob's.
    expect(fs.readFileSync(path.join(dir, 'bob.jsonl'), 'utf8').trim().split('\n')).toHaveLength(4);
  });

  it('merges two reviewers in either order into identical tags and history, and a second import adds nothing', () => {
    const one = library(dir, 'merged-ab');
    const two = library(dir, 'merged-ba');
    expect(runCli(['tags', 'import', path.join(dir, 'ann.jsonl')], { db: one }).stdout).toMatch(/^6 event\(s\) read: 6 new, 0 already here; /);
    expect(runCli(['tags', 'import', path.join(dir, 'bob.jsonl')], { db: one }).code).toBe(0);
    expect(runCli(['tags', 'import', path.join(dir, 'bob.jsonl')], { db: two }).code).toBe(0);
    expect(runCli(['tags', 'import', path.join(dir, 'ann.jsonl')], { db: two }).code).toBe(0);
    expect(rows(one, TAGS)).toEqual(rows(two, TAGS));
    expect(rows(one, DISMISSALS)).toEqual(rows(two, DISMISSALS));
    expect(rows(one, TAG_HISTORY)).toEqual(rows(two, TAG_HISTORY));
    expect(rows(one, TAG_HISTORY)).toHaveLength(6 + 4);
    // The merged state is each reviewer's own: ann contradicts C5 on pmids[1], her C3 tag is gone, bob's dismissal was lifted by his tag.
    expect(rows(one, TAGS)).toEqual([
      { pmid: pmids[0], claim_id: 'C7', reviewer: 'ann', stance: 'supports', note: 'extinction up', created_at: expect.any(String), updated_at: expect.any(String) },
      { pmid: pmids[0], claim_id: 'C7', reviewer: 'bob', stance: 'qualifies', note: 'mice only', created_at: expect.any(String), updated_at: expect.any(String) },
      { pmid: pmids[1], claim_id: 'C5', reviewer: 'ann', stance: 'contradicts', note: 'changed my mind', created_at: expect.any(String), updated_at: expect.any(String) },
      { pmid: pmids[4], claim_id: 'C9', reviewer: 'bob', stance: 'supports', note: null, created_at: expect.any(String), updated_at: expect.any(String) },
    ].sort((a, b) => a.pmid - b.pmid || a.claim_id.localeCompare(b.claim_id) || a.reviewer.localeCompare(b.reviewer)));
    expect(rows(one, DISMISSALS)).toEqual([{ pmid: pmids[3], reviewer: 'ann', reason: 'not relevant', at: expect.any(String) }]);

    const before = rows(one, 'SELECT * FROM history ORDER BY id');
    const again = runCli(['tags', 'import', path.join(dir, 'ann.jsonl'), '--json'], { db: one });
    expect(JSON.parse(again.stdout)).toMatchObject({ read: 6, added: 0, alreadyKnown: 6 });
    expect(rows(one, TAGS)).toEqual(rows(two, TAGS));
    expect(rows(one, 'SELECT * FROM history ORDER BY id')).toEqual(before);
  });

  it('each reviewer importing the other ends with the same tags as the merged libraries', () => {
    expect(runCli(['tags', 'import', path.join(dir, 'bob.jsonl')], { db: ann }).code).toBe(0);
    expect(runCli(['tags', 'import', path.join(dir, 'ann.jsonl')], { db: bob }).code).toBe(0);
    // ann's own events are in her file too: already here, skipped.
    expect(rows(ann, TAGS)).toEqual(rows(bob, TAGS));
    expect(rows(ann, TAG_HISTORY)).toEqual(rows(bob, TAG_HISTORY));
    expect(rows(ann, TAGS)).toEqual(rows(path.join(dir, 'merged-ab.db'), TAGS));
  });

  it('refuses a bad file or missing papers with one line, changing nothing', () => {
    const db = library(dir, 'strict');
    const bad = path.join(dir, 'bad.jsonl');
    const good = fs.readFileSync(path.join(dir, 'ann.jsonl'), 'utf8').trim().split('\n');
    fs.writeFileSync(bad, `${good[0]}\n{"v":1,"oops":true}\n`);
    const hash = fileHash(db);
    const r = runCli(['tags', 'import', bad], { db });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^Error: .*bad\.jsonl line 2: uid is not a 32-character event id \(was this file written by 'claimwatch tags export'\?\)$/);
    expect(runCli(['tags', 'import', path.join(dir, 'nope.jsonl')], { db }).stderr.trim()).toMatch(/^Error: cannot read .*nope\.jsonl: no such file/);
    expect(fileHash(db)).toBe(hash);

    const empty = path.join(dir, 'empty.db');
    const onlyClaims = runCli(['claims'], { db: empty });
    expect(onlyClaims.code).toBe(0);
    const m = runCli(['tags', 'import', path.join(dir, 'ann.jsonl')], { db: empty });
    expect(m.code).toBe(1);
    expect(m.stderr.trim()).toMatch(/^Error: 4 tagged paper\(s\) are not in this library: fetch them first with 'claimwatch fetch \d+ \d+ \d+ \d+'$/);
    expect(rows(empty, 'SELECT * FROM tags')).toEqual([]);
  });
});

describe('tags import applies the rules tag, dismiss and the claims apply', () => {
  let dir: string;
  let pmids: number[];
  let n = 0;
  /** A fresh uid, in the export format. */
  const uid = (): string => (++n).toString(16).padStart(8, '0') + 'e'.repeat(24);
  const event = (over: Record<string, unknown>): Record<string, unknown> => ({
    v: 1, uid: uid(), at: '2025-03-01T10:00:00.000Z', reviewer: 'ann', action: 'tag', pmid: pmids[0],
    claim: 'C3', old: null, new: 'supports', note: null, ...over,
  });
  const write = (name: string, events: Record<string, unknown>[]): string => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    return f;
  };
  const snapshot = (db: string): unknown[] => [fileHash(db), rows(db, 'SELECT * FROM history ORDER BY id'), rows(db, TAGS), rows(db, DISMISSALS)];
  /** Imports the file and expects the whole of it refused: exit 2, one line matching `message`, nothing written. */
  const refused = (db: string, file: string, message: RegExp): void => {
    const before = snapshot(db);
    const r = runCli(['tags', 'import', file], { db });
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(message);
    expect(r.code).toBe(2);
    expect(snapshot(db)).toEqual(before);
  };

  beforeAll(() => {
    dir = tempDir();
    const db = library(dir, 'ids');
    pmids = (rows(db, 'SELECT pmid FROM papers ORDER BY pmid LIMIT 4') as { pmid: number }[]).map((r) => r.pmid);
  });

  it('refuses an impossible time, naming the line and the event', () => {
    const db = library(dir, 'impossible');
    const bad = event({ at: '2026-02-30T10:00:00.000Z' });
    const file = write('impossible.jsonl', [event({}), bad]);
    refused(db, file, new RegExp(`^Error: .*impossible\\.jsonl line 2 \\(event ${bad.uid as string}\\): 2026-02-30T10:00:00.000Z is not a real time: .*remove the line`));
    refused(db, write('hour.jsonl', [event({ at: '2025-03-01T24:00:00.000Z' })]), /line 1 .*: 2025-03-01T24:00:00.000Z is not a real time/);
  });

  it('refuses a time after now', () => {
    const db = library(dir, 'future');
    const later = new Date(Date.now() + 86_400_000).toISOString();
    const bad = event({ at: later });
    refused(db, write('future.jsonl', [event({}), bad]),
      new RegExp(`^Error: .*future\\.jsonl line 2 \\(event ${bad.uid as string}\\): ${later.replace(/\./g, '\\.')} is later than now .*clock`));
  });

  it('refuses a dismissal of a paper the same reviewer has tagged, in the library or earlier in the file', () => {
    const db = library(dir, 'dismiss');
    expect(runCli(['tag', String(pmids[1]), 'C5', 'supports', '--reviewer', 'ann'], { db }).code).toBe(0);
    const dismissal = event({ pmid: pmids[1], action: 'dismiss', claim: null, new: 'dismissed', at: new Date().toISOString() });
    refused(db, write('dismiss-local.jsonl', [dismissal]),
      new RegExp(`^Error: .*dismiss-local\\.jsonl line 1 \\(event ${dismissal.uid as string}\\): ann dismisses PMID ${pmids[1]} while ann's tag for C5 stands: .*remove the line`));
    const inFile = [event({ pmid: pmids[2], claim: 'C7' }), event({ pmid: pmids[2], action: 'dismiss', claim: null, new: 'dismissed', at: '2025-03-02T10:00:00.000Z' })];
    refused(db, write('dismiss-file.jsonl', inFile), new RegExp(`dismiss-file\\.jsonl line 2 .*PMID ${pmids[2]} while .*tag for C7 stands`));
    // Another reviewer's tag is no obstacle, and neither is a tag the reviewer removed first.
    const fine = [
      event({ pmid: pmids[1], reviewer: 'bob', action: 'dismiss', claim: null, new: 'dismissed' }),
      event({ pmid: pmids[2], claim: 'C7', at: '2025-03-01T10:00:00.000Z' }),
      event({ pmid: pmids[2], claim: 'C7', action: 'untag', old: 'supports', new: null, at: '2025-03-01T11:00:00.000Z' }),
      event({ pmid: pmids[2], action: 'dismiss', claim: null, new: 'dismissed', at: '2025-03-01T12:00:00.000Z' }),
    ];
    expect(runCli(['tags', 'import', write('dismiss-fine.jsonl', fine)], { db }).code).toBe(0);
    expect(rows(db, DISMISSALS)).toHaveLength(2);
  });

  it('refuses a tag on a claim retired before the tag was made, and keeps the tags made before', () => {
    const db = library(dir, 'retired');
    const before = event({ pmid: pmids[0], claim: 'C4', at: '2025-01-01T00:00:00.000Z' });
    expect(runCli(['claims', 'retire', 'C4'], { db }).code).toBe(0);
    const after = event({ pmid: pmids[1], claim: 'C4', at: new Date().toISOString() });
    refused(db, write('retired.jsonl', [before, after]),
      new RegExp(`^Error: .*retired\\.jsonl line 2 \\(event ${after.uid as string}\\): tags C4, which this library retired at .*: restore it first with 'claimwatch claims restore C4'`));
    // A tag made while the claim was live is history the team shares: imported.
    expect(runCli(['tags', 'import', write('retired-ok.jsonl', [before])], { db }).code).toBe(0);
    expect(rows(db, TAGS)).toEqual([expect.objectContaining({ pmid: pmids[0], claim_id: 'C4', reviewer: 'ann' })]);
  });

  it('says how many other events were refused', () => {
    const db = library(dir, 'many');
    const later = new Date(Date.now() + 86_400_000).toISOString();
    const file = write('many.jsonl', [event({ at: later }), event({ at: later }), event({ at: later })]);
    refused(db, file, /many\.jsonl line 1 .*; 2 more event\(s\) refused, nothing imported/);
  });
});

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { fileHash, fixture, runCli, tempDir } from '../helpers.js';

const SAMPLE = fixture('efetch/julielab__pubmedsample18n0001.xml.gz');

function count(db: string, sql: string): number {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare(sql).pluck().get() as number;
  } finally {
    d.close();
  }
}

function integrity(db: string): string {
  const d = new Database(db, { readonly: true });
  try {
    return d.pragma('integrity_check', { simple: true }) as string;
  } finally {
    d.close();
  }
}

/** One refusal: exit 2, one `Error:` line naming the path, nothing on stdout. */
function expectRefused(r: ReturnType<typeof runCli>, why: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^Error: /);
  expect(lines[0]).toMatch(why);
}

describe('--out never replaces the library or anything that is not a plain writable file', () => {
  let master: string;

  beforeAll(() => {
    master = path.join(tempDir(), 'master.db');
    expect(runCli(['import', SAMPLE], { db: master }).code).toBe(0);
    expect(runCli(['tag', '5757641', 'C3', 'supports', '--note', 'hippocampal stimulation'], { db: master }).code).toBe(0);
    expect(runCli(['tag', '1875346', 'C5', 'qualifies'], { db: master }).code).toBe(0);
  });

  /** A private copy of the library in a fresh folder, so a test that destroys it spoils no other. */
  function library(): { dir: string; db: string } {
    const dir = tempDir();
    const db = path.join(dir, 'lib.db');
    fs.copyFileSync(master, db);
    return { dir, db };
  }

  /** The library holds what it held: every paper, both tags, the history, and a sound file. */
  function expectIntact(db: string, hash: string): void {
    expect(fileHash(db)).toBe(hash);
    expect(count(db, 'SELECT count(*) FROM papers')).toBe(177);
    expect(count(db, 'SELECT count(*) FROM tags')).toBe(2);
    expect(count(db, "SELECT count(*) FROM history WHERE action = 'tag'")).toBe(2);
    expect(integrity(db)).toBe('ok');
  }

  it('report --out <the library> is refused and the library keeps every paper and tag', () => {
    const { db } = library();
    const hash = fileHash(db);
    const r = runCli(['report', '--out', db], { db });
    expectRefused(r, /is the library/);
    expectIntact(db, hash);
  });

  it('report --format html --out <the library, spelled another way> is refused', () => {
    const { dir, db } = library();
    const hash = fileHash(db);
    // The same folder reached through a symlink: another name for the same file.
    const alias = path.join(tempDir(), 'alias');
    fs.symlinkSync(dir, alias);
    const r = runCli(['report', '--format', 'html', '--out', path.join(alias, 'lib.db')], { db });
    expectRefused(r, /is the library/);
    expectIntact(db, hash);
  });

  it('export --out <the library>-wal, -shm, -journal and the lock file are refused, and none is created', () => {
    const { db } = library();
    const hash = fileHash(db);
    for (const suffix of ['-wal', '-shm', '-journal', '.lock']) {
      const out = `${db}${suffix}`;
      const r = runCli(['export', '--format', 'ris', '--out', out], { db });
      expectRefused(r, /belongs to the library/);
      expect(fs.existsSync(out), out).toBe(false);
    }
    expectIntact(db, hash);
  });

  it('tags export --out <a hard link to the library> is refused: same file, another name', () => {
    const { dir, db } = library();
    const hash = fileHash(db);
    const link = path.join(dir, 'events.jsonl');
    fs.linkSync(db, link);
    const r = runCli(['tags', 'export', '--out', link], { db });
    expectRefused(r, /is the library/);
    expectIntact(db, hash);
    expect(fileHash(link)).toBe(hash);
  });

  it('a symlink to the library as --out is refused too', () => {
    const { dir, db } = library();
    const hash = fileHash(db);
    const link = path.join(dir, 'report.md');
    fs.symlinkSync(db, link);
    expectRefused(runCli(['report', '--format', 'markdown', '--out', link], { db }), /is the library/);
    expectIntact(db, hash);
  });

  it('a read-only file is not replaced: it keeps its content and its mode', () => {
    const { dir, db } = library();
    const out = path.join(dir, 'final-report.md');
    fs.writeFileSync(out, 'the signed-off version\n');
    fs.chmodSync(out, 0o444);
    const r = runCli(['report', '--format', 'markdown', '--out', out], { db });
    expectRefused(r, /read-only/);
    expect(fs.readFileSync(out, 'utf8')).toBe('the signed-off version\n');
    expect(fs.statSync(out).mode & 0o7777).toBe(0o444);
  });

  it('a FIFO is not replaced by a regular file', () => {
    const { dir, db } = library();
    const fifo = path.join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const r = runCli(['export', '--format', 'bibtex', '--out', fifo], { db });
    expectRefused(r, /not a regular file/);
    expect(fs.lstatSync(fifo).isFIFO()).toBe(true);
  });

  it('a folder as --out is refused as bad input', () => {
    const { dir, db } = library();
    const r = runCli(['tags', 'export', '--out', dir], { db });
    expectRefused(r, /not a regular file/);
    expect(fs.statSync(dir).isDirectory()).toBe(true);
  });

  it('replacing a writable file keeps its mode', () => {
    const { dir, db } = library();
    const out = path.join(dir, 'shared.ris');
    fs.writeFileSync(out, 'old\n');
    fs.chmodSync(out, 0o640);
    const r = runCli(['export', '--format', 'ris', '--out', out], { db });
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toMatch(/^TY {2}- /);
    expect(fs.statSync(out).mode & 0o7777).toBe(0o640);
    // No temporary file is left beside it.
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, openDatabase } from '../../src/store/db.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { BIN, fileHash, fixture, runCli, tempDir } from '../helpers.js';

const tables = (file: string): string[] => {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];
  } finally {
    db.close();
  }
};

describe('a database that is not a claimwatch library', () => {
  it('is refused, and left exactly as it was', () => {
    const file = path.join(tempDir(), 'other.db');
    const other = new Database(file);
    other.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('keep me')");
    other.close();
    const before = fileHash(file);
    for (const args of [['inbox'], ['import', fixture('efetch/biopython__pubmed1.xml')], ['report']]) {
      const r = runCli(args, { db: file });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^Error: .*other\.db is another application's SQLite database, not a claimwatch library: point --db .* at a new file/);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(fileHash(file)).toBe(before);
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    expect(tables(file)).toEqual(['notes']);
  });

  it('an empty file becomes a library', () => {
    const file = path.join(tempDir(), 'new.db');
    fs.writeFileSync(file, '');
    expect(runCli(['inbox'], { db: file }).code).toBe(0);
    expect(tables(file)).toContain('papers');
  });
});

describe('a library from a newer claimwatch', () => {
  it('is refused before anything is written, naming the unknown step', () => {
    const file = path.join(tempDir(), 'lib.db');
    expect(runCli(['import', fixture('efetch/biopython__pubmed1.xml')], { db: file }).code).toBe(0);
    const db = new Database(file);
    db.prepare('INSERT INTO migrations (name, applied_at) VALUES (?, ?)').run('0099_from_the_future', '2030-01-01T00:00:00.000Z');
    db.close();
    const before = fileHash(file);
    for (const args of [['tag', '12091962', 'C1', 's'], ['papers']]) {
      const r = runCli(args, { db: file });
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^Error: .* was written by a newer claimwatch \(it has schema step 0099_from_the_future, unknown to this version\): upgrade claimwatch/);
    }
    expect(fileHash(file)).toBe(before);
  });
});

describe('migrations are decided by name', () => {
  it('a foreign row in the migrations table does not stop a missing step from being applied', () => {
    const file = path.join(tempDir(), 'lib.db');
    const old = openDatabase(file);
    migrate(old, MIGRATIONS.slice(0, 5));
    // As many foreign rows as there are missing steps, so a count of rows looks complete.
    const insert = old.prepare('INSERT INTO migrations (name, applied_at) VALUES (?, ?)');
    for (let i = 5; i < MIGRATIONS.length; i++) insert.run(`other tool step ${i}`, '2026-01-01');
    old.close();
    const r = runCli(['report', '--format', 'json'], { db: file });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(tables(file)).toContain('kind_overrides');
  });
});

/** Runs the CLI as a user who may not write the library: nobody when the tests run as root. */
function runAsOther(args: string[], db: string): { code: number; stdout: string; stderr: string } {
  const asRoot = process.getuid?.() === 0;
  const r = spawnSync(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: path.dirname(db), CLAIMWATCH_DB: db, CLAIMWATCH_REVIEWER: 'tester' },
    encoding: 'utf8',
    ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('a read-only library', () => {
  const setup = (folderWritable: boolean): string => {
    const dir = tempDir();
    const db = path.join(dir, 'lib.db');
    expect(runCli(['import', fixture('efetch/biopython__pubmed1.xml')], { db }).code).toBe(0);
    fs.chmodSync(db, 0o444);
    fs.chmodSync(dir, folderWritable ? 0o777 : 0o555);
    return db;
  };

  it('reads, and refuses to write with a line that says read-only', () => {
    const db = setup(true);
    const before = fileHash(db);
    const papers = runAsOther(['papers', '--json'], db);
    expect(papers.stderr).toBe('');
    expect(JSON.parse(papers.stdout)).toHaveLength(2);
    const imp = runAsOther(['import', fixture('efetch/biopython__pubmed2.xml')], db);
    expect(imp.code).toBe(1);
    expect(imp.stdout).toBe('');
    expect(imp.stderr).toMatch(/^Error: the library .*lib\.db is read-only: make it writable/);
    expect(imp.stderr).not.toMatch(/disk I\/O/);
    const report = runAsOther(['report'], db);
    expect(report.code).toBe(0);
    expect(report.stderr).toMatch(/^Warning: the library .*lib\.db is read-only, so this report is not kept/);
    expect(report.stdout).toMatch(/claimwatch evidence report/);
    const tag = runAsOther(['tag', '12091962', 'C1', 's'], db);
    expect(tag.code).toBe(1);
    expect(tag.stdout).toBe('');
    expect(tag.stderr).toMatch(/read-only/);
    expect(fileHash(db)).toBe(before);
  });

  it('in a read-only folder says so instead of failing obscurely', () => {
    const db = setup(false);
    const r = runAsOther(['papers'], db);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Error: the library .*lib\.db is read-only and so is its folder/);
  });
});

import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase, setJournalMode, withRollbackJournal } from '../../src/store/db.js';
import { tempDir } from '../helpers.js';

const mode = (db: Database.Database): unknown => db.pragma('journal_mode', { simple: true });
const sync = (db: Database.Database): unknown => db.pragma('synchronous', { simple: true });

describe('the rollback journal for bulk writes', () => {
  it('switches a library it has to itself, and puts WAL and synchronous NORMAL back afterwards', async () => {
    const db = openDatabase(path.join(tempDir(), 'lib.db'));
    expect(mode(db)).toBe('wal');
    const seen = await withRollbackJournal(db, async () => [mode(db), sync(db)]);
    expect(seen).toEqual(['delete', 2]);
    expect([mode(db), sync(db)]).toEqual(['wal', 1]);
    db.close();
  });

  it('puts WAL back when the write fails', async () => {
    const db = openDatabase(path.join(tempDir(), 'lib.db'));
    await expect(withRollbackJournal(db, async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(mode(db)).toBe('wal');
    db.close();
  });

  it('leaves WAL alone, without waiting, while another connection has the library open', async () => {
    const file = path.join(tempDir(), 'lib.db');
    const db = openDatabase(file);
    db.exec('CREATE TABLE t (x)');
    const other = new Database(file);
    other.prepare('SELECT count(*) FROM t').get();
    const started = Date.now();
    expect(setJournalMode(db, 'delete')).toBe(false);
    const seen = await withRollbackJournal(db, async () => mode(db));
    expect(seen).toBe('wal');
    // busy_timeout is 60 s; the switch must not have waited for it, and it is restored afterwards.
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(60_000);
    other.close();
    db.close();
  });

  it('lets another process open the library while a bulk write holds it in rollback mode', async () => {
    const file = path.join(tempDir(), 'lib.db');
    const db = openDatabase(file);
    db.exec('CREATE TABLE t (x)');
    await withRollbackJournal(db, async () => {
      db.exec('BEGIN IMMEDIATE');
      db.prepare('INSERT INTO t VALUES (1)').run();
      // openDatabase asks for WAL, which it cannot have during the write: it goes on in the library's mode
      // and still reads what was committed.
      const other = openDatabase(file);
      expect(mode(other)).toBe('delete');
      expect(other.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 0 });
      other.close();
      db.exec('COMMIT');
    });
    expect(mode(db)).toBe('wal');
    db.close();
  });
});

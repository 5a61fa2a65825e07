import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { tryLock } from '../../src/store/lock.js';
import { tempDir } from '../helpers.js';

describe('search lock', () => {
  it('lets one holder in and refuses a second until released', () => {
    const file = path.join(tempDir(), 'lib.db.lock');
    const a = tryLock(file);
    expect(a).not.toBeNull();
    // A second process cannot take it while the first holds it.
    const probe = `import('${path.resolve('node_modules/better-sqlite3/lib/index.js')}').then(({default: D}) => {
      const db = new D(${JSON.stringify(file)}); db.pragma('busy_timeout = 0');
      try { db.exec('BEGIN EXCLUSIVE'); console.log('got'); } catch (e) { console.log(e.code); } })`;
    expect(spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' }).stdout.trim()).toBe('SQLITE_BUSY');
    a!.release();
    expect(spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' }).stdout.trim()).toBe('got');
    const b = tryLock(file);
    expect(b).not.toBeNull();
    b!.release();
    b!.release();
  });
});

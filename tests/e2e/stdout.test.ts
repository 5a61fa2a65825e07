import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, fixture, runCli, tempDir } from '../helpers.js';

const SAMPLE = fixture('efetch/julielab__pubmedsample18n0001.xml.gz');

function env(db: string): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '', HOME: tempDir(), CLAIMWATCH_REVIEWER: 'tester', CLAIMWATCH_DB: db };
}

function snapshots(db: string): number {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare('SELECT count(*) FROM report_snapshots').pluck().get() as number;
  } finally {
    d.close();
  }
}

/** Runs the CLI with its stdout already closed by the reader, as `claimwatch ... | head -c 10` ends up. */
function runWithClosedStdout(args: string[], db: string): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: env(db), stdio: ['ignore', 'pipe', 'pipe'] });
    // The reader goes away before the first byte arrives: every write meets EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

describe('stdout that cannot be written', () => {
  let db: string;

  beforeAll(() => {
    db = path.join(tempDir(), 'lib.db');
    expect(runCli(['import', SAMPLE], { db }).code).toBe(0);
  });

  it.skipIf(!fs.existsSync('/dev/full'))('report > /dev/full: one Error line, exit 1, and no report snapshot', () => {
    const full = fs.openSync('/dev/full', 'w');
    try {
      for (const args of [['report'], ['report', '--format', 'html'], ['papers', '--json']]) {
        const r = spawnSync(process.execPath, [BIN, ...args], { env: env(db), stdio: ['ignore', full, 'pipe'], encoding: 'utf8' });
        expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(1);
        const lines = r.stderr.trim().split('\n');
        expect(lines, r.stderr).toHaveLength(1);
        expect(lines[0]).toMatch(/^Error: cannot write to standard output: the disk is full/);
      }
    } finally {
      fs.closeSync(full);
    }
    // The report was never read: its changes stay for the next one.
    expect(snapshots(db)).toBe(0);
  });

  it('papers --json | head -c 10: a reader that went away ends the command quietly, without a stack trace', async () => {
    const r = await runWithClosedStdout(['papers', '--json'], db);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
  });

  it('report | head: no snapshot is recorded for a report nobody received', async () => {
    const before = snapshots(db);
    const r = await runWithClosedStdout(['report', '--format', 'markdown'], db);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(snapshots(db)).toBe(before);
    // Delivered, it is recorded.
    expect(runCli(['report', '--format', 'markdown'], { db }).code).toBe(0);
    expect(snapshots(db)).toBe(before + 1);
  });
});

describe('an empty --db', () => {
  it('--db "" is a usage error, and no library is created anywhere', () => {
    const home = tempDir();
    for (const args of [['--db', '', 'papers'], ['--db=', 'report'], ['--db', '  ', 'claims']]) {
      const r = runCli(args, { env: { HOME: home, XDG_DATA_HOME: path.join(home, 'data') } });
      expect(r.code, `${JSON.stringify(args)}: ${r.stderr}`).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^Error: --db is empty/);
    }
    expect(fs.readdirSync(home)).toEqual([]);
  });

  it('--db "" does not fall back to $CLAIMWATCH_DB either', () => {
    const other = path.join(tempDir(), 'other.db');
    const r = runCli(['--db', '', 'papers'], { db: other });
    expect(r.code).toBe(2);
    expect(fs.existsSync(other)).toBe(false);
  });

  it('CLAIMWATCH_DB="" is a usage error too, not the default library', () => {
    const home = tempDir();
    const r = runCli(['papers'], { env: { HOME: home, CLAIMWATCH_DB: '' } });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^Error: CLAIMWATCH_DB is empty/);
    expect(fs.readdirSync(home)).toEqual([]);
  });
});

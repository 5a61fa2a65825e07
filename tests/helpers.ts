import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = path.join(ROOT, 'bin', 'claimwatch.js');
/** The shared real PubMed fixtures (a sibling of the repository, as in CI). */
export const FIXTURES = path.resolve(ROOT, '..', 'shared', 'fixtures', 'pubmed');
export const fixture = (rel: string): string => path.join(FIXTURES, rel);

/** A fresh temporary directory, removed by the OS eventually. */
export function tempDir(prefix = 'claimwatch-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Spawns the built CLI with a clean environment pointing at `db`. */
/** A clean environment for the CLI: PATH, HOME, a reviewer, the library, and what the test adds. */
function cliEnv(opts: { db?: string; env?: Record<string, string> }): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? os.tmpdir(),
    CLAIMWATCH_REVIEWER: 'tester',
    ...(opts.db ? { CLAIMWATCH_DB: opts.db } : {}),
    ...opts.env,
  };
}

export function runCli(args: string[], opts: { db?: string; env?: Record<string, string>; input?: string | Buffer } = {}): CliResult {
  const env = cliEnv(opts);
  const r = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', input: opts.input ?? '', maxBuffer: 256 * 2 ** 20 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** SHA-1 of a file's bytes, to prove a command left it untouched. */
export function fileHash(file: string): string {
  return createHash('sha1').update(fs.readFileSync(file)).digest('hex');
}

/**
 * Spawns the built CLI without blocking this process, so a server running in the test (the fake
 * E-utilities) can answer it. `faketime` runs it at another date and time (libfaketime).
 */
export function runCliAsync(
  args: string[],
  opts: { db?: string; env?: Record<string, string>; faketime?: string; onSpawn?: (pid: number) => void } = {},
): Promise<CliResult & { signal: NodeJS.Signals | null }> {
  const env = cliEnv(opts);
  const [cmd, argv] = opts.faketime
    ? ['faketime', ['-f', opts.faketime, process.execPath, BIN, ...args]]
    : [process.execPath, [BIN, ...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid !== undefined) opts.onSpawn?.(child.pid);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? -1, signal, stdout, stderr }));
  });
}

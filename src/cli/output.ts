import fs from 'node:fs';
import path from 'node:path';
import chalk, { Chalk } from 'chalk';
import { PLAIN, type Colouriser } from '../report/colour.js';
import { jsonText } from '../report/visible.js';
import { ClaimwatchError } from '../errors.js';

/** Everything a command may touch of the outside world, injected so tests can call commands directly. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
  isTTY: boolean;
  stderrIsTTY: boolean;
  /** Rewrites one status line on stderr (a terminal only); '' clears it. */
  progress(text: string): void;
  /** Terminal width for wrapped text (80 when not a terminal). */
  columns: number;
  now(): string;
}

/** The real process's IO. */
export function processIO(): CliIO {
  return {
    stdout: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
    stderr: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
    env: process.env,
    isTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    progress: (t) => process.stderr.write(`\r\u001b[2K${t}`),
    columns: process.stdout.isTTY ? process.stdout.columns || 80 : 80,
    now: () => new Date().toISOString(),
  };
}

/** Colour is decided once: off without a TTY, with a non-empty NO_COLOR, or with --no-color. */
export function decideColour(io: Pick<CliIO, 'env' | 'isTTY'>, flag: boolean | undefined): boolean {
  if (flag === false) return false;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  return io.isTTY;
}

/** A colouriser backed by chalk, or the plain one. */
export function makeColouriser(on: boolean): Colouriser {
  if (!on) return PLAIN;
  const c = new Chalk({ level: chalk.level || 1 });
  return { bold: c.bold, dim: c.dim, green: c.green, yellow: c.yellow, red: c.red, cyan: c.cyan, strike: c.strikethrough };
}

/** Prints one JSON document on stdout. */
export function printJson(io: CliIO, value: unknown): void {
  io.stdout(`${jsonText(value)}\n`);
}

/** Writes a file whole or not at all: a temporary file renamed over the target. */
export function writeFileAtomic(file: string, text: string): void {
  const target = path.resolve(file);
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    const code = (e as { code?: string }).code;
    const why = code === 'ENOENT' ? 'its folder does not exist' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : (e as Error).message;
    throw new ClaimwatchError(`cannot write ${file}: ${why} (choose another --out path)`);
  }
}

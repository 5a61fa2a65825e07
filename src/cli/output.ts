import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import chalk, { Chalk } from 'chalk';
import { PLAIN, type Colouriser } from '../report/colour.js';
import { jsonText } from '../report/visible.js';
import { ClaimwatchError, UsageError } from '../errors.js';
import { libraryFiles, type LibraryFile } from '../app/config.js';

/** Everything a command may touch of the outside world, injected so tests can call commands directly. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /**
   * Resolves once everything given to stdout() has been written; rejects with a StdoutError when it could
   * not be (a full disk, a reader that went away). Writes to a pipe finish later than stdout() returns.
   */
  flush?(): Promise<void>;
  env: NodeJS.ProcessEnv;
  isTTY: boolean;
  stderrIsTTY: boolean;
  /** Rewrites one status line on stderr (a terminal only); '' clears it. */
  progress(text: string): void;
  /** Terminal width for wrapped text (80 when not a terminal). */
  columns: number;
  now(): string;
}

/** Standard output could not be written; `quiet` when its reader has gone (EPIPE), which needs no message. */
export class StdoutError extends ClaimwatchError {
  readonly quiet: boolean;
  constructor(cause: NodeJS.ErrnoException) {
    const why = cause.code === 'ENOSPC' ? 'the disk is full (free some space, or send the output elsewhere)'
      : cause.code === 'EPIPE' ? 'its reader has closed it'
      : `${cause.message} (send the output elsewhere)`;
    super(`cannot write to standard output: ${why}`, 1);
    this.quiet = cause.code === 'EPIPE';
  }
}

/**
 * stdout that remembers its first failure instead of crashing the process with an unhandled 'error'
 * event (and a stack trace); after a failure nothing more is written.
 */
function watchedStdout(stream: NodeJS.WriteStream): { write(text: string): void; flush(): Promise<void> } {
  let failure: NodeJS.ErrnoException | undefined;
  let last: Promise<void> = Promise.resolve();
  stream.on('error', (e: NodeJS.ErrnoException) => { failure ??= e; });
  return {
    write(text) {
      if (failure) return;
      last = new Promise((resolve) => {
        stream.write(text, (e) => {
          if (e) failure ??= e;
          resolve();
        });
      });
    },
    async flush() {
      await last;
      if (failure) throw new StdoutError(failure);
    },
  };
}

/** The real process's IO. */
export function processIO(): CliIO {
  const out = watchedStdout(process.stdout);
  // An error message that cannot reach stderr has nowhere else to go; it must not become a crash either.
  process.stderr.on('error', () => {});
  return {
    stdout: (t) => out.write(t.endsWith('\n') ? t : `${t}\n`),
    stderr: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
    flush: () => out.flush(),
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

/** Why `file` may not be written as an --out file, or null when it may. */
function refusal(file: string, real: string, st: fs.Stats | null, protect: readonly LibraryFile[]): string | null {
  // Compared by device and inode, so a hard link, a symlink or another spelling of the path is caught;
  // by name too, for the journal files SQLite has not created yet (they come and go).
  const target = canonical(real);
  for (const p of protect) {
    const same = canonical(p.path) === target || (st !== null && sameFile(st, p.path));
    if (!same) continue;
    return p.role === null
      ? `--out ${file} is the library itself (${p.path}): writing there would destroy every paper, tag and its history; choose another --out path`
      : `--out ${file} belongs to the library (its ${p.role}, ${p.path}): choose another --out path`;
  }
  if (st === null) return null;
  if (!st.isFile()) return `--out ${file} is not a regular file (it is ${kindOf(st)}): give the path of a file to create or replace`;
  if (!writableByUs(st)) return `--out ${file} is read-only: make it writable (chmod u+w) or choose another --out path`;
  return null;
}

/** The absolute path with its folder's symlinks resolved; the folder may not exist. */
function canonical(file: string): string {
  const abs = path.resolve(file);
  try {
    return path.join(fs.realpathSync(path.dirname(abs)), path.basename(abs));
  } catch {
    return abs;
  }
}

function sameFile(st: fs.Stats, other: string): boolean {
  try {
    const o = fs.statSync(other);
    return o.dev === st.dev && o.ino === st.ino;
  } catch {
    return false;
  }
}

function kindOf(st: fs.Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a plain file';
}

/**
 * Whether the write bit that applies to this process is set. Replacing a file needs only the folder's
 * permission, and root passes every access() check, so the file's own mode is read here: a read-only
 * file stays read-only, even for root.
 */
function writableByUs(st: fs.Stats): boolean {
  const uid = process.getuid?.();
  if (uid === undefined) return (st.mode & 0o200) !== 0;
  if (uid === 0) return (st.mode & 0o222) !== 0;
  if (uid === st.uid) return (st.mode & 0o200) !== 0;
  if (process.getgid?.() === st.gid || (process.getgroups?.() ?? []).includes(st.gid)) return (st.mode & 0o020) !== 0;
  return (st.mode & 0o002) !== 0;
}

function statOrNull(file: string): fs.Stats | null {
  try {
    return fs.statSync(file);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null; // the write says why
    throw e;
  }
}

/** The file an --out path names (through a symlink), and its stats when it exists; a UsageError when it is refused. */
function checkOut(file: string, protect: readonly LibraryFile[]): { real: string; st: fs.Stats | null } {
  const abs = path.resolve(file);
  const st = statOrNull(abs);
  // Through a symlink to the file it names: replacing the link would leave that file stale.
  const real = st ? fs.realpathSync(abs) : abs;
  const why = refusal(file, real, st, protect);
  if (why) throw new UsageError(why);
  return { real, st };
}

/** How writeFileAtomic names its temporary file; tests inject a fixed name. */
export interface WriteOptions {
  tempName?: (base: string) => string;
}

const randomTempName = (base: string): string => `.${base}.${randomBytes(9).toString('base64url')}.tmp`;

/** Attempts at a fresh temporary name before giving up: a clash of random names is already unlikely. */
const TEMP_ATTEMPTS = 5;

/**
 * Writes a file whole or not at all: a new temporary file beside the target, renamed over it.
 *
 * Refuses (UsageError, nothing written) a target that is one of `protect` (the library and its
 * journal and lock files), is not a regular file, or is read-only. An existing symlink is followed
 * to the file it names, which keeps its mode. The temporary file has a random name and is created
 * with O_EXCL, so a file or symlink planted beside the target is never opened, let alone followed.
 */
export function writeFileAtomic(file: string, text: string, protect: readonly LibraryFile[], opts: WriteOptions = {}): void {
  const { real, st } = checkOut(file, protect);
  const dir = path.dirname(real);
  const name = opts.tempName ?? randomTempName;
  let tmp: string | undefined;
  let fd: number | undefined;
  try {
    for (let i = 0; i < TEMP_ATTEMPTS && fd === undefined; i++) {
      const candidate = path.join(dir, name(path.basename(real)));
      try {
        fd = fs.openSync(candidate, 'wx', st ? st.mode & 0o777 : 0o666);
        tmp = candidate;
      } catch (e) {
        if ((e as { code?: string }).code !== 'EEXIST') throw e;
      }
    }
    if (fd === undefined) throw Object.assign(new Error('no free temporary name beside it'), { code: 'EEXIST' });
    if (st) fs.fchmodSync(fd, st.mode & 0o777); // the umask applied at creation
    fs.writeFileSync(fd, text);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp!, real);
  } catch (e) {
    if (fd !== undefined) fs.closeSync(fd);
    if (tmp !== undefined) fs.rmSync(tmp, { force: true });
    const code = (e as { code?: string }).code;
    const reason = code === 'ENOENT' || code === 'ENOTDIR' ? 'its folder does not exist'
      : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
      : code === 'ENOSPC' ? 'the disk is full'
      : code === 'EEXIST' ? 'could not create a temporary file beside it'
      : (e as Error).message;
    throw new ClaimwatchError(`cannot write ${file}: ${reason} (choose another --out path)`);
  }
}

/** An --out file, checked when made, before the library is opened, and again when written. */
export interface OutFile {
  path: string;
  write(text: string): void;
}

/** Checks `--out` against the library at `dbPath` now and returns the writer; undefined without --out. */
export function prepareOut(file: string | undefined, dbPath: string): OutFile | undefined {
  if (file === undefined) return undefined;
  if (!file.trim()) throw new UsageError('--out is empty: give the path of a file to write, or leave --out out to print on stdout');
  const protect = libraryFiles(dbPath);
  checkOut(file, protect);
  return { path: file, write: (text) => writeFileAtomic(file, text, protect) };
}

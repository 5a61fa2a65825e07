import { addUser, changePassword, listUsers, removeUser, validateUserName, type UserSummary } from '../../app/users.js';
import { UsageError } from '../../errors.js';
import { visibleText } from '../../report/visible.js';
import { printJson } from '../output.js';
import { withLibrary, type Context } from '../context.js';

type Input = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (on: boolean) => unknown };

/** Reads one line from a terminal without echoing it. */
function promptHidden(ctx: Context, question: string, input: Input): Promise<string> {
  return new Promise((resolve) => {
    ctx.io.stderr(question.replace(/\n$/, ''));
    let text = '';
    input.setRawMode?.(true);
    input.resume();
    const done = (value: string): void => {
      input.removeListener('data', onData);
      input.setRawMode?.(false);
      input.pause();
      resolve(value);
    };
    const onData = (chunk: Buffer | string): void => {
      for (const ch of chunk.toString()) {
        if (ch === '\r' || ch === '\n') return done(text);
        if (ch === '\u0003' || ch === '\u0004') return done('');
        if (ch === '\u007f' || ch === '\b') text = [...text].slice(0, -1).join('');
        else text += ch;
      }
    };
    input.on('data', onData);
  });
}

/** The first line of a pipe (the rest is ignored). */
async function firstLine(input: Input): Promise<string> {
  let all = '';
  for await (const chunk of input) {
    all += chunk.toString();
    if (all.includes('\n')) break;
  }
  return all.split(/\r?\n/)[0] ?? '';
}

/** The new password: asked twice on a terminal, else the first line of stdin. Never echoed, logged or shown. */
export async function readNewPassword(ctx: Context, name: string, input: Input = process.stdin): Promise<string> {
  if (input.isTTY && typeof input.setRawMode === 'function') {
    const a = await promptHidden(ctx, `Password for ${visibleText(name)}: `, input);
    ctx.io.stderr('');
    const b = await promptHidden(ctx, 'Again: ', input);
    ctx.io.stderr('');
    if (a !== b) throw new UsageError('the two passwords differ: nothing was changed; run the command again');
    return a;
  }
  const line = await firstLine(input);
  if (!line) throw new UsageError('no password on standard input: pipe it as the first line, or run the command on a terminal to be asked');
  return line;
}

/** `claimwatch users add NAME`. */
export async function usersAddCommand(ctx: Context, nameArg: string, opts: { json?: boolean }, input?: Input): Promise<UserSummary> {
  const name = validateUserName(nameArg);
  const password = await readNewPassword(ctx, name, input);
  const u = await withLibrary(ctx, (db) => addUser(db, name, password, ctx.io.now()));
  if (opts.json) printJson(ctx.io, u);
  else ctx.io.stdout(`Added the account ${visibleText(u.name)}.`);
  return u;
}

/** `claimwatch users passwd NAME`. */
export async function usersPasswdCommand(ctx: Context, nameArg: string, opts: { json?: boolean }, input?: Input): Promise<UserSummary> {
  const name = validateUserName(nameArg);
  const password = await readNewPassword(ctx, name, input);
  const u = await withLibrary(ctx, (db) => changePassword(db, name, password, ctx.io.now()));
  if (opts.json) printJson(ctx.io, u);
  else ctx.io.stdout(`Changed the password of ${visibleText(u.name)} (a running serve keeps its open sessions until it restarts).`);
  return u;
}

/** `claimwatch users remove NAME`. */
export async function usersRemoveCommand(ctx: Context, name: string, opts: { json?: boolean }): Promise<UserSummary> {
  const u = await withLibrary(ctx, (db) => removeUser(db, name));
  if (opts.json) printJson(ctx.io, u);
  else ctx.io.stdout(`Removed the account ${visibleText(u.name)}; their tags and history stay.`);
  return u;
}

/** `claimwatch users list`. */
export async function usersListCommand(ctx: Context, opts: { json?: boolean }): Promise<UserSummary[]> {
  const list = await withLibrary(ctx, (db) => listUsers(db));
  if (opts.json) printJson(ctx.io, list);
  else ctx.io.stdout(list.length ? list.map((u) => `${visibleText(u.name)}  added ${u.createdAt}`).join('\n') : 'No account: serve listens on the loopback only (claimwatch users add NAME).');
  return list;
}

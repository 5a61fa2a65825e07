import { Option, type Command } from 'commander';
import type { Run } from './main.js';

/** Declares `claimwatch serve` (the library in a browser, issue 15) and `claimwatch users` (its accounts). */
export function registerServe(program: Command, run: Run): void {
  const json = (): Option => new Option('--json', 'print one JSON document on stdout');

  program
    .command('serve')
    .description('the library in a browser for the whole team: triage with the same keys, the read views, the live report and its downloads')
    .option('--host <address>', 'the address to listen on; any other than the loopback needs accounts (claimwatch users add)', '127.0.0.1')
    .option('--port <n>', 'the port (0 picks a free one)', '8765')
    .option('--open', 'open the page in the default browser')
    .action((o) => run(async (ctx) => (await import('./commands/serve.js')).serveCommand(ctx, o)));

  const users = program.command('users').description("accounts for 'serve' on an address other than the loopback");
  users
    .command('list', { isDefault: true })
    .description('the accounts, without their passwords')
    .addOption(json())
    .action((o) => run(async (ctx) => (await import('./commands/users.js')).usersListCommand(ctx, o)));
  users
    .command('add')
    .description('add an account; the password is read from a prompt (twice) or the first line of stdin, and kept as a salted scrypt hash')
    .argument('<name>', 'the reviewer name, as tags carry it')
    .addOption(json())
    .action((name: string, o) => run(async (ctx) => (await import('./commands/users.js')).usersAddCommand(ctx, name, o)));
  users
    .command('passwd')
    .description("change an account's password (prompt or first line of stdin)")
    .argument('<name>', 'the account')
    .addOption(json())
    .action((name: string, o) => run(async (ctx) => (await import('./commands/users.js')).usersPasswdCommand(ctx, name, o)));
  users
    .command('remove')
    .description("remove an account; the reviewer's tags and history stay")
    .argument('<name>', 'the account')
    .addOption(json())
    .action((name: string, o) => run(async (ctx) => (await import('./commands/users.js')).usersRemoveCommand(ctx, name, o)));
}

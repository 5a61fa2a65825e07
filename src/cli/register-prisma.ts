import { Option, type Command } from 'commander';
import type { Run } from './main.js';

/** Declares the review's record: reasons (the standard exclusion reasons), prisma (the flow diagram) and methods. */
export function registerPrisma(program: Command, run: Run): void {
  const json = (): Option => new Option('--json', 'print one JSON document on stdout');
  const reviewer = (): Option => new Option('--reviewer <name>', 'who is acting (default: $CLAIMWATCH_REVIEWER, else your login name)');
  const reasons = program.command('reasons').description('the standard exclusion reasons, chosen by number in dismiss --reason and triage');
  reasons
    .command('list', { isDefault: true })
    .description('the reasons, by number, with how many dismissals give each')
    .addOption(json())
    .action((o) => run(async (ctx) => (await import('./commands/reasons.js')).reasonsListCommand(ctx, o)));
  reasons
    .command('add')
    .description('add a reason; it gets the next number')
    .argument('<code>', 'a short code: lower-case words joined by dashes (it travels in tags export)')
    .argument('<label>', 'the words reviewers read')
    .addOption(reviewer())
    .addOption(json())
    .action((code: string, label: string, o) => run(async (ctx) => (await import('./commands/reasons.js')).reasonsAddCommand(ctx, code, label, o)));
  reasons
    .command('edit')
    .description('change the words of a reason; its number and code stay, and the history keeps the old words')
    .argument('<reason>', 'its number or code')
    .argument('<label>', 'the new words')
    .addOption(reviewer())
    .addOption(json())
    .action((ref: string, label: string, o) => run(async (ctx) => (await import('./commands/reasons.js')).reasonsEditCommand(ctx, ref, label, o)));

  program
    .command('prisma')
    .description('the PRISMA 2020 flow diagram of an updated review, counted from the library')
    .option('--since <date>', 'the day the update starts (YYYY-MM-DD, local): papers tagged before it are the previous version')
    .addOption(new Option('--format <format>', 'text | svg | html | json | csv (the PRISMA2020 R package\'s layout)').default('text'))
    .option('--out <file>', 'write to a file instead of stdout')
    .action((o) => run(async (ctx) => (await import('./commands/prisma.js')).prismaCommand(ctx, o)));
  program
    .command('methods')
    .description('a Markdown methods paragraph: databases, saved searches, dates, runs, screening, reviewers and agreement, retraction checks')
    .option('--since <date>', 'the day the update starts, as for prisma')
    .option('--out <file>', 'write to a file instead of stdout')
    .addOption(json())
    .action((o) => run(async (ctx) => (await import('./commands/methods.js')).methodsCommand(ctx, o)));
}

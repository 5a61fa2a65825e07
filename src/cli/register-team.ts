import { Option, type Command } from 'commander';
import type { Run } from './main.js';

/** Declares agreement, conflicts and log: how several reviewers' tags compare, and who changed what. */
export function registerTeam(program: Command, run: Run): void {
  const json = (): Option => new Option('--json', 'print one JSON document on stdout');

  program
    .command('agreement')
    .description("Cohen's kappa on stance between two reviewers, per claim and overall, over the papers both tagged")
    .requiredOption('--reviewers <a,b>', 'the two reviewers, separated by a comma')
    .option('--claim <claim>', 'only this claim')
    .addOption(json())
    .action((o) => run(async (ctx) => (await import('./commands/team.js')).agreementCommand(ctx, o)));

  program
    .command('conflicts')
    .description('papers whose reviewers gave a claim different stances, with the tag commands that would settle them')
    .option('--claim <claim>', 'only this claim')
    .addOption(json())
    .action((o) => run(async (ctx) => (await import('./commands/team.js')).conflictsCommand(ctx, o)));

  program
    .command('log')
    .description('every change to tags, dismissals and claims (and papers\' retractions), newest first')
    .option('--since <date>', 'only changes on or after this day, YYYY-MM-DD or YYYY/MM/DD (UTC)')
    .option('--reviewer <name>', 'only changes made by this reviewer')
    .option('--limit <n>', 'show at most n changes')
    .addOption(json())
    .action((o) => run(async (ctx) => (await import('./commands/team.js')).logCommand(ctx, o)));
}

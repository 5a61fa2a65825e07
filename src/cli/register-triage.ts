import { Option, type Command } from 'commander';
import type { Run } from './main.js';

/** Declares claimwatch triage (issue 4). */
export function registerTriage(program: Command, run: Run): void {
  program
    .command('triage')
    .description('walk your inbox paper by paper, most likely to matter first: tag, note, dismiss or skip with single keys (or one action per line from a pipe)')
    .option('--query <name>', 'only the papers this saved search found')
    .option('--since <date>', 'only papers that entered PubMed (else the library) on or after this date (YYYY/MM/DD or YYYY-MM-DD)')
    .option('--limit <n>', 'at most n papers')
    .option('--blind', "hide other reviewers' tags on a paper until you have tagged it yourself (and learn from your decisions only)")
    .option('--order <order>', "'ranked' (default: most likely to matter first, once there is a tag and a dismissal) or 'newest'")
    .option('--porcelain', 'for scripts: one JSON object per line on stdout (each card, then a summary), one action line read before each next card')
    .addOption(new Option('--reviewer <name>', 'who is acting (default: $CLAIMWATCH_REVIEWER, else your login name)'))
    .action((o) => run(async (ctx) => (await import('./commands/triage.js')).triageCommand(ctx, o)));
}

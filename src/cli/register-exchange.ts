import { Option, type Command } from 'commander';
import type { Run } from './main.js';

/** Declares `tags export` and `tags import`: a team's exchange of tags without a server. */
export function registerExchange(program: Command, run: Run): void {
  const tags = program.command('tags').description('exchange tags with other reviewers as files (JSON lines)');
  tags
    .command('export')
    .description('write every tagging event (tags, untags, dismissals) as one JSON object per line')
    .option('--reviewer <name>', 'only this reviewer\'s events')
    .option('--out <file>', 'write to a file instead of stdout')
    .action((o) => run(async (ctx) => (await import('./commands/exchange.js')).tagsExportCommand(ctx, o)));
  tags
    .command('import')
    .description('merge tagging events exported from another library; importing twice, or in any order, gives the same result')
    .argument('<file>', 'a file written by tags export, or - for standard input')
    .addOption(new Option('--json', 'print one JSON document on stdout'))
    .action((file: string, o) => run(async (ctx) => (await import('./commands/exchange.js')).tagsImportCommand(ctx, file, o)));
}

import { Option, type Command } from 'commander';
import type { Run } from './main.js';

/** Declares `integrity check` and `integrity import`: statuses from Crossref and Retraction Watch. */
export function registerIntegrity(program: Command, run: Run): void {
  const integrity = program.command('integrity').description('integrity statuses (retractions, corrections, concerns) from Crossref and Retraction Watch');
  integrity
    .command('check')
    .description('ask Crossref about the tagged papers (every paper with --all) and record new retractions, corrections and concerns')
    .option('--all', 'check every paper with a DOI, not only the tagged ones')
    .option('--email <address>', 'your e-mail for Crossref\'s polite pool (default: $CLAIMWATCH_CROSSREF_MAILTO, else $NCBI_EMAIL)')
    .addOption(new Option('--json', 'print one JSON document on stdout'))
    .action((o) => run(async (ctx) => (await import('./commands/integrity.js')).integrityCheckCommand(ctx, o)));
  integrity
    .command('import')
    .description('read the Retraction Watch CSV (retraction_watch.csv from Crossref) and record its notices for papers in the library')
    .argument('<file>', 'the Retraction Watch CSV')
    .addOption(new Option('--json', 'print one JSON document on stdout'))
    .action((file: string, o) => run(async (ctx) => (await import('./commands/integrity.js')).integrityImportCommand(ctx, file, o)));
}

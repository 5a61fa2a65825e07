import type { Command } from 'commander';
import type { Run } from './main.js';

/** Declares `claimwatch export` (bibliographies that keep the tags). */
export function registerExport(program: Command, run: Run): void {
  program
    .command('export')
    .description('write the library, or one claim\'s tagged papers, as RIS, BibTeX, CSL-JSON or CSV, with the tags as keywords and notes')
    .requiredOption('--format <format>', 'ris | bibtex | csljson | csv')
    .option('--claim <claim>', 'only papers tagged for this claim (id or slug)')
    .option('--stance <stance>', 'with --claim: only papers tagged with this stance (supports, qualifies, contradicts or s, q, c)')
    .option('--out <file>', 'write to a file instead of stdout')
    .action((o) => run(async (ctx) => (await import('./commands/export.js')).exportCommand(ctx, o)));
}

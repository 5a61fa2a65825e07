import { Option, type Command } from 'commander';
import { EVIDENCE_KINDS } from '../evidence/report.js';
import type { Run } from './main.js';

/** Declares classify: a reviewer's override of a paper's evidence kind. */
export function registerClassify(program: Command, run: Run): void {
  program
    .command('classify')
    .description('set the evidence kind of a paper when PubMed\'s publication types and MeSH get it wrong')
    .argument('<pmid>', 'PubMed id of a paper in the library')
    .argument('[kind]', EVIDENCE_KINDS.join(' | '))
    .option('--clear', 'remove the override: the kind is derived from PubMed again')
    .addOption(new Option('--reviewer <name>', 'who is acting (default: $CLAIMWATCH_REVIEWER, else your login name)'))
    .addOption(new Option('--json', 'print one JSON document on stdout'))
    .action((pmid: string, kind: string | undefined, o) =>
      run(async (ctx) => (await import('./commands/classify.js')).classifyCommand(ctx, pmid, kind, o)));
}

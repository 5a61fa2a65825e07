import { Command, CommanderError, Option } from 'commander';
import { ClaimwatchError } from '../errors.js';
import { visibleText } from '../report/visible.js';
import { decideColour, makeColouriser, processIO, StdoutError, type CliIO } from './output.js';
import { makeContext, type Context } from './context.js';
import { registerTriage } from './register-triage.js';
import { registerTeam } from './register-team.js';
import { registerExchange } from './register-exchange.js';
import { registerExport } from './register-export.js';
import { registerClassify } from './register-classify.js';
import { registerServe } from './register-serve.js';
import { registerPrisma } from './register-prisma.js';
import { registerIntegrity } from './register-integrity.js';

const VERSION = '0.1.0';

/** What a parsed command will do, once the context is made. */
export type Action = (ctx: Context) => Promise<unknown>;
/** How a command file hands its action to main. */
export type Run = (a: Action) => void;

/** Builds the program; every action only records what to run, so parsing stays separate from doing. */
export function buildProgram(io: CliIO, run: (a: Action) => void): Command {
  const program = new Command('claimwatch')
    .description('Track the evidence for and against the claims of one review, from PubMed, in SQLite.')
    .version(VERSION)
    .option('--db <path>', 'the library database (default: $CLAIMWATCH_DB, else $XDG_DATA_HOME/claimwatch/claimwatch.db)')
    .option('--no-color', 'no colour, even on a terminal')
    .option('--debug', 'print stack traces of errors')
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: (s) => io.stderr(s),
      // One line per error: commander puts its suggestion on a second line.
      outputError: (s, write) => write(`${s.replace(/^error: /, 'Error: ').trim().replace(/\s*\n\s*/g, ' ')}\n`),
    })
    .exitOverride();

  const json = (): Option => new Option('--json', 'print one JSON document on stdout');
  const reviewer = (): Option => new Option('--reviewer <name>', 'who is acting (default: $CLAIMWATCH_REVIEWER, else your login name)');

  program
    .command('import')
    .description('import PubMed XML (efetch, NLM baseline/update, .gz too), MEDLINE text, or CSV and RIS exports of screening tools and reference managers; one transaction per file')
    .argument('<file...>', "files to import ('-' reads standard input)")
    .option('--threads <n>', 'threads that read records beside the one writing the library, 0 for none (default: one per extra core, up to 4)')
    .option('--labels', "record the exclusions a CSV or RIS export carries (ASReview's included, label_included, Rayyan's decisions) as the reviewer's dismissals")
    .addOption(reviewer())
    .addOption(json())
    .action((files: string[], o) => run(async (ctx) => {
      const { importCommand } = await import('./commands/import.js');
      return importCommand(ctx, files, o);
    }));

  program
    .command('reparse')
    .description("read every stored record again with today's parser and store what now reads differently (tags, dismissals and history stay)")
    .option('--dry-run', 'only count the papers that would change, per field; write nothing')
    .addOption(json())
    .action((o) => run(async (ctx) => (await import('./commands/reparse.js')).reparseCommand(ctx, o)));

  const net = (cmd: Command): Command => cmd
    .option('--email <address>', 'your e-mail for NCBI (default: $NCBI_EMAIL)')
    .option('--api-key <key>', 'your NCBI API key, allowing 10 requests/s instead of 3 (default: $NCBI_API_KEY)');

  net(program
    .command('search')
    .description('run the saved PubMed searches: new papers since the last run, plus a refresh of tagged papers')
    .option('--query <name>', 'run only this saved search')
    .option('--since <date>', 'search from this Entrez date (YYYY/MM/DD) instead of the last run')
    .option('--dry-run', 'count what would be fetched; fetch and store nothing')
    .addOption(json()))
    .action((o) => run(async (ctx) => (await import('./commands/search.js')).searchCommand(ctx, o)));

  net(program
    .command('fetch')
    .description('add specific papers by PMID from PubMed')
    .argument('[pmids...]', 'PMIDs to fetch')
    .option('--file <file>', 'read PMIDs from a file (one per line; # starts a comment)')
    .addOption(json()))
    .action((pmids: string[], o) => run(async (ctx) => (await import('./commands/search.js')).fetchCommand(ctx, pmids, o)));

  const queries = program.command('queries').description('list and manage the saved PubMed searches');
  queries
    .command('list', { isDefault: true })
    .description('the saved searches, with their last successful run and paper counts')
    .addOption(json())
    .action((o) => run(async (ctx) => (await import('./commands/queries.js')).queriesListCommand(ctx, o)));
  queries
    .command('show')
    .description('one saved search: its term, papers and recent runs')
    .argument('<name>', 'the search name')
    .addOption(json())
    .action((name: string, o) => run(async (ctx) => (await import('./commands/queries.js')).queriesShowCommand(ctx, name, o)));
  queries
    .command('add')
    .description('add a saved search (PubMed query syntax); its first run fetches everything it matches')
    .argument('<name>', 'a short name: lower-case letters, digits and dashes')
    .argument('<term>', 'the PubMed query, quoted')
    .option('--description <text>', 'what the search is for')
    .addOption(json())
    .action((name: string, term: string, o) => run(async (ctx) => (await import('./commands/queries.js')).queriesAddCommand(ctx, name, term, o)));
  queries
    .command('remove')
    .description('remove a saved search; the papers it found stay')
    .argument('<name>', 'the search name')
    .addOption(json())
    .action((name: string, o) => run(async (ctx) => (await import('./commands/queries.js')).queriesRemoveCommand(ctx, name, o)));

  const runs = program.command('runs').description('the log of search and fetch runs, newest first; each search\'s manifest');
  runs
    .command('list', { isDefault: true })
    .description('the log of search and fetch runs, newest first')
    .option('--limit <n>', 'how many runs (default 20)')
    .addOption(json())
    .action((o) => run(async (ctx) => (await import('./commands/runs.js')).runsCommand(ctx, o)));
  runs
    .command('show')
    .description('one run with the manifest of each saved search: term and dates sent, count reported, PMIDs received and their hash')
    .argument('<run>', 'the run number (claimwatch runs)')
    .addOption(json())
    .action((id: string, o) => run(async (ctx) => (await import('./commands/manifests.js')).runsShowCommand(ctx, id, o)));
  runs
    .command('verify')
    .description('check from the library that every PMID each search manifest lists is stored; name those that are not')
    .addOption(json())
    .action((o) => run(async (ctx) => (await import('./commands/manifests.js')).runsVerifyCommand(ctx, o)));

  program
    .command('schedule')
    .description('print a crontab line and a systemd user timer for a nightly search in NCBI\'s off-peak hours')
    .option('--at <HH:MM>', 'time of day, US Eastern, between 21:00 and 05:00 (default 02:30)')
    .addOption(json())
    .action((o) => run(async (ctx) => (await import('./commands/runs.js')).scheduleCommand(ctx, o)));

  const claims = program.command('claims').description('list and manage the review\'s claims');
  claims
    .command('list', { isDefault: true })
    .description('list the claims with their tag counts')
    .addOption(json())
    .action((o) => run(async (ctx) => (await import('./commands/claims.js')).claimsListCommand(ctx, o)));
  claims
    .command('show')
    .description('one claim with its keywords, dependencies and history')
    .argument('<claim>', 'claim id (C7) or slug')
    .addOption(json())
    .action((ref: string, o) => run(async (ctx) => (await import('./commands/claims.js')).claimsShowCommand(ctx, ref, o)));
  claims
    .command('add')
    .description('add a claim; it gets the next free id')
    .argument('<slug>', 'short name: lower-case words joined by hyphens')
    .argument('<statement>', 'the claim in one sentence')
    .option('--keywords <list>', 'comma-separated words that recognise a paper about it')
    .option('--depends-on <ids>', 'comma-separated claims it depends on in the mechanism chain')
    .addOption(reviewer())
    .addOption(json())
    .action((slug: string, statement: string, o) => run(async (ctx) => (await import('./commands/claims.js')).claimsAddCommand(ctx, slug, statement, o)));
  claims
    .command('edit')
    .description('change a claim; the old values stay in its history')
    .argument('<claim>', 'claim id or slug')
    .option('--statement <text>', 'new statement')
    .option('--slug <slug>', 'new slug')
    .option('--keywords <list>', 'replace the keywords (comma-separated)')
    .option('--depends-on <ids>', 'replace the dependencies (comma-separated)')
    .addOption(reviewer())
    .addOption(json())
    .action((ref: string, o) => run(async (ctx) => (await import('./commands/claims.js')).claimsEditCommand(ctx, ref, o)));
  claims
    .command('retire')
    .description('retire a claim: it keeps its tags and history and takes no new tags')
    .argument('<claim>', 'claim id or slug')
    .addOption(reviewer())
    .addOption(json())
    .action((ref: string, o) => run(async (ctx) => (await import('./commands/claims.js')).claimsRetireCommand(ctx, ref, true, o)));
  claims
    .command('restore')
    .description('bring a retired claim back')
    .argument('<claim>', 'claim id or slug')
    .addOption(reviewer())
    .addOption(json())
    .action((ref: string, o) => run(async (ctx) => (await import('./commands/claims.js')).claimsRetireCommand(ctx, ref, false, o)));

  program
    .command('tag')
    .description('tag a paper as supporting, qualifying or contradicting a claim')
    .argument('<pmid>', 'PubMed id of a paper in the library')
    .argument('<claim>', 'claim id (C7) or slug')
    .argument('<stance>', 'supports | qualifies | contradicts (or s, q, c)')
    .option('--note <text>', 'why: kept with the tag and in the history')
    .addOption(reviewer())
    .addOption(json())
    .action((pmid: string, claim: string, stance: string, o) =>
      run(async (ctx) => (await import('./commands/tag.js')).tagCommand(ctx, pmid, claim, stance, o)));
  program
    .command('untag')
    .description('remove your tag of a paper for a claim (the history keeps it)')
    .argument('<pmid>', 'PubMed id')
    .argument('<claim>', 'claim id or slug')
    .addOption(reviewer())
    .addOption(json())
    .action((pmid: string, claim: string, o) => run(async (ctx) => (await import('./commands/tag.js')).untagCommand(ctx, pmid, claim, o)));
  program
    .command('dismiss')
    .description('mark a paper reviewed and bearing on no claim')
    .argument('<pmid>', 'PubMed id')
    .option('--reason <n|text>', "why it is not relevant: a standard reason's number or code (claimwatch reasons), or your own words")
    .addOption(reviewer())
    .addOption(json())
    .action((pmid: string, o) => run(async (ctx) => (await import('./commands/tag.js')).dismissCommand(ctx, pmid, o)));
  program
    .command('undismiss')
    .description('put a dismissed paper back in the inbox')
    .argument('<pmid>', 'PubMed id')
    .addOption(reviewer())
    .addOption(json())
    .action((pmid: string, o) => run(async (ctx) => (await import('./commands/tag.js')).undismissCommand(ctx, pmid, o)));

  registerTriage(program, run);
  registerTeam(program, run);
  registerExchange(program, run);
  registerExport(program, run);
  registerClassify(program, run);
  registerServe(program, run);
  registerPrisma(program, run);
  registerIntegrity(program, run);

  program
    .command('history')
    .description('every change to a paper\'s tags and dismissals, and its retraction or deletion')
    .argument('<pmid>', 'PubMed id')
    .addOption(json())
    .action((pmid: string, o) => run(async (ctx) => (await import('./commands/papers.js')).historyCommand(ctx, pmid, o)));
  program
    .command('inbox')
    .description('papers neither tagged nor dismissed, most likely to matter first (once there is a tag and a dismissal)')
    .option('--limit <n>', 'show at most n papers')
    .option('--order <order>', "'ranked' (default) or 'newest' (today's order, no ranking and no score)")
    .addOption(json())
    .action((o) => run(async (ctx) => (await import('./commands/papers.js')).inboxCommand(ctx, o)));
  program
    .command('papers')
    .description('papers in the library, newest first')
    .option('--tagged', 'only papers with at least one tag')
    .option('--untagged', 'only papers with no tag')
    .option('--dismissed', 'only dismissed papers')
    .option('--claim <claim>', 'only papers tagged for this claim')
    .option('--limit <n>', 'show at most n papers')
    .option('--status <status>', 'only papers retracted (or withdrawn, removed), under an expression of concern, or corrected: retracted | concern | corrected')
    .addOption(json())
    .action((o) => run(async (ctx) => (await import('./commands/papers.js')).papersCommand(ctx, o)));
  program
    .command('show')
    .description('one paper with its tags')
    .argument('<pmid>', 'PubMed id')
    .addOption(json())
    .action((pmid: string, o) => run(async (ctx) => (await import('./commands/papers.js')).showCommand(ctx, pmid, o)));

  program
    .command('report')
    .description('the claim-by-claim evidence report')
    .addOption(new Option('--format <format>', 'text | markdown | json | html').default('text'))
    .option('--claim <claim>', 'only this claim')
    .option('--since <date>', 'say what changed since this date (YYYY-MM-DD); default: since the previous report')
    .option('--out <file>', 'write to a file instead of stdout')
    .option('--verbose', 'also show when each claim\'s statement was edited, by whom, and what it said before')
    .action((o) => run(async (ctx) => (await import('./commands/report.js')).reportCommand(ctx, o)));

  return program;
}

/** Exit code for an error from anywhere below: 2 for usage and bad input, 1 for everything else. */
function exitCodeOf(e: unknown): number {
  if (e instanceof ClaimwatchError) return e.exitCode;
  return 1;
}

function describe(e: unknown): string {
  const err = e as { code?: string; message?: string };
  if (err.code === 'SQLITE_BUSY') return 'the database is busy: another claimwatch process holds it; try again when it finishes';
  if (err.code === 'SQLITE_NOTADB') return 'the database file is not a SQLite database: choose another path with --db';
  if (err.code === 'SQLITE_READONLY') return 'the database is read-only: check its permissions or choose another path with --db';
  return err.message ?? String(e);
}

/** Runs the CLI on `argv` (without node and script); returns the exit code. The only place that decides one. */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  let pending: Action | undefined;
  const program = buildProgram(io, (a) => { pending = a; });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      // commander exits 1 on usage errors; usage errors are 2 here.
      return e.exitCode === 0 ? 0 : 2;
    }
    throw e;
  }
  if (!pending) return 0;
  const opts = program.opts<{ db?: string; color?: boolean; debug?: boolean }>();
  try {
    const ctx = makeContext(io, opts.db, makeColouriser(decideColour(io, opts.color)));
    const result = await pending(ctx);
    // A command is done only once its output is out: a full disk or a closed pipe fails it.
    await io.flush?.();
    if (result && typeof result === 'object' && 'exitCode' in result && typeof result.exitCode === 'number') return result.exitCode;
    return 0;
  } catch (e) {
    // A reader that stopped reading (`claimwatch papers | head`) asked for no more: exit 1, no message.
    if (e instanceof StdoutError && e.quiet) return e.exitCode;
    // A message can echo an argument or a server's text: its control characters are shown, not obeyed.
    io.stderr(`Error: ${visibleText(describe(e))}`);
    if (opts.debug && e instanceof Error && e.stack) io.stderr(e.stack);
    return exitCodeOf(e);
  }
}

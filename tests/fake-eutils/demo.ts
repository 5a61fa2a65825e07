// `npm run demo`: the whole loop, offline. Starts the local E-utilities stand-in (the real PubMed records
// of ../shared/fixtures/pubmed, see README.md here), says what it holds and what the shipped searches would
// ask NCBI, adds one saved search whose words those records really contain, runs `claimwatch search`
// against it into demo/claimwatch.db (not your library), then the three commands a user tries next:
// triage (fed a quit), report, and report --format html. On a machine that can reach NCBI, run
// `claimwatch search` instead.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeEutils, loadFixtureCorpus } from './server.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(ROOT, 'bin', 'claimwatch.js');
const db = path.resolve(process.env.CLAIMWATCH_DB ?? path.join(ROOT, 'demo', 'claimwatch.db'));
const html = path.join(path.dirname(db), 'report.html');
const rel = (p: string): string => path.relative(process.cwd(), p) || p;
const today = new Date();
const ymd = `${today.getFullYear()}/${String(today.getMonth() + 1).padStart(2, '0')}/${String(today.getDate()).padStart(2, '0')}`;

const corpus = loadFixtureCorpus();
const mdma = corpus.filter((r) => /\bMDMA\b|methylenedioxymethamphetamine|midomafetamine/i.test(r.xml)).length;
const queries = (JSON.parse(fs.readFileSync(path.join(ROOT, 'data', 'queries.json'), 'utf8')) as { queries: { name: string; term: string }[] }).queries;
const readingList = (JSON.parse(fs.readFileSync(path.join(ROOT, 'data', 'reading-list.json'), 'utf8')) as { pmids: { pmid: number }[] }).pmids;

const held = readingList.filter((p) => corpus.some((r) => r.pmid === p.pmid)).length;

const server = new FakeEutils({ today: ymd, corpus });
const url = await server.start();
// The server answers from this process, so the CLI is spawned without blocking it.
function claimwatch(args: string[], input?: string): Promise<number> {
  return new Promise((resolve) => {
    const shown = `claimwatch --db ${rel(db)} ${args.map((a) => (/[\s|()"]/.test(a) ? `'${a}'` : a)).join(' ')}`;
    process.stdout.write(`\n$ ${input === undefined ? '' : `printf '${JSON.stringify(input).slice(1, -1)}' | `}${shown}\n`);
    const child = spawn(process.execPath, [BIN, '--db', db, ...args], {
      stdio: [input === undefined ? 'ignore' : 'pipe', 'inherit', 'inherit'],
      env: {
        ...process.env,
        CLAIMWATCH_EUTILS_URL: url,
        NCBI_EMAIL: process.env.NCBI_EMAIL ?? 'claimwatch-demo@example.org',
        CLAIMWATCH_REVIEWER: process.env.CLAIMWATCH_REVIEWER ?? 'demo',
      },
    });
    if (input !== undefined) child.stdin?.end(input);
    child.on('close', (code) => resolve(code ?? 1));
  });
}

const say = (lines: string[]): void => void process.stdout.write(`${lines.join('\n')}\n`);
fs.mkdirSync(path.dirname(db), { recursive: true });
say([
  `This demo runs offline against a local stand-in for NCBI E-utilities (${url}).`,
  `It serves ${corpus.length} real PubMed records from ../shared/fixtures/pubmed; ${mdma === 0 ? 'none of them is about MDMA' : `${mdma} of them mention MDMA`},`,
  'because no public PubMed XML of this review\'s literature exists to serve. On NCBI, the four shipped searches would ask:',
  ...queries.map((q) => `  ${q.name}: ${q.term}`),
  'Here they find nothing. The demo adds one search whose words the stand-in\'s records contain, so you see papers arrive.',
  `The first search also fetches the reading list by PMID: the review (PMID ${readingList[0]?.pmid}) and ${readingList.length - 1} papers it builds on`,
  `(data/reading-list.json). The stand-in holds ${held === 0 ? 'none' : held} of them, so the reading list line names ${held === 0 ? 'them all' : 'the others'} as records the server did not send.`,
]);
const exists = spawnSync(process.execPath, [BIN, '--db', db, 'queries', '--json'], { encoding: 'utf8' });
if (!exists.stdout.includes('"demo-fear-memory"')) {
  await claimwatch(['queries', 'add', 'demo-fear-memory', 'fear OR memory OR hippocampus OR brain[tiab]', '--description', 'demo: words the fixture records contain']);
}
const code = await claimwatch(['search']);
await server.close();

say(['', 'What a user tries next, on the demo library: the first card of triage (fed a quit, so nothing is decided), the report, and the report as a web page.']);
await claimwatch(['triage'], 'q\n');
await claimwatch(['report']);
await claimwatch(['report', '--format', 'html', '--out', rel(html)]);
say([
  '',
  `The demo library is ${rel(db)} and the web page ${rel(html)}. Every claim above is untested because nothing is tagged yet:`,
  `tag a paper (npx claimwatch --db ${rel(db)} tag PMID C3 supports), or triage for real (npx claimwatch --db ${rel(db)} triage), then report again.`,
]);
process.exitCode = code;

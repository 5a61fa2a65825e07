// `npm run demo`: the main job, offline. Starts the local E-utilities stand-in (the real PubMed records
// of ../shared/fixtures/pubmed, see README.md here), adds one saved search whose words those records
// really contain, and runs `claimwatch search` against it, into demo/claimwatch.db (not your library).
// On a machine that can reach NCBI, run `claimwatch search` instead.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeEutils } from './server.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(ROOT, 'bin', 'claimwatch.js');
const db = path.resolve(process.env.CLAIMWATCH_DB ?? path.join(ROOT, 'demo', 'claimwatch.db'));
const today = new Date();
const ymd = `${today.getFullYear()}/${String(today.getMonth() + 1).padStart(2, '0')}/${String(today.getDate()).padStart(2, '0')}`;

const server = new FakeEutils({ today: ymd });
const url = await server.start();
// The server answers from this process, so the CLI is spawned without blocking it.
function claimwatch(args: string[]): Promise<number> {
  return new Promise((resolve) => {
    process.stdout.write(`\n$ claimwatch ${args.join(' ')}\n`);
    const child = spawn(process.execPath, [BIN, '--db', db, ...args], {
      stdio: 'inherit',
      env: { ...process.env, CLAIMWATCH_EUTILS_URL: url, NCBI_EMAIL: process.env.NCBI_EMAIL ?? 'claimwatch-demo@example.org' },
    });
    child.on('close', (code) => resolve(code ?? 1));
  });
}

fs.mkdirSync(path.dirname(db), { recursive: true });
process.stdout.write(`Local E-utilities stand-in at ${url}, serving the real PubMed records of ../shared/fixtures/pubmed.\n`);
process.stdout.write('The four shipped MDMA searches find nothing there (the fixtures hold no MDMA paper); the demo search does.\n');
const exists = spawnSync(process.execPath, [BIN, '--db', db, 'queries', '--json'], { encoding: 'utf8' });
if (!exists.stdout.includes('"demo-fear-memory"')) {
  await claimwatch(['queries', 'add', 'demo-fear-memory', 'fear OR memory OR hippocampus OR brain[tiab]', '--description', 'demo: words the fixture records contain']);
}
const code = await claimwatch(['search']);
await claimwatch(['runs', '--limit', '3']);
await server.close();
process.stdout.write(`\nThe demo library is ${db}. Try: npx claimwatch --db ${path.relative(process.cwd(), db)} inbox --limit 5\n`);
process.exitCode = code;

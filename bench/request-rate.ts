// Measures how fast `claimwatch search` talks to E-utilities, as the server sees it: request starts
// per one-second window and the smallest gap between two starts, without and with an API key, with
// and without faults (retries go through the same pacer). NCBI allows 3 requests/s without a key
// and 10 with one (https://www.ncbi.nlm.nih.gov/books/NBK25497/).
//
//   npm run bench:rate            (npx vite-node bench/request-rate.ts)
//
// The server is the test suite's fake E-utilities serving the real fixture records; the CLI is the
// built one (npm run build first), spawned as a user would run it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeEutils, loadFixtureCorpus, type RequestLog } from '../tests/fake-eutils/server.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const BIN = path.join(ROOT, 'bin', 'claimwatch.js');
const SEARCHES = 20;

function run(args: string[], env: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...env }, stdio: 'ignore' });
    child.on('close', (code) => resolve(code ?? -1));
  });
}

function stats(requests: readonly RequestLog[]): { n: number; seconds: number; perSecond: number; maxIn1s: number; minGapMs: number } {
  const t = requests.map((r) => r.at).sort((a, b) => a - b);
  let maxIn1s = 0;
  let lo = 0;
  let minGap = Infinity;
  for (let hi = 0; hi < t.length; hi++) {
    while (t[hi]! - t[lo]! >= 1000) lo++;
    maxIn1s = Math.max(maxIn1s, hi - lo + 1);
    if (hi > 0) minGap = Math.min(minGap, t[hi]! - t[hi - 1]!);
  }
  const seconds = (t[t.length - 1]! - t[0]!) / 1000;
  return { n: t.length, seconds, perSecond: (t.length - 1) / seconds, maxIn1s, minGapMs: minGap };
}

async function measure(label: string, key: string | undefined, faultRate: number): Promise<void> {
  const corpus = loadFixtureCorpus();
  const server = new FakeEutils({ corpus, today: '2026/11/27', seed: 42 });
  await server.start();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claimwatch-bench-'));
  const env: Record<string, string> = {
    CLAIMWATCH_DB: path.join(dir, 'lib.db'), CLAIMWATCH_EUTILS_URL: server.url, NCBI_EMAIL: 'bench@example.org',
    CLAIMWATCH_PACER_FILE: path.join(dir, 'pacer.sqlite'),
    ...(key ? { NCBI_API_KEY: key } : {}),
  };
  // Twenty small saved searches: a first run (esearch + efetch each) then a nightly run (edat + mdat esearch each).
  for (let i = 0; i < SEARCHES; i++) {
    const term = `bench-${i}[tiab]`;
    server.setSearch(term, corpus.slice(i * 5, i * 5 + 5).map((r) => r.pmid));
    await run(['queries', 'add', `bench-${i}`, term], env);
  }
  server.randomFaults(faultRate, ['429', '500', '503', 'truncated', 'empty', 'reset']);
  const codes = [await run(['search'], env), await run(['search'], env)];
  const s = stats(server.requests);
  const faults = server.requests.filter((r) => r.fault).length;
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
  const limit = key ? 10 : 3;
  console.log(`${label.padEnd(26)} ${String(s.n).padStart(5)} ${String(faults).padStart(6)} ${s.seconds.toFixed(1).padStart(7)} ${s.perSecond.toFixed(2).padStart(8)} ${String(s.maxIn1s).padStart(9)} ${s.minGapMs.toFixed(0).padStart(9)}   ${s.maxIn1s <= limit ? 'ok' : 'VIOLATION'} (limit ${limit}/s; exit codes ${codes.join(',')})`);
}

console.log(`${'run'.padEnd(26)} ${'reqs'.padStart(5)} ${'faults'.padStart(6)} ${'seconds'.padStart(7)} ${'req/s'.padStart(8)} ${'max in 1s'.padStart(9)} ${'min gap ms'.padStart(9)}`);
await measure('no key', undefined, 0);
await measure('no key, 20% faults', undefined, 0.2);
await measure('API key', 'benchkey0123456789abcdef', 0);
await measure('API key, 20% faults', 'benchkey0123456789abcdef', 0.2);

// Load bench of `claimwatch serve`: the built CLI serves a fresh library of the real julielab PubMed sample
// (177 papers) on 127.0.0.1; --reviewers reviewers (default 10) log in and post --actions triage actions in
// all (default 2,000) as fast as the server answers, each reviewer one request at a time: per paper either a
// tag ("1 s", "2 q" ...) and "next", or a dismissal with a reason. Prints the throughput, the p50/p95/max
// latency of an action, the statuses seen, and whether every action landed in the library (tags and
// dismissals per reviewer counted in SQLite afterwards), and the server's peak resident memory.
//
// Usage: npm run bench:serve [-- --reviewers 10] [--actions 2000] [--json]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { HttpReviewer } from '../tests/e2e/serve-support.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'claimwatch.js');
const SAMPLE = path.resolve(ROOT, '..', 'shared', 'fixtures', 'pubmed', 'efetch', 'julielab__pubmedsample18n0001.xml.gz');

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const reviewers = arg('reviewers', 10);
const total = arg('actions', 2000);
const json = process.argv.includes('--json');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claimwatch-bench-serve-'));
const db = path.join(dir, 'lib.db');
const env = { PATH: process.env.PATH ?? '', HOME: dir, CLAIMWATCH_DB: db };
await new Promise<void>((resolve, reject) => {
  const p = spawn(process.execPath, [BIN, 'import', SAMPLE], { env, stdio: 'ignore' });
  p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`import exited ${code}`))));
});

const server = spawn(process.execPath, [BIN, 'serve', '--port', '0'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
const base = await new Promise<string>((resolve, reject) => {
  let err = '';
  server.stderr.setEncoding('utf8').on('data', (d: string) => {
    err += d;
    const m = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(err);
    if (m) resolve(m[1]!);
  });
  server.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
});

const team = Array.from({ length: reviewers }, (_, i) => new HttpReviewer(base, `bench${i}`));
await Promise.all(team.map((r) => r.login()));
const latencies: number[] = [];
const statuses = new Map<number, number>();
const expected = new Map<string, { tags: number; dismissals: number }>();
const perReviewer = Math.floor(total / reviewers);
const started = performance.now();
await Promise.all(team.map(async (r, i) => {
  const mine = { tags: 0, dismissals: 0 };
  expected.set(r.name, mine);
  let sent = 0;
  const act = async (line: string): Promise<void> => {
    const t0 = performance.now();
    const reply = await r.act(line);
    latencies.push(performance.now() - t0);
    statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
    sent += 1;
  };
  for (let k = 0; sent < perReviewer; k++) {
    if ((k + i) % 3 === 0 || perReviewer - sent === 1) {
      await act(`d bench reason ${k % 5}`);
      mine.dismissals += 1;
    } else {
      await act(`${(k % 3) + 1} ${'sqc'[k % 3]}`);
      mine.tags += 1;
      await act('next');
    }
  }
}));
const seconds = (performance.now() - started) / 1000;
// The server's peak resident memory (Linux), read before it stops.
const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.existsSync(`/proc/${server.pid}/status`) ? fs.readFileSync(`/proc/${server.pid}/status`, 'utf8') : '');
const peakMiB = hwm ? Math.round(Number(hwm[1]) / 1024) : null;
server.kill('SIGTERM');
await new Promise((resolve) => server.on('exit', resolve));

const lib = new Database(db, { readonly: true });
let landed = true;
const missing: string[] = [];
for (const [name, want] of expected) {
  const tags = lib.prepare('SELECT count(*) FROM tags WHERE reviewer = ?').pluck().get(name) as number;
  const dismissals = lib.prepare('SELECT count(*) FROM dismissals WHERE reviewer = ?').pluck().get(name) as number;
  if (tags !== want.tags || dismissals !== want.dismissals) {
    landed = false;
    missing.push(`${name}: ${tags}/${want.tags} tags, ${dismissals}/${want.dismissals} dismissals`);
  }
}
lib.close();
fs.rmSync(dir, { recursive: true, force: true });

latencies.sort((a, b) => a - b);
const q = (p: number): number => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
const result = {
  reviewers, actions: latencies.length, seconds: Number(seconds.toFixed(2)),
  throughput: Number((latencies.length / seconds).toFixed(1)),
  p50ms: Number(q(0.5).toFixed(1)), p95ms: Number(q(0.95).toFixed(1)), maxms: Number(latencies.at(-1)!.toFixed(1)),
  statuses: Object.fromEntries(statuses), landed, missing, serverPeakMiB: peakMiB,
};
if (json) console.log(JSON.stringify(result, null, 2));
else {
  console.log(`claimwatch serve: ${result.reviewers} reviewers, ${result.actions} actions in ${result.seconds} s on 127.0.0.1 (${os.cpus().length} cores)`);
  console.log(`  throughput ${result.throughput} actions/s; latency p50 ${result.p50ms} ms, p95 ${result.p95ms} ms, max ${result.maxms} ms`);
  console.log(`  server peak memory ${peakMiB ?? '?'} MiB`);
  console.log(`  statuses ${JSON.stringify(result.statuses)}; every action landed: ${landed ? 'yes' : `NO (${missing.join('; ')})`}`);
}
process.exitCode = landed && statuses.size === 1 && statuses.has(200) ? 0 : 1;

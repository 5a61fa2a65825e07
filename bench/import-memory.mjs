#!/usr/bin/env node
// Measures `claimwatch import` on an NLM-baseline-sized file: wall time, records/s and peak RSS.
// The corpus is built by ../shared/tools/make_bench_corpus.py (real records repeated with new PMIDs).
// Usage: node bench/import-memory.mjs [--records 30000] [--runs 3] [--gz]
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const records = Number(opt('records', '30000'));
const runs = Number(opt('runs', '3'));
const gz = args.includes('--gz');

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'claimwatch-bench-'));
const corpus = path.join(work, `corpus-${records}.xml${gz ? '.gz' : ''}`);
execFileSync('python3', [path.join(root, '..', 'shared', 'tools', 'make_bench_corpus.py'), '--records', String(records), '--out', corpus], { stdio: 'inherit' });
const sizeMiB = fs.statSync(corpus).size / 2 ** 20;

const results = [];
for (let i = 0; i < runs; i++) {
  const db = path.join(work, `run${i}.db`);
  // GNU time's %M is the peak resident set size of the child, in KiB.
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, path.join(root, 'bin', 'claimwatch.js'), '--db', db, 'import', corpus, '--json'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`import failed: ${r.stderr}`);
  const [secs, kib] = r.stderr.trim().split('\n').at(-1).split(' ').map(Number);
  const out = JSON.parse(r.stdout);
  if (out.added !== records) throw new Error(`expected ${records} added, got ${out.added}`);
  results.push({ secs, mib: kib / 1024 });
}
const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const secs = results.map((r) => r.secs);
const mib = results.map((r) => r.mib);
console.log(`claimwatch import: ${records} records, ${sizeMiB.toFixed(0)} MiB${gz ? ' (.xml.gz)' : ''}, ${runs} runs, ${os.cpus().length} cores, node ${process.version}`);
console.log(`wall s   median ${med(secs).toFixed(2)}  min ${Math.min(...secs).toFixed(2)}  max ${Math.max(...secs).toFixed(2)}`);
console.log(`records/s median ${(records / med(secs)).toFixed(0)}`);
console.log(`peak RSS MiB median ${med(mib).toFixed(0)}  max ${Math.max(...mib).toFixed(0)}`);
fs.rmSync(work, { recursive: true, force: true });

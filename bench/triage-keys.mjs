// Drives `claimwatch triage` through a pipe over 20 papers with a realistic action script and reports the
// wall time per paper. The issue asks that triaging 20 papers take under two minutes of keystrokes: this
// shows the tool's own share of that is negligible. Run `npm run build` first.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'claimwatch.js');
const SAMPLE = path.resolve(ROOT, '..', 'shared', 'fixtures', 'pubmed', 'efetch', 'julielab__pubmedsample18n0001.xml.gz');
const PAPERS = 20;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claimwatch-bench-'));
const env = { PATH: process.env.PATH ?? '', HOME: dir, CLAIMWATCH_DB: path.join(dir, 'lib.db'), CLAIMWATCH_REVIEWER: 'bench' };
const run = (args, input = '') => spawnSync(process.execPath, [BIN, ...args], { env, input, encoding: 'utf8', maxBuffer: 2 ** 28 });

const imported = run(['import', SAMPLE]);
if (imported.status !== 0) throw new Error(imported.stderr);

// A realistic mix per paper: most get one or two tags (a few with a note), some are dismissed or skipped, a few undone.
const script = [];
for (let i = 0; i < PAPERS; i++) {
  switch (i % 5) {
    case 0: script.push('1 s', 'n fits the claim', 'next'); break;
    case 1: script.push('2 q', '4 c', 'next'); break;
    case 2: script.push('d not about the review'); break;
    case 3: script.push('k'); break;
    case 4: script.push('3 s', 'u', '3 q', 'next'); break;
  }
}
script.push('q');

const start = process.hrtime.bigint();
const r = run(['triage', '--limit', String(PAPERS)], `${script.join('\n')}\n`);
const ms = Number(process.hrtime.bigint() - start) / 1e6;
if (r.status !== 0) throw new Error(`triage exited ${r.status}: ${r.stderr}`);
const summary = r.stdout.slice(r.stdout.lastIndexOf('Triage'));
console.log(summary.trim());
console.log(`${script.length} actions over ${PAPERS} papers: ${ms.toFixed(0)} ms in all (process start included), ${(ms / PAPERS).toFixed(1)} ms per paper`);
console.log(`budget: 120000 ms for ${PAPERS} papers (6000 ms per paper); the tool uses ${((ms / 120000) * 100).toFixed(2)} % of it`);
fs.rmSync(dir, { recursive: true, force: true });

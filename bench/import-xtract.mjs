#!/usr/bin/env node
// Compares `claimwatch import` with NCBI EDirect's xtract on the same NLM-baseline-like corpus, on this
// machine, in the same run: wall seconds (median/min/max of N runs), records/s, CPU seconds (user + system,
// median), peak RSS (GNU time %M) and claimwatch's speed as a fraction of xtract's. The corpus (real records repeated with new PMIDs,
// ../shared/tools/make_bench_corpus.py) is built once under /tmp/claimwatch-bench-corpus/ and reused.
// Usage: node bench/import-xtract.mjs [--records 100000] [--runs 3] [--json] [--compare DIR]   (after npm run build)
// --compare DIR also times another built checkout of claimwatch (DIR/bin/claimwatch.js, say the commit
// before a change) on the plain file, interleaved with the rest, so a step is measured in the same run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchCorpus, option, ROOT, timed, xtractArgs } from './common.mjs';

const root = ROOT;
const args = process.argv.slice(2);
const opt = (name, dflt) => option(args, name, dflt);
const records = Number(opt('records', '100000'));
const runs = Number(opt('runs', '3'));
const asJson = args.includes('--json');
const XTRACT = opt('xtract', '/usr/bin/xtract');
const compare = opt('compare', null);
const log = (s) => (asJson ? process.stderr : process.stdout).write(`${s}\n`);

const corpus = (ext) => benchCorpus(records, ext, log);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'claimwatch-xbench-'));
const engines = [];
const plain = corpus('xml');
const gz = corpus('xml.gz');
// Peak memory is read with GNU time; xtract (Debian's ncbi-entrez-direct) is measured when installed.
if (!fs.existsSync('/usr/bin/time')) {
  process.stderr.write('import bench: /usr/bin/time (GNU time) is needed to measure peak memory: apt-get install time\n');
  process.exit(1);
}
const haveXtract = fs.existsSync(XTRACT);
if (!haveXtract) log(`${XTRACT} not found (apt-get install ncbi-entrez-direct): claimwatch is measured without the ratio to xtract.`);
if (haveXtract) engines.push({ name: 'xtract -strict -compress (.xml)', file: plain, run: () =>
  timed(XTRACT, xtractArgs(plain), (out) => {
    const lines = out.split('\n').filter(Boolean).length;
    if (lines !== records) throw new Error(`xtract printed ${lines} lines, expected ${records}`);
  }) });
// xtract cannot read gzip itself (-input on a .gz prints nothing): EDirect's way with a gzipped file is a pipe
// from gunzip, timed here as a whole (GNU time counts both) for scale against the import of the .gz. The
// ratios stay against xtract on the plain file, the issue's measure.
const XTRACT_GZ = 'xtract -strict -compress on the .xml.gz, piped from gunzip -c';
if (haveXtract) engines.push({ name: XTRACT_GZ, file: gz, run: () =>
  timed('/bin/sh', ['-c', 'f=$0; x=$1; shift; gunzip -c "$f" | "$x" "$@"', gz, XTRACT, ...xtractArgs(null)], (out) => {
    const lines = out.split('\n').filter(Boolean).length;
    if (lines !== records) throw new Error(`gunzip | xtract printed ${lines} lines, expected ${records}`);
  }) });
// The default (records read on a worker thread) on both files, and the single-threaded path for scale.
const variants = [['.xml', plain, [], root], ['.xml.gz', gz, [], root], ['.xml, --threads 0', plain, ['--threads', '0'], root]];
if (compare) variants.push([`.xml, ${path.basename(path.resolve(compare))}`, plain, [], path.resolve(compare)]);
for (const [label, file, extraArgs, checkout] of variants) {
  engines.push({ name: `claimwatch import (${label})`, file, run: (i) => {
    const db = path.join(work, `run-${i}.db`);
    for (const f of [db, `${db}-wal`, `${db}-shm`, `${db}-journal`]) fs.rmSync(f, { force: true });
    try {
      return timed(process.execPath, [path.join(checkout, 'bin', 'claimwatch.js'), '--db', db, 'import', ...extraArgs, file, '--json'], (out) => {
        const s = JSON.parse(out);
        if (s.added !== records || s.failed !== 0) throw new Error(`claimwatch: expected ${records} added, got ${out.slice(0, 500)}`);
      });
    } finally {
      for (const f of [db, `${db}-wal`, `${db}-shm`, `${db}-journal`]) fs.rmSync(f, { force: true });
    }
  } });
}

// Interleaved runs, so a change in the machine's load touches every engine alike.
const results = engines.map(() => []);
for (let i = 0; i < runs; i++) engines.forEach((e, k) => results[k].push(e.run(i)));
fs.rmSync(work, { recursive: true, force: true });

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const rows = engines.map((e, k) => {
  const secs = results[k].map((r) => r.secs);
  const mib = results[k].map((r) => r.mib);
  return {
    engine: e.name,
    file: path.basename(e.file),
    fileMiB: Math.round(fs.statSync(e.file).size / 2 ** 20),
    records,
    runs,
    medianSecs: median(secs),
    minSecs: Math.min(...secs),
    maxSecs: Math.max(...secs),
    recordsPerSec: Math.round(records / median(secs)),
    cpuSecs: Number(median(results[k].map((r) => r.cpu)).toFixed(2)),
    peakMiB: Math.round(Math.max(...mib)),
  };
});
const xt = haveXtract ? rows[0].recordsPerSec : null;
for (const r of rows) r.ratioToXtract = xt === null ? null : Number((r.recordsPerSec / xt).toFixed(3));
// The gzipped import against xtract on the same gzipped file, too.
const xtGz = rows.find((r) => r.engine === XTRACT_GZ)?.recordsPerSec ?? null;
for (const r of rows) r.ratioToXtractSameGz = xtGz === null || !r.engine.includes('.xml.gz') || r.engine === XTRACT_GZ ? null : Number((r.recordsPerSec / xtGz).toFixed(3));
const machine = { cores: os.cpus().length, node: process.version, loadavg: os.loadavg().map((x) => Number(x.toFixed(2))) };
if (asJson) {
  console.log(JSON.stringify({ machine, rows }, null, 2));
} else {
  console.log(`${records} records, ${runs} runs each (interleaved), ${machine.cores} cores, node ${machine.node}, load ${machine.loadavg.join(' ')}`);
  console.log('| engine | file | wall s median (min-max) | records/s | CPU s | peak MiB | vs xtract |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.engine} | ${r.fileMiB} MiB | ${r.medianSecs.toFixed(1)} (${r.minSecs.toFixed(1)}-${r.maxSecs.toFixed(1)}) | ${r.recordsPerSec} | ${r.cpuSecs.toFixed(1)} | ${r.peakMiB} | ${r.ratioToXtract === null ? 'no xtract' : `${r.ratioToXtract.toFixed(2)}x`}${r.ratioToXtractSameGz === null ? '' : ` (${r.ratioToXtractSameGz.toFixed(2)}x xtract on the same .gz)`} |`);
  }
}

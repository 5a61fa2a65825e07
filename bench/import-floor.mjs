#!/usr/bin/env node
// How fast can `import` be on this machine at all? Measures, on the bench corpus and in one run, the parts
// every import that keeps each record's raw text must do, each alone, beside xtract and the import itself:
//   split     read the file and cut it into records (the main thread's reading, nothing stored)
//   raw       split, plus each record's bytes into SQLite in one transaction, committed (synchronous FULL)
//   read      a record into its column values (one-pass reader, hash, JSON), per record, warm, on one thread
//   rows      the papers row and its indexes beyond the raw text, per record (PaperStore.upsertRow less raw)
// and from them a lower bound on the import's wall time: the raw store runs on one thread (one SQLite
// writer, one file reader), and all the CPU is shared by the cores at best:
//   bound = max(raw wall, (raw CPU + records x (read + rows)) / cores)
// The bound leaves out the messages between threads, garbage collection and start-up, so the real import
// is slower; a ratio to xtract above the bound's cannot be reached by any change that keeps the raw text.
// For the gzipped file the import must also inflate it (xtract reads the plain one), so its bound adds
//   gunzip    inflating the .xml.gz with Node's zlib, nothing else (CPU, on libuv's thread pool)
// to the CPU the cores share: gz bound = max(raw wall, (raw CPU + gunzip CPU + records x (read + rows)) / cores).
// Usage: node bench/import-floor.mjs [--records 20000] [--runs 3] [--json]   (after npm run build)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchCorpus, option, ROOT, timed, xtractArgs } from './common.mjs';

const args = process.argv.slice(2);
const part = option(args, 'part', null);
const dist = (m) => path.join(ROOT, 'dist', m);

/** The records of a file as the byte splitter cuts them, fed in 64 KiB reads like the import. */
async function* splitFile(file) {
  const { createXmlByteSplitter } = await import(dist('pubmed/xml.js'));
  const splitter = createXmlByteSplitter();
  // Each record is copied out at once: the splitter's may be views of the chunk it was given.
  for await (const chunk of fs.createReadStream(file)) for (const r of splitter.push(chunk)) yield { ...r, bytes: Buffer.from(r.bytes) };
  yield* splitter.end();
}

if (part === 'gunzip') {
  // A child process: the .xml.gz inflated in 1 MiB pieces, as the import does, and its bytes counted.
  const zlib = await import('node:zlib');
  let n = 0;
  for await (const out of fs.createReadStream(option(args, 'file', null)).pipe(zlib.createGunzip({ chunkSize: 1024 * 1024 }))) n += out.length;
  process.stdout.write(`${n}\n`);
  process.exit(0);
}

if (part === 'split' || part === 'raw') {
  // A child process: the part named, timed from outside with GNU time.
  const file = option(args, 'file', null);
  let store = null;
  if (part === 'raw') {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(option(args, 'db', null));
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE raw (pmid INTEGER PRIMARY KEY, raw TEXT NOT NULL)');
    const insert = db.prepare('INSERT INTO raw (pmid, raw) VALUES (?, CAST(? AS TEXT))');
    db.exec('BEGIN');
    store = { db, insert };
  }
  let n = 0;
  for await (const record of splitFile(file)) {
    n++;
    if (store) {
      store.insert.run(n, record.bytes);
    }
  }
  if (store) {
    store.db.exec('COMMIT');
    store.db.close();
  }
  process.stdout.write(`${n}\n`);
  process.exit(0);
}

if (part === 'per-record') {
  // In process: read (one-pass reader + hash + columns) and rows (upsertRow beyond the raw text), per record.
  const file = option(args, 'file', null);
  const sample = Number(option(args, 'sample', '5000'));
  const { readRecord } = await import(dist('app/read-record.js'));
  const { openDatabase, migrate, setJournalMode } = await import(dist('store/db.js'));
  const { PaperStore } = await import(dist('store/papers.js'));
  const records = [];
  for await (const r of splitFile(file)) {
    records.push(r);
    if (records.length >= sample) break;
  }
  for (const r of records) readRecord(r); // warm up
  // Timed with nothing kept, as in the import, where a few batches of rows are alive at a time: keeping all
  // 5,000 rows had the garbage collector promote and mark them, and doubled the figure (126 against 55 us).
  const reads = [];
  let sink = 0;
  for (let pass = 0; pass < 3; pass++) {
    const t = performance.now();
    for (const r of records) sink += readRecord(r).row.pmid & 1;
    reads.push(((performance.now() - t) * 1000) / records.length);
  }
  if (sink < 0) throw new Error('unreachable');
  const readUs = Math.min(...reads);
  const rows = records.map((r) => readRecord(r).row);
  const time = (fn) => {
    const db = openDatabase(option(args, 'db', null) + `-${Math.random().toString(36).slice(2)}`);
    migrate(db);
    setJournalMode(db, 'delete');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = OFF');
    const store = new PaperStore(db);
    const rawOnly = db.prepare('INSERT INTO paper_raw (pmid, raw) VALUES (?, CAST(? AS TEXT))');
    db.exec('BEGIN IMMEDIATE');
    const t0 = performance.now();
    for (const row of rows) fn(store, rawOnly, row);
    const us = ((performance.now() - t0) * 1000) / rows.length;
    db.exec('ROLLBACK');
    fs.rmSync(db.name, { force: true });
    db.close();
    return us;
  };
  const full = [];
  const raw = [];
  for (let i = 0; i < 3; i++) {
    full.push(time((store, _raw, row) => store.upsertRow(row, '2026-01-01T00:00:00.000Z', 'bench')));
    raw.push(time((_store, rawOnly, row) => rawOnly.run(row.pmid, row.raw)));
  }
  const min = (xs) => Math.min(...xs);
  process.stdout.write(JSON.stringify({ readUs, rowsUs: Math.max(0, min(full) - min(raw)), fullUs: min(full), rawUs: min(raw) }) + '\n');
  process.exit(0);
}

const records = Number(option(args, 'records', '20000'));
const runs = Number(option(args, 'runs', '3'));
const asJson = args.includes('--json');
const log = (s) => (asJson ? process.stderr : process.stdout).write(`${s}\n`);
const file = benchCorpus(records, 'xml', log);
const gz = benchCorpus(records, 'xml.gz', log);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'claimwatch-floor-'));
const XTRACT = '/usr/bin/xtract';
if (!fs.existsSync('/usr/bin/time')) {
  process.stderr.write('import floor bench: /usr/bin/time (GNU time) is needed: apt-get install time\n');
  process.exit(1);
}

const fresh = (db) => { for (const f of [db, `${db}-wal`, `${db}-shm`, `${db}-journal`]) fs.rmSync(f, { force: true }); return db; };
const counted = (out) => {
  if (Number(out.trim()) !== records) throw new Error(`expected ${records} records, got ${out.slice(0, 200)}`);
};
const self = path.join(ROOT, 'bench', 'import-floor.mjs');
const parts = {
  xtract: fs.existsSync(XTRACT) ? () => timed(XTRACT, xtractArgs(file), (out) => counted(String(out.split('\n').filter(Boolean).length))) : null,
  split: () => timed(process.execPath, [self, '--part', 'split', '--file', file], counted),
  raw: () => timed(process.execPath, [self, '--part', 'raw', '--file', file, '--db', fresh(path.join(work, 'raw.db'))], counted),
  gunzip: () => timed(process.execPath, [self, '--part', 'gunzip', '--file', gz], (out) => {
    if (Number(out.trim()) !== fs.statSync(file).size) throw new Error(`gunzip: ${out.slice(0, 200)} bytes, expected ${fs.statSync(file).size}`);
  }),
  import: () => timed(process.execPath, [path.join(ROOT, 'bin', 'claimwatch.js'), '--db', fresh(path.join(work, 'import.db')), 'import', file, '--json'], (out) => {
    if (JSON.parse(out).added !== records) throw new Error(`claimwatch import: ${out.slice(0, 300)}`);
  }),
};
const results = Object.fromEntries(Object.keys(parts).map((k) => [k, []]));
for (let i = 0; i < runs; i++) for (const [k, fn] of Object.entries(parts)) if (fn) results[k].push(fn());
const per = spawnSync(process.execPath, [self, '--part', 'per-record', '--file', file, '--db', path.join(work, 'rows.db')], { encoding: 'utf8' });
if (per.status !== 0) throw new Error(`per-record part failed: ${per.stderr.slice(-2000)}`);
const perRecord = JSON.parse(per.stdout);
fs.rmSync(work, { recursive: true, force: true });

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const summary = Object.fromEntries(Object.entries(results).filter(([, v]) => v.length).map(([k, v]) => [k, { secs: median(v.map((r) => r.secs)), cpu: median(v.map((r) => r.cpu)), peakMiB: Math.round(Math.max(...v.map((r) => r.mib))) }]));
const cores = os.availableParallelism();
const cpuTotal = summary.raw.cpu + (records * (perRecord.readUs + perRecord.rowsUs)) / 1e6;
const bound = Math.max(summary.raw.secs, cpuTotal / cores);
const gzBound = Math.max(summary.raw.secs, (cpuTotal + summary.gunzip.cpu) / cores);
const out = {
  records, runs, cores, node: process.version, loadavg: os.loadavg().map((x) => Number(x.toFixed(2))),
  parts: summary, perRecord, boundSecs: Number(bound.toFixed(2)),
  bestRatioToXtract: summary.xtract ? Number((summary.xtract.secs / bound).toFixed(2)) : null,
  gzBoundSecs: Number(gzBound.toFixed(2)),
  gzBestRatioToXtract: summary.xtract ? Number((summary.xtract.secs / gzBound).toFixed(2)) : null,
  importRatioToXtract: summary.xtract ? Number((summary.xtract.secs / summary.import.secs).toFixed(2)) : null,
};
if (asJson) {
  console.log(JSON.stringify(out, null, 2));
} else {
  log(`${records} records (${Math.round(fs.statSync(file).size / 2 ** 20)} MiB), ${runs} runs each, ${cores} cores, node ${process.version}, load ${out.loadavg.join(' ')}`);
  log('| part | wall s (median) | CPU s | peak MiB |');
  log('|---|---|---|---|');
  for (const [k, v] of Object.entries(summary)) log(`| ${k} | ${v.secs.toFixed(2)} | ${v.cpu.toFixed(2)} | ${v.peakMiB} |`);
  log(`per record, warm, one thread: read ${perRecord.readUs.toFixed(1)} us (one-pass reader, hash, columns); papers row beyond the raw text ${perRecord.rowsUs.toFixed(1)} us (upsertRow ${perRecord.fullUs.toFixed(1)}, raw alone ${perRecord.rawUs.toFixed(1)})`);
  log(`lower bound on import wall: max(raw ${summary.raw.secs.toFixed(2)} s, (${summary.raw.cpu.toFixed(2)} + ${records} x ${(perRecord.readUs + perRecord.rowsUs).toFixed(1)} us) / ${cores} cores = ${(cpuTotal / cores).toFixed(2)} s) = ${bound.toFixed(2)} s`);
  if (summary.xtract) log(`xtract ${summary.xtract.secs.toFixed(2)} s: the bound allows at most ${out.bestRatioToXtract}x xtract; import today ${summary.import.secs.toFixed(2)} s = ${out.importRatioToXtract}x`);
  log(`the .xml.gz adds gunzip's ${summary.gunzip.cpu.toFixed(2)} s CPU: bound ${gzBound.toFixed(2)} s${summary.xtract ? `, at most ${out.gzBestRatioToXtract}x xtract` : ''}`);
}

// Times `claimwatch tags import` of 10,000, 30,000 and 100,000 tagging events into a library of 20,000 papers
// (the 20,000-record bench corpus, imported with `claimwatch import`), each size into a fresh copy of the same
// library, and reports events/s and peak memory (GNU time). During the largest import it watches for the write
// lock, runs a `tag` from another process as soon as the import holds it, and reports how long the lock was held
// and how long the tag took. Run `npm run build` first.
//
// Usage: node bench/tags-import.mjs [--papers 20000] [--sizes 10000,30000,100000] [--json]
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ROOT, CORPUS_DIR, benchCorpus, option, prng } from './common.mjs';

const args = process.argv.slice(2);
const papers = Number(option(args, 'papers', '20000'));
const sizes = option(args, 'sizes', '10000,30000,100000').split(',').map(Number);
const asJson = args.includes('--json');
const BIN = path.join(ROOT, 'bin', 'claimwatch.js');
const FIRST_PMID = 90000001;
const log = (m) => process.stderr.write(`${m}\n`);

const env = { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), CLAIMWATCH_REVIEWER: 'bench' };

/** Runs the CLI under GNU time: wall seconds, peak RSS in MiB, and its output. */
function timed(argv) {
  const start = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', 'maxrss-kb %M', process.execPath, BIN, ...argv], { env, encoding: 'utf8', maxBuffer: 2 ** 28 });
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`claimwatch ${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  const kb = Number(/maxrss-kb (\d+)/.exec(r.stderr)?.[1] ?? NaN);
  return { secs, peakMiB: kb / 1024, stdout: r.stdout };
}


/**
 * n events by five reviewers over the library's papers, each one the CLI would have accepted at its time:
 * tags, retags and untags, dismissals only of papers the reviewer has no tag on, undismissals of dismissed
 * ones. One event a second from 2025-01-01, so all are in the past. JSON lines in `tags export` format.
 */
function events(n) {
  const rand = prng(20250101);
  const pick = (xs) => xs[Math.floor(rand() * xs.length)];
  const stances = ['supports', 'qualifies', 'contradicts'];
  const claims = ['C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'C8', 'C9'];
  const reviewers = ['ann', 'bob', 'cyd', 'dee', 'eve'];
  const state = new Map(); // pmid|reviewer -> { tags: Map<claim, stance>, dismissed }
  const start = Date.parse('2025-01-01T00:00:00Z');
  const lines = [];
  for (let i = 0; i < n; i++) {
    const pmid = FIRST_PMID + Math.floor(rand() * papers);
    const reviewer = pick(reviewers);
    const key = `${pmid}|${reviewer}`;
    const s = state.get(key) ?? { tags: new Map(), dismissed: false };
    state.set(key, s);
    let e;
    if (s.dismissed) {
      s.dismissed = false;
      e = { action: 'undismiss', claim: null, old: 'dismissed', new: null };
    } else if (s.tags.size && rand() < 0.5) {
      const claim = pick([...s.tags.keys()]);
      if (rand() < 0.5) {
        const old = s.tags.get(claim);
        s.tags.delete(claim);
        e = { action: 'untag', claim, old, new: null };
      } else {
        const stance = pick(stances);
        e = { action: 'retag', claim, old: s.tags.get(claim), new: stance };
        s.tags.set(claim, stance);
      }
    } else if (!s.tags.size && rand() < 0.2) {
      s.dismissed = true;
      e = { action: 'dismiss', claim: null, old: null, new: 'dismissed' };
    } else {
      const claim = pick(claims);
      const stance = pick(stances);
      e = { action: s.tags.has(claim) ? 'retag' : 'tag', claim, old: s.tags.get(claim) ?? null, new: stance };
      s.tags.set(claim, stance);
    }
    const uid = (i + 1).toString(16).padStart(8, '0') + Math.floor(rand() * 2 ** 32).toString(16).padStart(8, '0') + '0'.repeat(16);
    const note = rand() < 0.2 ? `bench note ${i}` : null;
    lines.push(JSON.stringify({ v: 1, uid, at: new Date(start + i * 1000).toISOString(), reviewer, pmid, ...e, note }));
  }
  return `${lines.join('\n')}\n`;
}

/** The library of `papers` papers, built once and reused; every size is imported into a fresh copy. */
function baseLibrary() {
  fs.mkdirSync(CORPUS_DIR, { recursive: true });
  const file = path.join(CORPUS_DIR, `tags-import-lib-${papers}.db`);
  if (!fs.existsSync(file)) {
    const corpus = benchCorpus(papers, 'xml', log);
    const tmp = path.join(CORPUS_DIR, `.tmp-${process.pid}-tags-import-lib.db`);
    log(`importing ${path.basename(corpus)} into a new library ...`);
    timed(['--db', tmp, 'import', corpus]);
    // Closing the last connection checkpointed the WAL: the .db file alone is the library.
    for (const x of ['-wal', '-shm']) fs.rmSync(tmp + x, { force: true });
    fs.renameSync(tmp, file);
  }
  return file;
}

/**
 * Watches the library from this process: once the import holds the write lock (BEGIN IMMEDIATE is busy),
 * runs a `tag` from another process, and measures how long the lock stayed held and how long the tag took.
 */
function tagMeanwhile(db, importDone) {
  return new Promise((resolve) => {
    const probe = new Database(db, { timeout: 0 });
    let lockedAt = null;
    let tag = null;
    const tryWrite = () => {
      try {
        probe.exec('BEGIN IMMEDIATE');
        probe.exec('ROLLBACK');
        return true;
      } catch (e) {
        if (e.code !== 'SQLITE_BUSY') throw e;
        return false;
      }
    };
    const timer = setInterval(() => {
      const free = tryWrite();
      if (!free && lockedAt === null) {
        lockedAt = process.hrtime.bigint();
        const child = spawn(process.execPath, [BIN, '--db', db, 'tag', String(FIRST_PMID + 1), 'C1', 'supports', '--reviewer', 'other'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d) => { stderr += d; });
        tag = new Promise((done) => child.on('close', (code) => done({ code, secs: Number(process.hrtime.bigint() - lockedAt) / 1e9, stderr: stderr.trim() })));
      }
      if (free && lockedAt !== null) {
        clearInterval(timer);
        const heldSecs = Number(process.hrtime.bigint() - lockedAt) / 1e9;
        probe.close();
        tag.then((t) => resolve({ ...t, heldSecs }));
      }
    }, 5);
    importDone.then(() => {
      if (lockedAt === null) {
        clearInterval(timer);
        probe.close();
        resolve(null);
      }
    });
  });
}

/** One import under GNU time, asynchronously so the `tag` beside it can run. */
function timedAsync(argv) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-f', 'maxrss-kb %M', process.execPath, BIN, ...argv], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (code) => {
      const secs = Number(process.hrtime.bigint() - start) / 1e9;
      if (code !== 0) return reject(new Error(`claimwatch ${argv.join(' ')} exited ${code}: ${stderr}`));
      resolve({ secs, peakMiB: Number(/maxrss-kb (\d+)/.exec(stderr)?.[1] ?? NaN) / 1024, stdout });
    });
  });
}

const base = baseLibrary();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claimwatch-bench-tags-'));
const all = events(Math.max(...sizes)).split('\n');
const rows = [];
for (const n of sizes) {
  const file = path.join(dir, `events-${n}.jsonl`);
  fs.writeFileSync(file, `${all.slice(0, n).join('\n')}\n`);
  const db = path.join(dir, `lib-${n}.db`);
  fs.copyFileSync(base, db);
  // Opening the copy once first applies any new migration, so the timing is the import's alone.
  timed(['--db', db, 'claims']);
  const largest = n === Math.max(...sizes);
  const importing = timedAsync(['--db', db, 'tags', 'import', file, '--json']);
  const [run, tag] = await Promise.all([importing, largest ? tagMeanwhile(db, importing) : Promise.resolve(null)]);
  const summary = JSON.parse(run.stdout);
  if (summary.added !== n) throw new Error(`expected ${n} new events, got ${JSON.stringify(summary)}`);
  const row = { events: n, secs: run.secs, eventsPerSec: n / run.secs, peakMiB: run.peakMiB };
  if (tag) row.tagMeanwhile = tag;
  rows.push(row);
  log(`${n} events: ${run.secs.toFixed(2)} s, ${Math.round(n / run.secs)} events/s, peak ${run.peakMiB.toFixed(0)} MiB`);
  for (const x of ['', '-wal', '-shm']) fs.rmSync(db + x, { force: true });
}
fs.rmSync(dir, { recursive: true, force: true });

if (asJson) {
  console.log(JSON.stringify({ papers, cores: os.cpus().length, node: process.version, rows }, null, 2));
} else {
  console.log(`tags import into a library of ${papers} papers (${os.cpus().length} cores, node ${process.version}), process start included:`);
  console.log('| events | wall | events/s | peak memory |');
  console.log('|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.events} | ${r.secs.toFixed(2)} s | ${Math.round(r.eventsPerSec)} | ${r.peakMiB.toFixed(0)} MiB |`);
  for (const r of rows) {
    if (r.tagMeanwhile) {
      const t = r.tagMeanwhile;
      console.log(`the ${r.events}-event import held the write lock for ${t.heldSecs.toFixed(2)} s; a \`tag\` started as it took the lock finished after ${t.secs.toFixed(2)} s with exit ${t.code}${t.code ? ` (${t.stderr})` : ''}`);
    }
  }
}

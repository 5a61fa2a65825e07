#!/usr/bin/env node
// Measures the wall time of everyday commands on a large library: tag, untag, show, inbox --json and
// report --format json, each spawned as a user runs it (node bin/claimwatch.js, after `npm run build`).
//
// The library has --papers papers (default 100,000: real PubMed records repeated with new PMIDs by
// ../shared/tools/make_bench_corpus.py, imported with `claimwatch import`) and --tags tags (default
// 20,000, spread over two reviewers, added with `claimwatch tags import` from a JSON-lines file as a
// colleague's export would be). Both live in /tmp/claimwatch-bench-corpus/ and are built only when
// missing, under a temporary name renamed at the end, so a killed run leaves nothing half-built.
//
// Usage: node bench/latency.mjs [--runs 5] [--papers 100000] [--tags 20000] [--json]
import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchCorpus, CORPUS_DIR, option, ROOT, prng } from './common.mjs';

const root = ROOT;
const BIN = path.join(root, 'bin', 'claimwatch.js');
const args = process.argv.slice(2);
const opt = (name, dflt) => option(args, name, dflt);
const runs = Number(opt('runs', '5'));
const papers = Number(opt('papers', '100000'));
const tagCount = Number(opt('tags', '20000'));
const asJson = args.includes('--json');
const DIR = CORPUS_DIR;
const FIRST_PMID = 90000001; // make_bench_corpus.py's default
const log = (s) => process.stderr.write(`${s}\n`);

/** Runs the CLI; returns wall seconds, throws on a non-zero exit. */
function cli(argv, env = {}) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...argv], {
    encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, CLAIMWATCH_REVIEWER: 'bench', NO_COLOR: '1', ...env },
  });
  const secs = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`claimwatch ${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { secs, stdout: r.stdout };
}

const ensureCorpus = () => benchCorpus(papers, 'xml', log);


/**
 * The tags two reviewers would have made over a year: mostly different papers, about a fifth tagged by
 * both (with the occasional disagreement), a few papers bearing on two claims, stances weighted toward
 * 'supports', and now and then a note. Returns JSON lines in `tags export` format.
 */
function tagEvents(n) {
  const rand = prng(20240101);
  const pick = (xs) => xs[Math.floor(rand() * xs.length)];
  const stances = ['supports', 'supports', 'supports', 'qualifies', 'qualifies', 'contradicts'];
  const claims = ['C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'C8', 'C9'];
  const start = Date.parse('2025-11-01T08:00:00Z');
  const seen = new Set();
  const lines = [];
  let prev = null;
  while (lines.length < n) {
    let e;
    if (prev && rand() < 0.2) {
      // The other reviewer on the same paper and claim; agrees three times in four.
      e = { ...prev, reviewer: prev.reviewer === 'alice' ? 'bob' : 'alice', stance: rand() < 0.75 ? prev.stance : pick(stances) };
    } else if (prev && rand() < 0.05) {
      e = { ...prev, claim: pick(claims) };
    } else {
      e = { pmid: FIRST_PMID + Math.floor(rand() * papers), claim: pick(claims), reviewer: rand() < 0.5 ? 'alice' : 'bob', stance: pick(stances) };
    }
    const key = `${e.pmid}/${e.claim}/${e.reviewer}`;
    if (seen.has(key)) continue;
    seen.add(key);
    prev = e;
    const at = new Date(start + Math.floor((lines.length / n) * 365 * 86400e3) + Math.floor(rand() * 3600e3)).toISOString();
    lines.push(JSON.stringify({
      v: 1, uid: crypto.randomBytes(16).toString('hex'), at, reviewer: e.reviewer, action: 'tag', pmid: e.pmid,
      claim: e.claim, old: null, new: e.stance, note: rand() < 0.3 ? `bench note ${lines.length}` : null,
    }));
  }
  return `${lines.join('\n')}\n`;
}

function ensureLibrary() {
  fs.mkdirSync(DIR, { recursive: true });
  const file = path.join(DIR, `lib-${papers}.db`);
  if (fs.existsSync(file)) return { file, built: null };
  const corpus = ensureCorpus();
  const tmp = path.join(DIR, `lib-${papers}.building-${process.pid}.db`);
  log(`importing ${path.basename(corpus)} into a new library ...`);
  const imp = cli(['--db', tmp, 'import', corpus, '--json']);
  const added = JSON.parse(imp.stdout).added;
  const events = path.join(DIR, `tags-${tagCount}.building-${process.pid}.jsonl`);
  fs.writeFileSync(events, tagEvents(tagCount));
  log(`adding ${tagCount} tags with tags import ...`);
  const tags = cli(['--db', tmp, 'tags', 'import', events, '--json']);
  fs.rmSync(events);
  fs.renameSync(tmp, file);
  return { file, built: { importSecs: imp.secs, added, tagsImportSecs: tags.secs } };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const summary = (name, target, secs) => ({ name, target, runs: secs.length, median: median(secs), min: Math.min(...secs), max: Math.max(...secs) });

const { file: db, built } = ensureLibrary();
const q = (sql) => JSON.parse(execFileSync(process.execPath, ['-e', `
  const D = require(${JSON.stringify(path.join(root, 'node_modules', 'better-sqlite3'))});
  const db = new D(${JSON.stringify(db)}, { readonly: true });
  console.log(JSON.stringify(db.prepare(${JSON.stringify(sql)}).all()));`], { encoding: 'utf8' }));
const [{ n: nPapers }] = q('SELECT count(*) AS n FROM papers');
const [{ n: nTags }] = q('SELECT count(*) AS n FROM tags');
// Papers to tag and untag: untagged ones, a different one each run; one tagged paper to show.
const untagged = q(`SELECT pmid FROM papers WHERE pmid NOT IN (SELECT pmid FROM tags) ORDER BY pmid DESC LIMIT ${runs}`).map((r) => r.pmid);
const [{ pmid: shown }] = q('SELECT pmid FROM tags ORDER BY pmid LIMIT 1 OFFSET 5000');
const sizeMiB = fs.statSync(db).size / 2 ** 20;

const env = { CLAIMWATCH_DB: db };
cli(['inbox', '--limit', '1'], env); // warm the page cache once, as a library in use is
const times = { tag: [], untag: [], show: [], inbox: [], report: [] };
let inboxCount = 0;
let reportBytes = 0;
for (let i = 0; i < runs; i++) {
  const pmid = String(untagged[i]);
  times.tag.push(cli(['tag', pmid, 'C3', 'supports', '--note', 'bench'], env).secs);
  times.untag.push(cli(['untag', pmid, 'C3'], env).secs);
  times.show.push(cli(['show', String(shown), '--json'], env).secs);
  const inbox = cli(['inbox', '--json', '--limit', '20'], env);
  times.inbox.push(inbox.secs);
  inboxCount = JSON.parse(inbox.stdout).length ?? 0;
  const report = cli(['report', '--format', 'json'], env);
  times.report.push(report.secs);
  reportBytes = report.stdout.length;
}
const rows = [
  summary('tag <pmid> C3 supports', 0.3, times.tag),
  summary('untag <pmid> C3', 0.3, times.untag),
  summary('show <pmid> --json', 0.3, times.show),
  summary('inbox --json --limit 20', 0.3, times.inbox),
  summary('report --format json', 1.5, times.report),
];
const result = {
  library: { file: db, papers: nPapers, tags: nTags, sizeMiB, built, inboxCount, reportMiB: reportBytes / 2 ** 20 },
  rows,
};
if (asJson) {
  console.log(JSON.stringify(result, null, 2));
} else {
  console.log(`library: ${nPapers} papers, ${nTags} tags, ${sizeMiB.toFixed(0)} MiB; ${runs} runs each; ${os.cpus().length} cores, node ${process.version}`);
  for (const r of rows) {
    console.log(`${r.name.padEnd(26)} median ${r.median.toFixed(3)} s  min ${r.min.toFixed(3)}  max ${r.max.toFixed(3)}  target ${r.target} s  ${r.median <= r.target ? 'ok' : 'OVER'}`);
  }
}

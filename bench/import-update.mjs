#!/usr/bin/env node
// An NLM update file against a large library: the library is the --records corpus imported once (per
// checkout), and the update file is built from the same corpus: --changed records with a newer DateRevised
// and an edited title, --unchanged records as they are, and a DeleteCitation of --deleted PMIDs, as NLM's
// daily update files mix them. Each run imports the update file into a fresh copy of the library; wall
// seconds (median/min/max), records/s and peak RSS (GNU time), with xtract reading the same update file in
// the same run for scale. --compare DIR also times another built checkout (its own library, built by it).
// Usage: node bench/import-update.mjs [--records 100000] [--changed 14000] [--unchanged 2000] [--deleted 4000]
//        [--runs 3] [--compare DIR] [--json]   (after npm run build)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchCorpus, option, ROOT, timed } from './common.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => option(args, name, dflt);
const records = Number(opt('records', '100000'));
const changed = Number(opt('changed', '14000'));
const unchanged = Number(opt('unchanged', '2000'));
const deleted = Number(opt('deleted', '4000'));
const runs = Number(opt('runs', '3'));
const compare = opt('compare', null);
const asJson = args.includes('--json');
const XTRACT = '/usr/bin/xtract';
const log = (s) => (asJson ? process.stderr : process.stdout).write(`${s}\n`);
if (changed + unchanged + deleted > records) throw new Error('--changed + --unchanged + --deleted must not exceed --records');

const corpus = benchCorpus(records, 'xml', log);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'claimwatch-ubench-'));

/** Streams the corpus's records, calling `each(record)` until it returns false. */
function eachRecord(file, each) {
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.alloc(1 << 20);
  let text = '';
  try {
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) return;
      text += buf.toString('utf8', 0, n);
      let end;
      while ((end = text.indexOf('</PubmedArticle>')) >= 0) {
        const start = text.indexOf('<PubmedArticle>');
        const rec = text.slice(start, end + '</PubmedArticle>'.length);
        text = text.slice(end + '</PubmedArticle>'.length);
        if (each(rec) === false) return;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
}

// The update file: the first records changed, the next ones as they are, then the deletions.
const update = path.join(work, 'update.xml');
const out = fs.openSync(update, 'w');
fs.writeSync(out, '<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n<PubmedArticleSet>\n');
let i = 0;
const gone = [];
eachRecord(corpus, (rec) => {
  if (i < changed) {
    const revised = rec
      .replace(/<DateRevised>\s*<Year>\d{4}<\/Year>\s*<Month>\d{1,2}<\/Month>\s*<Day>\d{1,2}<\/Day>/, '<DateRevised><Year>2026</Year><Month>12</Month><Day>01</Day>')
      .replace(/<ArticleTitle([^>]*)>/, '<ArticleTitle$1>Revised: ');
    fs.writeSync(out, `${revised}\n`);
  } else if (i < changed + unchanged) {
    fs.writeSync(out, `${rec}\n`);
  } else {
    gone.push(/<PMID[^>]*>(\d+)<\/PMID>/.exec(rec)[1]);
  }
  i++;
  return gone.length < deleted;
});
fs.writeSync(out, `<DeleteCitation>\n${gone.map((p) => `<PMID Version="1">${p}</PMID>`).join('\n')}\n</DeleteCitation>\n</PubmedArticleSet>\n`);
fs.closeSync(out);
const updateMiB = fs.statSync(update).size / 2 ** 20;

const dbFiles = (db) => [db, `${db}-wal`, `${db}-shm`, `${db}-journal`];

const checkouts = [['claimwatch', ROOT], ...(compare ? [[`claimwatch ${path.basename(path.resolve(compare))}`, path.resolve(compare)]] : [])];
const engines = [];
if (fs.existsSync(XTRACT)) {
  engines.push({ name: 'xtract -strict -compress (update file)', run: () => timed(XTRACT, ['-strict', '-compress', '-input', update, '-pattern', 'PubmedArticle',
    '-element', 'MedlineCitation/PMID', '-block', 'Article', '-element', 'ArticleTitle,AbstractText'], () => undefined) });
}
for (const [name, checkout] of checkouts) {
  const bin = path.join(checkout, 'bin', 'claimwatch.js');
  const lib = path.join(work, `${path.basename(checkout)}-library.db`);
  log(`${name}: building the ${records}-paper library ...`);
  timed(process.execPath, [bin, '--db', lib, 'import', corpus, '--json'], (o) => {
    if (JSON.parse(o).added !== records) throw new Error(`library build: ${o.slice(0, 300)}`);
  });
  engines.push({ name: `${name} import (update file)`, run: (k) => {
    const db = path.join(work, `run-${k}.db`);
    fs.copyFileSync(lib, db);
    try {
      return timed(process.execPath, [bin, '--db', db, 'import', update, '--json'], (o) => {
        const s = JSON.parse(o);
        if (s.updated !== changed || s.unchanged !== unchanged || s.deleted !== deleted || s.failed) throw new Error(`update: ${o.slice(0, 300)}`);
      });
    } finally {
      for (const f of dbFiles(db)) fs.rmSync(f, { force: true });
    }
  } });
}

const results = engines.map(() => []);
for (let k = 0; k < runs; k++) engines.forEach((e, j) => results[j].push(e.run(k)));
fs.rmSync(work, { recursive: true, force: true });

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const items = changed + unchanged + deleted;
const rows = engines.map((e, j) => {
  const secs = results[j].map((r) => r.secs);
  return { engine: e.name, medianSecs: median(secs), minSecs: Math.min(...secs), maxSecs: Math.max(...secs), itemsPerSec: Math.round(items / median(secs)), peakMiB: Math.round(Math.max(...results[j].map((r) => r.mib))) };
});
const machine = { cores: os.cpus().length, node: process.version, loadavg: os.loadavg().map((x) => Number(x.toFixed(2))) };
const setup = { libraryPapers: records, changed, unchanged, deleted, updateMiB: Math.round(updateMiB), runs };
if (asJson) {
  console.log(JSON.stringify({ machine, setup, rows }, null, 2));
} else {
  console.log(`update file (${Math.round(updateMiB)} MiB: ${changed} changed, ${unchanged} unchanged, ${deleted} deleted) into a library of ${records} papers; ${runs} runs each (interleaved), ${machine.cores} cores, load ${machine.loadavg.join(' ')}`);
  console.log('| engine | wall s median (min-max) | items/s | peak MiB |');
  console.log('|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.engine} | ${r.medianSecs.toFixed(1)} (${r.minSecs.toFixed(1)}-${r.maxSecs.toFixed(1)}) | ${r.itemsPerSec} | ${r.peakMiB} |`);
}

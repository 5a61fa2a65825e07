// Times `claimwatch integrity import` of a Retraction Watch CSV of 60,000 rows into a library of 2,000 papers
// that 2,000 of the rows name, and reports rows/s and peak memory (GNU time); then imports the same file again
// (idempotent: nothing new) and times that too. The file is the 6 real rows of shared/fixtures/integrity
// (radRetraction's RAD.csv) repeated, each copy with its own Record ID, original PMID and DOI: a synthetic
// file for timing only, never used by a test. Run `npm run build` first.
//
// Usage: node bench/rw-import.mjs [--rows 60000] [--papers 2000] [--json]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, option } from './common.mjs';

const args = process.argv.slice(2);
const rows = Number(option(args, 'rows', '60000'));
const papers = Number(option(args, 'papers', '2000'));
const asJson = args.includes('--json');
const BIN = path.join(ROOT, 'bin', 'claimwatch.js');
const FIRST_PMID = 50000000;
const env = { PATH: process.env.PATH ?? '', HOME: os.tmpdir() };

const { openLibrary } = await import(path.join(ROOT, 'dist', 'app', 'store.js'));
const { PaperStore } = await import(path.join(ROOT, 'dist', 'store', 'papers.js'));

function timed(argv) {
  const start = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', 'maxrss-kb %M', process.execPath, BIN, ...argv], { env, encoding: 'utf8', maxBuffer: 2 ** 26 });
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`claimwatch ${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { secs, peakMiB: Number(/maxrss-kb (\d+)/.exec(r.stderr)?.[1] ?? NaN) / 1024, stdout: r.stdout };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claimwatch-bench-rw-'));
const db = path.join(dir, 'lib.db');
const real = fs.readFileSync(path.resolve(ROOT, '..', 'shared', 'fixtures', 'integrity', 'retraction_watch', 'radRetraction_RAD.csv'), 'utf8');
const [header, ...body] = real.trimEnd().split('\n');
// The real rows hold no line break inside a field, so each line is one row.
const cols = header.split(',');
const idCol = cols.indexOf('Record ID');
const out = fs.createWriteStream(path.join(dir, 'rw.csv'));
out.write(`${header}\n`);
for (let i = 0; i < rows; i++) {
  const fields = body[i % body.length].split(',');
  fields[idCol] = String(1000000 + i);
  // OriginalPaperDOI,OriginalPaperPubMedID come just before RetractionNature.
  const text = fields.join(',').replace(/,10\.1155\/\d{4}\/\d+,(\d+|0),Retraction,/, `,10.1155/bench/${i},${FIRST_PMID + i},Retraction,`);
  out.write(`${text}\n`);
}
await new Promise((r) => out.end(r));

const lib = openLibrary(db);
const store = new PaperStore(lib);
lib.transaction(() => {
  for (let i = 0; i < papers; i++) {
    store.upsert({
      pmid: FIRST_PMID + i, type: 'article', title: `bench paper ${i}`, abstract: null, authors: [], journal: null, journalAbbrev: null,
      year: 2022, pubDate: null, doi: `10.1155/bench/${i}`, pmcid: null, publicationTypes: [], mesh: [], keywords: [], language: null,
      retracted: false, links: [], dateRevised: null, entrezDate: null, raw: `bench ${i}`, rawFormat: 'medline',
    }, '2026-01-01T00:00:00.000Z', 'bench');
  }
})();
lib.close();

const first = timed(['--db', db, 'integrity', 'import', path.join(dir, 'rw.csv'), '--json']);
const o1 = JSON.parse(first.stdout);
const again = timed(['--db', db, 'integrity', 'import', path.join(dir, 'rw.csv'), '--json']);
const o2 = JSON.parse(again.stdout);
const result = {
  rows: o1.rows, papers, matched: o1.matchedRows, added: o1.added,
  first: { secs: +first.secs.toFixed(2), rowsPerSec: Math.round(o1.rows / first.secs), peakMiB: +first.peakMiB.toFixed(0) },
  again: { secs: +again.secs.toFixed(2), added: o2.added, peakMiB: +again.peakMiB.toFixed(0) },
  fileMiB: +(fs.statSync(path.join(dir, 'rw.csv')).size / 2 ** 20).toFixed(1),
};
fs.rmSync(dir, { recursive: true, force: true });
if (asJson) process.stdout.write(`${JSON.stringify(result)}\n`);
else process.stdout.write(`integrity import: ${result.rows} rows (${result.fileMiB} MiB), ${result.matched} about ${papers} papers in the library: ${result.first.secs} s (${result.first.rowsPerSec} rows/s), peak ${result.first.peakMiB} MiB; again: ${result.again.secs} s, ${result.again.added} new, peak ${result.again.peakMiB} MiB\n`);

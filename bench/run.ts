// The benchmark suite (issue "Speed at scale"): `npm run bench` (after `npm run build`).
//
//   1. import / xtract: `node bench/import-xtract.mjs --json --records N` for 20,000 and 100,000 records when that
//      file exists (skip with --skip-import), an update file against the large library (bench/import-update.mjs),
//      the floor under the import (`node bench/import-floor.mjs --json --records 20000`: each part it must
//      do alone, and the lower bound they set), then the record parser next to fast-xml-parser and the tree
//      reader: `node bench/parsers.mjs --json --records 5000`;
//   2. latency of tag, untag, show, inbox --json and report --format json on a library of 100,000 papers
//      with 20,000 tags: `node bench/latency.mjs --json` (builds the library in /tmp/claimwatch-bench-corpus/
//      on first use);
//   3. `claimwatch search`: start-up before its first request, and the requests of a first and a nightly
//      run, counted at the test suite's fake E-utilities server (run here, in this process, so the spawn
//      time and the arrival of the first request are read from the same performance.now() clock).
//
// Prints a table (median, min, max) and writes it to bench/results.md with the date and the machine.
// Options: --runs N (latencies, default 5), --skip-import, --papers N, --tags N.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeEutils, loadFixtureCorpus, makeRecord, type CorpusRecord } from '../tests/fake-eutils/server.js';
import { FakeCrossref } from '../tests/fake-crossref/server.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'claimwatch.js');
const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : dflt;
};
const RUNS = Number(opt('runs', '5'));
const PAPERS = opt('papers', '100000');
const TAGS = opt('tags', '20000');
const skipImport = args.includes('--skip-import');
const log = (s: string): void => void process.stderr.write(`${s}\n`);

type Row = { name: string; target: string; median: string; min: string; max: string; verdict: string };
const rows: Row[] = [];
const notes: string[] = [];
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const secs = (x: number): string => `${x.toFixed(3)} s`;
const timeRow = (name: string, target: number, xs: number[]): Row => {
  const m = median(xs);
  return { name, target: `≤ ${target} s`, median: secs(m), min: secs(Math.min(...xs)), max: secs(Math.max(...xs)), verdict: m <= target ? 'ok' : 'OVER' };
};

// 1. Import and xtract, the other half of the suite.
if (skipImport) {
  notes.push('import / xtract: skipped (--skip-import).');
} else {
  const script = path.join(ROOT, 'bench', 'import-xtract.mjs');
  if (!fs.existsSync(script)) {
    notes.push('import / xtract: bench/import-xtract.mjs is missing; not measured.');
  } else {
    for (const size of ['20000', '100000']) {
    log(`import / xtract: node bench/import-xtract.mjs --json --records ${size} ...`);
    const r = spawnSync(process.execPath, [script, '--json', '--records', size], { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'inherit'] });
    let parsed: unknown;
    try {
      parsed = r.status === 0 ? JSON.parse(r.stdout) : undefined;
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined) {
      notes.push(`import / xtract (${size} records): bench/import-xtract.mjs failed (exit ${r.status ?? r.signal}); not measured.`);
    } else {
      // One row per engine: seconds (median, min, max), then records/s, peak memory and the ratio to xtract.
      type ImportRow = { engine: string; fileMiB: number; medianSecs: number; minSecs: number; maxSecs: number; recordsPerSec: number; cpuSecs: number; peakMiB: number; ratioToXtract: number | null; ratioToXtractSameGz?: number | null };
      const engines = ((parsed as { rows?: ImportRow[] }).rows ?? []);
      for (const e of engines) {
        const isXtract = e.engine.startsWith('xtract');
        // The single-threaded path is shown for scale; the target is the default's.
        const judged = !isXtract && !e.engine.includes('--threads 0');
        rows.push({
          name: `${size} records: ${e.engine}, ${e.fileMiB} MiB (${e.recordsPerSec} records/s, CPU ${e.cpuSecs.toFixed(1)} s, peak ${e.peakMiB} MiB, ${e.ratioToXtract === null ? 'xtract not installed' : `${e.ratioToXtract.toFixed(2)}x xtract`}${e.ratioToXtractSameGz == null ? '' : `; ${e.ratioToXtractSameGz.toFixed(2)}x xtract on the same .gz`})`,
          // xtract through gunzip is shown for scale; the ratios are to xtract on the plain file.
          target: isXtract ? (e.engine.includes('.gz') ? 'for scale' : 'reference') : judged ? '>= 0.8x xtract, <= 250 MiB' : 'for comparison',
          median: `${e.medianSecs.toFixed(1)} s`, min: `${e.minSecs.toFixed(1)} s`, max: `${e.maxSecs.toFixed(1)} s`,
          verdict: !judged ? '' : e.peakMiB > 250 ? 'MISSED (memory)' : e.ratioToXtract === null ? 'memory ok, speed not judged' : e.ratioToXtract >= 0.8 ? 'ok' : 'MISSED (speed)',
        });
      }
      if (!engines.length) notes.push('import / xtract: no rows in its output.');
    }
    }
    // An update file against the 100,000-paper library: mostly changed and deleted records.
    log('import update: node bench/import-update.mjs --json ...');
    const u = spawnSync(process.execPath, [path.join(ROOT, 'bench', 'import-update.mjs'), '--json'], { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'inherit'] });
    if (u.status !== 0) {
      notes.push(`import update: bench/import-update.mjs failed (exit ${u.status ?? u.signal}); not measured.`);
    } else {
      type UpdateOut = { setup: { libraryPapers: number; changed: number; unchanged: number; deleted: number; updateMiB: number }; rows: { engine: string; medianSecs: number; minSecs: number; maxSecs: number; itemsPerSec: number; peakMiB: number }[] };
      const out = JSON.parse(u.stdout) as UpdateOut;
      const st = out.setup;
      for (const e of out.rows) {
        rows.push({
          name: `update file, ${st.updateMiB} MiB (${st.changed} changed, ${st.unchanged} unchanged, ${st.deleted} deleted) into ${st.libraryPapers} papers: ${e.engine} (${e.itemsPerSec} items/s, peak ${e.peakMiB} MiB)`,
          target: e.engine.startsWith('xtract') ? 'reading it, for scale' : '', median: `${e.medianSecs.toFixed(1)} s`, min: `${e.minSecs.toFixed(1)} s`, max: `${e.maxSecs.toFixed(1)} s`, verdict: '',
        });
      }
    }
  }
}

// 1a. The floor under the import: each part it must do, alone, and the bound they set (left out with --skip-import too).
if (!skipImport) {
  log('import floor: node bench/import-floor.mjs --json --records 20000 --runs 3 ...');
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bench', 'import-floor.mjs'), '--json', '--records', '20000', '--runs', '3'], {
    encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'inherit'],
  });
  type Floor = {
    records: number; cores: number; boundSecs: number; bestRatioToXtract: number | null; importRatioToXtract: number | null;
    parts: Record<string, { secs: number; cpu: number; peakMiB: number }>;
    perRecord: { readUs: number; rowsUs: number };
    gzBoundSecs: number; gzBestRatioToXtract: number | null;
  };
  if (r.status !== 0) {
    notes.push(`import floor: bench/import-floor.mjs failed (exit ${r.status ?? r.signal}); not measured.`);
  } else {
    const f = JSON.parse(r.stdout) as Floor;
    const labels: Record<string, string> = {
      xtract: 'xtract (the same fields)', split: 'read and split only', raw: 'split + raw text into SQLite, committed', gunzip: 'gunzip the .xml.gz only', import: 'claimwatch import',
    };
    for (const [k, v] of Object.entries(f.parts)) {
      rows.push({ name: `floor, ${f.records} records: ${labels[k] ?? k} (CPU ${v.cpu.toFixed(2)} s, peak ${v.peakMiB} MiB)`, target: '', median: `${v.secs.toFixed(2)} s`, min: '', max: '', verdict: '' });
    }
    rows.push({
      name: `floor, ${f.records} records: lower bound on the import = max(raw wall, (raw CPU + records x (${f.perRecord.readUs.toFixed(1)} us read + ${f.perRecord.rowsUs.toFixed(1)} us row)) / ${f.cores} cores)`,
      target: f.bestRatioToXtract === null ? '' : `at most ${f.bestRatioToXtract.toFixed(2)}x xtract`, median: `${f.boundSecs.toFixed(2)} s`, min: '', max: '',
      verdict: f.importRatioToXtract === null ? '' : `import ${f.importRatioToXtract.toFixed(2)}x`,
    });
    rows.push({
      name: `floor, ${f.records} records, .xml.gz: the same bound with gunzip's CPU added`,
      target: f.gzBestRatioToXtract === null ? '' : `at most ${f.gzBestRatioToXtract.toFixed(2)}x xtract`, median: `${f.gzBoundSecs.toFixed(2)} s`, min: '', max: '', verdict: '',
    });
  }
}

// 1b. The record parser against fast-xml-parser on the same records (left out with --skip-import too).
if (!skipImport) {
  log('parsers: node bench/parsers.mjs --json --records 5000 --runs 3 ...');
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bench', 'parsers.mjs'), '--json', '--records', '5000', '--runs', '3'], {
    encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'inherit'],
  });
  type ParserRow = { engine: string; records: number; medianSecs: number; minSecs: number; maxSecs: number; recordsPerSec: number; ratioToScanner: number };
  if (r.status !== 0) {
    notes.push(`parsers: bench/parsers.mjs failed (exit ${r.status ?? r.signal}); not measured.`);
  } else {
    for (const e of (JSON.parse(r.stdout) as { rows: ParserRow[] }).rows) {
      rows.push({
        name: `parse ${e.records} records: ${e.engine} (${e.recordsPerSec} records/s, ${e.ratioToScanner.toFixed(2)}x the scanner)`,
        target: '', median: `${e.medianSecs.toFixed(2)} s`, min: `${e.minSecs.toFixed(2)} s`, max: `${e.maxSecs.toFixed(2)} s`, verdict: '',
      });
    }
    notes.push('parsers: each row reads the file (64 KiB reads, UTF-8 decoding); "split only" also cuts the records out with indexOf, as the fast-xml-parser row does before parsing each record with the options correctness needs (htmlEntities, stopNodes on ArticleTitle, AbstractText, CollectiveName).');
  }
}

// 2. Latencies on the large library.
log(`latency: node bench/latency.mjs --json --runs ${RUNS} ...`);
const lat = spawnSync(process.execPath, [path.join(ROOT, 'bench', 'latency.mjs'), '--json', '--runs', String(RUNS), '--papers', PAPERS, '--tags', TAGS], {
  encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'inherit'],
});
type Lat = {
  library: { papers: number; tags: number; sizeMiB: number; reportMiB: number; built: { importSecs: number; added: number; tagsImportSecs: number } | null };
  rows: { name: string; target: number; median: number; min: number; max: number }[];
};
let library = '';
if (lat.status !== 0) {
  notes.push(`latency: bench/latency.mjs failed (exit ${lat.status ?? lat.signal}); not measured.`);
} else {
  const l = JSON.parse(lat.stdout) as Lat;
  library = `${l.library.papers.toLocaleString('en')} papers, ${l.library.tags.toLocaleString('en')} tags, ${l.library.sizeMiB.toFixed(0)} MiB`;
  for (const r of l.library.built ? [l.library.built] : []) {
    rows.push({ name: `build: import ${r.added} records (once)`, target: '', median: secs(r.importSecs), min: '', max: '', verdict: `${Math.round(r.added / r.importSecs)} records/s` });
    rows.push({ name: `build: tags import ${TAGS} events (once)`, target: '', median: secs(r.tagsImportSecs), min: '', max: '', verdict: '' });
  }
  for (const r of l.rows) {
    const row = timeRow(r.name, r.target, []);
    rows.push({ ...row, median: secs(r.median), min: secs(r.min), max: secs(r.max), verdict: r.median <= r.target ? 'ok' : 'OVER' });
  }
  notes.push(`report --format json writes ${l.library.reportMiB.toFixed(1)} MiB of JSON.`);
}

// 3. search: start-up and requests.
function spawnCli(argv: string[], env: Record<string, string>): { spawnedAt: number; done: Promise<number> } {
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [BIN, ...argv], { env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...env }, stdio: 'ignore' });
  return { spawnedAt, done: new Promise((resolve) => child.on('close', (code) => resolve(code ?? -1))) };
}
const cli = (argv: string[], env: Record<string, string>): Promise<number> => spawnCli(argv, env).done;

/** A copy of a real record under a new PMID, with the given Entrez and modification dates. */
function clone(src: CorpusRecord, pmid: number, edat: string): CorpusRecord {
  const xml = src.xml
    .replace(/(<PMID[^>]*>)\d+(<\/PMID>)/, `$1${pmid}$2`)
    .replace(new RegExp(`(<ArticleId IdType="pubmed">)${src.pmid}(</ArticleId>)`), `$1${pmid}$2`);
  return { ...makeRecord(xml), pmid, edat, mdat: edat };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claimwatch-bench-search-'));
const fixtures = loadFixtureCorpus().filter((r) => !/<PubmedBookArticle[\s>]/.test(r.xml));
const FIRST = 1200;
const NIGHTLY = 600;
const corpus: CorpusRecord[] = [];
for (let i = 0; i < FIRST + NIGHTLY; i++) corpus.push(clone(fixtures[i % fixtures.length]!, 80000001 + i, i < FIRST ? '2026/11/20' : '2026/11/27'));
const server = new FakeEutils({ corpus, today: '2026/11/26', seed: 7 });
await server.start();
// The night also asks Crossref about the tagged papers: a local stand-in too, so the bench sends nothing out.
const crossref = new FakeCrossref();
await crossref.start();
const TERM = 'bench-night[tiab]';
server.setSearch(TERM, corpus.map((r) => r.pmid));
const env = (pacer: string): Record<string, string> => ({
  CLAIMWATCH_DB: path.join(dir, 'lib.db'), CLAIMWATCH_EUTILS_URL: server.url, CLAIMWATCH_CROSSREF_URL: crossref.url, NCBI_EMAIL: 'bench@example.org',
  NCBI_API_KEY: 'benchkey0123456789abcdef', CLAIMWATCH_PACER_FILE: path.join(dir, pacer), CLAIMWATCH_REVIEWER: 'bench',
});
await cli(['queries', 'add', 'bench-night', TERM], env('pacer.sqlite'));
const savedOut = JSON.parse(spawnSync(process.execPath, [BIN, 'queries', 'list', '--json'], { env: { ...process.env, ...env('pacer.sqlite') }, encoding: 'utf8' }).stdout) as unknown;
const saved = Array.isArray(savedOut) ? savedOut.length : ((savedOut as { queries?: unknown[] }).queries?.length ?? 0);

// Start-up: spawn to the first request's arrival; a fresh pacer file each run, so no wait is inherited.
const startup: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const before = server.requests.length;
  const { spawnedAt, done } = spawnCli(['search', '--dry-run', '--query', 'bench-night'], env(`pacer-startup-${i}.sqlite`));
  await done;
  const first = server.requests[before];
  if (first) startup.push((first.at - spawnedAt) / 1000);
}
rows.push(timeRow('search: spawn to first request', 0.3, startup));

const count = (from: number): { esearch: number; efetch: number; other: number } => {
  const c = { esearch: 0, efetch: 0, other: 0 };
  for (const r of server.requests.slice(from)) {
    if (r.endpoint.includes('esearch')) c.esearch++;
    else if (r.endpoint.includes('efetch')) c.efetch++;
    else c.other++;
  }
  return c;
};
// Night 1: every saved search's first run (bench-night finds 1,200 papers); night 2: 600 new papers.
let from = server.requests.length;
const c1 = await cli(['search'], env('pacer.sqlite'));
const n1 = count(from);
server.today = '2026/11/27';
// Tag a few papers, as a lab does between nights: their refresh is part of the nightly requests.
for (const p of corpus.slice(0, 3)) await cli(['tag', String(p.pmid), 'C1', 'supports'], env('pacer.sqlite'));
from = server.requests.length;
const c2 = await cli(['search'], env('pacer.sqlite'));
const n2 = count(from);
await server.close();
await crossref.stop();
fs.rmSync(dir, { recursive: true, force: true });
const reqRow = (name: string, c: { esearch: number; efetch: number; other: number }, added: number, code: number): Row => ({
  name, target: `${saved} saved searches`, median: `${c.esearch} esearch + ${c.efetch} efetch${c.other ? ` + ${c.other} other` : ''}`,
  min: `${added} new`, max: `${((c.esearch + c.efetch + c.other) / added).toFixed(4)} req/new paper`, verdict: `exit ${code}`,
});
rows.push(reqRow('search: first run', n1, FIRST, c1));
rows.push(reqRow('search: nightly run (3 tagged)', n2, NIGHTLY, c2));
notes.push(`search requests: the minimum is one esearch per saved search (${saved}), plus one mdat esearch each on a nightly run, `
  + `plus one efetch per 500 new or changed papers (${Math.ceil(FIRST / 500)} for the first run's ${FIRST}, ${Math.ceil(NIGHTLY / 500)} for the night's ${NIGHTLY}), `
  + 'plus the refresh of the tagged papers (one efetch per 500) and, on the first run, the reading list.');

// The table.
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const header = `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${cpu}, ${os.cpus().length} cores, node ${process.version}, ${os.platform()} ${os.release()}`
  + `${library ? `; library: ${library}` : ''}; latencies: ${RUNS} runs each, wall time of a spawned \`node bin/claimwatch.js\`.`;
const table = [
  '| measurement | target | median | min | max | |',
  '|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.name} | ${r.target} | ${r.median} | ${r.min} | ${r.max} | ${r.verdict} |`),
].join('\n');
const md = `# Benchmark results\n\n${header}\n\n${table}\n\n${notes.map((n) => `- ${n}`).join('\n')}\n\nReproduce: \`npm run build && npm run bench\` (\`-- --skip-import\` to leave out import / xtract, \`-- --runs N\`).\n`;
fs.writeFileSync(path.join(ROOT, 'bench', 'results.md'), md);
console.log(md);

#!/usr/bin/env node
// Compares PubMed XML parsing engines in one process on the same first N records of one corpus file:
// claimwatch's scanner (dist/pubmed/xml.js createXmlParser, reading each record in one pass), the same
// records read by the tree reader it falls back on (parseRecordXmlByTree on each record cut out with
// indexOf), vs fast-xml-parser (one parse per record cut
// out with indexOf, then PMID, title, year, DOI, authors' LastName and MeSH extracted) vs saxes (one SAX
// parser fed the whole stream, no cutting, the same fields picked from its events). Each row is a whole
// pipeline from the file (64 KiB reads + TextDecoder stream): "read only" stops there, "split only" adds
// the indexOf cutting that fast-xml-parser also pays. Wall s: median/min/max of --runs, interleaved; every
// parser must find the same PMIDs in the same order. --file PATH, else the corpus
// (../shared/tools/make_bench_corpus.py) is built once under /tmp/claimwatch-bench-corpus/.
// Usage: node bench/parsers.mjs [--records 20000] [--runs 3] [--json]   (after npm run build)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { SaxesParser } from 'saxes';
import { benchCorpus, option, ROOT } from './common.mjs';

const root = ROOT;
const args = process.argv.slice(2);
const opt = (name, dflt) => option(args, name, dflt);
const records = Number(opt('records', '20000'));
const runs = Number(opt('runs', '3'));
const asJson = args.includes('--json');
const log = (s) => (asJson ? process.stderr : process.stdout).write(`${s}\n`);
const fail = (msg) => { process.stderr.write(`parsers bench: ${msg}\n`); process.exit(1); };
if (!(Number.isInteger(records) && records > 0 && Number.isInteger(runs) && runs > 0)) fail('--records and --runs must be positive integers');

/** The corpus file: --file, else corpus-<records>.xml. */
const corpus = () => (opt('file') ? path.resolve(opt('file')) : benchCorpus(records, 'xml', log));

// dist may be mid-rebuild by another process: wait for it rather than failing at once.
const distXml = path.join(root, 'dist', 'pubmed', 'xml.js');
for (let i = 0; !fs.existsSync(distXml); i++) {
  if (i === 60) fail(`${distXml} missing: run npm run build first`);
  await new Promise((r) => setTimeout(r, 1000));
}
const { createXmlParser, parseRecordXmlByTree } = await import(pathToFileURL(distXml).href);

const CHUNK = 64 * 1024;
const OPEN = '<PubmedArticle>';
const CLOSE = '</PubmedArticle>';

/** The file's bytes in 64 KiB chunks (one reused buffer), up to `limit` bytes. */
function* chunks(file, limit = Infinity) {
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.allocUnsafe(CHUNK);
  try {
    for (let pos = 0, n; pos < limit && (n = fs.readSync(fd, buf, 0, Math.min(CHUNK, limit - pos), pos)) > 0; pos += n) yield buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

/** Each <PubmedArticle>...</PubmedArticle> of the decoded text, cut out with indexOf. */
function* splitRecords(file) {
  const dec = new TextDecoder();
  let carry = '';
  for (const b of chunks(file)) {
    carry += dec.decode(b, { stream: true });
    let from = 0;
    for (;;) {
      const a = carry.indexOf(OPEN, from);
      if (a < 0) break;
      const z = carry.indexOf(CLOSE, a + OPEN.length);
      if (z < 0) { from = a; break; }
      from = z + CLOSE.length;
      yield carry.slice(a, from);
    }
    carry = carry.slice(from);
  }
}

/** Per-run fingerprint: PMIDs (count, sum, order-sensitive hash) decide; the other fields are only compared. */
function tally() {
  const h = (acc, s) => { for (let i = 0; i < s.length; i++) acc = Math.imul(acc ^ s.charCodeAt(i), 16777619); return acc >>> 0; };
  const t = { records: 0, pmidSum: 0, pmidHash: 2166136261, titleHash: 2166136261, years: 0, dois: 0, lastNames: 0, mesh: 0 };
  t.add = (pmid, title, year, doi, lastNames, mesh) => {
    t.records++; t.pmidSum += pmid; t.pmidHash = h(t.pmidHash, `${pmid},`); t.titleHash = h(t.titleHash, `${title ?? ''}\n`);
    t.years += year ?? 0; t.dois += doi ? 1 : 0; t.lastNames += lastNames; t.mesh += mesh;
  };
  return t;
}

// fast-xml-parser, with what PubMed needs: attributes (IdType="doi"), numeric character references
// (htmlEntities), mixed-content titles/abstracts kept raw as stop nodes (else <i>/<sup> text is
// reordered or glued), and text left as written (no number parsing, no trimming).
const FXP_OPTIONS = { ignoreAttributes: false, htmlEntities: true, stopNodes: ['*.ArticleTitle', '*.AbstractText', '*.CollectiveName'], parseTagValue: false, trimValues: false };
const fxp = new XMLParser(FXP_OPTIONS);
const list = (x) => (x === undefined ? [] : Array.isArray(x) ? x : [x]);
const text = (x) => (x !== null && typeof x === 'object' ? x['#text'] ?? '' : x ?? '');
const NAMED = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
// Stop-node content is the raw markup: drop the tags, decode references, collapse XML whitespace.
const ref = (m, x, d, n) => { const cp = n ? 0 : parseInt(x ?? d, x ? 16 : 10); return n ? NAMED[n] : cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m; };
const collapse = (s) => s.replace(/[ \t\r\n]+/g, ' ').trim() || null;
const plain = (raw) => collapse(raw.replace(/<[^>]*>/g, '').replace(/&(?:#x([0-9a-f]+)|#([0-9]+)|(lt|gt|amp|quot|apos));/gi, ref));

function fxpRecord(xml, t) {
  const rec = fxp.parse(xml).PubmedArticle;
  const mc = rec.MedlineCitation;
  const art = mc.Article ?? {};
  const pd = art.Journal?.JournalIssue?.PubDate ?? {};
  const y = text(pd.Year).trim();
  const year = /^[0-9]+$/.test(y) ? Number(y) : Number(/[0-9]{4}/.exec(text(pd.MedlineDate))?.[0]) || null;
  const doi = list(rec.PubmedData?.ArticleIdList?.ArticleId).find((a) => a['@_IdType'] === 'doi');
  const lastNames = list(art.AuthorList?.Author).map((a) => text(a.LastName).trim()).filter(Boolean);
  const mesh = list(mc.MeshHeadingList?.MeshHeading).map((m) => text(m.DescriptorName).trim()).filter(Boolean);
  t.add(Number(text(mc.PMID).trim()), plain(text(art.ArticleTitle)), year, text(doi).trim(), lastNames.length, mesh.length);
}

// saxes: the fields above, picked from SAX events. For each wanted element, the names of its ancestors
// below <PubmedArticleSet> (the stack must match them exactly: e.g. PMIDs inside CommentsCorrections or
// ArticleIds elsewhere are not the record's).
const SAX_FIELDS = {
  PMID: ['PubmedArticle', 'MedlineCitation'],
  ArticleTitle: ['PubmedArticle', 'MedlineCitation', 'Article'],
  Year: ['PubmedArticle', 'MedlineCitation', 'Article', 'Journal', 'JournalIssue', 'PubDate'],
  MedlineDate: ['PubmedArticle', 'MedlineCitation', 'Article', 'Journal', 'JournalIssue', 'PubDate'],
  LastName: ['PubmedArticle', 'MedlineCitation', 'Article', 'AuthorList', 'Author'],
  DescriptorName: ['PubmedArticle', 'MedlineCitation', 'MeshHeadingList', 'MeshHeading'],
  ArticleId: ['PubmedArticle', 'PubmedData', 'ArticleIdList'],
};
const STOP = Symbol('enough records'); // thrown out of a handler to stop saxes mid-chunk
let saxesUnknownEntities = 0; // HTML named entities (&nbsp; ...) met, summed over runs: not XML, kept verbatim

function saxesRun(file) {
  const t = tally();
  const stack = []; // open element names, from <PubmedArticleSet> down
  let refs = 0; // depth inside a ReferenceList (0: outside), whose elements are not pushed or looked at
  let field = null; // the wanted element whose text is being collected, and its depth
  let fieldDepth = 0;
  let buf = '';
  let rec = null; // the current record's fields

  const parser = new SaxesParser({ xmlns: false }); // default position tracking: turning it off gained nothing measurable
  parser.on('error', (err) => {
    // saxes keeps the reference as written (like the scanner) once this handler returns.
    if (err.message.includes('undefined entity')) saxesUnknownEntities++;
    else throw err;
  });
  parser.on('opentag', (tag) => {
    if (refs || tag.name === 'ReferenceList') { refs++; return; }
    stack.push(tag.name);
    const want = SAX_FIELDS[tag.name];
    if (tag.name === 'PubmedArticle' && stack.length === 2) rec = { pmid: null, title: null, year: null, medlineDate: null, doi: null, lastNames: 0, mesh: 0 };
    if (!want || field || !rec || stack.length !== want.length + 2 || !want.every((name, i) => stack[i + 1] === name)) return;
    if (tag.name === 'ArticleId' && (tag.attributes.IdType !== 'doi' || rec.doi !== null)) return;
    field = tag.name;
    fieldDepth = stack.length;
    buf = '';
  });
  // Everything inside the wanted element, in document order (a title's <i>/<sup> text included).
  parser.on('text', (s) => { if (field) buf += s; });
  parser.on('closetag', () => {
    if (refs) { refs--; return; }
    if (field && stack.length === fieldDepth) {
      if (field === 'PMID') rec.pmid ??= Number(buf.trim());
      else if (field === 'ArticleTitle') rec.title = collapse(buf);
      else if (field === 'Year') rec.year = buf.trim();
      else if (field === 'MedlineDate') rec.medlineDate = buf;
      else if (field === 'ArticleId') rec.doi = buf.trim();
      else if (field === 'LastName') rec.lastNames += buf.trim() ? 1 : 0;
      else if (field === 'DescriptorName') rec.mesh += buf.trim() ? 1 : 0;
      field = null;
    }
    if (stack.pop() === 'PubmedArticle' && stack.length === 1) {
      const year = /^[0-9]+$/.test(rec.year ?? '') ? Number(rec.year) : Number(/[0-9]{4}/.exec(rec.medlineDate ?? '')?.[0]) || null;
      t.add(rec.pmid, rec.title, year, rec.doi, rec.lastNames, rec.mesh);
      rec = null;
      if (t.records === records) throw STOP;
    }
  });

  const dec = new TextDecoder();
  try {
    for (const b of chunks(file)) parser.write(dec.decode(b, { stream: true }));
    parser.write(dec.decode()).close(); // only reached when the file has fewer than N records
  } catch (e) {
    if (e !== STOP) throw e;
  }
  return t;
}

const file = corpus();
// Untimed setup: the byte offset just after the N-th record ("read only" stops there), which also
// checks the file has N records and warms the page cache for every engine alike.
let limit = 0;
{
  const close = Buffer.from(CLOSE);
  let seen = 0, base = 0, tail = Buffer.alloc(0);
  for (const b of chunks(file)) {
    const buf = Buffer.concat([tail, b]);
    for (let i = buf.indexOf(close); i >= 0 && seen < records; i = buf.indexOf(close, i + 1)) if (++seen === records) limit = base - tail.length + i + close.length;
    if (seen === records) break;
    base += b.length;
    tail = buf.subarray(Math.max(0, buf.length - close.length + 1));
  }
  if (seen < records) fail(`${file} has only ${seen} records, fewer than --records ${records}`);
}

const engines = [
  { name: 'read only', run: () => {
    const dec = new TextDecoder();
    for (const b of chunks(file, limit)) dec.decode(b, { stream: true });
    return { records };
  } },
  { name: 'split only (indexOf)', run: () => {
    let n = 0;
    for (const _ of splitRecords(file)) if (++n === records) break;
    return { records: n };
  } },
  { name: 'fast-xml-parser', run: () => {
    const t = tally();
    for (const xml of splitRecords(file)) { fxpRecord(xml, t); if (t.records === records) break; }
    return t;
  } },
  { name: 'claimwatch scanner', run: () => {
    const t = tally();
    const parser = createXmlParser();
    const dec = new TextDecoder();
    outer: for (const b of chunks(file)) {
      for (const item of parser.push(dec.decode(b, { stream: true }))) {
        if (item.kind !== 'paper') continue;
        const p = item.paper;
        t.add(p.pmid, p.title, p.year, p.doi, p.authors.filter((a) => a.last).length, p.mesh.length);
        if (t.records === records) break outer;
      }
    }
    return t;
  } },
  { name: 'claimwatch tree reader (the fallback)', run: () => {
    const t = tally();
    for (const xml of splitRecords(file)) {
      const p = parseRecordXmlByTree(xml);
      t.add(p.pmid, p.title, p.year, p.doi, p.authors.filter((a) => a.last).length, p.mesh.length);
      if (t.records === records) break;
    }
    return t;
  } },
  { name: 'saxes (SAX, streaming)', run: () => saxesRun(file) },
];
const [FXP, SCANNER, SAXES, TREE] = ['fast-xml-parser', 'claimwatch scanner', 'saxes (SAX, streaming)', 'claimwatch tree reader (the fallback)'].map((n) => engines.findIndex((e) => e.name === n));

// Interleaved runs, so a change in the machine's load touches every engine alike.
const secs = engines.map(() => []);
const outs = engines.map(() => []);
for (let i = 0; i < runs; i++) engines.forEach((e, k) => {
  const t0 = performance.now();
  outs[k].push(e.run());
  secs[k].push((performance.now() - t0) / 1000);
});

// Sanity: same record count and PMID sequence, in every run of every parser.
const [fx, sc, sx] = [outs[FXP], outs[SCANNER], outs[SAXES]];
const key = (t) => `${t.records}/${t.pmidSum}/${t.pmidHash}`;
for (const t of [...fx, ...sc, ...sx, ...outs[1]]) if (t.records !== records) fail(`an engine found ${t.records} records, expected ${records}`);
// The tree reader must read exactly what the one-pass reader read.
if (new Set([...sc, ...outs[TREE]].map((t) => JSON.stringify(t))).size !== 1) fail('the tree reader and the scanner read different fields');
if (new Set([...fx, ...sc, ...sx].map(key)).size !== 1) fail(`PMIDs differ: fast-xml-parser ${key(fx[0])}, saxes ${key(sx[0])} vs scanner ${key(sc[0])} (count/sum/hash)`);
const fields = ['titleHash', 'years', 'dois', 'lastNames', 'mesh'];
const differ = fields.filter((f) => fx[0][f] !== sc[0][f]);
// Expected: dois (the scanner falls back to ELocationID EIdType="doi" when ArticleIdList has none).
if (differ.length) log(`note: fields differ between the parsers (PMIDs agree): ${differ.map((f) => `${f} fxp=${fx[0][f]} scanner=${sc[0][f]}`).join(', ')}`);
// saxes applies fast-xml-parser's extraction rules, so every field must match that row exactly.
const sxDiffer = fields.filter((f) => sx.some((t) => t[f] !== fx[0][f]));
if (sxDiffer.length) fail(`saxes fields differ from fast-xml-parser's: ${sxDiffer.map((f) => `${f} saxes=${sx[0][f]} fxp=${fx[0][f]}`).join(', ')}`);
if (saxesUnknownEntities) log(`note: saxes met ${saxesUnknownEntities / runs} undefined (HTML) entity references per run, kept verbatim`);

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const scannerRate = records / median(secs[SCANNER]);
const rows = engines.map((e, k) => ({
  engine: e.name,
  records,
  runs,
  medianSecs: Number(median(secs[k]).toFixed(3)),
  minSecs: Number(Math.min(...secs[k]).toFixed(3)),
  maxSecs: Number(Math.max(...secs[k]).toFixed(3)),
  recordsPerSec: Math.round(records / median(secs[k])),
  ratioToScanner: Number((records / median(secs[k]) / scannerRate).toFixed(3)), // speed as a fraction of the scanner's
}));
const machine = { cores: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version, loadavg: os.loadavg().map((x) => Number(x.toFixed(2))), file, fileBytesRead: limit };
if (asJson) {
  console.log(JSON.stringify({ machine, rows }, null, 2));
} else {
  console.log(`${records} records (${(limit / 2 ** 20).toFixed(0)} MiB of ${path.basename(file)}), ${runs} runs each (interleaved), ${machine.cores} cores, node ${machine.node}, load ${machine.loadavg.join(' ')}`);
  console.log('| engine | wall s median (min-max) | records/s | speed vs scanner |');
  console.log('|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.engine} | ${r.medianSecs.toFixed(2)} (${r.minSecs.toFixed(2)}-${r.maxSecs.toFixed(2)}) | ${r.recordsPerSec} | ${r.ratioToScanner.toFixed(2)}x |`);
}

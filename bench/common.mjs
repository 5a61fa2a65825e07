// What the benchmark scripts share: the repository root, their --name value options, and the corpus of
// real PubMed records repeated with new PMIDs (../shared/tools/make_bench_corpus.py), built once per size
// under /tmp/claimwatch-bench-corpus/ and reused.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CORPUS_DIR = '/tmp/claimwatch-bench-corpus';

/** The value after --name on the command line, or the default. */
export function option(args, name, dflt) {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
}

/** corpus-<records>.<ext> (xml or xml.gz), built through a temporary name so an interrupted build is not reused. */
export function benchCorpus(records, ext, log) {
  fs.mkdirSync(CORPUS_DIR, { recursive: true });
  const file = path.join(CORPUS_DIR, `corpus-${records}.${ext}`);
  if (!fs.existsSync(file)) {
    const tmp = path.join(CORPUS_DIR, `.tmp-${process.pid}-corpus-${records}.${ext}`);
    log(`building ${file} (${records} records) ...`);
    const tool = path.join(ROOT, '..', 'shared', 'tools', 'make_bench_corpus.py');
    execFileSync('python3', [tool, '--records', String(records), '--out', tmp], { stdio: ['ignore', 'ignore', 'inherit'] });
    fs.renameSync(tmp, file);
  }
  return file;
}

/** A deterministic PRNG (mulberry32) giving numbers in [0, 1), so every run of a bench builds the same data. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Runs a command under GNU time (/usr/bin/time); returns wall seconds, CPU seconds (user + system) and peak
 * RSS in MiB, after `check` has read its output.
 */
export function timed(cmd, argv, check, env = process.env) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M %U %S', cmd, ...argv], { encoding: 'utf8', maxBuffer: 2 ** 31 - 1, env });
  if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const [secs, kib, user, sys] = r.stderr.trim().split('\n').at(-1).split(' ').map(Number);
  check(r.stdout);
  return { secs, mib: kib / 1024, cpu: user + sys };
}

/** The xtract command the import is compared with: PMID, year, DOI, authors, MeSH, title and abstract, one line a record (of `file`, or of standard input for null). */
export const xtractArgs = (file) => [
  '-strict', '-compress', ...(file === null ? [] : ['-input', file]), '-pattern', 'PubmedArticle',
  '-element', 'MedlineCitation/PMID',
  '-block', 'PubDate', '-element', 'Year',
  '-block', 'ArticleId', '-if', '@IdType', '-equals', 'doi', '-element', 'ArticleId',
  '-block', 'Author', '-sep', ' ', '-element', 'LastName,Initials',
  '-block', 'MeshHeading', '-element', 'DescriptorName',
  '-block', 'Article', '-element', 'ArticleTitle,AbstractText',
];

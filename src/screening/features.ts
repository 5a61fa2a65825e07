import { stemWord } from '../evidence/suggest.js';

/** The parts of a paper the ranking reads. Absent values are null or []. */
export interface ScreeningText {
  title: string | null;
  abstract: string | null;
  mesh: readonly string[];
  keywords: readonly string[];
  publicationTypes: readonly string[];
}

// Words too common in any abstract to say what it is about. Written for this tool (short on purpose: the
// inverse document frequency already discounts what every paper of a library says).
const STOP_WORDS = new Set((
  'a about above after again against all also am an and any are as at be because been before being below between both '
  + 'but by can could did do does doing down during each few for from further had has have having he her here hers him '
  + 'his how however i if in into is it its itself just may me might more most much must my no nor not now of off on '
  + 'once only or other our ours out over own same she should so some such than that the their theirs them then there '
  + 'these they this those through thus to too under until up upon us very via was we were what when where whether which '
  + 'while who whom why will with within without would yet you your'
).split(' '));

// Stems of the words seen so far: a library repeats its words, and stemming each occurrence was most of the
// time spent building the ranking. Bounded, so a stream of odd tokens cannot grow it without end.
const STEMS = new Map<string, string>();
const STEMS_MAX = 500_000;

/** Lower-cased, lightly stemmed words of a text, stop-words, numbers and one-letter words left out. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
    if (raw.length < 2 || STOP_WORDS.has(raw)) continue;
    let stem = STEMS.get(raw);
    if (stem === undefined) {
      stem = /^\d+$/.test(raw) ? '' : stemWord(raw);
      if (STEMS.size >= STEMS_MAX) STEMS.clear();
      STEMS.set(raw, stem);
    }
    if (stem) out.push(stem);
  }
  return out;
}

/**
 * The features of one paper, with their counts: the words of the title, abstract and author keywords;
 * each MeSH heading whole (`mesh:`) and its descriptor alone (before a `/` qualifier); each keyword whole
 * (`kw:`); each publication type (`pt:`). Headings and types are what the indexers said the paper is,
 * which the words of an abstract only suggest.
 */
export function featuresOf(doc: ScreeningText): Map<string, number> {
  const counts = new Map<string, number>();
  eachFeature(doc, (f) => counts.set(f, (counts.get(f) ?? 0) + 1));
  return counts;
}

/** Calls `add` once per occurrence of each feature of featuresOf. */
function eachFeature(doc: ScreeningText, add: (feature: string) => void): void {
  for (const w of tokenize(doc.title ?? '')) add(w);
  for (const w of tokenize(doc.abstract ?? '')) add(w);
  for (const k of doc.keywords) {
    for (const w of tokenize(k)) add(w);
    add(`kw:${k.toLowerCase().trim()}`);
  }
  for (const m of doc.mesh) {
    const heading = m.toLowerCase().replace(/\*/g, '').trim();
    add(`mesh:${heading}`);
    const descriptor = heading.split('/')[0]!.trim();
    if (descriptor !== heading) add(`mesh:${descriptor}`);
  }
  for (const t of doc.publicationTypes) add(`pt:${t.toLowerCase().trim()}`);
}

/** Sparse rows (compressed sparse row): row i's features are indices[indptr[i]..indptr[i+1]) with their values. */
export interface SparseRows {
  rows: number;
  features: number;
  indptr: Int32Array;
  indices: Int32Array;
  values: Float64Array;
}

/**
 * TF-IDF rows of every paper, each scaled to unit length: counts times the smoothed inverse document
 * frequency ln((1 + N) / (1 + df)) + 1 (as scikit-learn's TfidfVectorizer, which the reference uses).
 * The vocabulary and the frequencies come from the papers' text only, never from a decision, so
 * building them over the whole library tells the model nothing about relevance.
 */
export function tfidfRows(docs: readonly ScreeningText[]): SparseRows {
  const vocabulary = new Map<string, number>();
  const df: number[] = [];
  // Each document's feature ids and counts, gathered with one vocabulary lookup per occurrence.
  const ids: Int32Array[] = [];
  const tfs: Float64Array[] = [];
  let scratch = new Float64Array(1024);
  let nnz = 0;
  for (const doc of docs) {
    const touched: number[] = [];
    eachFeature(doc, (f) => {
      let id = vocabulary.get(f);
      if (id === undefined) {
        id = vocabulary.size;
        vocabulary.set(f, id);
        df.push(0);
        if (id >= scratch.length) {
          const bigger = new Float64Array(scratch.length * 2);
          bigger.set(scratch);
          scratch = bigger;
        }
      }
      if (scratch[id] === 0) touched.push(id);
      scratch[id]! += 1;
    });
    const tf = new Float64Array(touched.length);
    touched.forEach((id, j) => {
      tf[j] = scratch[id]!;
      scratch[id] = 0;
      df[id]! += 1;
    });
    ids.push(Int32Array.from(touched));
    tfs.push(tf);
    nnz += touched.length;
  }
  const n = docs.length;
  const idf = df.map((d) => Math.log((1 + n) / (1 + d)) + 1);
  const indptr = new Int32Array(n + 1);
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const start = at;
    const docIds = ids[i]!;
    const tf = tfs[i]!;
    let norm = 0;
    for (let j = 0; j < docIds.length; j++) {
      const v = tf[j]! * idf[docIds[j]!]!;
      indices[at] = docIds[j]!;
      values[at] = v;
      norm += v * v;
      at += 1;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (let j = start; j < at; j++) values[j]! /= norm;
    indptr[i + 1] = at;
  }
  return { rows: n, features: vocabulary.size, indptr, indices, values };
}

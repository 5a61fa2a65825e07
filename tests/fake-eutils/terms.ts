// ESearch `term` resolution for the fake server. This is a simulation, not PubMed's query engine:
// (a) exact terms registered with setSearch, (b) EDirect's "( query AND lo:hi [UID])" slices, (c) PMIDs,
// (d) a small left-to-right Boolean evaluator over each record's text (field tags mostly ignored).
import { isBookRecord, recordText, type CorpusRecord } from './corpus.js';

/** What the resolver can see: only records visible "today". */
export interface TermContext {
  /** Normalised term -> PMIDs (as registered; may name PMIDs that have no record). */
  searches: ReadonlyMap<string, readonly number[]>;
  /** The records visible today. */
  records: readonly CorpusRecord[];
  /** Whether a PMID can be found at all today (a visible record, or an id-only search hit). */
  isVisible(pmid: number): boolean;
  /** Today, YYYY/MM/DD, for "last N days" terms. */
  today: string;
}

/** The PMIDs a term matches, plus the phrases that matched nothing (PubMed's PhraseNotFound). */
export interface TermResult {
  pmids: Set<number>;
  phrasesNotFound: string[];
}

/** Whitespace runs -> one space, trimmed: the key under which searches are registered. */
export function normaliseTerm(term: string): string {
  return term.trim().replace(/\s+/g, ' ');
}

/** The inside of `( … )` when that one pair of parentheses encloses the whole string, else undefined. */
export function unwrapParens(s: string): string | undefined {
  if (!s.startsWith('(') || !s.endsWith(')')) return undefined;
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"') quoted = !quoted;
    if (quoted) continue;
    if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0 && i !== s.length - 1) return undefined;
    }
  }
  return depth === 0 ? s.slice(1, -1).trim() : undefined;
}

const RANGE_TAIL = /^(.*\S)\s+AND\s+(\d+)\s*:\s*(\d+)\s*\[(?:uid|pmid)\]$/i;
const RANGE_HEAD = /^(\d+)\s*:\s*(\d+)\s*\[(?:uid|pmid)\]\s+AND\s+(\S.*)$/i;

/** Resolves an ESearch term against the context. */
export function resolveTerm(term: string, ctx: TermContext): TermResult {
  const norm = normaliseTerm(term);
  const registered = lookupSearch(norm, ctx);
  if (registered) return { pmids: registered, phrasesNotFound: [] };

  // (b) EDirect's PMID-range slice: "( <query> AND <lo>:<hi> [UID])", also with the range first.
  let stripped = norm;
  for (let inner = unwrapParens(stripped); inner !== undefined; inner = unwrapParens(stripped)) stripped = inner;
  const tail = RANGE_TAIL.exec(stripped);
  const head = tail ? null : RANGE_HEAD.exec(stripped);
  if (tail || head) {
    const inner = tail ? tail[1]! : head![3]!;
    const lo = Number(tail ? tail[2] : head![1]);
    const hi = Number(tail ? tail[3] : head![2]);
    const sub = resolveTerm(inner, ctx);
    const pmids = new Set<number>();
    for (const p of sub.pmids) if (p >= lo && p <= hi) pmids.add(p);
    return { pmids, phrasesNotFound: sub.phrasesNotFound };
  }

  // (c) and (d): PMIDs and everything else go through the evaluator.
  return evaluate(norm, ctx);
}

function lookupSearch(norm: string, ctx: TermContext): Set<number> | undefined {
  let hit = ctx.searches.get(norm);
  if (!hit) {
    const inner = unwrapParens(norm);
    if (inner !== undefined) hit = ctx.searches.get(normaliseTerm(inner));
  }
  return hit ? new Set(hit.filter((p) => ctx.isVisible(p))) : undefined;
}

// ------------------------------------------------------------------ evaluator

type Token =
  | { kind: 'op'; op: 'AND' | 'OR' | 'NOT' }
  | { kind: 'open' }
  | { kind: 'close' }
  | { kind: 'word'; text: string; quoted: boolean }
  | { kind: 'field'; name: string };

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(') {
      out.push({ kind: 'open' });
      i++;
    } else if (c === ')') {
      out.push({ kind: 'close' });
      i++;
    } else if (c === '[') {
      const j = s.indexOf(']', i);
      const end = j < 0 ? s.length : j;
      out.push({ kind: 'field', name: s.slice(i + 1, end).trim().toLowerCase() });
      i = end + 1;
    } else if (c === '"') {
      const j = s.indexOf('"', i + 1);
      const end = j < 0 ? s.length : j;
      out.push({ kind: 'word', text: s.slice(i + 1, end), quoted: true });
      i = end + 1;
    } else {
      let j = i;
      while (j < s.length && !/[\s()[\]"]/.test(s[j]!)) j++;
      const w = s.slice(i, j);
      if (w === 'AND' || w === 'OR' || w === 'NOT') out.push({ kind: 'op', op: w });
      else out.push({ kind: 'word', text: w, quoted: false });
      i = j;
    }
  }
  return out;
}

interface Leaf {
  words: string[];
  quoted: boolean;
  field: string | undefined;
  raw: string;
}

type Node = { kind: 'leaf'; leaf: Leaf } | { kind: 'bin'; op: 'AND' | 'OR' | 'NOT'; left: Node; right: Node } | { kind: 'none' };

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[]) {}

  parseAll(): Node {
    let node = this.parseSeq();
    // Stray closing parentheses are skipped rather than failing the whole search.
    while (this.i < this.toks.length) {
      this.i++;
      const more = this.parseSeq();
      node = node.kind === 'none' ? more : more.kind === 'none' ? node : { kind: 'bin', op: 'AND', left: node, right: more };
    }
    return node;
  }

  // PubMed applies Boolean operators left to right, without precedence.
  private parseSeq(): Node {
    let node = this.parseUnit();
    for (;;) {
      const t = this.toks[this.i];
      if (!t || t.kind === 'close') return node;
      let op: 'AND' | 'OR' | 'NOT' = 'AND';
      if (t.kind === 'op') {
        op = t.op;
        this.i++;
      }
      const right = this.parseUnit();
      if (right.kind === 'none') continue;
      node = node.kind === 'none' ? right : { kind: 'bin', op, left: node, right };
    }
  }

  private parseUnit(): Node {
    const t = this.toks[this.i];
    if (!t) return { kind: 'none' };
    if (t.kind === 'open') {
      this.i++;
      const inner = this.parseSeq();
      if (this.toks[this.i]?.kind === 'close') this.i++;
      return inner;
    }
    if (t.kind === 'word') return this.parseLeaf();
    // A field tag with no term, or an operator where a term belongs: skip it.
    this.i++;
    return { kind: 'none' };
  }

  // Consecutive unquoted words (up to an operator, parenthesis or field tag) form one leaf, as in
  // "pubmed books [SB]"; a quoted phrase is a leaf of its own.
  private parseLeaf(): Node {
    const first = this.toks[this.i] as Extract<Token, { kind: 'word' }>;
    this.i++;
    const words = [first.text];
    if (!first.quoted) {
      for (let t = this.toks[this.i]; t && t.kind === 'word' && !t.quoted; t = this.toks[this.i]) {
        words.push(t.text);
        this.i++;
      }
    }
    let field: string | undefined;
    const f = this.toks[this.i];
    if (f?.kind === 'field') {
      field = f.name;
      this.i++;
    }
    const raw = (first.quoted ? `"${first.text}"` : words.join(' ')) + (field !== undefined ? `[${field}]` : '');
    return { kind: 'leaf', leaf: { words, quoted: first.quoted, field, raw } };
  }
}

const UID_FIELDS = new Set(['uid', 'pmid', 'uids']);
const DATE_FIELDS: Record<string, 'edat' | 'pdat' | 'mdat'> = {
  edat: 'edat', 'entrez date': 'edat', 'date - entry': 'edat', entrez: 'edat', crdt: 'edat', 'create date': 'edat', 'date - create': 'edat',
  pdat: 'pdat', dp: 'pdat', 'publication date': 'pdat', 'date - publication': 'pdat',
  mdat: 'mdat', lr: 'mdat', 'modification date': 'mdat', 'date - modification': 'mdat',
};

/** YYYY, YYYY/MM or YYYY/MM/DD -> the first or last day it covers (YYYY/MM/DD, '99' padding for ends). */
export function dateBound(s: string, end: boolean): string | undefined {
  const m = /^(\d{4})(?:[/-](\d{1,2})(?:[/-](\d{1,2}))?)?$/.exec(s.trim());
  if (!m) return undefined;
  const pad = (v: string | undefined): string => (v === undefined ? (end ? '99' : '00') : v.padStart(2, '0'));
  return `${m[1]}/${pad(m[2])}/${pad(m[3])}`;
}

/** today minus n days (YYYY/MM/DD). */
export function daysBefore(today: string, n: number): string {
  const [y, mo, d] = today.split('/').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, mo - 1, d) - n * 86_400_000);
  return `${t.getUTCFullYear()}/${String(t.getUTCMonth() + 1).padStart(2, '0')}/${String(t.getUTCDate()).padStart(2, '0')}`;
}

function evaluate(term: string, ctx: TermContext): TermResult {
  const notFound: string[] = [];
  const textOf = (r: CorpusRecord): string => {
    let t = textCache.get(r.xml);
    if (t === undefined) {
      t = recordText(r.xml);
      textCache.set(r.xml, t);
    }
    return t;
  };
  const all = (): Set<number> => new Set(ctx.records.map((r) => r.pmid));

  const leafSet = (leaf: Leaf): Set<number> => {
    const joined = leaf.words.join(' ').trim();
    const field = leaf.field;
    // (c) PMIDs: 123[uid], 123[pmid], bare 123, and lo:hi[uid].
    if ((field === undefined || UID_FIELDS.has(field)) && /^\d+$/.test(joined)) {
      const p = Number(joined);
      return ctx.isVisible(p) ? new Set([p]) : new Set();
    }
    if (field !== undefined && UID_FIELDS.has(field)) {
      const r = /^(\d+)\s*:\s*(\d+)$/.exec(joined);
      if (r) {
        const lo = Number(r[1]);
        const hi = Number(r[2]);
        const out = new Set<number>();
        for (const rec of ctx.records) if (rec.pmid >= lo && rec.pmid <= hi) out.add(rec.pmid);
        for (const list of ctx.searches.values()) for (const p of list) if (p >= lo && p <= hi && ctx.isVisible(p)) out.add(p);
        return out;
      }
    }
    // Date ranges written into the term: 2020:2022[pdat], 2024/01/01:2024/03/31[edat], "last 30 days"[edat].
    const dateField = field !== undefined ? DATE_FIELDS[field] : undefined;
    if (dateField) {
      let lo: string | undefined;
      let hi: string | undefined;
      const last = /^last (\d+) (day|month|year)s?$/i.exec(joined);
      const range = /^([\d/-]+)\s*:\s*([\d/-]+)$/.exec(joined);
      if (last) {
        const n = Number(last[1]);
        const days = last[2]!.toLowerCase() === 'day' ? n : last[2]!.toLowerCase() === 'month' ? n * 30 : n * 365;
        lo = daysBefore(ctx.today, days);
        hi = ctx.today;
      } else if (range) {
        lo = dateBound(range[1]!, false);
        hi = dateBound(range[2]!, true);
      } else {
        lo = dateBound(joined, false);
        hi = dateBound(joined, true);
      }
      if (lo && hi) {
        const out = new Set<number>();
        for (const rec of ctx.records) {
          const d = rec[dateField];
          if (d !== undefined && d >= lo && d <= hi) out.add(rec.pmid);
        }
        return out;
      }
    }
    // EDirect's "all [SB] NOT pubmed books [SB]" (used to find the highest PMID before bisecting).
    if (field === 'sb' || field === 'filter' || field === 'filt') {
      const v = joined.toLowerCase();
      if (v === 'all') {
        const out = all();
        for (const list of ctx.searches.values()) for (const p of list) if (ctx.isVisible(p)) out.add(p);
        return out;
      }
      if (v === 'pubmed books') return new Set(ctx.records.filter((r) => isBookRecord(r.xml)).map((r) => r.pmid));
    }
    // (d) Text: a quoted phrase must occur as written; unquoted words must each occur (case-insensitive
    // substrings of the record's text; a trailing * is a prefix, which a substring already is).
    const needles = (leaf.quoted ? [joined] : leaf.words).map((w) => w.replace(/\*+$/, '').toLowerCase()).filter((w) => w !== '');
    const out = new Set<number>();
    if (needles.length === 0) return out;
    for (const rec of ctx.records) {
      const t = textOf(rec);
      if (needles.every((n) => t.includes(n))) out.add(rec.pmid);
    }
    if (out.size === 0) notFound.push(leaf.raw);
    return out;
  };

  const run = (node: Node): Set<number> => {
    if (node.kind === 'none') return new Set();
    if (node.kind === 'leaf') return leafSet(node.leaf);
    const l = run(node.left);
    const r = run(node.right);
    if (node.op === 'AND') return new Set([...l].filter((p) => r.has(p)));
    if (node.op === 'OR') return new Set([...l, ...r]);
    return new Set([...l].filter((p) => !r.has(p)));
  };

  const pmids = run(new Parser(tokenize(term)).parseAll());
  return { pmids, phrasesNotFound: notFound };
}

// Record text is costly to build and records rarely change: cache it by the record's XML.
const textCache = new Map<string, string>();

import type { Agreement, Conflict, Kappa } from '../evidence/agreement.js';
import type { LogEntry } from '../evidence/views.js';
import type { Colouriser } from './colour.js';
import { visibleData } from './visible.js';

const num = (x: number | null): string => (x === null ? 'n/a' : x.toFixed(3));

function kappaLine(k: Kappa): string {
  if (k.n === 0) return `n=0, kappa n/a (${k.undefinedReason})`;
  const base = `n=${k.n}, observed ${num(k.observed)}, expected ${num(k.expected)}, kappa ${num(k.kappa)}`;
  return k.kappa === null ? `${base} (${k.undefinedReason})` : base;
}

function matrixLines(k: Kappa, a: string, b: string): string[] {
  const w = Math.max(...k.categories.map((s) => s.length), 5) + 1;
  const head = `${' '.repeat(4 + a.length + 1 + w)}${k.categories.map((s) => s.padStart(w)).join('')}`;
  const lines = [`${' '.repeat(4)}${a} ↓  ${b} →`, head];
  k.matrix.forEach((row, i) => {
    lines.push(`    ${' '.repeat(a.length + 1)}${k.categories[i]!.padEnd(w)}${row.map((x) => String(x).padStart(w)).join('')}`);
  });
  return lines;
}

/** Agreement of two reviewers: per claim a kappa line and its confusion matrix, then the pooled one. */
export function renderAgreement(r: Agreement, c: Colouriser): string {
  r = visibleData(r);
  const [a, b] = r.reviewers;
  const out = [c.bold(`Agreement on stance between ${a} and ${b} (Cohen's kappa over the papers both tagged)`), ''];
  for (const k of r.claims) {
    out.push(`${c.bold(`${k.claim} ${k.slug}`)}: ${k.n ? kappaLine(k) : c.dim(kappaLine(k))}`);
    if (k.n) out.push(...matrixLines(k, a, b));
  }
  if (r.claims.length > 1) {
    out.push('', `${c.bold('Overall')} (every claim above pooled): ${kappaLine(r.overall)}`);
    if (r.overall.n) out.push(...matrixLines(r.overall, a, b));
  }
  return out.join('\n');
}

/** The disagreements, each with every reviewer's stance and note and the tag commands that would settle it. */
export function renderConflicts(list: readonly Conflict[], c: Colouriser): string {
  list = visibleData(list);
  if (!list.length) return 'No conflicts: wherever two reviewers tagged the same paper for a claim, they agree.';
  const out: string[] = [c.bold(`${list.length} conflict${list.length === 1 ? '' : 's'}`), ''];
  for (const k of list) {
    out.push(`${c.bold(`PMID ${k.pmid} ${k.claim}`)}${k.retracted ? c.red(' (RETRACTED: not counted either way)') : ''}`);
    if (k.title) out.push(`  ${c.dim(k.title)}`);
    for (const t of k.tags) out.push(`  ${t.reviewer.padEnd(12)} ${t.stance.padEnd(11)}${t.note ? ` "${t.note}"` : ''}`);
    for (const r of k.resolutions) {
      out.push(c.dim(`  to settle on ${r.stance}:`));
      for (const cmd of r.commands) out.push(`    ${c.cyan(cmd)}`);
    }
    out.push('');
  }
  return out.join('\n');
}

/** The team log, one line per change. */
export function renderLog(entries: readonly LogEntry[], c: Colouriser): string {
  entries = visibleData(entries);
  if (!entries.length) return 'No changes match.';
  return entries.map((e) => {
    const what = [e.pmid !== null ? `PMID ${e.pmid}` : '', e.claimId ?? ''].filter(Boolean).join(' ');
    const change = e.oldValue !== null || e.newValue !== null ? `${e.oldValue ?? '-'} → ${e.newValue ?? '-'}` : '';
    return [c.dim(e.at), e.actor.padEnd(12), e.kind.padEnd(9), e.action.padEnd(20), what, change, e.note ? `"${e.note}"` : '']
      .filter(Boolean).join('  ');
  }).join('\n');
}

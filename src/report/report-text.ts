import type { Stance } from '../evidence/claims.js';
import type { ChainView, Report, ReportChanges, ReportClaim, ReportEntry, StanceCounts, TimelinePoint } from '../evidence/report.js';
import type { Colouriser } from './colour.js';
import { visibleData } from './visible.js';
import { entryIntegrityNotes, statusChangeText } from './integrity-views.js';
import { STATUS_LABELS } from '../evidence/integrity.js';

const HEADINGS: Record<Stance, string> = { supports: 'Supports', qualifies: 'Qualifies', contradicts: 'Contradicts' };

function stanceColour(c: Colouriser, s: Stance): (t: string) => string {
  return s === 'supports' ? c.green : s === 'qualifies' ? c.yellow : c.red;
}

/**
 * The per-stance counts as one line: "2 support · 1 qualify · 0 contradict · 1 retracted · 1 disputed"
 * (the disputed part only when the counts have it: the report's do, `claims` ones do not yet).
 */
export function countsLine(k: StanceCounts, c: Colouriser): string {
  const parts = [
    c.green(`${k.supports} support`),
    c.yellow(`${k.qualifies} qualify`),
    c.red(`${k.contradicts} contradict`),
    (k.retracted ? c.red : c.dim)(`${k.retracted} retracted`),
  ];
  if (k.disputed !== undefined) parts.push((k.disputed ? c.cyan : c.dim)(`${k.disputed} disputed`));
  if (k.concern) parts.push(c.yellow(`${k.concern} under concern`));
  return parts.join(' · ');
}

/** The entries grouped by paper, in their order (a disputed paper has one entry per reviewer). */
export function groupByPaper(entries: readonly ReportEntry[]): ReportEntry[][] {
  const groups = new Map<number, ReportEntry[]>();
  for (const e of entries) groups.set(e.pmid, [...(groups.get(e.pmid) ?? []), e]);
  return [...groups.values()];
}

/** The paper's evidence kind as shown after its citation: "[animal]", "[rct-patients, set by a reviewer]". */
export function kindLabel(e: Pick<ReportEntry, 'kind' | 'kindOverridden'>): string {
  return `[${e.kind}${e.kindOverridden ? ', set by a reviewer' : ''}]`;
}

/** The timeline in one line: "2015 1/0/0 · 2019 2/0/1" (cumulative supports/qualifies/contradicts). */
export function timelineLine(points: readonly TimelinePoint[]): string {
  return points.map((p) => `${p.year} ${p.supports}/${p.qualifies}/${p.contradicts}`).join(' · ');
}

/** The chain as lines "C3 ptsd-fear-circuit [speculative] -> C5 mdma-bdnf [untested]", one per claim depended on. */
export function chainLines(chain: ChainView, mark: (label: string) => string = (l) => l): string[] {
  const label = (id: string): string => {
    const c = chain.claims.find((x) => x.id === id);
    return c ? `${c.id} ${c.slug} ${mark(`[${c.grade}]`)}` : id;
  };
  return chain.claims
    .filter((c) => chain.links.some((l) => l.from === c.id))
    .map((c) => `${label(c.id)} -> ${chain.links.filter((l) => l.from === c.id).map((l) => label(l.to)).join(', ')}`);
}

/** The "What changed" lines, without heading; [] when there is nothing to say. */
export function changesLines(ch: ReportChanges): string[] {
  const out: string[] = [];
  const title = (t: string | null): string => (t ? ` (${t})` : '');
  const notice = (n: number | null): string => (n ? `, notice PMID ${n}` : '');
  const claims = (ids: readonly string[]): string => (ids.length ? `; bears on ${ids.join(', ')}` : '');
  for (const t of ch.newTags) out.push(`new tag: PMID ${t.pmid} ${t.claim} ${t.stance} by ${t.reviewer}, ${t.at}${title(t.title)}`);
  // A paper whose status line names its sources is not listed again as "newly retracted" or "corrected".
  const told = new Set((ch.statuses ?? []).map((s) => s.pmid));
  for (const r of ch.retracted.filter((x) => !told.has(x.pmid))) out.push(`newly retracted: PMID ${r.pmid}${title(r.title)}${notice(r.notice)}${claims(r.claims)}`);
  for (const r of ch.corrected.filter((x) => !told.has(x.pmid))) out.push(`${r.kind === 'erratum' ? 'corrected (erratum)' : 'expression of concern'}: PMID ${r.pmid}${title(r.title)}${notice(r.notice)}${claims(r.claims)}`);
  for (const s of ch.statuses ?? []) out.push(statusChangeText(s));
  for (const g of ch.grades) out.push(`grade of ${g.claim}: ${g.from ?? 'none'} -> ${g.to}: ${g.why}`);
  return out;
}

/** The heading of the "What changed" section. */
export function changesHeading(ch: ReportChanges): string {
  return ch.basis === 'none' ? 'What changed: nothing to compare with yet' : `What changed since ${ch.since}${ch.basis === 'previous-report' ? ' (the previous report)' : ''}`;
}

function disputedLines(group: readonly ReportEntry[], c: Colouriser): string[] {
  const first = group[0]!;
  const lines = [`  - ${first.citation} ${c.dim(kindLabel(first))}`];
  if (first.title) lines.push(`    ${c.dim(first.title)}`);
  for (const e of group) {
    lines.push(`    ${stanceColour(c, e.stance)(e.stance.padEnd(11))} ${c.dim(`by ${e.reviewer}`)}${e.note ? ` "${e.note}"` : ''}`);
  }
  return lines;
}

function statementLines(claim: ReportClaim, c: Colouriser): string[] {
  if (!claim.statementHistory) return [];
  if (!claim.statementHistory.length) return [c.dim('  statement never edited')];
  return claim.statementHistory.map((h) => c.dim(`  statement edited ${h.at} by ${h.actor}; before: "${h.from}"`));
}

function entryLine(e: ReportEntry, c: Colouriser): string[] {
  const cite = e.retracted ? c.strike(e.citation) : e.citation;
  const lines = [`  - ${cite} ${c.dim(kindLabel(e))}`];
  if (e.title) lines.push(`    ${c.dim(e.title)}`);
  const who = `by ${e.reviewer}`;
  lines.push(`    ${e.note ? `"${e.note}" ` : ''}${c.dim(who)}`);
  if (e.retracted) {
    const notice = e.retractionNotice ? `, notice PMID ${e.retractionNotice}` : '';
    lines.push(`    ${c.red(`${(e.integrity?.status && e.integrity.status !== 'retracted' ? STATUS_LABELS[e.integrity.status] : 'retracted').toUpperCase()} (was: ${e.stance}${notice}); not counted`)}`);
  }
  if (e.concern) lines.push(`    ${c.yellow(`UNDER AN EXPRESSION OF CONCERN (was: ${e.stance}); counted apart, not in the grade`)}`);
  for (const n of entryIntegrityNotes(e.integrity)) lines.push(`    ${c.dim(`${n.text}${n.url ? `  ${n.url}` : ''}`)}`);
  return lines;
}

/** The report for a terminal: one block per claim. */
export function renderReportText(r: Report, c: Colouriser): string {
  r = visibleData(r);
  const out: string[] = [c.bold('claimwatch evidence report'), c.dim(`generated ${r.generatedAt}`), ''];
  if (r.changes) {
    const lines = changesLines(r.changes);
    out.push(c.bold(changesHeading(r.changes)));
    if (r.changes.basis !== 'none') out.push(...(lines.length ? lines.map((l) => `  ${l}`) : [c.dim('  nothing changed')]));
    out.push('');
  }
  for (const claim of r.claims) {
    out.push(c.bold(`${claim.id} ${claim.slug}${claim.retired ? ' (retired)' : ''}`));
    out.push(`  ${claim.statement}`);
    out.push(...statementLines(claim, c));
    out.push(`  ${countsLine(claim.counts, c)}`);
    out.push(`  ${c.bold(claim.grade)}${claim.reason.startsWith(claim.grade) ? claim.reason.slice(claim.grade.length) : `: ${claim.reason}`}`);
    if (claim.timeline.length) out.push(`  ${c.dim('by year (supports/qualifies/contradicts, cumulative):')} ${timelineLine(claim.timeline)}`);
    if (claim.papers.length === 0) out.push(c.dim('  no tagged papers yet'));
    for (const stance of ['supports', 'qualifies', 'contradicts'] as const) {
      const group = claim.papers.filter((e) => !e.retracted && !e.concern && !e.disputed && e.stance === stance);
      if (!group.length) continue;
      out.push(stanceColour(c, stance)(` ${HEADINGS[stance]}:`));
      for (const e of group) out.push(...entryLine(e, c));
    }
    const disputed = groupByPaper(claim.papers.filter((e) => e.disputed));
    if (disputed.length) {
      out.push(c.cyan(` Disputed (reviewers differ; counted only as disputed, see \`claimwatch conflicts --claim ${claim.id}\`):`));
      for (const g of disputed) out.push(...disputedLines(g, c));
    }
    const concern = claim.papers.filter((e) => e.concern);
    if (concern.length) {
      out.push(c.yellow(' Under an expression of concern (counted apart, left out of the grade):'));
      for (const e of concern) out.push(...entryLine(e, c));
    }
    const retracted = claim.papers.filter((e) => e.retracted);
    if (retracted.length) {
      out.push(c.red(' Retracted:'));
      for (const e of retracted) out.push(...entryLine(e, c));
    }
    out.push('');
  }
  if (r.chain.claims.length) {
    out.push(c.bold('Mechanism chain'), ...chainLines(r.chain).map((l) => `  ${l}`));
    const w = r.chain.weakest && r.chain.claims.find((x) => x.id === r.chain.weakest!.id);
    if (w) out.push(`  weakest link: ${w.id} ${w.slug} (${w.grade}); the chain is only as strong as it`);
    out.push('');
  }
  return out.join('\n');
}

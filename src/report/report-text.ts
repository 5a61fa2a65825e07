import type { Stance } from '../evidence/claims.js';
import type { Report, ReportClaim, ReportEntry, StanceCounts } from '../evidence/report.js';
import type { Colouriser } from './colour.js';

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
  return parts.join(' · ');
}

/** The entries grouped by paper, in their order (a disputed paper has one entry per reviewer). */
export function groupByPaper(entries: readonly ReportEntry[]): ReportEntry[][] {
  const groups = new Map<number, ReportEntry[]>();
  for (const e of entries) groups.set(e.pmid, [...(groups.get(e.pmid) ?? []), e]);
  return [...groups.values()];
}

function disputedLines(group: readonly ReportEntry[], c: Colouriser): string[] {
  const first = group[0]!;
  const lines = [`  - ${first.citation}`];
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
  const lines = [`  - ${cite}`];
  if (e.title) lines.push(`    ${c.dim(e.title)}`);
  const who = `by ${e.reviewer}`;
  lines.push(`    ${e.note ? `"${e.note}" ` : ''}${c.dim(who)}`);
  if (e.retracted) {
    const notice = e.retractionNotice ? `, notice PMID ${e.retractionNotice}` : '';
    lines.push(`    ${c.red(`RETRACTED (was: ${e.stance}${notice}); not counted`)}`);
  }
  return lines;
}

/** The report for a terminal: one block per claim. */
export function renderReportText(r: Report, c: Colouriser): string {
  const out: string[] = [c.bold('claimwatch evidence report'), c.dim(`generated ${r.generatedAt}`), ''];
  for (const claim of r.claims) {
    out.push(c.bold(`${claim.id} ${claim.slug}${claim.retired ? ' (retired)' : ''}`));
    out.push(`  ${claim.statement}`);
    out.push(...statementLines(claim, c));
    out.push(`  ${countsLine(claim.counts, c)}`);
    if (claim.papers.length === 0) out.push(c.dim('  no tagged papers yet'));
    for (const stance of ['supports', 'qualifies', 'contradicts'] as const) {
      const group = claim.papers.filter((e) => !e.retracted && !e.disputed && e.stance === stance);
      if (!group.length) continue;
      out.push(stanceColour(c, stance)(` ${HEADINGS[stance]}:`));
      for (const e of group) out.push(...entryLine(e, c));
    }
    const disputed = groupByPaper(claim.papers.filter((e) => e.disputed));
    if (disputed.length) {
      out.push(c.cyan(` Disputed (reviewers differ; counted only as disputed, see \`claimwatch conflicts --claim ${claim.id}\`):`));
      for (const g of disputed) out.push(...disputedLines(g, c));
    }
    const retracted = claim.papers.filter((e) => e.retracted);
    if (retracted.length) {
      out.push(c.red(' Retracted:'));
      for (const e of retracted) out.push(...entryLine(e, c));
    }
    out.push('');
  }
  return out.join('\n');
}

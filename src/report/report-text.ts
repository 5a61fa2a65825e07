import type { Stance } from '../evidence/claims.js';
import type { Report, ReportClaim, ReportEntry } from '../evidence/report.js';
import type { Colouriser } from './colour.js';

const HEADINGS: Record<Stance, string> = { supports: 'Supports', qualifies: 'Qualifies', contradicts: 'Contradicts' };

function stanceColour(c: Colouriser, s: Stance): (t: string) => string {
  return s === 'supports' ? c.green : s === 'qualifies' ? c.yellow : c.red;
}

/** The per-stance counts as one line: "2 support · 1 qualifies · 0 contradict · 1 retracted". */
export function countsLine(k: ReportClaim['counts'], c: Colouriser): string {
  return [
    c.green(`${k.supports} support`),
    c.yellow(`${k.qualifies} qualify`),
    c.red(`${k.contradicts} contradict`),
    (k.retracted ? c.red : c.dim)(`${k.retracted} retracted`),
  ].join(' · ');
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
    out.push(`  ${countsLine(claim.counts, c)}`);
    if (claim.papers.length === 0) out.push(c.dim('  no tagged papers yet'));
    for (const stance of ['supports', 'qualifies', 'contradicts'] as const) {
      const group = claim.papers.filter((e) => !e.retracted && e.stance === stance);
      if (!group.length) continue;
      out.push(stanceColour(c, stance)(` ${HEADINGS[stance]}:`));
      for (const e of group) out.push(...entryLine(e, c));
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

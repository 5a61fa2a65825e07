import type { Stance } from '../evidence/claims.js';
import type { Report, ReportClaim, ReportEntry } from '../evidence/report.js';
import { changesHeading, changesLines, chainLines, groupByPaper, timelineLine } from './report-text.js';
import { visibleData } from './visible.js';
import { entryIntegrityNotes } from './integrity-views.js';

/** The paper's evidence kind: "_animal_", "_rct-patients_ (set by a reviewer)". */
function mdKind(e: Pick<ReportEntry, 'kind' | 'kindOverridden'>): string {
  return `_${e.kind}_${e.kindOverridden ? ' (set by a reviewer)' : ''}`;
}

/**
 * Escapes inline text so Markdown shows it literally (titles carry `*`, `_`, `<`, brackets, `|` breaks
 * tables). Parentheses, `#`, `+` and `!` only mean something after `]` or at the start of a line, which
 * escaping the brackets and never starting a line with user text already rules out.
 */
export function escapeMarkdown(s: string): string {
  return s.replace(/[\\`*_[\]|<>~]/g, (ch) => `\\${ch}`).replace(/\r?\n/g, ' ');
}

const HEADINGS: Record<Stance, string> = { supports: 'Supports', qualifies: 'Qualifies', contradicts: 'Contradicts' };

function entry(e: ReportEntry): string {
  const pm = `[PMID ${e.pmid}](https://pubmed.ncbi.nlm.nih.gov/${e.pmid}/)`;
  const cite = escapeMarkdown(e.citation.replace(/, PMID \d+.*$/, ''));
  const doi = e.doi ? ` · [doi:${escapeMarkdown(e.doi)}](https://doi.org/${encodeURI(e.doi)})` : '';
  const title = e.title ? ` ${escapeMarkdown(e.title)}` : '';
  const body = `${cite}${cite.endsWith('.') ? '' : '.'}${title} ${pm}${doi}`;
  const notice = e.retractionNotice
    ? `, [retraction notice](https://pubmed.ncbi.nlm.nih.gov/${e.retractionNotice}/)`
    : '';
  const lines = [`- ${e.retracted ? `~~${body}~~ **RETRACTED** (was: ${e.stance}; not counted${notice})` : e.concern ? `${body} **EXPRESSION OF CONCERN** (was: ${e.stance}; counted apart)` : body}`];
  const meta = [e.note ? `“${escapeMarkdown(e.note)}”` : null, `— ${escapeMarkdown(e.reviewer)}`].filter(Boolean).join(' ');
  lines.push(`  ${meta} · ${mdKind(e)}`);
  for (const n of entryIntegrityNotes(e.integrity)) lines.push(`  - ${escapeMarkdown(n.text)}${n.url ? ` ([notice](${encodeURI(n.url)}))` : ''}`);
  return lines.join('\n');
}

function disputedEntry(group: readonly ReportEntry[]): string {
  const e = group[0]!;
  const pm = `[PMID ${e.pmid}](https://pubmed.ncbi.nlm.nih.gov/${e.pmid}/)`;
  const cite = escapeMarkdown(e.citation.replace(/, PMID \d+.*$/, ''));
  const title = e.title ? ` ${escapeMarkdown(e.title)}` : '';
  const lines = [`- ${cite}${cite.endsWith('.') ? '' : '.'}${title} ${pm} · ${mdKind(e)}`];
  for (const t of group) {
    lines.push(`  - **${t.stance}** — ${escapeMarkdown(t.reviewer)}${t.note ? ` “${escapeMarkdown(t.note)}”` : ''}`);
  }
  return lines.join('\n');
}

function statementHistory(c: ReportClaim): string[] {
  if (!c.statementHistory) return [];
  if (!c.statementHistory.length) return ['_Statement never edited._', ''];
  return [
    'Statement history:', '',
    ...c.statementHistory.map((h) => `- ${escapeMarkdown(h.at)}, ${escapeMarkdown(h.actor)}; before: “${escapeMarkdown(h.from)}”`),
    '',
  ];
}

/** The report as a Markdown document. */
export function renderReportMarkdown(r: Report): string {
  r = visibleData(r);
  const out: string[] = ['# Evidence report', '', `Generated ${r.generatedAt}.`, ''];
  if (r.changes) {
    const lines = changesLines(r.changes);
    out.push(`## ${escapeMarkdown(changesHeading(r.changes))}`, '');
    if (r.changes.basis !== 'none') out.push(...(lines.length ? lines.map((l) => `- ${escapeMarkdown(l.replace(/ -> /g, ' → '))}`) : ['_Nothing changed._']), '');
  }
  // The concern column appears once a tagged paper is under an expression of concern.
  const concern = r.claims.some((c) => c.counts.concern > 0);
  out.push(`| Claim | Statement | Supports | Qualifies | Contradicts | Retracted | Disputed |${concern ? ' Concern |' : ''} Grade |`, `|---|---|---:|---:|---:|---:|---:|${concern ? '---:|' : ''}---|`);
  for (const c of r.claims) {
    out.push(`| ${c.id} ${c.slug} | ${escapeMarkdown(c.statement)} | ${c.counts.supports} | ${c.counts.qualifies} | ${c.counts.contradicts} | ${c.counts.retracted} | ${c.counts.disputed} |${concern ? ` ${c.counts.concern} |` : ''} ${c.grade} |`);
  }
  out.push('');
  if (r.chain.claims.length) {
    out.push('## Mechanism chain', '', ...chainLines(r.chain, (l) => `(**${l.slice(1, -1)}**)`).map((l) => `- ${l.replace(/ -> /g, ' → ')}`), '');
    const w = r.chain.weakest && r.chain.claims.find((x) => x.id === r.chain.weakest!.id);
    if (w) out.push(`Weakest link: **${w.id} ${w.slug}** (${w.grade}); the chain is only as strong as it.`, '');
  }
  for (const c of r.claims) {
    out.push(`## ${c.id} ${c.slug}${c.retired ? ' (retired)' : ''}`, '', `> ${escapeMarkdown(c.statement)}`, '');
    out.push(...statementHistory(c));
    out.push(`Supports ${c.counts.supports} · qualifies ${c.counts.qualifies} · contradicts ${c.counts.contradicts} · retracted ${c.counts.retracted} · disputed ${c.counts.disputed}${c.counts.concern ? ` · under concern ${c.counts.concern}` : ''}`, '');
    const rest = c.reason.startsWith(c.grade) ? c.reason.slice(c.grade.length).replace(/^:\s*/, '') : c.reason;
    out.push(`**Grade: ${c.grade}.**${rest ? ` ${escapeMarkdown(rest)}` : ''}`, '');
    if (c.timeline.length) out.push(`By year (supports/qualifies/contradicts, cumulative): ${timelineLine(c.timeline)}`, '');
    if (!c.papers.length) out.push('_No tagged papers yet._', '');
    for (const stance of ['supports', 'qualifies', 'contradicts'] as const) {
      const group = c.papers.filter((e) => !e.retracted && !e.concern && !e.disputed && e.stance === stance);
      if (!group.length) continue;
      out.push(`### ${HEADINGS[stance]}`, '', ...group.map(entry), '');
    }
    const disputed = groupByPaper(c.papers.filter((e) => e.disputed));
    if (disputed.length) {
      out.push('### Disputed', '', '_Reviewers gave these papers different stances; each is counted once, as disputed._', '', ...disputed.map(disputedEntry), '');
    }
    const concerned = c.papers.filter((e) => e.concern);
    if (concerned.length) out.push('### Under an expression of concern', '', '_Counted apart and left out of the grade until the concern is resolved._', '', ...concerned.map(entry), '');
    const retracted = c.papers.filter((e) => e.retracted);
    if (retracted.length) out.push('### Retracted', '', ...retracted.map(entry), '');
  }
  return out.join('\n');
}

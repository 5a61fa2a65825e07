// Text for integrity statuses: the lines of `show`, the summaries of `integrity check` and `integrity import`,
// and the part of the search summary that says what Crossref found.
import type { IntegrityCheckOutcome, IntegrityImportOutcome, StatusChangeView } from '../evidence/views.js';
import {
  describeDisagreement, noticeUrl, SOURCE_LABELS, STATUS_LABELS, type IntegritySource, type IntegrityState, type IntegrityStatus,
} from '../evidence/integrity.js';
import type { Colouriser } from './colour.js';
import { visibleData } from './visible.js';

function noticeText(n: { noticeDoi: string | null; noticePmid: number | null }): string {
  const parts = [n.noticeDoi ? `doi:${n.noticeDoi}` : '', n.noticePmid !== null ? `PMID ${n.noticePmid}` : ''].filter(Boolean);
  return parts.length ? `notice ${parts.join(', ')}` : 'no notice named';
}

function paint(status: IntegrityStatus | null, c: Colouriser): (s: string) => string {
  if (status === 'retracted' || status === 'withdrawn' || status === 'removed' || status === 'retracted-republished') return c.red;
  if (status === 'concern' || status === 'corrected') return c.yellow;
  return (s) => s;
}

/** The lines `show` prints for a paper's integrity: each standing notice with its sources, then any disagreement. */
export function integrityLines(state: IntegrityState | null, c: Colouriser): string[] {
  if (!state || state.status === null) return [];
  const out = [paint(state.status, c)(`Integrity: ${STATUS_LABELS[state.status].toUpperCase()}${state.excluded ? ' (not counted as evidence)' : ''}`)];
  for (const n of state.notices) {
    const url = noticeUrl(n);
    out.push(`  ${STATUS_LABELS[n.status]}: ${noticeText(n)}${n.date ? `, ${n.date}` : ''} · ${n.sources.map((s) => SOURCE_LABELS[s]).join(', ')}${url ? `  ${url}` : ''}`);
    if (n.reason) out.push(c.dim(`    reason: ${n.reason}`));
  }
  for (const d of state.disagreements) out.push(c.yellow(`  ${describeDisagreement(d)}`));
  return out;
}

/** One line per changed paper: "PMID 9500320 [C7]: none → retracted (Crossref/Retraction Watch: retracted doi:…)". */
export function statusChangeLines(changes: readonly StatusChangeView[], c: Colouriser): string[] {
  return changes.map((ch) => {
    const from = ch.from ? STATUS_LABELS[ch.from] : 'no status';
    const to = ch.to ? STATUS_LABELS[ch.to] : 'no status';
    const news = ch.notices.map((n) => `${SOURCE_LABELS[n.source]}: ${STATUS_LABELS[n.status]}, ${noticeText(n)}`).join('; ');
    const move = ch.from === ch.to ? `still ${to}` : `${from} → ${to}`;
    const claims = ch.claims.length ? ` [${ch.claims.join(', ')}]` : '';
    const lines = [paint(ch.to, c)(`  PMID ${ch.pmid}${claims}: ${move}${news ? ` (${news})` : ''}${ch.title ? `: ${ch.title.slice(0, 70)}` : ''}`)];
    for (const d of ch.disagreements) lines.push(c.yellow(`    ${describeDisagreement(d)}`));
    return lines.join('\n');
  });
}

/** The summary of one Crossref check. */
export function renderIntegrityCheck(o: IntegrityCheckOutcome, c: Colouriser): string {
  o = visibleData(o);
  const out = [
    c.bold('Crossref'),
    `  ${o.checked} of ${o.papers - o.withoutDoi} papers with a DOI checked${o.noRecord ? ` (${o.noRecord} unknown to Crossref)` : ''}${o.withoutDoi ? `; ${o.withoutDoi} without a DOI not asked` : ''}`,
  ];
  if (o.changes.length) out.push(...statusChangeLines(o.changes, c));
  else if (o.ok) out.push(c.dim('  no new retraction, correction or concern'));
  for (const f of o.failed) out.push(c.red(`  PMID ${f.pmid} (doi:${f.doi}): ${f.error}`));
  if (o.error) out.push(c.red(`  failed: ${o.error}`));
  return out.join('\n');
}

/** The summary of `integrity import`. */
export function renderIntegrityImport(o: IntegrityImportOutcome, c: Colouriser): string {
  o = visibleData(o);
  const out = [
    `${o.rows} Retraction Watch rows read; ${o.matchedRows} about ${o.papers} paper${o.papers === 1 ? '' : 's'} in the library: ${o.added} notice${o.added === 1 ? '' : 's'} new, ${o.unchanged} already known`,
  ];
  if (o.unknownNature) out.push(c.dim(`${o.unknownNature} matched row(s) with a RetractionNature claimwatch does not know were skipped`));
  out.push(...statusChangeLines(o.changes, c));
  return out.join('\n');
}

/** What a report entry says about its paper's integrity, one item per notice, then one per disagreement. */
export function entryIntegrityNotes(state: IntegrityState | null): { text: string; url: string | null }[] {
  if (!state || state.status === null) return [];
  const out = state.notices.map((n) => ({
    text: `${STATUS_LABELS[n.status]}: ${noticeText(n)}${n.date ? `, ${n.date}` : ''}; source ${n.sources.map((s) => SOURCE_LABELS[s]).join(', ')}`,
    url: noticeUrl(n),
  }));
  for (const d of state.disagreements) out.push({ text: describeDisagreement(d), url: null });
  return out;
}

/** The "what changed" line of one status change: "PMID 9500320 (…) no status -> retracted by Crossref/Retraction Watch, notice …; bears on C7". */
export function statusChangeText(s: { pmid: number; title: string | null; from: IntegrityStatus | null; to: IntegrityStatus | null; sources: readonly IntegritySource[]; notice: string | null; claims: readonly string[] }): string {
  const from = s.from ? STATUS_LABELS[s.from] : 'no status';
  const to = s.to ? STATUS_LABELS[s.to] : 'no status';
  return `status of PMID ${s.pmid}${s.title ? ` (${s.title})` : ''}: ${from} -> ${to}${s.sources.length ? ` (source: ${s.sources.map((x) => SOURCE_LABELS[x]).join(', ')})` : ''}${s.notice ? `, notice ${s.notice}` : ''}${s.claims.length ? `; bears on ${s.claims.join(', ')}` : ''}`;
}

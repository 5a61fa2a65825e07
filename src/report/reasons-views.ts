import type { Reason } from '../evidence/reasons.js';
import type { Colouriser } from './colour.js';
import { visibleData } from './visible.js';

/** The reasons list: number, code, label and how many current dismissals give it, one per line. */
export function renderReasons(reasons: readonly (Reason & { dismissals: number })[], c: Colouriser): string {
  if (reasons.length === 0) return "No exclusion reasons: add one with 'claimwatch reasons add CODE LABEL'";
  const rows = visibleData(reasons);
  const codeWidth = Math.max(...rows.map((r) => r.code.length));
  const lines = rows.map((r) => `${String(r.number).padStart(2)}  ${r.code.padEnd(codeWidth)}  ${r.label}  ${c.dim(`(${r.dismissals} dismissal${r.dismissals === 1 ? '' : 's'})`)}`);
  return [...lines, c.dim('dismiss with a number: claimwatch dismiss PMID --reason 3 (or in triage: d 3); other words are kept as free text')].join('\n');
}

/** The reasons as one line for a triage card or prompt: "1 wrong population · 2 wrong intervention ...". */
export function renderReasonChoices(reasons: readonly Reason[]): string {
  return visibleData(reasons).map((r) => `${r.number} ${r.label}`).join(' · ');
}

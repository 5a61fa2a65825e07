import { PARSED_COLUMNS, type ReparseSummary } from '../evidence/reparse.js';
import type { Colouriser } from './colour.js';
import { visibleData } from './visible.js';

/** What reparse changed (or would change): the papers read, changed per column, and the records that no longer parse. */
export function renderReparseSummary(s: ReparseSummary, c: Colouriser): string {
  s = visibleData(s);
  const verb = s.dryRun ? 'would change' : 'changed';
  const out = [`${s.papers} stored record${s.papers === 1 ? '' : 's'} read again: ${s.changed} paper${s.changed === 1 ? '' : 's'} ${verb}, ${s.unchanged} unchanged, ${s.failed} no longer parse${s.failed === 1 ? 's' : ''}`];
  for (const col of PARSED_COLUMNS) {
    const n = s.fields[col];
    if (n) out.push(`  ${col}: ${n} paper${n === 1 ? '' : 's'}`);
  }
  for (const f of s.failures) out.push(c.red(`  PMID ${f.pmid} (${f.rawFormat}) left as stored: ${f.error}`));
  if (s.failed > s.failures.length) out.push(c.red(`  ... and ${s.failed - s.failures.length} more left as stored`));
  if (s.dryRun && s.changed) out.push(c.dim('Nothing was written (--dry-run): run claimwatch reparse to store these.'));
  return out.join('\n');
}

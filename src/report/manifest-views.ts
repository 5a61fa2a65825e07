import type { ManifestCheck, SearchManifest, VerifyResult } from '../evidence/manifest.js';
import type { RunRow } from '../evidence/views.js';
import type { Colouriser } from './colour.js';
import { visibleData } from './visible.js';

function pmidList(ids: readonly number[], max = 20): string {
  return ids.length <= max ? ids.join(' ') : `${ids.slice(0, max).join(' ')} ... (${ids.length - max} more)`;
}

/** `runs show N` as text: the run, then each search's manifest. */
export function renderRunManifests(run: RunRow & { manifests: SearchManifest[] }, c: Colouriser): string {
  run = visibleData(run);
  const out = [c.bold(`run ${run.id}`) + ` (${run.kind}): ${run.status}, started ${run.startedAt}${run.finishedAt ? `, finished ${run.finishedAt}` : ''}${run.error ? ` — ${run.error}` : ''}`];
  if (run.manifests.length === 0) out.push('  no search manifest (a fetch run, a dry run, or a search that failed before PubMed listed anything)');
  for (const m of run.manifests) {
    const window = m.mindate && m.maxdate ? `${m.datetype} ${m.mindate} to ${m.maxdate}` : 'no date limit';
    out.push(
      '',
      `${c.bold(m.query)}: ${m.status}${m.error ? ` — ${m.error}` : ''}`,
      `  term:      ${m.term}`,
      `  dates:     ${window}; sort ${m.sort ?? 'none'}`,
      `  PubMed:    ${m.reportedCount} reported, ${m.pmids.length} received${m.slices ? ` in ${m.slices} PMID-range slices (past the 9,999 window)` : ''}`,
      `  sha256:    ${m.pmidsSha256} (of the ${m.pmids.length} PMIDs ascending, one per line)`,
      `  efetch:    ${m.fetched.length} requested, ${m.retried.length} asked again, ${m.missing.length} not returned${m.missing.length ? `: ${pmidList(m.missing)}` : ''}`,
      `  requests:  ${m.requests} (${m.httpRetries} retried)`,
      `  PMIDs:     ${pmidList(m.pmids)}`,
    );
  }
  return out.join('\n');
}

function problemLine(p: ManifestCheck): string {
  const parts: string[] = [];
  if (p.notStored.length) {
    const then = p.notReturnedThen.length ? ` (${p.notReturnedThen.length} of them efetch did not return at the time)` : '';
    parts.push(`${p.notStored.length} of ${p.listed} PMIDs not in the library: ${pmidList(p.notStored)}${then}`);
  }
  if (!p.hashOk) parts.push('the recorded hash does not match the recorded PMIDs');
  if (!p.countOk) parts.push(`PubMed reported another count than the ${p.listed} PMIDs listed`);
  return `run ${p.runId} ${p.query} (${p.at}): ${parts.join('; ')}`;
}

/** `runs verify` as text: one line when everything is stored, else one line per manifest with a problem. */
export function renderVerify(v: VerifyResult, c: Colouriser): string {
  v = visibleData(v);
  if (v.ok) return `${v.manifests} search manifest(s), ${v.pmidsListed} PMIDs listed: every one is in the library, and every hash matches`;
  const missing = [...new Set(v.problems.flatMap((p) => p.notStored))].sort((a, b) => a - b);
  return [
    c.red(`${v.problems.length} of ${v.manifests} search manifest(s) do not check out; ${missing.length} PMID(s) missing from the library`),
    ...v.problems.map(problemLine),
    missing.length ? `to get them back: claimwatch fetch ${pmidList(missing, 50)}` : '',
  ].filter(Boolean).join('\n');
}

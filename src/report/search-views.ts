import type { FetchSummary, NewPaper, QuerySummary, RunRow, SearchSummary, TaggedChange } from '../evidence/views.js';
import type { Colouriser } from './colour.js';
import { addDays, OVERLAP_DAYS } from '../evidence/search-window.js';
import { visibleData } from './visible.js';
import { statusChangeLines } from './integrity-views.js';

const KIND_WORDS: Record<TaggedChange['kinds'][number], string> = {
  retracted: 'RETRACTED',
  erratum: 'erratum published',
  'expression-of-concern': 'expression of concern',
  revised: 'record revised',
};

function clip(text: string | null, width: number): string {
  const t = text ?? '(no title)';
  return t.length > width ? `${t.slice(0, width - 1)}…` : t;
}

/** "  36311515  2022  Sottile RJ  A proposed mechanism…" */
export function paperLine(p: NewPaper, width = 100): string {
  p = visibleData(p);
  const head = `  ${String(p.pmid).padStart(8)}  ${p.year ?? '----'}  ${clip(p.firstAuthor ?? '', 18).padEnd(18)}  `;
  return `${head}${clip(p.title, Math.max(20, width - head.length))}`;
}

function changeLine(t: TaggedChange, c: Colouriser): string {
  const what = t.kinds.map((k) => KIND_WORDS[k]).join(', ');
  const notice = t.notices.length ? ` (notice PMID ${t.notices.join(', ')})` : '';
  const line = `  PMID ${t.pmid} [${t.claims.join(', ')}]: ${what}${notice}: ${clip(t.title, 60)}`;
  return t.kinds.includes('retracted') ? c.red(line) : t.kinds.includes('revised') && t.kinds.length === 1 ? line : c.yellow(line);
}

function windowText(w: SearchSummary['searches'][number]['window']): string {
  return w.mindate ? `entered PubMed ${w.mindate} to ${w.maxdate}` : 'first run: everything it matches';
}

/** The morning summary: alerts first, then each search, the reading list and the tagged refresh. */
export function renderSearchSummary(s: SearchSummary, c: Colouriser, width = 100): string {
  s = visibleData(s);
  const out: string[] = [];
  if (s.alerts.length) {
    out.push(c.bold(c.red(`${s.alerts.length} tagged paper${s.alerts.length === 1 ? '' : 's'} changed status:`)));
    for (const a of s.alerts) out.push(changeLine(a, c));
    out.push('');
  }
  for (const q of s.searches) {
    const head = `${c.bold(q.name)} (${windowText(q.window)})`;
    if (!q.ok) {
      out.push(`${head}: ${c.red(`FAILED: ${q.error}`)}`);
      out.push(c.dim(`  kept its mark at ${q.watermark.before ?? 'the start'}: the next run covers this one`));
      continue;
    }
    const verb = s.dryRun ? 'would fetch' : 'new';
    out.push(`${head}: ${q.found} found, ${q.new} ${verb}, ${q.updated} updated, ${q.known} already known`);
    for (const p of q.newPapers) out.push(paperLine(p, width));
  }
  if (s.readingList) {
    const r = s.readingList;
    out.push(r.ok
      ? `${c.bold('reading list')} (the review and the papers it builds on, ${r.requested} PMIDs fetched once by ID): ${r.added} added${r.notReturned.length ? `; the E-utilities server sent no record for ${r.notReturned.length}: ${r.notReturned.join(', ')}` : ''}`
      : `${c.bold('reading list')}: ${c.red(`FAILED: ${r.error}`)} (tried again next run)`);
  }
  if (s.refresh) {
    const r = s.refresh;
    if (!r.ok) out.push(`${c.bold('tagged papers')}: ${c.red(`FAILED: ${r.error}`)}`);
    else out.push(`${c.bold('tagged papers')}: ${r.checked} checked, ${r.updated} changed${r.notReturned.length ? `, not returned: ${r.notReturned.join(', ')}` : ''}`);
    const plain = r.changes.filter((x) => !s.alerts.includes(x));
    for (const x of plain) out.push(changeLine(x, c));
  }
  if (s.integrity) {
    const i = s.integrity;
    out.push(`${c.bold('Crossref')}: ${i.checked} of ${i.papers - i.withoutDoi} tagged papers with a DOI checked${i.changes.length ? `, ${i.changes.length} with news` : ''}`);
    out.push(...statusChangeLines(i.changes, c));
    if (i.error) out.push(`  ${c.red(`FAILED: ${i.error}`)}`);
  }
  if (s.error) out.push(c.red(`stopped: ${s.error}`));
  if (s.dryRun) out.push(c.dim('dry run: nothing was fetched or stored'));
  else out.push(c.dim(`run ${s.runId}: ${s.ok ? 'ok' : 'FAILED'}, ${s.requests} requests, ${s.retries} retried`));
  return out.join('\n');
}

/** What `fetch` added. */
export function renderFetchSummary(s: FetchSummary, c: Colouriser, width = 100): string {
  s = visibleData(s);
  const out = [`${s.requested} requested: ${s.added.length} added, ${s.updated} updated, ${s.unchanged} unchanged${s.notReturned.length ? c.red(`, ${s.notReturned.length} not returned`) : ''}`];
  for (const p of s.added) out.push(paperLine(p, width));
  return out.join('\n');
}

/** The saved searches, one per line. */
export function renderQueryList(qs: QuerySummary[], c: Colouriser): string {
  qs = visibleData(qs);
  if (!qs.length) return "No saved searches. Add one with: claimwatch queries add NAME 'TERM'";
  const w = Math.max(...qs.map((q) => q.name.length));
  return qs.map((q) => {
    const last = q.lastSuccessAt ? `last ok ${q.lastSuccessAt.slice(0, 16).replace('T', ' ')}` : c.dim('never run');
    return `${c.bold(q.name.padEnd(w))}  ${String(q.papers).padStart(5)} papers  ${last}`;
  }).join('\n');
}

/** One search in full. */
export function renderQuery(q: ReturnType<typeof import('../app/queries.js').showQuery>, c: Colouriser): string {
  q = visibleData(q);
  const out = [
    c.bold(q.name) + (q.description ? `: ${q.description}` : ''),
    `term: ${q.term}`,
    `papers found: ${q.papers}`,
    `last successful run: ${q.lastSuccessAt ? q.lastSuccessAt.slice(0, 16).replace('T', ' ') : 'never (the next run fetches everything it matches)'}`,
    ...(q.watermark ? [`next run: records that entered PubMed from ${addDays(q.watermark, -OVERLAP_DAYS)} to the day it runs`] : []),
  ];
  if (q.runs.length) {
    out.push('recent runs:');
    for (const r of q.runs) {
      out.push(`  run ${r.runId}  ${r.startedAt.slice(0, 16).replace('T', ' ')}  ${r.status === 'ok' ? `${r.found} found, ${r.new} new, ${r.updated} updated` : c.red(`failed: ${r.error}`)}`);
    }
  }
  return out.join('\n');
}

/** The run log, newest first. */
export function renderRuns(runs: RunRow[], c: Colouriser): string {
  runs = visibleData(runs);
  if (!runs.length) return 'No runs yet. Run: claimwatch search';
  const out: string[] = [];
  for (const r of runs) {
    const end = r.finishedAt ? r.finishedAt.slice(11, 19) : 'never finished';
    const status = r.status === 'ok' ? c.green('ok') : r.status === 'running' ? c.yellow('running') : c.red('failed');
    out.push(`${c.bold(`run ${r.id}`)}  ${r.kind}  ${r.startedAt.slice(0, 19).replace('T', ' ')} → ${end}  ${status}${r.error ? `: ${r.error}` : ''}`);
    for (const s of r.searches) {
      out.push(`  ${s.query}: ${s.status === 'ok' ? `${s.found} found, ${s.new} new, ${s.updated} updated, ${s.known} known` : c.red(`failed: ${s.error}`)}`);
    }
  }
  return out.join('\n');
}

/** One progress line: "mdma-ptsd: fetching new papers [#######.............] 350/1000". */
export function renderProgress(p: { label: string; done?: number; total?: number }, width = 20): string {
  if (p.done === undefined || !p.total) return p.label;
  const filled = Math.round((Math.min(p.done, p.total) / p.total) * width);
  return `${p.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done}/${p.total}`;
}

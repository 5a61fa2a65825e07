import type { CountLine, PrismaFlow } from '../evidence/prisma.js';
import type { Colouriser } from './colour.js';
import { escapeHtml } from './report-html.js';
import { renderPrismaSvg } from './prisma-svg.js';
import { visibleData } from './visible.js';

function lines(items: readonly CountLine[], indent: string): string[] {
  return items.filter((l) => l.n > 0).map((l) => `${indent}${l.label}: ${l.n}`);
}

/** The flow as text for the terminal: the boxes in order, then whether every identity holds. */
export function renderPrismaText(flow: PrismaFlow, c: Colouriser): string {
  const f = visibleData(flow);
  const d = f.databases;
  const o = f.other;
  const r = d.removedBeforeScreening;
  const bad = f.checks.filter((x) => !x.holds);
  return [
    c.bold(`PRISMA 2020 flow (updated review)${f.sinceDay ? ` since ${f.sinceDay}` : ', no previous version (no --since)'}`),
    `Previous version: ${f.previous.studies} studies (${f.previous.noLongerIncluded.total} no longer included: ${f.previous.noLongerIncluded.retracted} retracted, ${f.previous.noLongerIncluded.untagged} tags withdrawn)`,
    c.bold('Databases (PubMed)'),
    `  records identified: ${d.identified.total}`,
    ...lines(d.identified.bySearch, '    '),
    `  removed before screening: ${r.duplicates} duplicates, ${r.deletedByNlm} deleted by NLM, ${r.notYetScreened} not yet screened`,
    `  records screened: ${d.screened}; excluded: ${d.excluded.total}`,
    ...lines(d.excluded.reasons, '    '),
    `  reports sought: ${d.sought}; not retrieved: ${d.notRetrieved}; assessed: ${d.assessed}; excluded: ${d.reportsExcluded.total}`,
    ...lines(d.reportsExcluded.reasons, '    '),
    `  included: ${d.included}`,
    c.bold('Other sources'),
    `  records identified: ${o.identified.total}`,
    ...lines(o.identified.bySource, '    '),
    `  not yet assessed: ${o.notYetAssessed}; reports sought: ${o.sought}; not retrieved (deleted by NLM): ${o.notRetrieved}; assessed: ${o.assessed}; excluded: ${o.excluded.total}`,
    ...lines(o.excluded.reasons, '    '),
    `  included: ${o.included}`,
    c.bold(`New studies included: ${f.included.newStudies}; total studies included: ${f.included.totalStudies}`),
    bad.length ? c.red(`${bad.length} identities do not hold: ${bad.map((x) => x.what).join('; ')}`) : c.dim(`all ${f.checks.length} identities between the boxes hold`),
  ].join('\n');
}

/** One self-contained HTML page: the diagram, its numbers as a table, and the identities they satisfy. */
export function renderPrismaHtml(flow: PrismaFlow): string {
  const f = visibleData(flow);
  const row = (label: string, n: number): string => `<tr><th scope="row">${escapeHtml(label)}</th><td>${n}</td></tr>`;
  const d = f.databases;
  const o = f.other;
  const table = [
    row('Studies included in previous version', f.previous.studies),
    row('Previous studies no longer included', f.previous.noLongerIncluded.total),
    ...d.identified.bySearch.map((s) => row(`Records identified: ${s.label}`, s.n)),
    row('Duplicate records removed', d.removedBeforeScreening.duplicates),
    row('Records deleted from PubMed by NLM', d.removedBeforeScreening.deletedByNlm),
    row('Records not yet screened', d.removedBeforeScreening.notYetScreened),
    row('Records screened', d.screened),
    ...d.excluded.reasons.filter((l) => l.n > 0).map((l) => row(`Records excluded: ${l.label}`, l.n)),
    row('Reports assessed (databases)', d.assessed),
    row('Reports excluded (databases)', d.reportsExcluded.total),
    ...o.identified.bySource.map((s) => row(`Other records identified: ${s.label}`, s.n)),
    row('Reports assessed (other)', o.assessed),
    ...o.excluded.reasons.filter((l) => l.n > 0).map((l) => row(`Reports excluded (other): ${l.label}`, l.n)),
    row('New studies included', f.included.newStudies),
    row('Total studies included', f.included.totalStudies),
  ].join('\n');
  const checks = f.checks.map((c) => `<li class="${c.holds ? 'holds' : 'fails'}">${escapeHtml(c.what)}${c.holds ? '' : ' — does not hold'}</li>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>PRISMA 2020 flow diagram</title>
<style>
body { font-family: Arial, Helvetica, sans-serif; margin: 1.5rem; color: #222; }
figure { margin: 0 0 1.5rem; }
figure svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; margin-bottom: 1.5rem; }
th, td { border: 1px solid #bbb; padding: .25rem .6rem; text-align: left; }
td { text-align: right; font-variant-numeric: tabular-nums; }
li.fails { color: #b00020; font-weight: bold; }
@media print { figure { overflow: visible; } }
</style>
</head>
<body>
<h1>PRISMA 2020 flow diagram (updated review)</h1>
<p>Counted from the claimwatch library on ${escapeHtml(f.generatedAt)}${f.sinceDay ? `; the update starts ${escapeHtml(f.sinceDay)}` : '; no previous version'}. Template: Page MJ et al., BMJ 2021;372:n71, figure 1 (updated reviews).</p>
<figure>
${renderPrismaSvg(flow)}
</figure>
<h2>The numbers</h2>
<table class="numbers">
${table}
</table>
<h2>How the boxes add up</h2>
<ul class="checks">
${checks}
</ul>
</body>
</html>
`;
}

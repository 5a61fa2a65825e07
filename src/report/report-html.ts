import type { Stance } from '../evidence/claims.js';
import type { ChainView, Grade, Report, ReportChanges, ReportClaim, ReportEntry, TimelinePoint } from '../evidence/report.js';
import { visibleData } from './visible.js';
import { entryIntegrityNotes } from './integrity-views.js';
import { SOURCE_LABELS, STATUS_LABELS } from '../evidence/integrity.js';

/** Escapes text for HTML element content and double- or single-quoted attribute values (SVG included). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

const esc = (s: string | number | null | undefined): string => escapeHtml(s === null || s === undefined ? '' : String(s));

const REVIEW = {
  citation: 'Sottile RJ, Vida T. A proposed mechanism for the MDMA-mediated extinction of traumatic memories in PTSD patients treated with MDMA-assisted therapy. Front Psychiatry 2022;13:991753.',
  pmid: 36311515,
  doi: '10.3389/fpsyt.2022.991753',
};

type Segment = 'supports' | 'qualifies' | 'contradicts' | 'disputed' | 'concern' | 'retracted';
const SEGMENTS: readonly Segment[] = ['supports', 'qualifies', 'contradicts', 'disputed', 'concern', 'retracted'];
const STANCES: readonly Stance[] = ['supports', 'qualifies', 'contradicts'];

const COLOUR: Record<Segment, string> = {
  supports: '#2e7d32',
  qualifies: '#d08a00',
  contradicts: '#c62828',
  disputed: '#6a4c93',
  concern: '#b26a00',
  retracted: '#9e9e9e',
};

const GRADE_COLOUR: Record<Grade, { fill: string; ink: string }> = {
  'well supported': { fill: '#dcefdc', ink: '#1b5e20' },
  'moderately supported': { fill: '#eef5d6', ink: '#4f6b12' },
  speculative: { fill: '#fdf0d0', ink: '#8a5a00' },
  contested: { fill: '#f8dcdc', ink: '#9b1c1c' },
  untested: { fill: '#ececec', ink: '#555555' },
};

const LABEL: Record<Segment, string> = {
  supports: 'Supports', qualifies: 'Qualifies', contradicts: 'Contradicts', disputed: 'Disputed', concern: 'Concern', retracted: 'Retracted',
};

const pubmedUrl = (pmid: number): string => `https://pubmed.ncbi.nlm.nih.gov/${encodeURIComponent(String(pmid))}/`;
// encodeURI keeps a DOI's slashes; '?' and '#' would otherwise end the path.
const doiUrl = (doi: string): string => `https://doi.org/${encodeURI(doi).replace(/[?#]/g, (c) => encodeURIComponent(c))}`;

function link(href: string, text: string, cls = ''): string {
  return `<a href="${esc(href)}"${cls ? ` class="${cls}"` : ''}>${esc(text)}</a>`;
}

function gradeBadge(g: Grade): string {
  const c = GRADE_COLOUR[g] ?? GRADE_COLOUR.untested;
  return `<span class="grade" data-grade="${esc(g)}" style="background:${c.fill};color:${c.ink}">${esc(g)}</span>`;
}

function groupByPaper(entries: readonly ReportEntry[]): ReportEntry[][] {
  const groups = new Map<number, ReportEntry[]>();
  for (const e of entries) groups.set(e.pmid, [...(groups.get(e.pmid) ?? []), e]);
  return [...groups.values()];
}

/** The stacked bar of one claim's counts, as inline SVG. */
function stackedBar(c: ReportClaim, where: 'row' | 'section'): string {
  const total = SEGMENTS.reduce((n, s) => n + c.counts[s], 0);
  const w = 600;
  const h = 18;
  if (total === 0) {
    return `<svg class="bar" viewBox="0 0 ${w} ${h}" width="100%" height="${h}" preserveAspectRatio="none" role="img" aria-label="no tagged papers"><title>no tagged papers</title><rect x="0" y="0" width="${w}" height="${h}" rx="3" fill="#f1f1f1"/></svg>`;
  }
  let x = 0;
  const rects = SEGMENTS.filter((s) => c.counts[s] > 0).map((s) => {
    const width = (c.counts[s] / total) * w;
    const r = `<rect x="${x.toFixed(2)}" y="0" width="${width.toFixed(2)}" height="${h}" fill="${COLOUR[s]}"><title>${esc(`${LABEL[s]}: ${c.counts[s]}`)}</title></rect>`;
    x += width;
    return r;
  });
  return `<svg class="bar" viewBox="0 0 ${w} ${h}" width="100%" height="${h}" preserveAspectRatio="none" role="img" aria-label="${esc(`${c.id} evidence: ${SEGMENTS.map((s) => `${c.counts[s]} ${s}`).join(', ')}`)}"><clipPath id="clip-${where}-${esc(c.id)}"><rect x="0" y="0" width="${w}" height="${h}" rx="3"/></clipPath><g clip-path="url(#clip-${where}-${esc(c.id)})">${rects.join('')}</g></svg>`;
}

function countsLegend(c: ReportClaim): string {
  return `<ul class="legend">${SEGMENTS.map((s) =>
    `<li><span class="swatch" style="background:${COLOUR[s]}"></span>${LABEL[s]} <b data-count="${s}">${c.counts[s]}</b></li>`).join('')}</ul>`;
}

/** Cumulative papers per stance by year, as SVG lines. */
function timelineChart(c: ReportClaim): string {
  const pts: TimelinePoint[] = [...(c.timeline ?? [])].sort((a, b) => a.year - b.year);
  if (!pts.length) return '<p class="muted timeline-empty">No dated papers.</p>';
  const W = 560, H = pts.length === 1 ? 110 : 170, L = 34, R = 96, T = 10, B = 24;
  const years = pts.map((p) => p.year);
  const y0 = Math.min(...years), y1 = Math.max(...years);
  const top = Math.max(1, ...pts.flatMap((p) => STANCES.map((s) => p[s])));
  const step = Math.max(1, Math.ceil(top / 4));
  const max = Math.ceil(top / step) * step;
  const sx = (year: number): number => (y1 === y0 ? L + (W - L - R) / 2 : L + ((year - y0) / (y1 - y0)) * (W - L - R));
  const sy = (v: number): number => T + (1 - v / max) * (H - T - B);
  const grid: string[] = [];
  for (let v = 0; v <= max; v += step) {
    grid.push(`<line x1="${L}" x2="${W - R}" y1="${sy(v).toFixed(1)}" y2="${sy(v).toFixed(1)}" stroke="#e5e5e5"/><text x="${L - 6}" y="${(sy(v) + 4).toFixed(1)}" text-anchor="end" class="tick">${v}</text>`);
  }
  const yearStep = Math.max(1, Math.ceil((y1 - y0) / 6));
  const ticks: number[] = [];
  for (let y = y0; y <= y1; y += yearStep) ticks.push(y);
  if (ticks[ticks.length - 1] !== y1) ticks.push(y1);
  const xt = ticks.map((y) => `<text x="${sx(y).toFixed(1)}" y="${H - 6}" text-anchor="middle" class="tick">${y}</text>`).join('');
  const lines = STANCES.map((s) => {
    // A step line: the count holds until the next year with papers.
    const coords: string[] = [];
    pts.forEach((p, i) => {
      if (i > 0) coords.push(`${sx(p.year).toFixed(1)},${sy(pts[i - 1]![s]).toFixed(1)}`);
      coords.push(`${sx(p.year).toFixed(1)},${sy(p[s]).toFixed(1)}`);
    });
    const last = pts[pts.length - 1]!;
    const dots = pts.map((p) => `<circle cx="${sx(p.year).toFixed(1)}" cy="${sy(p[s]).toFixed(1)}" r="2.5" fill="${COLOUR[s]}"><title>${esc(`${p.year}: ${p[s]} ${s}`)}</title></circle>`).join('');
    return `<g data-series="${s}"><polyline points="${coords.join(' ')}" fill="none" stroke="${COLOUR[s]}" stroke-width="2"/>${dots}<text x="${(W - R + 8).toFixed(1)}" y="${(sy(last[s]) + 4).toFixed(1)}" class="series" fill="${COLOUR[s]}">${s} ${last[s]}</text></g>`;
  });
  // Labels at the right end may collide when two series end at the same count; nudge them apart.
  return `<figure class="timeline"><svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(`${c.id}: cumulative papers per stance by year`)}"><title>${esc(`${c.id}: cumulative papers per stance, ${y0}–${y1}`)}</title>${grid.join('')}<line x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}" stroke="#999"/>${xt}${nudgeLabels(lines).join('')}</svg><figcaption>Cumulative papers per stance by publication year (retracted and disputed papers left out).</figcaption></figure>`;
}

function nudgeLabels(groups: string[]): string[] {
  const used: number[] = [];
  return groups.map((g) => g.replace(/(<text x="[\d.]+" y=")([\d.]+)(" class="series")/, (_m, a: string, y: string, b: string) => {
    let v = Number(y);
    while (used.some((u) => Math.abs(u - v) < 12)) v += 12;
    used.push(v);
    return `${a}${v.toFixed(1)}${b}`;
  }));
}

function kindBadge(e: ReportEntry): string {
  return `<span class="kind" title="${e.kindOverridden ? 'evidence kind set by a reviewer' : 'evidence kind from PubMed publication types and MeSH'}">${esc(e.kind)}${e.kindOverridden ? ' *' : ''}</span>`;
}

function paperHead(e: ReportEntry, deciding: ReadonlySet<number>): string {
  const cite = e.citation.replace(/, PMID \d+.*$/, '');
  const links = [link(pubmedUrl(e.pmid), `PMID ${e.pmid}`)];
  if (e.doi) links.push(link(doiUrl(e.doi), `doi:${e.doi}`));
  return `<div class="paper-title">${e.title ? esc(e.title) : '<span class="muted">(no title)</span>'}</div>`
    + `<div class="paper-meta">${esc(cite)} · ${links.join(' · ')} ${kindBadge(e)}${deciding.has(e.pmid) ? ' <span class="deciding">deciding</span>' : ''}</div>`;
}

function tagLine(e: ReportEntry, withStance: boolean): string {
  const stance = withStance ? `<span class="stance" style="color:${COLOUR[e.stance]}">${esc(e.stance)}</span> ` : '';
  const note = e.note ? ` <q class="note">${esc(e.note)}</q>` : '';
  return `<div class="tag">${stance}<span class="reviewer">${esc(e.reviewer)}</span>${note}</div>`;
}

function integrityHtml(e: ReportEntry): string {
  return entryIntegrityNotes(e.integrity).map((n) =>
    `<div class="flag-line integrity" data-integrity>${esc(n.text)}${n.url ? ` · ${link(n.url, 'notice', 'integrity-notice')}` : ''}</div>`).join('');
}

function paperItem(group: readonly ReportEntry[], deciding: ReadonlySet<number>, mode: 'agreed' | 'disputed' | 'retracted' | 'concern'): string {
  const e = group[0]!;
  const cls = mode === 'agreed' ? 'paper' : `paper ${mode}`;
  let body = paperHead(e, deciding);
  const was = [...new Set(group.map((t) => t.stance))].join(', ');
  if (mode === 'retracted') {
    const notice = e.retractionNotice ? ` · ${link(pubmedUrl(e.retractionNotice), `retraction notice PMID ${e.retractionNotice}`, 'notice')}` : '';
    const word = e.integrity?.status && e.integrity.status !== 'retracted' ? STATUS_LABELS[e.integrity.status] : 'retracted';
    body = `<div class="struck">${body}</div><div class="retraction"><span class="flag">${esc(word[0]!.toUpperCase() + word.slice(1))}</span> was: ${esc(was)}; not counted${notice}</div>`;
  }
  if (mode === 'concern') body += `<div class="flag-line"><span class="flag">Expression of concern</span> was: ${esc(was)}; counted apart, left out of the grade</div>`;
  body += integrityHtml(e);
  if (mode === 'disputed') body += '<div class="flag-line"><span class="flag disputed-flag">Disputed</span> reviewers differ; counted once, as disputed</div>';
  body += group.map((t) => tagLine(t, mode !== 'agreed')).join('');
  return `<li class="${cls}" data-pmid="${e.pmid}"${mode === 'agreed' ? ` data-stance="${esc(e.stance)}"` : ''}>${body}</li>`;
}

function papersSection(c: ReportClaim): string {
  if (!c.papers.length) return '<p class="muted">No tagged papers yet.</p>';
  const deciding = new Set(c.deciding ?? []);
  const out: string[] = [];
  for (const s of STANCES) {
    const groups = groupByPaper(c.papers.filter((e) => !e.retracted && !e.concern && !e.disputed && e.stance === s));
    if (!groups.length) continue;
    out.push(`<div class="group" data-group="${s}"><h4 style="border-color:${COLOUR[s]}">${LABEL[s]} <span class="n">${groups.length}</span></h4><ul class="papers">${groups.map((g) => paperItem(g, deciding, 'agreed')).join('')}</ul></div>`);
  }
  const disputed = groupByPaper(c.papers.filter((e) => !e.retracted && e.disputed));
  if (disputed.length) {
    out.push(`<div class="group" data-group="disputed"><h4 style="border-color:${COLOUR.disputed}">Disputed <span class="n">${disputed.length}</span></h4><ul class="papers">${disputed.map((g) => paperItem(g, deciding, 'disputed')).join('')}</ul></div>`);
  }
  const concern = groupByPaper(c.papers.filter((e) => e.concern));
  if (concern.length) {
    out.push(`<div class="group" data-group="concern"><h4 style="border-color:${COLOUR.concern}">Expression of concern <span class="n">${concern.length}</span></h4><ul class="papers">${concern.map((g) => paperItem(g, deciding, 'concern')).join('')}</ul></div>`);
  }
  const retracted = groupByPaper(c.papers.filter((e) => e.retracted));
  if (retracted.length) {
    out.push(`<div class="group" data-group="retracted"><h4 style="border-color:${COLOUR.retracted}">Retracted <span class="n">${retracted.length}</span></h4><ul class="papers">${retracted.map((g) => paperItem(g, deciding, 'retracted')).join('')}</ul></div>`);
  }
  return out.join('');
}

function claimSection(c: ReportClaim): string {
  const deps = c.dependsOn?.length ? `<p class="muted small">Depends on ${c.dependsOn.map((d) => `<a href="#claim-${esc(d)}">${esc(d)}</a>`).join(', ')}</p>` : '';
  const reason = c.reason ? `<p class="reason">${esc(c.reason)}</p>` : '';
  return `<section class="claim" id="claim-${esc(c.id)}" data-claim="${esc(c.id)}">`
    + `<header class="claim-head"><h2><span class="cid">${esc(c.id)}</span> ${esc(c.slug)}${c.retired ? ' <span class="retired">retired</span>' : ''}</h2>${gradeBadge(c.grade)}</header>`
    + `<blockquote>${esc(c.statement)}</blockquote>${deps}`
    + `<div class="evidence">${stackedBar(c, 'section')}${countsLegend(c)}</div>${reason}`
    + (c.papers.length
      ? `<h3>Evidence over time</h3>${timelineChart(c)}<h3>Papers</h3>${papersSection(c)}`
      : '<p class="muted">No tagged papers yet.</p>')
    + '</section>';
}

function summaryTable(r: Report): string {
  const head = `<tr><th>Claim</th><th>Statement</th><th>Grade</th>${SEGMENTS.map((s) => `<th class="num"><span class="swatch" style="background:${COLOUR[s]}"></span>${LABEL[s]}</th>`).join('')}<th class="bar-col">Balance</th></tr>`;
  const rows = r.claims.map((c) =>
    `<tr data-row="${esc(c.id)}"><td class="nowrap"><a href="#claim-${esc(c.id)}"><b>${esc(c.id)}</b></a><br><span class="muted small">${esc(c.slug)}</span></td><td class="stmt">${esc(c.statement)}</td><td>${gradeBadge(c.grade)}</td>${SEGMENTS.map((s) => `<td class="num${c.counts[s] ? '' : ' zero'}" data-summary-count="${s}">${c.counts[s]}</td>`).join('')}<td class="bar-col">${stackedBar(c, 'row')}</td></tr>`);
  return `<table class="summary"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The chain from report.chain, or, while that is empty, from the claims' own dependsOn. */
function chainView(r: Report): ChainView {
  if (r.chain && (r.chain.claims.length || r.chain.links.length)) return r.chain;
  const links = r.claims.flatMap((c) => (c.dependsOn ?? []).map((d) => ({ from: d, to: c.id })));
  const ids = new Set(links.flatMap((l) => [l.from, l.to]));
  return {
    links,
    claims: r.claims.filter((c) => ids.has(c.id)).map((c) => ({ id: c.id, slug: c.slug, grade: c.grade })),
    weakest: null,
  };
}

/** The mechanism chain as SVG boxes in columns by depth, with arrows from a claim to those that depend on it. */
function chainSvg(r: Report): string {
  const chain = chainView(r);
  const nodes = new Map<string, { id: string; slug: string; grade: Grade }>();
  for (const c of chain.claims) nodes.set(c.id, c);
  for (const l of chain.links) for (const id of [l.from, l.to]) {
    if (!nodes.has(id)) {
      const c = r.claims.find((x) => x.id === id);
      nodes.set(id, { id, slug: c?.slug ?? '', grade: c?.grade ?? 'untested' });
    }
  }
  if (!nodes.size) return '<p class="muted">No claim depends on another: there is no chain to draw.</p>';
  // Depth = longest path from a claim nothing is depended on for; a cycle stops at the node count.
  const depth = new Map<string, number>([...nodes.keys()].map((id) => [id, 0]));
  for (let i = 0; i < nodes.size; i++) {
    let changed = false;
    for (const l of chain.links) {
      const d = (depth.get(l.from) ?? 0) + 1;
      if (d > (depth.get(l.to) ?? 0) && d < nodes.size) { depth.set(l.to, d); changed = true; }
    }
    if (!changed) break;
  }
  const cols: string[][] = [];
  for (const [id, d] of depth) (cols[d] ??= []).push(id);
  for (const col of cols) col?.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const BW = 184, BH = 50, GX = 44, GY = 18, PAD = 12;
  const rowsMax = Math.max(...cols.map((c) => c?.length ?? 0));
  const W = PAD * 2 + cols.length * BW + (cols.length - 1) * GX;
  const H = PAD * 2 + rowsMax * BH + (rowsMax - 1) * GY + 18;
  const pos = new Map<string, { x: number; y: number }>();
  cols.forEach((col, ci) => {
    const colH = (col?.length ?? 0) * BH + ((col?.length ?? 1) - 1) * GY;
    const top = PAD + (rowsMax * BH + (rowsMax - 1) * GY - colH) / 2;
    (col ?? []).forEach((id, ri) => pos.set(id, { x: PAD + ci * (BW + GX), y: top + ri * (BH + GY) }));
  });
  const weakest = chain.weakest?.id ?? null;
  const arrows = chain.links.map((l) => {
    const a = pos.get(l.from), b = pos.get(l.to);
    if (!a || !b) return '';
    const x1 = a.x + BW, y1 = a.y + BH / 2, x2 = b.x - 3, y2 = b.y + BH / 2;
    const mx = (x1 + x2) / 2;
    const path = x2 > x1
      ? `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`
      : `M${a.x + BW / 2},${a.y + BH} C${a.x + BW / 2},${a.y + BH + 30} ${b.x + BW / 2},${b.y + BH + 30} ${b.x + BW / 2},${b.y + BH + 3}`;
    return `<path d="${path}" fill="none" stroke="#8a8a8a" stroke-width="1.5" marker-end="url(#cw-arrow)"><title>${esc(`${l.to} depends on ${l.from}`)}</title></path>`;
  }).join('');
  const boxes = [...nodes.values()].map((n) => {
    const p = pos.get(n.id)!;
    const g = GRADE_COLOUR[n.grade] ?? GRADE_COLOUR.untested;
    const weak = n.id === weakest;
    const slug = n.slug.length > 20 ? `${n.slug.slice(0, 19)}…` : n.slug;
    return `<g class="node${weak ? ' weakest' : ''}" data-chain-claim="${esc(n.id)}" data-grade="${esc(n.grade)}"><title>${esc(`${n.id} ${n.slug}: ${n.grade}${weak ? ' (weakest link)' : ''}`)}</title>`
      + `<a href="#claim-${esc(n.id)}"><rect x="${p.x}" y="${p.y}" width="${BW}" height="${BH}" rx="6" fill="${g.fill}" stroke="${weak ? '#b71c1c' : g.ink}" stroke-width="${weak ? 3 : 1}"${weak ? ' stroke-dasharray="6 3"' : ''}/>`
      + `<text x="${p.x + 10}" y="${p.y + 20}" class="node-id" fill="${g.ink}">${esc(n.id)} <tspan class="node-slug">${esc(slug)}</tspan></text>`
      + `<text x="${p.x + 10}" y="${p.y + 38}" class="node-grade" fill="${g.ink}">${esc(n.grade)}</text></a>`
      + (weak ? `<text x="${p.x + BW / 2}" y="${p.y + BH + 14}" text-anchor="middle" class="weak-label">weakest link</text>` : '')
      + '</g>';
  }).join('');
  const legend = (Object.keys(GRADE_COLOUR) as Grade[]).map((g) => `<li><span class="swatch box" style="background:${GRADE_COLOUR[g].fill};border-color:${GRADE_COLOUR[g].ink}"></span>${esc(g)}</li>`).join('');
  const weakText = chain.weakest
    ? `<p class="weakest-text">The chain is as strong as its weakest link: <a href="#claim-${esc(chain.weakest.id)}"><b>${esc(chain.weakest.id)}</b></a>, ${esc(chain.weakest.grade)}.</p>`
    : '';
  return `<figure class="chain"><svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="the mechanism chain"><title>The mechanism chain: arrows point from a claim to the claims that depend on it</title>`
    + '<defs><marker id="cw-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#8a8a8a"/></marker></defs>'
    + `${arrows}${boxes}</svg><figcaption><ul class="legend">${legend}</ul></figcaption></figure>${weakText}`;
}

function changesSection(ch: ReportChanges): string {
  const since = `<p class="muted">Since ${esc(ch.since)}${ch.basis === 'previous-report' ? ' (the previous report)' : ch.basis === 'date' ? '' : ''}.</p>`;
  const parts: string[] = [];
  if (ch.grades.length) {
    parts.push(`<h3>Grades</h3><ul class="changes">${ch.grades.map((g) =>
      `<li data-change="grade"><b>${esc(g.claim)}</b> ${g.from ? `${gradeBadge(g.from)} → ` : ''}${gradeBadge(g.to)}${g.why ? ` <span class="muted">${esc(g.why)}</span>` : ''}</li>`).join('')}</ul>`);
  }
  const told = new Set((ch.statuses ?? []).map((x) => x.pmid));
  const retractedNews = ch.retracted.filter((x) => !told.has(x.pmid));
  const correctedNews = ch.corrected.filter((x) => !told.has(x.pmid));
  if (retractedNews.length) {
    parts.push(`<h3>Retracted</h3><ul class="changes">${retractedNews.map((x) =>
      `<li data-change="retracted" data-pmid="${x.pmid}"><span class="flag">Retracted</span> <span class="struck">${x.title ? esc(x.title) : ''}</span> ${link(pubmedUrl(x.pmid), `PMID ${x.pmid}`)}${x.notice ? ` · ${link(pubmedUrl(x.notice), 'notice', 'notice')}` : ''} <span class="muted">${esc(x.claims.join(', '))} · ${esc(x.at)}</span></li>`).join('')}</ul>`);
  }
  if (ch.statuses?.length) {
    parts.push(`<h3>Integrity</h3><ul class="changes">${ch.statuses.map((x) =>
      `<li data-change="status" data-pmid="${x.pmid}" data-status="${esc(x.to ?? 'none')}"><span class="flag">${esc(x.to ? STATUS_LABELS[x.to] : 'no status')}</span> ${x.title ? esc(x.title) : ''} ${link(pubmedUrl(x.pmid), `PMID ${x.pmid}`)}${x.sources.length ? ` <span class="source">source: ${esc(x.sources.map((s) => SOURCE_LABELS[s]).join(', '))}</span>` : ''}${x.notice ? ` · ${link(x.notice, 'notice', 'integrity-notice')}` : ''} <span class="muted">was ${esc(x.from ? STATUS_LABELS[x.from] : 'no status')} · ${esc(x.claims.join(', '))} · ${esc(x.at)}</span></li>`).join('')}</ul>`);
  }
  if (correctedNews.length) {
    parts.push(`<h3>Corrected</h3><ul class="changes">${correctedNews.map((x) =>
      `<li data-change="corrected" data-pmid="${x.pmid}">${esc(x.kind)}: ${x.title ? esc(x.title) : ''} ${link(pubmedUrl(x.pmid), `PMID ${x.pmid}`)}${x.notice ? ` · ${link(pubmedUrl(x.notice), 'notice')}` : ''} <span class="muted">${esc(x.claims.join(', '))} · ${esc(x.at)}</span></li>`).join('')}</ul>`);
  }
  if (ch.newTags.length) {
    parts.push(`<h3>New tags</h3><ul class="changes">${ch.newTags.map((t) =>
      `<li data-change="tag" data-pmid="${t.pmid}"><b>${esc(t.claim)}</b> <span class="stance" style="color:${COLOUR[t.stance] ?? '#333'}">${esc(t.stance)}</span> ${t.title ? esc(t.title) : ''} ${link(pubmedUrl(t.pmid), `PMID ${t.pmid}`)} <span class="muted">${esc(t.reviewer)} · ${esc(t.at)}</span></li>`).join('')}</ul>`);
  }
  if (!parts.length) parts.push('<p class="muted">Nothing changed.</p>');
  return `<section class="changes-section" data-section="changes"><h2>What changed</h2>${since}${parts.join('')}</section>`;
}

const CSS = `
:root{--ink:#1f2328;--muted:#6b7280;--rule:#e3e3e3;--bg:#ffffff}
*{box-sizing:border-box}
html{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1120px;margin:0 auto;padding:32px 36px 64px}
a{color:#1d4f91;text-decoration:none}a:hover{text-decoration:underline}
h1{font-size:28px;margin:0 0 4px;letter-spacing:-.01em}
h2{font-size:20px;margin:0}
h3{font-size:13px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);margin:22px 0 8px;font-weight:600}
h4{font-size:14px;margin:14px 0 6px;padding-left:8px;border-left:4px solid #ccc}
.muted{color:var(--muted)}.small{font-size:13px}.nowrap{white-space:nowrap}
.top{border-bottom:2px solid var(--ink);padding-bottom:14px;margin-bottom:24px}
.review{margin:6px 0 0;font-size:14px}.review i{font-style:italic}
.generated{font-size:13px;color:var(--muted);margin-top:6px}
.summary{width:100%;border-collapse:collapse;font-size:13.5px}
.summary th{text-align:left;font-weight:600;border-bottom:1.5px solid var(--ink);padding:6px 6px;white-space:nowrap;font-size:11.5px}
.summary td{border-bottom:1px solid var(--rule);padding:7px 6px;vertical-align:middle}
.summary .num{text-align:right;font-variant-numeric:tabular-nums;width:1%;padding-left:10px}
.summary th.num{white-space:normal;text-align:right;line-height:1.25}
.summary .zero{color:#c4c4c4}
.summary .stmt{color:#374151;font-size:12.5px;min-width:230px;line-height:1.35}
.summary .bar-col{width:96px;min-width:80px}
.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;vertical-align:baseline}
.swatch.box{width:14px;border:1px solid}
.grade{display:inline-block;padding:1px 8px;border-radius:999px;font-size:12px;font-weight:600;white-space:nowrap}
section{margin-top:34px}
.claim{border-top:1px solid var(--rule);padding-top:22px;break-inside:avoid-page}
.claim-head{display:flex;align-items:center;gap:12px;flex-wrap:wrap}
.cid{color:var(--muted);font-weight:700;margin-right:2px}
.retired{font-size:12px;color:var(--muted);border:1px solid var(--rule);border-radius:4px;padding:0 5px;font-weight:normal}
blockquote{margin:8px 0 4px;padding:0 0 0 12px;border-left:3px solid var(--rule);color:#374151;font-size:15px}
.evidence{margin:14px 0 6px;max-width:640px}
svg.bar{display:block}
.legend{list-style:none;padding:0;margin:6px 0 0;display:flex;flex-wrap:wrap;gap:4px 16px;font-size:13px;color:#374151}
.legend b{font-variant-numeric:tabular-nums}
.reason{margin:8px 0;padding:8px 12px;background:#f7f7f5;border-radius:6px;font-size:14px}
figure{margin:0}figcaption{font-size:12px;color:var(--muted)}
.tick{font-size:11px;fill:#6b7280}.series{font-size:11.5px;font-weight:600}
.papers{list-style:none;padding:0;margin:0}
.paper{padding:7px 0 7px 12px;border-bottom:1px dotted var(--rule)}
.paper-title{font-weight:600;font-size:14px}
.paper-meta{font-size:12.5px;color:#4b5563}
.kind{display:inline-block;font-size:11px;border:1px solid #cfd4da;border-radius:4px;padding:0 5px;color:#4b5563;margin-left:4px}
.deciding{font-size:11px;background:#1f2328;color:#fff;border-radius:4px;padding:0 5px}
.tag{font-size:13px;color:#374151}.reviewer{font-weight:600}
.note{color:#4b5563;font-style:italic}
.stance{font-weight:600}
.struck .paper-title,.struck .paper-meta,span.struck{text-decoration:line-through;text-decoration-color:#777;color:#8a8a8a}
.flag{display:inline-block;font-size:11px;font-weight:700;letter-spacing:.04em;text-transform:uppercase;background:#9e9e9e;color:#fff;border-radius:3px;padding:0 5px}
.disputed-flag{background:#6a4c93}
.retraction,.flag-line{font-size:12.5px;color:#4b5563;margin:2px 0}
.chain svg{max-width:100%;height:auto;display:block;margin:6px 0}
.prisma-flow{margin:0}.prisma-flow svg{max-width:100%;height:auto;display:block}
.node-id{font-size:13px;font-weight:700}.node-slug{font-weight:400}.node-grade{font-size:11.5px}
.weak-label{font-size:11px;font-weight:700;fill:#b71c1c}
.weakest-text{font-size:14px}
.changes{padding-left:18px;font-size:13.5px}.changes li{margin:3px 0}
footer{margin-top:40px;font-size:12px;color:var(--muted);border-top:1px solid var(--rule);padding-top:10px}
@media print{main{padding:0;max-width:none}body{font-size:11pt}a{color:inherit}section.claim{break-before:auto}.summary{break-inside:avoid}}
`;

/** The report as one self-contained HTML page: inline CSS and SVG, no scripts, nothing fetched. */
export function renderReportHtml(r: Report, extra: { prismaSvg?: string } = {}): string {
  r = visibleData(r);
  const review = `<p class="review">Claims of ${esc('Sottile & Vida 2022')}: <i>${esc(REVIEW.citation)}</i> ${link(pubmedUrl(REVIEW.pmid), `PMID ${REVIEW.pmid}`)} · ${link(doiUrl(REVIEW.doi), `doi:${REVIEW.doi}`)}</p>`;
  const body = [
    `<header class="top"><h1>Evidence report</h1>${review}<p class="generated">Generated <time datetime="${esc(r.generatedAt)}">${esc(r.generatedAt)}</time> by claimwatch · ${r.claims.length} claim${r.claims.length === 1 ? '' : 's'}</p></header>`,
    `<section data-section="summary"><h2>Summary</h2>${r.claims.length ? summaryTable(r) : '<p class="muted">No claims.</p>'}</section>`,
    `<section data-section="chain"><h2>The mechanism chain</h2>${chainSvg(r)}</section>`,
    // Rendered by renderPrismaSvg, which escapes its own text.
    extra.prismaSvg ? `<section data-section="prisma"><h2>PRISMA 2020 flow</h2><figure class="prisma-flow">${extra.prismaSvg}</figure></section>` : '',
    r.changes ? changesSection(r.changes) : '',
    ...r.claims.map(claimSection),
    '<footer>Counts are distinct papers: a retracted paper counts only as retracted, a paper whose reviewers differ only as disputed. An evidence kind marked * was set by a reviewer.</footer>',
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="claimwatch">
<title>Evidence report · ${esc('Sottile & Vida 2022')} · ${esc(r.generatedAt)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${body.filter(Boolean).join('\n')}
</main>
</body>
</html>
`;
}

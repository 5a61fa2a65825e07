// The PRISMA 2020 flow diagram for updated reviews (Page et al., BMJ 2021;372:n71, fig. 1, second form) as
// one self-contained SVG: boxes in rows, arrows between them, every number from the flow.
import type { CountLine, PrismaFlow } from '../evidence/prisma.js';
import { escapeHtml } from './report-html.js';
import { visibleData } from './visible.js';

const FONT = 13;
const LINE = 17;
const PAD = 10;
/** A generous average glyph width (em) for the sans-serif fonts a browser falls back to, so lines never overflow. */
const GLYPH = 0.62;
const GAP_X = 34;
const GAP_Y = 26;
const BAR = 30;
const MARGIN = 14;

/** One box of the diagram: where it is, its lines (the first is its heading), and the number it stands for. */
export interface FlowBox {
  id: string;
  col: number;
  /** Columns it spans (default 1). */
  span?: number;
  row: number;
  lines: string[];
  n: number;
  kind: 'main' | 'side' | 'header-grey' | 'header-yellow';
}

// No-break spaces: a wrapped line never separates a count from its "(n =".
const n = (x: number): string => `(n\u00a0=\u00a0${x})`;

function reasonLines(reasons: readonly CountLine[]): string[] {
  return reasons.filter((r) => r.n > 0).map((r) => `${r.label} ${n(r.n)}`);
}

/** The boxes of the flow, in PRISMA's layout: previous studies, databases (main and side), other methods (main and side). */
export function flowBoxes(f: PrismaFlow): FlowBox[] {
  const d = f.databases;
  const o = f.other;
  const r = d.removedBeforeScreening;
  const boxes: FlowBox[] = [
    { id: 'prevstud', col: 0, row: 0, kind: 'header-grey', n: 0, lines: ['Previous studies'] },
    { id: 'newstud', col: 1, span: 2, row: 0, kind: 'header-yellow', n: 0, lines: ['Identification of new studies via databases and registers'] },
    { id: 'othstud', col: 3, span: 2, row: 0, kind: 'header-grey', n: 0, lines: ['Identification of new studies via other methods'] },
    {
      id: 'previous_studies', col: 0, row: 1, kind: 'main', n: f.previous.studies,
      lines: [`Studies included in previous version of review ${n(f.previous.studies)}`, `Reports of studies included in previous version of review ${n(f.previous.reports)}`],
    },
    {
      id: 'database_results', col: 1, row: 1, kind: 'main', n: d.identified.total,
      lines: [`Records identified from PubMed, by saved search ${n(d.identified.total)}:`, ...d.identified.bySearch.map((s) => `${s.label} ${n(s.n)}`), `Registers ${n(0)}`],
    },
    {
      id: 'removed_before_screening', col: 2, row: 1, kind: 'side', n: r.duplicates + r.deletedByNlm + r.notYetScreened,
      lines: ['Records removed before screening:', `Duplicate records removed ${n(r.duplicates)}`, `Records removed for other reasons: deleted from PubMed by NLM ${n(r.deletedByNlm)}`, `Records not yet screened ${n(r.notYetScreened)}`],
    },
    {
      id: 'other_results', col: 3, row: 1, kind: 'main', n: o.identified.total,
      lines: [`Records identified from other sources ${n(o.identified.total)}:`, ...o.identified.bySource.map((s) => `${s.label} ${n(s.n)}`)],
    },
    { id: 'other_not_assessed', col: 4, row: 1, kind: 'side', n: o.notYetAssessed, lines: [`Records not yet assessed ${n(o.notYetAssessed)}`] },
    { id: 'records_screened', col: 1, row: 2, kind: 'main', n: d.screened, lines: [`Records screened ${n(d.screened)}`] },
    { id: 'records_excluded', col: 2, row: 2, kind: 'side', n: d.excluded.total, lines: [`Records excluded ${n(d.excluded.total)}${d.excluded.total ? ':' : ''}`, ...reasonLines(d.excluded.reasons)] },
    { id: 'dbr_sought_reports', col: 1, row: 3, kind: 'main', n: d.sought, lines: [`Reports sought for retrieval ${n(d.sought)}`] },
    { id: 'dbr_notretrieved_reports', col: 2, row: 3, kind: 'side', n: d.notRetrieved, lines: [`Reports not retrieved ${n(d.notRetrieved)}`] },
    { id: 'other_sought_reports', col: 3, row: 3, kind: 'main', n: o.sought, lines: [`Reports sought for retrieval ${n(o.sought)}`] },
    { id: 'other_notretrieved_reports', col: 4, row: 3, kind: 'side', n: o.notRetrieved, lines: [`Reports not retrieved: deleted from PubMed by NLM ${n(o.notRetrieved)}`] },
    { id: 'dbr_assessed', col: 1, row: 4, kind: 'main', n: d.assessed, lines: [`Reports assessed for eligibility ${n(d.assessed)}`] },
    { id: 'dbr_excluded', col: 2, row: 4, kind: 'side', n: d.reportsExcluded.total, lines: [`Reports excluded ${n(d.reportsExcluded.total)}${d.reportsExcluded.total ? ':' : ''}`, ...reasonLines(d.reportsExcluded.reasons)] },
    { id: 'other_assessed', col: 3, row: 4, kind: 'main', n: o.assessed, lines: [`Reports assessed for eligibility ${n(o.assessed)}`] },
    { id: 'other_excluded', col: 4, row: 4, kind: 'side', n: o.excluded.total, lines: [`Reports excluded ${n(o.excluded.total)}${o.excluded.total ? ':' : ''}`, ...reasonLines(o.excluded.reasons)] },
    {
      id: 'new_studies', col: 1, row: 5, kind: 'main', n: f.included.newStudies,
      lines: [`New studies included in review ${n(f.included.newStudies)}`, `Reports of new included studies ${n(f.included.newReports)}`],
    },
    {
      id: 'total_studies', col: 1, row: 6, kind: 'main', n: f.included.totalStudies,
      lines: [
        `Total studies included in review ${n(f.included.totalStudies)}`,
        `Reports of total included studies ${n(f.included.totalReports)}`,
        `= ${f.previous.studies} previous − ${f.previous.noLongerIncluded.total} no longer included (${f.previous.noLongerIncluded.retracted} retracted, ${f.previous.noLongerIncluded.untagged} tags withdrawn) + ${f.included.newStudies} new`,
      ],
    },
  ];
  return boxes;
}

const WIDTHS = [190, 235, 235, 235, 235];

function wrap(text: string, width: number): string[] {
  const max = Math.max(8, Math.floor((width - 2 * PAD) / (FONT * GLYPH)));
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > max) {
      out.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) out.push(line);
  return out;
}

interface Placed extends FlowBox {
  x: number;
  y: number;
  w: number;
  h: number;
  wrapped: string[][];
}

const STAGES: { label: string; rows: [number, number] }[] = [
  { label: 'Identification', rows: [1, 1] },
  { label: 'Screening', rows: [2, 4] },
  { label: 'Included', rows: [5, 6] },
];

const FILL: Record<FlowBox['kind'], string> = { main: '#ffffff', side: '#ffffff', 'header-grey': '#d9d9d9', 'header-yellow': '#ffd966' };

/** The flow as a standalone SVG document (no script, no external reference). */
export function renderPrismaSvg(flow: PrismaFlow): string {
  const f = visibleData(flow);
  const colX: number[] = [];
  let x = MARGIN + BAR + GAP_X / 2;
  for (const w of WIDTHS) {
    colX.push(x);
    x += w + GAP_X;
  }
  const width = x - GAP_X + MARGIN;
  const boxes = flowBoxes(f).map((b) => {
    const span = b.span ?? 1;
    const w = WIDTHS.slice(b.col, b.col + span).reduce((a, c) => a + c, 0) + GAP_X * (span - 1);
    const wrapped = b.lines.map((l) => wrap(l, w));
    const lineCount = wrapped.reduce((a, l) => a + l.length, 0);
    return { ...b, x: colX[b.col]!, y: 0, w, h: lineCount * LINE + 2 * PAD, wrapped } as Placed;
  });
  const rows = Math.max(...boxes.map((b) => b.row)) + 1;
  const rowY: number[] = [];
  const rowH: number[] = [];
  let y = MARGIN;
  for (let r = 0; r < rows; r++) {
    rowY.push(y);
    rowH.push(Math.max(0, ...boxes.filter((b) => b.row === r).map((b) => b.h)));
    y += rowH[r]! + GAP_Y;
  }
  const height = y - GAP_Y + MARGIN;
  // Main boxes take their row's height so arrows line up; side boxes are centred on it.
  for (const b of boxes) {
    if (b.kind === 'side') b.y = rowY[b.row]! + (rowH[b.row]! - b.h) / 2;
    else {
      b.y = rowY[b.row]!;
      b.h = rowH[b.row]!;
    }
  }
  const by = new Map(boxes.map((b) => [b.id, b]));
  const parts: string[] = [];
  const arrow = (x1: number, y1: number, x2: number, y2: number): void => {
    parts.push(`<line class="arrow" x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="#333" stroke-width="1.5" marker-end="url(#head)"/>`);
  };
  const down = (a: string, b: string): void => {
    const p = by.get(a)!;
    const q = by.get(b)!;
    arrow(p.x + p.w / 2, p.y + p.h, q.x + q.w / 2, q.y - 2);
  };
  const right = (a: string, b: string): void => {
    const p = by.get(a)!;
    const q = by.get(b)!;
    // Level with the middle of the part of the two boxes that faces each other.
    const ay = (Math.max(p.y, q.y) + Math.min(p.y + p.h, q.y + q.h)) / 2;
    arrow(p.x + p.w, ay, q.x - 2, ay);
  };
  for (const [a, b] of [['database_results', 'records_screened'], ['records_screened', 'dbr_sought_reports'], ['dbr_sought_reports', 'dbr_assessed'],
    ['dbr_assessed', 'new_studies'], ['new_studies', 'total_studies'], ['other_results', 'other_sought_reports'], ['other_sought_reports', 'other_assessed']] as const) down(a, b);
  for (const [a, b] of [['database_results', 'removed_before_screening'], ['records_screened', 'records_excluded'], ['dbr_sought_reports', 'dbr_notretrieved_reports'],
    ['dbr_assessed', 'dbr_excluded'], ['other_results', 'other_not_assessed'], ['other_sought_reports', 'other_notretrieved_reports'], ['other_assessed', 'other_excluded']] as const) right(a, b);
  // Other methods' included reports join the new studies; the previous version's join the total.
  const oa = by.get('other_assessed')!;
  const ns = by.get('new_studies')!;
  const midY = ns.y + ns.h / 2;
  parts.push(`<polyline class="arrow" points="${oa.x + oa.w / 2},${oa.y + oa.h} ${oa.x + oa.w / 2},${midY} ${ns.x + ns.w + 2},${midY}" fill="none" stroke="#333" stroke-width="1.5" marker-end="url(#head)"/>`);
  const pv = by.get('previous_studies')!;
  const ts = by.get('total_studies')!;
  const tY = ts.y + ts.h / 2;
  parts.push(`<polyline class="arrow" points="${pv.x + pv.w / 2},${pv.y + pv.h} ${pv.x + pv.w / 2},${tY} ${ts.x - 2},${tY}" fill="none" stroke="#333" stroke-width="1.5" marker-end="url(#head)"/>`);

  const boxSvg = boxes.map((b) => {
    const header = b.kind.startsWith('header');
    let ty = b.y + PAD + FONT;
    const texts: string[] = [];
    b.wrapped.forEach((lines, i) => {
      for (const l of lines) {
        const weight = i === 0 ? ' font-weight="bold"' : '';
        const anchor = header ? ` text-anchor="middle"` : '';
        const tx = header ? b.x + b.w / 2 : b.x + PAD;
        texts.push(`<text x="${tx}" y="${ty}"${anchor}${weight}>${escapeHtml(l)}</text>`);
        ty += LINE;
      }
    });
    return `<g class="box" data-box="${b.id}" data-n="${b.n}"><rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" rx="${header ? 8 : 2}" fill="${FILL[b.kind]}" stroke="#333"/>${texts.join('')}</g>`;
  });
  const stageSvg = STAGES.map((s) => {
    const y1 = rowY[s.rows[0]]!;
    const y2 = rowY[s.rows[1]]! + rowH[s.rows[1]]!;
    const cx = MARGIN + BAR / 2;
    const cy = (y1 + y2) / 2;
    return `<g class="stage" data-stage="${s.label.toLowerCase()}"><rect x="${MARGIN}" y="${y1}" width="${BAR}" height="${y2 - y1}" rx="6" fill="#9dc3e6" stroke="#333"/>` +
      `<text x="${cx}" y="${cy}" text-anchor="middle" dominant-baseline="central" font-weight="bold" transform="rotate(-90 ${cx} ${cy})">${s.label}</text></g>`;
  });
  const title = `PRISMA 2020 flow diagram for updated systematic reviews${f.sinceDay ? `, update since ${f.sinceDay}` : ''}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="prisma" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Arial, Helvetica, 'Liberation Sans', 'DejaVu Sans', sans-serif" font-size="${FONT}" role="img" aria-label="${escapeHtml(title)}">`,
    `<title>${escapeHtml(title)}</title>`,
    '<defs><marker id="head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker></defs>',
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...stageSvg,
    ...parts,
    ...boxSvg,
    '</svg>',
  ].join('\n');
}

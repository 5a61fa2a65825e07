import { describe, expect, it } from 'vitest';
import type { Report, ReportClaim, ReportEntry } from '../../src/evidence/report.js';
import { escapeHtml, renderReportHtml } from '../../src/report/report-html.js';

const TITLE = 'Effects of <i>MDMA</i> & "3,4-methylenedioxy" on <script>fear</script> it\'s';

function entry(over: Partial<ReportEntry>): ReportEntry {
  return {
    pmid: 30529341, citation: 'Hake HS et al., 2019, Physiol Behav, PMID 30529341, doi:10.1016/j.physbeh.2018.12.009',
    title: TITLE, year: 2019, doi: '10.1016/j.physbeh.2018.12.009', stance: 'contradicts', note: null, reviewer: 'ann',
    at: '2026-01-01T00:00:00Z', retracted: false, retractionNotice: null, disputed: false, kind: 'animal',
    kindOverridden: false, group: null, ...over,
  };
}

function claim(over: Partial<ReportClaim>): ReportClaim {
  return {
    id: 'C7', slug: 'extinction-enhanced', statement: 'MDMA enhances fear-extinction learning & its <retention>.', retired: false,
    counts: { supports: 0, qualifies: 0, contradicts: 0, retracted: 0, disputed: 0 }, papers: [], grade: 'untested',
    reason: '', deciding: [], dependsOn: [], timeline: [], ...over,
  };
}

function report(): Report {
  return {
    generatedAt: '2026-11-27T09:00:00Z',
    claims: [
      claim({
        grade: 'contested', reason: 'Hake <2019> & Young 2015 disagree.', deciding: [30529341],
        counts: { supports: 1, qualifies: 0, contradicts: 1, retracted: 1, disputed: 1 },
        dependsOn: ['C6'],
        timeline: [{ year: 2015, supports: 1, qualifies: 0, contradicts: 0 }, { year: 2019, supports: 1, qualifies: 0, contradicts: 1 }],
        papers: [
          entry({ pmid: 26305477, stance: 'supports', title: 'MDMA & BDNF <b>bold</b>', doi: '10.1038/tp.2015.138', note: '<img src=x onerror=alert(1)>', kindOverridden: true }),
          entry({}),
          entry({ pmid: 35910354, stance: 'supports', disputed: true, reviewer: 'ann' }),
          entry({ pmid: 35910354, stance: 'qualifies', disputed: true, reviewer: 'bob "the reviewer"' }),
          entry({ pmid: 8863847, stance: 'supports', retracted: true, retractionNotice: 9499167, doi: null, title: 'Retracted <u>paper</u>' }),
        ],
      }),
      claim({ id: 'C6', slug: 'bdnf-dependent', statement: 'BDNF/TrkB.' }),
    ],
    chain: { links: [{ from: 'C6', to: 'C7' }], claims: [{ id: 'C6', slug: 'bdnf-dependent', grade: 'untested' }, { id: 'C7', slug: 'extinction-enhanced', grade: 'contested' }], weakest: { id: 'C6', grade: 'untested' } },
    changes: {
      since: '2026-10-01T00:00:00Z', basis: 'previous-report',
      newTags: [{ pmid: 30529341, claim: 'C7', stance: 'contradicts', reviewer: '<ann>', at: '2026-11-01', title: TITLE }],
      retracted: [{ pmid: 8863847, title: 'Retracted <u>paper</u>', notice: 9499167, at: '2026-11-02', claims: ['C7'] }],
      corrected: [],
      grades: [{ claim: 'C7', from: 'speculative', to: 'contested', why: 'a <new> contradicting paper' }],
    },
  };
}

/** The markup with every escaped character sequence removed, to look for raw user text. */
const html = renderReportHtml(report());

describe('escapeHtml', () => {
  it('escapes & < > " and \'', () => {
    expect(escapeHtml(`<a href="x">Tom & Jerry's</a>`)).toBe('&#60;a href=&#34;x&#34;&#62;Tom &#38; Jerry&#39;s&#60;/a&#62;');
  });
});

describe('renderReportHtml', () => {
  it('escapes titles, notes, reasons, statements and reviewers everywhere', () => {
    expect(html).toContain(escapeHtml(TITLE));
    expect(html).not.toContain('<i>MDMA</i>');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<b>bold</b>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<u>');
    expect(html).toContain('Hake &#60;2019&#62; &#38; Young 2015 disagree.');
    expect(html).toContain('learning &#38; its &#60;retention&#62;.');
    expect(html).toContain('bob &#34;the reviewer&#34;');
    expect(html).toContain('a &#60;new&#62; contradicting paper');
    // Only the tags this renderer writes: every '<' starts a known element.
    const tags = new Set([...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => m[1]!.toLowerCase()));
    const allowed = ['html', 'head', 'meta', 'title', 'style', 'body', 'main', 'header', 'h1', 'h2', 'h3', 'h4', 'p', 'i', 'b', 'a', 'time', 'section',
      'table', 'thead', 'tbody', 'tr', 'th', 'td', 'span', 'br', 'svg', 'rect', 'g', 'clippath', 'title', 'ul', 'li', 'blockquote', 'div',
      'figure', 'figcaption', 'line', 'text', 'polyline', 'circle', 'q', 'defs', 'marker', 'path', 'tspan', 'footer'];
    for (const t of tags) expect(allowed, t).toContain(t);
  });

  it('is self-contained: no script, no stylesheet or font fetched, only PubMed and DOI links', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link/i);
    expect(html).not.toMatch(/<img|<iframe|<object|<embed/i);
    expect(html).not.toMatch(/@import|@font-face/i);
    expect(html).not.toMatch(/url\(\s*['"]?(https?:|\/\/)/i);
    // The markup's own tags (user text is escaped, so every '<' here is the renderer's).
    const tags = html.match(/<[a-zA-Z][^>]*>/g) ?? [];
    for (const t of tags) expect(t).not.toMatch(/\s(on[a-z]+|src|srcset|xlink:href)=/i);
    for (const t of tags) expect(t).not.toMatch(/\shref="(?!https:\/\/|#)/);
    // No id is used twice (SVG clip paths and markers included).
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    // Every http(s) URL is the href of an <a>, to PubMed or doi.org.
    const urls = [...html.matchAll(/https?:\/\/[^\s"'<>)]+/g)].map((m) => m[0]);
    expect(urls.length).toBeGreaterThan(0);
    for (const u of urls) expect(u).toMatch(/^https:\/\/(pubmed\.ncbi\.nlm\.nih\.gov\/\d+\/|doi\.org\/)/);
    const hrefs = [...html.matchAll(/<a href="https:[^"]*"/g)].length;
    expect(hrefs).toBe(urls.length);
  });

  it('links papers to PubMed and doi.org, strikes retracted papers and links their notice', () => {
    expect(html).toContain('href="https://pubmed.ncbi.nlm.nih.gov/30529341/"');
    expect(html).toContain('href="https://doi.org/10.1038/tp.2015.138"');
    expect(html).toContain('href="https://doi.org/10.3389/fpsyt.2022.991753"');
    expect(html).toMatch(/<li class="paper retracted" data-pmid="8863847"><div class="struck">/);
    expect(html).toContain('<a href="https://pubmed.ncbi.nlm.nih.gov/9499167/" class="notice">');
    expect(html).toMatch(/<li class="paper disputed" data-pmid="35910354">/);
    // The disputed paper is listed once, with both reviewers.
    expect(html.match(/data-pmid="35910354"/g)).toHaveLength(1);
  });

  it('carries the counts, the grade, the reason, the kind and the review in the page', () => {
    const section = html.slice(html.indexOf('data-claim="C7"'), html.indexOf('data-claim="C6"'));
    for (const [k, v] of Object.entries({ supports: 1, qualifies: 0, contradicts: 1, retracted: 1, disputed: 1 })) {
      expect(section).toContain(`data-count="${k}">${v}<`);
    }
    expect(section).toContain('data-grade="contested"');
    expect(section).toContain('class="reason"');
    expect(section).toContain('>animal<');
    expect(section).toContain('data-series="supports"');
    expect(html).toContain('PMID 36311515');
    expect(html).toContain('Sottile &#38; Vida 2022');
    expect(html).toContain('2026-11-27T09:00:00Z');
  });

  it('draws the chain with the weakest link, and what changed', () => {
    expect(html).toMatch(/<g class="node weakest" data-chain-claim="C6"/);
    expect(html).toContain('weakest link');
    expect(html).toContain('data-section="changes"');
    expect(html).toContain('What changed');
    expect(html).toContain('&#60;ann&#62;');
  });

  it('renders placeholders robustly: no reason, no timeline, no chain, no changes', () => {
    const r: Report = { generatedAt: 'now', claims: [claim({ id: 'C1', slug: 'a', papers: [entry({})], counts: { supports: 0, qualifies: 0, contradicts: 1, retracted: 0, disputed: 0 } })], chain: { links: [], claims: [], weakest: null }, changes: null };
    const out = renderReportHtml(r);
    expect(out).not.toContain('class="reason"');
    expect(out).toContain('No dated papers.');
    expect(out).toContain('no chain to draw');
    expect(out).not.toContain('What changed');
    expect(out).toContain('data-count="contradicts">1<');
  });
});

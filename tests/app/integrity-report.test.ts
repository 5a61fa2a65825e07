import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLibrary } from '../../src/app/store.js';
import { reportFromLibrary } from '../../src/app/report.js';
import { claimSummaries } from '../../src/app/claims.js';
import { findPapers, showPaper } from '../../src/app/library.js';
import { selectExport } from '../../src/app/export.js';
import { tagPaper } from '../../src/app/tagging.js';
import { renderCsv } from '../../src/export/csv.js';
import { renderReportHtml } from '../../src/report/report-html.js';
import { renderReportMarkdown } from '../../src/report/report-markdown.js';
import { renderReportText } from '../../src/report/report-text.js';
import { renderPaper } from '../../src/report/views.js';
import { PLAIN } from '../../src/report/colour.js';
import { createXmlParser } from '../../src/pubmed/xml.js';
import type { Paper } from '../../src/evidence/paper.js';
import { INTEGRITY, storePapers } from '../integrity-support.js';

/** The papers of a real efetch file among the integrity fixtures. */
function pubmedFile(name: string): Paper[] {
  const p = createXmlParser();
  return [...p.push(fs.readFileSync(path.join(INTEGRITY, 'pubmed', name), 'utf8')), ...p.end()].flatMap((i) => (i.kind === 'paper' ? [i.paper] : []));
}

const at = '2026-12-01T09:00:00.000Z';

describe('an expression of concern (PubMed ExpressionOfConcernIn, ncbiutils 22395128) in the evidence', () => {
  function library() {
    const db = openLibrary(':memory:');
    const excerpt = pubmedFile('ncbiutils_pubmed22n1115_excerpt.xml');
    storePapers(db, excerpt);
    tagPaper(db, { pmid: 22395128, claim: 'C7', stance: 'supports', reviewer: 'ann', at });
    // The one with only a CommentIn: an ordinary paper that counts.
    tagPaper(db, { pmid: 12657199, claim: 'C7', stance: 'supports', reviewer: 'ann', at });
    // ErratumIn: corrected, still counted.
    tagPaper(db, { pmid: 20868729, claim: 'C7', stance: 'supports', reviewer: 'ann', at });
    return db;
  }

  it('is counted apart, under concern only, and left out of the grade; the corrected paper still counts', () => {
    const db = library();
    const c7 = reportFromLibrary(db, { claim: 'C7', now: at }).claims[0]!;
    expect(c7.counts).toEqual({ supports: 2, qualifies: 0, contradicts: 0, retracted: 0, disputed: 0, concern: 1 });
    expect(c7.reason).toContain('1 paper under an expression of concern not counted');
    expect(c7.deciding).not.toContain(22395128);
    expect(claimSummaries(db).find((c) => c.id === 'C7')!.counts).toEqual(c7.counts);
    const concern = c7.papers.find((e) => e.pmid === 22395128)!;
    expect(concern).toMatchObject({ concern: true, retracted: false });
    expect(c7.papers.find((e) => e.pmid === 20868729)!.integrity).toMatchObject({ status: 'corrected', corrected: true });
  });

  it('is shown in its own group in the text, Markdown and HTML reports, with the notice linked', () => {
    const db = library();
    const r = reportFromLibrary(db, { claim: 'C7', now: at });
    const text = renderReportText(r, PLAIN);
    expect(text).toContain('2 support · 0 qualify · 0 contradict · 0 retracted · 0 disputed · 1 under concern');
    expect(text).toContain(' Under an expression of concern (counted apart, left out of the grade):');
    expect(text).toContain('UNDER AN EXPRESSION OF CONCERN (was: supports); counted apart, not in the grade');
    expect(text).toContain('expression of concern: notice PMID 34752162');
    expect(text).toContain('https://pubmed.ncbi.nlm.nih.gov/34752162/');
    const md = renderReportMarkdown(r);
    expect(md).toContain('| Claim | Statement | Supports | Qualifies | Contradicts | Retracted | Disputed | Concern | Grade |');
    expect(md).toContain('### Under an expression of concern');
    const html = renderReportHtml(r);
    expect(html).toContain('data-group="concern"');
    expect(html).toContain('href="https://pubmed.ncbi.nlm.nih.gov/34752162/"');
  });

  it('is listed by papers --status concern and --status corrected, and exported with its status', () => {
    const db = library();
    expect(findPapers(db, { filter: 'all', status: 'concern' }).map((p) => p.pmid)).toEqual([22395128]);
    expect(findPapers(db, { filter: 'all', status: 'corrected' }).map((p) => p.pmid)).toEqual([20868729]);
    expect(findPapers(db, { filter: 'all', status: 'retracted' })).toEqual([]);
    const csv = renderCsv(selectExport(db, {}).items);
    const line = csv.split('\r\n').find((l) => l.startsWith('22395128,'))!;
    expect(line).toContain(',false,expression of concern,C7:supports,');
    expect(line).toContain('EXPRESSION OF CONCERN (source: PubMed; notice https://pubmed.ncbi.nlm.nih.gov/34752162/)');
  });

  it('show names a notice record as a notice', () => {
    const db = openLibrary(':memory:');
    storePapers(db, pubmedFile('retractobot_pubmed_retraction_notice_27508352.xml'));
    expect(renderPaper(showPaper(db, 27508352), PLAIN, 100)).toContain('This record is itself a retraction notice, not a study');
  });
});

import { describe, expect, it } from 'vitest';
import { escapeMarkdown, renderReportMarkdown } from '../../src/report/report-markdown.js';
import { renderReportText } from '../../src/report/report-text.js';
import { PLAIN } from '../../src/report/colour.js';
import type { Report, ReportClaim } from '../../src/evidence/report.js';

const graded = { grade: 'untested', reason: 'untested: no paper counts (1 retracted paper not counted)', deciding: [], dependsOn: [], timeline: [] } as const;
const noChain = { chain: { links: [], claims: [], weakest: null }, changes: null };
const kinded = { kind: 'in-vitro', kindOverridden: false, group: 'Chen X' } as const;

describe('escapeMarkdown', () => {
  it('neutralises emphasis, links, HTML and table pipes but leaves plain punctuation readable', () => {
    expect(escapeMarkdown('<script>alert(1)</script> *a* _b_ [c](d) x|y')).toBe('\\<script\\>alert(1)\\</script\\> \\*a\\* \\_b\\_ \\[c\\](d) x\\|y');
    expect(escapeMarkdown('MDMA (3,4-methylenedioxymethamphetamine) + BDNF!')).toBe('MDMA (3,4-methylenedioxymethamphetamine) + BDNF!');
  });
});

describe('renderReportMarkdown', () => {
  it('strikes a retracted paper through and links its notice', () => {
    const md = renderReportMarkdown({
      generatedAt: 't', ...noChain,
      claims: [{ ...graded,
        id: 'C7', slug: 'extinction-enhanced', statement: 'S.', retired: false,
        counts: { supports: 0, qualifies: 0, contradicts: 0, retracted: 1, disputed: 0 },
        papers: [{ pmid: 8863847, citation: 'Yu SM et al., 1996, Mol. Pharmacol., PMID 8863847', title: 'T <i>x</i>', year: 1996, doi: null, stance: 'supports', note: null, reviewer: 'ann', at: 't', retracted: true, retractionNotice: 9499167, disputed: false, ...kinded }],
      }],
    });
    expect(md).toContain('| C7 extinction-enhanced | S. | 0 | 0 | 0 | 1 | 0 |');
    expect(md).toMatch(/~~Yu SM et al\., 1996, Mol\. Pharmacol\. T \\<i\\>x\\<\/i\\> \[PMID 8863847\]\(https:\/\/pubmed\.ncbi\.nlm\.nih\.gov\/8863847\/\)~~ \*\*RETRACTED\*\* \(was: supports; not counted, \[retraction notice\]\(https:\/\/pubmed\.ncbi\.nlm\.nih\.gov\/9499167\/\)\)/);
  });
});

describe('renderReportMarkdown with a disputed paper and a statement history', () => {
  const base = { citation: 'Sedykh I et al., 2016, Sci Rep, PMID 27687975', title: 'A *title*', year: 2016, doi: null, at: 't', retracted: false, retractionNotice: null, disputed: true, ...kinded };
  const md = renderReportMarkdown({
    generatedAt: 't', ...noChain,
    claims: [{ ...graded,
      id: 'C7', slug: 'extinction-enhanced', statement: 'New.', retired: false,
      counts: { supports: 0, qualifies: 0, contradicts: 0, retracted: 0, disputed: 1 },
      papers: [
        { ...base, pmid: 27687975, stance: 'supports', note: 'mice', reviewer: 'ann' },
        { ...base, pmid: 27687975, stance: 'contradicts', note: null, reviewer: 'bob' },
      ],
      statementHistory: [{ claimId: 'C7', at: '2025-01-02T10:00:00.000Z', actor: 'carol', from: 'Old *claim*.', to: 'New.' }],
    }],
  });
  it('lists the paper once under Disputed with each reviewer\'s stance, and counts it in the Disputed column', () => {
    expect(md).toContain('| C7 extinction-enhanced | New. | 0 | 0 | 0 | 0 | 1 |');
    expect(md).toContain('### Disputed');
    expect(md).not.toContain('### Supports');
    expect(md.match(/PMID 27687975\]/g)).toHaveLength(1);
    expect(md).toContain('  - **supports** — ann “mice”\n  - **contradicts** — bob');
  });
  it('shows when the statement changed, who changed it and what it said before', () => {
    expect(md).toContain('- 2025-01-02T10:00:00.000Z, carol; before: “Old \\*claim\\*.”');
  });
});

describe('grades, kinds, timeline, chain and changes in markdown and text', () => {
  const claim = (id: string, slug: string, over: Partial<ReportClaim>): ReportClaim => ({
    id, slug, statement: `${slug}.`, retired: false, counts: { supports: 0, qualifies: 0, contradicts: 0, retracted: 0, disputed: 0 },
    papers: [], grade: 'untested', reason: 'untested: no paper tagged yet', deciding: [], dependsOn: [], timeline: [], ...over,
  });
  const report: Report = {
    generatedAt: 't',
    claims: [
      claim('C3', 'ptsd-fear-circuit', {
        counts: { supports: 1, qualifies: 0, contradicts: 0, retracted: 0, disputed: 0 },
        grade: 'speculative', reason: 'speculative: 1 animal study (PMID 1) from 1 group supports; no patient data; strength 1 for, 0 against', deciding: [1],
        timeline: [{ year: 2015, supports: 1, qualifies: 0, contradicts: 0 }, { year: 2019, supports: 2, qualifies: 0, contradicts: 1 }],
        papers: [{ pmid: 1, citation: 'Young MB et al., 2015, Transl Psychiatry, PMID 1', title: null, year: 2015, doi: null, stance: 'supports', note: null, reviewer: 'ann', at: 't', retracted: false, retractionNotice: null, disputed: false, kind: 'rct-patients', kindOverridden: true, group: 'Ressler KJ' }],
      }),
      claim('C5', 'mdma-bdnf', { dependsOn: ['C3'] }),
    ],
    chain: { links: [{ from: 'C3', to: 'C5' }], claims: [{ id: 'C3', slug: 'ptsd-fear-circuit', grade: 'speculative' }, { id: 'C5', slug: 'mdma-bdnf', grade: 'untested' }], weakest: { id: 'C5', grade: 'untested' } },
    changes: {
      since: '2025-01-01', basis: 'date',
      newTags: [{ pmid: 1, claim: 'C3', stance: 'supports', reviewer: 'ann', at: '2025-02-01', title: 'A title' }],
      retracted: [{ pmid: 8863847, title: null, notice: 9499167, at: '2025-02-02', claims: ['C7'] }],
      corrected: [{ pmid: 7, title: null, kind: 'erratum', notice: 8, at: '2025-02-03', claims: [] }],
      grades: [{ claim: 'C7', from: 'moderately supported', to: 'untested', why: 'PMID 8863847 was retracted' }],
    },
  };

  it('markdown: grade column, grade and reason, kind, timeline, chain with its weakest link, and what changed', () => {
    const md = renderReportMarkdown(report);
    expect(md).toContain('| C3 ptsd-fear-circuit | ptsd-fear-circuit. | 1 | 0 | 0 | 0 | 0 | speculative |');
    expect(md).toContain('**Grade: speculative.** 1 animal study (PMID 1) from 1 group supports; no patient data; strength 1 for, 0 against');
    expect(md).toContain('By year (supports/qualifies/contradicts, cumulative): 2015 1/0/0 · 2019 2/0/1');
    expect(md).toContain('— ann · _rct-patients_ (set by a reviewer)');
    expect(md).toContain('## Mechanism chain\n\n- C3 ptsd-fear-circuit (**speculative**) → C5 mdma-bdnf (**untested**)');
    expect(md).toContain('Weakest link: **C5 mdma-bdnf** (untested)');
    expect(md).toContain('## What changed since 2025-01-01');
    expect(md).toContain('- newly retracted: PMID 8863847, notice PMID 9499167; bears on C7');
    expect(md).toContain('- grade of C7: moderately supported → untested: PMID 8863847 was retracted');
  });

  it('text: the grade next to the counts, the kind by the citation, the timeline, chain and changes', () => {
    const text = renderReportText(report, PLAIN);
    expect(text).toMatch(/1 support · 0 qualify · 0 contradict · 0 retracted · 0 disputed\n {2}speculative: 1 animal study \(PMID 1\)/);
    expect(text).toContain('PMID 1 [rct-patients, set by a reviewer]');
    expect(text).toContain('by year (supports/qualifies/contradicts, cumulative): 2015 1/0/0 · 2019 2/0/1');
    expect(text).toContain('Mechanism chain\n  C3 ptsd-fear-circuit [speculative] -> C5 mdma-bdnf [untested]\n  weakest link: C5 mdma-bdnf (untested)');
    expect(text).toContain('What changed since 2025-01-01\n  new tag: PMID 1 C3 supports by ann, 2025-02-01 (A title)');
    expect(text).toContain('corrected (erratum): PMID 7, notice PMID 8');
  });

  it('says when there is nothing to compare with, and leaves the chain out when empty', () => {
    const text = renderReportText({ ...report, chain: { links: [], claims: [], weakest: null }, changes: { since: '', basis: 'none', newTags: [], retracted: [], corrected: [], grades: [] } }, PLAIN);
    expect(text).toContain('What changed: nothing to compare with yet');
    expect(text).not.toContain('Mechanism chain');
  });
});

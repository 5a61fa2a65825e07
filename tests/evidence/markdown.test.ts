import { describe, expect, it } from 'vitest';
import { escapeMarkdown, renderReportMarkdown } from '../../src/report/report-markdown.js';

describe('escapeMarkdown', () => {
  it('neutralises emphasis, links, HTML and table pipes but leaves plain punctuation readable', () => {
    expect(escapeMarkdown('<script>alert(1)</script> *a* _b_ [c](d) x|y')).toBe('\\<script\\>alert(1)\\</script\\> \\*a\\* \\_b\\_ \\[c\\](d) x\\|y');
    expect(escapeMarkdown('MDMA (3,4-methylenedioxymethamphetamine) + BDNF!')).toBe('MDMA (3,4-methylenedioxymethamphetamine) + BDNF!');
  });
});

describe('renderReportMarkdown', () => {
  it('strikes a retracted paper through and links its notice', () => {
    const md = renderReportMarkdown({
      generatedAt: 't',
      claims: [{
        id: 'C7', slug: 'extinction-enhanced', statement: 'S.', retired: false,
        counts: { supports: 0, qualifies: 0, contradicts: 0, retracted: 1, disputed: 0 },
        papers: [{ pmid: 8863847, citation: 'Yu SM et al., 1996, Mol. Pharmacol., PMID 8863847', title: 'T <i>x</i>', year: 1996, doi: null, stance: 'supports', note: null, reviewer: 'ann', at: 't', retracted: true, retractionNotice: 9499167, disputed: false }],
      }],
    });
    expect(md).toContain('| C7 extinction-enhanced | S. | 0 | 0 | 0 | 1 | 0 |');
    expect(md).toMatch(/~~Yu SM et al\., 1996, Mol\. Pharmacol\. T \\<i\\>x\\<\/i\\> \[PMID 8863847\]\(https:\/\/pubmed\.ncbi\.nlm\.nih\.gov\/8863847\/\)~~ \*\*RETRACTED\*\* \(was: supports; not counted, \[retraction notice\]\(https:\/\/pubmed\.ncbi\.nlm\.nih\.gov\/9499167\/\)\)/);
  });
});

describe('renderReportMarkdown with a disputed paper and a statement history', () => {
  const base = { citation: 'Sedykh I et al., 2016, Sci Rep, PMID 27687975', title: 'A *title*', year: 2016, doi: null, at: 't', retracted: false, retractionNotice: null, disputed: true };
  const md = renderReportMarkdown({
    generatedAt: 't',
    claims: [{
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

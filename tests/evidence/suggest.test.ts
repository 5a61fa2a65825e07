import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Claim } from '../../src/evidence/claims.js';
import type { Paper } from '../../src/evidence/paper.js';
import { stemWord, suggestClaims, suggestionScore, withLearned } from '../../src/evidence/suggest.js';
import { createXmlParser } from '../../src/pubmed/xml.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLAIMS: Claim[] = (JSON.parse(readFileSync(`${ROOT}data/claims.json`, 'utf8')).claims as Omit<Claim, 'retiredAt'>[])
  .map((c) => ({ ...c, retiredAt: null }));
const SAMPLE = fileURLToPath(new URL('../../../shared/fixtures/pubmed/efetch/julielab__pubmedsample18n0001.xml.gz', import.meta.url));

function samplePapers(): Map<number, Paper> {
  const parser = createXmlParser();
  const items = [...parser.push(gunzipSync(readFileSync(SAMPLE)).toString('utf8')), ...parser.end()];
  return new Map(items.flatMap((i) => (i.kind === 'paper' ? [[i.paper.pmid, i.paper] as const] : [])));
}
const PAPERS = samplePapers();
const paper = (pmid: number): Paper => {
  const p = PAPERS.get(pmid);
  if (!p) throw new Error(`PMID ${pmid} not in the sample`);
  return p;
};

describe('suggestClaims on real PubMed records', () => {
  it('puts the plasticity claim first for a dendritic-spine / synaptic-plasticity paper, naming the keywords', () => {
    // 23685357: "Eps8 controls dendritic spine density and synaptic plasticity through its actin-capping activity."
    const s = suggestClaims(paper(23685357), CLAIMS);
    expect(s[0]!.claim.id).toBe('C4');
    expect(s[0]!.matched).toEqual(expect.arrayContaining(['plasticity', 'synaptic plasticity', 'dendritic spine']));
    // Keyword phrases come before statement words in the explanation.
    expect(s[0]!.matched[0]).toBe('plasticity');
    for (let i = 1; i < s.length; i++) expect(s[i - 1]!.score).toBeGreaterThanOrEqual(s[i]!.score);
  });

  it('suggests the hippocampus claims for a hippocampal-stimulation paper that has only a title and MeSH', () => {
    // 5757641: "[The effect of immediate stimulation of the hippocampus on reflex reactions in animals]", no abstract.
    const s = suggestClaims(paper(5757641), CLAIMS);
    expect(s.map((x) => x.claim.id).slice(0, 2).sort()).toEqual(['C3', 'C5']);
    expect(s.find((x) => x.claim.id === 'C3')!.matched).toContain('hippocampus');
  });

  it('suggests nothing for a paper about volcanoes', () => {
    expect(suggestClaims(paper(11567133), CLAIMS)).toEqual([]);
  });

  it('matches a MeSH heading as a phrase: "Randomized Controlled Trials as Topic" hits the C9 keyword', () => {
    const s = suggestClaims(paper(11034741), CLAIMS);
    const c9 = s.find((x) => x.claim.id === 'C9');
    expect(c9?.matched).toContain('randomized controlled trial');
  });
});

describe('suggestClaims scoring rules', () => {
  const base = { title: null, abstract: null, mesh: [], keywords: [] };

  it('weighs a keyword phrase above statement words, ignores stop-words, and folds inflections', () => {
    const s = suggestClaims({ ...base, abstract: 'Conditioned fear memories and their reconsolidation after memory reactivation in rats.' }, CLAIMS);
    const c8 = s.find((x) => x.claim.id === 'C8')!;
    expect(c8.matched).toEqual(expect.arrayContaining(['fear memory', 'memory reactivation', 'reconsolidation']));
    expect(s[0]!.claim.id).toBe('C8');
    const c7 = s.find((x) => x.claim.id === 'C7')!;
    expect(c7.matched).toContain('conditioned fear');
  });

  it('needs more than one stray word of a statement to suggest a claim', () => {
    expect(suggestClaims({ ...base, abstract: 'Patients were seen.' }, CLAIMS)).toEqual([]);
  });

  it('does not count the same keyword twice (BDNF and Bdnf)', () => {
    const c5 = suggestClaims({ ...base, abstract: 'Bdnf mRNA rose.' }, CLAIMS).find((x) => x.claim.id === 'C5')!;
    expect(c5.matched.filter((m) => m.toLowerCase() === 'bdnf')).toHaveLength(1);
  });

  it('stems lightly', () => {
    expect(stemWord('memories')).toBe(stemWord('memory'));
    expect(stemWord('signalling')).toBe(stemWord('signaling'));
    expect(stemWord('conditioned')).toBe(stemWord('conditioning'));
    expect(stemWord('hippocampus')).toBe('hippocampus');
  });
});

describe('withLearned: learned suggestions for claims with tags, keywords for the others', () => {
  const claim = (id: string): Claim => ({ id, slug: `s-${id}`, statement: '', keywords: [], dependsOn: [], retiredAt: null });
  const claims = ['C1', 'C2', 'C3', 'C4'].map(claim);
  const kw = (id: string, score: number, matched: string[]): { claim: Claim; score: number; matched: string[] } => ({ claim: claim(id), score, matched });

  it('orders learned claims by probability, drops a tagged claim the learning does not back, and keeps the cold start for untagged ones', () => {
    const keyword = [kw('C2', 6, ['fear extinction']), kw('C3', 4, ['amygdala']), kw('C4', 2, ['bdnf'])];
    const learned = new Map([['C1', 0.9], ['C3', 0.7], ['C2', 0.2]]);
    const out = withLearned(keyword, learned, claims);
    expect(out.map((s) => [s.claim.id, s.learned])).toEqual([['C1', 0.9], ['C3', 0.7], ['C4', null]]);
    // A learned claim keeps the words its keywords matched, for the card's "matched: ..." hint.
    expect(out[1]!.matched).toEqual(['amygdala']);
    expect(suggestionScore(out[0]!)).toBe(0.9);
    expect(suggestionScore(out[2]!)).toBeCloseTo(2 / 7, 12);
  });

  it('is the keyword suggestion unchanged when no claim has tags', () => {
    const keyword = [kw('C2', 6, ['fear extinction'])];
    expect(withLearned(keyword, new Map(), claims)).toEqual([{ ...keyword[0], learned: null }]);
  });
});

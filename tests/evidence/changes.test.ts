import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { paperChanges } from '../../src/evidence/changes.js';
import { parseRecordXml } from '../../src/pubmed/xml.js';
import type { Paper } from '../../src/evidence/paper.js';
import { FIXTURES } from '../helpers.js';

function record(file: string): Paper {
  const xml = fs.readFileSync(path.join(FIXTURES, 'efetch', file), 'utf8');
  const m = /<PubmedArticle>[\s\S]*?<\/PubmedArticle>/.exec(xml);
  return parseRecordXml(m![0]);
}

describe('paperChanges', () => {
  const retracted = record('retractobot__pubmed_retracted_publication.xml');
  const before: Paper = {
    ...retracted,
    retracted: false,
    links: retracted.links.filter((l) => l.type !== 'RetractionIn'),
    publicationTypes: retracted.publicationTypes.filter((t) => t !== 'Retracted Publication'),
    raw: retracted.raw.replace('RetractionIn', 'X'),
  };

  it('sees a retraction and names the notice', () => {
    expect(retracted.retracted).toBe(true);
    const c = paperChanges(before, retracted);
    expect(c?.kinds).toEqual(['retracted']);
    expect(c?.notices).toEqual(retracted.links.filter((l) => l.type === 'RetractionIn').map((l) => l.pmid));
  });

  it('says nothing when the record is the same', () => {
    expect(paperChanges(retracted, retracted)).toBeNull();
  });

  it('reports a new erratum and a new expression of concern, not old ones', () => {
    const withErratum: Paper = { ...before, links: [...before.links, { type: 'ErratumIn', pmid: 111, source: 'J 2020' }], raw: `${before.raw} ` };
    expect(paperChanges(before, withErratum)).toEqual({ pmid: before.pmid, kinds: ['erratum'], notices: [111] });
    const withBoth: Paper = { ...withErratum, links: [...withErratum.links, { type: 'ExpressionOfConcernIn', pmid: 222, source: null }], raw: `${before.raw}  ` };
    expect(paperChanges(withErratum, withBoth)).toEqual({ pmid: before.pmid, kinds: ['expression-of-concern'], notices: [222] });
  });

  it('calls any other content change a revision', () => {
    expect(paperChanges(before, { ...before, raw: `${before.raw}\n` })?.kinds).toEqual(['revised']);
  });
});

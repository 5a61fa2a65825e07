import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMedlineRecord } from '../../src/pubmed/medline.js';
import { createXmlParser } from '../../src/pubmed/xml.js';
import { pubmedNotices } from '../../src/evidence/integrity.js';
import { fixture } from '../helpers.js';
import { INTEGRITY } from '../integrity-support.js';

// No fixture holds a RetractedandRepublished, CorrectedandRepublished or UpdateOf link in MEDLINE form, nor a
// RetractedandRepublishedIn in XML. These tests take a REAL record and add or rename one link, and say which.

describe('the CommentsCorrections types that bear on integrity', () => {
  it('MEDLINE: RRI, RRF, CRI, CRF, UIN and UOF lines become links (added to the real biopython record)', () => {
    const real = fs.readFileSync(fixture('medline/biopython__pubmed_result1.txt'), 'utf8').trimEnd();
    const text = `${real}\nRRI - J Test. 2020;1:1. (PMID 11111111)\nRRF - J Test. 2019;1:2.\nCRI - J Test. 2021;1:3.\nCRF - J Test. 2018;1:4.\nUIN - J Test. 2022;1:5.\nUOF - J Test. 2017;1:6.\n`;
    const p = parseMedlineRecord(text);
    expect(p.links.map((l) => l.type)).toEqual(
      ['RetractedandRepublishedIn', 'RetractedandRepublishedFrom', 'CorrectedandRepublishedIn', 'CorrectedandRepublishedFrom', 'UpdateIn', 'UpdateOf'],
    );
    expect(p.retracted).toBe(true);
    expect(pubmedNotices(p).map((n) => n.status)).toEqual(['retracted-republished', 'corrected']);
  });

  it('XML: a RetractionIn renamed RetractedandRepublishedIn (the real retractobot record 10066780) is retracted and republished', () => {
    const xml = fs.readFileSync(path.join(INTEGRITY, 'pubmed', 'retractobot_pubmed_retracted_publication_10066780.xml'), 'utf8')
      .replace('RefType="RetractionIn"', 'RefType="RetractedandRepublishedIn"');
    const parser = createXmlParser();
    const [item] = [...parser.push(xml), ...parser.end()];
    const p = item!.kind === 'paper' ? item!.paper : null;
    expect(p!.links.map((l) => l.type)).toEqual(['ErratumIn', 'RetractedandRepublishedIn']);
    expect(p!.retracted).toBe(true);
    // "Retracted Publication" is also among its types; the named notice stands for it.
    expect(pubmedNotices(p!).map((n) => n.status)).toEqual(['corrected', 'retracted-republished']);
  });
});

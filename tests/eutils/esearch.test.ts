import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../src/errors.js';
import { parseEsearch, parseEsearchJson, parseEsearchXml, type EsearchResult } from '../../src/eutils/esearch.js';
import { FIXTURES } from '../helpers.js';

const read = (rel: string): string => readFileSync(path.join(FIXTURES, rel), 'utf8');

/** Expected values for each parseable real esearch answer; ids checked by length, first and last. */
interface Expected {
  count: number;
  retstart: number;
  retmax: number;
  n: number;
  first?: number;
  last?: number;
  webenv?: string;
  queryKey?: string;
  phrasesNotFound: string[];
  warnings: string[];
  queryTranslation: string;
}

const KLORTHO_PUBMED: Expected = {
  count: 15169,
  retstart: 0,
  retmax: 100,
  n: 100,
  first: 23175848,
  last: 23174999,
  webenv: 'NCID_1_18991374_130.14.18.48_5555_1353814292_87026138',
  queryKey: '1',
  phrasesNotFound: [],
  warnings: [],
  queryTranslation: '("neoplasms"[MeSH Terms] OR "neoplasms"[All Fields] OR "cancer"[All Fields]) AND 2012/09/25[EDAT] : 2012/11/24[EDAT]',
};
const KLORTHO_ERRORLIST: Expected = {
  count: 5163,
  retstart: 0,
  retmax: 20,
  n: 20,
  first: 101595451,
  last: 101557580,
  phrasesNotFound: ['fleegle[MeSH Terms]'],
  warnings: [],
  queryTranslation: '"obstetrics"[MeSH Terms]',
};
const MCID: Expected = {
  count: 42249,
  retstart: 0,
  retmax: 100,
  n: 100,
  first: 41297076,
  last: 41296368,
  webenv: 'MCID_6927d6e7fee3e90f880ec190',
  queryKey: '1',
  phrasesNotFound: [],
  warnings: [],
  queryTranslation: expect.stringContaining('2025/09/27:2025/11/26[Date - Entry]') as unknown as string,
};
const RETSTART: Expected = {
  count: 2651,
  retstart: 6,
  retmax: 6,
  n: 6,
  first: 11121077,
  last: 11121072,
  phrasesNotFound: [],
  warnings: [],
  queryTranslation: '"proc natl acad sci u s a"[Journal] AND "97"[Volume]',
};
const EMPTY: Expected = {
  count: 0,
  retstart: 0,
  retmax: 0,
  n: 0,
  phrasesNotFound: ['abcXYZ'],
  warnings: ['No items found.'],
  queryTranslation: '(abcXYZ[All Fields])',
};

const CASES: Record<string, Expected> = {
  'esearch/klortho__esearch.pubmed.xml': KLORTHO_PUBMED,
  'esearch/klortho__esearch.pubmed.json': KLORTHO_PUBMED,
  'errors/esearch-pubmed-usehistory.xml': KLORTHO_PUBMED,
  'errors/esearch-pubmed-usehistory.json': KLORTHO_PUBMED,
  'esearch/klortho__esearch.error.xml': KLORTHO_ERRORLIST,
  'esearch/klortho__esearch.error.json': KLORTHO_ERRORLIST,
  'errors/esearch-errorlist-phrasenotfound.xml': KLORTHO_ERRORLIST,
  'errors/esearch-errorlist-phrasenotfound.json': KLORTHO_ERRORLIST,
  'esearch/biopython__esearch2.xml': MCID,
  'errors/esearch-pubmed-usehistory-MCID-webenv.xml': MCID,
  'esearch/biopython__esearch3.xml': RETSTART,
  'errors/esearch-translationset-retstart.xml': RETSTART,
  'esearch/biopython__esearch8.xml': EMPTY,
  'errors/esearch-phrasenotfound-and-warninglist.xml': EMPTY,
  'esearch/biopython__esearch1.xml': {
    count: 63,
    retstart: 0,
    retmax: 20,
    n: 20,
    first: 41282813,
    last: 37810457,
    phrasesNotFound: [],
    warnings: [],
    queryTranslation: '"biopython"[All Fields]',
  },
  'esearch/biocommons__esearch_hart_rk.xml': {
    count: 34,
    retstart: 0,
    retmax: 34,
    n: 34,
    first: 40455089,
    last: 6067859,
    webenv: 'MCID_6934533c4c5abba8c303da1d',
    queryKey: '1',
    phrasesNotFound: [],
    warnings: [],
    queryTranslation: 'hart, rk[Author] OR hart rk[Author]',
  },
};

const ERROR_FILES = [
  'esearch/klortho__esearch.baderror.xml',
  'esearch/klortho__esearch.baderror.json',
  'errors/esearch-ERROR-invalid-db.xml',
  'errors/esearch-ERROR-invalid-db.json',
];

function check(got: EsearchResult, want: Expected): void {
  expect(got.count).toBe(want.count);
  expect(got.retstart).toBe(want.retstart);
  expect(got.retmax).toBe(want.retmax);
  expect(got.ids).toHaveLength(want.n);
  expect(got.ids.every((id) => Number.isInteger(id) && id > 0)).toBe(true);
  if (want.first !== undefined) expect(got.ids[0]).toBe(want.first);
  if (want.last !== undefined) expect(got.ids[got.ids.length - 1]).toBe(want.last);
  expect(got.webenv).toBe(want.webenv);
  expect(got.queryKey).toBe(want.queryKey);
  expect(got.phrasesNotFound).toEqual(want.phrasesNotFound);
  expect(got.warnings).toEqual(want.warnings);
  expect(got.queryTranslation).toEqual(want.queryTranslation);
}

describe('parseEsearch on every real esearch answer', () => {
  for (const [file, want] of Object.entries(CASES)) {
    it(file, () => {
      const mode = file.endsWith('.json') ? 'json' : 'xml';
      check(parseEsearch(read(file), mode), want);
    });
  }

  it('XML and JSON twins give the same result', () => {
    expect(parseEsearchJson(read('esearch/klortho__esearch.pubmed.json'))).toEqual(parseEsearchXml(read('esearch/klortho__esearch.pubmed.xml')));
    expect(parseEsearchJson(read('esearch/klortho__esearch.error.json'))).toEqual(parseEsearchXml(read('esearch/klortho__esearch.error.xml')));
  });

  it('keeps the id order PubMed gave', () => {
    const ids = parseEsearchXml(read('esearch/biopython__esearch3.xml')).ids;
    expect(ids).toEqual([11121077, 11121076, 11121075, 11121074, 11121073, 11121072]);
  });

  for (const file of ERROR_FILES) {
    it(`${file} is refused with its ERROR text`, () => {
      const mode = file.endsWith('.json') ? 'json' : 'xml';
      expect(() => parseEsearch(read(file), mode)).toThrow(ParseError);
      expect(() => parseEsearch(read(file), mode)).toThrow('Invalid db name specified: fleegle');
    });
  }
});

describe('parseEsearch on malformed answers', () => {
  it('refuses a missing or non-numeric Count', () => {
    const body = read('esearch/biopython__esearch1.xml');
    expect(() => parseEsearchXml(body.replace('<Count>63</Count>', ''))).toThrow(/Count/);
    expect(() => parseEsearchXml(body.replace('<Count>63</Count>', '<Count>6x3</Count>'))).toThrow(ParseError);
  });

  it('refuses an invalid PMID', () => {
    const body = read('esearch/biopython__esearch1.xml').replace('<Id>41282813</Id>', '<Id>4128x</Id>');
    expect(() => parseEsearchXml(body)).toThrow(/invalid PMID/);
  });

  it('refuses JSON without esearchresult and decodes raw newlines', () => {
    expect(() => parseEsearchJson('{"header":{}}')).toThrow(ParseError);
    const json = read('esearch/klortho__esearch.error.json').replace('"querytranslation": "', '"querytranslation": "\n');
    expect(parseEsearchJson(json).count).toBe(5163);
  });

  it('reads FieldNotFound and WarningList entries as warnings', () => {
    const body = read('esearch/biopython__esearch8.xml').replace(
      '<ErrorList><PhraseNotFound>abcXYZ</PhraseNotFound></ErrorList><WarningList>',
      '<ErrorList><PhraseNotFound>abcXYZ</PhraseNotFound><FieldNotFound>zz</FieldNotFound></ErrorList><WarningList><PhraseIgnored>of</PhraseIgnored>',
    );
    expect(parseEsearchXml(body).warnings).toEqual(['No items found.', 'field not found: zz', 'phrase ignored: of']);
  });
});

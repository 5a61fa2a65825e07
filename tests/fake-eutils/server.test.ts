import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseRecordXml } from '../../src/pubmed/xml.js';
import { fixture } from '../helpers.js';
import { splitRecords } from './corpus.js';
import { FakeEutils, loadFixtureCorpus, makeRecord, withoutRetraction, type CorpusRecord } from './server.js';

const run = promisify(execFile);
const errorFile = (name: string): string => fs.readFileSync(fixture(`errors/${name}`), 'utf8');

/** Every fixture efetch file's bytes (gunzipped), to prove served records are cut from them unchanged. */
function fixtureBuffers(): Buffer[] {
  const out: Buffer[] = [];
  const walk = (dir: string): void => {
    for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, ent.name);
      if (ent.isDirectory()) walk(p);
      else if (p.endsWith('.xml')) out.push(fs.readFileSync(p));
      else if (p.endsWith('.xml.gz')) out.push(gunzipSync(fs.readFileSync(p)));
    }
  };
  walk(fixture('efetch'));
  return out;
}

/** Child element names of the root, in document order. */
function childNames(xml: string, root: string): string[] {
  const doc = new XMLParser({ preserveOrder: true, ignoreAttributes: true }).parse(xml) as Record<string, unknown>[];
  const node = doc.find((n) => root in n) as Record<string, Record<string, unknown>[]> | undefined;
  if (!node) throw new Error(`no <${root}> in ${xml.slice(0, 200)}`);
  return node[root]!.map((c) => Object.keys(c)[0]!);
}

const parseXml = (xml: string): Record<string, any> => new XMLParser({ isArray: (name) => name === 'Id' }).parse(xml);
const idsOf = (xml: string): number[] => ((parseXml(xml).eSearchResult.IdList?.Id ?? []) as unknown[]).map(Number);
const pmidsOfSet = (xml: string): number[] => splitRecords(xml).map((r) => Number(/<PMID[^>]*>(\d+)</.exec(r)![1]));

// Real records with known dates (read from their XML): edat / mdat / pdat.
const R10066780 = 10066780; // 1999/03/06, 2007/11/14, 1999/03/12; Retracted Publication (retractobot)
const R8863847 = 8863847; //   1996/10/01, 2014/11/20, 1996/10/01; Retracted Publication (julielab sample)
const R23078996 = 23078996; // 2012/10/20
const R36400559 = 36400559; // 2022/11/18
const R28731372 = 28731372; // 2017/07/22
const R39626064 = 39626064; // 2024/12/03, the newest PubmedArticle
const WINDOW = [R10066780, R8863847, R23078996, R36400559, R28731372, R39626064];
// An id-only result set larger than PubMed's window, spread evenly over the PMID range (no records behind it).
const BIG = Array.from({ length: 10_050 }, (_, i) => 1000 + i * 3900);

let corpus: CorpusRecord[];
let fake: FakeEutils;
let base: string;
const get = async (q: string): Promise<Response> => fetch(base + q);
const post = async (endpoint: string, form: Record<string, string>, query = ''): Promise<Response> =>
  fetch(`${base}${endpoint}${query}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });

beforeAll(async () => {
  corpus = loadFixtureCorpus();
  fake = new FakeEutils({ corpus, today: '2026/11/27', searches: { window: WINDOW, 'big set': BIG }, seed: 7 });
  base = await fake.start();
});
afterAll(async () => {
  await fake.close();
});
afterEach(() => {
  fake.today = '2026/11/27';
  fake.randomFaults(0);
});

describe('the corpus', () => {
  it('holds every record of every fixture file once, cut byte-for-byte from its file', () => {
    const bufs = fixtureBuffers();
    const blocks = bufs.flatMap((b) => splitRecords(b.toString('utf8')));
    const unique = new Set(blocks.map((b) => makeRecord(b).pmid));
    expect(corpus.length).toBe(unique.size);
    expect(corpus.length).toBeGreaterThan(250);
    for (const rec of corpus) expect(bufs.some((b) => b.includes(Buffer.from(rec.xml, 'utf8')))).toBe(true);
  });

  it('reads edat from the entrez history date, mdat from DateRevised, pdat from PubDate', () => {
    const r = corpus.find((c) => c.pmid === R10066780)!;
    expect(r).toMatchObject({ edat: '1999/03/06', mdat: '2007/11/14', pdat: '1999/03/12' });
    expect(corpus.find((c) => c.pmid === R8863847)).toMatchObject({ edat: '1996/10/01', mdat: '2014/11/20' });
  });

  it('withoutRetraction derives the pre-retraction revision of the two real retracted records', () => {
    for (const pmid of [R10066780, R8863847]) {
      const real = corpus.find((c) => c.pmid === pmid)!;
      expect(parseRecordXml(real.xml).retracted).toBe(true);
      const before = withoutRetraction(real.xml, '1999/05/01');
      const paper = parseRecordXml(before);
      expect(paper.retracted).toBe(false);
      expect(paper.links.some((l) => l.type === 'RetractionIn')).toBe(false);
      expect(paper.dateRevised).toBe('1999-05-01');
      expect(before).not.toMatch(/RetractionIn|>Retracted Publication</);
      // Nothing else changed: the same title, abstract and the other comments/corrections.
      expect(paper.title).toBe(parseRecordXml(real.xml).title);
      expect(before).toContain('RefType="ErratumIn"');
    }
  });
});

describe('esearch', () => {
  it('answers XML shaped like the real usehistory reply (MCID WebEnv, same element order)', async () => {
    const r = await get('esearch.fcgi?db=pubmed&term=window&usehistory=y&retmax=3');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/xml; charset=UTF-8');
    const xml = await r.text();
    const real = errorFile('esearch-pubmed-usehistory-MCID-webenv.xml');
    expect(xml.split('\n').slice(0, 2)).toEqual(real.split('\n').slice(0, 2));
    expect(childNames(xml, 'eSearchResult')).toEqual(childNames(real, 'eSearchResult'));
    const doc = parseXml(xml).eSearchResult;
    expect(doc.Count).toBe(6);
    expect(doc.RetMax).toBe(3);
    expect(doc.RetStart).toBe(0);
    expect(doc.QueryKey).toBe(1);
    expect(doc.WebEnv).toMatch(/^MCID_[0-9a-f]{24}$/);
    // Newest Entrez date first.
    expect(idsOf(xml)).toEqual([R39626064, R36400559, R28731372]);
  });

  it('answers JSON shaped like the real one: same keys, numbers as strings', async () => {
    const r = await get('esearch.fcgi?db=pubmed&term=window&usehistory=y&retmode=json&retstart=2&retmax=2');
    expect(r.headers.get('content-type')).toBe('application/json; charset=UTF-8');
    const doc = (await r.json()) as { header: unknown; esearchresult: Record<string, unknown> };
    const real = JSON.parse(errorFile('esearch-pubmed-usehistory.json')) as typeof doc;
    expect(doc.header).toEqual(real.header);
    expect(Object.keys(doc.esearchresult)).toEqual(Object.keys(real.esearchresult).filter((k) => k !== 'translationstack'));
    expect(doc.esearchresult).toMatchObject({ count: '6', retmax: '2', retstart: '2', querykey: '1', idlist: [String(R28731372), String(R23078996)] });
    expect(doc.esearchresult.webenv).toMatch(/^MCID_/);
  });

  it('answers "No items found." with PhraseNotFound as the real empty result (XML and JSON)', async () => {
    const xml = await (await get('esearch.fcgi?db=pubmed&term=abcXYZ')).text();
    const real = errorFile('esearch-phrasenotfound-and-warninglist.xml');
    expect(childNames(xml, 'eSearchResult')).toEqual(childNames(real, 'eSearchResult'));
    expect(xml).toContain('<Count>0</Count><RetMax>0</RetMax><RetStart>0</RetStart><IdList/><TranslationSet/>');
    expect(xml).toContain('<ErrorList><PhraseNotFound>abcXYZ</PhraseNotFound></ErrorList><WarningList><OutputMessage>No items found.</OutputMessage></WarningList>');

    const json = (await (await get('esearch.fcgi?db=pubmed&term=abcXYZ&retmode=json')).json()) as { esearchresult: Record<string, any> };
    const realJson = JSON.parse(errorFile('esearch-errorlist-phrasenotfound.json')) as { esearchresult: Record<string, any> };
    expect(Object.keys(json.esearchresult.errorlist)).toEqual(Object.keys(realJson.esearchresult.errorlist));
    expect(json.esearchresult).toMatchObject({ count: '0', idlist: [], errorlist: { phrasesnotfound: ['abcXYZ'] } });
    expect(json.esearchresult.warninglist.outputmessages).toEqual(['No items found.']);
  });

  it('rejects any db but pubmed with the real "Invalid db name specified" bodies', async () => {
    expect(await (await get('esearch.fcgi?db=fleegle&term=cancer')).text()).toBe(errorFile('esearch-ERROR-invalid-db.xml'));
    const json = await (await get('esearch.fcgi?db=fleegle&term=cancer&retmode=json')).json();
    expect(json).toEqual(JSON.parse(errorFile('esearch-ERROR-invalid-db.json')));
    expect(await (await get('esearch.fcgi?db=pubmed')).text()).toContain('<ERROR>Empty term and query_key - nothing todo</ERROR>');
  });

  it('rettype=count gives only the Count', async () => {
    const xml = await (await get('esearch.fcgi?db=pubmed&term=window&rettype=count')).text();
    expect(childNames(xml, 'eSearchResult')).toEqual(['Count']);
    expect(parseXml(xml).eSearchResult.Count).toBe(6);
  });

  describe('date windows', () => {
    const ids = async (q: string): Promise<number[]> => idsOf(await (await get(`esearch.fcgi?db=pubmed&term=window&${q}`)).text());

    it('filters on the Entrez date by default, both bounds inclusive, in every date precision', async () => {
      expect(await ids('mindate=1999/03/06&maxdate=2012/10/20')).toEqual([R23078996, R10066780]);
      expect(await ids('datetype=edat&mindate=1999/03/06&maxdate=2012/10/20')).toEqual([R23078996, R10066780]);
      expect(await ids('mindate=1999&maxdate=1999')).toEqual([R10066780]);
      expect(await ids('mindate=1999/03&maxdate=1999/03')).toEqual([R10066780]);
      expect(await ids('mindate=1999/04&maxdate=1999/12')).toEqual([]);
    });

    it('silently ignores a lone mindate or maxdate, as PubMed does', async () => {
      expect(await ids('mindate=2020/01/01')).toHaveLength(6);
      expect(await ids('maxdate=1990/01/01')).toHaveLength(6);
    });

    it('filters on mdat and pdat when asked', async () => {
      expect(await ids('datetype=mdat&mindate=2014/11/20&maxdate=2014/11/20')).toEqual([R8863847]);
      expect(await ids('datetype=pdat&mindate=1999/03/12&maxdate=1999/03/12')).toEqual([R10066780]);
      expect(await ids('datetype=edat&mindate=1999/03/12&maxdate=1999/03/12')).toEqual([]);
    });

    it('counts reldate back from today', async () => {
      fake.today = '2024/12/10';
      expect(await ids('reldate=10')).toEqual([R39626064]);
      expect(await ids('reldate=5')).toEqual([]);
    });

    it('hides records entered after today from esearch and efetch until that day comes', async () => {
      fake.today = '2024/12/02';
      expect(await ids('retmax=20')).not.toContain(R39626064);
      expect(await (await get(`efetch.fcgi?db=pubmed&id=${R39626064}`)).text()).toBe(errorFile('efetch-pubmed-empty-set-unknown-ids.xml'));
      fake.today = '2024/12/03';
      expect(await ids('retmax=20')).toContain(R39626064);
      expect(pmidsOfSet(await (await get(`efetch.fcgi?db=pubmed&id=${R39626064}`)).text())).toEqual([R39626064]);
    });
  });

  describe("PubMed's 9,999 window", () => {
    it('clamps retmax above 9,999 with the real WarningList text', async () => {
      const xml = await (await get('esearch.fcgi?db=pubmed&term=big+set&retmax=100000')).text();
      const doc = parseXml(xml).eSearchResult;
      expect(doc.Count).toBe(10_050);
      expect(doc.RetMax).toBe(9999);
      expect(idsOf(xml)).toHaveLength(9999);
      expect(xml).toContain('<WarningList><OutputMessage>Restrictions achieved. start and count adjusted to 0, 9999</OutputMessage></WarningList>');
    });

    it('refuses retstart >= 9,999 with the real ERROR (XML, and JSON ERROR key)', async () => {
      const xml = await (await get('esearch.fcgi?db=pubmed&term=big+set&retstart=9999')).text();
      expect(parseXml(xml).eSearchResult.ERROR).toBe(
        "'retstart' cannot be larger than 9998. For PubMed, ESearch can only retrieve the first 9,999 records matching the query. " +
          'To obtain more than 9,999 PubMed records, consider using EDirect that contains additional logic to batch PubMed search results automatically so that an arbitrary number can be retrieved.',
      );
      const r = await get('esearch.fcgi?db=pubmed&term=big+set&retstart=10000&retmode=json');
      expect(r.status).toBe(200);
      expect(((await r.json()) as { esearchresult: { ERROR: string } }).esearchresult.ERROR).toMatch(/^Search Backend failed: Exception: 'retstart' cannot be larger than 9998/);
    });

    it('cuts a page that straddles the window without a word', async () => {
      const xml = await (await get('esearch.fcgi?db=pubmed&term=big+set&retstart=9950&retmax=50')).text();
      expect(idsOf(xml)).toHaveLength(49);
      expect(xml).not.toContain('WarningList');
    });

    it('honours a smaller cap the same way', async () => {
      const small = new FakeEutils({ corpus, today: '2026/11/27', searches: { window: WINDOW }, cap: 4 });
      const u = await small.start();
      try {
        const xml = await (await fetch(`${u}esearch.fcgi?db=pubmed&term=window&retstart=2&retmax=10`)).text();
        expect(idsOf(xml)).toHaveLength(2);
        expect(xml).toContain('Restrictions achieved. start and count adjusted to 2, 2');
        expect(await (await fetch(`${u}esearch.fcgi?db=pubmed&term=window&retstart=4`)).text()).toContain("'retstart' cannot be larger than 3.");
      } finally {
        await small.close();
      }
    });
  });

  describe('terms', () => {
    const count = async (term: string): Promise<number> =>
      Number(parseXml(await (await get(`esearch.fcgi?db=pubmed&rettype=count&term=${encodeURIComponent(term)}`)).text()).eSearchResult.Count);
    const list = async (term: string): Promise<number[]> =>
      idsOf(await (await get(`esearch.fcgi?db=pubmed&retmax=9999&term=${encodeURIComponent(term)}`)).text());

    it('matches a registered term after whitespace normalisation or inside one pair of parentheses', async () => {
      expect(await count('  window ')).toBe(6);
      expect(await count('(window)')).toBe(6);
      expect(await count('( window\t)')).toBe(6);
    });

    it('restricts a query to a PMID range, in the forms clients and EDirect send', async () => {
      const inRange = (lo: number, hi: number): number => BIG.filter((p) => p >= lo && p <= hi).length;
      expect(await count('(big set) AND 1:2000000[uid]')).toBe(inRange(1, 2_000_000));
      expect(await count('( big set AND 19813533:39627064 [UID])')).toBe(inRange(19_813_533, 39_627_064));
      expect(await count('(window) AND 8000000:11000000[pmid]')).toBe(2);
      expect((await list('(window) AND 8000000:11000000[pmid]')).sort()).toEqual([R10066780, R8863847].sort());
    });

    it('finds PMIDs given as N[uid], N[pmid] or bare digits, and nothing for unknown ones', async () => {
      expect(await list(`${R10066780}[uid]`)).toEqual([R10066780]);
      expect(await list(`${R10066780}[pmid]`)).toEqual([R10066780]);
      expect(await list(String(R10066780))).toEqual([R10066780]);
      expect(await count('1[uid]')).toBe(0);
      expect(await list(`${R10066780}[uid] OR ${R8863847}[uid]`)).toEqual([R10066780, R8863847]);
    });

    it('evaluates AND, OR, NOT, parentheses and quoted phrases over the record text', async () => {
      const retracted = corpus.filter((r) => r.xml.includes('>Retracted Publication</PublicationType>')).map((r) => r.pmid);
      expect(retracted.length).toBeGreaterThanOrEqual(2);
      expect((await list('"retracted publication"[pt]')).sort()).toEqual([...retracted].sort());
      expect((await list(`"retracted publication"[pt] NOT ${R10066780}[uid]`)).sort()).toEqual(retracted.filter((p) => p !== R10066780).sort());
      expect(await list(`("retracted publication"[pt] OR ${R23078996}[uid]) AND 2012:2012[edat]`)).toEqual([R23078996]);
      expect(await count('pubmed books [sb]')).toBe(corpus.filter((r) => r.xml.startsWith('<PubmedBookArticle>')).length);
    });
  });
});

describe('efetch', () => {
  const SET_HEAD = errorFile('efetch-pubmed-empty-set-unknown-ids.xml').split('\n').slice(0, 2).join('\n') + '\n<PubmedArticleSet>\n';

  it('serves every record byte-for-byte as in the fixture files (POST, all records)', async () => {
    const ids = corpus.map((r) => r.pmid);
    const r = await post('efetch.fcgi', { db: 'pubmed', id: ids.join(','), retmode: 'xml' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/xml; charset=UTF-8');
    const body = await r.text();
    expect(body.startsWith(SET_HEAD)).toBe(true);
    expect(body.endsWith('</PubmedArticleSet>\n')).toBe(true);
    const blocks = splitRecords(body);
    expect(blocks.map((b) => makeRecord(b).pmid)).toEqual(ids);
    const bufs = fixtureBuffers();
    for (const b of blocks) expect(bufs.some((f) => f.includes(Buffer.from(b, 'utf8')))).toBe(true);
  });

  it('GET: records in the order requested, unknown PMIDs left out', async () => {
    const body = await (await get(`efetch.fcgi?db=pubmed&rettype=abstract&id=${R8863847},99999999,${R10066780}`)).text();
    expect(pmidsOfSet(body)).toEqual([R8863847, R10066780]);
    const expected = corpus.find((r) => r.pmid === R8863847)!.xml;
    expect(body).toBe(`${SET_HEAD}${expected}\n${corpus.find((r) => r.pmid === R10066780)!.xml}\n</PubmedArticleSet>\n`);
  });

  it('answers all-unknown PMIDs with the real empty set, and no valid id with the real 400', async () => {
    const empty = await get('efetch.fcgi?db=pubmed&id=99999998,99999999');
    expect(empty.status).toBe(200);
    expect(await empty.text()).toBe(errorFile('efetch-pubmed-empty-set-unknown-ids.xml'));
    for (const q of ['id=00000000', 'id=', 'id=abc,0']) {
      const r = await get(`efetch.fcgi?db=pubmed&${q}`);
      expect(r.status).toBe(400);
      expect(parseXml(await r.text()).eFetchResult.ERROR).toBe('ID list is empty! Possibly it has no correct IDs.');
    }
  });

  it('refuses formats it cannot serve with a 400', async () => {
    for (const q of ['retmode=json', 'rettype=medline&retmode=text', 'rettype=docsum']) {
      const r = await get(`efetch.fcgi?db=pubmed&id=${R10066780}&${q}`);
      expect(r.status).toBe(400);
      expect(await r.text()).toMatch(/^Error: /);
    }
  });

  it('pages a history set by WebEnv + query_key, and says "Unable to obtain query" for an unknown one', async () => {
    const xml = await (await post('esearch.fcgi', { db: 'pubmed', term: 'window', usehistory: 'y', retmax: '0' })).text();
    const { WebEnv, QueryKey } = parseXml(xml).eSearchResult as { WebEnv: string; QueryKey: number };
    const all = corpus.filter((r) => WINDOW.includes(r.pmid)).sort((a, b) => (a.edat < b.edat ? 1 : -1));
    const page = await (await post('efetch.fcgi', { db: 'pubmed', WebEnv, query_key: String(QueryKey), retstart: '2', retmax: '3' })).text();
    expect(page).toBe(`${SET_HEAD}${all.slice(2, 5).map((r) => `${r.xml}\n`).join('')}</PubmedArticleSet>\n`);
    // The same WebEnv gains a second query key.
    const again = parseXml(await (await get(`esearch.fcgi?db=pubmed&term=big+set&usehistory=y&WebEnv=${WebEnv}`)).text()).eSearchResult;
    expect(again).toMatchObject({ WebEnv, QueryKey: 2 });
    const uids = await (await get(`efetch.fcgi?db=pubmed&WebEnv=${WebEnv}&query_key=2&rettype=uilist&retmode=text&retmax=5`)).text();
    expect(uids).toBe(''); // id-only hits have no record to serve
    const past = await get(`efetch.fcgi?db=pubmed&WebEnv=${WebEnv}&query_key=2&retstart=9999&retmax=10`);
    expect(past.status).toBe(400);
    expect(await past.text()).toContain("'retstart' cannot be larger than 9998.");

    const unknown = await get('efetch.fcgi?db=pubmed&WebEnv=MCID_000000000000000000000000&query_key=1');
    expect(unknown.status).toBe(200);
    expect(await unknown.text()).toBe(errorFile('efetch-ERROR-unable-to-obtain-query.xml'));
  });

  it('serves a replaced record (a retraction appearing overnight) and forgets a removed one', async () => {
    const solo = new FakeEutils({ corpus, today: '2026/11/26', searches: { mdma: [R10066780] } });
    const u = await solo.start();
    const real = corpus.find((r) => r.pmid === R10066780)!;
    const fetchXml = async (): Promise<string> => (await fetch(`${u}efetch.fcgi?db=pubmed&id=${R10066780}`)).text();
    const changed = async (day: string): Promise<number[]> =>
      idsOf(await (await fetch(`${u}esearch.fcgi?db=pubmed&term=mdma&datetype=mdat&mindate=${day}&maxdate=${day}`)).text());
    try {
      solo.upsertRecord({ ...real, xml: withoutRetraction(real.xml, '2026/11/01'), mdat: '2026/11/01' });
      expect(parseRecordXml(splitRecords(await fetchXml())[0]!).retracted).toBe(false);
      solo.today = '2026/11/27';
      solo.upsertRecord({ ...real, mdat: '2026/11/27' });
      expect(await changed('2026/11/27')).toEqual([R10066780]);
      expect(splitRecords(await fetchXml())).toEqual([real.xml]);
      solo.removeRecord(R10066780);
      expect(await changed('2026/11/27')).toEqual([]);
      expect(splitRecords(await fetchXml())).toEqual([]);
    } finally {
      await solo.close();
    }
  });
});

describe('einfo', () => {
  it('names pubmed and its record count', async () => {
    const xml = await (await get('einfo.fcgi?db=pubmed')).text();
    expect(parseXml(xml).eInfoResult.DbInfo).toMatchObject({ DbName: 'pubmed', Count: corpus.length });
  });
});

describe('faults', () => {
  const ESEARCH = 'esearch.fcgi?db=pubmed&term=window';
  const EFETCH = `efetch.fcgi?db=pubmed&id=${R10066780},${R8863847},${R23078996}`;

  it('429: the observed body, Retry-After and the rate-limit headers', async () => {
    fake.fault({ kind: '429', retryAfter: 2 });
    const r = await get(ESEARCH);
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('2');
    expect(r.headers.get('x-ratelimit-limit')).toBe('3');
    expect(r.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(await r.text()).toBe(errorFile('http429-body-observed-redacted.json'));
    expect((await get(ESEARCH)).status).toBe(200);
  });

  it('5xx: HTML bodies (the real 500 diagnostic page; placeholders for 502/503/504)', async () => {
    fake.fault({ kind: '500' });
    const r500 = await get(ESEARCH);
    expect(r500.status).toBe(500);
    expect(r500.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await r500.text()).toBe(errorFile('http500-html-diagnostic-EXCERPT.html'));
    for (const kind of ['502', '503', '504'] as const) {
      fake.fault({ kind, endpoint: 'efetch' });
      expect((await get(ESEARCH)).status).toBe(200); // endpoint-scoped: esearch is untouched
      const r = await get(EFETCH);
      expect(r.status).toBe(Number(kind));
      expect(await r.text()).toContain(`<title>${kind} `);
    }
  });

  it('error-200 / error-400: <ERROR> envelopes with the real default texts', async () => {
    fake.fault({ kind: 'error-200' }, 2);
    const s = await get(ESEARCH);
    expect(s.status).toBe(200);
    expect(parseXml(await s.text()).eSearchResult.ERROR).toBe('Search Backend failed: Database is not supported: pubmed');
    const f = await get(EFETCH);
    expect(parseXml(await f.text()).eFetchResult.ERROR).toBe('Search Backend failed: Database is not supported: pubmed');
    fake.fault({ kind: 'error-200' });
    const j = (await (await get(`${ESEARCH}&retmode=json`)).json()) as { esearchresult: { ERROR: string } };
    expect(j.esearchresult.ERROR).toMatch(/^Search Backend failed/);
    fake.fault({ kind: 'error-400', message: 'Status: Timeout' });
    const e = await get(EFETCH);
    expect(e.status).toBe(400);
    expect(parseXml(await e.text()).eFetchResult.ERROR).toBe('Status: Timeout');
    fake.fault({ kind: 'error-400' });
    expect(parseXml(await (await get(EFETCH)).text()).eFetchResult.ERROR).toBe('ID list is empty! Possibly it has no correct IDs.');
  });

  it('html-200, empty and prolog-only: a 200 that is no answer', async () => {
    fake.fault({ kind: 'html-200' });
    const h = await get(ESEARCH);
    expect([h.status, h.headers.get('content-type')]).toEqual([200, 'text/html']);
    expect(await h.text()).toMatch(/^<head> <title>NCBI\/eutils202 - WWW Error 500 Diagnostic/);
    fake.fault({ kind: 'empty' });
    const e = await get(EFETCH);
    expect([e.status, await e.text()]).toEqual([200, '']);
    fake.fault({ kind: 'prolog-only' });
    expect(await (await get(EFETCH)).text()).toBe(errorFile('efetch-pubmed-empty-set-unknown-ids.xml').split('\n').slice(0, 2).join('\n') + '\n');
    fake.fault({ kind: 'prolog-only' });
    expect(await (await get(ESEARCH)).text()).toMatch(/^<\?xml[^\n]*\n<!DOCTYPE eSearchResult[^\n]*\n$/);
  });

  it('truncated: a 200 with a strict prefix of the real body, no Content-Length, then the connection closed', async () => {
    const full = await (await get(EFETCH)).text();
    fake.fault({ kind: 'truncated' });
    const r = await get(EFETCH);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-length')).toBeNull();
    const part = await r.text();
    expect(part.length).toBeGreaterThan(0);
    expect(part.length).toBeLessThan(full.length);
    expect(full.startsWith(part)).toBe(true);
  });

  it('reset: the connection dies without an answer', async () => {
    fake.fault({ kind: 'reset' });
    await expect(get(ESEARCH)).rejects.toThrow();
    expect(fake.requests.at(-1)).toMatchObject({ endpoint: 'esearch', fault: 'reset', status: 0 });
  });

  it('slow: answers after delayMs, and close() does not wait for a pending slow reply', async () => {
    fake.fault({ kind: 'slow', delayMs: 300 });
    const t0 = performance.now();
    expect((await get(ESEARCH)).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);

    const other = new FakeEutils({ corpus, today: '2026/11/27' });
    const u = await other.start();
    other.fault({ kind: 'slow' }); // 35 s
    const pending = fetch(`${u}esearch.fcgi?db=pubmed&term=mdma`);
    await new Promise((r) => setTimeout(r, 100));
    const c0 = performance.now();
    await other.close();
    expect(performance.now() - c0).toBeLessThan(1000);
    await expect(pending).rejects.toThrow();
  });

  it('expired-webenv and drop-record hit efetch only', async () => {
    const { WebEnv } = parseXml(await (await get(`${ESEARCH}&usehistory=y`)).text()).eSearchResult as { WebEnv: string };
    fake.fault({ kind: 'expired-webenv' });
    expect((await get(ESEARCH)).status).toBe(200); // an esearch does not consume it
    const r = await get(`efetch.fcgi?db=pubmed&WebEnv=${WebEnv}&query_key=1`);
    expect(await r.text()).toBe(errorFile('efetch-ERROR-unable-to-obtain-query.xml'));
    const ok = await (await get(`efetch.fcgi?db=pubmed&WebEnv=${WebEnv}&query_key=1`)).text();
    expect(pmidsOfSet(ok)).toHaveLength(6);

    fake.fault({ kind: 'drop-record' });
    const dropped = pmidsOfSet(await (await get(EFETCH)).text());
    expect(dropped).toHaveLength(2);
    expect([R10066780, R8863847, R23078996]).toEqual(expect.arrayContaining(dropped));
  });

  it('a fault queued for N requests hits exactly N, in order', async () => {
    fake.fault({ kind: '503' }, 2);
    fake.fault({ kind: '500' });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await get(ESEARCH)).status);
    expect(statuses).toEqual([503, 503, 500, 200]);
  });

  it('random faults follow the seed', async () => {
    const sequence = async (): Promise<(string | undefined)[]> => {
      const f = new FakeEutils({ corpus, today: '2026/11/27', seed: 42 });
      const u = await f.start();
      f.randomFaults(0.5, ['500', '503', 'empty']);
      for (let i = 0; i < 20; i++) await (await fetch(`${u}esearch.fcgi?db=pubmed&term=mdma`)).text();
      await f.close();
      return f.requests.map((r) => r.fault);
    };
    const a = await sequence();
    expect(await sequence()).toEqual(a);
    expect(a.filter((k) => k !== undefined).length).toBeGreaterThan(3);
    expect(a.filter((k) => k === undefined).length).toBeGreaterThan(3);
  });

  it('logs every request with arrival time, method, merged GET+POST params, status and fault', async () => {
    const n = fake.requests.length;
    fake.fault({ kind: '502' });
    await get(ESEARCH);
    await post('efetch.fcgi', { id: String(R10066780) }, '?db=pubmed&tool=claimwatch');
    const [a, b] = fake.requests.slice(n);
    expect(a).toMatchObject({ endpoint: 'esearch', method: 'GET', status: 502, fault: '502', params: { db: 'pubmed', term: 'window' } });
    expect(b).toMatchObject({ endpoint: 'efetch', method: 'POST', status: 200, params: { db: 'pubmed', tool: 'claimwatch', id: String(R10066780) } });
    expect(b!.fault).toBeUndefined();
    expect(b!.at).toBeGreaterThan(a!.at);
  });
});

// ------------------------------------------------------------------ the real NCBI EDirect client

const edirectMissing = ['esearch', 'efetch', 'xtract'].filter((t) => !['/usr/bin', '/usr/local/bin', ...(process.env.PATH ?? '').split(':')].some((d) => fs.existsSync(path.join(d, t))));
if (edirectMissing.length > 0) console.warn(`EDirect tests skipped: ${edirectMissing.join(', ')} not found (apt install ncbi-entrez-direct)`);

describe.skipIf(edirectMissing.length > 0)('NCBI EDirect against the fake server', () => {
  // EDirect takes the server with -base on each command (ecommon.sh ParseCommonArgs); its nested
  // esearch calls (the >9,999 bisection) get no -base, so a wrapper first on PATH adds it.
  let wrapperDir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(() => {
    wrapperDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-edirect-'));
    const real = ['/usr/bin', '/usr/local/bin', ...(process.env.PATH ?? '').split(':')].map((d) => path.join(d, 'esearch')).find((p) => fs.existsSync(p))!;
    fs.writeFileSync(path.join(wrapperDir, 'esearch'), `#!/bin/sh\nexec "${real}" -base "$FAKE_EUTILS_BASE" "$@"\n`, { mode: 0o755 });
    // A stand-in key makes EDirect pause 110 ms instead of 350 ms between calls; EMAIL avoids its host lookup.
    env = { ...process.env, PATH: `${wrapperDir}:${process.env.PATH ?? ''}`, FAKE_EUTILS_BASE: base, FAKE_EDIRECT_DIR: wrapperDir, EMAIL: 'claimwatch-tests@example.org', NCBI_API_KEY: 'fake-eutils-test' };
  });
  afterAll(() => {
    fs.rmSync(wrapperDir, { recursive: true, force: true });
  });
  const sh = async (script: string): Promise<string> => (await run('sh', ['-c', `exec </dev/null; ${script}`], { env, maxBuffer: 64 * 2 ** 20 })).stdout;

  it('esearch | efetch -format xml | xtract: the PMIDs the server should serve', async () => {
    const n = fake.requests.length;
    const out = await sh(
      `esearch -db pubmed -query '"retracted publication" [PTYP]' -base "$FAKE_EUTILS_BASE" | ` +
        `efetch -format xml -base "$FAKE_EUTILS_BASE" | xtract -pattern PubmedArticle -element MedlineCitation/PMID`,
    );
    const expected = corpus.filter((r) => r.xml.includes('>Retracted Publication</PublicationType>')).map((r) => r.pmid);
    expect(out.trim().split('\n').map(Number).sort()).toEqual(expected.sort());
    const seen = fake.requests.slice(n);
    expect(seen.map((r) => [r.method, r.endpoint, r.status])).toEqual([['POST', 'esearch', 200], ['POST', 'efetch', 200]]);
    expect(seen[1]!.params).toMatchObject({ db: 'pubmed', rettype: 'full', retmode: 'xml' });
  });

  it('-quick: the history path (usehistory=y, then efetch by WebEnv + query_key)', async () => {
    const n = fake.requests.length;
    const out = await sh(
      `esearch -db pubmed -query window -quick -base "$FAKE_EUTILS_BASE" > "$FAKE_EDIRECT_DIR/msg.xml" && ` +
        `efetch -format xml -base "$FAKE_EUTILS_BASE" < "$FAKE_EDIRECT_DIR/msg.xml" | xtract -pattern PubmedArticle -element MedlineCitation/PMID && ` +
        `efetch -format uid -base "$FAKE_EUTILS_BASE" < "$FAKE_EDIRECT_DIR/msg.xml"`,
    );
    const byDate = corpus.filter((r) => WINDOW.includes(r.pmid)).sort((a, b) => (a.edat < b.edat ? 1 : -1)).map((r) => r.pmid);
    const lines = out.trim().split('\n').map(Number);
    expect(lines.slice(0, 6)).toEqual(byDate);
    expect(lines.slice(6)).toEqual([...WINDOW].sort((a, b) => a - b));
    const seen = fake.requests.slice(n);
    expect(seen[0]!.params).toMatchObject({ usehistory: 'y', retmax: '0', term: 'window' });
    expect(seen.slice(1).map((r) => [r.params.rettype, r.params.query_key, r.params.WebEnv])).toEqual([
      ['full', '1', expect.stringMatching(/^MCID_/)],
      ['uilist', '1', expect.stringMatching(/^MCID_/)],
    ]);
  });

  it('a date-limited search on Entrez dates', async () => {
    const out = await sh(
      `esearch -db pubmed -query window -datetype EDAT -mindate 1999 -maxdate 2013 -base "$FAKE_EUTILS_BASE" | ` +
        `efetch -format uid -base "$FAKE_EUTILS_BASE"`,
    );
    expect(out.trim().split('\n').map(Number)).toEqual([R10066780, R23078996]);
  });

  it('more than 9,999 hits: EDirect bisects by PMID range and collects every one', async () => {
    const n = fake.requests.length;
    const out = await sh(`esearch -db pubmed -query 'big set' | efetch -format uid -base "$FAKE_EUTILS_BASE"`);
    expect(out.trim().split('\n').map(Number)).toEqual(BIG);
    const seen = fake.requests.slice(n);
    expect(seen.some((r) => /AND \d+:\d+ \[UID\]\)$/.test(r.params.term ?? ''))).toBe(true);
    expect(seen.every((r) => Number(r.params.retstart ?? 0) < 9999 && Number(r.params.retmax ?? 0) <= 9999)).toBe(true);
  });
});

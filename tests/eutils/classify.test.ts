import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyAnswer, type Classification, type Endpoint, type HttpAnswer, type Retmode } from '../../src/eutils/classify.js';
import { decodeJsonLenient } from '../../src/eutils/json.js';
import { redact } from '../../src/eutils/index.js';
import { FIXTURES } from '../helpers.js';

const ERRORS = path.join(FIXTURES, 'errors');
const ESEARCH = path.join(FIXTURES, 'esearch');
const read = (file: string): string => readFileSync(file, 'utf8');

type Kind = Classification['kind'];
interface Case {
  status: number;
  contentType: string;
  endpoint: Endpoint;
  kind: Kind;
}

const XML = 'text/xml; charset=UTF-8';
const JSON_CT = 'application/json; charset=UTF-8';
const HTML = 'text/html; charset=iso-8859-1';

/** Every real body in errors/ and esearch/, how it arrives, and the class it must get. */
const EXPECTED: Record<string, Case[]> = {
  'errors/efetch-ERROR-unable-to-obtain-query.xml': [
    { status: 200, contentType: XML, endpoint: 'efetch', kind: 'expired-history' },
    { status: 400, contentType: XML, endpoint: 'efetch', kind: 'expired-history' },
  ],
  'errors/efetch-pubmed-empty-set-unknown-ids.xml': [{ status: 200, contentType: XML, endpoint: 'efetch', kind: 'ok' }],
  'errors/einfo-error-invalid-db.json': [{ status: 200, contentType: JSON_CT, endpoint: 'esearch', kind: 'permanent' }],
  'errors/epost-ERROR-empty-id-list.xml': [
    { status: 200, contentType: XML, endpoint: 'efetch', kind: 'permanent' },
    { status: 400, contentType: XML, endpoint: 'efetch', kind: 'permanent' },
  ],
  'errors/epost-ERROR-invalid-db.xml': [{ status: 200, contentType: XML, endpoint: 'efetch', kind: 'permanent' }],
  'errors/esearch-ERROR-invalid-db.json': [{ status: 200, contentType: JSON_CT, endpoint: 'esearch', kind: 'permanent' }],
  'errors/esearch-ERROR-invalid-db.xml': [
    { status: 200, contentType: XML, endpoint: 'esearch', kind: 'permanent' },
    { status: 400, contentType: XML, endpoint: 'esearch', kind: 'permanent' },
  ],
  'errors/esearch-errorlist-phrasenotfound.json': [{ status: 200, contentType: JSON_CT, endpoint: 'esearch', kind: 'ok' }],
  'errors/esearch-errorlist-phrasenotfound.xml': [{ status: 200, contentType: XML, endpoint: 'esearch', kind: 'ok' }],
  'errors/esearch-phrasenotfound-and-warninglist.xml': [{ status: 200, contentType: XML, endpoint: 'esearch', kind: 'ok' }],
  'errors/esearch-pubmed-usehistory-MCID-webenv.xml': [{ status: 200, contentType: XML, endpoint: 'esearch', kind: 'ok' }],
  'errors/esearch-pubmed-usehistory.json': [{ status: 200, contentType: JSON_CT, endpoint: 'esearch', kind: 'ok' }],
  'errors/esearch-pubmed-usehistory.xml': [{ status: 200, contentType: XML, endpoint: 'esearch', kind: 'ok' }],
  'errors/esearch-translationset-retstart.xml': [{ status: 200, contentType: XML, endpoint: 'esearch', kind: 'ok' }],
  'errors/esummary-error-invalid-db.json': [{ status: 200, contentType: JSON_CT, endpoint: 'esearch', kind: 'permanent' }],
  'errors/http429-body-ncbi-doc.json': [
    { status: 429, contentType: JSON_CT, endpoint: 'esearch', kind: 'transient' },
    { status: 429, contentType: JSON_CT, endpoint: 'efetch', kind: 'transient' },
    // The same body under a 200 still says "rate limit exceeded".
    { status: 200, contentType: JSON_CT, endpoint: 'esearch', kind: 'transient' },
  ],
  'errors/http429-body-observed-redacted.json': [{ status: 429, contentType: JSON_CT, endpoint: 'esearch', kind: 'transient' }],
  'errors/http500-html-diagnostic-EXCERPT.html': [
    { status: 500, contentType: HTML, endpoint: 'esearch', kind: 'transient' },
    { status: 500, contentType: HTML, endpoint: 'efetch', kind: 'transient' },
    { status: 200, contentType: HTML, endpoint: 'efetch', kind: 'transient' },
    { status: 200, contentType: '', endpoint: 'esearch', kind: 'transient' },
  ],
  'esearch/biocommons__esearch_hart_rk.xml': [{ status: 200, contentType: XML, endpoint: 'esearch', kind: 'ok' }],
  'esearch/biopython__esearch1.xml': [{ status: 200, contentType: XML, endpoint: 'esearch', kind: 'ok' }],
  'esearch/biopython__esearch2.xml': [{ status: 200, contentType: XML, endpoint: 'esearch', kind: 'ok' }],
  'esearch/biopython__esearch3.xml': [{ status: 200, contentType: XML, endpoint: 'esearch', kind: 'ok' }],
  'esearch/biopython__esearch8.xml': [{ status: 200, contentType: XML, endpoint: 'esearch', kind: 'ok' }],
  'esearch/klortho__esearch.baderror.json': [{ status: 200, contentType: JSON_CT, endpoint: 'esearch', kind: 'permanent' }],
  'esearch/klortho__esearch.baderror.xml': [{ status: 200, contentType: XML, endpoint: 'esearch', kind: 'permanent' }],
  'esearch/klortho__esearch.error.json': [{ status: 200, contentType: JSON_CT, endpoint: 'esearch', kind: 'ok' }],
  'esearch/klortho__esearch.error.xml': [{ status: 200, contentType: XML, endpoint: 'esearch', kind: 'ok' }],
  'esearch/klortho__esearch.pubmed.json': [{ status: 200, contentType: JSON_CT, endpoint: 'esearch', kind: 'ok' }],
  'esearch/klortho__esearch.pubmed.xml': [{ status: 200, contentType: XML, endpoint: 'esearch', kind: 'ok' }],
};

const retmodeOf = (file: string): Retmode => (file.endsWith('.json') ? 'json' : 'xml');

function answer(body: string, over: Partial<HttpAnswer> = {}): HttpAnswer {
  return { status: 200, contentType: XML, body, endpoint: 'esearch', retmode: 'xml', ...over };
}

function expectOneLineReason(c: Classification): void {
  if (c.kind === 'ok') return;
  expect(c.reason).not.toMatch(/[\r\n]/);
  expect(c.reason.length).toBeGreaterThan(5);
  expect(c.reason.length).toBeLessThanOrEqual(200);
}

describe('classifyAnswer on every real sample body', () => {
  const onDisk = [
    ...readdirSync(ERRORS).filter((f) => /\.(xml|json|html)$/.test(f)).map((f) => `errors/${f}`),
    ...readdirSync(ESEARCH).map((f) => `esearch/${f}`),
  ].sort();

  it('has an expectation for each sample file (a new fixture must be classified here)', () => {
    expect(onDisk).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [file, cases] of Object.entries(EXPECTED)) {
    for (const c of cases) {
      it(`${file} as HTTP ${c.status} from ${c.endpoint} -> ${c.kind}`, () => {
        const got = classifyAnswer({
          status: c.status,
          contentType: c.contentType,
          body: read(path.join(FIXTURES, file)),
          endpoint: c.endpoint,
          retmode: retmodeOf(file),
        });
        expect(got.kind).toBe(c.kind);
        expectOneLineReason(got);
      });
    }
  }

  it('names what went wrong in the reason', () => {
    const html = classifyAnswer(answer(read(path.join(ERRORS, 'http500-html-diagnostic-EXCERPT.html')), { status: 500, contentType: HTML }));
    expect(html).toEqual({ kind: 'transient', reason: expect.stringContaining('HTTP 500') });
    expect(html.kind !== 'ok' && html.reason).toContain('WWW Error 500 Diagnostic');
    const invalid = classifyAnswer(answer(read(path.join(ERRORS, 'esearch-ERROR-invalid-db.xml'))));
    expect(invalid.kind !== 'ok' && invalid.reason).toContain('Invalid db name specified: fleegle');
    const expired = classifyAnswer(answer(read(path.join(ERRORS, 'efetch-ERROR-unable-to-obtain-query.xml')), { endpoint: 'efetch' }));
    expect(expired.kind !== 'ok' && expired.reason).toContain('Unable to obtain query #1');
  });
});

/** The verbatim message texts of esearch-pubmed-9999-cap-messages.txt, by section letter. */
function capMessages(): Record<string, string> {
  const out: Record<string, string> = {};
  let letter = '';
  for (const line of read(path.join(ERRORS, 'esearch-pubmed-9999-cap-messages.txt')).split('\n')) {
    const head = /^## \(([a-z])\)/.exec(line);
    if (head) letter = head[1] ?? '';
    else if (letter && !line.startsWith('#') && line.trim() !== '') out[letter] = out[letter] ? `${out[letter]}\n${line}` : line;
  }
  return out;
}

describe('classifyAnswer on the verbatim NCBI message texts around the 9,999 window', () => {
  const m = capMessages();
  const inXml = (text: string) => `<?xml version="1.0" encoding="UTF-8" ?>\n<eSearchResult><ERROR>${text}</ERROR></eSearchResult>`;

  it('reads every section of the file', () => {
    expect(Object.keys(m).sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('a retstart past the window is a permanent error, in XML, in a 400 and in JSON with a raw newline', () => {
    expect(classifyAnswer(answer(inXml(m['b'] ?? ''))).kind).toBe('permanent'); // "Search Backend failed: Exception:\nPosition 15000…"
    expect(classifyAnswer(answer(inXml(m['c'] ?? ''), { status: 400 })).kind).toBe('permanent');
    const json = m['d'] ?? '';
    expect(classifyAnswer(answer(json, { retmode: 'json', contentType: JSON_CT })).kind).toBe('permanent');
    const rawNewline = json.replace('Exception: ', 'Exception:\n');
    expect(rawNewline).toContain('\n');
    expect(() => JSON.parse(rawNewline)).toThrow();
    const c = classifyAnswer(answer(rawNewline, { retmode: 'json', contentType: JSON_CT }));
    expect(c.kind).toBe('permanent');
    expect(c.kind !== 'ok' && c.reason).toContain("'retstart' cannot be larger than 9998");
  });

  it('"Search Backend failed" from an outage is transient', () => {
    const text = (m['e'] ?? '').replace(/^OK \(200\): /, '');
    expect(classifyAnswer(answer(inXml(text))).kind).toBe('transient');
  });

  it('an all-invalid efetch ID list (HTTP 400) is permanent', () => {
    const body = `<?xml version="1.0" encoding="UTF-8" ?>\n<eFetchResult><ERROR>${m['f'] ?? ''}</ERROR></eFetchResult>`;
    expect(classifyAnswer(answer(body, { status: 400, endpoint: 'efetch' })).kind).toBe('permanent');
  });

  it('the clamped-retmax warning (a) is not an error', () => {
    const body = `<?xml version="1.0" ?><eSearchResult><Count>20000</Count><RetMax>9999</RetMax><RetStart>0</RetStart><IdList/><WarningList><OutputMessage>${m['a'] ?? ''}</OutputMessage></WarningList></eSearchResult>`;
    expect(classifyAnswer(answer(body)).kind).toBe('ok');
  });
});

describe('classifyAnswer on damaged and unusual answers', () => {
  const emptySet = read(path.join(ERRORS, 'efetch-pubmed-empty-set-unknown-ids.xml'));
  const record = read(path.join(FIXTURES, 'efetch', 'metapub', '11618220.xml'));
  const esearchOk = read(path.join(ESEARCH, 'biopython__esearch1.xml'));

  it.each([429, 500, 502, 503, 504])('HTTP %i is transient', (status) => {
    expect(classifyAnswer(answer('', { status })).kind).toBe('transient');
  });

  it.each([
    [400, 'Bad Request'],
    [404, '<html><body>Not Found</body></html>'],
    [414, ''],
    [403, 'Access Denied'],
  ])('HTTP %i without a transient envelope is permanent', (status, body) => {
    expect(classifyAnswer(answer(body, { status, contentType: 'text/plain' })).kind).toBe('permanent');
  });

  it('a 400 envelope naming a transient backend failure is retried (F6)', () => {
    for (const text of ['proxy_stream(): Failed to connect to PubOne service', 'External viewer error', 'Status: Timeout']) {
      const xml = `<?xml version="1.0" ?><eFetchResult><ERROR>${text}</ERROR></eFetchResult>`;
      expect(classifyAnswer(answer(xml, { status: 400, endpoint: 'efetch' })).kind, text).toBe('transient');
      expect(classifyAnswer(answer(text, { status: 400, endpoint: 'efetch', contentType: 'text/plain' })).kind, text).toBe('transient');
    }
  });

  it('HTML pages are transient: by content type, or by their first tag in any case after whitespace', () => {
    for (const body of ['<!DOCTYPE html><html></html>', '\n  <!doctype HTML>\n<html>', '  <HTML><body>busy</body></HTML>']) {
      expect(classifyAnswer(answer(body, { contentType: XML })).kind, body).toBe('transient');
      expect(classifyAnswer(answer(body, { contentType: XML, endpoint: 'efetch' })).kind, body).toBe('transient');
    }
    expect(classifyAnswer(answer(esearchOk, { contentType: HTML })).kind).toBe('ok');
  });

  it('empty and blank bodies are transient', () => {
    for (const body of ['', '  \n\t', '\uFEFF']) {
      expect(classifyAnswer(answer(body)).kind).toBe('transient');
      expect(classifyAnswer(answer(body, { endpoint: 'efetch' })).kind).toBe('transient');
      expect(classifyAnswer(answer(body, { retmode: 'json', contentType: JSON_CT })).kind).toBe('transient');
    }
  });

  it('prolog-only XML (declaration and DOCTYPE, no root) is transient', () => {
    const prolog = emptySet.slice(0, emptySet.indexOf('<PubmedArticleSet>'));
    expect(prolog).toContain('<!DOCTYPE PubmedArticleSet');
    const c = classifyAnswer(answer(prolog, { endpoint: 'efetch' }));
    expect(c).toEqual({ kind: 'transient', reason: expect.stringContaining('no root element') });
    expect(classifyAnswer(answer('<?xml version="1.0" encoding="UTF-8" ?>\n')).kind).toBe('transient');
  });

  it('efetch XML cut anywhere before </PubmedArticleSet> is transient; whole answers are ok', () => {
    expect(classifyAnswer(answer(record, { endpoint: 'efetch' })).kind).toBe('ok');
    expect(classifyAnswer(answer(record + '\n\n', { endpoint: 'efetch' })).kind).toBe('ok');
    for (const cut of [0.1, 0.5, 0.9, 0.999]) {
      const body = record.trimEnd().slice(0, Math.floor(record.trimEnd().length * cut));
      expect(classifyAnswer(answer(body, { endpoint: 'efetch' })).kind, `cut at ${cut}`).toBe('transient');
    }
    expect(classifyAnswer(answer(record.trimEnd().slice(0, -1), { endpoint: 'efetch' })).kind).toBe('transient');
  });

  it('esearch XML without </eSearchResult> is transient', () => {
    const cut = esearchOk.slice(0, esearchOk.indexOf('</IdList>'));
    expect(classifyAnswer(answer(cut)).kind).toBe('transient');
  });

  it('an esearch answer on efetch (wrong root) is not accepted', () => {
    expect(classifyAnswer(answer(esearchOk, { endpoint: 'efetch' })).kind).toBe('transient');
  });

  it('JSON that does not decode is transient; raw control characters inside strings are tolerated (F8)', () => {
    const json = read(path.join(ESEARCH, 'klortho__esearch.pubmed.json'));
    expect(classifyAnswer(answer(json.slice(0, json.length / 2), { retmode: 'json', contentType: JSON_CT })).kind).toBe('transient');
    const withTab = json.replace('"querytranslation": "', '"querytranslation": "\t');
    expect(classifyAnswer(answer(withTab, { retmode: 'json', contentType: JSON_CT })).kind).toBe('ok');
  });

  it('C++ exception traces and DocSum Backend comments are transient', () => {
    expect(classifyAnswer(answer("terminate called after throwing an instance of 'std::runtime_error'")).kind).toBe('transient');
    const withComment = esearchOk.replace('<eSearchResult>', '<!-- DocSum Backend failed --><eSearchResult>');
    expect(classifyAnswer(answer(withComment)).kind).toBe('transient');
    const trace = `<?xml version="1.0" ?><eSearchResult><ERROR>std::bad_alloc</ERROR></eSearchResult>`;
    expect(classifyAnswer(answer(trace)).kind).toBe('transient');
  });

  it('an unknown ERROR text is permanent rather than retried blind', () => {
    const body = `<?xml version="1.0" ?><eSearchResult><ERROR>Something new</ERROR></eSearchResult>`;
    expect(classifyAnswer(answer(body))).toEqual({ kind: 'permanent', reason: 'NCBI error: Something new' });
  });

  it('a self-closing empty PubmedArticleSet is a valid empty result', () => {
    expect(classifyAnswer(answer('<?xml version="1.0" ?><PubmedArticleSet/>', { endpoint: 'efetch' })).kind).toBe('ok');
  });

  it('reasons stay on one short line even for long multi-line texts', () => {
    const long = `<?xml version="1.0" ?><eSearchResult><ERROR>Search Backend failed:\n${'x'.repeat(2000)}</ERROR></eSearchResult>`;
    const c = classifyAnswer(answer(long));
    expect(c.kind).toBe('transient');
    expectOneLineReason(c);
  });
});

describe('decodeJsonLenient and redact', () => {
  it('escapes raw control characters inside strings only', () => {
    expect(decodeJsonLenient('{"a":"x\ny\tz\u0001"}\n')).toEqual({ a: 'x\ny\tz\u0001' });
    expect(decodeJsonLenient('{"a":"q\\"\n"}')).toEqual({ a: 'q"\n' });
    expect(() => decodeJsonLenient('{"a":')).toThrow(SyntaxError);
  });

  it('removes the key in raw and URL-encoded form and any api_key value', () => {
    const key = 'ab+c/d=';
    const text = `GET /esearch.fcgi?api_key=${encodeURIComponent(key)}&db=pubmed key=${key} {"api_key":"other"}`;
    const out = redact(text, key);
    expect(out).not.toContain(key);
    expect(out).not.toContain(encodeURIComponent(key));
    expect(out).not.toContain('other');
    expect(out).toContain('db=pubmed');
    expect(redact('nothing secret', undefined)).toBe('nothing secret');
  });
});

import { describe, expect, it } from 'vitest';
import { openLibrary } from '../../src/app/store.js';
import { PaperStore, shouldReplace } from '../../src/store/papers.js';
import type { Paper } from '../../src/evidence/paper.js';

function paper(over: Partial<Paper> = {}): Paper {
  return {
    pmid: 123, type: 'article', title: 'A title', abstract: null, authors: [], journal: null, journalAbbrev: null,
    year: 2020, pubDate: '2020', doi: null, pmcid: null, publicationTypes: [], mesh: [], keywords: [], language: 'eng',
    retracted: false, links: [], dateRevised: '2020-01-01', entrezDate: '2019-12-01', raw: '<PubmedArticle>v1</PubmedArticle>',
    rawFormat: 'pubmed-xml', ...over,
  };
}

describe('shouldReplace', () => {
  const stored = { dateRevised: '2020-01-01', rawFormat: 'pubmed-xml' as const, hash: 'a', deleted: false };
  it('keeps an identical record', () => expect(shouldReplace(stored, { dateRevised: '2020-01-01', rawFormat: 'pubmed-xml', hash: 'a' })).toBe(false));
  it('takes a newer revision', () => expect(shouldReplace(stored, { dateRevised: '2021-01-01', rawFormat: 'medline', hash: 'b' })).toBe(true));
  it('never takes an older revision', () => expect(shouldReplace(stored, { dateRevised: '2019-01-01', rawFormat: 'pubmed-xml', hash: 'b' })).toBe(false));
  it('prefers XML over MEDLINE at the same revision', () => {
    expect(shouldReplace(stored, { dateRevised: '2020-01-01', rawFormat: 'medline', hash: 'b' })).toBe(false);
    expect(shouldReplace({ ...stored, rawFormat: 'medline' }, { dateRevised: '2020-01-01', rawFormat: 'pubmed-xml', hash: 'b' })).toBe(true);
  });
  it('treats a missing revision as the oldest', () => expect(shouldReplace({ ...stored, dateRevised: null }, { dateRevised: '1990-01-01', rawFormat: 'pubmed-xml', hash: 'b' })).toBe(true));
  it('restores a deleted paper re-imported unchanged', () => expect(shouldReplace({ ...stored, deleted: true }, { dateRevised: '2020-01-01', rawFormat: 'pubmed-xml', hash: 'a' })).toBe(true));  it('never lets a CSV or RIS record replace one of PubMed\'s, deleted or not, whatever its revision', () => {
    for (const rawFormat of ['csv', 'ris'] as const) {
      for (const base of [stored, { ...stored, rawFormat: 'medline' as const }, { ...stored, deleted: true }, { ...stored, dateRevised: null }]) {
        expect(shouldReplace(base, { dateRevised: null, rawFormat, hash: 'b' })).toBe(false);
        expect(shouldReplace(base, { dateRevised: '2099-01-01', rawFormat, hash: 'b' })).toBe(false);
      }
    }
  });
  it('always lets PubMed\'s record replace a CSV or RIS one, even of an old revision', () => {
    for (const rawFormat of ['csv', 'ris'] as const) {
      for (const incoming of ['pubmed-xml', 'medline'] as const) {
        expect(shouldReplace({ dateRevised: null, rawFormat, hash: 'a', deleted: false }, { dateRevised: '1990-01-01', rawFormat: incoming, hash: 'b' })).toBe(true);
      }
    }
  });
  it('takes the incoming copy between two exports, unless it is the same', () => {
    const csv = { dateRevised: null, rawFormat: 'csv' as const, hash: 'a', deleted: false };
    expect(shouldReplace(csv, { dateRevised: null, rawFormat: 'ris', hash: 'b' })).toBe(true);
    expect(shouldReplace(csv, { dateRevised: null, rawFormat: 'csv', hash: 'a' })).toBe(false);
  });
});

describe('PaperStore', () => {
  it('adds, leaves unchanged, updates on a newer revision, and ignores an older one', () => {
    const db = openLibrary(':memory:');
    const s = new PaperStore(db);
    expect(s.upsert(paper(), 't1', 'test')).toBe('added');
    expect(s.upsert(paper(), 't2', 'test')).toBe('unchanged');
    expect(s.upsert(paper({ dateRevised: '2021-05-05', title: 'New title', raw: '<PubmedArticle>v2</PubmedArticle>' }), 't3', 'test')).toBe('updated');
    expect(s.get(123)?.title).toBe('New title');
    expect(s.upsert(paper({ title: 'Old', raw: '<PubmedArticle>v0</PubmedArticle>' }), 't4', 'test')).toBe('unchanged');
    expect(s.get(123)?.title).toBe('New title');
    expect(s.get(123)?.updatedAt).toBe('t3');
  });

  it('records a retraction arriving in a newer revision in the history', () => {
    const db = openLibrary(':memory:');
    const s = new PaperStore(db);
    s.upsert(paper(), 't1', 'test');
    s.upsert(paper({ dateRevised: '2022-01-01', retracted: true, raw: 'v2' }), 't2', 'nightly');
    const h = db.prepare("SELECT action, note FROM history WHERE pmid = 123").all();
    expect(h).toEqual([{ action: 'paper-retracted', note: 'nightly' }]);
  });

  it('marks a deleted paper without dropping its tags', () => {
    const db = openLibrary(':memory:');
    const s = new PaperStore(db);
    s.upsert(paper(), 't1', 'test');
    db.prepare("INSERT INTO tags VALUES (123, 'C7', 'ann', 'supports', NULL, 't', 't')").run();
    expect(s.markDeleted(123, 't2', 'update file')).toBe(true);
    expect(s.markDeleted(123, 't3', 'update file')).toBe(false);
    expect(s.markDeleted(999, 't3', 'update file')).toBe(false);
    expect(s.get(123)?.deletedAt).toBe('t2');
    expect(db.prepare('SELECT count(*) AS n FROM tags').get()).toEqual({ n: 1 });
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  crossrefNotices, crossrefUpdateToNotices, deriveIntegrity, describeDisagreement, normalizeDoi, noticeKindOf, pubmedNotices,
  refSourceDate, refSourceDoi, statusFromNature, type IntegrityEvent, type IntegrityNotice,
} from '../../src/evidence/integrity.js';
import type { Paper } from '../../src/evidence/paper.js';
import { createXmlParser } from '../../src/pubmed/xml.js';
import { INTEGRITY, WAKEFIELD_DOI, crossrefWork, paperFromEsummary, wakefieldEsummary } from '../integrity-support.js';

const at = (n: IntegrityNotice, learnedAt: string): IntegrityEvent => ({ ...n, learnedAt });

/** Every paper in one of the integrity fixtures' PubMed XML files. */
function pubmedFile(name: string): Paper[] {
  const parser = createXmlParser();
  const items = [...parser.push(fs.readFileSync(path.join(INTEGRITY, 'pubmed', name), 'utf8')), ...parser.end()];
  return items.flatMap((i) => (i.kind === 'paper' ? [i.paper] : []));
}

const wakefieldWork = (): Record<string, unknown> => crossrefWork('json/choxos_wakefield_10.1016_s0140-6736-97-11096-0.json');

describe('Crossref updated-by, on real responses', () => {
  it('reads the Wakefield work: a 2004 correction and the 2010 retraction, both from Retraction Watch via Crossref', () => {
    const notices = crossrefNotices(wakefieldWork());
    expect(notices).toEqual([
      { status: 'corrected', source: 'crossref-rw', noticeDoi: '10.1016/s0140-6736(04)15715-2', noticePmid: null, date: '2004-03-06', nature: 'Correction', reason: null, recordId: '17269' },
      { status: 'retracted', source: 'crossref-rw', noticeDoi: '10.1016/s0140-6736(10)60175-4', noticePmid: null, date: '2010-02-06', nature: 'Retraction', reason: null, recordId: '4036' },
    ]);
  });

  it('reads a publisher correction (habanero pone.0033693) as source Crossref', () => {
    const [n] = crossrefNotices(crossrefWork('extracted/habanero/test_works_with_one_id.i0.json'));
    expect(n).toMatchObject({ status: 'corrected', source: 'crossref', noticeDoi: '10.1371/annotation/c76da2c1-ccb8-4797-94c1-359d3ceceeda', date: '2012-05-08' });
  });

  it('finds nothing in works without updates, and ignores a self-referential new_version (a false positive to avoid)', () => {
    expect(crossrefNotices(crossrefWork('extracted/habanero/test_works_mixed_ids_warn.i2.json'))).toEqual([]);
    expect(crossrefNotices(crossrefWork('extracted/rcrossref/cr_works_warns_well.i1.json'))).toEqual([]);
    const ppat = crossrefWork('extracted/commonmeta-py/test_article_with_pages.i1.json');
    expect(JSON.stringify(ppat['updated-by'])).toContain('new_version');
    expect(crossrefNotices(ppat)).toEqual([]);
  });

  it('reads the notice side: the fathomlabs erratum notice updates 10.1002/job.1787, and only that DOI', () => {
    const notice = crossrefWork('json/fathomlabs_input_10.1002_job.1858_erratum_notice.json');
    expect(crossrefUpdateToNotices([notice], '10.1002/JOB.1787')).toEqual([
      expect.objectContaining({ status: 'corrected', source: 'crossref', noticeDoi: '10.1002/job.1858' }),
    ]);
    expect(crossrefUpdateToNotices([notice], '10.1002/job.1858')).toEqual([]);
  });
});

describe('update types and natures', () => {
  it('maps every update type of the saved open-retractions records, variants and typos included', () => {
    const dir = path.join(INTEGRITY, 'crossref_derived', 'open-retractions');
    const seen = new Map<string, string | null>();
    for (const f of fs.readdirSync(dir)) {
      const d = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { updates: { type: string }[] };
      for (const u of d.updates) seen.set(u.type, statusFromNature(u.type));
    }
    expect(Object.fromEntries(seen)).toEqual({
      retraction: 'retracted', withdrawal: 'withdrawn', expression_of_concern: 'concern', 'expression-of-concern': 'concern', removal: 'removed',
      erratum: 'corrected', corrigendum: 'corrected', correction: 'corrected', Retraction: 'retracted', retration: 'retracted', err: 'corrected',
      'publisher-note': null,
    });
  });

  it('maps Retraction Watch natures', () => {
    expect(['Retraction', 'Correction', 'Expression of concern', 'Reinstatement', 'Retraction and Republication'].map(statusFromNature))
      .toEqual(['retracted', 'corrected', 'concern', 'reinstated', 'retracted-republished']);
  });

  it('normalises DOIs: case, doi.org prefixes, doi: labels', () => {
    expect(normalizeDoi('https://doi.org/10.1016/S0140-6736(97)11096-0')).toBe(WAKEFIELD_DOI);
    expect(normalizeDoi('http://dx.doi.org/10.1155/2022/7642511 ')).toBe('10.1155/2022/7642511');
    expect(normalizeDoi('doi: 10.1155/2022/7642511')).toBe('10.1155/2022/7642511');
    expect(normalizeDoi('unavailable')).toBeNull();
    expect(normalizeDoi('')).toBeNull();
  });
});

describe('PubMed notices, on real records', () => {
  it('reads the Wakefield esummary references: two retractions and an expression of concern, with their DOIs and dates', () => {
    const notices = pubmedNotices(paperFromEsummary(wakefieldEsummary(), { pubmed: true }));
    expect(notices.map((n) => [n.status, n.noticePmid, n.noticeDoi, n.date])).toEqual([
      ['retracted', 15016483, '10.1016/s0140-6736(04)15715-2', '2004-03-06'],
      ['retracted', 20137807, '10.1016/s0140-6736(10)60175-4', '2010-02-06'],
      ['concern', 21971344, '10.1097/meg.0b013e328349d184', '2011-11'],
    ]);
  });

  it('reads RetractionIn and ErratumIn (retractobot 10066780) and ExpressionOfConcernIn (ncbiutils 22395128) from efetch XML', () => {
    const [retracted] = pubmedFile('retractobot_pubmed_retracted_publication_10066780.xml');
    expect(pubmedNotices(retracted!).map((n) => [n.status, n.noticePmid])).toEqual([['corrected', null], ['retracted', 11905463]]);
    const concern = pubmedFile('ncbiutils_pubmed22n1115_excerpt.xml').find((p) => p.pmid === 22395128)!;
    expect(pubmedNotices(concern).map((n) => [n.status, n.noticePmid])).toEqual([['concern', 34752162]]);
    const commentOnly = pubmedFile('ncbiutils_pubmed22n1115_excerpt.xml').find((p) => p.pmid === 12657199)!;
    expect(pubmedNotices(commentOnly)).toEqual([]);
  });

  it('recognises the notices themselves by publication type', () => {
    expect(noticeKindOf(pubmedFile('retractobot_pubmed_retraction_notice_27508352.xml')[0]!.publicationTypes)).toBe('retraction notice');
    expect(noticeKindOf(pubmedFile('metapub_pmid_38833988.xml')[0]!.publicationTypes)).toBe('erratum');
    expect(noticeKindOf(pubmedFile('metapub_pmid_35649368.xml')[0]!.publicationTypes)).toBeNull();
  });

  it('reads the DOI and the date of a RefSource', () => {
    expect(refSourceDoi('Lancet. 2010 Feb 6;375(9713):445. doi: 10.1016/S0140-6736(10)60175-4.')).toBe('10.1016/s0140-6736(10)60175-4');
    expect(refSourceDate('Lancet. 2004 Mar 6;363(9411):750. doi: 10.1016/S0140-6736(04)15715-2.')).toBe('2004-03-06');
    expect(refSourceDoi('J Biol Chem. 2002 Mar 22;277(12):10636')).toBeNull();
  });
});

describe('deriveIntegrity', () => {
  it('Wakefield from PubMed and Crossref: retracted, and the sources disagree about the 2004 notice', () => {
    const events = [
      ...pubmedNotices(paperFromEsummary(wakefieldEsummary(), { pubmed: true })).map((n) => at(n, '2026-12-01T00:00:00.000Z')),
      ...crossrefNotices(wakefieldWork()).map((n) => at(n, '2026-12-02T00:00:00.000Z')),
    ];
    const s = deriveIntegrity(events);
    expect(s.status).toBe('retracted');
    expect(s.excluded).toBe(true);
    expect(s.concern).toBe(false);
    expect(s.disagreements).toEqual([{
      notice: '10.1016/s0140-6736(04)15715-2',
      views: [{ source: 'crossref-rw', status: 'corrected' }, { source: 'pubmed', status: 'retracted' }],
    }]);
    expect(describeDisagreement(s.disagreements[0]!)).toBe(
      'sources disagree about notice 10.1016/s0140-6736(04)15715-2: Crossref/Retraction Watch calls it a correction; PubMed calls it a retraction',
    );
    const retraction2010 = s.notices.find((n) => n.noticeDoi === '10.1016/s0140-6736(10)60175-4')!;
    expect(retraction2010).toMatchObject({ status: 'retracted', sources: ['pubmed', 'crossref-rw'], noticePmid: 20137807, date: '2010-02-06' });
  });

  it('Crossref alone: the retraction stands, the 2004 correction is shown too', () => {
    const s = deriveIntegrity(crossrefNotices(wakefieldWork()).map((n) => at(n, '2026-12-02T00:00:00.000Z')));
    expect(s).toMatchObject({ status: 'retracted', excluded: true, corrected: true, disagreements: [] });
  });

  // No real reinstatement or Crossref-served concern exists in the fixtures (PROVENANCE, "Searched, not
  // used"): these events are BUILT on the real Wakefield retraction notice, changing only status and date.
  const retraction = crossrefNotices(wakefieldWork())[1]!;
  it('a reinstatement after the retraction restores the paper; one before it does not', () => {
    const reinstated = { ...retraction, status: 'reinstated' as const, noticeDoi: '10.1016/built-reinstatement', date: '2011-01-01', recordId: null };
    const after = deriveIntegrity([at(retraction, 'a'), at(reinstated, 'b')]);
    expect(after).toMatchObject({ status: 'reinstated', excluded: false });
    const before = deriveIntegrity([at(retraction, 'a'), at({ ...reinstated, date: '2009-01-01' }, 'b')]);
    expect(before).toMatchObject({ status: 'retracted', excluded: true });
  });

  it('an expression of concern alone is a concern; with a retraction, the retraction wins', () => {
    const concern = { ...retraction, status: 'concern' as const, noticeDoi: '10.1016/built-concern', date: '2009-01-01' };
    expect(deriveIntegrity([at(concern, 'a')])).toMatchObject({ status: 'concern', concern: true, excluded: false });
    expect(deriveIntegrity([at(concern, 'a'), at(retraction, 'b')])).toMatchObject({ status: 'retracted', concern: false, excluded: true });
  });

  it('PubMed\'s bare "Retracted Publication" type merges with a named retraction notice', () => {
    const bare = pubmedNotices({ links: [], publicationTypes: ['Journal Article', 'Retracted Publication'] });
    expect(bare).toHaveLength(1);
    const s = deriveIntegrity([at(bare[0]!, 'a'), at(retraction, 'b')]);
    expect(s.notices).toHaveLength(1);
    expect(s.notices[0]!.sources).toEqual(['crossref-rw']);
  });

  it('nothing at all gives no status', () => {
    expect(deriveIntegrity([])).toMatchObject({ status: null, excluded: false, concern: false, corrected: false, notices: [] });
  });
});

describe('what changed names the notice the sources agree on', () => {
  it('for Wakefield, the 2010 retraction rather than the disputed 2004 notice', async () => {
    const { computeChanges } = await import('../../src/evidence/report-changes.js');
    const state = deriveIntegrity([
      ...pubmedNotices(paperFromEsummary(wakefieldEsummary(), { pubmed: true })).map((n) => at(n, '2026-12-01T00:00:00.000Z')),
      ...crossrefNotices(wakefieldWork()).map((n) => at(n, '2026-12-02T00:00:00.000Z')),
    ]);
    const ch = computeChanges({
      since: '2026-12-01T00:00:00.000Z', basis: 'date', previous: null,
      report: { generatedAt: '', claims: [{ id: 'C7' } as never], chain: { links: [], claims: [], weakest: null }, changes: null },
      events: [{ at: '2026-12-02T03:00:00.000Z', actor: 'claimwatch', action: 'paper-status', pmid: 9500320, claimId: null, oldValue: null, newValue: 'retracted' }],
      papers: new Map([[9500320, { title: 'Ileal-lymphoid-nodular hyperplasia', notice: 15016483, integrity: state }]]),
      tagsByPmid: new Map([[9500320, [{ claim: 'C7', stance: 'supports', reviewer: 'ann' }]]]),
    });
    expect(ch.statuses).toEqual([{
      pmid: 9500320, title: 'Ileal-lymphoid-nodular hyperplasia', from: null, to: 'retracted', sources: ['pubmed', 'crossref-rw'],
      notice: 'https://doi.org/10.1016/s0140-6736(10)60175-4', at: '2026-12-02T03:00:00.000Z', claims: ['C7'],
    }]);
  });
});

// Helpers shared by the integrity tests: the real Wakefield esummary, and a Paper built from its fields.
import fs from 'node:fs';
import path from 'node:path';
import { ESUMMARY_REFTYPES } from '../src/evidence/integrity.js';
import { LINK_TYPES, type Author, type Paper, type PaperLink } from '../src/evidence/paper.js';
import { INTEGRITY } from './fake-crossref/server.js';
import { PaperStore } from '../src/store/papers.js';

export { INTEGRITY };

/** The Wakefield 1998 Lancet paper. */
export const WAKEFIELD_PMID = 9500320;
export const WAKEFIELD_DOI = '10.1016/s0140-6736(97)11096-0';

interface EsummaryRecord {
  uid: string;
  pubdate: string;
  source: string;
  fulljournalname: string;
  title: string;
  authors: { name: string; authtype: string }[];
  lang: string[];
  pubtype: string[];
  articleids: { idtype: string; value: string }[];
  history: { pubstatus: string; date: string }[];
  references: { refsource: string; reftype: string; pmid: number }[];
}

/** The real esummary record of PMID 9500320 (choxos/retraction's mock, PROVENANCE 4a). */
export function wakefieldEsummary(): EsummaryRecord {
  const doc = JSON.parse(fs.readFileSync(path.join(INTEGRITY, 'pubmed', 'choxos_esummary_9500320_wakefield.json'), 'utf8')) as { result: Record<string, EsummaryRecord> };
  return doc.result[String(WAKEFIELD_PMID)]!;
}

/**
 * A Paper made only of the real esummary's fields (no efetch XML of the paper exists in the fixtures). With
 * `pubmed: false` it holds about what a CSV import of its PMID, DOI and title gives (plus authors, journal and
 * year), with no PubMed integrity data, for the in-process tests (the e2e test runs the real `claimwatch
 * import` of such a CSV); with `pubmed: true` it also holds PubMed's publication types and the references
 * esummary lists (Retraction in, Expression of concern in), as a re-fetch from PubMed would bring them.
 */
export function paperFromEsummary(r: EsummaryRecord, opts: { pubmed: boolean }): Paper {
  const authors: Author[] = r.authors.filter((a) => a.authtype === 'Author').map((a) => {
    const m = /^(.*)\s(\S+)$/.exec(a.name);
    return { last: m ? m[1]! : a.name, fore: null, initials: m ? m[2]! : null, collective: null };
  });
  const links: PaperLink[] = opts.pubmed
    ? r.references.flatMap((ref) => {
      const type = ESUMMARY_REFTYPES[ref.reftype.toLowerCase()];
      return type && (LINK_TYPES as readonly string[]).includes(type) ? [{ type, pmid: ref.pmid || null, source: ref.refsource }] : [];
    })
    : [];
  const publicationTypes = opts.pubmed ? r.pubtype : [];
  const entrez = r.history.find((h) => h.pubstatus === 'entrez')?.date.slice(0, 10).replace(/\//g, '-') ?? null;
  return {
    pmid: Number(r.uid), type: 'article', title: r.title, abstract: null, authors, journal: r.fulljournalname, journalAbbrev: r.source,
    year: Number(r.pubdate.slice(0, 4)), pubDate: r.pubdate, doi: r.articleids.find((a) => a.idtype === 'doi')?.value ?? null, pmcid: null,
    publicationTypes, mesh: [], keywords: [], language: r.lang[0] ?? null,
    retracted: publicationTypes.includes('Retracted Publication') || links.some((l) => l.type === 'RetractionIn'),
    links, dateRevised: null, entrezDate: entrez, rawFormat: 'medline',
    // The CSV line such an import would read, or the esummary record itself.
    raw: opts.pubmed ? JSON.stringify(r) : `PMID,DOI,Title\n${r.uid},${r.articleids.find((a) => a.idtype === 'doi')?.value ?? ''},"${r.title.replace(/"/g, '""')}"\n`,
  };
}

/** A real Crossref work (the `message` of a works/{doi} answer) from the fixtures. */
export function crossrefWork(rel: string): Record<string, unknown> {
  const doc = JSON.parse(fs.readFileSync(path.join(INTEGRITY, 'crossref', rel), 'utf8')) as { message?: Record<string, unknown> };
  return (doc.message ?? doc) as Record<string, unknown>;
}

/**
 * A paper as a CSV import of a Retraction Watch row's original paper would give it (PMID, DOI, title, year):
 * no PubMed record of these papers is in the fixtures. `doi` overrides how the DOI is written.
 */
export function paperFromRwRow(f: Record<string, string>, opts: { pmid?: number; doi?: string } = {}): Paper {
  const pmid = opts.pmid ?? Number(f.OriginalPaperPubMedID);
  return {
    pmid, type: 'article', title: f.Title ?? null, abstract: null, authors: [], journal: f.Journal ?? null, journalAbbrev: null,
    year: Number(/\d{4}/.exec(f.OriginalPaperDate ?? '')?.[0]) || null, pubDate: null, doi: opts.doi ?? f.OriginalPaperDOI ?? null, pmcid: null,
    publicationTypes: [], mesh: [], keywords: [], language: null, retracted: false, links: [], dateRevised: null, entrezDate: null,
    raw: JSON.stringify(f), rawFormat: 'medline',
  };
}

/** Stores papers in one transaction, as an import would. */
export function storePapers(db: import('better-sqlite3').Database, papers: readonly Paper[], now = '2026-12-01T08:00:00.000Z'): void {
  const store = new PaperStore(db);
  db.transaction(() => {
    for (const p of papers) store.upsert(p, now, 'test');
  })();
}

import type { Db } from '../store/db.js';
import { listClaims } from '../store/claims.js';
import { resolveClaim, type Stance } from '../evidence/claims.js';
import type { ExportItem } from '../export/item.js';
import { findPapers, type PaperView } from './library.js';

/** What an export selects: the whole library, or one claim's tagged papers (optionally of one stance). */
export interface ExportQuery {
  claim?: string;
  stance?: Stance;
}

/** The selection and the claim id it resolved to. */
export interface ExportSelection {
  claim: string | null;
  stance: Stance | null;
  items: ExportItem[];
}

function toItem(p: PaperView, claim: string | null): ExportItem {
  return {
    pmid: p.pmid, type: p.type, title: p.title, abstract: p.abstract, authors: p.authors, journal: p.journal,
    journalAbbrev: p.journalAbbrev, year: p.year, pubDate: p.pubDate, doi: p.doi, pmcid: p.pmcid,
    keywords: p.keywords, language: p.language, retracted: p.retracted, links: p.links, deleted: p.deleted,
    integrity: p.integrity,
    // With --claim, an entry carries that claim's tags only (every reviewer's, whatever the stance).
    tags: p.tags
      .filter((t) => claim === null || t.claim === claim)
      .map(({ claim: c, stance, note, reviewer }) => ({ claim: c, stance, note, reviewer })),
  };
}

/** The papers to export, newest first, each with its tags; a UsageError for an unknown claim. */
export function selectExport(db: Db, q: ExportQuery): ExportSelection {
  const claim = q.claim !== undefined ? resolveClaim(q.claim, listClaims(db)).id : null;
  const stance = q.stance ?? null;
  const papers = findPapers(db, { filter: 'all', ...(claim ? { claim } : {}) });
  const items = papers
    .filter((p) => stance === null || p.tags.some((t) => t.claim === claim && t.stance === stance))
    .map((p) => toItem(p, claim));
  return { claim, stance, items };
}

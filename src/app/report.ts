import type { Db } from '../store/db.js';
import { listClaims } from '../store/claims.js';
import { allTags } from '../store/tags.js';
import { rowToPaper, type PaperRow } from '../store/papers.js';
import { buildReport, type Report, type ReportPaperInfo } from '../evidence/report.js';
import { resolveClaim } from '../evidence/claims.js';

/** Builds the claim-by-claim report from the library; one claim when `claim` is given, else every active claim. */
export function reportFromLibrary(db: Db, opts: { claim?: string; now: string }): Report {
  const all = listClaims(db);
  const claims = opts.claim ? [resolveClaim(opts.claim, all)] : all.filter((c) => !c.retiredAt);
  const tags = allTags(db);
  const rows = db
    .prepare('SELECT * FROM papers WHERE pmid IN (SELECT DISTINCT pmid FROM tags)')
    .all() as PaperRow[];
  const papers = new Map<number, ReportPaperInfo>();
  for (const row of rows) {
    const p = rowToPaper(row);
    papers.set(p.pmid, {
      pmid: p.pmid, title: p.title, authors: p.authors, year: p.year, journal: p.journal,
      journalAbbrev: p.journalAbbrev, doi: p.doi, retracted: p.retracted,
      retractionNotice: p.links.find((l) => l.type === 'RetractionIn')?.pmid ?? null,
    });
  }
  return buildReport(claims, tags, papers, opts.now);
}

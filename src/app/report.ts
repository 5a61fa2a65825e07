import type { Db } from '../store/db.js';
import { listClaims } from '../store/claims.js';
import { allTags } from '../store/tags.js';
import { rowToPaper, type PaperRow } from '../store/papers.js';
import { historyForClaim } from '../store/history.js';
import { buildReport, type EvidenceKind, type Report, type ReportPaperInfo, type StatementChange } from '../evidence/report.js';
import { resolveClaim } from '../evidence/claims.js';
import { parseEvidenceKind } from '../evidence/kind.js';

/** Every `claims edit --statement` of these claims, oldest first. */
function statementChanges(db: Db, claimIds: readonly string[]): StatementChange[] {
  return claimIds.flatMap((id) => historyForClaim(db, id)
    .filter((h) => h.action === 'claim-edit-statement')
    .map((h) => ({ claimId: id, at: h.at, actor: h.actor, from: h.oldValue ?? '', to: h.newValue ?? '' })));
}

/**
 * Builds the claim-by-claim report from the library; one claim when `claim` is given, else every active claim.
 * `verbose` adds each claim's statement history.
 */
export function reportFromLibrary(db: Db, opts: { claim?: string; now: string; verbose?: boolean }): Report {
  const all = listClaims(db);
  const claims = opts.claim ? [resolveClaim(opts.claim, all)] : all.filter((c) => !c.retiredAt);
  const tags = allTags(db);
  const rows = db
    .prepare('SELECT * FROM papers WHERE pmid IN (SELECT DISTINCT pmid FROM tags)')
    .all() as PaperRow[];
  const overrides = new Map<number, EvidenceKind>();
  for (const o of db.prepare('SELECT pmid, kind FROM kind_overrides').all() as { pmid: number; kind: string }[]) {
    const kind = parseEvidenceKind(o.kind);
    if (kind) overrides.set(o.pmid, kind);
  }
  const papers = new Map<number, ReportPaperInfo>();
  for (const row of rows) {
    const p = rowToPaper(row);
    papers.set(p.pmid, {
      pmid: p.pmid, title: p.title, authors: p.authors, year: p.year, journal: p.journal,
      journalAbbrev: p.journalAbbrev, doi: p.doi, retracted: p.retracted,
      retractionNotice: p.links.find((l) => l.type === 'RetractionIn')?.pmid ?? null,
      publicationTypes: p.publicationTypes, mesh: p.mesh, kindOverride: overrides.get(p.pmid) ?? null,
    });
  }
  const changes = opts.verbose ? statementChanges(db, claims.map((c) => c.id)) : undefined;
  return buildReport(claims, tags, papers, opts.now, changes);
}

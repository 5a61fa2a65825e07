import type { Db } from '../store/db.js';
import { listClaims } from '../store/claims.js';
import { allTags } from '../store/tags.js';
import type { Author, PaperLink } from '../evidence/paper.js';
import { historyForClaim } from '../store/history.js';
import { buildReport, type EvidenceKind, type Report, type ReportPaperInfo, type StatementChange } from '../evidence/report.js';
import { resolveClaim } from '../evidence/claims.js';
import { parseEvidenceKind } from '../evidence/kind.js';
import { integrityStates } from './integrity.js';

/** The columns of `papers` the report reads. */
interface ReportRow {
  pmid: number;
  title: string | null;
  authors: string;
  year: number | null;
  journal: string | null;
  journal_abbrev: string | null;
  doi: string | null;
  retracted: number;
  links: string;
  publication_types: string;
  mesh: string;
}

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
  // Only the columns the report shows: never the raw record, which is most of a paper's bytes.
  const rows = db
    .prepare(
      `SELECT pmid, title, authors, year, journal, journal_abbrev, doi, retracted, links, publication_types, mesh
       FROM papers WHERE pmid IN (SELECT DISTINCT pmid FROM tags)`,
    )
    .all() as ReportRow[];
  const overrides = new Map<number, EvidenceKind>();
  for (const o of db.prepare('SELECT pmid, kind FROM kind_overrides').all() as { pmid: number; kind: string }[]) {
    const kind = parseEvidenceKind(o.kind);
    if (kind) overrides.set(o.pmid, kind);
  }
  const papers = new Map<number, ReportPaperInfo>();
  const states = integrityStates(db, rows.map((r) => ({
    pmid: r.pmid, links: JSON.parse(r.links) as PaperLink[], publicationTypes: JSON.parse(r.publication_types) as string[],
  })));
  for (const row of rows) {
    const links = JSON.parse(row.links) as PaperLink[];
    const integrity = states.get(row.pmid) ?? null;
    papers.set(row.pmid, {
      pmid: row.pmid, title: row.title, authors: JSON.parse(row.authors) as Author[], year: row.year, journal: row.journal,
      journalAbbrev: row.journal_abbrev, doi: row.doi, retracted: integrity ? integrity.excluded : row.retracted === 1, integrity,
      retractionNotice: links.find((l) => l.type === 'RetractionIn')?.pmid ?? null,
      publicationTypes: JSON.parse(row.publication_types) as string[], mesh: JSON.parse(row.mesh) as string[],
      kindOverride: overrides.get(row.pmid) ?? null,
    });
  }
  const changes = opts.verbose ? statementChanges(db, claims.map((c) => c.id)) : undefined;
  return buildReport(claims, tags, papers, opts.now, changes);
}

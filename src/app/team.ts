import type { Db } from '../store/db.js';
import { listClaims } from '../store/claims.js';
import { allTags } from '../store/tags.js';
import { resolveClaim, type Claim } from '../evidence/claims.js';
import { buildAgreement, findConflicts, type Agreement, type Conflict } from '../evidence/agreement.js';
import type { LogKind, LogEntry } from '../evidence/views.js';
export type { LogKind, LogEntry } from '../evidence/views.js';

function claimsInScope(db: Db, ref: string | undefined): Claim[] {
  const all = listClaims(db);
  return ref ? [resolveClaim(ref, all)] : all.filter((c) => !c.retiredAt);
}

/** Returns Cohen's kappa between two reviewers, per claim (one with `claim`, else every active one) and overall. */
export function agreementFromLibrary(db: Db, opts: { reviewers: [string, string]; claim?: string }): Agreement {
  return buildAgreement(claimsInScope(db, opts.claim), allTags(db), ...opts.reviewers);
}

/** Returns the papers and claims on which reviewers disagree, with titles. */
export function conflictsFromLibrary(db: Db, opts: { claim?: string }): Conflict[] {
  const claims = claimsInScope(db, opts.claim);
  const rows = db
    .prepare('SELECT pmid, title, retracted FROM papers WHERE pmid IN (SELECT DISTINCT pmid FROM tags)')
    .all() as { pmid: number; title: string | null; retracted: number }[];
  const papers = new Map(rows.map((r) => [r.pmid, { title: r.title, retracted: r.retracted === 1 }]));
  return findConflicts(claims, allTags(db), papers);
}

/** Returns the kind of a history action, or null for actions the log leaves out. */
export function logKind(action: string): LogKind | null {
  if (action === 'tag' || action === 'retag' || action === 'untag') return 'tag';
  if (action === 'dismiss' || action === 'undismiss') return 'dismissal';
  if (action.startsWith('claim-')) return 'claim';
  if (action.startsWith('paper-') || action === 'kind-override') return 'paper';
  return null;
}

/** Returns the changes to tags, dismissals, claims and paper status, newest first. `since` is YYYY-MM-DD (UTC). */
export function teamLog(db: Db, opts: { since?: string; reviewer?: string; limit?: number }): LogEntry[] {
  const where = [
    `(action IN ('tag', 'retag', 'untag', 'dismiss', 'undismiss') OR action LIKE 'claim-%' OR action LIKE 'paper-%' OR action = 'kind-override')`,
  ];
  const params: (string | number)[] = [];
  // History times are ISO 8601 UTC strings, so a day compares as a string prefix.
  if (opts.since) { where.push('at >= ?'); params.push(opts.since); }
  if (opts.reviewer !== undefined) { where.push('actor = ?'); params.push(opts.reviewer); }
  const limit = opts.limit !== undefined ? ' LIMIT ?' : '';
  if (opts.limit !== undefined) params.push(opts.limit);
  const rows = db
    .prepare(
      `SELECT id, at, actor, action, pmid, claim_id AS claimId, old_value AS oldValue, new_value AS newValue, note
       FROM history WHERE ${where.join(' AND ')} ORDER BY at DESC, id DESC${limit}`,
    )
    .all(...params) as Omit<LogEntry, 'kind'>[];
  return rows.map((r) => ({ ...r, kind: logKind(r.action)! })).map(({ id, at, actor, kind, action, pmid, claimId, oldValue, newValue, note }) =>
    ({ id, at, actor, kind, action, pmid, claimId, oldValue, newValue, note }));
}

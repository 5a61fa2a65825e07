import type { Db } from '../store/db.js';
import { claimTagCounts, insertClaim, listClaims, updateClaim } from '../store/claims.js';
import { appendHistory, historyForClaim, type HistoryEntry } from '../store/history.js';
import { dependencyCycle, nextClaimId, resolveClaim, validateSlug, type Claim } from '../evidence/claims.js';
import { UsageError } from '../errors.js';
import type { ClaimSummary } from '../evidence/views.js';
export type { ClaimSummary } from '../evidence/views.js';

/** Every claim with its tag counts (retracted papers counted apart). */
export function claimSummaries(db: Db, includeRetired = true): ClaimSummary[] {
  const counts = claimTagCounts(db);
  return listClaims(db)
    .filter((c) => includeRetired || !c.retiredAt)
    .map((c) => ({ ...c, counts: counts.get(c.id) ?? { supports: 0, qualifies: 0, contradicts: 0, retracted: 0, disputed: 0, concern: 0 } }));
}

/** One claim with its counts and history. */
export function showClaim(db: Db, ref: string): ClaimSummary & { history: HistoryEntry[] } {
  const claim = resolveClaim(ref, listClaims(db));
  const summary = claimSummaries(db).find((c) => c.id === claim.id)!;
  return { ...summary, history: historyForClaim(db, claim.id) };
}

function checkDependsOn(db: Db, refs: string[], self?: string): string[] {
  const claims = listClaims(db);
  const ids = refs.map((r) => resolveClaim(r, claims).id);
  if (self && ids.includes(self)) throw new UsageError(`claim ${self} cannot depend on itself: remove it from --depends-on`);
  const unique = [...new Set(ids)];
  const cycle = self ? dependencyCycle(self, unique, claims) : null;
  if (self && cycle) {
    const via = cycle.slice(2, -1);
    throw new UsageError(`${self} cannot depend on ${cycle[1]!}: ${cycle[1]!} already depends on ${self}${via.length ? ` through ${via.join(', ')}` : ''} (${cycle.join(' → ')}); leave ${cycle[1]!} out of --depends-on`);
  }
  return unique;
}

/** Adds a claim with the next free id. */
export function addClaim(
  db: Db,
  a: { slug: string; statement: string; keywords: string[]; dependsOn: string[]; actor: string; at: string },
): Claim {
  return db.transaction((): Claim => {
    const claims = listClaims(db);
    const slug = validateSlug(a.slug);
    if (claims.some((c) => c.slug === slug)) throw new UsageError(`a claim with slug '${slug}' already exists: choose another slug`);
    const statement = a.statement.trim();
    if (!statement) throw new UsageError('the statement is empty: give the claim as one sentence');
    const claim: Claim = {
      id: nextClaimId(claims), slug, statement, keywords: a.keywords,
      dependsOn: checkDependsOn(db, a.dependsOn), retiredAt: null,
    };
    insertClaim(db, claim, a.at);
    appendHistory(db, { at: a.at, actor: a.actor, action: 'claim-add', pmid: null, claimId: claim.id, oldValue: null, newValue: statement, note: null });
    return claim;
  }).immediate();
}

/** Changes a claim's statement, slug, keywords or dependencies; the old values stay in the history. */
export function editClaim(
  db: Db,
  a: { ref: string; statement?: string; slug?: string; keywords?: string[]; dependsOn?: string[]; actor: string; at: string },
): { claim: Claim; changed: string[] } {
  return db.transaction(() => {
    const claims = listClaims(db);
    const old = resolveClaim(a.ref, claims);
    const next: Claim = { ...old };
    const changed: string[] = [];
    const log = (field: string, from: string, to: string): void => {
      changed.push(field);
      appendHistory(db, { at: a.at, actor: a.actor, action: `claim-edit-${field}`, pmid: null, claimId: old.id, oldValue: from, newValue: to, note: null });
    };
    if (a.statement !== undefined) {
      const s = a.statement.trim();
      if (!s) throw new UsageError('the statement is empty: give the claim as one sentence');
      if (s !== old.statement) { next.statement = s; log('statement', old.statement, s); }
    }
    if (a.slug !== undefined && a.slug !== old.slug) {
      const slug = validateSlug(a.slug);
      if (claims.some((c) => c.slug === slug)) throw new UsageError(`a claim with slug '${slug}' already exists: choose another slug`);
      next.slug = slug;
      log('slug', old.slug, slug);
    }
    if (a.keywords !== undefined && JSON.stringify(a.keywords) !== JSON.stringify(old.keywords)) {
      next.keywords = a.keywords;
      log('keywords', JSON.stringify(old.keywords), JSON.stringify(a.keywords));
    }
    if (a.dependsOn !== undefined) {
      const deps = checkDependsOn(db, a.dependsOn, old.id);
      if (JSON.stringify(deps) !== JSON.stringify(old.dependsOn)) {
        next.dependsOn = deps;
        log('depends-on', JSON.stringify(old.dependsOn), JSON.stringify(deps));
      }
    }
    if (changed.length) updateClaim(db, next);
    return { claim: next, changed };
  }).immediate();
}

/** Retires (or restores) a claim: it keeps its tags and history but takes no new tags. */
export function setClaimRetired(db: Db, a: { ref: string; retired: boolean; actor: string; at: string }): Claim {
  return db.transaction((): Claim => {
    const old = resolveClaim(a.ref, listClaims(db));
    if (Boolean(old.retiredAt) === a.retired) {
      throw new UsageError(`claim ${old.id} is ${a.retired ? 'already retired' : 'not retired'}`);
    }
    const next: Claim = { ...old, retiredAt: a.retired ? a.at : null };
    updateClaim(db, next);
    appendHistory(db, {
      at: a.at, actor: a.actor, action: a.retired ? 'claim-retire' : 'claim-restore', pmid: null, claimId: old.id,
      oldValue: old.retiredAt, newValue: next.retiredAt, note: null,
    });
    return next;
  }).immediate();
}

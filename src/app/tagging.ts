import type { Db } from '../store/db.js';
import { PaperStore, type StoredPaper } from '../store/papers.js';
import { listClaims } from '../store/claims.js';
import { appendHistory } from '../store/history.js';
import {
  deleteDismissal, deleteTag, dismissalsForPaper, getTag, putDismissal, putTag, tagsForPaper, type Tag,
} from '../store/tags.js';
import { resolveClaim, type Claim, type Stance } from '../evidence/claims.js';
import { UsageError } from '../errors.js';
import type { TagChange } from '../evidence/views.js';
import { resolveReason } from './reasons.js';
export type { TagChange } from '../evidence/views.js';

/** The stored paper, or a UsageError telling the user how to get it. */
export function requirePaper(db: Db, pmid: number): StoredPaper {
  const p = new PaperStore(db).get(pmid);
  if (!p) throw new UsageError(`PMID ${pmid} is not in the library: import or fetch it first (claimwatch import FILE)`);
  return p;
}

/** Resolves a claim the user may tag against (not retired). */
export function requireActiveClaim(db: Db, ref: string): Claim {
  const claim = resolveClaim(ref, listClaims(db));
  if (claim.retiredAt) {
    throw new UsageError(`claim ${claim.id} (${claim.slug}) is retired: restore it first with 'claimwatch claims restore ${claim.id}'`);
  }
  return claim;
}

/** Tags a paper for a claim, or changes the stance of the reviewer's existing tag; keeps the old note unless a new one is given. */
export function tagPaper(
  db: Db,
  a: { pmid: number; claim: string; stance: Stance; note?: string; reviewer: string; at: string },
): TagChange {
  return db.transaction((): TagChange => {
    const paper = requirePaper(db, a.pmid);
    const claim = requireActiveClaim(db, a.claim);
    const old = getTag(db, a.pmid, claim.id, a.reviewer);
    const note = a.note !== undefined ? a.note.trim() || null : (old?.note ?? null);
    const base = { pmid: a.pmid, claim: claim.id, reviewer: a.reviewer, note, retracted: paper.retracted };
    if (old && old.stance === a.stance && old.note === note) {
      return { ...base, action: 'unchanged', from: old.stance, to: a.stance };
    }
    const tag: Tag = { pmid: a.pmid, claim: claim.id, stance: a.stance, note, reviewer: a.reviewer, at: a.at };
    // A paper that bears on a claim is no longer "bears on no claim" for this reviewer.
    const dismissal = dismissalsForPaper(db, a.pmid).find((d) => d.reviewer === a.reviewer);
    if (dismissal) {
      deleteDismissal(db, a.pmid, a.reviewer);
      appendHistory(db, {
        at: a.at, actor: a.reviewer, action: 'undismiss', pmid: a.pmid, claimId: null,
        oldValue: 'dismissed', newValue: null, note: `tagged ${claim.id}`,
      });
    }
    putTag(db, tag);
    appendHistory(db, {
      at: a.at, actor: a.reviewer, action: old ? 'retag' : 'tag', pmid: a.pmid, claimId: claim.id,
      oldValue: old?.stance ?? null, newValue: a.stance, note,
    });
    return { ...base, action: old ? 'retagged' : 'tagged', from: old?.stance ?? null, to: a.stance };
  }).immediate();
}

/** Removes the reviewer's tag of a paper for a claim; the history keeps it. */
export function untagPaper(db: Db, a: { pmid: number; claim: string; reviewer: string; at: string }): TagChange {
  return db.transaction((): TagChange => {
    const paper = requirePaper(db, a.pmid);
    const claim = resolveClaim(a.claim, listClaims(db));
    const old = getTag(db, a.pmid, claim.id, a.reviewer);
    if (!old) {
      const others = tagsForPaper(db, a.pmid).filter((t) => t.claim === claim.id).map((t) => t.reviewer);
      const hint = others.length ? ` (tagged by ${others.join(', ')}: pass --reviewer NAME)` : '';
      throw new UsageError(`PMID ${a.pmid} has no tag for ${claim.id} by ${a.reviewer}${hint}`);
    }
    deleteTag(db, a.pmid, claim.id, a.reviewer);
    appendHistory(db, {
      at: a.at, actor: a.reviewer, action: 'untag', pmid: a.pmid, claimId: claim.id,
      oldValue: old.stance, newValue: null, note: old.note,
    });
    return { pmid: a.pmid, claim: claim.id, reviewer: a.reviewer, action: 'untagged', from: old.stance, to: null, note: old.note, retracted: paper.retracted };
  }).immediate();
}

/**
 * Marks a paper as reviewed and bearing on no claim, for this reviewer. `reason` is a standard reason's
 * number or code (see resolveReason), or free text.
 */
export function dismissPaper(db: Db, a: { pmid: number; reason?: string; reviewer: string; at: string }): TagChange {
  return db.transaction((): TagChange => {
    const paper = requirePaper(db, a.pmid);
    const given = a.reason !== undefined && a.reason.trim() ? resolveReason(db, a.reason) : undefined;
    const mine = tagsForPaper(db, a.pmid).filter((t) => t.reviewer === a.reviewer);
    if (mine.length) {
      const list = mine.map((t) => `${t.claim} ${t.stance}`).join(', ');
      throw new UsageError(`PMID ${a.pmid} has your tags (${list}): untag them before dismissing it`);
    }
    const old = dismissalsForPaper(db, a.pmid).find((d) => d.reviewer === a.reviewer);
    // As with a tag's note: no --reason keeps the old one, and the same dismissal again records nothing.
    // An empty --reason clears the reason, as an empty --note clears a note.
    const cleared = a.reason !== undefined && !a.reason.trim();
    const reason = given ? given.text : cleared ? null : (old?.reason ?? null);
    const reasonCode = given ? (given.reason?.code ?? null) : cleared ? null : (old?.reasonCode ?? null);
    const base = { pmid: a.pmid, claim: null, reviewer: a.reviewer, from: null, to: null, note: reason, reasonCode, retracted: paper.retracted };
    if (old && old.reason === reason && (old.reasonCode ?? null) === reasonCode) return { ...base, action: 'unchanged' };
    putDismissal(db, { pmid: a.pmid, reviewer: a.reviewer, reason, reasonCode, at: a.at });
    appendHistory(db, {
      at: a.at, actor: a.reviewer, action: 'dismiss', pmid: a.pmid, claimId: null,
      oldValue: old ? 'dismissed' : null, newValue: 'dismissed', note: reason, reasonCode,
    });
    return { ...base, action: 'dismissed' };
  }).immediate();
}

/** Returns a dismissed paper to the inbox. */
export function undismissPaper(db: Db, a: { pmid: number; reviewer: string; at: string }): TagChange {
  return db.transaction((): TagChange => {
    const paper = requirePaper(db, a.pmid);
    const old = dismissalsForPaper(db, a.pmid).find((d) => d.reviewer === a.reviewer);
    if (!old) throw new UsageError(`PMID ${a.pmid} is not dismissed by ${a.reviewer}`);
    deleteDismissal(db, a.pmid, a.reviewer);
    appendHistory(db, {
      at: a.at, actor: a.reviewer, action: 'undismiss', pmid: a.pmid, claimId: null,
      oldValue: 'dismissed', newValue: null, note: old.reason,
    });
    return { pmid: a.pmid, claim: null, reviewer: a.reviewer, action: 'undismissed', from: null, to: null, note: null, retracted: paper.retracted };
  }).immediate();
}

import fs from 'node:fs';
import type { Db } from '../store/db.js';
import { insertReason, listReasons, updateReasonLabel } from '../store/reasons.js';
import { appendHistory } from '../store/history.js';
import {
  checkReasonCode, checkReasonLabel, resolveReasonInput, type Reason, type ResolvedReason,
} from '../evidence/reasons.js';
import { UsageError } from '../errors.js';
export type { Reason, ResolvedReason } from '../evidence/reasons.js';

/** The reasons shipped in data/. */
export const REASONS_FILE = new URL('../../data/reasons.json', import.meta.url);

/** Reads the shipped exclusion reasons. */
export function readShippedReasons(file: URL | string = REASONS_FILE): { code: string; label: string }[] {
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { reasons: { code: string; label: string }[] };
  return parsed.reasons.map((r) => ({ code: checkReasonCode(r.code), label: checkReasonLabel(r.label) }));
}

/** Seeds the shipped reasons into a library that has none (called once, when the reasons table is created). */
export function seedReasons(db: Db, at: string): void {
  for (const r of readShippedReasons()) {
    insertReason(db, r, at);
    appendHistory(db, {
      at, actor: 'claimwatch', action: 'reason-add', pmid: null, claimId: null,
      oldValue: null, newValue: r.label, note: 'seeded from data/reasons.json', reasonCode: r.code,
    });
  }
}

/** The standard reasons by number, as triage shows them after `d` (render with renderReasonChoices). */
export function reasonChoices(db: Db): Reason[] {
  return listReasons(db);
}

/** A reason with how many current dismissals give it. */
export interface ReasonUse extends Reason {
  dismissals: number;
}

/** Every standard reason, by number, with its count of current dismissals. */
export function reasonsWithUse(db: Db): ReasonUse[] {
  const counts = new Map((db.prepare('SELECT reason_code AS code, count(*) AS n FROM dismissals WHERE reason_code IS NOT NULL GROUP BY reason_code')
    .all() as { code: string; n: number }[]).map((r) => [r.code, r.n]));
  return listReasons(db).map((r) => ({ ...r, dismissals: counts.get(r.code) ?? 0 }));
}

/**
 * What a typed reason means in this library: `3` is reason number 3 (an unknown number is a UsageError
 * listing the valid ones), a code or an exact label is that reason, anything else is free text.
 * This is what `dismiss --reason` and triage's `d REASON` go through (dismissPaper calls it).
 */
export function resolveReason(db: Db, input: string): ResolvedReason {
  return resolveReasonInput(input, listReasons(db));
}

/** Finds a reason by number or code; a UsageError lists the valid ones. */
export function requireReason(db: Db, ref: string): Reason {
  const all = listReasons(db);
  const t = ref.trim().toLowerCase();
  const r = all.find((x) => String(x.number) === t || x.code === t);
  if (!r) throw new UsageError(`no exclusion reason ${JSON.stringify(ref)}: choose one of ${all.map((x) => `${x.number} ${x.code}`).join(', ') || 'none yet'} (claimwatch reasons)`);
  return r;
}

/** `reasons add CODE LABEL`: a new standard reason with the next number; recorded in the history. */
export function addReason(db: Db, a: { code: string; label: string; actor: string; at: string }): Reason {
  const code = checkReasonCode(a.code);
  const label = checkReasonLabel(a.label);
  return db.transaction((): Reason => {
    const clash = listReasons(db).find((r) => r.code === code || r.label.toLowerCase() === label.toLowerCase());
    if (clash) throw new UsageError(`reason ${clash.number} (${clash.code}: ${clash.label}) already exists: use it, or change it with 'claimwatch reasons edit ${clash.number} LABEL'`);
    const r = insertReason(db, { code, label }, a.at);
    appendHistory(db, { at: a.at, actor: a.actor, action: 'reason-add', pmid: null, claimId: null, oldValue: null, newValue: label, note: null, reasonCode: code });
    return r;
  }).immediate();
}

/**
 * `reasons edit N LABEL`: changes the words of a reason; its number and code stay, so dismissals made with
 * it keep counting under it. The old label is kept in the history.
 */
export function editReason(db: Db, a: { ref: string; label: string; actor: string; at: string }): { reason: Reason; from: string } {
  const label = checkReasonLabel(a.label);
  return db.transaction(() => {
    const old = requireReason(db, a.ref);
    const clash = listReasons(db).find((r) => r.code !== old.code && r.label.toLowerCase() === label.toLowerCase());
    if (clash) throw new UsageError(`reason ${clash.number} (${clash.code}) already reads ${JSON.stringify(clash.label)}: give reason ${old.number} other words`);
    if (old.label !== label) {
      updateReasonLabel(db, old.code, label, a.at);
      appendHistory(db, { at: a.at, actor: a.actor, action: 'reason-edit', pmid: null, claimId: null, oldValue: old.label, newValue: label, note: null, reasonCode: old.code });
    }
    return { reason: { ...old, label }, from: old.label };
  }).immediate();
}

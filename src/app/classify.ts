import type { Db } from '../store/db.js';
import { appendHistory } from '../store/history.js';
import { evidenceKind, parseEvidenceKind } from '../evidence/kind.js';
import { EVIDENCE_KINDS, type EvidenceKind } from '../evidence/report.js';
import { UsageError } from '../errors.js';
import { requirePaper } from './tagging.js';

/** What a classify action did, for the command to report. */
export interface KindChange {
  pmid: number;
  action: 'classified' | 'cleared' | 'unchanged';
  /** The kind PubMed's record implies. */
  derived: EvidenceKind;
  /** The override before and after (null: none, the derived kind applies). */
  from: EvidenceKind | null;
  to: EvidenceKind | null;
  /** The kind the report now shows. */
  kind: EvidenceKind;
  actor: string;
}

/** Returns the kind named by `input`, or a UsageError listing the valid kinds. */
export function requireEvidenceKind(input: string): EvidenceKind {
  const kind = parseEvidenceKind(input);
  if (!kind) throw new UsageError(`'${input}' is not an evidence kind: use one of ${EVIDENCE_KINDS.join(', ')}`);
  return kind;
}

/** The reviewer's override of a paper's kind, or null. */
export function kindOverride(db: Db, pmid: number): EvidenceKind | null {
  const row = db.prepare('SELECT kind FROM kind_overrides WHERE pmid = ?').get(pmid) as { kind: string } | undefined;
  return row ? parseEvidenceKind(row.kind) : null;
}

/**
 * Sets (`kind`) or clears (`kind: null`) the evidence kind of a paper; the history records the kind the
 * report showed before and after.
 */
export function classifyPaper(db: Db, a: { pmid: number; kind: EvidenceKind | null; actor: string; at: string }): KindChange {
  return db.transaction((): KindChange => {
    const paper = requirePaper(db, a.pmid);
    const derived = evidenceKind(paper.publicationTypes, paper.mesh);
    const from = kindOverride(db, a.pmid);
    const base = { pmid: a.pmid, derived, from, to: a.kind, kind: a.kind ?? derived, actor: a.actor };
    if (from === a.kind) return { ...base, action: 'unchanged' };
    if (a.kind === null) db.prepare('DELETE FROM kind_overrides WHERE pmid = ?').run(a.pmid);
    else {
      db.prepare(
        `INSERT INTO kind_overrides (pmid, kind, actor, at) VALUES (?, ?, ?, ?)
         ON CONFLICT (pmid) DO UPDATE SET kind = excluded.kind, actor = excluded.actor, at = excluded.at`,
      ).run(a.pmid, a.kind, a.actor, a.at);
    }
    appendHistory(db, {
      at: a.at, actor: a.actor, action: 'kind-override', pmid: a.pmid, claimId: null,
      oldValue: from ?? derived, newValue: a.kind ?? derived,
      note: a.kind === null ? `override cleared; derived from PubMed: ${derived}` : `derived from PubMed: ${derived}`,
    });
    return { ...base, action: a.kind === null ? 'cleared' : 'classified' };
  }).immediate();
}

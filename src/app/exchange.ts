import fs from 'node:fs';
import type { Db } from '../store/db.js';
import { listClaims } from '../store/claims.js';
import { ClaimwatchError, UsageError } from '../errors.js';
import { TAG_ACTIONS, compareEvents, parseTagEvent, replay, type TagEvent } from '../evidence/exchange.js';

/** What `tags import` did. */
export interface ImportEventsSummary {
  read: number;
  added: number;
  alreadyKnown: number;
  reviewers: string[];
  tags: number;
  dismissals: number;
}

interface HistoryRow {
  uid: string;
  at: string;
  actor: string;
  action: string;
  pmid: number;
  claim_id: string | null;
  old_value: string | null;
  new_value: string | null;
  note: string | null;
}

const ACTIONS_SQL = TAG_ACTIONS.map((a) => `'${a}'`).join(', ');

/** Every tagging event of the library (or of one reviewer), in the order all libraries agree on. */
export function exportTagEvents(db: Db, reviewer?: string): TagEvent[] {
  const rows = db.prepare(`SELECT uid, at, actor, action, pmid, claim_id, old_value, new_value, note FROM history
    WHERE action IN (${ACTIONS_SQL}) ${reviewer !== undefined ? 'AND actor = ?' : ''}`)
    .all(...(reviewer !== undefined ? [reviewer] : [])) as HistoryRow[];
  return rows
    .map((r): TagEvent => ({
      v: 1, uid: r.uid, at: r.at, reviewer: r.actor, action: r.action as TagEvent['action'], pmid: r.pmid,
      claim: r.claim_id, old: r.old_value, new: r.new_value, note: r.note,
    }))
    .sort(compareEvents);
}

/** Reads an export file (or standard input for '-'), checking every line before anything is written. */
export function readTagEvents(file: string, stdin: () => string): TagEvent[] {
  let text: string;
  try {
    text = file === '-' ? stdin() : fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (e as Error).message;
    throw new UsageError(`cannot read ${file}: ${why} (give a file written by 'claimwatch tags export')`);
  }
  const events: TagEvent[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim()) events.push(parseTagEvent(line, `${file} line ${i + 1}`));
  });
  return events;
}

/**
 * Merges tagging events from another library. Events already here (same uid) are skipped; then each
 * tag and dismissal the new events touch is recomputed from all its events in the shared order, so
 * importing files in any order, or twice, ends with the same tags and the same history.
 */
export function importTagEvents(db: Db, events: readonly TagEvent[]): ImportEventsSummary {
  const claims = new Set(listClaims(db).map((c) => c.id));
  const unknownClaims = [...new Set(events.map((e) => e.claim).filter((c): c is string => c !== null && !claims.has(c)))];
  if (unknownClaims.length) {
    throw new ClaimwatchError(`the file tags claims this library does not have (${unknownClaims.join(', ')}): add them with 'claimwatch claims add' first`);
  }
  const has = db.prepare('SELECT 1 FROM papers WHERE pmid = ?').pluck();
  const missing = [...new Set(events.map((e) => e.pmid))].filter((p) => has.get(p) === undefined).sort((a, b) => a - b);
  if (missing.length) {
    const shown = missing.slice(0, 20).join(' ');
    throw new ClaimwatchError(`${missing.length} tagged paper(s) are not in this library: fetch them first with 'claimwatch fetch ${shown}${missing.length > 20 ? ' ...' : ''}'`);
  }
  return db.transaction((): ImportEventsSummary => {
    const insert = db.prepare(`INSERT OR IGNORE INTO history (uid, at, actor, action, pmid, claim_id, old_value, new_value, note)
      VALUES (@uid, @at, @reviewer, @action, @pmid, @claim, @old, @new, @note)`);
    const tagKeys = new Map<string, { pmid: number; claim: string; reviewer: string }>();
    const dismissalKeys = new Map<string, { pmid: number; reviewer: string }>();
    let added = 0;
    for (const e of events) {
      if (insert.run(e).changes === 0) continue;
      added += 1;
      if (e.claim !== null) tagKeys.set(`${e.pmid}|${e.claim}|${e.reviewer}`, { pmid: e.pmid, claim: e.claim, reviewer: e.reviewer });
      else dismissalKeys.set(`${e.pmid}|${e.reviewer}`, { pmid: e.pmid, reviewer: e.reviewer });
    }
    const tagEvents = db.prepare(`SELECT uid, at, action, new_value AS new, note FROM history
      WHERE pmid = ? AND claim_id = ? AND actor = ? AND action IN ('tag', 'retag', 'untag')`);
    const dismissalEvents = db.prepare(`SELECT uid, at, action, new_value AS new, note FROM history
      WHERE pmid = ? AND actor = ? AND action IN ('dismiss', 'undismiss')`);
    for (const k of tagKeys.values()) {
      const s = replay(tagEvents.all(k.pmid, k.claim, k.reviewer) as Parameters<typeof replay>[0]);
      if (s?.kind === 'tag') {
        db.prepare(`INSERT INTO tags (pmid, claim_id, reviewer, stance, note, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (pmid, claim_id, reviewer) DO UPDATE SET stance = excluded.stance, note = excluded.note,
            created_at = excluded.created_at, updated_at = excluded.updated_at`)
          .run(k.pmid, k.claim, k.reviewer, s.stance, s.note, s.createdAt, s.updatedAt);
      } else {
        db.prepare('DELETE FROM tags WHERE pmid = ? AND claim_id = ? AND reviewer = ?').run(k.pmid, k.claim, k.reviewer);
      }
    }
    for (const k of dismissalKeys.values()) {
      const s = replay(dismissalEvents.all(k.pmid, k.reviewer) as Parameters<typeof replay>[0]);
      if (s?.kind === 'dismissal') {
        db.prepare(`INSERT INTO dismissals (pmid, reviewer, reason, at) VALUES (?, ?, ?, ?)
          ON CONFLICT (pmid, reviewer) DO UPDATE SET reason = excluded.reason, at = excluded.at`).run(k.pmid, k.reviewer, s.reason, s.at);
      } else {
        db.prepare('DELETE FROM dismissals WHERE pmid = ? AND reviewer = ?').run(k.pmid, k.reviewer);
      }
    }
    return {
      read: events.length, added, alreadyKnown: events.length - added,
      reviewers: [...new Set(events.map((e) => e.reviewer))].sort(),
      tags: tagKeys.size, dismissals: dismissalKeys.size,
    };
  }).immediate();
}

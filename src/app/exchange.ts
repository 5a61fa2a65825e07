import fs from 'node:fs';
import type { Db } from '../store/db.js';
import { listClaims } from '../store/claims.js';
import { tagEventStatements, tagEvents } from '../store/history.js';
import { missingPapers, replayedStateStatements } from '../store/tags.js';
import { listReasons } from '../store/reasons.js';
import { ClaimwatchError, UsageError } from '../errors.js';
import {
  checkEventRules, compareEvents, describeProblems, parseTagEvent, replayPaper,
  type ClaimInfo, type PaperReplay, type SourcedEvent, type TagEvent,
} from '../evidence/exchange.js';

/** What `tags import` did. */
export interface ImportEventsSummary {
  read: number;
  added: number;
  alreadyKnown: number;
  reviewers: string[];
  tags: number;
  dismissals: number;
}

/** Every tagging event of the library (or of one reviewer), in the order all libraries agree on. */
export function exportTagEvents(db: Db, reviewer?: string): TagEvent[] {
  return tagEvents(db, reviewer)
    .map((r): TagEvent => {
      const e: TagEvent = {
        v: 1, uid: r.uid, at: r.at, reviewer: r.reviewer, action: r.action, pmid: r.pmid,
        claim: r.claim, old: r.old, new: r.new, note: r.note,
      };
      // Only a dismissal with a standard reason carries one, so every other line reads as before.
      if (r.action === 'dismiss' && r.reason !== null) e.reason = r.reason;
      return e;
    })
    .sort(compareEvents);
}

function shellWord(s: string): string {
  return /^[A-Za-z0-9._@+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Reads an export file (or standard input for '-'), checking every line before anything is written. */
export function readTagEvents(file: string, stdin: () => string): SourcedEvent[] {
  let text: string;
  try {
    text = file === '-' ? stdin() : fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (e as Error).message;
    throw new UsageError(`cannot read ${file}: ${why} (give a file written by 'claimwatch tags export')`);
  }
  const events: SourcedEvent[] = [];
  // Line by line without splitting: a large file is not held twice.
  for (let start = 0, i = 0; start < text.length; i++) {
    const end = text.indexOf('\n', start);
    const line = text.slice(start, end < 0 ? text.length : end);
    start = end < 0 ? text.length : end + 1;
    if (!line.trim()) continue;
    const where = `${file} line ${i + 1}`;
    const e: SourcedEvent = parseTagEvent(line, where);
    e.where = where;
    e.seq = i;
    events.push(e);
  }
  return events;
}

/** One reviewer's new events on one paper, with what all of that reviewer's events on it replay to. */
interface PaperPlan {
  pmid: number;
  reviewer: string;
  fresh: SourcedEvent[];
  replay: PaperReplay;
}

/**
 * Merges tagging events from another library. Events already here (same uid) are skipped; then each
 * tag and dismissal the new events touch is recomputed from all its events in the shared order, so
 * importing files in any order, or twice, ends with the same tags and the same history.
 *
 * All or nothing, in one write transaction: every event is checked first (the claims and papers exist, the
 * time is not after `now`, no tag of a claim retired before it, no dismissal of a paper the reviewer's tag
 * stands on) and any refusal writes nothing. The work is one indexed lookup per event and per reviewer and
 * paper, so the write lock is held for a time that grows in step with the file.
 */
export function importTagEvents(db: Db, events: readonly SourcedEvent[], now: string): ImportEventsSummary {
  return db.transaction((): ImportEventsSummary => {
    const claims = new Map<string, ClaimInfo>(listClaims(db).map((c) => [c.id, { id: c.id, retiredAt: c.retiredAt }]));
    const unknownClaims = [...new Set(events.map((e) => e.claim).filter((c): c is string => c !== null && !claims.has(c)))];
    if (unknownClaims.length) {
      throw new ClaimwatchError(`the file tags claims this library does not have (${unknownClaims.join(', ')}): add them with 'claimwatch claims add' first`);
    }
    const codes = new Set(listReasons(db).map((r) => r.code));
    const unknownReasons = [...new Set(events.map((e) => e.reason).filter((c): c is string => c !== undefined && !codes.has(c)))];
    if (unknownReasons.length) {
      const first = events.find((e) => e.reason === unknownReasons[0])!;
      throw new ClaimwatchError(`the file dismisses papers for exclusion reasons this library does not have (${unknownReasons.join(', ')}): add them first (claimwatch reasons add ${unknownReasons[0]} ${shellWord(first.note ?? unknownReasons[0]!)}), then import the file again (nothing imported)`);
    }
    const missing = missingPapers(db, events.map((e) => e.pmid));
    if (missing.length) {
      const shown = missing.slice(0, 20).join(' ');
      throw new ClaimwatchError(`${missing.length} tagged paper(s) are not in this library: fetch them first with 'claimwatch fetch ${shown}${missing.length > 20 ? ' ...' : ''}'`);
    }

    const history = tagEventStatements(db);
    // New: not in the history, and the first line of the file with that uid.
    const uids = new Set<string>();
    const fresh: SourcedEvent[] = [];
    for (const e of events) {
      if (uids.has(e.uid)) continue;
      uids.add(e.uid);
      if (!history.known(e.uid)) fresh.push(e);
    }
    const problems = checkEventRules(fresh, claims, now);
    const byPaper = new Map<string, SourcedEvent[]>();
    for (const e of fresh) {
      const key = `${e.pmid}|${e.reviewer}`;
      const group = byPaper.get(key);
      if (group) group.push(e);
      else byPaper.set(key, [e]);
    }
    const isFresh = new Set(fresh);
    const plans: PaperPlan[] = [];
    for (const group of byPaper.values()) {
      const { pmid, reviewer } = group[0]!;
      const replay = replayPaper([...history.ofPaper(pmid, reviewer), ...group], (e) => isFresh.has(e));
      problems.push(...replay.problems);
      plans.push({ pmid, reviewer, fresh: group, replay });
    }
    if (problems.length) throw new UsageError(describeProblems(problems));

    for (const e of fresh) history.insert(e);
    const state = replayedStateStatements(db);
    let tags = 0;
    let dismissals = 0;
    for (const p of plans) {
      for (const claim of new Set(p.fresh.map((e) => e.claim).filter((c): c is string => c !== null))) {
        const s = p.replay.tags.get(claim);
        if (s?.kind === 'tag') state.putTag({ pmid: p.pmid, claim, reviewer: p.reviewer, stance: s.stance, note: s.note, createdAt: s.createdAt, updatedAt: s.updatedAt });
        else state.deleteTag(p.pmid, claim, p.reviewer);
        tags += 1;
      }
      if (p.fresh.some((e) => e.claim === null)) {
        const d = p.replay.dismissal;
        if (d?.kind === 'dismissal') state.putDismissal({ pmid: p.pmid, reviewer: p.reviewer, reason: d.reason, reasonCode: d.reasonCode, at: d.at });
        else state.deleteDismissal(p.pmid, p.reviewer);
        dismissals += 1;
      }
    }
    return {
      read: events.length, added: fresh.length, alreadyKnown: events.length - fresh.length,
      reviewers: [...new Set(events.map((e) => e.reviewer))].sort(),
      tags, dismissals,
    };
  }).immediate();
}

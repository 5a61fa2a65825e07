// The integrity tables: append-only notices per paper and source, the status they add up to, and when
// Crossref was last asked. papers.retracted is kept equal to the derived "excluded" flag.
import type { Db } from './db.js';
import type { Paper } from '../evidence/paper.js';
import {
  deriveIntegrity, eventKey, pubmedNotices, SOURCE_LABELS, STATUS_LABELS,
  type IntegrityEvent, type IntegrityNotice, type IntegrityState, type IntegrityStatus,
} from '../evidence/integrity.js';

interface EventRow {
  status: IntegrityStatus;
  source: IntegrityEvent['source'];
  notice_doi: string | null;
  notice_pmid: number | null;
  notice_date: string | null;
  nature: string | null;
  reason: string | null;
  record_id: string | null;
  learned_at: string;
}

function rowToEvent(r: EventRow): IntegrityEvent {
  return {
    status: r.status, source: r.source, noticeDoi: r.notice_doi, noticePmid: r.notice_pmid, date: r.notice_date,
    nature: r.nature, reason: r.reason, recordId: r.record_id, learnedAt: r.learned_at,
  };
}

/** Words PubMed's links or publication types must hold before a record is worth parsing for notices. */
const PUBMED_HINT = /Retract|Erratum|ExpressionOfConcern|CorrectedandRepublished/;

/** Prepared statements over the integrity tables for one open database. */
export class IntegrityStore {
  private readonly insertStmt;
  private readonly eventsStmt;
  private readonly anyStmt;
  private readonly statusStmt;
  private readonly saveStatusStmt;
  private readonly paperStmt;
  private readonly flagStmt;
  private readonly historyStmt;
  private readonly checkStmt;

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare(
      `INSERT OR IGNORE INTO integrity_events (pmid, status, source, notice_doi, notice_pmid, notice_date, nature, reason, record_id, event_key, learned_at)
       VALUES (@pmid, @status, @source, @noticeDoi, @noticePmid, @date, @nature, @reason, @recordId, @key, @learnedAt)`,
    );
    this.eventsStmt = db.prepare(
      'SELECT status, source, notice_doi, notice_pmid, notice_date, nature, reason, record_id, learned_at FROM integrity_events WHERE pmid = ? ORDER BY id',
    );
    this.anyStmt = db.prepare('SELECT 1 FROM integrity_events WHERE pmid = ? LIMIT 1').pluck();
    this.statusStmt = db.prepare('SELECT status FROM integrity_status WHERE pmid = ?').pluck();
    this.saveStatusStmt = db.prepare(
      `INSERT INTO integrity_status (pmid, status, excluded, concern, corrected, state, updated_at)
       VALUES (@pmid, @status, @excluded, @concern, @corrected, @state, @now)
       ON CONFLICT (pmid) DO UPDATE SET status = excluded.status, excluded = excluded.excluded, concern = excluded.concern,
         corrected = excluded.corrected, state = excluded.state, updated_at = excluded.updated_at`,
    );
    this.paperStmt = db.prepare('SELECT links, publication_types, retracted FROM papers WHERE pmid = ?');
    this.flagStmt = db.prepare('UPDATE papers SET retracted = ? WHERE pmid = ? AND retracted <> ?');
    this.historyStmt = db.prepare(`INSERT INTO history (at, actor, action, pmid, old_value, new_value, note)
      VALUES (@at, 'claimwatch', 'paper-status', @pmid, @old, @new, @note)`);
    this.checkStmt = db.prepare(
      `INSERT INTO integrity_checks (pmid, source, checked_at, outcome) VALUES (?, ?, ?, ?)
       ON CONFLICT (pmid, source) DO UPDATE SET checked_at = excluded.checked_at, outcome = excluded.outcome`,
    );
  }

  /** Every event recorded for a paper, oldest first. */
  events(pmid: number): IntegrityEvent[] {
    return (this.eventsStmt.all(pmid) as EventRow[]).map(rowToEvent);
  }

  /** Records notices (a notice already recorded for that paper and source is skipped); returns how many were new. */
  record(pmid: number, notices: readonly IntegrityNotice[], now: string): IntegrityNotice[] {
    const added: IntegrityNotice[] = [];
    for (const n of notices) {
      const r = this.insertStmt.run({ pmid, ...n, key: eventKey(n), learnedAt: now });
      if (r.changes > 0) added.push(n);
    }
    return added;
  }

  /**
   * The excluded flag a PubMed record should be stored with: its own notices are recorded and the status
   * derived with the other sources'. Returns `fallback` untouched, without a write, when neither the
   * record nor the library says anything about the paper's integrity (most of a bulk import).
   */
  reconcilePubmed(pmid: number, linksJson: string, typesJson: string, fallback: 0 | 1, now: string, source: string): 0 | 1 {
    const hinted = PUBMED_HINT.test(linksJson) || /Retracted Publication/i.test(typesJson);
    if (!hinted && this.anyStmt.get(pmid) === undefined) return fallback;
    const paper = { links: JSON.parse(linksJson) as Paper['links'], publicationTypes: JSON.parse(typesJson) as string[] };
    this.record(pmid, pubmedNotices(paper), now);
    return this.saveState(pmid, now, `PubMed (${source})`).excluded ? 1 : 0;
  }

  /**
   * Records notices from another source, brings in the stored PubMed record's own, derives the status,
   * keeps papers.retracted equal to it, and logs a change of status in history. Returns the new state
   * and the notices that were new.
   */
  apply(pmid: number, notices: readonly IntegrityNotice[], now: string): { state: IntegrityState; added: IntegrityNotice[]; from: IntegrityStatus | null } {
    const row = this.paperStmt.get(pmid) as { links: string; publication_types: string; retracted: number } | undefined;
    if (row) {
      const paper = { links: JSON.parse(row.links) as Paper['links'], publicationTypes: JSON.parse(row.publication_types) as string[] };
      this.record(pmid, pubmedNotices(paper), now);
    }
    const added = this.record(pmid, notices, now);
    const from = (this.statusStmt.get(pmid) as IntegrityStatus | null | undefined) ?? null;
    const note = added.map((n) => `${SOURCE_LABELS[n.source]}: ${STATUS_LABELS[n.status]}${n.noticeDoi ? ` ${n.noticeDoi}` : n.noticePmid ? ` PMID ${n.noticePmid}` : ''}`).join('; ');
    const state = this.saveState(pmid, now, note || null);
    if (row) this.flagStmt.run(state.excluded ? 1 : 0, pmid, state.excluded ? 1 : 0);
    return { state, added, from };
  }

  /** Remembers when a paper was last asked of a source and what came back. */
  markChecked(pmid: number, source: string, now: string, outcome: 'found' | 'none' | 'failed'): void {
    this.checkStmt.run(pmid, source, now, outcome);
  }

  /** Derives and saves a paper's state; a change of status goes in history with `note`. */
  private saveState(pmid: number, now: string, note: string | null): IntegrityState {
    const state = deriveIntegrity(this.events(pmid));
    const before = this.statusStmt.get(pmid) as IntegrityStatus | null | undefined;
    this.saveStatusStmt.run({
      pmid, status: state.status, excluded: Number(state.excluded), concern: Number(state.concern), corrected: Number(state.corrected),
      state: JSON.stringify(state), now,
    });
    if ((before ?? null) !== state.status) {
      this.historyStmt.run({ at: now, pmid, old: before ?? null, new: state.status, note });
    }
    return state;
  }
}

/** Each listed paper's events, by PMID (papers without events are absent). */
export function eventsFor(db: Db, pmids: readonly number[]): Map<number, IntegrityEvent[]> {
  const out = new Map<number, IntegrityEvent[]>();
  const stmt = db.prepare(
    'SELECT pmid, status, source, notice_doi, notice_pmid, notice_date, nature, reason, record_id, learned_at FROM integrity_events WHERE pmid = ? ORDER BY id',
  );
  for (const pmid of pmids) {
    const rows = stmt.all(pmid) as (EventRow & { pmid: number })[];
    if (rows.length) out.set(pmid, rows.map(rowToEvent));
  }
  return out;
}

/** PMIDs whose stored status is in the group, ascending. */
export function pmidsWithStatus(db: Db, group: 'retracted' | 'concern' | 'corrected'): number[] {
  if (group === 'retracted') return db.prepare('SELECT pmid FROM papers WHERE retracted = 1 ORDER BY pmid').pluck().all() as number[];
  // A paper stored before integrity statuses existed has no status row yet: its PubMed links decide.
  const column = group === 'concern' ? 'concern' : 'corrected';
  const links = group === 'concern' ? ["%\"ExpressionOfConcernIn\"%"] : ["%\"ErratumIn\"%", "%\"CorrectedandRepublishedIn\"%"];
  return db.prepare(
    `SELECT pmid FROM integrity_status WHERE ${column} = 1
     UNION SELECT pmid FROM papers WHERE retracted = 0 AND pmid NOT IN (SELECT pmid FROM integrity_status)
       AND (${links.map(() => 'links LIKE ?').join(' OR ')})
     ORDER BY pmid`,
  ).pluck().all(...links) as number[];
}

/** The papers (PMID and DOI) an integrity check asks about: tagged ones, or every one with `all`. */
export function papersToCheck(db: Db, all: boolean): { pmid: number; doi: string | null }[] {
  const sql = all
    ? 'SELECT pmid, doi FROM papers WHERE deleted_at IS NULL ORDER BY pmid'
    : 'SELECT pmid, doi FROM papers WHERE pmid IN (SELECT DISTINCT pmid FROM tags) ORDER BY pmid';
  return db.prepare(sql).all() as { pmid: number; doi: string | null }[];
}

/** Stored PMIDs and DOIs (lower case), for matching a Retraction Watch file. */
export function paperKeys(db: Db): { pmids: Set<number>; byDoi: Map<string, number> } {
  const pmids = new Set<number>();
  const byDoi = new Map<string, number>();
  for (const r of db.prepare('SELECT pmid, doi FROM papers').iterate() as Iterable<{ pmid: number; doi: string | null }>) {
    pmids.add(r.pmid);
    if (r.doi) byDoi.set(r.doi.trim().toLowerCase().replace(/^https?:\/\/(dx\.)?doi\.org\//, ''), r.pmid);
  }
  return { pmids, byDoi };
}

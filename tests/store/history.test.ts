import { describe, expect, it } from 'vitest';
import { migrate, openDatabase } from '../../src/store/db.js';

/** SQLite's plan for a query, one line per step. */
function plan(db: ReturnType<typeof openDatabase>, sql: string, ...params: unknown[]): string {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join('\n');
}

describe('history indexes', () => {
  it('finds one reviewer\'s events on a paper, and one tag\'s, through one index on (pmid, actor, claim_id)', () => {
    const db = openDatabase(':memory:');
    migrate(db);
    // tags import looks these up once per reviewer and paper; a claim-wide scan made it quadratic (issue 11).
    const tagKey = plan(db, "SELECT uid FROM history WHERE pmid = ? AND claim_id = ? AND actor = ? AND action IN ('tag', 'retag', 'untag')", 1, 'C1', 'ann');
    expect(tagKey).toMatch(/USING INDEX history_key \(pmid=\? AND actor=\? AND claim_id=\?\)/);
    const paper = plan(db, "SELECT uid FROM history WHERE pmid = ? AND actor = ? AND action IN ('tag', 'dismiss')", 1, 'ann');
    expect(paper).toMatch(/USING INDEX history_key \(pmid=\? AND actor=\?\)/);
    // A paper's whole history (claimwatch history PMID) is served by the same index.
    expect(plan(db, 'SELECT id FROM history WHERE pmid = ? ORDER BY id', 1)).toMatch(/USING (COVERING )?INDEX history_key \(pmid=\?\)/);
  });
});

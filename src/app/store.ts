import fs from 'node:fs';
import { migrate, needsMigration, openDatabase, type Db } from '../store/db.js';
import { insertClaim } from '../store/claims.js';
import { appendHistory } from '../store/history.js';
import { ClaimwatchError } from '../errors.js';
import type { Claim } from '../evidence/claims.js';
import { putQuery } from '../store/searches.js';

/** The claims file shipped in data/. */
export const CLAIMS_FILE = new URL('../../data/claims.json', import.meta.url);

interface ClaimsFile {
  claims: Omit<Claim, 'retiredAt'>[];
}

/** The saved searches shipped in data/. */
export const QUERIES_FILE = new URL('../../data/queries.json', import.meta.url);

/** Reads the shipped saved searches. */
export function readShippedQueries(file: URL | string = QUERIES_FILE): { name: string; term: string; description: string | null }[] {
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { queries: { name: string; term: string; description?: string }[] };
  return parsed.queries.map((q) => ({ name: q.name, term: q.term, description: q.description ?? null }));
}

/** Reads the shipped claims. */
export function readShippedClaims(file: URL | string = CLAIMS_FILE): Omit<Claim, 'retiredAt'>[] {
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as ClaimsFile;
  return parsed.claims.map((c) => ({
    id: c.id,
    slug: c.slug,
    statement: c.statement,
    keywords: c.keywords ?? [],
    dependsOn: c.dependsOn ?? [],
  }));
}

function notADatabase(file: string): ClaimwatchError {
  return new ClaimwatchError(`${file} is not a SQLite database, so not a claimwatch library: choose another path with --db or CLAIMWATCH_DB`);
}

/** Opens the library at `file`, creating and seeding it on first use. */
export function openLibrary(file: string, now: () => string = () => new Date().toISOString()): Db {
  let db: Db;
  try {
    db = openDatabase(file);
  } catch (e) {
    if ((e as { code?: string }).code === 'SQLITE_NOTADB') throw notADatabase(file);
    throw new ClaimwatchError(`cannot open the database ${file}: ${(e as Error).message} (check the path, or set --db / CLAIMWATCH_DB)`);
  }
  try {
    // The common case reads one row and writes nothing, so a command never takes the write lock just to open.
    const applied = needsMigration(db) ? migrate(db) : [];
    // Seed the review's claims when the claims table is first created, never again:
    // a user who retires or edits a claim must not see it come back.
    if (applied.includes('0002_claims_tags_history')) {
      const at = now();
      db.transaction(() => {
        for (const c of readShippedClaims()) {
          insertClaim(db, c, at);
          appendHistory(db, {
            at, actor: 'claimwatch', action: 'claim-add', pmid: null, claimId: c.id,
            oldValue: null, newValue: c.statement, note: 'seeded from data/claims.json',
          });
        }
      })();
    }
    // Same for the saved searches: seeded once, so a removed search stays removed.
    if (applied.includes('0004_searches_runs')) {
      const at = now();
      db.transaction(() => {
        for (const q of readShippedQueries()) putQuery(db, q, at);
      })();
    }
  } catch (e) {
    db.close();
    if ((e as { code?: string }).code === 'SQLITE_NOTADB') throw notADatabase(file);
    throw e;
  }
  return db;
}

import fs from 'node:fs';
import path from 'node:path';
import { applyPragmas, connectDatabase, inspectDatabase, migrate, needsMigration, type Db } from '../store/db.js';
import { insertClaim } from '../store/claims.js';
import { appendHistory } from '../store/history.js';
import { ClaimwatchError, UsageError } from '../errors.js';
import type { Claim } from '../evidence/claims.js';
import { putQuery } from '../store/searches.js';
import { seedReasons } from './reasons.js';

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

/** True when the library file exists and this user may not write to it (its mode, or a read-only mount). */
function readOnlyFile(file: string): boolean {
  if (file === ':memory:') return false;
  try {
    fs.accessSync(file, fs.constants.W_OK);
    return false;
  } catch (e) {
    const code = (e as { code?: string }).code;
    return code === 'EACCES' || code === 'EPERM' || code === 'EROFS';
  }
}

/**
 * Refuses a database that is not a claimwatch library, or is one from a newer claimwatch, before anything
 * is written to it: opening used to add claimwatch's tables to any SQLite file and switch it to WAL.
 */
function checkKind(db: Db, file: string): void {
  const what = inspectDatabase(db);
  if (what.kind === 'foreign') {
    throw new UsageError(`${file} is another application's SQLite database, not a claimwatch library: point --db (or CLAIMWATCH_DB) at a new file to start a library`);
  }
  if (what.unknown.length > 0) {
    throw new ClaimwatchError(`${file} was written by a newer claimwatch (it has schema step ${what.unknown.join(', ')}, unknown to this version): upgrade claimwatch to use this library`);
  }
}

/**
 * Opens the library at `file`, creating and seeding it on first use. A library the user may not write to
 * is opened read-only (db.readonly): reading commands work, and writing ones must refuse before printing.
 */
export function openLibrary(file: string, now: () => string = () => new Date().toISOString()): Db {
  const readonly = readOnlyFile(file);
  let db: Db;
  try {
    db = connectDatabase(file, { readonly });
  } catch (e) {
    if ((e as { code?: string }).code === 'SQLITE_NOTADB') throw notADatabase(file);
    throw new ClaimwatchError(`cannot open the database ${file}: ${(e as Error).message} (check the path, or set --db / CLAIMWATCH_DB)`);
  }
  try {
    checkKind(db, file);
    if (readonly) {
      if (needsMigration(db)) throw new ClaimwatchError(`the library ${file} is read-only and needs this claimwatch's schema upgrade: make it writable (chmod u+w) and run the command again`);
      return db;
    }
    applyPragmas(db);
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
    // And the standard exclusion reasons: seeded once, so an edited label keeps its words.
    if (applied.includes('0010_prisma_reasons')) {
      const at = now();
      db.transaction(() => seedReasons(db, at))();
    }
  } catch (e) {
    db.close();
    const code = (e as { code?: string }).code;
    if (code === 'SQLITE_NOTADB') throw notADatabase(file);
    // A read-only library in WAL mode is readable only where SQLite can create its -shm file beside it.
    if (code === 'SQLITE_READONLY_DIRECTORY' || code === 'SQLITE_CANTOPEN') {
      throw new ClaimwatchError(`the library ${file} is read-only and so is its folder, where SQLite needs to write ${path.basename(file)}-shm: make one of them writable, or copy the library elsewhere and point --db at the copy`);
    }
    throw e;
  }
  return db;
}

/** Refuses to go on with a library opened read-only, before the command writes or prints anything. */
export function requireWritable(db: Db): void {
  if (db.readonly) throw new ClaimwatchError(`the library ${db.name} is read-only: make it writable (chmod u+w), or point --db at a copy you may write to`);
}

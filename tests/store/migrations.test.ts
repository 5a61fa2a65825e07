import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { migrate, needsMigration, openDatabase } from '../../src/store/db.js';
import { PaperStore, paperParams } from '../../src/store/papers.js';
import type { Db } from '../../src/store/db.js';
import { createXmlParser } from '../../src/pubmed/xml.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { openLibrary } from '../../src/app/store.js';
import { fileHash, fixture, tempDir } from '../helpers.js';
import path from 'node:path';

const EXPECTED: Record<string, string[]> = {
  migrations: ['name', 'applied_at'],
  papers: [
    'pmid', 'type', 'title', 'abstract', 'authors', 'journal', 'journal_abbrev', 'year', 'pub_date', 'doi', 'pmcid',
    'publication_types', 'mesh', 'keywords', 'language', 'retracted', 'links', 'date_revised', 'entrez_date',
    'raw_format', 'content_hash', 'deleted_at', 'added_at', 'updated_at',
  ],
  paper_raw: ['pmid', 'raw'],
  claims: ['id', 'slug', 'statement', 'keywords', 'depends_on', 'position', 'created_at', 'retired_at'],
  tags: ['pmid', 'claim_id', 'reviewer', 'stance', 'note', 'created_at', 'updated_at'],
  dismissals: ['pmid', 'reviewer', 'reason', 'at', 'reason_code'],
  history: ['id', 'uid', 'at', 'actor', 'action', 'pmid', 'claim_id', 'old_value', 'new_value', 'note', 'reason_code'],
  imports: ['id', 'file', 'format', 'at', 'added', 'updated', 'unchanged', 'deleted', 'skipped'],
  queries: ['name', 'term', 'description', 'created_at', 'removed_at', 'last_success_at', 'watermark'],
  runs: ['id', 'kind', 'started_at', 'finished_at', 'status', 'error', 'summary'],
  run_searches: ['run_id', 'query', 'status', 'mindate', 'maxdate', 'found', 'new', 'updated', 'known', 'error'],
  paper_sources: ['source', 'pmid', 'first_run', 'first_seen_at', 'last_seen_at'],
  settings: ['key', 'value'],
  kind_overrides: ['pmid', 'kind', 'actor', 'at'],
  report_snapshots: ['id', 'at', 'data'],
  users: ['name', 'password_hash', 'created_at', 'updated_at'],
  reasons: ['number', 'code', 'label', 'created_at', 'updated_at'],
  run_manifests: [
    'run_id', 'query', 'at', 'term', 'datetype', 'mindate', 'maxdate', 'sort', 'reported_count', 'pmids', 'pmids_sha256',
    'slices', 'fetched', 'retried', 'missing', 'requests', 'http_retries', 'status', 'error',
  ],
  integrity_events: [
    'id', 'pmid', 'status', 'source', 'notice_doi', 'notice_pmid', 'notice_date', 'nature', 'reason', 'record_id', 'event_key', 'learned_at',
  ],
  integrity_status: ['pmid', 'status', 'excluded', 'concern', 'corrected', 'state', 'updated_at'],
  integrity_checks: ['pmid', 'source', 'checked_at', 'outcome'],
};

/** Stores the fixture's papers the way claimwatch did before 0011_paper_raw: the raw record in papers. */
function storeInline(db: Db, fixtureFile: string, at: string): number {
  const parser = createXmlParser();
  const xml = fs.readFileSync(fixture(fixtureFile), 'utf8');
  const insert = db.prepare(`INSERT INTO papers (pmid, type, title, abstract, authors, journal, journal_abbrev, year, pub_date, doi, pmcid,
    publication_types, mesh, keywords, language, retracted, links, date_revised, entrez_date, raw, raw_format, content_hash, added_at, updated_at)
    VALUES (@pmid, @type, @title, @abstract, @authors, @journal, @journal_abbrev, @year, @pub_date, @doi, @pmcid, @publication_types, @mesh,
    @keywords, @language, @retracted, @links, @date_revised, @entrez_date, @raw, @raw_format, @content_hash, @at, @at)`);
  let n = 0;
  for (const item of [...parser.push(xml), ...parser.end()]) {
    if (item.kind !== 'paper') continue;
    insert.run({ ...paperParams(item.paper), at });
    n++;
  }
  return n;
}

describe('migrations', () => {
  it('creates exactly the expected tables and columns on a blank database', () => {
    const db = openDatabase(':memory:');
    expect(needsMigration(db)).toBe(true);
    const applied = migrate(db);
    expect(applied).toEqual(MIGRATIONS.map((m) => m.name));
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    expect(tables).toEqual(Object.keys(EXPECTED).sort());
    for (const [table, cols] of Object.entries(EXPECTED)) {
      const actual = (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
      expect(actual, table).toEqual(cols);
    }
    const recorded = (db.prepare('SELECT name FROM migrations ORDER BY name').all() as { name: string }[]).map((r) => r.name);
    expect(recorded).toEqual(MIGRATIONS.map((m) => m.name));
    expect(needsMigration(db)).toBe(false);
  });

  it('upgrades a library made before saved searches, seeding them once; a removed one stays removed', () => {
    const file = path.join(tempDir(), 'old.db');
    const old = openDatabase(file);
    migrate(old, MIGRATIONS.slice(0, 3));
    old.close();
    const db = openLibrary(file);
    const names = (db.prepare('SELECT name FROM queries ORDER BY rowid').pluck().all() as string[]);
    expect(names).toEqual(['mdma-ptsd', 'mdma-bdnf-plasticity', 'mdma-fear-memory', 'bdnf-fear-extinction']);
    db.prepare("UPDATE queries SET removed_at = 'x' WHERE name = 'mdma-ptsd'").run();
    db.close();
    const again = openLibrary(file);
    expect(again.prepare('SELECT removed_at FROM queries WHERE name = ?').pluck().get('mdma-ptsd')).toBe('x');
    expect(again.prepare('SELECT count(*) FROM queries').pluck().get()).toBe(4);
    again.close();
  });

  it('gives every existing history event a unique id, keeps their order, and keeps history append-only', () => {
    const file = path.join(tempDir(), 'old.db');
    const old = openDatabase(file);
    migrate(old, MIGRATIONS.slice(0, 4));
    const add = old.prepare("INSERT INTO history (at, actor, action, pmid) VALUES (?, 'ann', 'tag', 1)");
    for (let i = 0; i < 5; i++) add.run(`2026-11-2${i}T00:00:00.000Z`);
    old.close();
    const db = openLibrary(file);
    const rows = db.prepare("SELECT id, uid, at FROM history WHERE actor = 'ann' ORDER BY id").all() as { id: number; uid: string; at: string }[];
    expect(rows.map((r) => r.at)).toEqual([0, 1, 2, 3, 4].map((i) => `2026-11-2${i}T00:00:00.000Z`));
    expect(new Set(rows.map((r) => r.uid)).size).toBe(5);
    for (const r of rows) expect(r.uid).toMatch(/^[0-9a-f]{32}$/);
    expect(() => db.prepare('UPDATE history SET note = ? WHERE id = ?').run('x', rows[0]!.id)).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM history').run()).toThrow(/append-only/);
    db.prepare("INSERT INTO history (at, actor, action) VALUES ('2026-11-27T00:00:00.000Z', 'bob', 'tag')").run();
    expect(db.prepare("SELECT uid FROM history WHERE actor = 'bob'").pluck().get()).toMatch(/^[0-9a-f]{32}$/);
    db.close();
  });

  it('upgrades a library made before exclusion reasons: seeds them once, keeps old dismissals as free text', () => {
    const file = path.join(tempDir(), 'old.db');
    const old = openDatabase(file);
    migrate(old, MIGRATIONS.filter((m) => m.name < '0010'));
    old.prepare("INSERT INTO claims (id, slug, statement, position, created_at) VALUES ('C1', 'x', 'x', 1, 'now')").run();
    old.prepare("INSERT INTO papers (pmid, type, raw, raw_format, content_hash, added_at, updated_at) VALUES (1, 'article', '', 'medline', 'h', 'now', 'now')").run();
    old.prepare("INSERT INTO dismissals (pmid, reviewer, reason, at) VALUES (1, 'ann', 'off topic', 'now')").run();
    old.close();
    const db = openLibrary(file);
    expect(db.prepare('SELECT number, code FROM reasons ORDER BY number').all()).toEqual([
      { number: 1, code: 'wrong-population' }, { number: 2, code: 'wrong-intervention' }, { number: 3, code: 'wrong-outcome' },
      { number: 4, code: 'not-primary-research' }, { number: 5, code: 'off-topic' }, { number: 6, code: 'duplicate' },
    ]);
    expect(db.prepare('SELECT reason, reason_code AS code FROM dismissals').get()).toEqual({ reason: 'off topic', code: null });
    db.prepare("UPDATE reasons SET label = 'edited' WHERE number = 1").run();
    db.close();
    const again = openLibrary(file);
    expect(again.prepare('SELECT label FROM reasons WHERE number = 1').pluck().get()).toBe('edited');
    expect(again.prepare('SELECT count(*) FROM reasons').pluck().get()).toBe(6);
    again.close();
  });

  it('0008_import_formats rebuilds papers keeping every paper, tag, dismissal, source, override and event, and the references to it', () => {
    const file = path.join(tempDir(), 'old.db');
    const old = openDatabase(file);
    migrate(old, MIGRATIONS.slice(0, MIGRATIONS.findIndex((m) => m.name === '0008_import_formats')));
    const at = '2026-11-27T08:00:00.000Z';
    storeInline(old, 'efetch/retractobot__pubmed_retracted_publication.xml', at);
    old.prepare("INSERT INTO claims (id, slug, statement, position, created_at) VALUES ('C7', 'extinction-enhanced', 's', 7, ?)").run(at);
    old.prepare("INSERT INTO tags (pmid, claim_id, reviewer, stance, created_at, updated_at) VALUES (10066780, 'C7', 'ann', 'supports', ?, ?)").run(at, at);
    old.prepare("INSERT INTO dismissals (pmid, reviewer, at) VALUES (10066780, 'bob', ?)").run(at);
    old.prepare("INSERT INTO paper_sources (source, pmid, first_seen_at, last_seen_at) VALUES ('fetch', 10066780, ?, ?)").run(at, at);
    old.prepare("INSERT INTO kind_overrides (pmid, kind, actor, at) VALUES (10066780, 'rodent', 'ann', ?)").run(at);
    old.prepare("INSERT INTO history (at, actor, action, pmid, claim_id) VALUES (?, 'ann', 'tag', 10066780, 'C7')").run(at);
    const dump = (db: typeof old) => ({
      papers: db.prepare('SELECT * FROM papers ORDER BY pmid').all(),
      tags: db.prepare('SELECT * FROM tags').all(),
      dismissals: db.prepare('SELECT * FROM dismissals').all(),
      sources: db.prepare('SELECT * FROM paper_sources').all(),
      overrides: db.prepare('SELECT * FROM kind_overrides').all(),
      history: db.prepare('SELECT * FROM history ORDER BY id').all(),
    });
    const before = dump(old);
    expect(before.papers.length).toBeGreaterThan(0);
    old.close();

    const db = openDatabase(file);
    // Up to this step only: later steps add columns of their own (0010 adds dismissals.reason_code).
    expect(migrate(db, MIGRATIONS.slice(0, MIGRATIONS.findIndex((m) => m.name === '0008_import_formats') + 1))).toEqual(['0008_import_formats']);
    expect(dump(db)).toEqual(before);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    // The other tables still reference papers, and the keys are enforced again.
    expect(() => db.prepare("INSERT INTO tags (pmid, claim_id, reviewer, stance, created_at, updated_at) VALUES (1, 'C7', 'ann', 'supports', 'x', 'x')").run())
      .toThrow(/FOREIGN KEY/);
    expect(() => db.prepare('DELETE FROM papers WHERE pmid = 10066780').run()).toThrow(/FOREIGN KEY/);
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'papers' AND sql IS NOT NULL ORDER BY name").pluck().all();
    expect(indexes).toEqual(['papers_doi', 'papers_entrez_date']);
    // The new formats are allowed, and nothing else is.
    const row = db.prepare('SELECT * FROM papers LIMIT 1').get() as Record<string, unknown>;
    const insert = (pmid: number, format: string) => db.prepare(`INSERT INTO papers (${Object.keys(row).join(', ')}) VALUES (${Object.keys(row).map(() => '?').join(', ')})`)
      .run(...Object.values({ ...row, pmid, raw_format: format }));
    expect(() => insert(1, 'csv')).not.toThrow();
    expect(() => insert(2, 'ris')).not.toThrow();
    expect(() => insert(3, 'bibtex')).toThrow(/CHECK/);
    db.close();
  });

  it('0011_paper_raw moves every stored record into paper_raw, byte for byte, and the library reads them back', () => {
    const file = path.join(tempDir(), 'old.db');
    const old = openDatabase(file);
    migrate(old, MIGRATIONS.slice(0, MIGRATIONS.findIndex((m) => m.name === '0011_paper_raw')));
    const at = '2026-11-27T08:00:00.000Z';
    const n = storeInline(old, 'efetch/retractobot__pubmed_retracted_publication.xml', at);
    old.prepare("INSERT INTO claims (id, slug, statement, position, created_at) VALUES ('C7', 'extinction-enhanced', 's', 7, ?)").run(at);
    old.prepare("INSERT INTO tags (pmid, claim_id, reviewer, stance, created_at, updated_at) VALUES (10066780, 'C7', 'ann', 'supports', ?, ?)").run(at, at);
    const raws = old.prepare('SELECT pmid, raw FROM papers ORDER BY pmid').all() as { pmid: number; raw: string }[];
    const rest = old.prepare('SELECT * FROM papers ORDER BY pmid').all() as Record<string, unknown>[];
    const tags = old.prepare('SELECT * FROM tags').all();
    expect(raws.length).toBe(n);
    expect(n).toBeGreaterThan(0);
    old.close();

    const db = openLibrary(file);
    expect(db.prepare('SELECT pmid, raw FROM paper_raw ORDER BY pmid').all()).toEqual(raws);
    expect(db.prepare('SELECT * FROM papers ORDER BY pmid').all()).toEqual(rest.map(({ raw: _raw, ...cols }) => cols));
    expect(db.prepare('SELECT * FROM tags').all()).toEqual(tags);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    // The store reads the record back with the paper, and a record for no paper is refused.
    expect(new PaperStore(db).get(raws[0]!.pmid)?.raw).toBe(raws[0]!.raw);
    expect(() => db.prepare("INSERT INTO paper_raw (pmid, raw) VALUES (1, 'x')").run()).toThrow(/FOREIGN KEY/);
    // Should a paper row ever be deleted (claimwatch only marks them), its record goes with it.
    db.prepare('DELETE FROM tags WHERE pmid = 10066780').run();
    db.prepare('DELETE FROM papers WHERE pmid = 10066780').run();
    expect(db.prepare('SELECT count(*) FROM paper_raw WHERE pmid = 10066780').pluck().get()).toBe(0);
    db.close();
  });

  it('rolls back a step run with foreign keys off that would break a reference, and turns the keys back on', () => {
    const db = openDatabase(':memory:');
    migrate(db);
    db.prepare("INSERT INTO claims (id, slug, statement, position, created_at) VALUES ('C1', 'c', 's', 1, 'x')").run();
    const broken = { name: '9999_breaks_keys', foreignKeysOff: true, sql: "INSERT INTO kind_overrides (pmid, kind, actor, at) VALUES (42, 'rodent', 'ann', 'x');" };
    expect(() => migrate(db, [...MIGRATIONS, broken])).toThrow(/9999_breaks_keys would leave 1 row\(s\) of kind_overrides referencing no papers/);
    expect(db.prepare('SELECT count(*) FROM kind_overrides').pluck().get()).toBe(0);
    expect(db.prepare("SELECT name FROM migrations WHERE name = '9999_breaks_keys'").get()).toBeUndefined();
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('changes nothing when run a second time', () => {
    const dir = tempDir();
    const file = path.join(dir, 'lib.db');
    openLibrary(file).close();
    const before = fileHash(file);
    const db = openLibrary(file);
    expect(migrate(db)).toEqual([]);
    db.close();
    expect(fileHash(file)).toBe(before);
  });

  it('rolls a failing migration back with its record', () => {
    const db = openDatabase(':memory:');
    migrate(db);
    expect(() => migrate(db, [...MIGRATIONS, { name: '9999_broken', sql: 'CREATE TABLE x (a); CREATE TABLE x (a);' }])).toThrow();
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'x'").get()).toBeUndefined();
    expect(db.prepare("SELECT name FROM migrations WHERE name = '9999_broken'").get()).toBeUndefined();
  });

  it('uses WAL, foreign keys and a busy timeout', () => {
    const db = openDatabase(path.join(tempDir(), 'x.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(Number(db.pragma('busy_timeout', { simple: true }))).toBeGreaterThanOrEqual(1000);
  });

  it('keeps the history append-only', () => {
    const db = openLibrary(':memory:');
    const n = (db.prepare('SELECT count(*) AS n FROM history').get() as { n: number }).n;
    expect(n).toBe(15); // the nine seeded claims and the six seeded exclusion reasons
    expect(() => db.prepare('DELETE FROM history').run()).toThrow(/append-only/);
    expect(() => db.prepare("UPDATE history SET actor = 'x'").run()).toThrow(/append-only/);
  });
});

/** One named schema step. Never edit a released step: add the next one. */
export interface Migration {
  name: string;
  sql: string;
  /**
   * Run with foreign keys off, as a table that others reference must be when it is rebuilt
   * (https://sqlite.org/lang_altertable.html#otheralter); the step's transaction is checked with
   * PRAGMA foreign_key_check before it commits.
   */
  foreignKeysOff?: boolean;
}

/** The ordered schema of a claimwatch database. */
export const MIGRATIONS: readonly Migration[] = [
  {
    name: '0001_papers',
    sql: `
      CREATE TABLE papers (
        pmid              INTEGER PRIMARY KEY,
        type              TEXT NOT NULL CHECK (type IN ('article', 'book')),
        title             TEXT,
        abstract          TEXT,
        authors           TEXT NOT NULL DEFAULT '[]',
        journal           TEXT,
        journal_abbrev    TEXT,
        year              INTEGER,
        pub_date          TEXT,
        doi               TEXT,
        pmcid             TEXT,
        publication_types TEXT NOT NULL DEFAULT '[]',
        mesh              TEXT NOT NULL DEFAULT '[]',
        keywords          TEXT NOT NULL DEFAULT '[]',
        language          TEXT,
        retracted         INTEGER NOT NULL DEFAULT 0,
        links             TEXT NOT NULL DEFAULT '[]',
        date_revised      TEXT,
        entrez_date       TEXT,
        raw               TEXT NOT NULL,
        raw_format        TEXT NOT NULL CHECK (raw_format IN ('pubmed-xml', 'medline')),
        content_hash      TEXT NOT NULL,
        deleted_at        TEXT,
        added_at          TEXT NOT NULL,
        updated_at        TEXT NOT NULL
      ) STRICT;
      CREATE INDEX papers_entrez_date ON papers (entrez_date);
      CREATE INDEX papers_doi ON papers (doi);
    `,
  },
  {
    name: '0002_claims_tags_history',
    sql: `
      CREATE TABLE claims (
        id          TEXT PRIMARY KEY,
        slug        TEXT NOT NULL UNIQUE,
        statement   TEXT NOT NULL,
        keywords    TEXT NOT NULL DEFAULT '[]',
        depends_on  TEXT NOT NULL DEFAULT '[]',
        position    INTEGER NOT NULL,
        created_at  TEXT NOT NULL,
        retired_at  TEXT
      ) STRICT;
      CREATE TABLE tags (
        pmid        INTEGER NOT NULL REFERENCES papers (pmid),
        claim_id    TEXT NOT NULL REFERENCES claims (id),
        reviewer    TEXT NOT NULL,
        stance      TEXT NOT NULL CHECK (stance IN ('supports', 'qualifies', 'contradicts')),
        note        TEXT,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        PRIMARY KEY (pmid, claim_id, reviewer)
      ) STRICT;
      CREATE INDEX tags_claim ON tags (claim_id);
      CREATE TABLE dismissals (
        pmid        INTEGER NOT NULL REFERENCES papers (pmid),
        reviewer    TEXT NOT NULL,
        reason      TEXT,
        at          TEXT NOT NULL,
        PRIMARY KEY (pmid, reviewer)
      ) STRICT;
      -- Append-only ledger of every change a user makes; triggers below refuse edits and deletes.
      CREATE TABLE history (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        at          TEXT NOT NULL,
        actor       TEXT NOT NULL,
        action      TEXT NOT NULL,
        pmid        INTEGER,
        claim_id    TEXT,
        old_value   TEXT,
        new_value   TEXT,
        note        TEXT
      ) STRICT;
      CREATE INDEX history_pmid ON history (pmid);
      CREATE INDEX history_claim ON history (claim_id);
      CREATE TRIGGER history_no_update BEFORE UPDATE ON history
        BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
      CREATE TRIGGER history_no_delete BEFORE DELETE ON history
        BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
    `,
  },
  {
    name: '0003_imports',
    sql: `
      CREATE TABLE imports (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        file        TEXT NOT NULL,
        format      TEXT NOT NULL,
        at          TEXT NOT NULL,
        added       INTEGER NOT NULL,
        updated     INTEGER NOT NULL,
        unchanged   INTEGER NOT NULL,
        deleted     INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    name: '0004_searches_runs',
    sql: `
      -- Saved PubMed searches. watermark is the local date (YYYY/MM/DD) of the last run in which every
      -- page and batch of the search succeeded; the next window starts two days before it.
      CREATE TABLE queries (
        name            TEXT PRIMARY KEY,
        term            TEXT NOT NULL,
        description     TEXT,
        created_at      TEXT NOT NULL,
        removed_at      TEXT,
        last_success_at TEXT,
        watermark       TEXT
      ) STRICT;
      -- Every run of search or fetch, written when it starts and finished when it ends,
      -- so a killed run stays visible as 'running' with no end.
      CREATE TABLE runs (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        kind        TEXT NOT NULL CHECK (kind IN ('search', 'fetch')),
        started_at  TEXT NOT NULL,
        finished_at TEXT,
        status      TEXT NOT NULL CHECK (status IN ('running', 'ok', 'failed')),
        error       TEXT,
        summary     TEXT
      ) STRICT;
      CREATE TABLE run_searches (
        run_id      INTEGER NOT NULL REFERENCES runs (id),
        query       TEXT NOT NULL,
        status      TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
        mindate     TEXT,
        maxdate     TEXT,
        found       INTEGER NOT NULL DEFAULT 0,
        new         INTEGER NOT NULL DEFAULT 0,
        updated     INTEGER NOT NULL DEFAULT 0,
        known       INTEGER NOT NULL DEFAULT 0,
        error       TEXT,
        PRIMARY KEY (run_id, query)
      ) STRICT;
      -- Which search (or 'reading-list', or 'fetch') found which paper, and when.
      CREATE TABLE paper_sources (
        source        TEXT NOT NULL,
        pmid          INTEGER NOT NULL REFERENCES papers (pmid),
        first_run     INTEGER REFERENCES runs (id),
        first_seen_at TEXT NOT NULL,
        last_seen_at  TEXT NOT NULL,
        PRIMARY KEY (source, pmid)
      ) STRICT;
      CREATE INDEX paper_sources_pmid ON paper_sources (pmid);
      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    name: '0005_history_uids',
    sql: `
      -- Every history event gets a globally unique id, so events can travel between libraries
      -- (tags export / tags import) and be merged without loss or duplication. The table is rebuilt
      -- because SQLite cannot add a column with a computed default.
      CREATE TABLE history_new (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        uid         TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16)))),
        at          TEXT NOT NULL,
        actor       TEXT NOT NULL,
        action      TEXT NOT NULL,
        pmid        INTEGER,
        claim_id    TEXT,
        old_value   TEXT,
        new_value   TEXT,
        note        TEXT
      ) STRICT;
      INSERT INTO history_new (id, uid, at, actor, action, pmid, claim_id, old_value, new_value, note)
        SELECT id, lower(hex(randomblob(16))), at, actor, action, pmid, claim_id, old_value, new_value, note
        FROM history ORDER BY id;
      DROP TABLE history;
      ALTER TABLE history_new RENAME TO history;
      CREATE INDEX history_pmid ON history (pmid);
      CREATE INDEX history_claim ON history (claim_id);
      CREATE INDEX history_at ON history (at);
      CREATE TRIGGER history_no_update BEFORE UPDATE ON history
        BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
      CREATE TRIGGER history_no_delete BEFORE DELETE ON history
        BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
    `,
  },
  {
    name: '0006_kinds_snapshots',
    sql: `
      -- A reviewer's correction of the evidence kind PubMed's data suggests (claimwatch classify).
      CREATE TABLE kind_overrides (
        pmid   INTEGER PRIMARY KEY REFERENCES papers (pmid),
        kind   TEXT NOT NULL,
        actor  TEXT NOT NULL,
        at     TEXT NOT NULL
      ) STRICT;
      -- What each report run showed (grades and counts per claim), to say what changed since.
      CREATE TABLE report_snapshots (
        id    INTEGER PRIMARY KEY AUTOINCREMENT,
        at    TEXT NOT NULL,
        data  TEXT NOT NULL
      ) STRICT;
      CREATE INDEX report_snapshots_at ON report_snapshots (at);
    `,
  },
  {
    name: '0007_history_key_index',
    sql: `
      -- tags import reads each reviewer's events on a paper. Without this index SQLite answered
      -- "pmid = ? AND claim_id = ? AND actor = ?" through history_claim, a scan of every event of the
      -- claim, so an import grew with the square of the history. The new index starts with pmid, so it
      -- serves a paper's history too, and history_pmid would only slow every insert.
      CREATE INDEX history_key ON history (pmid, actor, claim_id);
      DROP INDEX history_pmid;
    `,
  },
  {
    name: '0008_import_formats',
    foreignKeysOff: true,
    sql: `
      -- import reads CSV and RIS exports of screening tools and reference managers too, and raw_format
      -- says so. SQLite cannot alter a CHECK, so the table is rebuilt: tags, dismissals, sources and
      -- overrides reference papers (pmid), which is why this step runs with foreign keys off and is
      -- checked with foreign_key_check before it commits.
      CREATE TABLE papers_new (
        pmid              INTEGER PRIMARY KEY,
        type              TEXT NOT NULL CHECK (type IN ('article', 'book')),
        title             TEXT,
        abstract          TEXT,
        authors           TEXT NOT NULL DEFAULT '[]',
        journal           TEXT,
        journal_abbrev    TEXT,
        year              INTEGER,
        pub_date          TEXT,
        doi               TEXT,
        pmcid             TEXT,
        publication_types TEXT NOT NULL DEFAULT '[]',
        mesh              TEXT NOT NULL DEFAULT '[]',
        keywords          TEXT NOT NULL DEFAULT '[]',
        language          TEXT,
        retracted         INTEGER NOT NULL DEFAULT 0,
        links             TEXT NOT NULL DEFAULT '[]',
        date_revised      TEXT,
        entrez_date       TEXT,
        raw               TEXT NOT NULL,
        raw_format        TEXT NOT NULL CHECK (raw_format IN ('pubmed-xml', 'medline', 'csv', 'ris')),
        content_hash      TEXT NOT NULL,
        deleted_at        TEXT,
        added_at          TEXT NOT NULL,
        updated_at        TEXT NOT NULL
      ) STRICT;
      INSERT INTO papers_new SELECT * FROM papers ORDER BY pmid;
      DROP TABLE papers;
      ALTER TABLE papers_new RENAME TO papers;
      CREATE INDEX papers_entrez_date ON papers (entrez_date);
      CREATE INDEX papers_doi ON papers (doi);
      -- What each import skipped: the records of a CSV or RIS file without a PMID.
      ALTER TABLE imports ADD COLUMN skipped INTEGER NOT NULL DEFAULT 0;
      `,
  },
  {
    name: '0009_integrity',
    sql: `
      -- Every integrity notice a source reported for a paper (PubMed, Crossref, Crossref/Retraction Watch,
      -- a Retraction Watch file), with when claimwatch learned it. Append-only: nothing is ever deleted, and
      -- the same notice from the same source is recorded once (event_key). No foreign key on pmid: a
      -- Retraction Watch row may name a paper before the library holds it, and papers may be rebuilt.
      CREATE TABLE integrity_events (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        pmid         INTEGER NOT NULL,
        status       TEXT NOT NULL CHECK (status IN ('retracted', 'withdrawn', 'removed', 'retracted-republished', 'concern', 'corrected', 'reinstated')),
        source       TEXT NOT NULL CHECK (source IN ('pubmed', 'crossref', 'crossref-rw', 'rw-file')),
        notice_doi   TEXT,
        notice_pmid  INTEGER,
        notice_date  TEXT,
        nature       TEXT,
        reason       TEXT,
        record_id    TEXT,
        event_key    TEXT NOT NULL,
        learned_at   TEXT NOT NULL,
        UNIQUE (pmid, source, event_key)
      ) STRICT;
      CREATE TRIGGER integrity_events_no_update BEFORE UPDATE ON integrity_events
        BEGIN SELECT RAISE(ABORT, 'integrity events are append-only'); END;
      CREATE TRIGGER integrity_events_no_delete BEFORE DELETE ON integrity_events
        BEGIN SELECT RAISE(ABORT, 'integrity events are append-only'); END;
      -- What the events add up to, per paper (derived; rebuilt from integrity_events at any time).
      -- papers.retracted is kept equal to excluded; every change of status is also in history ('paper-status').
      CREATE TABLE integrity_status (
        pmid          INTEGER PRIMARY KEY,
        status        TEXT,
        excluded      INTEGER NOT NULL,
        concern       INTEGER NOT NULL,
        corrected     INTEGER NOT NULL,
        state         TEXT NOT NULL,
        updated_at    TEXT NOT NULL
      ) STRICT;
      CREATE INDEX integrity_status_status ON integrity_status (status);
      -- When each paper was last asked of Crossref, and what came back (found, none, failed).
      CREATE TABLE integrity_checks (
        pmid        INTEGER NOT NULL,
        source      TEXT NOT NULL,
        checked_at  TEXT NOT NULL,
        outcome     TEXT NOT NULL,
        PRIMARY KEY (pmid, source)
      ) STRICT;
    `,
  },
  {
    name: '0010_prisma_reasons',
    sql: `
      -- The short, editable list of standard exclusion reasons. number is what a reviewer types
      -- (dismiss --reason 3, triage "d 3"); code travels in tags export and never changes.
      CREATE TABLE reasons (
        number      INTEGER PRIMARY KEY,
        code        TEXT NOT NULL UNIQUE,
        label       TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
      ) STRICT;
      -- A dismissal's standard reason (reason keeps the text shown: the label, or free text).
      ALTER TABLE dismissals ADD COLUMN reason_code TEXT REFERENCES reasons (code);
      ALTER TABLE history ADD COLUMN reason_code TEXT;
      -- What each saved search of each run asked PubMed and got back, to show the search was complete.
      CREATE TABLE run_manifests (
        run_id          INTEGER NOT NULL REFERENCES runs (id),
        query           TEXT NOT NULL,
        at              TEXT NOT NULL,
        term            TEXT NOT NULL,
        datetype        TEXT,
        mindate         TEXT,
        maxdate         TEXT,
        sort            TEXT,
        reported_count  INTEGER NOT NULL,
        pmids           TEXT NOT NULL,
        pmids_sha256    TEXT NOT NULL,
        slices          INTEGER NOT NULL,
        fetched         TEXT NOT NULL DEFAULT '[]',
        retried         TEXT NOT NULL DEFAULT '[]',
        missing         TEXT NOT NULL DEFAULT '[]',
        requests        INTEGER NOT NULL DEFAULT 0,
        http_retries    INTEGER NOT NULL DEFAULT 0,
        status          TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
        error           TEXT,
        PRIMARY KEY (run_id, query)
      ) STRICT;
    `,
  },
  {
    name: '0011_paper_raw',
    sql: `
      -- The raw record (about 15 KB of XML a paper) moves out of papers into a table of its own. In papers it
      -- sat before raw_format, content_hash and deleted_at, so every update check of an import, and every
      -- listing, walked the record's overflow pages to reach them. Every stored record is copied, in the
      -- step's one transaction, before the column is dropped. The record goes with its paper, should a
      -- paper row ever be deleted (claimwatch only marks them deleted).
      CREATE TABLE paper_raw (
        pmid  INTEGER PRIMARY KEY REFERENCES papers (pmid) ON DELETE CASCADE,
        raw   TEXT NOT NULL
      ) STRICT;
      INSERT INTO paper_raw (pmid, raw) SELECT pmid, raw FROM papers ORDER BY pmid;
      ALTER TABLE papers DROP COLUMN raw;
      -- The papers not deleted by NLM, counted by the inbox's screening estimate on every run: without this
      -- index the count read the whole table (98 ms of inbox's 300 on 100,000 papers).
      CREATE INDEX papers_live ON papers (pmid) WHERE deleted_at IS NULL;
    `,
  },
  {
    name: '0012_users',
    sql: `
      -- Accounts for claimwatch serve bound to an address other than the loopback: a reviewer's name and a
      -- salted scrypt hash of their password (scrypt$N$r$p$salt$hash, base64url), never the password.
      CREATE TABLE users (
        name          TEXT PRIMARY KEY,
        password_hash TEXT NOT NULL,
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL
      ) STRICT;
    `,
  },
];


import GRDB

/// The schema, one registered migration per released change. Never edit a migration that has shipped:
/// add a new one. `Tests/ArogyaStoreTests/MigrationTests.swift` steps through all of them.
enum Migrations {
    /// 'AROG', stamped in the file header so that a database of another program is recognised.
    static let applicationId: Int32 = 0x4152_4F47

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-facility-accounts-audit-outbox") { db in
            try db.execute(sql: "PRAGMA application_id = \(applicationId)")

            // One row: the facility this terminal serves. Client-made UUIDv7 ids, UTC text timestamps
            // and a version counter, like every record that travels.
            try db.execute(sql: """
                CREATE TABLE facility (
                    id TEXT PRIMARY KEY NOT NULL,
                    singleton INTEGER NOT NULL DEFAULT 1 UNIQUE CHECK (singleton = 1),
                    name TEXT NOT NULL CHECK (length(name) > 0),
                    hfr_id TEXT,
                    state_code TEXT,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
                ) STRICT;

                -- A removed village is only deactivated: patients keep pointing at it.
                CREATE TABLE village (
                    id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL CHECK (length(name) > 0),
                    position INTEGER NOT NULL,
                    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
                ) STRICT;
                CREATE UNIQUE INDEX village_name ON village(name COLLATE NOCASE);

                CREATE TABLE setting (
                    key TEXT PRIMARY KEY NOT NULL,
                    value TEXT NOT NULL,
                    updated_at TEXT NOT NULL
                ) STRICT;

                -- failed_pin_count, locked_until and last_login_at are this terminal's own security state:
                -- they change without a new version and never travel. pin_hash never leaves the store.
                CREATE TABLE account (
                    id TEXT PRIMARY KEY NOT NULL,
                    username TEXT NOT NULL UNIQUE CHECK (length(username) BETWEEN 3 AND 32 AND username = lower(username)),
                    full_name TEXT NOT NULL CHECK (length(full_name) > 0),
                    role TEXT NOT NULL CHECK (role IN ('worker', 'supervisor')),
                    pin_hash TEXT NOT NULL,
                    must_change_pin INTEGER NOT NULL DEFAULT 0 CHECK (must_change_pin IN (0, 1)),
                    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
                    failed_pin_count INTEGER NOT NULL DEFAULT 0 CHECK (failed_pin_count >= 0),
                    locked_until TEXT,
                    last_login_at TEXT,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
                ) STRICT;

                -- Who did what, when, to which record. Each row is chained to the one before by hash.
                CREATE TABLE audit_log (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    action TEXT NOT NULL,
                    record_type TEXT,
                    record_id TEXT,
                    detail TEXT,
                    hash TEXT NOT NULL
                ) STRICT;
                CREATE INDEX audit_log_at ON audit_log(at);
                CREATE INDEX audit_log_record ON audit_log(record_type, record_id);

                -- The transactional outbox: a row for every version of every record that must reach the
                -- hub, written in the same transaction as the change itself.
                CREATE TABLE sync_outbox (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    record_type TEXT NOT NULL,
                    record_id TEXT NOT NULL,
                    version INTEGER NOT NULL CHECK (version >= 1),
                    state TEXT NOT NULL DEFAULT 'pending'
                        CHECK (state IN ('pending', 'sent', 'accepted', 'rejected', 'conflict')),
                    queued_at TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    last_attempt_at TEXT,
                    server_message TEXT,
                    UNIQUE (record_type, record_id, version)
                ) STRICT;
                CREATE INDEX sync_outbox_state ON sync_outbox(state, id);
                """)
        }
        migrator.registerMigration("v2-patients") { db in
            try db.execute(sql: """
                -- pk is the local row number, which the search index shares; id is the record's id everywhere.
                CREATE TABLE patient (
                    pk INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL CHECK (length(name) > 0),
                    name_alt TEXT,
                    -- The words of both names as "spelling 0key" pairs (see PatientSearchIndex): what the search
                    -- index holds and what ranking reads, so neither recomputes transliterations per keystroke.
                    search_terms TEXT NOT NULL,
                    sex TEXT NOT NULL CHECK (sex IN ('female', 'male', 'other')),
                    birth_date TEXT NOT NULL,
                    birth_date_estimated INTEGER NOT NULL DEFAULT 0 CHECK (birth_date_estimated IN (0, 1)),
                    mobile TEXT CHECK (mobile IS NULL OR length(mobile) = 10),
                    -- The same digits reversed: "the last 4 or more digits" becomes a prefix, which an index finds.
                    mobile_reversed TEXT,
                    village_id TEXT REFERENCES village(id),
                    household TEXT,
                    abha_number TEXT CHECK (abha_number IS NULL OR length(abha_number) = 14),
                    abha_address TEXT,
                    mrn TEXT,
                    consent_given INTEGER NOT NULL CHECK (consent_given IN (0, 1)),
                    consent_method TEXT NOT NULL,
                    consent_date TEXT NOT NULL,
                    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deceased', 'moved', 'merged')),
                    status_date TEXT,
                    merged_into TEXT REFERENCES patient(id),
                    last_seen_at TEXT,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
                ) STRICT;
                -- Not unique: two terminals offline can register one ABHA number twice; sync flags the pair.
                CREATE INDEX patient_mobile_reversed ON patient(mobile_reversed) WHERE mobile_reversed IS NOT NULL;
                CREATE INDEX patient_abha_number ON patient(abha_number) WHERE abha_number IS NOT NULL;
                CREATE INDEX patient_abha_address ON patient(abha_address) WHERE abha_address IS NOT NULL;
                CREATE INDEX patient_household ON patient(household) WHERE household IS NOT NULL;
                CREATE INDEX patient_mrn ON patient(mrn) WHERE mrn IS NOT NULL;
                -- Duplicate checks (same village, age within a few years) and, later, due lists by village.
                CREATE INDEX patient_village_birth ON patient(village_id, birth_date);
                -- The patients seen most recently, listed before anything is typed.
                CREATE INDEX patient_last_seen ON patient(last_seen_at);

                -- Name search over patient.search_terms (external content: the index keeps no copy), without
                -- positions or sizes, which a prefix search ranked in Swift does not need. Prefixes of 2 to 7
                -- characters are indexed, so a typed word reads one list instead of merging every word it
                -- begins in memory ("devi"*: 2 ms instead of 34 ms on a million patients).
                CREATE VIRTUAL TABLE patient_search USING fts5(
                    search_terms, content='patient', content_rowid='pk', detail=none, columnsize=0, prefix='2 3 4 5 6 7',
                    tokenize='ascii');
                """)
        }
        return migrator
    }
}

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
        return migrator
    }
}

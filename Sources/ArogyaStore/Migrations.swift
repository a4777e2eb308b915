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
        migrator.registerMigration("v3-screening") { db in
            try db.execute(sql: """
                -- A screening or a follow-up visit: what was recorded (input, the JSON of `protocol evaluate`),
                -- what the protocol decided with its reasons (decision), and the columns the card, the due list
                -- and reports read without parsing JSON.
                CREATE TABLE screening (
                    pk INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    patient_id TEXT NOT NULL REFERENCES patient(id),
                    kind TEXT NOT NULL CHECK (kind IN ('screening', 'follow_up')),
                    -- The local calendar day it was done.
                    screened_on TEXT NOT NULL,
                    protocol_id TEXT NOT NULL,
                    protocol_version TEXT NOT NULL,
                    input TEXT NOT NULL,
                    decision TEXT NOT NULL,
                    -- The rounded means; NULL when BP was not measured.
                    bp_systolic INTEGER,
                    bp_diastolic INTEGER,
                    bp_category TEXT,
                    glucose_type TEXT,
                    -- NULL with glucose_meter 'LO' or 'HI' when the meter could not measure.
                    glucose_mg_dl REAL,
                    glucose_meter TEXT CHECK (glucose_meter IS NULL OR glucose_meter IN ('LO', 'HI')),
                    glucose_category TEXT,
                    cbac_score INTEGER,
                    -- 1 when the exam was recorded (normal or with findings; for VIA a result), 0 when not.
                    oral_done INTEGER NOT NULL DEFAULT 0 CHECK (oral_done IN (0, 1)),
                    breast_done INTEGER NOT NULL DEFAULT 0 CHECK (breast_done IN (0, 1)),
                    cervical_done INTEGER NOT NULL DEFAULT 0 CHECK (cervical_done IN (0, 1)),
                    -- Known conditions at the time ("hypertension,diabetes") and, for sex "other", the exams chosen.
                    known TEXT NOT NULL DEFAULT '',
                    exams_chosen TEXT NOT NULL DEFAULT '',
                    refer INTEGER NOT NULL CHECK (refer IN (0, 1)),
                    urgent INTEGER NOT NULL CHECK (urgent IN (0, 1)),
                    -- The next visit asked for, when sooner than the routine interval.
                    follow_up_on TEXT,
                    -- Follow-up visits: medicines given (free text) and adherence.
                    medicines TEXT,
                    adherence TEXT CHECK (adherence IS NULL OR adherence IN ('regular', 'missed_some', 'stopped')),
                    recorded_by TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
                ) STRICT;
                CREATE INDEX screening_patient ON screening(patient_id, screened_on);

                -- One per place a screening sent the person to. Open until an outcome other than
                -- 'not_reached' is recorded.
                CREATE TABLE referral (
                    pk INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    screening_id TEXT NOT NULL REFERENCES screening(id),
                    patient_id TEXT NOT NULL REFERENCES patient(id),
                    place TEXT NOT NULL,
                    urgent INTEGER NOT NULL CHECK (urgent IN (0, 1)),
                    -- The sentences that asked for it, a JSON list, in the language of the worker who saved it.
                    reasons TEXT NOT NULL,
                    -- What it is about: "hypertension", "diabetes", "oral", "tb", …, comma-separated.
                    conditions TEXT NOT NULL,
                    referred_on TEXT NOT NULL,
                    outcome TEXT CHECK (outcome IS NULL OR outcome IN ('reached', 'confirmed', 'treatment_started', 'not_reached')),
                    outcome_on TEXT,
                    outcome_note TEXT,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
                ) STRICT;
                CREATE INDEX referral_patient ON referral(patient_id);

                -- When each patient falls due, kept by CareSchedule from the tables above (derived: never
                -- uploaded, rebuilt when the protocol changes). Days since 1970. The three tier columns are
                -- indexed so that a page of the due list is an index range, not a pass over every patient.
                CREATE TABLE care_due (
                    patient_pk INTEGER PRIMARY KEY REFERENCES patient(pk),
                    -- The village's rowid (small), so that a due list for one village reads only the index.
                    village INTEGER,
                    urgent_on INTEGER,
                    follow_on INTEGER,
                    screen_on INTEGER,
                    hypertension_on INTEGER,
                    diabetes_on INTEGER,
                    oral_on INTEGER,
                    breast_on INTEGER,
                    cervical_on INTEGER,
                    follow_up_on INTEGER,
                    referral_on INTEGER,
                    referral_urgent INTEGER NOT NULL DEFAULT 0
                ) STRICT;
                -- Each tier's index also holds what the query filters on (village, the earlier tiers), so that
                -- counting a tier never reads the table.
                CREATE INDEX care_due_urgent ON care_due(urgent_on, village) WHERE urgent_on IS NOT NULL;
                CREATE INDEX care_due_follow ON care_due(follow_on, village, urgent_on) WHERE follow_on IS NOT NULL;
                CREATE INDEX care_due_screen ON care_due(screen_on, village, urgent_on, follow_on) WHERE screen_on IS NOT NULL;

                -- Patients whose care_due row must be worked out again: every change to a patient, her
                -- screenings or her referrals adds her here in the same transaction; the due list and the
                -- card work these out (with the protocol) before they read.
                CREATE TABLE care_stale (patient_pk INTEGER PRIMARY KEY) STRICT;
                INSERT INTO care_stale (patient_pk) SELECT pk FROM patient;
                """)
        }
        migrator.registerMigration("v4-sync") { db in
            try db.execute(sql: """
                -- The hub's version of each record as this terminal last learnt it: the base of its next edit.
                CREATE TABLE sync_record (
                    record_type TEXT NOT NULL,
                    record_id TEXT NOT NULL,
                    hub_version INTEGER NOT NULL,
                    PRIMARY KEY (record_type, record_id)
                ) WITHOUT ROWID, STRICT;

                -- Records pulled before what they point to (a screening before its patient): kept here and
                -- applied once it arrives, so that a pulled record never stalls a sync.
                CREATE TABLE sync_parked (
                    record_type TEXT NOT NULL,
                    record_id TEXT NOT NULL,
                    hub_version INTEGER NOT NULL,
                    payload TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    parked_at TEXT NOT NULL,
                    PRIMARY KEY (record_type, record_id)
                ) WITHOUT ROWID, STRICT;

                -- Workers of the facility's other terminals: their names for what they recorded. They cannot
                -- sign in here (no PIN ever travels).
                CREATE TABLE remote_account (
                    id TEXT PRIMARY KEY NOT NULL,
                    username TEXT NOT NULL,
                    full_name TEXT NOT NULL,
                    role TEXT NOT NULL,
                    active INTEGER NOT NULL
                ) STRICT;

                -- Each sync: when, how it ended, what moved, and the hub's clock.
                CREATE TABLE sync_run (
                    id INTEGER PRIMARY KEY,
                    started_at TEXT NOT NULL,
                    ended_at TEXT,
                    outcome TEXT CHECK (outcome IS NULL OR outcome IN ('ok', 'rejections', 'failed')),
                    pushed INTEGER NOT NULL DEFAULT 0,
                    pulled INTEGER NOT NULL DEFAULT 0,
                    server_time TEXT,
                    clock_offset_ms INTEGER,
                    message TEXT
                ) STRICT;
                """)
        }
        migrator.registerMigration("v5-outbox-one-waiting-row") { db in
            // A record waits for upload once (`enqueueForSync`): of the rows that waited for one record (a
            // sync sends the current version anyway), the first keeps its place in the queue and takes the
            // newest version; the others go. The count of what waits is then a count of rows, and cheap.
            try db.execute(sql: """
                CREATE TEMP TABLE waiting_twice AS
                    SELECT record_type, record_id, min(id) AS keep, max(version) AS newest FROM sync_outbox
                    WHERE state = 'pending' GROUP BY record_type, record_id HAVING count(*) > 1;
                DELETE FROM sync_outbox WHERE state = 'pending'
                    AND id NOT IN (SELECT keep FROM waiting_twice)
                    AND (record_type, record_id) IN (SELECT record_type, record_id FROM waiting_twice);
                UPDATE sync_outbox SET version = (SELECT newest FROM waiting_twice WHERE keep = sync_outbox.id)
                    WHERE id IN (SELECT keep FROM waiting_twice);
                DROP TABLE waiting_twice;
                """)
        }
        migrator.registerMigration("v6-abha-request") { db in
            // ABHA requests saved offline: never an Aadhaar number or an OTP (AbhaRequest).
            try db.execute(sql: """
                CREATE TABLE abha_request (
                    pk INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    patient_id TEXT NOT NULL REFERENCES patient(id),
                    flow TEXT NOT NULL CHECK (flow IN ('enrol', 'verify')),
                    status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'cancelled')),
                    mobile TEXT,
                    abha_address TEXT,
                    abha_number TEXT,
                    consent TEXT,
                    reason TEXT NOT NULL,
                    created_by TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
                ) STRICT;
                CREATE INDEX abha_request_status ON abha_request(status, created_at);
                CREATE INDEX abha_request_patient ON abha_request(patient_id);
                """)
        }
        migrator.registerMigration("v7-screening-day") { db in
            // The day's register reads every visit of one day, across patients.
            try db.execute(sql: "CREATE INDEX screening_day ON screening(screened_on, created_at)")
        }
        migrator.registerMigration("v8-review") { db in
            try db.execute(sql: """
                -- A supervisor's review of a screening: reviewed, a comment, or sent back with a reason. One row per
                -- act, never changed, so the screening's history with its supervisor is all here.
                CREATE TABLE review (
                    pk INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    screening_id TEXT NOT NULL REFERENCES screening(id),
                    patient_id TEXT NOT NULL REFERENCES patient(id),
                    action TEXT NOT NULL CHECK (action IN ('reviewed', 'comment', 'sent_back')),
                    reason TEXT,
                    comment TEXT,
                    reviewed_by TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
                ) STRICT;
                CREATE INDEX review_screening ON review(screening_id, created_at);
                -- Screenings sent back: a worker's Home counts those of hers still to correct.
                CREATE INDEX review_sent_back ON review(screening_id) WHERE action = 'sent_back';

                -- The send-back a corrected screening answers; NULL until it is corrected.
                ALTER TABLE screening ADD COLUMN answers_review TEXT;
                -- A referral its corrected screening no longer asks for: closed, kept.
                ALTER TABLE referral ADD COLUMN withdrawn_on TEXT;

                -- Every earlier version of a corrected screening, as it was uploaded (the payload's JSON).
                CREATE TABLE screening_history (
                    pk INTEGER PRIMARY KEY,
                    screening_id TEXT NOT NULL REFERENCES screening(id),
                    version INTEGER NOT NULL,
                    payload TEXT NOT NULL,
                    replaced_at TEXT NOT NULL,
                    replaced_by TEXT NOT NULL
                ) STRICT;
                CREATE INDEX screening_history_screening ON screening_history(screening_id, version);
                """)
        }
        migrator.registerMigration("v9-report-indexes") { db in
            try db.execute(sql: """
                -- The day's register finds the places its visits sent people: without this, every referral is read.
                CREATE INDEX referral_screening ON referral(screening_id);
                -- The indicators count the active people registered by a day by sex and birth date: this index holds
                -- all four, in the order the counting groups them, so the count never reads the patients' rows.
                CREATE INDEX patient_registered ON patient(status, sex, birth_date, created_at);
                -- The period's registrations (the suspected-duplicate count compares them with their households').
                CREATE INDEX patient_created ON patient(created_at);
                -- Every column the indicators count of a visit, so that two years of visits are read from this
                -- index (about a seventh of the table's size: no input or decision JSON) instead of the rows.
                CREATE INDEX screening_counted ON screening(screened_on, patient_id, kind, known, bp_systolic, bp_diastolic,
                    glucose_type, glucose_mg_dl, glucose_meter, cbac_score, oral_done, breast_done, cervical_done, created_at, id);
                """)
        }
        migrator.registerMigration("v10-account-language") { db in
            try db.execute(sql: """
                -- The language each account's screens are shown in; accounts made before there was a choice read English.
                ALTER TABLE account ADD COLUMN language TEXT NOT NULL DEFAULT 'en' CHECK (length(language) BETWEEN 2 AND 3);
                """)
        }
        migrator.registerMigration("v11-abha-links") { db in
            try db.execute(sql: """
                -- How many of each patient's visits the hub has linked to her ABHA (ABDM care contexts), as the hub
                -- last said: shown on her card. Written only by sync.
                CREATE TABLE abha_link (
                    patient_id TEXT PRIMARY KEY NOT NULL,
                    linked INTEGER NOT NULL CHECK (linked >= 0),
                    total INTEGER NOT NULL CHECK (total >= linked),
                    failed INTEGER NOT NULL CHECK (failed >= 0),
                    updated_at TEXT NOT NULL
                ) STRICT;
                """)
        }
        return migrator
    }
}

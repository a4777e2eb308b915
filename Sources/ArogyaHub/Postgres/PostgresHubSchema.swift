/// The hub's tables on PostgreSQL: the same tables, columns and meanings as on SQLite (`HubDatabase`), so
/// that both answer alike and `copy --from-sqlite` moves rows as they are. Times are the same UTC ISO 8601
/// text; payloads the JSON text as it was hashed (not `jsonb`, which would reorder its keys).
///
/// Text is compared and ordered byte by byte, as SQLite does (`COLLATE "C"` where an answer is ordered by
/// text), whatever collation the database was created with.
///
/// Migrations are applied in order by `arogya-hub migrate`, each in its own transaction, under an advisory
/// lock so that two hub processes never apply one twice; their names are kept in `hub_migration`. A hub
/// refuses a database that has a migration it does not know (made by a newer version), or that lacks one.
enum PostgresHubSchema {
    struct Migration {
        let name: String
        let sql: String

        /// One statement at a time (PostgreSQL's extended protocol takes no more); statements end with ";" at
        /// the end of a line, and no comment or text holds one there.
        var statements: [String] {
            sql.components(separatedBy: ";\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        }
    }

    /// The lock `migrate` holds (an advisory lock's key: "arogya" in ASCII, then 1).
    static let migrationLock: Int64 = 0x6172_6F67_7961_0001
    /// The lock a push holds from its first sequence number to its commit (see `PostgresHubStore.push`).
    static let sequenceLock: Int64 = 0x6172_6F67_7961_0002
    /// The first key of the two-key advisory locks a push takes on its facilities.
    static let facilityLockClass: Int32 = 0x6172_6F67

    static let migrations: [Migration] = [
        Migration(name: "hub-v1", sql: """
            CREATE TABLE facility (
                id TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
                name TEXT NOT NULL CHECK (length(name) > 0),
                created_at TEXT NOT NULL
            );

            -- A device allowed to sync. Only the SHA-256 of its token is kept.
            CREATE TABLE device (
                id TEXT PRIMARY KEY,
                facility_id TEXT NOT NULL REFERENCES facility(id),
                token_hash TEXT NOT NULL UNIQUE,
                label TEXT,
                created_at TEXT NOT NULL,
                revoked_at TEXT,
                last_push_at TEXT,
                last_pull_at TEXT,
                role TEXT NOT NULL DEFAULT 'terminal' CHECK (role IN ('terminal', 'supervisor'))
            );
            CREATE TABLE device_facility (
                device_id TEXT NOT NULL REFERENCES device(id),
                facility_id TEXT NOT NULL REFERENCES facility(id),
                PRIMARY KEY (device_id, facility_id)
            );

            -- Every version of every record the hub accepted. A version's seq is handed out under
            -- `sequenceLock`, held to the commit: versions commit in seq order.
            CREATE SEQUENCE record_seq AS BIGINT;
            CREATE TABLE record_version (
                seq BIGINT PRIMARY KEY,
                facility_id TEXT NOT NULL,
                type TEXT NOT NULL,
                id TEXT NOT NULL,
                hub_version BIGINT NOT NULL,
                device_id TEXT NOT NULL,
                device_version BIGINT NOT NULL,
                base_version BIGINT NOT NULL,
                updated_at TEXT NOT NULL,
                received_at TEXT NOT NULL,
                payload TEXT NOT NULL,
                payload_hash TEXT NOT NULL,
                UNIQUE (facility_id, type, id, hub_version)
            );
            CREATE INDEX record_version_resend ON record_version(facility_id, type, id, device_id, device_version);

            CREATE TABLE record (
                facility_id TEXT NOT NULL,
                type TEXT NOT NULL,
                id TEXT NOT NULL,
                seq BIGINT NOT NULL UNIQUE,
                hub_version BIGINT NOT NULL,
                device_id TEXT NOT NULL,
                device_version BIGINT NOT NULL,
                patient_id TEXT,
                parent_id TEXT,
                PRIMARY KEY (facility_id, type, id)
            );
            CREATE INDEX record_pull ON record(facility_id, seq, device_id);
            CREATE INDEX record_patient ON record(facility_id, type, patient_id) WHERE patient_id IS NOT NULL;
            CREATE INDEX record_parent ON record(facility_id, type, parent_id) WHERE parent_id IS NOT NULL;

            CREATE TABLE conflict (
                id BIGSERIAL PRIMARY KEY,
                facility_id TEXT NOT NULL,
                type TEXT NOT NULL,
                record_id TEXT NOT NULL,
                kept_seq BIGINT NOT NULL REFERENCES record_version(seq),
                current_seq BIGINT NOT NULL REFERENCES record_version(seq),
                found_at TEXT NOT NULL
            );
            CREATE INDEX conflict_record ON conflict(facility_id, type, record_id);

            CREATE TABLE patient_identifier (
                facility_id TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('abha_number', 'abha_address')),
                value TEXT NOT NULL,
                patient_id TEXT NOT NULL,
                PRIMARY KEY (facility_id, kind, value, patient_id)
            );
            CREATE INDEX patient_identifier_patient ON patient_identifier(facility_id, patient_id);

            CREATE TABLE duplicate_pair (
                facility_id TEXT NOT NULL,
                patient_a TEXT NOT NULL,
                patient_b TEXT NOT NULL,
                reason TEXT NOT NULL,
                found_at TEXT NOT NULL,
                PRIMARY KEY (facility_id, patient_a, patient_b)
            );

            -- The report tables (`HubReportTables`), kept with each version that becomes current.
            CREATE TABLE report_patient (
                facility_id TEXT NOT NULL,
                id TEXT NOT NULL,
                sex TEXT NOT NULL,
                birth_date TEXT NOT NULL,
                created_at TEXT NOT NULL,
                status TEXT NOT NULL,
                mobile TEXT,
                name TEXT NOT NULL,
                PRIMARY KEY (facility_id, id)
            );
            CREATE INDEX report_patient_population ON report_patient(facility_id, status, sex, birth_date, created_at);
            CREATE INDEX report_patient_created ON report_patient(facility_id, created_at);
            CREATE INDEX report_patient_mobile ON report_patient(facility_id, mobile, sex) WHERE mobile IS NOT NULL;

            CREATE TABLE report_visit (
                facility_id TEXT NOT NULL,
                id TEXT NOT NULL,
                patient_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                screened_on TEXT NOT NULL,
                created_at TEXT NOT NULL,
                bp_systolic INTEGER,
                bp_diastolic INTEGER,
                glucose_type TEXT,
                glucose_mg_dl DOUBLE PRECISION,
                glucose_meter TEXT,
                cbac_score INTEGER,
                oral_done BOOLEAN NOT NULL,
                breast_done BOOLEAN NOT NULL,
                cervical_done BOOLEAN NOT NULL,
                known TEXT NOT NULL,
                PRIMARY KEY (facility_id, screened_on, id)
            );
            CREATE UNIQUE INDEX report_visit_id ON report_visit(facility_id, id);

            CREATE TABLE report_referral (
                facility_id TEXT NOT NULL,
                id TEXT NOT NULL,
                screening_id TEXT,
                patient_id TEXT NOT NULL,
                conditions TEXT NOT NULL,
                referred_on TEXT NOT NULL,
                outcome TEXT,
                outcome_on TEXT,
                withdrawn_on TEXT,
                PRIMARY KEY (facility_id, id)
            );
            """),
        Migration(name: "hub-v2-copies", sql: """
            -- A SQLite hub's data being moved in (`arogya-hub copy --from-sqlite`), so that a copy cut short
            -- goes on where it stopped: the source is known by its facilities.
            CREATE TABLE hub_copy (
                source TEXT PRIMARY KEY,
                path TEXT NOT NULL,
                started_at TEXT NOT NULL,
                -- The last of the source's sequence numbers whose version is copied.
                copied_through BIGINT NOT NULL DEFAULT 0,
                finished_at TEXT
            );
            """),
        Migration(name: "hub-v3-hip", sql: """
            -- The hub as ABDM's Health Information Provider (SQLite's hub-v4-hip): care contexts and their
            -- links, link tokens, requests awaiting ABDM's answer, REQUEST-IDs received, the candidates' cursor.
            -- Times compare as text, byte by byte.
            CREATE TABLE care_context (
                facility_id TEXT NOT NULL,
                record_id TEXT NOT NULL,
                patient_id TEXT NOT NULL,
                abha_address TEXT NOT NULL,
                abha_number TEXT,
                display TEXT NOT NULL,
                hi_type TEXT NOT NULL,
                visit_day TEXT COLLATE "C" NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('waiting', 'sent', 'linked', 'failed')),
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at TEXT COLLATE "C" NOT NULL,
                last_error TEXT,
                awaiting TEXT,
                linked_at TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT COLLATE "C" NOT NULL,
                PRIMARY KEY (facility_id, record_id)
            );
            CREATE INDEX care_context_patient ON care_context(facility_id, patient_id);
            CREATE INDEX care_context_updated ON care_context(facility_id, updated_at);
            CREATE INDEX care_context_due ON care_context(next_attempt_at) WHERE state <> 'linked';
            CREATE TABLE link_token (
                facility_id TEXT NOT NULL,
                abha_address TEXT NOT NULL,
                token TEXT NOT NULL,
                expires_at TEXT COLLATE "C" NOT NULL,
                PRIMARY KEY (facility_id, abha_address)
            );
            CREATE TABLE abdm_request (
                request_id TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                facility_id TEXT NOT NULL,
                patient_id TEXT NOT NULL,
                abha_address TEXT NOT NULL,
                record_ids TEXT[] NOT NULL,
                sent_at TEXT NOT NULL
            );
            CREATE TABLE abdm_inbound (
                request_id TEXT PRIMARY KEY,
                path TEXT NOT NULL,
                received_at TEXT NOT NULL
            );
            CREATE TABLE hip_cursor (
                name TEXT PRIMARY KEY,
                seq BIGINT NOT NULL
            );
            CREATE TABLE consent_artefact (
                consent_id TEXT PRIMARY KEY,
                facility_id TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('GRANTED', 'REVOKED', 'EXPIRED', 'DENIED')),
                patient_address TEXT NOT NULL,
                care_contexts TEXT NOT NULL,
                hi_types TEXT NOT NULL,
                date_from TEXT NOT NULL,
                date_to TEXT NOT NULL,
                data_erase_at TEXT NOT NULL,
                hiu_id TEXT,
                received_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            );
            CREATE TABLE data_transfer (
                transaction_id TEXT PRIMARY KEY,
                consent_id TEXT NOT NULL,
                facility_id TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('started', 'transferred', 'failed')),
                delivered INTEGER NOT NULL DEFAULT 0,
                errored INTEGER NOT NULL DEFAULT 0,
                requested_at TEXT COLLATE "C" NOT NULL,
                finished_at TEXT,
                reason TEXT
            );
            CREATE INDEX data_transfer_consent ON data_transfer(consent_id);
            CREATE TABLE link_session (
                link_ref TEXT PRIMARY KEY,
                transaction_id TEXT NOT NULL,
                facility_id TEXT NOT NULL,
                patient_id TEXT NOT NULL,
                abha_address TEXT NOT NULL,
                record_ids TEXT[] NOT NULL,
                otp_hash TEXT NOT NULL,
                expires_at TEXT NOT NULL,
                wrong_tries INTEGER NOT NULL DEFAULT 0,
                done BOOLEAN NOT NULL DEFAULT false,
                created_at TEXT NOT NULL
            );
            """),
    ]
}

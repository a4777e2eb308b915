import ArogyaCore
import GRDB

/// The columns the block reports count, of each record's current version, kept beside the stored JSON:
/// a report over ten facilities would otherwise take each field out of a million payloads
/// (`json_extract`), which alone costs more than the report's target. Written in the same transaction
/// as the version that becomes current, so they never disagree with it; the names and forms are a
/// terminal's (`StoredColumns` reads both).
enum HubReportTables {
    static func create(_ db: Database) throws {
        try db.execute(sql: """
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
            ) WITHOUT ROWID, STRICT;
            -- The population counted by sex and birth date, in the order the count groups them.
            CREATE INDEX report_patient_population ON report_patient(facility_id, status, sex, birth_date, created_at);
            -- The period's registrations, and those sharing their mobile (suspected duplicates).
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
                glucose_mg_dl REAL,
                glucose_meter TEXT,
                cbac_score INTEGER,
                oral_done INTEGER NOT NULL,
                breast_done INTEGER NOT NULL,
                cervical_done INTEGER NOT NULL,
                known TEXT NOT NULL,
                -- Kept in day order: a report reads a range of days, which is then one run of pages.
                PRIMARY KEY (facility_id, screened_on, id)
            ) WITHOUT ROWID, STRICT;
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
            ) WITHOUT ROWID, STRICT;
            """)
    }

    /// Fills the tables from the current versions already stored (a hub made before they existed).
    static func backfill(_ db: Database) throws {
        let current = "FROM record r JOIN record_version v ON v.seq = r.seq WHERE r.type = ?"
        try db.execute(sql: """
            INSERT INTO report_patient (facility_id, id, sex, birth_date, created_at, status, mobile, name)
            SELECT r.facility_id, r.id, json_extract(v.payload, '$.sex'), json_extract(v.payload, '$.birth_date'),
                   json_extract(v.payload, '$.created_at'), coalesce(json_extract(v.payload, '$.status'), 'active'),
                   json_extract(v.payload, '$.mobile'), json_extract(v.payload, '$.name')
            \(current) AND json_extract(v.payload, '$.sex') IS NOT NULL AND json_extract(v.payload, '$.birth_date') IS NOT NULL
              AND json_extract(v.payload, '$.created_at') IS NOT NULL AND json_extract(v.payload, '$.name') IS NOT NULL
            """, arguments: [RecordType.patient.rawValue])
        try db.execute(sql: """
            INSERT INTO report_visit (facility_id, id, patient_id, kind, screened_on, created_at, bp_systolic, bp_diastolic, glucose_type,
                                      glucose_mg_dl, glucose_meter, cbac_score, oral_done, breast_done, cervical_done, known)
            SELECT r.facility_id, r.id, json_extract(v.payload, '$.patient_id'), coalesce(json_extract(v.payload, '$.kind'), 'screening'),
                   json_extract(v.payload, '$.screened_on'), json_extract(v.payload, '$.created_at'),
                   json_extract(v.payload, '$.bp_systolic'), json_extract(v.payload, '$.bp_diastolic'), json_extract(v.payload, '$.glucose_type'),
                   json_extract(v.payload, '$.glucose_mg_dl'), json_extract(v.payload, '$.glucose_meter'), json_extract(v.payload, '$.cbac_score'),
                   coalesce(json_extract(v.payload, '$.oral_done'), 0), coalesce(json_extract(v.payload, '$.breast_done'), 0),
                   coalesce(json_extract(v.payload, '$.cervical_done'), 0),
                   coalesce(json_extract(v.payload, '$.known'), '')
            \(current) AND json_extract(v.payload, '$.patient_id') IS NOT NULL AND json_extract(v.payload, '$.screened_on') IS NOT NULL
              AND json_extract(v.payload, '$.created_at') IS NOT NULL
            """, arguments: [RecordType.screening.rawValue])
        try db.execute(sql: """
            INSERT INTO report_referral (facility_id, id, screening_id, patient_id, conditions, referred_on, outcome, outcome_on, withdrawn_on)
            SELECT r.facility_id, r.id, r.parent_id, r.patient_id, coalesce(json_extract(v.payload, '$.conditions'), ''),
                   json_extract(v.payload, '$.referred_on'), json_extract(v.payload, '$.outcome'), json_extract(v.payload, '$.outcome_on'),
                   json_extract(v.payload, '$.withdrawn_on')
            \(current) AND r.patient_id IS NOT NULL AND json_extract(v.payload, '$.referred_on') IS NOT NULL
            """, arguments: [RecordType.referral.rawValue])
    }

    /// Writes the report columns of a version that has just become current (or removes the row when the
    /// version lacks what the reports need, so that an old value never outlives its record's edit).
    static func note(_ record: SyncWire.Record, facility: String, patient: String?, parent: String?, in db: Database) throws {
        let payload = record.payload
        let text = { (key: String) in RecordPayloads.text(payload, key) }
        let number = { (key: String) -> Double? in payload[key]?.double }
        let flag = { (key: String) in payload[key] == .bool(true) }
        switch record.type {
        case .patient:
            guard let sex = text("sex"), let born = text("birth_date"), let created = text("created_at"), let name = text("name") else {
                return try remove("report_patient", record.id, facility, db)
            }
            try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO report_patient (facility_id, id, sex, birth_date, created_at, status, mobile, name)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [facility, record.id, sex, born, created, text("status") ?? PatientStatusCode.active.rawValue,
                                         text("mobile"), name])
        case .screening:
            guard let patientId = text("patient_id"), let day = text("screened_on"), let created = text("created_at") else {
                return try remove("report_visit", record.id, facility, db)
            }
            // Its day may have changed (a correction): the row keyed by the old day goes first.
            try remove("report_visit", record.id, facility, db)
            try db.cachedStatement(sql: """
                INSERT INTO report_visit (facility_id, id, patient_id, kind, screened_on, created_at, bp_systolic, bp_diastolic,
                    glucose_type, glucose_mg_dl, glucose_meter, cbac_score, oral_done, breast_done, cervical_done, known)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [facility, record.id, patientId, text("kind") ?? ScreeningVisit.Kind.screening.rawValue, day, created,
                                         number("bp_systolic").map { Int($0) }, number("bp_diastolic").map { Int($0) }, text("glucose_type"),
                                         number("glucose_mg_dl"), text("glucose_meter"), number("cbac_score").map { Int($0) },
                                         flag("oral_done"), flag("breast_done"), flag("cervical_done"), text("known") ?? ""])
        case .referral:
            guard let patient, let referredOn = text("referred_on") else { return try remove("report_referral", record.id, facility, db) }
            try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO report_referral (facility_id, id, screening_id, patient_id, conditions, referred_on, outcome, outcome_on,
                    withdrawn_on)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [facility, record.id, parent, patient, text("conditions") ?? "", referredOn, text("outcome"),
                                         text("outcome_on"), text("withdrawn_on")])
        case .account, .facility, .abhaRequest, .review:
            break
        }
    }

    private static func remove(_ table: String, _ id: String, _ facility: String, _ db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM \(table) WHERE facility_id = ? AND id = ?").execute(arguments: [facility, id])
    }
}

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
        guard let change = ReportRowChange.of(record, facility: facility, patient: patient, parent: parent) else { return }
        // A visit's day may have changed (a correction): the row keyed by the old day goes first.
        try db.cachedStatement(sql: "DELETE FROM \(change.table.rawValue) WHERE facility_id = ? AND id = ?").execute(arguments: [facility, record.id])
        guard let values = change.values else { return }
        let columns = change.table.columns
        try db.cachedStatement(sql: """
            INSERT INTO \(change.table.rawValue) (\(columns.map(\.name).joined(separator: ", ")))
            VALUES (\(databaseQuestionMarks(count: columns.count)))
            """).execute(arguments: StatementArguments(values.map(\.databaseValue)))
    }
}

/// A report table, its columns in order, and each column's PostgreSQL type.
enum ReportTable: String, CaseIterable {
    case patient = "report_patient"
    case visit = "report_visit"
    case referral = "report_referral"

    struct Column {
        let name: String
        /// Its type on PostgreSQL (SQLite's STRICT tables keep the same values as TEXT, INTEGER and REAL).
        let postgresType: String
    }

    var columns: [Column] {
        let text = { (name: String) in Column(name: name, postgresType: "text") }
        switch self {
        case .patient:
            return ["facility_id", "id", "sex", "birth_date", "created_at", "status", "mobile", "name"].map(text)
        case .visit:
            return ["facility_id", "id", "patient_id", "kind", "screened_on", "created_at"].map(text)
                + [Column(name: "bp_systolic", postgresType: "integer"), Column(name: "bp_diastolic", postgresType: "integer"), text("glucose_type"),
                   Column(name: "glucose_mg_dl", postgresType: "double precision"), text("glucose_meter"),
                   Column(name: "cbac_score", postgresType: "integer"), Column(name: "oral_done", postgresType: "boolean"),
                   Column(name: "breast_done", postgresType: "boolean"), Column(name: "cervical_done", postgresType: "boolean"), text("known")]
        case .referral:
            return ["facility_id", "id", "screening_id", "patient_id", "conditions", "referred_on", "outcome", "outcome_on", "withdrawn_on"].map(text)
    }
    }
}

/// What a version that becomes current does to its report table: the row it leaves (in the table's
/// column order), or nil values when it lacks what the reports need and its old row goes. One reading of a
/// payload for both stores.
struct ReportRowChange {
    let table: ReportTable
    let facility: String
    let id: String
    let values: [JSONValue]?

    /// Nil for the record types no report reads.
    static func of(_ record: SyncWire.Record, facility: String, patient: String?, parent: String?) -> ReportRowChange? {
        let payload = record.payload
        let text = { (key: String) -> JSONValue in RecordPayloads.text(payload, key).map(JSONValue.string) ?? .null }
        let whole = { (key: String) -> JSONValue in payload[key]?.double.map { .integer(Int64($0)) } ?? .null }
        let number = { (key: String) -> JSONValue in payload[key]?.double.map(JSONValue.number) ?? .null }
        let flag = { (key: String) -> JSONValue in .bool(payload[key] == .bool(true)) }
        let present = { (keys: [String]) in keys.allSatisfy { RecordPayloads.text(payload, $0) != nil } }
        let key = (facility: JSONValue.string(facility), id: JSONValue.string(record.id))
        switch record.type {
        case .patient:
            let values: [JSONValue]? = present(["sex", "birth_date", "created_at", "name"])
                ? [key.facility, key.id, text("sex"), text("birth_date"), text("created_at"),
                   .string(RecordPayloads.text(payload, "status") ?? PatientStatusCode.active.rawValue), text("mobile"), text("name")]
                : nil
            return ReportRowChange(table: .patient, facility: facility, id: record.id, values: values)
        case .screening:
            let values: [JSONValue]? = present(["patient_id", "screened_on", "created_at"])
                ? [key.facility, key.id, text("patient_id"), .string(RecordPayloads.text(payload, "kind") ?? ScreeningVisit.Kind.screening.rawValue),
                   text("screened_on"), text("created_at"), whole("bp_systolic"), whole("bp_diastolic"), text("glucose_type"),
                   number("glucose_mg_dl"), text("glucose_meter"), whole("cbac_score"), flag("oral_done"), flag("breast_done"),
                   flag("cervical_done"), .string(RecordPayloads.text(payload, "known") ?? "")]
                : nil
            return ReportRowChange(table: .visit, facility: facility, id: record.id, values: values)
        case .referral:
            let values: [JSONValue]? = patient != nil && present(["referred_on"])
                ? [key.facility, key.id, parent.map(JSONValue.string) ?? .null, patient.map(JSONValue.string) ?? .null,
                   .string(RecordPayloads.text(payload, "conditions") ?? ""), text("referred_on"), text("outcome"), text("outcome_on"),
                   text("withdrawn_on")]
                : nil
            return ReportRowChange(table: .referral, facility: facility, id: record.id, values: values)
        case .account, .facility, .abhaRequest, .review:
            return nil
        }
    }
}

extension JSONValue {
    /// The value as SQLite keeps it.
    var databaseValue: (any DatabaseValueConvertible)? {
        switch self {
        case .null: return nil
        case .bool(let flag): return flag
        case .integer(let number): return number
        case .number(let number): return number
        case .string(let text): return text
        case .array, .object: return serialized(pretty: false)
        }
    }
}

import ArogyaCore
import GRDB

extension AppDatabase {
    /// Applies a page of records pulled from the hub, and moves the cursor past it, in one transaction.
    ///
    /// A record with an edit here still waiting for upload is left as it is: the edit will reach the hub,
    /// which keeps both versions. A record whose patient or screening has not arrived yet is parked and
    /// applied when it does. A record that breaks the rules every record is judged by (`RecordRules`: a
    /// consent method that does not exist, a date that is not one, a name with an escape sequence in it) is
    /// parked with the rule's reason and never reaches the tables, so nothing pulled can make a search or a
    /// card fail. Nothing here is ever deleted by a pull.
    public func applyPulled(_ page: SyncWire.PullResponse, rules: RecordRules) throws(StoreError) -> Int {
        try write { db in
            var applied = 0
            for record in page.records {
                let waiting = try Bool.fetchOne(db.cachedStatement(sql: """
                    SELECT 1 FROM sync_outbox WHERE record_type = ? AND record_id = ? AND state IN \(OutboxState.waitingSQL)
                    """), arguments: [record.type, record.id]) ?? false
                if waiting { continue }
                if try applyOrPark(record, rules: rules, in: db) { applied += 1 }
            }
            applied += try applyParked(rules: rules, in: db)
            try db.setSetting(.syncCursor, to: String(page.next), at: now)
            return applied
        }
    }

    /// Applies one pulled record, or parks it: when what it points to has not arrived, or when this
    /// terminal cannot store it (a field its tables refuse, from another version of Arogya, say). One
    /// such record never stops the rest of the page, nor any later sync; it waits, listed as parked.
    private func applyOrPark(_ record: SyncWire.Record, rules: RecordRules, in db: Database) throws -> Bool {
        var record = record
        switch rules.check(record) {
        case .success(let payload):
            record.payload = payload
        case .failure(let problem):
            try park(record, reason: "refused here: " + problem.description, in: db)
            return false
        }
        var applied = false
        do {
            try db.inSavepoint {
                applied = try apply(record, in: db)
                return .commit
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT || error.resultCode == .SQLITE_MISMATCH {
            try park(record, reason: "not stored here: " + (error.message ?? error.description), in: db)
            return false
        }
        return applied
    }

    private func park(_ record: SyncWire.Record, reason: String, in db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO sync_parked (record_type, record_id, hub_version, payload, reason, parked_at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT DO UPDATE SET hub_version = excluded.hub_version, payload = excluded.payload, reason = excluded.reason
            """).execute(arguments: [record.type, record.id, record.version, record.payload.serialized(pretty: false), reason, now])
    }

    /// Applies one pulled record; false when it was parked to wait for what it points to.
    private func apply(_ record: SyncWire.Record, in db: Database) throws -> Bool {
        let payload = record.payload
        func text(_ key: String) -> String? { if case .string(let value)? = payload[key] { return value }; return nil }
        let missing: String?
        switch record.type {
        case .screening, .abhaRequest:
            missing = try exists(db, "patient", text("patient_id")) ? nil : "its patient has not arrived yet"
        case .referral, .review:
            missing = try exists(db, "screening", text("screening_id")) ? nil : "its screening has not arrived yet"
        case .patient, .account, .facility:
            missing = nil
        }
        if let missing {
            try park(record, reason: missing, in: db)
            return false
        }
        switch record.type {
        case .patient: try applyPatient(record, in: db)
        case .screening, .referral, .abhaRequest, .review: try upsert(table: record.type.rawValue, record: record, in: db)
        case .account:
            try db.cachedStatement(sql: """
                INSERT INTO remote_account (id, username, full_name, role, active) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET username = excluded.username, full_name = excluded.full_name, role = excluded.role, active = excluded.active
                """).execute(arguments: [record.id, text("username") ?? "", text("full_name") ?? "", text("role") ?? "worker",
                                 payload["active"] == .bool(false) ? 0 : 1])
        case .facility:
            // Another terminal's description of the facility: this terminal keeps its own.
            break
        }
        if [.screening, .referral, .review].contains(record.type), let patient = text("patient_id") {
            try db.markCareStale(patientId: patient)
        }
        try db.cachedStatement(sql: """
            INSERT INTO sync_record (record_type, record_id, hub_version) VALUES (?, ?, ?)
            ON CONFLICT DO UPDATE SET hub_version = excluded.hub_version
            """).execute(arguments: [record.type, record.id, record.version])
        try db.cachedStatement(sql: "DELETE FROM sync_parked WHERE record_type = ? AND record_id = ?").execute(arguments: [record.type, record.id])
        return true
    }

    private func exists(_ db: Database, _ table: String, _ id: String?) throws -> Bool {
        guard let id else { return false }
        return try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM \(table) WHERE id = ?"), arguments: [id]) ?? false
    }

    /// Parked records whose patient or screening is here now.
    private func applyParked(rules: RecordRules, in db: Database) throws -> Int {
        var applied = 0
        // Patients unpark screenings, which unpark referrals: two rounds are enough.
        for _ in 0..<2 {
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM sync_parked ORDER BY record_type DESC")
            for row in rows {
                guard let payload = try? JSONParser.parse(row["payload"] as String) else { continue }
                let record = SyncWire.Record(type: row["record_type"], id: row["record_id"], version: row["hub_version"], baseVersion: 0,
                                             updatedAt: now, payload: payload)
                if try applyOrPark(record, rules: rules, in: db) { applied += 1 }
            }
        }
        return applied
    }

    /// Writes the payload's columns that the table has, replacing the row with that id.
    private func upsert(table: String, record: SyncWire.Record, in db: Database) throws {
        let columns = try db.columns(in: table).map(\.name).filter { $0 != "pk" && $0 != "id" && $0 != "version" }
        let present = columns.filter { record.payload[$0] != nil }
        let values: [(any DatabaseValueConvertible)?] = [record.id] + present.map { SyncPayloads.column(record.payload[$0], column: $0) } + [record.version]
        let names = ["id"] + present + ["version"]
        try db.cachedStatement(sql: """
            INSERT INTO \(table) (\(names.joined(separator: ", "))) VALUES (\(databaseQuestionMarks(count: names.count)))
            ON CONFLICT (id) DO UPDATE SET \((present + ["version"]).map { "\($0) = excluded.\($0)" }.joined(separator: ", "))
            """).execute(arguments: StatementArguments(values))
    }

    /// A patient from another terminal: her village made known here, her search keys worked out anew.
    private func applyPatient(_ record: SyncWire.Record, in db: Database) throws {
        var payload = record.payload
        func text(_ key: String) -> String? { if case .string(let value)? = payload[key] { return value }; return nil }
        if case .object(var members) = payload {
            let villageID = try resolveVillage(db, named: text("village"), by: .system, at: now)
            members.removeAll { ["village_id", "search_terms", "mobile_reversed"].contains($0.key) }
            let terms = PatientSearchIndex.terms(name: text("name") ?? "", nameAlt: text("name_alt"))
            members += [("village_id", villageID.map(JSONValue.string) ?? .null), ("search_terms", .string(terms)),
                        ("mobile_reversed", text("mobile").map { .string(String($0.reversed())) } ?? .null)]
            payload = .object(members)
        }
        let old = try Row.fetchOne(db.cachedStatement(sql: "SELECT pk, search_terms FROM patient WHERE id = ?"), arguments: [record.id])
        if let old { try PatientSearchIndex.delete(db, rowid: old["pk"], terms: old["search_terms"]) }
        // A patient merged into one who has not arrived yet would break the link: keep the link's target for later.
        if let target = text("merged_into"), !(try exists(db, "patient", target)), case .object(var members) = payload {
            members.removeAll { $0.key == "merged_into" }
            payload = .object(members)
        }
        try upsert(table: "patient", record: SyncWire.Record(type: record.type, id: record.id, version: record.version,
                                                             baseVersion: 0, updatedAt: record.updatedAt, payload: payload), in: db)
        let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT pk, search_terms FROM patient WHERE id = ?"), arguments: [record.id])!
        try PatientSearchIndex.insert(db, rowid: row["pk"], terms: row["search_terms"])
        try db.markCareStale(patientPk: row["pk"])
    }
}

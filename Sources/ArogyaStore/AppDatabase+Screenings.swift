import ArogyaCore
import Foundation
import GRDB

/// A referral as saved, with its outcome when one is recorded.
public struct ReferralRecord: Hashable, Sendable, Identifiable {
    public let id: String
    public let screeningId: String
    public let patientId: String
    public let place: String
    public let urgent: Bool
    public let reasons: [String]
    public let topics: [String]
    public let referredOn: CivilDate
    public let outcome: ReferralOutcome?
    public let outcomeOn: CivilDate?
    public let outcomeNote: String?
    public let version: Int

    /// Still waiting for her to go.
    public var isOpen: Bool { outcome?.keepsReferralOpen ?? true }
}

/// What saving a screening produced.
public struct SavedScreening: Sendable {
    public let summary: ScreeningSummary
    public let decision: ScreeningDecision
    public let referrals: [ReferralRecord]
}

extension AppDatabase {
    /// Saves a screening in one transaction: the readings and findings, the protocol's decisions with their
    /// reasons (judged here, from the input, so the two can never disagree), one referral per place, an audit
    /// row for each, and outbox rows for upload. The patient's due dates are worked out again.
    public func recordScreening(_ visit: ScreeningVisit, reasonText: ScreeningReasonText,
                                by actor: AuditActor) throws(StoreError) -> SavedScreening {
        do { try ScreeningRules.check(visit) } catch { throw .refused(error) }
        let decision = ScreeningEngine(protocol: reasonText.rules).evaluate(visit.input, kind: visit.kind)
        return try write { db in
            guard let patient = try Row.fetchOne(db, sql: "SELECT pk, status FROM patient WHERE id = ?", arguments: [visit.patientId]) else {
                throw StoreError.refused(UserMessage(.errorUnknownPatient, ["id": visit.patientId]))
            }
            if (patient["status"] as String) == "merged" { throw StoreError.refused(UserMessage(.errorPatientMerged)) }
            let time = now
            let rows = ScreeningRows(visit: visit, decision: decision, reasonText: reasonText, id: UUIDv7.string(at: time),
                                     referralIds: { UUIDv7.string(at: time) }, recordedBy: actor, at: time)
            try rows.insert(db, by: actor, at: time)
            try db.execute(sql: "UPDATE patient SET last_seen_at = ? WHERE id = ?", arguments: [time, visit.patientId])
            try db.markCareStale(patientPk: patient["pk"])
            let summary = try Self.screeningSummaries(db, where: "s.id = ?", [rows.id]).first!
            return SavedScreening(summary: summary, decision: decision, referrals: rows.records())
        }
    }

    /// Records what became of a referral. "Not reached" keeps it open and due again; any other outcome
    /// closes it. A confirmed hypertension or diabetes referral makes the condition known.
    @discardableResult
    public func recordReferralOutcome(referralId: String, _ outcome: ReferralOutcome, on day: CivilDate, note: String?,
                                      by actor: AuditActor) throws(StoreError) -> ReferralRecord {
        try write { db in
            guard let before = try Self.referrals(db, where: "id = ?", [referralId]).first else {
                throw StoreError.refused(UserMessage(.errorUnknownReferral, ["id": referralId]))
            }
            let time = now
            try db.execute(sql: """
                UPDATE referral SET outcome = ?, outcome_on = ?, outcome_note = ?, updated_at = ?, version = version + 1
                WHERE id = ?
                """, arguments: [outcome.rawValue, day.iso8601, note, time, referralId])
            var detail = ["outcome": outcome.rawValue, "on": day.iso8601]
            detail["note"] = note
            try db.appendAudit(.referralOutcome, by: actor, at: time, subject: .referral,
                               recordId: referralId, detail: detail)
            try db.enqueueForSync(.referral, recordId: referralId, version: before.version + 1, at: time)
            try db.markCareStale(patientId: before.patientId)
            return try Self.referrals(db, where: "id = ?", [referralId]).first!
        }
    }

    /// A patient's screenings and follow-up visits, newest first.
    public func screenings(patientId: String, limit: Int = 50) throws(StoreError) -> [ScreeningSummary] {
        try read { db in
            try Self.screeningSummaries(db, where: "s.patient_id = ? ORDER BY s.screened_on DESC, s.pk DESC LIMIT ?", [patientId, limit])
        }
    }

    /// One screening or follow-up visit.
    public func screening(id: String) throws(StoreError) -> ScreeningSummary? {
        try read { db in try Self.screeningSummaries(db, where: "s.id = ?", [id]).first }
    }

    /// A patient's referrals, open ones first, then newest first.
    public func referrals(patientId: String) throws(StoreError) -> [ReferralRecord] {
        try read { db in
            // A referral withdrawn by a correction of its screening is history, not her care.
            try Self.referrals(db, where: "patient_id = ? AND withdrawn_on IS NULL", [patientId])
                .sorted { ($0.isOpen ? 0 : 1, $1.referredOn, $1.id) < ($1.isOpen ? 0 : 1, $0.referredOn, $0.id) }
        }
    }

    // MARK: Rows

    static func screeningSummaries(_ db: Database, where condition: String, _ arguments: [any DatabaseValueConvertible]) throws -> [ScreeningSummary] {
        // Read from the cursor's rows, whose columns are found by name in the statement's table of them;
        // a copied row (fetchAll) looks each name up by lowercasing every column's, which for 40 columns
        // cost more than the rest of a day's register.
        try Array(Row.fetchCursor(db, sql: "SELECT s.* FROM screening s WHERE " + condition, arguments: StatementArguments(arguments)).map { row in
            let systolic: Int? = row["bp_systolic"]
            let diastolic: Int? = row["bp_diastolic"]
            let glucoseType = (row["glucose_type"] as String?).flatMap(GlucoseTestType.init(rawValue:))
            var glucoseValue: GlucoseValue?
            if let number = row["glucose_mg_dl"] as Double? { glucoseValue = .milligramsPerDecilitre(number) }
            switch row["glucose_meter"] as String? {
            case "LO"?: glucoseValue = .meterLow
            case "HI"?: glucoseValue = .meterHigh
            default: break
            }
            let decision = (try? JSONParser.parse(row["decision"] as String)) ?? .null
            var reasons: [String] = []
            if case .array(let items)? = decision["reasons"] {
                reasons = items.compactMap { if case .string(let text) = $0 { return text } else { return nil } }
            }
            let kind = ScreeningVisit.Kind(rawValue: row["kind"]) ?? .screening
            var notScreened: [UnscreenedCondition] = []
            if case .array(let items)? = decision["not_screened"] {
                notScreened = items.compactMap { if case .string(let code) = $0 { return UnscreenedCondition(rawValue: code) } else { return nil } }
            } else if kind == .screening, decision["follow_up_days"] != nil, row["known"] as String == "" {
                // Saved before the decision named what was not screened: a screening without the reading.
                if systolic == nil { notScreened.append(.hypertension) }
                if glucoseType == nil { notScreened.append(.diabetes) }
            }
            return ScreeningSummary(
                id: row["id"], patientId: row["patient_id"],
                kind: kind,
                day: CivilDate(iso8601: row["screened_on"])!,
                protocolID: row["protocol_id"], protocolVersion: row["protocol_version"],
                bloodPressure: systolic.flatMap { s in diastolic.map { PressurePair(s, $0) } },
                bloodPressureCategory: (row["bp_category"] as String?).flatMap(BloodPressureCategory.init(rawValue:)),
                glucoseType: glucoseType, glucoseValue: glucoseValue,
                cbacScore: row["cbac_score"], refer: row["refer"], urgent: row["urgent"],
                followUpOn: (row["follow_up_on"] as String?).flatMap(CivilDate.init(iso8601:)),
                reasons: reasons, notScreened: notScreened, recordedBy: row["recorded_by"], medicines: row["medicines"],
                adherence: (row["adherence"] as String?).flatMap(Adherence.init(rawValue:)),
                savedAt: Timestamp(iso8601: row["created_at"] as String) ?? Timestamp(millisecondsSince1970: 0))
        })
    }

    static func referrals(_ db: Database, where condition: String, _ arguments: [any DatabaseValueConvertible]) throws -> [ReferralRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM referral WHERE " + condition, arguments: StatementArguments(arguments)).map { row in
            let reasonsJSON = (try? JSONParser.parse(row["reasons"] as String)) ?? .array([])
            var reasons: [String] = []
            if case .array(let items) = reasonsJSON {
                reasons = items.compactMap { if case .string(let text) = $0 { return text } else { return nil } }
            }
            let topics = (row["conditions"] as String).split(separator: ",").map(String.init)
            return ReferralRecord(
                id: row["id"], screeningId: row["screening_id"], patientId: row["patient_id"], place: row["place"],
                urgent: row["urgent"], reasons: reasons, topics: topics,
                referredOn: CivilDate(iso8601: row["referred_on"])!,
                outcome: (row["outcome"] as String?).flatMap(ReferralOutcome.init(rawValue:)),
                outcomeOn: (row["outcome_on"] as String?).flatMap(CivilDate.init(iso8601:)),
                outcomeNote: row["outcome_note"], version: row["version"])
        }
    }
}

extension Database {
    /// Marks a patient's due dates for working out again, in the transaction that changed her.
    func markCareStale(patientPk: Int64) throws {
        try cachedStatement(sql: "INSERT OR IGNORE INTO care_stale (patient_pk) VALUES (?)").execute(arguments: [patientPk])
    }

    func markCareStale(patientId: String) throws {
        try cachedStatement(sql: "INSERT OR IGNORE INTO care_stale (patient_pk) SELECT pk FROM patient WHERE id = ?").execute(arguments: [patientId])
    }

    /// On a merge, the other record's screenings and referrals move to the kept one: each is a new version
    /// of the record, queued for upload, with one audit row saying how many moved.
    func moveCareRecords(from otherId: String, to keepId: String, by actor: AuditActor, at time: Timestamp) throws {
        var moved = 0
        for (table, type) in [("screening", SyncRecordType.screening), ("referral", .referral), ("review", .review)] {
            let rows = try Row.fetchAll(self, sql: "SELECT id, version FROM \(table) WHERE patient_id = ?", arguments: [otherId])
            for row in rows {
                try enqueueForSync(type, recordId: row["id"], version: (row["version"] as Int) + 1, at: time)
            }
            try execute(sql: "UPDATE \(table) SET patient_id = ?, updated_at = ?, version = version + 1 WHERE patient_id = ?",
                        arguments: [keepId, time, otherId])
            moved += rows.count
        }
        if moved > 0 {
            try appendAudit(.screeningMoved, by: actor, at: time, subject: .patient, recordId: keepId,
                            detail: ["from": otherId, "records": String(moved)])
        }
    }
}

@testable import ArogyaStore
import ArogyaCore
import ArogyaTesting
import Foundation
import GRDB
import Testing

/// The terminal's side of sync in the store: what a batch holds, what the hub's answers do to the
/// queue, and how pulled records are applied. The hub itself is tested in ArogyaHubTests.
@Suite("Sync queue and pulled records in the store")
struct SyncStoreTests {
    let today = CivilDate(year: 2026, month: 11, day: 22)!

    func register(_ store: AppDatabase, _ name: String) throws -> Patient {
        guard case .registered(let patient) = try store.registerPatient(
            PatientDetails(name: name, sex: .female, birthDate: CivilDate(year: 1976, month: 3, day: 10)!, birthDateEstimated: false,
                           village: "Rampur", consent: Consent(given: true, method: .verbal, date: today)),
            confirmedNew: true, today: today, by: .account("asha")) else {
            throw StoreError.refused(UserMessage(.errorUnknownPatient, ["id": name]))
        }
        return patient
    }

    func answer(_ batch: [SyncWire.Record], _ status: (SyncWire.Record) -> SyncWire.Status) -> SyncWire.PushResponse {
        SyncWire.PushResponse(serverTime: Fixtures.now, results: batch.map { record in
            let verdict = status(record)
            return SyncWire.Result(type: record.type.rawValue, id: record.id, status: verdict,
                                   hubVersion: verdict == .rejected ? nil : record.baseVersion + 1,
                                   reason: verdict == .rejected ? "payload.name: missing" : nil)
        })
    }

    @Test("Given a patient edited while her upload is on its way, when the hub answers, then the new change waits once and every count agrees")
    func editDuringUpload() throws {
        let store = try Fixtures.setUpStore()
        let sita = try register(store, "Sita Devi")
        var details = PatientDetails(patient: sita)
        details.mobile = "9876543210"
        _ = try store.updatePatient(id: sita.id, details, by: .account("asha"))
        #expect(try store.waitingVersions("patient") == [sita.id: [2]])
        let batch = try store.nextUploadBatch()
        details.household = "HH-7"
        _ = try store.updatePatient(id: sita.id, details, by: .account("asha"))
        // Version 2 is on its way; version 3 waits beside it until the answer.
        #expect(try store.waitingVersions("patient") == [sita.id: [2, 3]])
        _ = try store.recordPushResults(answer(batch.records) { _ in .accepted }, for: batch.records)
        #expect(try store.waitingVersions("patient") == [sita.id: [3]])
        // The status line, the Upload screen and `sync status` read one count.
        let status = try store.syncStatus()
        #expect(status.pending == 1 && status.pendingByType == ["patient": 1])
        #expect(try store.pendingUploadCount() == status.pending)
    }

    @Test("Given a patient edited twice since the last sync, when a batch is taken, then she goes once at her newest version, without the terminal's private columns")
    func batchHoldsNewestVersionOnce() throws {
        let store = try Fixtures.setUpStore()
        let sita = try register(store, "Sita Devi")
        var details = PatientDetails(patient: sita)
        details.mobile = "9876543210"
        _ = try store.updatePatient(id: sita.id, details, by: .account("asha"))
        details.household = "HH-7"
        _ = try store.updatePatient(id: sita.id, details, by: .account("asha"))

        let batch = try store.nextUploadBatch()
        let sent = batch.records.filter { $0.type == .patient }
        #expect(sent.count == 1)
        #expect(sent.first?.version == 3)
        #expect(sent.first?.baseVersion == 0)
        #expect(sent.first?.payload["household"] == .string("HH-7"))
        #expect(sent.first?.payload["village"] == .string("Rampur"))
        for hidden in ["pk", "search_terms", "mobile_reversed"] { #expect(sent.first?.payload[hidden] == nil) }
        let accounts = batch.records.filter { $0.type == .account }
        #expect(!accounts.isEmpty)
        #expect(accounts.allSatisfy { $0.payload["pin_hash"] == nil })

        // Taken again before an answer (a sync killed mid-way): the same records go again.
        #expect(try store.nextUploadBatch().records.map(\.id) == batch.records.map(\.id))
        _ = try store.recordPushResults(answer(batch.records) { _ in .accepted }, for: batch.records)
        #expect(try store.nextUploadBatch().records.isEmpty)
        #expect(try store.syncStatus().pending == 0)
    }

    @Test("Given an outbox row of a record type this version does not know and one of a record that is gone, when a batch is taken, then both are set aside with why and the known record goes up")
    func unknownAndMissingRowsAreSetAside() throws {
        let store = try Fixtures.setUpStore()
        let sita = try register(store, "Sita Devi")
        try store.writer.write { db in
            try db.execute(sql: """
                INSERT INTO sync_outbox (record_type, record_id, version, queued_at) VALUES
                    ('vaccination', 'v-1', 1, '2026-11-22T10:00:00.000Z'),
                    ('patient', 'gone-1', 1, '2026-11-22T10:00:00.000Z')
                """)
        }
        let batch = try store.nextUploadBatch()
        #expect(batch.records.map(\.id).contains(sita.id))
        #expect(!batch.records.map(\.id).contains("v-1") && !batch.records.map(\.id).contains("gone-1"))
        let refused = try store.syncStatus().rejected
        #expect(refused.first { $0.id == "v-1" }?.message == "the record type is not known to this version")
        #expect(refused.first { $0.id == "gone-1" }?.message == "the record is no longer on this terminal")
        // Set aside, they are not taken again.
        _ = try store.recordPushResults(answer(batch.records) { _ in .accepted }, for: batch.records)
        #expect(try store.nextUploadBatch().records.isEmpty)
    }

    @Test("Given a record the hub refused, when it is fixed and accepted, then the refusal is settled; resending one record leaves the others refused")
    func refusalsSettle() throws {
        let store = try Fixtures.setUpStore()
        let sita = try register(store, "Sita Devi")
        let gita = try register(store, "Gita Devi")
        let batch = try store.nextUploadBatch()
        let refused: Set<String> = [sita.id, gita.id]
        _ = try store.recordPushResults(answer(batch.records) { refused.contains($0.id) ? .rejected : .accepted }, for: batch.records)
        var status = try store.syncStatus()
        #expect(status.pending == 0)
        #expect(Set(status.rejected.map(\.id)) == refused)
        #expect(status.rejected.first { $0.id == sita.id }?.subject == "Sita Devi")
        #expect(status.rejected.first { $0.id == sita.id }?.message == "payload.name: missing")

        // Sita's record is fixed (a new version) and accepted: her refusal goes; Gita's stays.
        var details = PatientDetails(patient: sita)
        details.household = "HH-9"
        _ = try store.updatePatient(id: sita.id, details, by: .account("asha"))
        let fixed = try store.nextUploadBatch()
        #expect(fixed.records.map(\.id) == [sita.id])
        _ = try store.recordPushResults(answer(fixed.records) { _ in .accepted }, for: fixed.records)
        status = try store.syncStatus()
        #expect(status.rejected.map(\.id) == [gita.id])

        // Gita's is sent again as it is, alone.
        #expect(try store.resendRejected(type: "patient", id: gita.id) == 1)
        #expect(try store.nextUploadBatch().records.map(\.id) == [gita.id])
    }

    @Test("Given records pulled before what they point to, when their patient arrives, then they are applied; one that cannot be stored is parked without stopping the page; a local edit waiting is never overwritten")
    func pulledRecordsParkAndWait() throws {
        let store = try Fixtures.setUpStore()
        let local = try register(store, "Sita Devi")
        let patientID = UUIDv7.string(at: Fixtures.now)
        let screeningID = UUIDv7.string(at: Fixtures.now.adding(seconds: 1))
        let screening = SyncWire.Record(type: .screening, id: screeningID, version: 1, baseVersion: 0, updatedAt: Fixtures.now, payload: .object([
            ("id", .string(screeningID)), ("patient_id", .string(patientID)), ("screened_on", .string("2026-11-20")), ("kind", .string("screening")),
            ("recorded_by", .string("meena")), ("created_at", .string(Fixtures.now.iso8601)), ("updated_at", .string(Fixtures.now.iso8601)),
            ("input", .object([])), ("decision", .object([])), ("protocol_id", .string("national")), ("protocol_version", .string("1")),
            ("refer", .bool(false)), ("urgent", .bool(false)),
        ]), device: "other", sequence: 1)
        var page = SyncWire.PullResponse(serverTime: Fixtures.now, records: [screening], next: 1, more: false)
        #expect(try store.applyPulled(page, rules: Self.rules) == 0)
        #expect(try store.syncStatus().parked == 1)
        #expect(try store.syncCursor() == 1)

        let patient = SyncWire.Record(type: .patient, id: patientID, version: 1, baseVersion: 0, updatedAt: Fixtures.now, payload: .object([
            ("id", .string(patientID)), ("name", .string("Meera Devi")), ("sex", .string("female")), ("birth_date", .string("1980-05-05")),
            ("village", .string("Khajuri")), ("consent_given", .bool(true)), ("consent_method", .string("verbal")),
            ("consent_date", .string("2026-11-20")), ("created_at", .string(Fixtures.now.iso8601)), ("updated_at", .string(Fixtures.now.iso8601)),
        ]), device: "other", sequence: 2)
        // Another terminal's older version of our own patient, whose edit here has not gone up yet.
        let stale = SyncWire.Record(type: .patient, id: local.id, version: 1, baseVersion: 0, updatedAt: Fixtures.now, payload: .object([
            ("id", .string(local.id)), ("name", .string("Someone Else")), ("sex", .string("female")), ("birth_date", .string("1980-05-05")),
        ]), device: "other", sequence: 3)
        // One this terminal cannot store (no consent fields, as from another version): parked, the rest goes on.
        let brokenID = UUIDv7.string(at: Fixtures.now.adding(seconds: 2))
        let broken = SyncWire.Record(type: .patient, id: brokenID, version: 1, baseVersion: 0, updatedAt: Fixtures.now, payload: .object([
            ("id", .string(brokenID)), ("name", .string("Rani Devi")), ("sex", .string("female")), ("birth_date", .string("1980-05-05")),
        ]), device: "other", sequence: 4)
        page = SyncWire.PullResponse(serverTime: Fixtures.now, records: [broken, patient, stale], next: 4, more: false)
        #expect(try store.applyPulled(page, rules: Self.rules) == 2)
        #expect(try store.syncStatus().parked == 1)
        #expect(try store.patient(id: brokenID) == nil)
        #expect(try store.patient(id: patientID)?.village?.name == "Khajuri")
        #expect(try store.patient(id: local.id)?.name == "Sita Devi")
        #expect(try store.searchPatients(.parse("meera"), limit: 5).first?.patient.id == patientID)
        #expect(try store.syncCursor() == 4)
    }

    static let rules = Fixtures.vocabulary.rules(today: CivilDate(year: 2026, month: 11, day: 22)!)

    @Test("Given every kind of record a terminal makes (facility, accounts, a patient with every identifier, a screening, referrals with an outcome, a merge, an ABHA request, a review, a corrected screening), when queued, then the rules every record is judged by accept each as it is")
    func ownRecordsPassTheRules() throws {
        let store = try Fixtures.setUpStore()
        guard case .registered(let sita) = try store.registerPatient(
            PatientDetails(name: "सीता देवी", nameAlt: "Sita Devi", sex: .female, birthDate: CivilDate(year: 1976, month: 3, day: 10)!,
                           birthDateEstimated: true, mobile: "9876543210", village: "Rampur", household: "H-12", abhaNumber: "91628545755116",
                           abhaAddress: "sita.devi@abdm", mrn: "AAM/7", consent: Consent(given: true, method: .thumbprint, date: today)),
            confirmedNew: true, today: today, by: .account("asha")) else { Issue.record("not registered"); return }
        let other = try register(store, "Sita Kumari")
        _ = try store.mergePatients(keep: sita.id, other: other.id, reason: "twice", by: .account("priya"))
        let rules = Fixtures.nationalProtocol
        let input = try ScreeningInput.read(JSONField(try JSONParser.parse(#"{"sex": "female", "age": 50, "bp": [[182, 112]], "glucose": {"type": "fasting", "mg_dl": "HI"}, "symptoms": ["breast_lump"], "cbac": {"tobacco": "daily", "waist_cm": 95}}"#)), protocol: rules)
        let saved = try store.recordScreening(ScreeningVisit(patientId: sita.id, kind: .screening, day: today, input: input),
                                              reasonText: ScreeningReasonText(strings: Fixtures.strings, protocol: rules), by: .account("asha"))
        if let referral = saved.referrals.first {
            try store.recordReferralOutcome(referralId: referral.id, .notReached, on: today, note: "Went to her mother's village", by: .account("asha"))
        }
        try store.saveAbhaRequest(AppDatabase.NewAbhaRequest(patientId: sita.id, flow: .enrol, mobile: "9876543210", abhaAddress: "sita.rampur@sbx",
                                                             abhaNumber: nil, consent: "abha-enrollment 1.4", reason: "the hub could not be reached"),
                                  by: .account("asha"))
        // Sent back and corrected: a review, the screening's second version and a referral withdrawn.
        try store.reviewScreening(saved.summary.id, action: .sentBack, reason: "HI fasting: check the meter", comment: "call me", by: .account("priya"))
        let calmer = try ScreeningInput.read(JSONField(try JSONParser.parse(#"{"sex": "female", "age": 50, "bp": [[182, 112]], "glucose": {"type": "fasting", "mg_dl": 96}}"#)), protocol: rules)
        _ = try store.correctScreening(saved.summary.id, with: ScreeningVisit(patientId: sita.id, kind: .screening, day: today, input: calmer),
                                       reasonText: ScreeningReasonText(strings: Fixtures.strings, protocol: rules), by: .account("asha"))
        let batch = try store.nextUploadBatch()
        #expect(Set(batch.records.map(\.type)) == Set(RecordType.allCases))
        #expect(batch.records.contains { $0.type == .screening && $0.payload["answers_review"] != nil && $0.payload["answers_review"] != .null })
        #expect(batch.records.contains { $0.type == .referral && $0.payload["withdrawn_on"] == .string(today.iso8601) })
        for record in batch.records {
            if case .failure(let problem) = Self.rules.check(record) { Issue.record("\(record.type) \(record.id): \(problem)") }
        }
    }

    @Test("Given records from the hub that break the rules a terminal keeps (a consent method that does not exist, a date that is not one, escape sequences in a name), when pulled, then none reaches the tables, each is parked naming its field, and search and the card go on working")
    func pulledRecordsAreJudged() throws {
        let store = try Fixtures.setUpStore()
        func patient(_ id: String, _ changes: [(String, JSONValue)]) -> SyncWire.Record {
            var members: [(key: String, value: JSONValue)] = [
                ("id", .string(id)), ("name", .string("Meera Devi")), ("sex", .string("female")), ("birth_date", .string("1980-05-05")),
                ("consent_given", .bool(true)), ("consent_method", .string("verbal")), ("consent_date", .string("2026-11-20")),
                ("created_at", .string(Fixtures.now.iso8601)), ("updated_at", .string(Fixtures.now.iso8601)),
            ]
            for (key, value) in changes {
                if let index = members.firstIndex(where: { $0.key == key }) { members[index].value = value } else { members.append((key, value)) }
            }
            return SyncWire.Record(type: .patient, id: id, version: 1, baseVersion: 0, updatedAt: Fixtures.now, payload: .object(members),
                                   device: "other", sequence: 1)
        }
        let ids = (0..<5).map { UUIDv7.string(at: Fixtures.now.adding(seconds: Int64($0))) }
        let records = [
            patient(ids[0], [("consent_method", .string("telepathy"))]),
            patient(ids[1], [("consent_date", .string("banana"))]),
            patient(ids[2], [("name", .string("Meera\u{1B}[2J\u{7}\nDevi"))]),
            patient(ids[3], [("mobile", .string("12345"))]),
            patient(ids[4], [("sex", .string("f"))]),
        ]
        let applied = try store.applyPulled(SyncWire.PullResponse(serverTime: Fixtures.now, records: records, next: 5, more: false), rules: Self.rules)
        // The name is cleaned, not refused: it is a real name with rubbish pasted into it.
        let parkedFirst = try store.writer.read { db in try String.fetchAll(db, sql: "SELECT reason FROM sync_parked") }
        #expect(applied == 1, "\(parkedFirst)")
        let cleaned = try #require(try store.patient(id: ids[2]))
        #expect(cleaned.name == "Meera[2J Devi" || cleaned.name == "Meera Devi", "\(cleaned.name)")
        #expect(!cleaned.name.unicodeScalars.contains { $0.value < 0x20 })
        for id in [ids[0], ids[1], ids[3], ids[4]] { #expect(try store.patient(id: id) == nil) }
        let parked = try store.writer.read { db in try Row.fetchAll(db, sql: "SELECT record_id, reason FROM sync_parked ORDER BY record_id") }
        #expect(parked.count == 4)
        let reasons = parked.map { $0["reason"] as String }.joined(separator: "\n")
        for field in ["payload.consent_method", "payload.consent_date", "payload.mobile", "payload.sex"] {
            #expect(reasons.contains(field), "\(reasons)")
        }
        #expect(try store.searchPatients(.parse("meera"), limit: 5).count == 1)
    }

    @Test("Given no setting, when the background sync interval is read, then it is 5 minutes; 0 turns it off and a day is the most")
    func syncInterval() throws {
        let store = try Fixtures.setUpStore()
        #expect(try store.syncIntervalMinutes() == 5)
        try store.setSyncIntervalMinutes(0, by: .account("priya"))
        #expect(try store.syncIntervalMinutes() == 0)
        #expect(throws: StoreError.self) { try store.setSyncIntervalMinutes(1441, by: .account("priya")) }
        #expect(try store.syncIntervalMinutes() == 0)
    }
}

@Suite("ABHA requests saved offline")
struct AbhaRequestStoreTests {
    @Test("Given a patient, when an ABHA request is saved twice offline and then her ABHA is linked, then one request waited, each change was audited and queued, and none waits after")
    func oneRequestPerFlow() throws {
        let store = try Fixtures.setUpStore()
        let today = CivilDate(year: 2026, month: 11, day: 22)!
        guard case .registered(let sita) = try store.registerPatient(
            PatientDetails(name: "Sita Devi", sex: .female, birthDate: CivilDate(year: 1976, month: 3, day: 10)!, birthDateEstimated: false,
                           village: "Rampur", consent: Consent(given: true, method: .verbal, date: today)),
            confirmedNew: true, today: today, by: .account("asha")) else { Issue.record("not registered"); return }
        let request = AppDatabase.NewAbhaRequest(patientId: sita.id, flow: .enrol, mobile: "9876543210", abhaAddress: nil, abhaNumber: nil,
                                                 consent: "abha-enrollment 1.4", reason: "the hub could not be reached")
        let first = try store.saveAbhaRequest(request, by: .account("asha"))
        let second = try store.saveAbhaRequest(request, by: .account("asha"))
        #expect(first.id == second.id && second.version == 2)
        #expect(try store.pendingAbhaRequests().map(\.request.id) == [first.id])
        #expect(try store.pendingAbhaRequests().first?.patientName == "Sita Devi")
        try store.closeAbhaRequests(patientId: sita.id, by: .account("asha"))
        #expect(try store.pendingAbhaRequests().isEmpty)
        let (audited, queued) = try store.writer.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_log WHERE record_type = 'abha_request'") ?? 0,
             try Int.fetchOne(db, sql: "SELECT version FROM sync_outbox WHERE record_type = 'abha_request' AND state = 'pending'") ?? 0)
        }
        #expect(audited == 3 && queued == 3)
        #expect(throws: StoreError.self) {
            try store.saveAbhaRequest(AppDatabase.NewAbhaRequest(patientId: "no-such-patient", flow: .enrol, mobile: nil, abhaAddress: nil,
                                                                 abhaNumber: nil, consent: nil, reason: "offline"), by: .account("asha"))
        }
    }
}

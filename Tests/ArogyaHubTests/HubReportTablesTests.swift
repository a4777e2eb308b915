@testable import ArogyaHub
import ArogyaCore
import Foundation
import GRDB
import Testing

/// The report tables the block reports count from: written with each version that becomes current, and
/// filled from the stored versions when a hub made before them is opened.
@Suite("The hub's report tables")
struct HubReportTablesTests {
    let patientID = "01a20606-aacb-789c-b598-fe76d4550001"
    let screeningID = "01a20606-aacb-789c-b598-fe76d4550002"
    let followUpID = "01a20606-aacb-789c-b598-fe76d4550004"
    let referralID = "01a20606-aacb-789c-b598-fe76d4550003"

    func record(_ type: RecordType, _ id: String, _ payload: JSONValue, version: Int64 = 1) -> (raw: JSONValue, record: Result<SyncWire.Record, JSONInputError>) {
        let record = SyncWire.Record(type: type, id: id, version: version, baseVersion: version - 1,
                                     updatedAt: Timestamp(iso8601: "2026-11-23T08:00:00.000Z")!, payload: payload)
        return (record.json, .success(record))
    }

    func patient(status: String?) -> JSONValue {
        var fields: [(key: String, value: JSONValue)] = [
            ("name", .string("सुनीता देवी")), ("sex", .string("female")), ("birth_date", .string("1976-05-01")), ("mobile", .string("9876543210")),
            ("consent_given", .bool(true)), ("consent_method", .string("verbal")), ("consent_date", .string("2026-11-20"))] + HubAPITests.stamps
        if let status { fields += [("status", .string(status)), ("status_date", .string("2026-11-23"))] }
        return .object(fields)
    }

    func visit(kind: String, day: String, known: JSONValue, systolic: Double?) -> JSONValue {
        var fields: [(key: String, value: JSONValue)] = [
            ("patient_id", .string(patientID)), ("kind", .string(kind)), ("screened_on", .string(day)), ("known", known),
            ("input", .object([("sex", .string("female")), ("age", .number(50)), ("bp", .array([.array([.number(152), .number(96)])]))])), ("decision", .object([])),
            ("glucose_type", .string("random")), ("glucose_meter", .string("HI")), ("cbac_score", .number(6)), ("oral_done", .bool(true)),
            ("recorded_by", .string("asha")), ("protocol_id", .string("national")), ("protocol_version", .string("2023.1")),
            ("refer", .bool(true)), ("urgent", .bool(false))] + HubAPITests.stamps
        if let systolic { fields += [("bp_systolic", .number(systolic)), ("bp_diastolic", .number(96))] }
        return .object(fields)
    }

    func tables(_ storage: HubDatabase) throws -> [[String]] {
        try storage.writer.read { db in
            try ["report_patient", "report_visit", "report_referral"].flatMap { table in
                try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY id").map { row in
                    [table] + row.columnNames.map { "\($0)=\(row[$0].map { "\($0)" } ?? "NULL")" }
                }
            }
        }
    }

    @Test("Given a patient edited after upload, a screening, a follow-up of a known hypertensive and a referral, when pushed, then the report tables hold their current columns, and filling them again from the stored versions gives the same rows")
    func writtenAndBackfilled() async throws {
        let storage = try HubDatabase(path: ":memory:", clock: HubAPITests.clock)
        try await storage.addFacility(id: "IN0001", name: "AAM Rampur")
        let token = try await storage.addDevice(facility: "IN0001", label: nil).token
        let device = try #require(try await storage.device(forToken: token))
        let referral = JSONValue.object([("patient_id", .string(patientID)), ("screening_id", .string(screeningID)), ("place", .string("mo_phc")),
                                         ("urgent", .bool(false)), ("reasons", .array([.string("Mean BP 152/96 ≥ 140/90")])), ("referred_on", .string("2026-11-23")), ("conditions", .string("hypertension")),
                                         ("outcome", .string("confirmed")), ("outcome_on", .string("2026-11-25"))] + HubAPITests.stamps)
        let answer = try await storage.push([record(.patient, patientID, patient(status: nil)),
                                       record(.screening, screeningID, visit(kind: "screening", day: "2026-11-23", known: .string(""), systolic: 152)),
                                       record(.screening, followUpID, visit(kind: "follow_up", day: "2026-11-24", known: .string("hypertension"), systolic: nil)),
                                       record(.referral, referralID, referral),
                                       record(.patient, patientID, patient(status: "deceased"), version: 2)], from: device)
        #expect(answer.results.allSatisfy { $0.status == .accepted }, "\(answer.results.map { "\($0.status) \($0.reason ?? "")" })")

        let written = try tables(storage)
        #expect(written.count == 4)
        let patientRow = try #require(written.first { $0[0] == "report_patient" })
        #expect(patientRow.contains("status=deceased") && patientRow.contains("name=सुनीता देवी") && patientRow.contains("mobile=9876543210"))
        let followUp = try #require(written.first { $0[0] == "report_visit" && $0.contains("id=\(followUpID)") })
        #expect(followUp.contains("known=hypertension") && followUp.contains("bp_systolic=NULL") && followUp.contains("glucose_meter=HI"))
        let screening = try #require(written.first { $0[0] == "report_visit" && $0.contains("id=\(screeningID)") })
        #expect(screening.contains("bp_systolic=152") && screening.contains("oral_done=1") && screening.contains("breast_done=0"))
        let referralRow = try #require(written.first { $0[0] == "report_referral" })
        #expect(referralRow.contains("screening_id=\(screeningID)") && referralRow.contains("outcome=confirmed"))

        try await storage.writer.write { db in
            try db.execute(sql: "DELETE FROM report_patient; DELETE FROM report_visit; DELETE FROM report_referral")
            try HubReportTables.backfill(db)
        }
        #expect(try tables(storage) == written)
    }

    @Test("Given the same records pushed to a SQLite hub and a PostgreSQL hub, when the report tables are read, then both hold the same rows",
          .enabled(if: HubStoreKind.tested.contains(.postgres)))
    func sameRowsOnBothStores() async throws {
        var rows: [[String]] = []
        for kind in HubStoreKind.allCases {
            rows.append(try await withHubStore(kind) { storage in
                try await storage.addFacility(id: "IN0001", name: "AAM Rampur")
                let device = try #require(try await storage.device(forToken: try await storage.addDevice(facility: "IN0001", label: nil).token))
                let referral = JSONValue.object([("patient_id", .string(patientID)), ("screening_id", .string(screeningID)), ("place", .string("mo_phc")),
                                                 ("urgent", .bool(false)), ("reasons", .array([.string("Mean BP 152/96 ≥ 140/90")])),
                                                 ("referred_on", .string("2026-11-23")), ("conditions", .string("hypertension"))] + HubAPITests.stamps)
                let answer = try await storage.push([record(.patient, patientID, patient(status: nil)),
                                                     record(.screening, screeningID, visit(kind: "screening", day: "2026-11-23", known: .string(""), systolic: 152)),
                                                     record(.screening, followUpID, visit(kind: "follow_up", day: "2026-11-24", known: .string("hypertension"), systolic: nil)),
                                                     record(.referral, referralID, referral),
                                                     record(.screening, followUpID, visit(kind: "follow_up", day: "2026-11-22", known: .string("hypertension"), systolic: 148), version: 2),
                                                     record(.patient, patientID, patient(status: "deceased"), version: 2)], from: device)
                #expect(answer.results.allSatisfy { $0.status == .accepted }, "\(answer.results.map { $0.reason ?? "" })")
                return try await HubReportRows.of(storage)
            })
        }
        #expect(rows[0].count == 4)
        #expect(rows[0] == rows[1])
    }
}

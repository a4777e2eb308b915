import ArogyaCore
@testable import ArogyaHub
import ArogyaTesting
import Foundation
import GRDB
import PostgresNIO
import Synchronization
import Testing

/// `arogya-hub copy --from-sqlite`: a PHC's SQLite hub moved into PostgreSQL, cut short and resumed.
@Suite("Copying a SQLite hub into PostgreSQL", .enabled(if: HubStoreKind.tested.contains(.postgres)))
struct HubCopyTests {
    let tables = HubReportTablesTests()

    /// A PHC hub with two terminals: patients, a conflict, two registrations with one ABHA number, a
    /// screening and a referral (report rows), and a supervisor's device.
    func filledHub(_ folder: TemporaryFolder) async throws -> (HubDatabase, tokens: [String]) {
        let hub = try HubDatabase(path: folder.file("phc.sqlite"), clock: HubAPITests.clock)
        try await hub.addFacility(id: "IN0001", name: "AAM Rampur")
        let tokenA = try await hub.addDevice(facility: "IN0001", label: "A").token
        let tokenB = try await hub.addDevice(facility: "IN0001", label: "B").token
        let tokenS = try await hub.addDevice(facilities: ["IN0001"], role: .supervisor, label: "MO").token
        let a = try #require(try await hub.device(forToken: tokenA))
        let b = try #require(try await hub.device(forToken: tokenB))
        let ids = HubStorageTests.ids("a", 23)
        _ = try await hub.push(ids.map(HubStorageTests.item), from: a)
        _ = try await hub.push([(HubAPITests.patient(ids[0], version: 2, base: 1, name: "Lakshmi Devi A"), ids[0])].map(Self.item), from: a)
        let conflict = try await hub.push([(HubAPITests.patient(ids[0], version: 2, base: 1, name: "Laxmi Devi B"), ids[0])].map(Self.item), from: b)
        #expect(conflict.results.map(\.status) == [.conflict])
        let abha = HubStorageTests.ids("b", 2)
        _ = try await hub.push([(HubAPITests.patient(abha[0], abha: "91123456789012"), abha[0])].map(Self.item), from: a)
        _ = try await hub.push([(HubAPITests.patient(abha[1], name: "Laxmi", abha: "91123456789012"), abha[1])].map(Self.item), from: b)
        let referral = JSONValue.object([("patient_id", .string(tables.patientID)), ("screening_id", .string(tables.screeningID)),
                                         ("place", .string("mo_phc")), ("urgent", .bool(false)), ("reasons", .array([.string("Mean BP 152/96 ≥ 140/90")])),
                                         ("referred_on", .string("2026-11-23")), ("conditions", .string("hypertension"))] + HubAPITests.stamps)
        let reported = try await hub.push([tables.record(.patient, tables.patientID, tables.patient(status: nil)),
                                           tables.record(.screening, tables.screeningID, tables.visit(kind: "screening", day: "2026-11-23",
                                                                                                     known: .string(""), systolic: 152)),
                                           tables.record(.referral, tables.referralID, referral)], from: a)
        #expect(reported.results.allSatisfy { $0.status == .accepted }, "\(reported.results.map { $0.reason ?? "" })")
        // What the hub keeps as ABDM's HIP: a linked visit, the patient's link token, a consent and a transfer under it.
        let now = HubAPITests.clock.now()
        try await hub.addCareContexts([CareContext(facility: "IN0001", recordID: tables.screeningID, patientID: tables.patientID,
                                                   abhaAddress: "lakshmi.devi@sbx", abhaNumber: nil, display: "NCD screening 23-11-2026, AAM Rampur",
                                                   visitDay: "2026-11-23", nextAttemptAt: now)], through: 0)
        try await hub.markLinked(facility: "IN0001", recordIDs: [tables.screeningID], at: now)
        try await hub.saveLinkToken(facility: "IN0001", abhaAddress: "lakshmi.devi@sbx", token: "a-link-token", expiresAt: now.adding(seconds: 86_400))
        try await hub.saveConsent(ConsentArtefact(consentID: "consent-1", facility: "IN0001", status: .granted, patientAddress: "lakshmi.devi@sbx",
                                                  careContexts: [.init(patientReference: tables.patientID, careContextReference: tables.screeningID)],
                                                  hiTypes: ["WellnessRecord"], from: now.adding(seconds: -86_400), to: now,
                                                  dataEraseAt: now.adding(seconds: 86_400), hiuID: "hiu"), at: now)
        #expect(try await hub.startTransfer(DataTransfer(transactionID: "transfer-1", consentID: "consent-1", facility: "IN0001", status: .started,
                                                         delivered: 0, errored: 0, requestedAt: now)))
        return (hub, [tokenA, tokenB, tokenS])
    }

    static func item(_ pair: (JSONValue, String)) -> (raw: JSONValue, record: Result<SyncWire.Record, JSONInputError>) {
        (pair.0, Result { () throws(JSONInputError) in try SyncWire.Record(reading: JSONField(pair.0)) })
    }

    struct CutShort: Error {}

    @Test("Given a PHC's SQLite hub, when it is copied into PostgreSQL in small chunks, cut short after two and run again, then it resumes, every count matches, the tokens work, and pulls, conflicts, duplicates and report rows are the same")
    func copyResumesAndMatches() async throws {
        let folder = try TemporaryFolder()
        let (sqlite, tokens) = try await filledHub(folder)
        try await withHubStore(.postgres) { storage in
            let postgres = try #require(storage as? PostgresHubStore)
            let copy = HubCopy(source: sqlite, sourcePath: folder.file("phc.sqlite"), target: postgres, chunk: 4)
            let chunks = Counter()
            await #expect(throws: CutShort.self) {
                _ = try await copy.run { _, _ in if chunks.next() == 3 { throw CutShort() } }
            }
            let partial = try await postgres.stats().counts.reduce(0) { $0 + $1.records }
            #expect(partial > 0 && partial < 28, "part of the records are in: \(partial)")

            let report = try await copy.run()
            #expect(report.resumed)
            #expect(report.matches, "\(report.counts.filter { !$0.matches })")
            #expect(report.copiedVersions == 30 - 8, "the first run's two chunks are not copied again")
            let again = try await copy.run()
            #expect(again.resumed && again.copiedVersions == 0 && again.matches)

            for token in tokens {
                #expect(try await postgres.device(forToken: token) == (try await sqlite.device(forToken: token)))
            }
            let b = try #require(try await sqlite.device(forToken: tokens[1]))
            let fromSQLite = try await sqlite.pull(for: b, after: 0, limit: 1000)
            let fromPostgres = try await postgres.pull(for: b, after: 0, limit: 1000)
            #expect(fromPostgres.records.map(\.id) == fromSQLite.records.map(\.id))
            #expect(fromPostgres.records.map(\.version) == fromSQLite.records.map(\.version))
            #expect(fromPostgres.records.map(\.payload) == fromSQLite.records.map(\.payload))
            #expect(zip(fromPostgres.records, fromSQLite.records).allSatisfy { ($0.sequence ?? 0) >= ($1.sequence ?? 0) },
                    "never numbered below the source: a kept cursor is sent again what it had, never short")
            let conflicts = { (list: [HubConflict]) in list.map { "\($0.recordID) \($0.kept.hubVersion) \($0.kept.device) \($0.current.hubVersion) \($0.current.device)" } }
            #expect(conflicts(try await postgres.conflicts()) == conflicts(try await sqlite.conflicts()))
            let pairs = { (list: [HubDuplicate]) in list.map { "\($0.patientA) \($0.patientB) \($0.reason)" } }
            #expect(pairs(try await postgres.duplicates()) == pairs(try await sqlite.duplicates()))
            let reportRows = try await HubReportRows.of(sqlite)
            #expect(reportRows.count == 28, "26 patients, a visit and a referral")
            #expect(try await HubReportRows.of(postgres) == reportRows)

            // The HIP's state came too: the link stands, and the HIU may still ask under the consent.
            #expect(try await postgres.careContexts(facility: nil, patient: nil) == (try await sqlite.careContexts(facility: nil, patient: nil)))
            #expect(try await postgres.linkToken(facility: "IN0001", abhaAddress: "lakshmi.devi@sbx", now: HubAPITests.clock.now()) == "a-link-token")
            #expect(try await postgres.consent("consent-1") == (try await sqlite.consent("consent-1")))
            #expect(try await postgres.transfers(consent: "consent-1") == (try await sqlite.transfers(consent: "consent-1")))

            // A hub going on: a terminal's next push lands after the copied versions.
            let a = try #require(try await postgres.device(forToken: tokens[0]))
            let next = try await postgres.push([HubStorageTests.item(HubStorageTests.ids("c", 1)[0])], from: a)
            #expect(next.results.map(\.status) == [.accepted])
            let tail = try await postgres.pull(for: b, after: fromPostgres.next, limit: 10)
            #expect(tail.records.map(\.id) == HubStorageTests.ids("c", 1))
        }
    }

    @Test("Given a facility whose records are already in PostgreSQL, when another SQLite hub of that facility is copied in, then it is refused and nothing is mixed")
    func refusesTwoHistories() async throws {
        let folder = try TemporaryFolder()
        try await withHubStore(.postgres) { storage in
            let postgres = try #require(storage as? PostgresHubStore)
            try await postgres.addFacility(id: "IN0001", name: "AAM Rampur")
            let device = try #require(try await postgres.device(forToken: try await postgres.addDevice(facility: "IN0001", label: "X").token))
            _ = try await postgres.push([HubStorageTests.item(HubStorageTests.ids("d", 1)[0])], from: device)
            let (sqlite, _) = try await filledHub(folder)
            await #expect { _ = try await HubCopy(source: sqlite, sourcePath: "phc.sqlite", target: postgres).run() } throws: { error in
                "\(error)".contains("already has records")
            }
            #expect(try await postgres.stats().counts.reduce(0) { $0 + $1.records } == 1)
        }
    }
}

/// Counts calls from any thread.
final class Counter: Sendable {
    private let value = Mutex(0)
    func next() -> Int { value.withLock { $0 += 1; return $0 } }
}

/// The report tables' rows as text, the same on either store (flags as 1 and 0).
enum HubReportRows {
    static func of(_ storage: any HubStorage) async throws -> [String] {
        var rows: [String] = []
        for table in ReportTable.allCases {
            let columns = table.columns.map(\.name)
            switch storage {
            case let sqlite as HubDatabase:
                rows += try await sqlite.writer.read { db in
                    try Row.fetchAll(db, sql: "SELECT * FROM \(table.rawValue) ORDER BY facility_id, id").map { row in
                        table.rawValue + ": " + columns.map { "\($0)=\(HubCopy.jsonValue(row[$0] as DatabaseValue).serialized(pretty: false))" }.joined(separator: " ")
                    }
                }
            case let postgres as PostgresHubStore:
                let query = PostgresQuery(unsafeSQL: "SELECT row_to_json(t)::text FROM \(table.rawValue) t ORDER BY facility_id COLLATE \"C\", id COLLATE \"C\"")
                for row in try await postgres.client.query(query, logger: postgres.logger).collect() {
                    let object = try JSONParser.parse(try row.decode(String.self))
                    rows.append(table.rawValue + ": " + columns.map { column in
                        var value = object[column] ?? .null
                        if case .bool(let flag) = value { value = .integer(flag ? 1 : 0) }
                        return "\(column)=\(value.serialized(pretty: false))"
                    }.joined(separator: " "))
                }
            default:
                Issue.record("no report rows for \(type(of: storage))")
            }
        }
        return rows
    }
}

import ArogyaCore
@testable import ArogyaHub
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The hub's API in process, through Hummingbird's router test client.
@Suite("Hub API")
struct HubAPITests {
    struct Hub {
        let storage: any HubStorage
        let tokenA: String
        let tokenB: String
        let tokenOther: String
        let application: Application<RouterResponder<HubRequestContext>>
    }

    static let clock = WallClock.fixed(Timestamp(iso8601: "2026-11-23T09:00:00.000Z")!)

    /// A hub on a fresh store of the kind, for the body's length.
    func withHub(_ kind: HubStoreKind, _ body: (Hub) async throws -> Void) async throws {
        try await withHubStore(kind) { storage in try await body(try await makeHub(storage)) }
    }

    func makeHub(_ storage: any HubStorage) async throws -> Hub {
        try await storage.addFacility(id: "IN0001", name: "AAM Rampur")
        try await storage.addFacility(id: "IN0002", name: "AAM Sitapur")
        let a = try await storage.addDevice(facility: "IN0001", label: "A").token
        let b = try await storage.addDevice(facility: "IN0001", label: "B").token
        let other = try await storage.addDevice(facility: "IN0002", label: "C").token
        let application = Application(router: HubRoutes.router(storage: storage, clock: Self.clock))
        return Hub(storage: storage, tokenA: a, tokenB: b, tokenOther: other, application: application)
    }

    /// The times every record carries.
    static let stamps: [(key: String, value: JSONValue)] = [("created_at", .string("2026-11-23T08:00:00.000Z")),
                                                           ("updated_at", .string("2026-11-23T08:00:00.000Z"))]

    static func patient(_ id: String, version: Int64 = 1, base: Int64 = 0, name: String = "Lakshmi Devi", abha: String? = nil) -> JSONValue {
        var payload: [(key: String, value: JSONValue)] = [("name", .string(name)), ("sex", .string("female")), ("birth_date", .string("1980-01-01")),
                                                          ("consent_given", .bool(true)), ("consent_method", .string("verbal")),
                                                          ("consent_date", .string("2026-11-20"))] + stamps
        if let abha { payload.append(("abha_number", .string(abha))) }
        return SyncWire.Record(type: .patient, id: id, version: version, baseVersion: base,
                               updatedAt: Timestamp(iso8601: "2026-11-23T08:00:00.000Z")!, payload: .object(payload)).json
    }

    static func body(_ records: [JSONValue]) -> ByteBuffer {
        ByteBuffer(string: JSONValue.object([("records", .array(records))]).serialized(pretty: false))
    }

    static func auth(_ token: String) -> HTTPFields { [.authorization: "Bearer " + token, .contentType: "application/json"] }

    static func push(_ client: some TestClientProtocol, _ token: String, _ records: [JSONValue]) async throws -> SyncWire.PushResponse {
        try await client.execute(uri: "/v1/sync/push", method: .post, headers: auth(token), body: body(records)) { response in
            #expect(response.status == .ok)
            return try SyncWire.PushResponse(reading: JSONField(try JSONParser.parse(String(buffer: response.body))))
        }
    }

    static func pull(_ client: some TestClientProtocol, _ token: String, after: Int64, limit: Int) async throws -> SyncWire.PullResponse {
        try await client.execute(uri: "/v1/sync/pull?after=\(after)&limit=\(limit)", method: .get, headers: auth(token)) { response in
            #expect(response.status == .ok)
            return try SyncWire.PullResponse(reading: JSONField(try JSONParser.parse(String(buffer: response.body))))
        }
    }

    let idOne = "01a20606-aacb-789c-b598-fe76d4554001"
    let idTwo = "01a20606-aacb-789c-b598-fe76d4554002"

    @Test("Given the same batch sent twice, when pushed, then the second answer is identical for each and nothing is stored twice", arguments: HubStoreKind.tested)
    func idempotentResend(_ kind: HubStoreKind) async throws {
        try await withHub(kind) { hub in
            try await hub.application.test(.router) { client in
                let batch = [Self.patient(idOne), Self.patient(idTwo)]
                let first = try await Self.push(client, hub.tokenA, batch)
                #expect(first.results.map(\.status) == [.accepted, .accepted])
                let again = try await Self.push(client, hub.tokenA, batch)
                #expect(again.results.map(\.status) == [.identical, .identical])
                #expect(again.results.map(\.hubVersion) == [1, 1])
            }
            #expect(try await hub.storage.stats().counts.map(\.records) == [2])
        }
    }

    @Test("Given two devices editing the same version offline, when both push, then the later is current, the other is kept and listed", arguments: HubStoreKind.tested)
    func conflictKeepsBoth(_ kind: HubStoreKind) async throws {
        try await withHub(kind) { hub in
            try await hub.application.test(.router) { client in
                _ = try await Self.push(client, hub.tokenA, [Self.patient(idOne)])
                let fromA = try await Self.push(client, hub.tokenA, [Self.patient(idOne, version: 2, base: 1, name: "Lakshmi Devi A")])
                #expect(fromA.results.first?.status == .accepted)
                let fromB = try await Self.push(client, hub.tokenB, [Self.patient(idOne, version: 2, base: 1, name: "Laxmi Devi B")])
                #expect(fromB.results.first?.status == .conflict)
                #expect(fromB.results.first?.hubVersion == 3)
                // A's next edit from its own latest is not a conflict with itself, but B's change is in between.
                let pulled = try await Self.pull(client, hub.tokenA, after: 0, limit: 10)
                #expect(pulled.records.first?.payload["name"] == .string("Laxmi Devi B"))
            }
            let conflicts = try await hub.storage.conflicts()
            #expect(conflicts.count == 1)
            #expect(conflicts.first?.kept.hubVersion == 2)
            #expect(conflicts.first?.current.hubVersion == 3)
        }
    }

    @Test("Given many records written in one instant, when pulled a page at a time, then each arrives once, in order, and never the puller's own", arguments: HubStoreKind.tested)
    func cursorPaging(_ kind: HubStoreKind) async throws {
        try await withHub(kind) { hub in
            try await hub.application.test(.router) { client in
                let ids = (0..<25).map { String(format: "01a20606-aacb-789c-b598-fe76d45540%02d", $0) }
                _ = try await Self.push(client, hub.tokenA, ids.map { Self.patient($0) })
                _ = try await Self.push(client, hub.tokenB, [Self.patient("01a20606-aacb-789c-b598-fe76d455ffff")])
                var seen: [String] = []
                var after: Int64 = 0
                var pages = 0
                while true {
                    let page = try await Self.pull(client, hub.tokenB, after: after, limit: 7)
                    seen += page.records.map(\.id)
                    after = page.next
                    pages += 1
                    if !page.more { break }
                }
                #expect(seen == ids)
                #expect(pages == 4)
                let nothingNew = try await Self.pull(client, hub.tokenB, after: after, limit: 7)
                #expect(nothingNew.records.isEmpty && !nothingNew.more)
            }
        }
    }

    @Test("Given no token, a wrong token, a revoked one or another facility's, when asking, then 401 or 404 and never data", arguments: HubStoreKind.tested)
    func authentication(_ kind: HubStoreKind) async throws {
        try await withHub(kind) { hub in
            try await hub.application.test(.router) { client in
                _ = try await Self.push(client, hub.tokenA, [Self.patient(idOne)])
                try await client.execute(uri: "/v1/sync/pull", method: .get) { #expect($0.status == .unauthorized) }
                try await client.execute(uri: "/v1/sync/pull", method: .get, headers: Self.auth("not-a-token")) { #expect($0.status == .unauthorized) }
                try await client.execute(uri: "/fhir/Patient/\(idOne)", method: .get, headers: Self.auth(hub.tokenOther)) { response in
                    #expect(response.status == .notFound)
                    #expect(!String(buffer: response.body).contains("Lakshmi"))
                }
                let other = try await Self.pull(client, hub.tokenOther, after: 0, limit: 100)
                #expect(other.records.isEmpty)
                let deviceA = try #require(try await hub.storage.device(forToken: hub.tokenA))
                try await hub.storage.revokeDevice(deviceA.id)
                try await client.execute(uri: "/v1/sync/push", method: .post, headers: Self.auth(hub.tokenA), body: Self.body([Self.patient(idTwo)])) {
                    #expect($0.status == .unauthorized)
                }
                try await client.execute(uri: "/health", method: .get) { #expect($0.status == .ok) }
            }
        }
    }

    @Test("Given a batch with a malformed record and a PIN hash, when pushed, then those are rejected with why and the rest kept", arguments: HubStoreKind.tested)
    func rejections(_ kind: HubStoreKind) async throws {
        try await withHub(kind) { hub in
            try await hub.application.test(.router) { client in
                let account = JSONValue.object([("type", .string("account")), ("id", .string(idTwo)), ("version", .number(1)),
                                                ("updated_at", .string("2026-11-23T08:00:00.000Z")),
                                                ("payload", .object([("username", .string("asha")), ("full_name", .string("Asha")),
                                                                     ("role", .string("worker")), ("pin_hash", .string("x"))] + Self.stamps))])
                let broken = JSONValue.object([("type", .string("patient")), ("id", .string("not-an-id")), ("version", .number(1)),
                                               ("updated_at", .string("yesterday")), ("payload", .object([]))])
                let answer = try await Self.push(client, hub.tokenA, [Self.patient(idOne), broken, account])
                #expect(answer.results.map(\.status) == [.accepted, .rejected, .rejected])
                #expect(answer.results[1].reason?.contains("records[1].id") == true)
                #expect(answer.results[2].reason?.contains("PIN hash") == true)
            }
        }
    }

    @Test("Given records that break a terminal's rules (a consent method or date that does not exist, a name with digits, an unknown field), when pushed, then each is rejected naming its field and none is kept", arguments: HubStoreKind.tested)
    func judgedAsOnATerminal(_ kind: HubStoreKind) async throws {
        try await withHub(kind) { hub in
            @Sendable func edited(_ id: String, _ key: String, _ value: JSONValue) -> JSONValue {
                guard case .object(var record) = Self.patient(id), let index = record.firstIndex(where: { $0.key == "payload" }),
                      case .object(var payload) = record[index].value else { return .null }
                if let at = payload.firstIndex(where: { $0.key == key }) { payload[at].value = value } else { payload.append((key, value)) }
                record[index].value = .object(payload)
                return .object(record)
            }
            let ids = (1...4).map { "01a20606-aacb-789c-b598-fe76d455400\($0)" }
            try await hub.application.test(.router) { client in
                let answer = try await Self.push(client, hub.tokenA, [
                    edited(ids[0], "consent_method", .string("telepathy")), edited(ids[1], "consent_date", .string("banana")),
                    edited(ids[2], "name", .string("Lakshmi 2")), edited(ids[3], "favourite_colour", .string("blue")),
                ])
                #expect(answer.results.map(\.status) == [.rejected, .rejected, .rejected, .rejected])
                for (result, field) in zip(answer.results, ["payload.consent_method", "payload.consent_date", "payload.name", "payload.favourite_colour"]) {
                    #expect(result.reason?.hasPrefix(field) == true, "\(result.reason ?? "")")
                }
            }
            #expect(try await hub.storage.stats().counts.isEmpty)
        }
    }

    @Test("Given two registrations with the same ABHA number from two devices, when pushed, then both are kept and flagged as a pair", arguments: HubStoreKind.tested)
    func duplicateABHA(_ kind: HubStoreKind) async throws {
        try await withHub(kind) { hub in
            try await hub.application.test(.router) { client in
                _ = try await Self.push(client, hub.tokenA, [Self.patient(idOne, abha: "91123456789012")])
                let second = try await Self.push(client, hub.tokenB, [Self.patient(idTwo, name: "Laxmi", abha: "91123456789012")])
                #expect(second.results.first?.status == .accepted)
            }
            let pairs = try await hub.storage.duplicates()
            #expect(pairs.map { [$0.patientA, $0.patientB] } == [[idOne, idTwo]])
            #expect(pairs.first?.reason == "same ABHA number")
        }
    }
}

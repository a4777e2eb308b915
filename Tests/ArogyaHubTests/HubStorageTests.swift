import ArogyaCore
@testable import ArogyaHub
import ArogyaTesting
import Foundation
import GRDB
import Synchronization
import Testing

/// The storage contract every hub store keeps, called directly rather than through HTTP.
@Suite("Hub storage")
struct HubStorageTests {
    static func item(_ id: String) -> (raw: JSONValue, record: Result<SyncWire.Record, JSONInputError>) {
        let raw = HubAPITests.patient(id)
        return (raw, Result { () throws(JSONInputError) in try SyncWire.Record(reading: JSONField(raw)) })
    }

    static func ids(_ prefix: String, _ count: Int) -> [String] {
        (0..<count).map { String(format: "01a20606-aacb-789c-b598-%@%011d", prefix, $0) }
    }

    /// Opens when the first push reaches it, and holds that push until `release`.
    final class Gate: Sendable {
        private let state = Mutex<(calls: Int, release: CheckedContinuation<Void, Never>?, released: Bool)>((0, nil, false))
        private let arrivedStream: AsyncStream<Void>
        private let arrivedContinuation: AsyncStream<Void>.Continuation

        init() { (arrivedStream, arrivedContinuation) = AsyncStream.makeStream() }

        /// The hook: the first call waits to be released; later ones pass.
        func pause() async {
            let first = state.withLock { state -> Bool in
                state.calls += 1
                return state.calls == 1
            }
            guard first else { return }
            arrivedContinuation.yield()
            await withCheckedContinuation { continuation in
                let go = state.withLock { state -> Bool in
                    if state.released { return true }
                    state.release = continuation
                    return false
                }
                if go { continuation.resume() }
            }
        }

        func arrived() async { for await _ in arrivedStream { return } }

        func release() {
            let waiting = state.withLock { state -> CheckedContinuation<Void, Never>? in
                state.released = true
                defer { state.release = nil }
                return state.release
            }
            waiting?.resume()
        }
    }

    @Test("Given two pushes in flight, the first held before its commit and the second sent after it, when a third device pulls between them and again after, then its cursor never passes the held one and every record reaches it",
          arguments: HubStoreKind.tested)
    func cursorNeverSkips(_ kind: HubStoreKind) async throws {
        try await withHubStore(kind) { storage in try await cursorNeverSkips(storage) }
    }

    func cursorNeverSkips(_ storage: any HubStorage) async throws {
        try await storage.addFacility(id: "IN0001", name: "AAM Rampur")
        let a = try #require(try await storage.device(forToken: try await storage.addDevice(facility: "IN0001", label: "A").token))
        let b = try #require(try await storage.device(forToken: try await storage.addDevice(facility: "IN0001", label: "B").token))
        let c = try #require(try await storage.device(forToken: try await storage.addDevice(facility: "IN0001", label: "C").token))
        let first = Self.ids("a", 20)
        let second = Self.ids("b", 20)
        let (between, seen) = try await pullAcrossHeldPush(storage, first: (first, a), second: (second, b), puller: c, page: 7)
        #expect(between == [], "nothing committed yet")
        #expect(Set(seen) == Set(first + second) && seen.count == first.count + second.count)
    }

    /// Holds the first push inside its transaction (`pushWillCommit`), sends the second, pulls between them
    /// and then, once both are in, page by page from where that pull left off. Returns what the pull between
    /// them got, and every id the puller got in all.
    func pullAcrossHeldPush(_ storage: any HubStorage, first: ([String], HubDevice), second: ([String], HubDevice), puller: HubDevice,
                            page: Int) async throws -> (between: [String], all: [String]) {
        let gate = Gate()
        storage.hooks.pushWillCommit.set { await gate.pause() }
        defer { storage.hooks.pushWillCommit.set(nil) }
        let pushA = Task { try await storage.push(first.0.map(Self.item), from: first.1) }
        await gate.arrived()
        let pushB = Task { try await storage.push(second.0.map(Self.item), from: second.1) }
        try await Task.sleep(for: .milliseconds(300))
        let between = try await storage.pull(for: puller, after: 0, limit: 1000)
        gate.release()
        #expect(try await pushA.value.results.allSatisfy { $0.status == .accepted })
        #expect(try await pushB.value.results.allSatisfy { $0.status == .accepted })
        var seen = between.records.map(\.id)
        var after = between.next
        while true {
            let next = try await storage.pull(for: puller, after: after, limit: page)
            seen += next.records.map(\.id)
            after = next.next
            if !next.more { break }
        }
        return (between.records.map(\.id), seen)
    }

    @Test("Given pushes from two facilities in flight, the first held before its commit, when a supervisor's device covering both pulls between them and again after, then its cursor never passes the held one and every record reaches it",
          arguments: HubStoreKind.tested)
    func crossFacilityCursorNeverSkips(_ kind: HubStoreKind) async throws {
        try await withHubStore(kind) { storage in
            try await storage.addFacility(id: "IN0001", name: "AAM Rampur")
            try await storage.addFacility(id: "IN0002", name: "AAM Sitapur")
            let a = try #require(try await storage.device(forToken: try await storage.addDevice(facility: "IN0001", label: "A").token))
            let b = try #require(try await storage.device(forToken: try await storage.addDevice(facility: "IN0002", label: "B").token))
            let supervisor = try #require(try await storage.device(forToken: try await storage.addDevice(
                facilities: ["IN0001", "IN0002"], role: .supervisor, label: "block").token))
            let first = Self.ids("e", 15)
            let second = Self.ids("f", 15)
            let (between, seen) = try await pullAcrossHeldPush(storage, first: (first, a), second: (second, b), puller: supervisor, page: 4)
            #expect(between == [], "nothing committed yet")
            #expect(Set(seen) == Set(first + second) && seen.count == first.count + second.count)
        }
    }

    @Test("Given sequence numbers beyond 2^53, when records are pushed and pulled, then the sequence and the cursor come back exact, as JSON integers",
          arguments: HubStoreKind.tested)
    func sequenceBeyondDoubles(_ kind: HubStoreKind) async throws {
        try await withHubStore(kind) { storage in try await sequenceBeyondDoubles(storage) }
    }

    func sequenceBeyondDoubles(_ storage: any HubStorage) async throws {
        try await storage.addFacility(id: "IN0001", name: "AAM Rampur")
        let a = try #require(try await storage.device(forToken: try await storage.addDevice(facility: "IN0001", label: "A").token))
        let c = try #require(try await storage.device(forToken: try await storage.addDevice(facility: "IN0001", label: "C").token))
        let start: Int64 = 1 << 53
        try await storage.continueSequence(after: start)
        let pushed = try await storage.push(Self.ids("c", 3).map(Self.item), from: a)
        #expect(pushed.results.map(\.status) == [.accepted, .accepted, .accepted], "\(pushed.results.map { $0.reason ?? "" })")
        let page = try await storage.pull(for: c, after: start, limit: 10)
        #expect(page.records.compactMap(\.sequence) == [start + 1, start + 2, start + 3])
        #expect(page.next == start + 3)
        let text = page.json.serialized(pretty: false)
        #expect(text.contains("\"seq\":9007199254740993") && text.contains("\"next\":9007199254740995"))
        let read = try SyncWire.PullResponse(reading: JSONField(try JSONParser.parse(text)))
        #expect(read.next == start + 3 && read.records.last?.sequence == start + 3)
    }

    @Test("Given a database a newer hub upgraded, when this hub opens it, then it refuses, naming the migration it does not know",
          arguments: HubStoreKind.tested)
    func newerDatabaseRefused(_ kind: HubStoreKind) async throws {
        switch kind {
        case .sqlite:
            let folder = try TemporaryFolder()
            let path = folder.file("hub.sqlite")
            try await HubDatabase(path: path).addUnknownMigration("hub-v99-from-the-future")
            #expect { _ = try HubDatabase(path: path) } throws: { error in
                guard case HubError.newerDatabase(let what) = error else { return false }
                return what.contains("hub-v99-from-the-future")
            }
        case .postgres:
            try await withHubStore(kind) { storage in
                try await storage.addUnknownMigration("hub-v99-from-the-future")
                let postgres = try #require(storage as? PostgresHubStore)
                #expect(try await postgres.schemaState() == .newer(["hub-v99-from-the-future"]))
                await #expect { try await postgres.checkSchema() } throws: { error in
                    guard case HubError.newerDatabase(let what) = error else { return false }
                    return what.contains("hub-v99-from-the-future")
                }
                await #expect(throws: HubError.self) { try await postgres.migrate() }
            }
        }
    }

    @Test("Given two hub processes on one PostgreSQL database, when terminals push and pull through either and a device is revoked through one, then both answer alike and the other refuses it at once",
          .enabled(if: HubStoreKind.tested.contains(.postgres)))
    func twoProcessesAnswerAlike() async throws {
        try await withHubStore(.postgres) { storage in
            let first = try #require(storage as? PostgresHubStore)
            // A second pool over the same database: what a second `arogya-hub serve` process holds.
            let second = try PostgresHubStore(location: first.location, poolSize: 2, clock: HubAPITests.clock)
            defer { second.close() }
            try await first.addFacility(id: "IN0001", name: "AAM Rampur")
            let tokenA = try await first.addDevice(facility: "IN0001", label: "A").token
            let tokenB = try await second.addDevice(facility: "IN0001", label: "B").token
            let a = try #require(try await second.device(forToken: tokenA))
            let b = try #require(try await first.device(forToken: tokenB))
            let ids = Self.ids("d", 30)
            for (index, id) in ids.enumerated() {
                let through: any HubStorage = index % 2 == 0 ? first : second
                _ = try await through.push([Self.item(id)], from: a)
            }
            let fromFirst = try await first.pull(for: b, after: 0, limit: 1000)
            let fromSecond = try await second.pull(for: b, after: 0, limit: 1000)
            #expect(fromFirst.records.map(\.id) == ids && fromSecond.records.map(\.id) == ids)
            #expect(fromFirst.next == fromSecond.next)
            // The same record sent again through the other process is a resend, not a new version.
            let again = try await second.push([Self.item(ids[0])], from: a)
            #expect(again.results.map(\.status) == [.identical])
            try await first.revokeDevice(a.id)
            #expect(try await second.device(forToken: tokenA) == nil)
        }
    }

    @Test("Given a new PostgreSQL database, when two hub processes migrate it at once, then each migration is applied once and both find it current",
          .enabled(if: HubStoreKind.tested.contains(.postgres)))
    func concurrentMigrations() async throws {
        let admin = try PostgresLocation(url: try #require(HubStoreKind.postgresServer))
        let name = "arogya_test_migrate_" + UUID().uuidString.prefix(8).lowercased()
        let location = try await PostgresServerAdmin.createDatabase(name, on: admin)
        let one = try PostgresHubStore(location: location, poolSize: 1)
        let two = try PostgresHubStore(location: location, poolSize: 1)
        async let first = one.migrate()
        async let second = two.migrate()
        let applied = try await first + second
        #expect(applied.sorted() == PostgresHubSchema.migrations.map(\.name).sorted())
        let states = (try await one.schemaState(), try await two.schemaState())
        #expect(states.0 == .current && states.1 == .current)
        one.close()
        two.close()
        try await PostgresServerAdmin.dropDatabase(name, on: admin)
    }
}

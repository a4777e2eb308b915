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
        private let state = Mutex<(calls: Int, arrived: CheckedContinuation<Void, Never>?, release: CheckedContinuation<Void, Never>?, released: Bool)>((0, nil, nil, false))
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

    @Test("Given two pushes in flight, the first held before its commit and the second sent after it, when a third device pulls between them and again after, then its cursor never passes the held one and every record reaches it")
    func cursorNeverSkips() async throws {
        let folder = try TemporaryFolder()
        // A file, not memory: a pull reads beside a writer only in WAL mode.
        let storage = try HubDatabase(path: folder.file("hub.sqlite"), clock: HubAPITests.clock)
        try await storage.addFacility(id: "IN0001", name: "AAM Rampur")
        let a = try #require(try await storage.device(forToken: try await storage.addDevice(facility: "IN0001", label: "A").token))
        let b = try #require(try await storage.device(forToken: try await storage.addDevice(facility: "IN0001", label: "B").token))
        let c = try #require(try await storage.device(forToken: try await storage.addDevice(facility: "IN0001", label: "C").token))
        let first = Self.ids("a", 20)
        let second = Self.ids("b", 20)
        let gate = Gate()
        storage.hooks.pushWillCommit.set { await gate.pause() }
        let pushA = Task { try await storage.push(first.map(Self.item), from: a) }
        await gate.arrived()
        let pushB = Task { try await storage.push(second.map(Self.item), from: b) }
        try await Task.sleep(for: .milliseconds(300))
        let between = try await storage.pull(for: c, after: 0, limit: 1000)
        #expect(between.records.isEmpty, "nothing committed yet: \(between.records.map(\.id))")
        gate.release()
        _ = try await pushA.value
        _ = try await pushB.value
        storage.hooks.pushWillCommit.set(nil)
        var seen = between.records.map(\.id)
        var after = between.next
        while true {
            let page = try await storage.pull(for: c, after: after, limit: 7)
            seen += page.records.map(\.id)
            after = page.next
            if !page.more { break }
        }
        #expect(Set(seen) == Set(first + second) && seen.count == first.count + second.count)
    }

    @Test("Given sequence numbers beyond 2^53, when records are pushed and pulled, then the sequence and the cursor come back exact, as JSON integers")
    func sequenceBeyondDoubles() async throws {
        let folder = try TemporaryFolder()
        let storage = try HubDatabase(path: folder.file("hub.sqlite"), clock: HubAPITests.clock)
        try await storage.addFacility(id: "IN0001", name: "AAM Rampur")
        let a = try #require(try await storage.device(forToken: try await storage.addDevice(facility: "IN0001", label: "A").token))
        let c = try #require(try await storage.device(forToken: try await storage.addDevice(facility: "IN0001", label: "C").token))
        let start: Int64 = 1 << 53
        try await storage.writer.write { db in
            try db.execute(sql: "INSERT INTO sqlite_sequence (name, seq) VALUES ('record_version', ?)", arguments: [start])
        }
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
}

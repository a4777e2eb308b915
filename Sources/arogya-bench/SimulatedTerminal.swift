import ArogyaCore
import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization

/// A terminal as the hub sees it: a device token, records made offline and pushed in batches of 500,
/// then every other terminal's records of its facility pulled a page at a time. Many of them run at once
/// in one benchmark process, each on the hub process it was given (as behind a round-robin proxy).
///
/// Its records are registrations with ids that say whose and which they are, so that what a pull brings
/// is checked without keeping every id: a tenth of them are edited once in a later batch (a second
/// version, whose base is the first's hub version).
struct SimulatedTerminal: Sendable {
    let index: Int
    let facility: String
    let device: String
    let token: String
    let records: Int

    /// Record `number` of terminal `terminal`: its id, a UUIDv7's shape with the terminal and the number in it.
    static func id(terminal: Int, number: Int) -> String {
        let terminalHex = String(terminal, radix: 16)
        let numberHex = String(number, radix: 16)
        return "01a20606-aacb-7" + String(repeating: "0", count: max(0, 3 - terminalHex.count)) + terminalHex + "-8000-"
            + String(repeating: "0", count: max(0, 12 - numberHex.count)) + numberHex
    }

    /// The terminal and number an id was made from, or nil for an id not made here.
    static func parse(_ id: String) -> (terminal: Int, number: Int)? {
        let parts = id.split(separator: "-")
        guard parts.count == 5, parts[2].count == 4, let terminal = Int(parts[2].dropFirst(), radix: 16),
              let number = Int(parts[4], radix: 16) else { return nil }
        return (terminal, number)
    }

    /// Which records are edited: every tenth.
    static func isEdited(_ number: Int) -> Bool { number % 10 == 3 }

    static func payload(terminal: Int, number: Int, edited: Bool, at time: String) -> JSONValue {
        // A name of letters only, as the record rules want, different for each record.
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        var code = terminal * 1_000_003 + number
        var suffix = ""
        for _ in 0..<5 { suffix.append(letters[code % 26]); code /= 26 }
        let born = 1950 + (number % 50)
        return .object([
            ("name", .string((edited ? "Laxmi " : "Lakshmi ") + suffix.capitalized)), ("sex", .string(number % 2 == 0 ? "female" : "male")),
            ("birth_date", .string("\(born)-0\(1 + number % 9)-1\(number % 10)")), ("mobile", .string("98\(String(format: "%08d", (terminal * 7919 + number) % 100_000_000))")),
            ("consent_given", .bool(true)), ("consent_method", .string("verbal")), ("consent_date", .string("2026-11-20")),
            ("created_at", .string(time)), ("updated_at", .string(time)),
        ])
    }

    /// Its batches, in order: first versions, with each edit in the batch after its first version's.
    func batches(size: Int) -> [[(number: Int, edit: Bool)]] {
        var batches: [[(number: Int, edit: Bool)]] = []
        var pendingEdits: [Int] = []
        var next = 0
        while next < records || !pendingEdits.isEmpty {
            var batch = pendingEdits.map { (number: $0, edit: true) }
            pendingEdits = []
            while batch.count < size && next < records {
                batch.append((next, false))
                if Self.isEdited(next) { pendingEdits.append(next) }
                next += 1
            }
            batches.append(batch)
        }
        return batches
    }

    static let time = "2026-11-23T08:00:00.000Z"

    static func record(terminal: Int, number: Int, edit: Bool, baseVersion: Int64) -> SyncWire.Record {
        SyncWire.Record(type: .patient, id: id(terminal: terminal, number: number), version: edit ? 2 : 1, baseVersion: edit ? baseVersion : 0,
                        updatedAt: Timestamp(iso8601: time)!, payload: payload(terminal: terminal, number: number, edited: edit, at: time))
    }
}

/// What the terminals measured and found.
final class LoadTally: Sendable {
    struct Figures {
        var batchSeconds: [Double] = []
        var pushed = 0
        var retries = 0
        var pulled = 0
        var pullRequests = 0
        var problems: [String] = []
    }
    private let state = Mutex(Figures())

    func add(_ change: (inout Figures) -> Void) { state.withLock { change(&$0) } }
    var figures: Figures { state.withLock { $0 } }
}

/// The HTTP side of the simulated terminals: one client, as many connections as terminals.
struct LoadClient: Sendable {
    let http: HTTPClient

    init(connections: Int) {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(10), read: .seconds(120)))
        configuration.httpVersion = .http1Only
        configuration.decompression = .disabled
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = connections
        configuration.connectionPool.retryConnectionEstablishment = false
        http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    struct Failed: Error, CustomStringConvertible {
        let description: String
    }

    func send(_ url: String, token: String, body: String?) async throws -> JSONValue {
        var request = HTTPClientRequest(url: url)
        request.method = body == nil ? .GET : .POST
        request.headers.add(name: "Authorization", value: "Bearer " + token)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await http.execute(request, timeout: .seconds(120))
        let bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
        guard response.status.code == 200 else { throw Failed(description: "\(response.status.code): \(String(buffer: bytes).prefix(200))") }
        return try JSONParser.parse(Array(bytes.readableBytesView))
    }

    /// Sends until it is answered: a lost request or answer, a hub killed meanwhile, are tried again (a
    /// resent batch is `identical` at the hub, never stored twice). Counts the tries after the first.
    func untilAnswered(_ url: String, token: String, body: String?, tally: LoadTally, deadline: Date) async throws -> JSONValue {
        var attempt = 0
        while true {
            do {
                return try await send(url, token: token, body: body)
            } catch {
                attempt += 1
                tally.add { $0.retries += 1 }
                guard Date() < deadline else { throw Failed(description: "no answer from \(url) before the deadline: \(error)") }
                try await Task.sleep(for: .milliseconds(min(2_000, 50 * (1 << min(attempt, 6)))))
            }
        }
    }

    /// Pushes the terminal's batches, each timed from the first try to its answer.
    func push(_ terminal: SimulatedTerminal, to hub: String, batchSize: Int, tally: LoadTally, deadline: Date) async throws {
        var hubVersions: [Int: Int64] = [:]
        for batch in terminal.batches(size: batchSize) {
            let records = batch.map { SimulatedTerminal.record(terminal: terminal.index, number: $0.number, edit: $0.edit,
                                                               baseVersion: hubVersions[$0.number] ?? 1) }
            let body = JSONValue.object([("records", .array(records.map(\.json)))]).serialized(pretty: false)
            let start = DispatchTime.now().uptimeNanoseconds
            let answer = try SyncWire.PushResponse(reading: JSONField(try await untilAnswered(hub + "/v1/sync/push", token: terminal.token, body: body,
                                                                                              tally: tally, deadline: deadline)))
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            var problems: [String] = []
            for (item, result) in zip(batch, answer.results) {
                guard result.status == .accepted || result.status == .identical, let version = result.hubVersion else {
                    problems.append("terminal \(terminal.index) record \(item.number): \(result.status) \(result.reason ?? "")")
                    continue
                }
                hubVersions[item.number] = version
            }
            let accepted = answer.results.count
            tally.add {
                $0.batchSeconds.append(seconds)
                $0.pushed += accepted
                $0.problems += problems.prefix(3)
            }
        }
    }

    /// Pulls every page and checks that each other terminal of the facility arrived whole, each record
    /// once, in its last version, and nothing of another facility.
    func pullAndCheck(_ terminal: SimulatedTerminal, from hub: String, peers: [SimulatedTerminal], tally: LoadTally, deadline: Date) async throws {
        var seen: [Int: [Bool]] = Dictionary(uniqueKeysWithValues: peers.map { ($0.index, [Bool](repeating: false, count: $0.records)) })
        var after: Int64 = 0
        var problems: [String] = []
        var pulled = 0
        var requests = 0
        while true {
            let page = try SyncWire.PullResponse(reading: JSONField(try await untilAnswered(hub + "/v1/sync/pull?after=\(after)&limit=1000",
                                                                                            token: terminal.token, body: nil, tally: tally, deadline: deadline)))
            requests += 1
            for record in page.records {
                pulled += 1
                guard let (owner, number) = SimulatedTerminal.parse(record.id), seen[owner] != nil, number < seen[owner]!.count else {
                    problems.append("terminal \(terminal.index) got \(record.id), not its facility's")
                    continue
                }
                if seen[owner]![number] { problems.append("terminal \(terminal.index) got \(record.id) twice") }
                seen[owner]![number] = true
                if record.version != (SimulatedTerminal.isEdited(number) ? 2 : 1) {
                    problems.append("terminal \(terminal.index) got \(record.id) at version \(record.version)")
                }
            }
            after = page.next
            if !page.more { break }
        }
        for (owner, marks) in seen where marks.contains(false) {
            problems.append("terminal \(terminal.index) lacks \(marks.filter { !$0 }.count) of terminal \(owner)'s records")
        }
        tally.add {
            $0.pulled += pulled
            $0.pullRequests += requests
            $0.problems += problems.prefix(3)
        }
    }
}

import ArgumentParser
import ArogyaCore
import ArogyaStore
import ArogyaSync
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `arogya hub connect`: where this terminal uploads to, and its device token.
struct HubCommandGroup: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "hub", abstract: "The facility's sync server.",
                                                    subcommands: [Connect.self])

    struct Connect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Store the hub's address and this terminal's token (from `arogya-hub devices add`).",
            discussion: "The token is kept in a file only its owner can read (the database path + \".hub-token\") and never printed again.")

        @OptionGroup var database: DatabaseOptions
        @ParentCommand var root: Arogya
        @Argument(help: "The hub's address, such as https://hub.example.in or http://127.0.0.1:8080.") var url: String
        @Option(help: "The device token.") var token: String
        @Flag(name: .customLong("allow-insecure"), help: "Allow plain HTTP to a hub that is not on this machine (the token would cross the network in clear).")
        var allowInsecure = false
        @OptionGroup var actorOptions: ActorOptions

        func run() throws {
            let environment = try CommandEnvironment.make(database, root: root)
            guard let address = URL(string: url), let scheme = address.scheme?.lowercased(), ["http", "https"].contains(scheme), address.host != nil else {
                try CommandEnvironment.fail(code: 2, "arogya: \(url) is not an http:// or https:// address")
            }
            let trimmed = token.trimmingCharacters(in: .whitespacesAndNewlines)
            guard trimmed.count >= 16, trimmed.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                try CommandEnvironment.fail(code: 2, "arogya: that does not look like a device token; copy it whole from `arogya-hub devices add`")
            }
            if HubClient.isInsecure(address) && !allowInsecure {
                try CommandEnvironment.fail(code: 2, "arogya: refusing to send the token over plain HTTP to \(address.host ?? url); use https://, or --allow-insecure on a network you trust")
            }
            let store = try environment.openStore(.mustExist)
            let actor = try environment.actor(actorOptions, store: store)
            try environment.run {
                try HubToken.save(trimmed, beside: environment.databasePath)
                try store.setHubURL(address.absoluteString + (allowInsecure ? "#allow-insecure" : ""), by: actor)
            }
            print("connected to \(address.absoluteString); the token is kept in \(HubToken.path(beside: environment.databasePath))")
        }
    }
}

/// `arogya sync`: push what is waiting, then pull; `arogya sync status`: what is waiting.
struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Upload everything waiting to the hub, oldest first, then download what the facility's other terminals wrote.",
        discussion: """
            Exit 0 when everything waiting was accepted; 1 when the hub could not be reached or failed (nothing is \
            lost: it is sent next time); 4 when the hub rejected some records or found them in conflict (listed).
            """,
        subcommands: [Status.self])

    @OptionGroup var database: DatabaseOptions
    @ParentCommand var root: Arogya
    @Flag(help: "Print JSON: {pushed: {accepted, identical, conflict, rejected}, pulled, batches, server_time, clock_offset_ms, rejected: [{type, id, reason}], conflicts: [{type, id, reason}], error}.")
    var json = false
    @Flag(help: "Retry resends of records the hub rejected before (after fixing them).")
    var resendRejected = false

    func run() throws {
        let environment = try CommandEnvironment.make(database, root: root)
        let store = try environment.openStore(.mustExist)
        let client = try HubToken.client(store: store, environment: environment)
        if resendRejected { _ = try environment.run { try store.resendRejected() } }
        let report = try environment.run {
            // AROGYA_SYNC_ATTEMPTS: tries per request (scripts that must fail fast set 1).
            let attempts = ProcessInfo.processInfo.environment["AROGYA_SYNC_ATTEMPTS"].flatMap(Int.init).map { max(1, min($0, 20)) } ?? 6
            return try blockingWait { try await SyncEngine(store: store, client: client, retry: RetryPolicy(attempts: attempts)).run() }
        }
        let offset = report.serverTime.map { $0.millisecondsSince1970 - Timestamp(Date()).millisecondsSince1970 }
        if json {
            let problems: ([SyncStatus.Problem]) -> JSONValue = { list in
                .array(list.map { .object([("type", .string($0.type)), ("id", .string($0.id)), ("reason", .string($0.message))]) })
            }
            print(JSONValue.object([
                ("pushed", .object([("accepted", .number(Double(report.pushed.accepted))), ("identical", .number(Double(report.pushed.identical))),
                                    ("conflict", .number(Double(report.pushed.conflicts))), ("rejected", .number(Double(report.pushed.rejected)))])),
                ("pulled", .number(Double(report.pulled))), ("batches", .number(Double(report.batches))),
                ("server_time", report.serverTime.map { .string($0.iso8601) } ?? .null),
                ("clock_offset_ms", offset.map { .number(Double($0)) } ?? .null),
                ("rejected", problems(report.rejected)), ("conflicts", problems(report.conflicts)),
                ("error", report.failure.map { .string($0.description) } ?? .null),
            ]).serialized())
        } else {
            let p = report.pushed
            print("pushed \(p.accepted + p.identical + p.conflicts + p.rejected) records in \(report.batches) batches: \(p.accepted) accepted, \(p.identical) already at the hub, \(p.conflicts) in conflict, \(p.rejected) rejected")
            print("pulled \(report.pulled) records from the facility's other terminals")
            for problem in report.rejected { print("rejected: \(problem.type) \(problem.id): \(problem.message)") }
            for problem in report.conflicts { print("conflict: \(problem.type) \(problem.id): \(problem.message)") }
            if let offset { print("hub clock \(report.serverTime!.iso8601); this terminal is \(SyncStatusText.offset(offset))") }
            if let failure = report.failure {
                FileHandle.standardError.write(Data("arogya: \(failure)\n".utf8))
            }
        }
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "What is waiting for upload, the last successful sync and the hub's clock.")
        @OptionGroup var database: DatabaseOptions
        @ParentCommand var root: Arogya
        /// `sync` has a `--json` of its own, which takes the flag when it is written after `status`.
        @ParentCommand var sync: SyncCommand
        @Flag(help: "Print JSON: {hub, pending: {TYPE: count}, pending_total, last_sync, server_time, clock_offset_ms, last_failure: {at, message}, rejected, conflicts, parked}.")
        var json = false

        func run() throws {
            let environment = try CommandEnvironment.make(database, root: root)
            let store = try environment.openStore(.mustExist)
            let status = try environment.run { try store.syncStatus() }
            let hub = status.hubURL.map { $0.replacingOccurrences(of: "#allow-insecure", with: "") }
            if json || sync.json {
                print(JSONValue.object([
                    ("hub", hub.map(JSONValue.string) ?? .null),
                    ("pending", .object(status.pendingByType.sorted { $0.key < $1.key }.map { ($0.key, .number(Double($0.value))) })),
                    ("pending_total", .number(Double(status.pending))),
                    ("last_sync", status.lastSuccess.map { .string($0.iso8601) } ?? .null),
                    ("server_time", status.lastServerTime.map { .string($0.iso8601) } ?? .null),
                    ("clock_offset_ms", status.clockOffsetMilliseconds.map { .number(Double($0)) } ?? .null),
                    ("last_failure", status.lastFailure.map { .object([("at", .string($0.at.iso8601)), ("message", .string($0.message))]) } ?? .null),
                    ("rejected", .number(Double(status.rejected.count))), ("conflicts", .number(Double(status.conflicts.count))),
                    ("parked", .number(Double(status.parked))),
                ]).serialized())
            } else {
                print(SyncStatusText.render(status, hub: hub), terminator: "")
            }
        }
    }
}

enum SyncStatusText {
    static func offset(_ milliseconds: Int64) -> String {
        let seconds = abs(milliseconds) / 1000
        if seconds < 2 { return "in step with it" }
        let amount = seconds >= 120 ? "\(seconds / 60) min" : "\(seconds) s"
        return milliseconds > 0 ? "\(amount) behind it" : "\(amount) ahead of it"
    }

    static func render(_ status: SyncStatus, hub: String?) -> String {
        var text = "hub: \(hub ?? "not connected (arogya hub connect URL --token TOKEN)")\n"
        text += "waiting for upload: \(status.pending)"
        if !status.pendingByType.isEmpty {
            text += " (" + status.pendingByType.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ") + ")"
        }
        text += "\nlast successful sync: \(status.lastSuccess?.iso8601 ?? "never")\n"
        if let server = status.lastServerTime, let difference = status.clockOffsetMilliseconds {
            text += "hub clock then: \(server.iso8601); this terminal was \(offset(difference))\n"
            if abs(difference) > 5 * 60 * 1000 { text += "warning: this terminal's clock differs from the hub's by more than 5 minutes\n" }
        }
        if let failure = status.lastFailure { text += "last failure: \(failure.at.iso8601): \(failure.message)\n" }
        text += "rejected: \(status.rejected.count)   in conflict: \(status.conflicts.count)   waiting for their patient: \(status.parked)\n"
        return text
    }
}

/// The device token, in a file beside the database that only its owner can read.
enum HubToken {
    static func path(beside database: String) -> String { database + ".hub-token" }

    static func save(_ token: String, beside database: String) throws {
        let file = path(beside: database)
        let descriptor = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Failure.runtime("cannot write \(file): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        fchmod(descriptor, 0o600)
        let bytes = Array((token + "\n").utf8)
        guard write(descriptor, bytes, bytes.count) == bytes.count else { throw Failure.runtime("cannot write \(file)") }
    }

    static func client(store: AppDatabase, environment: CommandEnvironment) throws -> HubClient {
        guard let stored = try environment.run({ try store.hubURL() }) else {
            try CommandEnvironment.fail(code: 1, "arogya: no hub yet; connect with: arogya hub connect URL --token TOKEN")
        }
        let allowInsecure = stored.hasSuffix("#allow-insecure")
        guard let url = URL(string: stored.replacingOccurrences(of: "#allow-insecure", with: "")) else {
            try CommandEnvironment.fail(code: 1, "arogya: the stored hub address \(stored) is not valid; connect again")
        }
        if HubClient.isInsecure(url) && !allowInsecure {
            try CommandEnvironment.fail(code: 1, "arogya: refusing to send the token over plain HTTP to \(url.host ?? stored)")
        }
        guard let token = try? String(contentsOfFile: path(beside: environment.databasePath), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty else {
            try CommandEnvironment.fail(code: 1, "arogya: the device token is missing; connect again with: arogya hub connect URL --token TOKEN")
        }
        return HubClient(baseURL: url, token: token)
    }
}

/// Runs async work from a synchronous command and waits for it.
func blockingWait<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) throws -> T {
    let box = AsyncResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        do { box.result = .success(try await operation()) } catch { box.result = .failure(error) }
        done.signal()
    }
    done.wait()
    return try box.result!.get()
}

/// Carries the result of async work back to the thread waiting for it (the semaphore orders the accesses).
final class AsyncResultBox<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}

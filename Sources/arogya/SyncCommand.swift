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
    static let configuration = CommandConfiguration(commandName: "hub", abstract: CommandHelp.text(.helpCliSync1),
                                                    subcommands: [Connect.self])

    struct Connect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CommandHelp.text(.helpCliSync2),
            discussion: CommandHelp.discussion(.helpCliSync2More))

        @OptionGroup var database: DatabaseOptions
        @ParentCommand var root: Arogya
        @Argument(help: "The hub's address, such as https://hub.example.in or http://127.0.0.1:8080.") var url: String
        @Option(help: "The device token.") var token: String
        @Flag(name: .customLong("allow-insecure"), help: "Allow plain HTTP to a hub that is not on this machine (the token would cross the network in clear).")
        var allowInsecure = false
        @Option(help: "Minutes between background syncs while the screen is open (0: only when asked on the Upload screen). Default 5.")
        var syncEvery: Int?
        @Flag(name: .customLong("no-check"), help: "Store the address and token without asking the hub first (setting up with no network).")
        var noCheck = false
        @OptionGroup var actorOptions: ActorOptions

        func run() throws {
            let environment = try CommandEnvironment.make(database, root: root)
            let strings = environment.strings
            guard let address = URL(string: url), let scheme = address.scheme?.lowercased(), ["http", "https"].contains(scheme), address.host != nil else {
                try CommandEnvironment.fail(code: 2, "arogya: " + strings.text(.cliHubBadAddress, ["url": url]))
            }
            let trimmed = token.trimmingCharacters(in: .whitespacesAndNewlines)
            guard trimmed.count >= 16, trimmed.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                try CommandEnvironment.fail(code: 2, "arogya: " + strings[.cliHubBadToken])
            }
            if HubClient.isInsecure(address) && !allowInsecure {
                try CommandEnvironment.fail(code: 2, "arogya: " + strings.text(.cliHubInsecure, ["host": address.host ?? url]))
            }
            if let syncEvery, !AppDatabase.syncIntervalRange.contains(syncEvery) {
                try CommandEnvironment.fail(code: 2, "arogya: " + strings.text(.syncIntervalRange, ["max": String(AppDatabase.syncIntervalRange.upperBound)]))
            }
            let store = try environment.openStore(.mustExist)
            let actor = try environment.actor(actorOptions, store: store)
            // Ask the hub who this token is before keeping it: a wrong address or token is found now, by the
            // admin typing it, not days later by a worker whose uploads never leave.
            var identity: HubClient.DeviceIdentity?
            if !noCheck {
                let client = HubClient(baseURL: address, token: trimmed, timeout: 15)
                do {
                    identity = try blockingWait { try await client.device() }
                } catch let failure as HubClient.Failure {
                    try CommandEnvironment.fail(code: 1, "arogya: " + strings.text(.cliHubCheckFailed, ["url": address.absoluteString,
                                                                                                          "why": failure.description]))
                }
            }
            try environment.run {
                try HubConnection.saveToken(trimmed, beside: environment.databasePath)
                try store.setHubURL(HubConnection.storedAddress(address, allowInsecure: allowInsecure), by: actor)
                if let syncEvery { try store.setSyncIntervalMinutes(syncEvery, by: actor) }
            }
            let path = HubConnection.tokenPath(beside: environment.databasePath)
            if let identity {
                environment.say(.cliHubConnected, ["url": address.absoluteString, "path": path, "device": identity.label ?? identity.device,
                                                   "facility": identity.facility])
            } else {
                environment.say(.cliHubSavedUnchecked, ["url": address.absoluteString, "path": path])
            }
        }
    }
}

/// `arogya sync`: push what is waiting, then pull; `arogya sync status`: what is waiting.
struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: CommandHelp.text(.helpCliSync3),
        discussion: CommandHelp.discussion(.helpCliSync3More),
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
        let client = try ConnectedHub.client(store: store, environment: environment)
        if resendRejected { _ = try environment.run { try store.resendRejected() } }
        let report = try environment.run {
            // AROGYA_SYNC_ATTEMPTS: tries per request (scripts that must fail fast set 1).
            let attempts = ProcessInfo.processInfo.environment["AROGYA_SYNC_ATTEMPTS"].flatMap(Int.init).map { max(1, min($0, 20)) } ?? 6
            let vocabulary = RecordVocabulary(strings: environment.strings, protocols: try ProtocolChoice.library())
            return try blockingWait {
                try await SyncEngine(store: store, client: client, vocabulary: vocabulary, retry: RetryPolicy(attempts: attempts)).run()
            }
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
            let sent = p.accepted + p.identical + p.conflicts + p.rejected
            // After a failure only what did happen is told: "sent 0" before "the hub could not be reached"
            // reads as if something had been checked.
            if sent > 0 || report.failure == nil {
                environment.say(.cliSyncPushed, ["total": String(sent), "accepted": String(p.accepted),
                                                 "identical": String(p.identical), "conflicts": String(p.conflicts), "rejected": String(p.rejected)])
            }
            if report.pulled > 0 || report.failure == nil { environment.say(.cliSyncPulled, ["count": String(report.pulled)]) }
            for problem in report.rejected {
                environment.say(.cliSyncRejectedRecord, ["type": problem.type, "id": problem.id, "reason": problem.message])
            }
            for problem in report.conflicts {
                environment.say(.cliSyncConflictRecord, ["type": problem.type, "id": problem.id, "reason": problem.message])
            }
            if let offset, let serverTime = report.serverTime {
                environment.say(.cliSyncHubClock, ["time": serverTime.iso8601, "offset": SyncStatusText.offset(offset, strings: environment.strings)])
            }
            if let failure = report.failure {
                FileHandle.standardError.write(Data(("arogya: " + TextSanitizer.singleLine(failure.description) + "\n").utf8))
            }
        }
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: CommandHelp.text(.helpCliSync4))
        @OptionGroup var database: DatabaseOptions
        @ParentCommand var root: Arogya
        /// `sync` has a `--json` of its own, which takes the flag when it is written after `status`.
        @ParentCommand var sync: SyncCommand
        @Flag(help: "Print JSON: {hub, pending: {TYPE: count}, pending_total, last_sync, server_time, clock_offset_ms, last_failure: {at, message}, rejected, conflicts, parked}.")
        var json = false

        func run() throws {
            let environment = try CommandEnvironment.make(database, root: root)
            let store = try environment.openStore(.forReading)
            let status = try environment.run { try store.syncStatus() }
            let hub = status.hubURL.map(HubConnection.displayAddress)
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
                print(SyncStatusText.render(status, hub: hub, strings: environment.strings), terminator: "")
            }
        }
    }
}

enum SyncStatusText {
    /// "in step with it", "3 min behind it"
    static func offset(_ milliseconds: Int64, strings: StringTable) -> String {
        let seconds = abs(milliseconds) / 1000
        if seconds < 2 { return strings[.cliSyncInStep] }
        let amount = seconds >= 120 ? strings.text(.cliMinutes, ["count": String(seconds / 60)]) : strings.text(.cliSeconds, ["count": String(seconds)])
        return strings.text(milliseconds > 0 ? .cliSyncBehind : .cliSyncAhead, ["amount": amount])
    }

    static func render(_ status: SyncStatus, hub: String?, strings: StringTable) -> String {
        var lines: [String] = []
        lines.append(strings.text(.cliSyncStatusHub, ["hub": hub.map(TextSanitizer.singleLine) ?? strings[.cliSyncStatusNoHub]]))
        var waiting = String(status.pending)
        if !status.pendingByType.isEmpty {
            waiting += " (" + status.pendingByType.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ") + ")"
        }
        lines.append(strings.text(.cliSyncStatusWaiting, ["waiting": waiting]))
        lines.append(strings.text(.cliSyncStatusLast, ["time": status.lastSuccess?.iso8601 ?? strings[.uploadNever]]))
        if let server = status.lastServerTime, let difference = status.clockOffsetMilliseconds {
            lines.append(strings.text(.cliSyncStatusClock, ["time": server.iso8601, "offset": offset(difference, strings: strings)]))
            if abs(difference) > SyncStatus.clockToleranceMilliseconds { lines.append(strings[.cliSyncStatusClockWarning]) }
        }
        if let failure = status.lastFailure {
            lines.append(strings.text(.cliSyncStatusFailure, ["time": failure.at.iso8601, "message": TextSanitizer.singleLine(failure.message)]))
        }
        lines.append(strings.text(.cliSyncStatusProblems, ["rejected": String(status.rejected.count), "conflicts": String(status.conflicts.count),
                                                          "parked": String(status.parked)]))
        return lines.joined(separator: "\n") + "\n"
    }
}

/// The terminal's hub client, or a one-line refusal saying how to connect.
enum ConnectedHub {
    static func client(store: AppDatabase, environment: CommandEnvironment) throws -> HubClient {
        let found = try environment.run { try HubConnection.client(store: store, databasePath: environment.databasePath) }
        switch found {
        case .success(let client): return client
        case .failure(let problem): try CommandEnvironment.fail(code: 1, "arogya: " + environment.strings.text(problem.message))
        }
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

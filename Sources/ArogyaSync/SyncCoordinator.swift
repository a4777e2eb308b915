import ArogyaCore
import ArogyaStore
import Foundation

/// Sync for the full-screen application: one run at a time, whoever asks (the Upload screen's "sync
/// now", or the timer that syncs in the background), with its progress and the hub's last known state
/// readable at any moment without waiting for the run. Screens read `snapshot`; they never block on it.
public final class SyncCoordinator: @unchecked Sendable {
    /// What the terminal last learnt of its hub.
    public enum HubState: Sendable, Equatable {
        case unknown
        /// It answered; its clock then, and how far ahead of ours it was.
        case reachable(serverTime: Timestamp, offsetMilliseconds: Int64, checkedAt: Timestamp)
        case unreachable(reason: String, checkedAt: Timestamp)
        case notConnected(HubConnection.Problem)
    }

    public struct Snapshot: Sendable {
        public var isRunning = false
        public var progress: SyncEngine.Progress?
        public var hub: HubState = .unknown
        public var lastReport: SyncEngine.Report?
        /// Counts finished runs, so that a screen can tell that one ended since it last looked.
        public var finishedRuns = 0
        /// The last run, when it could not reach the hub or the hub failed it: every screen's status line
        /// says so until a run gets through.
        public var lastFailure: (at: Timestamp, failure: HubClient.Failure)?

        public init() {}
    }

    public enum Outcome: Sendable {
        case finished(SyncEngine.Report)
        case alreadyRunning
        case notConnected(HubConnection.Problem)
        case storeFailed(UserMessage)
    }

    public typealias ClientSource = @Sendable () throws -> Result<HubClient, HubConnection.Problem>

    private let lock = NSLock()
    private var state = Snapshot()
    private let store: AppDatabase
    private let vocabulary: RecordVocabulary
    private let clock: WallClock
    private let retry: RetryPolicy
    private let makeClient: ClientSource

    /// `retry` is short by default: a background sync that cannot reach the hub gives up and waits for
    /// its next turn instead of trying for a minute.
    public init(store: AppDatabase, vocabulary: RecordVocabulary, clock: WallClock = .system, retry: RetryPolicy = RetryPolicy(attempts: 3),
                makeClient: @escaping ClientSource) {
        self.store = store
        self.vocabulary = vocabulary
        self.clock = clock
        self.retry = retry
        self.makeClient = makeClient
    }

    /// The coordinator of the terminal whose database is at `databasePath`.
    public convenience init(store: AppDatabase, vocabulary: RecordVocabulary, databasePath: String, clock: WallClock = .system) {
        self.init(store: store, vocabulary: vocabulary, clock: clock) { try HubConnection.client(store: store, databasePath: databasePath) }
    }

    public var snapshot: Snapshot { lock.withLock { state } }

    /// Pushes what waits and pulls what is new, unless a run is already going.
    public func sync() async -> Outcome {
        let started = lock.withLock { () -> Bool in
            guard !state.isRunning else { return false }
            state.isRunning = true
            state.progress = nil
            return true
        }
        guard started else { return .alreadyRunning }
        let outcome = await run()
        lock.withLock {
            state.isRunning = false
            state.progress = nil
            state.finishedRuns += 1
            switch outcome {
            case .finished(let report):
                state.lastReport = report
                state.hub = hubState(after: report)
                state.lastFailure = report.failure.map { (at: clock.now(), failure: $0) }
            case .notConnected(let problem):
                state.hub = .notConnected(problem)
            case .alreadyRunning, .storeFailed:
                break
            }
        }
        return outcome
    }

    /// Asks the hub for its clock: whether it is reachable now, and how far apart the clocks are.
    @discardableResult
    public func checkHub() async -> HubState {
        let found: HubState
        switch client() {
        case .failure(let problem):
            found = .notConnected(problem)
        case .success(let client):
            do throws(HubClient.Failure) {
                let serverTime = try await client.serverTime()
                let now = clock.now()
                found = .reachable(serverTime: serverTime, offsetMilliseconds: serverTime.millisecondsSince1970 - now.millisecondsSince1970,
                                   checkedAt: now)
            } catch {
                found = .unreachable(reason: error.description, checkedAt: clock.now())
            }
        }
        lock.withLock { state.hub = found }
        return found
    }

    private func client() -> Result<HubClient, HubConnection.Problem> {
        do { return try makeClient() } catch { return .failure(.notConnected) }
    }

    private func run() async -> Outcome {
        let client: HubClient
        do {
            switch try makeClient() {
            case .success(let found): client = found
            case .failure(let problem): return .notConnected(problem)
            }
            let engine = SyncEngine(store: store, client: client, vocabulary: vocabulary, retry: retry)
            let report = try await engine.run { [weak self] progress in
                self?.lock.withLock { self?.state.progress = progress }
            }
            return .finished(report)
        } catch {
            return .storeFailed(StoreError.message(for: error))
        }
    }

    private func hubState(after report: SyncEngine.Report) -> HubState {
        let now = clock.now()
        if let failure = report.failure, case .unreachable = failure {
            return .unreachable(reason: failure.description, checkedAt: now)
        }
        if let serverTime = report.serverTime {
            return .reachable(serverTime: serverTime, offsetMilliseconds: serverTime.millisecondsSince1970 - now.millisecondsSince1970,
                              checkedAt: now)
        }
        if let failure = report.failure {
            return .unreachable(reason: failure.description, checkedAt: now)
        }
        return state.hub
    }
}

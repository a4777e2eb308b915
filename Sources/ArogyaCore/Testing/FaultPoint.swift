import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A named moment at which a test can stop this process, to kill it exactly there instead of hoping a
/// timer lands in the right place.
///
/// `AROGYA_FAULT_STOP=POINT:N:MARKER` makes the N-th time the process reaches POINT write its pid to the
/// file MARKER and stop itself (SIGSTOP); the test waits for the file and sends SIGKILL. Unset (as always
/// outside the tests), `reached()` only reads a cached nil.
public enum FaultPoint: String, CaseIterable, Sendable {
    /// The hub has answered a pushed batch and the terminal has not yet stored the answers: the hub holds
    /// the records, the terminal still believes them waiting.
    case syncPushAnswered = "sync.push_answered"
    /// The hub has committed a pushed batch and not yet answered it.
    case hubPushCommitted = "hub.push_committed"

    private struct Plan: Sendable {
        let point: String
        let count: Int
        let marker: String
    }

    private static let plan: Plan? = {
        guard let value = ProcessInfo.processInfo.environment["AROGYA_FAULT_STOP"] else { return nil }
        let parts = value.split(separator: ":", maxSplits: 2).map(String.init)
        guard parts.count == 3, let count = Int(parts[1]), count > 0 else { return nil }
        return Plan(point: parts[0], count: count, marker: parts[2])
    }()

    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func next() -> Int {
            lock.lock()
            defer { lock.unlock() }
            value += 1
            return value
        }
    }

    private static let counter = Counter()

    public func reached() {
        guard let plan = Self.plan, plan.point == rawValue, Self.counter.next() == plan.count else { return }
        _ = FileManager.default.createFile(atPath: plan.marker, contents: Data(String(getpid()).utf8))
        raise(SIGSTOP)
    }
}

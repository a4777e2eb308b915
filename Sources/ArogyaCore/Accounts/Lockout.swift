/// Wrong-PIN lockout: five wrong PINs in a row lock the account for fifteen minutes.
///
/// The count and the end of the lock are stored with the account, so a restart does not clear them.
public struct LockoutPolicy: Sendable, Equatable {
    public let maxFailures: Int
    public let lockSeconds: Int64

    public init(maxFailures: Int = 5, lockSeconds: Int64 = 15 * 60) {
        self.maxFailures = maxFailures
        self.lockSeconds = lockSeconds
    }

    public static let standard = LockoutPolicy()

    /// Whether an account locked until `lockedUntil` is still locked at `now`.
    ///
    /// A lock that ends further ahead than one lock period was made while the clock was wrong (set
    /// forward, then corrected); it is treated as over rather than shutting a worker out for days.
    public func isLocked(until lockedUntil: Timestamp?, now: Timestamp) -> Bool {
        guard let lockedUntil else { return false }
        let remaining = now.seconds(until: lockedUntil)
        return remaining > 0 && remaining <= lockSeconds
    }

    /// Wrong PINs that still count at `now`: a lock that has run out starts a fresh series of tries.
    public func countingFailures(_ failures: Int, lockedUntil: Timestamp?, now: Timestamp) -> Int {
        if lockedUntil != nil && !isLocked(until: lockedUntil, now: now) { return 0 }
        return failures
    }

    /// The state after one more wrong PIN: the new count, and when the lock ends if this one locks.
    public func afterWrongPin(previousFailures: Int, lockedUntil: Timestamp?, now: Timestamp) -> (failures: Int, lockedUntil: Timestamp?) {
        let failures = countingFailures(previousFailures, lockedUntil: lockedUntil, now: now) + 1
        if failures >= maxFailures {
            return (failures, now.adding(seconds: lockSeconds))
        }
        return (failures, nil)
    }

    /// Wrong PINs left before the account locks.
    public func triesLeft(afterFailures failures: Int) -> Int {
        max(0, maxFailures - failures)
    }
}

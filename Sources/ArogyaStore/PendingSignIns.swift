import ArogyaCore
import Foundation

/// One PIN typed at the sign-in screen, the idle lock or for `--as`, as the audit log will hold it.
struct SignInAttempt: Sendable, Equatable {
    let accountId: String
    let username: String
    let at: Timestamp
    let succeeded: Bool
    let channel: AppDatabase.SignInChannel
    /// A stronger hash of the PIN, when the stored one uses fewer rounds than today's.
    let upgradedHash: String?
}

/// Sign-in attempts that could not be written (the disk was full), kept in memory until a write succeeds.
///
/// She signs in and reads as if they had been written: wrong PINs count towards the lockout from here
/// exactly as from the file, so a full disk never gives unlimited guesses. They are written, in order,
/// with the next write that succeeds; if the program ends first, only the record of the attempt is lost,
/// never a patient's data.
final class PendingSignIns: @unchecked Sendable {
    private let lock = NSLock()
    private var attempts: [SignInAttempt] = []

    /// The account as it would read with the kept attempts written.
    func apply(to account: inout Account, lockout: LockoutPolicy) {
        lock.lock()
        let mine = attempts.filter { $0.accountId == account.id }
        lock.unlock()
        for attempt in mine {
            if attempt.succeeded {
                account.failedPinCount = 0
                account.lockedUntil = nil
                account.lastLoginAt = attempt.at
            } else {
                let next = lockout.afterWrongPin(previousFailures: account.failedPinCount, lockedUntil: account.lockedUntil, now: attempt.at)
                account.failedPinCount = next.failures
                account.lockedUntil = next.lockedUntil ?? account.lockedUntil
            }
        }
    }

    /// Keeps an attempt that could not be written; the outcome is the one writing it would have had.
    /// `account` already has the earlier kept attempts applied.
    func keep(_ attempt: SignInAttempt, for account: Account, lockout: LockoutPolicy) -> LoginOutcome {
        lock.lock()
        attempts.append(attempt)
        lock.unlock()
        var after = account
        if attempt.succeeded {
            after.failedPinCount = 0
            after.lockedUntil = nil
            after.lastLoginAt = attempt.at
            return .signedIn(after)
        }
        let next = lockout.afterWrongPin(previousFailures: account.failedPinCount, lockedUntil: account.lockedUntil, now: attempt.at)
        if let until = next.lockedUntil { return .locked(until: until) }
        return .wrongPin(triesLeft: lockout.triesLeft(afterFailures: next.failures))
    }

    /// Takes every kept attempt, to write them; `restore` gives them back when that write fails.
    func take() -> [SignInAttempt] {
        lock.lock()
        defer { lock.unlock() }
        let taken = attempts
        attempts = []
        return taken
    }

    func restore(_ taken: [SignInAttempt]) {
        guard !taken.isEmpty else { return }
        lock.lock()
        attempts = taken + attempts
        lock.unlock()
    }

    var isEmpty: Bool {
        lock.lock()
        defer { lock.unlock() }
        return attempts.isEmpty
    }
}

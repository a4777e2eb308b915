import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A benchmark never waits forever: each program it starts gets a deadline, after which it is killed and
/// the step fails saying which step it was and how long it had. The watch runs beside the program, so the
/// time measured is not disturbed.
final class StepDeadline: @unchecked Sendable {
    struct Missed: Error, CustomStringConvertible {
        let step: String
        let seconds: Double
        var description: String { "\(step) had not finished after \(Int(seconds)) s and was stopped" }
    }

    private let lock = NSLock()
    private var fired = false
    private var finished = false
    let step: String
    let seconds: Double

    /// Starts watching a process that is already running.
    init(_ process: Process, seconds: Double, step: String) {
        self.step = step
        self.seconds = seconds
        let pid = process.processIdentifier
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [self] in
            lock.lock()
            defer { lock.unlock() }
            guard !finished, process.isRunning else { return }
            fired = true
            kill(pid, SIGKILL)
        }
    }

    /// Call after the process has exited: throws when it was stopped by the deadline.
    func check() throws {
        lock.lock()
        defer { lock.unlock() }
        finished = true
        if fired { throw Missed(step: step, seconds: seconds) }
    }
}

import ArogyaCore
import ArogyaUI
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The event loop: waits for a key, a finished job, a signal or the next tick; hands each to the
/// application; draws what it renders. It never blocks on the store: jobs run on other threads and
/// their results come back through a mailbox that wakes the loop.
@MainActor
public final class TerminalRunner {
    /// Why the loop ended.
    public enum Ending: Equatable, Sendable {
        case quit
        case signal(Int32)
        /// The benchmark hook: the named screen was drawn with no work in flight.
        case benchmarkExit
    }

    private let app: AppModel
    private let terminal: CursesTerminal
    private let mailbox = Mailbox()
    private let wake: WakePipe
    /// `AROGYA_BENCH_EXIT_AT`: the name of a screen type; the loop ends once it is drawn and idle.
    private let benchmarkExitScreen: String?

    public init(app: AppModel, terminal: CursesTerminal, benchmarkExitScreen: String? = nil) throws {
        self.app = app
        self.terminal = terminal
        self.wake = try WakePipe()
        self.benchmarkExitScreen = benchmarkExitScreen
    }

    public func run() -> Ending {
        SignalGuard.install(wakeDescriptor: wake.writeEnd, resetSequence: terminal.resetSequence)
        defer { SignalGuard.uninstall() }
        launch(app.start(uptime: Self.uptime()))
        var nextTick = Self.uptime() + 1
        draw()
        while true {
            if let signal = SignalGuard.pendingSignal { return .signal(signal) }
            if app.wantsQuit { return .quit }
            if let benchmarkExitScreen, !app.hasJobsInFlight, app.topScreenName == benchmarkExitScreen {
                return .benchmarkExit
            }
            let timeout = max(0, Int32((nextTick - Self.uptime()) * 1000))
            wait(timeoutMilliseconds: timeout)
            wake.drain()
            for event in terminal.readEvents() {
                launch(app.handle(event, uptime: Self.uptime()))
            }
            for (id, reply) in mailbox.take() {
                launch(app.complete(job: id, reply: reply, uptime: Self.uptime()))
            }
            if Self.uptime() >= nextTick {
                launch(app.handle(.tick, uptime: Self.uptime()))
                nextTick = Self.uptime() + 1
            }
            draw()
        }
    }

    private func draw() {
        let full = app.wantsFullRepaint
        app.wantsFullRepaint = false
        terminal.draw(app.render(), fullRepaint: full)
    }

    /// Sleeps until the keyboard or the wake pipe has something, or the timeout passes. A signal
    /// (SIGWINCH included) ends the wait early.
    private func wait(timeoutMilliseconds: Int32) {
        var descriptors = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
                           pollfd(fd: wake.readEnd, events: Int16(POLLIN), revents: 0)]
        _ = poll(&descriptors, nfds_t(descriptors.count), timeoutMilliseconds)
    }

    private func launch(_ jobs: [Job]) {
        for job in jobs {
            let mailbox = self.mailbox
            let wake = self.wake
            Task.detached {
                let reply = await job.work()
                mailbox.post(id: job.id, reply: reply)
                wake.signal()
            }
        }
    }

    /// Seconds on the monotonic clock, which setting the date does not move.
    static func uptime() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}

/// Replies of finished jobs, waiting for the main thread.
final class Mailbox: @unchecked Sendable {
    private let lock = NSLock()
    private var replies: [(Int, Reply)] = []

    func post(id: Int, reply: Reply) {
        lock.lock()
        replies.append((id, reply))
        lock.unlock()
    }

    func take() -> [(Int, Reply)] {
        lock.lock()
        defer { lock.unlock() }
        let taken = replies
        replies = []
        return taken
    }
}

/// A pipe whose only job is to wake `poll`: written by finished jobs and by signal handlers.
final class WakePipe: @unchecked Sendable {
    let readEnd: Int32
    let writeEnd: Int32

    init() throws {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        readEnd = ends[0]
        writeEnd = ends[1]
        // Non-blocking: a full pipe must never stall a signal handler or a job.
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
    }

    deinit {
        close(readEnd)
        close(writeEnd)
    }

    func signal() {
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    func drain() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(readEnd, &buffer, buffer.count) > 0 {}
    }
}

import CSpawn
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs another program for a test or a benchmark, with nothing of ours left open in it.
///
/// Foundation's `Process` leaves a socket of its own open in the child and waits for it to close; a
/// program that starts a daemon (tmux starts its server that way) passes the socket on, and the wait
/// never ends. This spawns with every descriptor above 2 closed and waits with `waitpid`.
public final class ChildProcess: @unchecked Sendable {
    public struct Result: Sendable {
        /// The exit status, or 128 + the signal that ended it, as a shell reports it.
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    public enum SpawnError: Error, CustomStringConvertible {
        case cannotStart(String, errno: Int32)
        /// The program was still running at the deadline and was killed; what it had printed so far.
        case timedOut(String, seconds: Double, output: String)
        public var description: String {
            switch self {
            case .cannotStart(let program, let code): return "cannot start \(program): \(String(cString: strerror(code)))"
            case .timedOut(let program, let seconds, let output):
                return "\(program) was still running after \(seconds) s and was killed; it had printed:\n\(output)"
            }
        }
    }

    public let pid: pid_t
    private var exitStatus: Int32?

    /// A program that exits without reading all its input must not kill the tests with SIGPIPE when the
    /// rest is written: the write fails with EPIPE instead, and the writer stops.
    private static let brokenPipesIgnored: Void = { _ = Glibc.signal(SIGPIPE, SIG_IGN) }()

    /// Starts `executable` (a path, or a name looked up in PATH) with its standard streams on the given
    /// descriptors, which stay the caller's to close.
    public init(executable: String, arguments: [String], environment: [String: String],
                standardInput: Int32, standardOutput: Int32, standardError: Int32) throws {
        _ = Self.brokenPipesIgnored
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var child: pid_t = 0
        let result = arogya_spawn(&child, executable, argv, envp, standardInput, standardOutput, standardError)
        guard result == 0 else { throw SpawnError.cannotStart(executable, errno: result) }
        pid = child
    }

    /// Starts a long-running program with its output appended to `logPath` (for servers).
    public static func launch(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                              logPath: String) throws -> ChildProcess {
        let log = open(logPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
        defer { close(log); close(null) }
        return try ChildProcess(executable: executable, arguments: arguments,
                                environment: environment ?? ProcessInfo.processInfo.environment,
                                standardInput: null, standardOutput: log, standardError: log)
    }

    /// Runs a program to its end with `stdin` as its input, and returns what it printed. A program still
    /// running after `timeout` seconds is killed and reported, so that a hang fails a test instead of the run.
    /// `started` is told the program once it runs, and `ending` once its output has closed, before it is
    /// reaped (a stress test keeps it in between, to kill it at a moment of its choosing: until it is reaped,
    /// its process id cannot belong to another program).
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                           stdin: String = "", timeout: Double = 120, started: (ChildProcess) -> Void = { _ in },
                           ending: (ChildProcess) -> Void = { _ in }) throws -> Result {
        let input = try Self.pipe(), output = try Self.pipe(), errors = try Self.pipe()
        let child: ChildProcess
        do {
            child = try ChildProcess(executable: executable, arguments: arguments,
                                     environment: environment ?? ProcessInfo.processInfo.environment,
                                     standardInput: input.read, standardOutput: output.write, standardError: errors.write)
        } catch {
            [input.read, input.write, output.read, output.write, errors.read, errors.write].forEach { close($0) }
            throw error
        }
        close(input.read); close(output.write); close(errors.write)
        started(child)
        // Written from another thread so that a program which prints before reading cannot block us both.
        let bytes = Array(stdin.utf8)
        let writer = Thread {
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { write(input.write, $0.baseAddress, $0.count) }
                if written <= 0 { break }
                offset += written
            }
            close(input.write)
        }
        writer.start()
        let deadline = Date().addingTimeInterval(timeout)
        let (out, err, finished) = Self.readBoth(output.read, errors.read, until: deadline)
        close(output.read); close(errors.read)
        ending(child)
        if !finished {
            child.signal(SIGKILL)
            child.wait()
            throw SpawnError.timedOut(([executable] + arguments).joined(separator: " "), seconds: timeout,
                                      output: String(decoding: out + err, as: UTF8.self))
        }
        let status = child.wait()
        return Result(status: status, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
    }

    /// Sends a signal (SIGTERM, SIGKILL, ...).
    /// Sends `signal`, unless the program has been reaped: its process id may belong to another program by
    /// then (or to a thread of this one), which must never be signalled.
    public func signal(_ signal: Int32) {
        guard exitStatus == nil else { return }
        kill(pid, signal)
    }

    /// Waits for the program to end and returns its status (cached, so it can be asked again).
    @discardableResult
    public func wait() -> Int32 {
        if let exitStatus { return exitStatus }
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
        let status = (raw & 0x7F) == 0 ? (raw >> 8) & 0xFF : 128 + (raw & 0x7F)
        exitStatus = status
        return status
    }

    /// Whether the program has ended, without waiting.
    public var hasEnded: Bool {
        if exitStatus != nil { return true }
        var raw: Int32 = 0
        guard waitpid(pid, &raw, WNOHANG) == pid else { return false }
        exitStatus = (raw & 0x7F) == 0 ? (raw >> 8) & 0xFF : 128 + (raw & 0x7F)
        return true
    }

    private static func pipe() throws -> (read: Int32, write: Int32) {
        var ends: [Int32] = [0, 0]
        guard arogya_pipe(&ends) == 0 else { throw SpawnError.cannotStart("a pipe", errno: errno) }
        return (ends[0], ends[1])
    }

    /// Reads two pipes to their ends together, so that neither fills while the other is waited on; false
    /// when the deadline came first.
    private static func readBoth(_ first: Int32, _ second: Int32, until deadline: Date) -> ([UInt8], [UInt8], Bool) {
        var collected: [[UInt8]] = [[], []]
        var descriptors = [pollfd(fd: first, events: Int16(POLLIN), revents: 0), pollfd(fd: second, events: Int16(POLLIN), revents: 0)]
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while descriptors.contains(where: { $0.fd >= 0 }) {
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { return (collected[0], collected[1], false) }
            if poll(&descriptors, nfds_t(descriptors.count), Int32(min(remaining * 1000, 60_000)) + 1) < 0 {
                if errno == EINTR { continue }
                break
            }
            for index in descriptors.indices where descriptors[index].fd >= 0 && descriptors[index].revents != 0 {
                let count = read(descriptors[index].fd, &buffer, buffer.count)
                if count > 0 {
                    collected[index] += buffer[0..<count]
                } else if count == 0 || errno != EINTR {
                    descriptors[index].fd = -1
                }
            }
        }
        return (collected[0], collected[1], true)
    }
}

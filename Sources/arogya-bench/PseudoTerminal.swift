import CPseudoTerminal
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a program on a pseudo-terminal, as a person's terminal would, and reports how long it ran and
/// its peak memory.
///
/// The memory is the kernel's high-water mark of the program's own address space (`VmHWM` in
/// `/proc/PID/status`), read while it runs. `wait4`'s `ru_maxrss` would be wrong here: glibc's posix_spawn
/// runs the child in the parent's address space until `exec`, so it starts at the benchmark's own size.
struct PseudoTerminalRun {
    struct Outcome {
        let wallSeconds: Double
        let peakResidentBytes: Int
        let exitStatus: Int32
    }

    enum Failure: Error, CustomStringConvertible {
        case pty(String)
        case spawn(Int32)
        /// Still running when it should have ended: what it last drew says why (a PIN it did not take, a
        /// screen it did not reach).
        case stuck(seconds: Double, lastDrawn: String)

        var description: String {
            switch self {
            case .pty(let step): return "cannot make a pseudo-terminal (\(step) failed: \(String(cString: strerror(errno))))"
            case .spawn(let code): return "cannot start the program: \(String(cString: strerror(code)))"
            case .stuck(let seconds, let lastDrawn):
                return "the program had not ended \(Int(seconds)) s after its last key and was stopped; it last drew: \(lastDrawn)"
            }
        }
    }

    let executable: String
    let arguments: [String]
    let environment: [String: String]
    /// Typed into the terminal right after start; the program reads it when it is ready.
    let typeAhead: String
    /// Then typed step by step, each after its pause in seconds: a person working.
    var steps: [(pause: Double, text: String)] = []
    /// How long the program may run on after the last step before it is stopped and the run fails: a
    /// benchmark never waits forever.
    var exitDeadline: Double = 30

    func run() throws -> Outcome {
        var name = [CChar](repeating: 0, count: 128)
        let master = arogya_open_pty(&name, name.count, 24, 80)
        guard master >= 0 else { throw Failure.pty("opening a pseudo-terminal") }
        defer { close(master) }
        let slave = open(String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self), O_RDWR | O_NOCTTY)
        guard slave >= 0 else { throw Failure.pty("open slave") }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor in Int32(0)...2 { posix_spawn_file_actions_adddup2(&actions, slave, descriptor) }
        posix_spawn_file_actions_addclose(&actions, master)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // POSIX_SPAWN_SETSID (glibc's 0x80): a session of its own, as a login on a terminal has.
        posix_spawnattr_setflags(&attributes, Int16(0x80))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }

        // Whatever the program draws must be read, or it blocks once the terminal's buffer is full. The
        // last of it is kept, to say where a program that does not end was.
        let drawn = DrawnTail()
        let drain = Thread {
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = read(master, &buffer, buffer.count)
                guard count > 0 else { break }
                drawn.append(buffer[0..<count])
            }
        }
        var pid: pid_t = 0
        let start = Self.now()
        let code = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        close(slave)
        guard code == 0 else { throw Failure.spawn(code) }
        drain.start()
        func type(_ text: String) {
            _ = text.utf8CString.withUnsafeBufferPointer { write(master, $0.baseAddress, $0.count - 1) }
        }
        if !typeAhead.isEmpty { type(typeAhead) }
        for step in steps {
            Thread.sleep(forTimeInterval: step.pause)
            type(step.text)
        }
        var status: Int32 = 0
        var peak = Self.highWaterMark(pid) ?? 0
        let lastKey = Self.now()
        // Until it exits, keep the last reading of its high-water mark, which only grows.
        while waitpid(pid, &status, WNOHANG) == 0 {
            if let reading = Self.highWaterMark(pid) { peak = max(peak, reading) }
            if Self.now() - lastKey > exitDeadline {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                throw Failure.stuck(seconds: exitDeadline, lastDrawn: drawn.text())
            }
            usleep(1_000)
        }
        let elapsed = Self.now() - start
        return Outcome(wallSeconds: elapsed, peakResidentBytes: peak,
                       exitStatus: (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F))
    }

    /// `VmHWM` of a running process, in bytes.
    static func highWaterMark(_ pid: pid_t) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else { return nil }
        return kilobytes * 1024
    }

    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}

/// The last few kilobytes a program drew, as plain text: escape sequences dropped, runs of space folded.
final class DrawnTail: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes: [UInt8] = []

    func append(_ more: ArraySlice<UInt8>) {
        lock.lock()
        defer { lock.unlock() }
        bytes.append(contentsOf: more)
        if bytes.count > 8192 { bytes.removeFirst(bytes.count - 8192) }
    }

    func text() -> String {
        lock.lock()
        let raw = String(decoding: bytes, as: UTF8.self)
        lock.unlock()
        let plain = raw.replacingOccurrences(of: "\u{1B}\\[[0-9;?]*[ -/]*[@-~]|\u{1B}[()][0-9A-Za-z]|\u{1B}[=>78]", with: " ", options: .regularExpression)
        let words = plain.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : String($0) }.joined()
            .split(separator: " ", omittingEmptySubsequences: true)
        return words.suffix(60).joined(separator: " ")
    }
}

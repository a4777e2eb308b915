import Foundation

/// Drives a real program in a real terminal through tmux: start it at a size, type, read the screen.
public final class TmuxSession {
    public let name: String

    public static var isAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") || FileManager.default.isExecutableFile(atPath: "/usr/local/bin/tmux")
    }

    /// Whether the tests that need tmux run: where it is installed, and always under CI (which installs
    /// it), so that there a missing tmux fails them instead of skipping them. Elsewhere the run reports
    /// them as skipped, by Swift Testing's own condition, never as passed.
    public static var testsRun: Bool {
        isAvailable || ProcessInfo.processInfo.environment["CI"] != nil
    }

    /// Starts `command` detached at `width`×`height`, with the environment pinned for repeatable screens.
    public init(name: String, width: Int = 80, height: Int = 24, environment: [String: String] = [:], command: [String]) throws {
        self.name = name
        _ = try? Self.tmux(["kill-session", "-t", name])
        var pinned = ["LANG": "C.UTF-8", "TERM": "xterm-256color", "TZ": "UTC"]
        pinned.merge(environment) { _, new in new }
        let assignments = pinned.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quote($0.value))" }.joined(separator: " ")
        let line = "env \(assignments) " + command.map(Self.quote).joined(separator: " ") + "; echo \"[exited with $?]\"; sleep 600"
        try Self.tmux(["new-session", "-d", "-s", name, "-x", String(width), "-y", String(height), line])
        _ = try? Self.tmux(["set-option", "-t", name, "status", "off"])
    }

    deinit {
        _ = try? Self.tmux(["kill-session", "-t", name])
    }

    /// Key names as tmux knows them: "Enter", "Tab", "BTab", "Escape", "F2", "C-s", "Up".
    public func keys(_ keys: String...) throws {
        try Self.tmux(["send-keys", "-t", name] + keys)
    }

    /// Text typed literally (Devanagari too).
    public func type(_ text: String) throws {
        try Self.tmux(["send-keys", "-t", name, "-l", text])
    }

    public func screen() throws -> String {
        try Self.tmux(["capture-pane", "-p", "-t", name])
    }

    /// Where the terminal shows the cursor, as tmux itself placed it from the program's output.
    public func cursor() throws -> (x: Int, y: Int) {
        let answer = try Self.tmux(["display-message", "-p", "-t", name, "#{cursor_x} #{cursor_y}"])
        let parts = answer.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Int($0) }
        guard parts.count == 2 else { throw TmuxError.failed("cursor position: \(answer)") }
        return (parts[0], parts[1])
    }

    public func resize(width: Int, height: Int) throws {
        try Self.tmux(["resize-window", "-t", name, "-x", String(width), "-y", String(height)])
    }

    /// Waits until `text` is on the screen; returns the screen. Throws with the screen when it never comes.
    @discardableResult
    public func waitFor(_ text: String, seconds: Double = 10) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if last.contains(text) { return last }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw TmuxError.textNeverAppeared(text, screen: last)
    }

    public enum TmuxError: Error, CustomStringConvertible {
        case failed(String)
        case textNeverAppeared(String, screen: String)

        public var description: String {
            switch self {
            case .failed(let message): return "tmux failed: \(message)"
            case .textNeverAppeared(let text, let screen): return "'\(text)' never appeared; the screen:\n\(screen)"
            }
        }
    }

    /// The tests' own tmux server: never the user's, whose settings or state could change what a test sees.
    public static let socketName = "arogya-tests"

    @discardableResult
    static func tmux(_ arguments: [String]) throws -> String {
        let result = try ChildProcess.run("tmux", ["-L", socketName, "-f", "/dev/null"] + arguments, timeout: 30)
        guard result.status == 0 else { throw TmuxError.failed(result.stdout + result.stderr) }
        return result.stdout
    }

    static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

extension TmuxSession {
    /// At the sign-in screen with `priya` listed: types her PIN and waits for home.
    public func signInAsPriya(pin: String = "4826") throws {
        try waitFor("> priya")
        try type(pin)
        try keys("Enter")
        try waitFor("Namaste")
    }

    /// From home: searches Patients for `query`, which must find one patient, and opens her card.
    @discardableResult
    public func openPatient(_ query: String) throws -> String {
        try keys("1")
        try waitFor("> Find")
        try type(query)
        try waitFor("1 found")
        try keys("Enter")
        return try waitFor("Care")
    }

    /// From a patient's card opened by `openPatient`: back past the search (cleared, then left) to home.
    public func backHomeFromCard() throws {
        try keys("Escape", "Escape", "Escape")
        try waitFor("Namaste")
    }
}

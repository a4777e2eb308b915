import ArgumentParser
import ArogyaCore
import ArogyaStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An error already explained to the person: exit with this code after printing the line.
enum Failure: Error {
    /// Exit 1: the database or the situation refused (locked, damaged, missing, a name taken).
    case runtime(String)
    /// Exit 2: the input data was wrong (a value out of range, malformed JSON).
    case invalidInput(String)
}

/// What every command needs: the text table, the database path, and a way to report failures.
struct CommandEnvironment {
    let strings: StringTable
    let databasePath: String

    static func make(_ database: DatabaseOptions, root: Arogya) throws -> CommandEnvironment {
        guard let assets = AssetDirectory.locate() else {
            try fail(code: 1, "arogya: cannot find the text files (strings/en.json); set AROGYA_ASSETS to the assets folder")
        }
        do {
            return CommandEnvironment(strings: try StringTable.load(from: assets), databasePath: database.resolvedPath(root: root))
        } catch {
            try fail(code: 1, "arogya: \(error)")
        }
    }

    /// Opens the database, or prints why not and exits 1.
    func openStore(_ mode: AppDatabase.OpenMode) throws -> AppDatabase {
        try run { try AppDatabase.open(path: databasePath, mode: mode) }
    }

    /// Runs a step, turning the store's and the rules' errors into one line on stderr and the exit code.
    func run<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as StoreError {
            try Self.fail(code: 1, "arogya: " + strings.text(error.message))
        } catch let message as UserMessage {
            try Self.fail(code: 2, "arogya: " + strings.text(message))
        } catch let failure as Failure {
            switch failure {
            case .runtime(let text): try Self.fail(code: 1, "arogya: " + text)
            case .invalidInput(let text): try Self.fail(code: 2, "arogya: " + text)
            }
        }
    }

    static func fail(code: Int32, _ line: String) throws -> Never {
        FileHandle.standardError.write(Data((line + "\n").utf8))
        throw ExitCode(code)
    }

    /// Who the audit log names for a change made here: `--as USER` (an active account) or
    /// `cli:<Unix login name>`.
    func actor(_ options: ActorOptions, store: AppDatabase) throws -> AuditActor {
        guard let name = options.account else { return .commandLine(unixUser: Self.unixLoginName()) }
        return try run {
            guard let account = try store.account(username: name), account.isActive else {
                throw StoreError.refused(UserMessage(.errorUnknownUser, ["username": name]))
            }
            return .account(account.username)
        }
    }

    static func unixLoginName() -> String {
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return ProcessInfo.processInfo.environment["USER"] ?? "unknown"
    }

    func say(_ key: StringKey, _ arguments: [String: String] = [:]) {
        print(strings.text(key, arguments))
    }
}

/// Reads a PIN from standard input: one line, and a second that must repeat it when given. At a
/// terminal it asks twice without echoing.
enum PinReader {
    static func read(strings: StringTable) throws(UserMessage) -> String {
        if isatty(STDIN_FILENO) == 1 {
            let first = prompt(strings[.cliPinPrompt])
            let second = prompt(strings[.cliPinAgainPrompt])
            return try AccountRules.confirmedPin(first, repeated: second)
        }
        guard let first = readLine(strippingNewline: true) else { throw UserMessage(.cliPinMissing) }
        if let second = readLine(strippingNewline: true), !second.isEmpty {
            return try AccountRules.confirmedPin(first, repeated: second)
        }
        return try AccountRules.pin(first)
    }

    private static func prompt(_ text: String) -> String {
        FileHandle.standardError.write(Data(text.utf8))
        var saved = termios()
        tcgetattr(STDIN_FILENO, &saved)
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet)
        defer {
            tcsetattr(STDIN_FILENO, TCSANOW, &saved)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return readLine(strippingNewline: true) ?? ""
    }
}

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
    /// The command line's language: `AROGYA_LANG`, else the locale's (`Language.fromEnvironment`).
    let strings: StringTable
    /// Every installed language, for the screens and for checking `--language`.
    let catalog: StringCatalog
    let databasePath: String

    static func make(_ database: DatabaseOptions, root: Arogya) throws -> CommandEnvironment {
        switch CommandText.loaded {
        case .success(let text):
            return CommandEnvironment(strings: text.strings, catalog: text.catalog, databasePath: database.resolvedPath(root: root))
        case .failure(CommandText.Missing.noAssets):
            try fail(code: 1, "arogya: cannot find the text files (strings/en.json); set AROGYA_ASSETS to the assets folder")
        case .failure(let error):
            try fail(code: 1, "arogya: \(error)")
        }
    }

    /// A `--language` value: its form, and that its table is installed here.
    func language(_ raw: String) throws -> Language {
        try run { () throws -> Language in
            let language = try AccountRules.language(raw)
            guard catalog.has(language) else {
                throw UserMessage(.errorLanguageNotInstalled, ["code": language.rawValue,
                                                               "languages": catalog.languages.map(\.rawValue).joined(separator: ", ")])
            }
            return language
        }
    }

    /// Opens the database, or prints why not and exits 1.
    func openStore(_ mode: AppDatabase.OpenMode, integrityCheck: AppDatabase.IntegrityCheckTiming = .beforeOpening) throws -> AppDatabase {
        let strings = self.strings
        return try run {
            try AppDatabase.open(path: databasePath, mode: mode, integrityCheck: integrityCheck) { notice in
                FileHandle.standardError.write(Data(("arogya: " + strings.text(notice) + "\n").utf8))
            }
        }
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

    /// One line on standard error, cleaned: a name or a hub's reason inside it can never add a line or
    /// send the terminal an escape sequence.
    static func fail(code: Int32, _ line: String) throws -> Never {
        FileHandle.standardError.write(Data((TextSanitizer.singleLine(line) + "\n").utf8))
        throw ExitCode(code)
    }

    /// Who the audit log names for a change made here: `--as USER`, proven with her PIN, or
    /// `cli:<Unix login name>`.
    ///
    /// The PIN is read from `AROGYA_PIN` (scripts), else asked at the terminal without echo. It is checked as
    /// the sign-in screen checks it: a wrong one counts towards the lockout, a locked or disabled account
    /// cannot act, and an account that must choose a new PIN (after a reset) must do so on the screen first,
    /// since the PIN it has is known to the supervisor who set it. `supervisorOnly` commands (accounts, a
    /// restored file) refuse to run without `--as` a supervisor.
    func actor(_ options: ActorOptions, store: AppDatabase, supervisorOnly: Bool = false) throws -> AuditActor {
        guard let name = options.account else {
            if supervisorOnly { try Self.fail(code: 1, "arogya: " + strings[.cliSupervisorPinNeeded]) }
            return .commandLine(unixUser: Self.unixLoginName())
        }
        let account = try run { () throws -> Account in
            guard let account = try store.account(username: name), account.isActive else {
                throw StoreError.refused(UserMessage(.errorUnknownUser, ["username": name]))
            }
            return account
        }
        let pin = try PinReader.proof(for: account.username, strings: strings)
        let outcome = try run { try store.attemptLogin(username: account.username, pin: pin, via: .commandLine) }
        switch outcome {
        case .signedIn(let signedIn):
            if signedIn.mustChangePin {
                try Self.fail(code: 1, "arogya: " + strings.text(.cliMustChangePinFirst, ["username": signedIn.username]))
            }
            if supervisorOnly, signedIn.role != .supervisor {
                try Self.fail(code: 1, "arogya: " + strings[.errorSupervisorOnly])
            }
            return .account(signedIn.username)
        default:
            let message = outcome.message { LocalTime($0).hourMinute } ?? UserMessage(.loginUnknown)
            try Self.fail(code: 1, "arogya: " + account.username + ": " + strings.text(message))
        }
    }

    static func unixLoginName() -> String {
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return ProcessInfo.processInfo.environment["USER"] ?? "unknown"
    }

    /// A line of the string table, its values cleaned (they may be names, or a hub's words).
    func say(_ key: StringKey, _ arguments: [String: String] = [:]) {
        print(strings.text(key, arguments.mapValues(TextSanitizer.singleLine)))
    }
}

/// Reads a PIN from standard input: one line, and a second that must repeat it when given. At a
/// terminal it asks twice without echoing.
enum PinReader {
    static func read(strings: StringTable) throws(UserMessage) -> String {
        if isatty(STDIN_FILENO) == 1 {
            let first = prompt(strings[.cliPinPrompt], on: STDIN_FILENO)
            let second = prompt(strings[.cliPinAgainPrompt], on: STDIN_FILENO)
            return try AccountRules.confirmedPin(first, repeated: second)
        }
        guard let first = readLine(strippingNewline: true) else { throw UserMessage(.cliPinMissing) }
        if let second = readLine(strippingNewline: true), !second.isEmpty {
            return try AccountRules.confirmedPin(first, repeated: second)
        }
        return try AccountRules.pin(first)
    }

    /// The PIN of the account named by `--as`: `AROGYA_PIN`, else asked on the controlling terminal (so that
    /// standard input stays free for a new PIN being piped in), else refused.
    static func proof(for username: String, strings: StringTable) throws -> String {
        if let pin = ProcessInfo.processInfo.environment["AROGYA_PIN"] {
            return pin.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let terminal = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard terminal >= 0 else {
            try CommandEnvironment.fail(code: 1, "arogya: " + strings.text(.cliPinProofNeeded, ["username": username]))
        }
        defer { close(terminal) }
        return prompt(strings.text(.cliPinProofPrompt, ["username": username]), on: terminal)
    }

    /// Asks on a terminal with echo off, and reads one line from it.
    static func prompt(_ text: String, on terminal: Int32) -> String {
        let question = Array(text.utf8)
        _ = Glibc.write(terminal == STDIN_FILENO ? STDERR_FILENO : terminal, question, question.count)
        var saved = termios()
        tcgetattr(terminal, &saved)
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(terminal, TCSANOW, &quiet)
        defer {
            tcsetattr(terminal, TCSANOW, &saved)
            _ = Glibc.write(terminal == STDIN_FILENO ? STDERR_FILENO : terminal, "\n", 1)
        }
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while Glibc.read(terminal, &byte, 1) == 1, byte != 10, line.count < 64 { line.append(byte) }
        return String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

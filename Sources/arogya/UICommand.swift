import ArgumentParser
import ArogyaCore
import ArogyaStore
import ArogyaSync
import ArogyaTerminal
import ArogyaUI
import Foundation

/// `arogya [--db PATH]`: the full-screen application.
struct UICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ui",
        abstract: CommandHelp.text(.helpCliUi1))

    @OptionGroup var database: DatabaseOptions
    @ParentCommand var root: Arogya

    func run() throws {
        let environment = try CommandEnvironment.make(database, root: root)
        // A broken protocol file is refused here, with its place and reason, before anyone screens with it.
        let protocols = try environment.run { () throws -> ProtocolLibrary in
            do {
                return try ProtocolLibrary.load(from: try ProtocolChoice.assets())
            } catch let error as ProtocolLibrary.LoadError {
                throw Failure.runtime(error.description)
            }
        }
        // Open and check the database before curses takes the screen, so that a refusal is one plain line.
        // The screen starts at once; a large file's integrity check runs behind it (AppModel).
        let store = try environment.openStore(.createIfMissing, integrityCheck: .inBackground)
        let (facility, idleMinutes, syncMinutes, storedLanguage) = try environment.run {
            (try store.facility(), try store.idleLockMinutes(), try store.syncIntervalMinutes(), try store.defaultLanguage())
        }
        // Before setup there is no facility default: the first screen speaks the terminal's locale.
        let startLanguage = facility == nil ? environment.strings.languageValue : storedLanguage
        // Due dates waiting to be worked out (after an upgrade, or a new protocol for the state) are done now,
        // with a line saying so, rather than behind the first card she opens.
        let rules = protocols.protocolFor(state: facility?.state?.code)
        _ = try environment.run {
            try store.refreshCare(protocol: rules) { done, total in
                guard total > 5_000 else { return }
                let line = environment.strings.text(.cliCareProgress, ["done": String(done), "total": String(total)])
                FileHandle.standardError.write(Data(("\r" + line + (done == total ? "\n" : "")).utf8))
            }
        }
        let variables = ProcessInfo.processInfo.environment
        let ending: TerminalRunner.Ending = try MainActor.assumeIsolated {
            let terminal: CursesTerminal
            do {
                terminal = try CursesTerminal(environment: variables)
            } catch CursesTerminal.StartError.cannotStart(let term) {
                try CommandEnvironment.fail(code: 1, "arogya: " + environment.strings.text(.cliBadTerm, ["term": term]))
            } catch {
                try CommandEnvironment.fail(code: 1, "arogya: " + environment.strings[.cliNotATerminal])
            }
            defer { terminal.restore() }
            let sync = SyncCoordinator(store: store, vocabulary: RecordVocabulary(strings: environment.strings, protocols: protocols),
                                       databasePath: environment.databasePath)
            // A terminal that is not UTF-8 cannot draw Devanagari: English only, and a line says why.
            let englishOnly = terminal.glyphs == .ascii
            let catalog = englishOnly ? StringCatalog(englishOnly: environment.catalog.english) : environment.catalog
            let context = AppContext(store: store, strings: catalog.english, catalog: catalog, englishOnlyTerminal: englishOnly,
                                     protocols: protocols, sync: sync,
                                     syncIntervalMinutes: syncMinutes,
                                     abha: .hub(store: store, databasePath: environment.databasePath))
            let app = AppModel(context: context, facility: facility, idleLockMinutes: idleMinutes, defaultLanguage: startLanguage,
                               size: terminal.size, glyphs: terminal.glyphs)
            let runner = try TerminalRunner(app: app, terminal: terminal,
                                            benchmarkExitScreen: variables["AROGYA_BENCH_EXIT_AT"])
            return runner.run()
        }
        if case .signal(let signal) = ending {
            // As a shell reports it: 128 + the signal's number.
            throw ExitCode(128 + signal)
        }
    }
}

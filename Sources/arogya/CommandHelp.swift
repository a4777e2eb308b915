import ArogyaCore
import Foundation

/// The parts of `--help` that swift-argument-parser lets a program word itself: each command's abstract
/// and discussion, from the string table in the command line's language (`AROGYA_LANG`, else the locale).
/// The descriptions of options and arguments are fixed where the command's properties are declared, so
/// they stay English; in another language a discussion ends with a line saying so.
enum CommandHelp {
    static var strings: StringTable {
        // No text files: the command itself says so when it runs; its help names its keys meanwhile.
        (try? CommandText.loaded.get())?.strings ?? StringTable(language: "en", entries: [:])
    }

    static func text(_ key: StringKey) -> String { strings[key] }

    static func discussion(_ key: StringKey) -> String {
        strings.language == Language.english.rawValue ? strings[key] : strings[key] + "\n\n" + strings[.helpCliOptionsInEnglish]
    }
}

/// The text tables, read once per process: argument-parser reads every command's help while it parses the
/// arguments, and the command then speaks from the same tables.
enum CommandText {
    struct Loaded: Sendable {
        let catalog: StringCatalog
        /// The command line's language: `AROGYA_LANG`, else the locale's.
        let strings: StringTable
    }

    enum Missing: Error { case noAssets }

    static let loaded: Result<Loaded, any Error> = {
        guard let assets = AssetDirectory.locate() else { return .failure(Missing.noAssets) }
        return Result {
            let catalog = try StringCatalog.load(from: assets)
            let language = Language.fromEnvironment(ProcessInfo.processInfo.environment) ?? .english
            return Loaded(catalog: catalog, strings: catalog.table(for: language))
        }
    }()
}

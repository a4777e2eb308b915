import ArogyaCore
import Foundation

/// The parts of `--help` that swift-argument-parser lets a program word itself: each command's abstract
/// and discussion, from the string table in the command line's language (`AROGYA_LANG`, else the locale).
/// The descriptions of options and arguments are fixed where the command's properties are declared, so
/// they stay English; in another language a discussion ends with a line saying so.
enum CommandHelp {
    static let strings: StringTable = {
        let language = Language.fromEnvironment(ProcessInfo.processInfo.environment) ?? .english
        guard let assets = AssetDirectory.locate(), let catalog = try? StringCatalog.load(from: assets) else {
            // No text files: the command itself will say so when it runs; its help names its keys meanwhile.
            return StringTable(language: "en", entries: [:])
        }
        return catalog.table(for: language)
    }()

    static func text(_ key: StringKey) -> String { strings[key] }

    static func discussion(_ key: StringKey) -> String {
        strings.language == Language.english.rawValue ? strings[key] : strings[key] + "\n\n" + strings[.helpCliOptionsInEnglish]
    }
}

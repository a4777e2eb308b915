import Foundation

/// A language the text is shown in, by its ISO 639 code ("en", "hi").
///
/// Not a closed enum: a language is available when `assets/strings/<code>.json` exists, so the next
/// language a state brings is a file, not a change of code. The code is checked for form wherever it is
/// written (screen, command line, hub, pull), and against the installed tables where text is chosen.
public struct Language: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: String

    /// Two or three small Latin letters, as ISO 639-1 and 639-2 codes are.
    public init?(rawValue: String) {
        let bytes = Array(rawValue.utf8)
        guard (2...3).contains(bytes.count), bytes.allSatisfy({ (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) }) else { return nil }
        self.rawValue = rawValue
    }

    public static let english = Language(rawValue: "en")!
    public static let hindi = Language(rawValue: "hi")!

    public var description: String { rawValue }

    /// English first, then the others by code, so that lists of languages keep one order.
    public static func < (lhs: Language, rhs: Language) -> Bool {
        if lhs == .english || rhs == .english { return lhs == .english && rhs != .english }
        return lhs.rawValue < rhs.rawValue
    }

    /// The language a command line speaks: `AROGYA_LANG`, else the first of `LC_ALL`, `LC_MESSAGES` and
    /// `LANG` that is set (POSIX's order), read as a locale name ("hi_IN.UTF-8" is Hindi; "C" and "POSIX"
    /// are English). Nil when none names a language.
    public static func fromEnvironment(_ environment: [String: String]) -> Language? {
        if let explicit = environment["AROGYA_LANG"], !explicit.isEmpty { return fromLocale(explicit) }
        for name in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let value = environment[name], !value.isEmpty { return fromLocale(value) }
        }
        return nil
    }

    /// "hi_IN.UTF-8@devanagari" → hi; "en" → en; "C", "POSIX" and "C.UTF-8" → en.
    public static func fromLocale(_ locale: String) -> Language? {
        let name = locale.split(whereSeparator: { "_.@-".contains($0) }).first.map(String.init) ?? ""
        if name == "C" || name == "POSIX" { return .english }
        return Language(rawValue: name.lowercased())
    }
}

/// Every installed string table, by language: English always, and each `strings/<code>.json` beside it.
///
/// Loaded once at start, so that switching the language of a session (at sign-in, or per user) reads no
/// file and cannot fail half-way.
public struct StringCatalog: Sendable {
    public let english: StringTable
    private let tables: [Language: StringTable]

    public init(tables: [StringTable]) {
        var byLanguage: [Language: StringTable] = [:]
        for table in tables {
            if let language = Language(rawValue: table.language) { byLanguage[language] = table }
        }
        self.english = byLanguage[.english] ?? tables.first ?? StringTable(language: "en", entries: [:])
        byLanguage[.english] = english
        self.tables = byLanguage
    }

    /// English only: for a terminal that cannot draw any other script.
    public init(englishOnly english: StringTable) {
        self.init(tables: [english])
    }

    /// English and every translation found in `assets/strings`.
    public static func load(from assets: AssetDirectory) throws -> StringCatalog {
        let folder = assets.path(for: "strings")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let english = try StringTable.load(language: "en", from: assets)
        var tables = [english]
        for file in files.sorted() where file.hasSuffix(".json") {
            let code = String(file.dropLast(5))
            guard code != "en", Language(rawValue: code) != nil else { continue }
            tables.append(try StringTable.load(language: code, over: english.allEntries, from: assets))
        }
        return StringCatalog(tables: tables)
    }

    /// The installed languages, English first.
    public var languages: [Language] { tables.keys.sorted() }

    public func has(_ language: Language) -> Bool { tables[language] != nil }

    /// The table of a language; English for one that is not installed.
    public func table(for language: Language) -> StringTable { tables[language] ?? english }

    /// The language after this one in `languages`, round to the first: the sign-in screen's switch.
    public func language(after language: Language) -> Language {
        let all = languages
        guard let index = all.firstIndex(of: language) else { return .english }
        return all[(index + 1) % all.count]
    }

    /// A language's name in itself ("हिन्दी"), as a person looking for her language reads it.
    public func name(of language: Language) -> String { table(for: language)[.languageName] }
}

extension StringTable {
    /// The table's language as a value; English for a table loaded under an unusual name.
    public var languageValue: Language { Language(rawValue: language) ?? .english }
}

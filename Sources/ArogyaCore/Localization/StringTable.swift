import Foundation

/// The text a person sees, read from `assets/strings/<language>.json`.
///
/// Keys are the cases of `StringKey`, which is generated from the English table
/// (`scripts/gen-string-keys.py`), so a screen cannot ask for text that does not exist. Values may name
/// arguments in braces: `"{count} waiting for upload"`.
public struct StringTable: Sendable {
    public let language: String
    private let entries: [String: String]

    public init(language: String, entries: [String: String]) {
        self.language = language
        self.entries = entries
    }

    public enum LoadError: Error, CustomStringConvertible {
        case unreadable(path: String)
        case malformed(path: String, reason: String)

        public var description: String {
            switch self {
            case .unreadable(let path): return "cannot read the string table \(path)"
            case .malformed(let path, let reason): return "the string table \(path) is malformed: \(reason)"
            }
        }
    }

    /// Loads a language's table. Keys missing from it fall back to English, so a partial translation
    /// still shows every screen.
    public static func load(language: String = "en", from assets: AssetDirectory) throws -> StringTable {
        let english = try readEntries(assets.path(for: "strings/en.json"))
        guard language != "en" else { return StringTable(language: "en", entries: english) }
        let translated = try readEntries(assets.path(for: "strings/\(language).json"))
        return StringTable(language: language, entries: english.merging(translated) { _, new in new })
    }

    /// Read with the byte-level `JSONParser`, not `JSONSerialization`: Foundation's parser bridges every
    /// Devanagari string through UTF-16 and took about 10 ms for the Hindi table, a fifth of the start-up.
    static func readEntries(_ path: String) throws -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path) else { throw LoadError.unreadable(path: path) }
        let object: JSONValue
        do {
            object = try JSONParser.parse([UInt8](data))
        } catch {
            throw LoadError.malformed(path: path, reason: "not valid JSON")
        }
        guard case .object(let members) = object else {
            throw LoadError.malformed(path: path, reason: "the top level must be an object of key → text")
        }
        var entries: [String: String] = [:]
        entries.reserveCapacity(members.count)
        for (key, value) in members {
            // Keys starting with "_" are notes for translators.
            if key.hasPrefix("_") { continue }
            guard case .string(let text) = value else {
                throw LoadError.malformed(path: path, reason: "the value of \"\(key)\" is not text")
            }
            entries[key] = text
        }
        return entries
    }

    /// A translation over English, key by key, from English already read.
    static func load(language: String, over english: [String: String], from assets: AssetDirectory) throws -> StringTable {
        var entries = try readEntries(assets.path(for: "strings/\(language).json"))
        // A complete translation has every key already; English fills only what it lacks.
        for (key, text) in english where entries[key] == nil { entries[key] = text }
        return StringTable(language: language, entries: entries)
    }

    /// The raw English entries, for a catalog that builds every table on them.
    var allEntries: [String: String] { entries }

    /// All keys present, for the consistency test.
    public var keys: Set<String> { Set(entries.keys) }

    public subscript(_ key: StringKey) -> String {
        entries[key.rawValue] ?? key.rawValue
    }

    public func text(_ key: StringKey, _ arguments: [String: String] = [:]) -> String {
        let template = self[key]
        guard !arguments.isEmpty else { return template }
        return Self.fill(template, arguments)
    }

    /// Replaces each `{name}` with its value in one pass; a name without a value is left as written, so a
    /// missing argument shows rather than vanishes. (Reasons are worded for every screening the demo makes,
    /// so this runs hundreds of thousands of times.)
    static func fill(_ template: String, _ arguments: [String: String]) -> String {
        var result = ""
        result.reserveCapacity(template.utf8.count + 16)
        var rest = template[...]
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else {
                rest = rest[open...]
                break
            }
            let name = String(rest[rest.index(after: open)..<close])
            if let value = arguments[name] { result += value } else { result += rest[open...close] }
            rest = rest[rest.index(after: close)...]
        }
        result += rest
        return result
    }

    public func text(_ message: UserMessage) -> String {
        text(message.key, message.arguments)
    }
}

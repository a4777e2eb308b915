import ArogyaCore
import GRDB

/// The terms of the name search index for a patient, and the FTS5 query for what was typed.
///
/// A patient's terms (`NameKey.searchTerms`) are stored with her (`search_terms`), which the index uses as
/// its external content and ranking reads back. A typed word matches when it begins a spelling or its key
/// begins a key.
enum PatientSearchIndex {
    static let keyMarker: Character = "0"

    static func terms(name: String, nameAlt: String?) -> String {
        NameKey.searchTerms(name: name, nameAlt: nameAlt)
    }

    /// `("dev"* OR "0dv"*) AND ("lak"* OR "0lk"*)`: each word by its spelling or its sound key, as prefixes.
    /// The key carries spelling variants and the other script; the spelling finds a word typed halfway
    /// through a letter pair ("se" of "Seeta", whose key is "sit") and the whole-word variants ("moha" of
    /// "Mohammad", key "mhmd"). Terms are a–z only, so quoting is safe.
    static func matchExpression(_ words: [NameKey.Word]) -> String {
        words.map { word in
            var alternatives = ["\"\(word.spelling)\"*"]
            if !word.key.isEmpty { alternatives.append("\"\(keyMarker)\(word.key)\"*") }
            return "(" + alternatives.joined(separator: " OR ") + ")"
        }.joined(separator: " AND ")
    }

    static func insert(_ db: Database, rowid: Int64, terms: String) throws {
        try db.cachedStatement(sql: "INSERT INTO patient_search (rowid, search_terms) VALUES (?, ?)").execute(arguments: [rowid, terms])
    }

    /// An external-content index removes a row given the terms it was given, which the row still holds.
    static func delete(_ db: Database, rowid: Int64, terms: String) throws {
        try db.cachedStatement(sql: "INSERT INTO patient_search (patient_search, rowid, search_terms) VALUES ('delete', ?, ?)")
            .execute(arguments: [rowid, terms])
    }
}

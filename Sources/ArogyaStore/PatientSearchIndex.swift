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

    /// What finds her when nothing closer does: each word also by its skeleton (exactly: a skeleton is too
    /// loose to match as a prefix), and by the joined forms of two neighbouring words, in every way of reading
    /// the typed words (as typed, or with two neighbours written as one). `"mln"` finds Malini for Malani;
    /// `"2ramprasad"*` finds Ram Prasad for Ramprasad; `("ram"* …) AND ("prasad"* …) OR ("ramprasad"* …)`
    /// finds Ramprasad for Ram Prasad.
    static func looseExpression(_ words: [NameKey.Word]) -> String {
        func alternatives(_ word: NameKey.Word) -> String {
            var terms = ["\"\(word.spelling)\"*", "\"\(NameKey.Mark.joinedSpelling.rawValue)\(word.spelling)\"*"]
            if !word.key.isEmpty {
                terms += ["\"\(NameKey.Mark.key.rawValue)\(word.key)\"*", "\"\(NameKey.Mark.joinedKey.rawValue)\(word.key)\"*"]
            }
            if word.skeleton.count >= 2 {
                terms += ["\"\(NameKey.Mark.skeleton.rawValue)\(word.skeleton)\"", "\"\(NameKey.Mark.joinedSkeleton.rawValue)\(word.skeleton)\""]
            }
            return "(" + terms.joined(separator: " OR ") + ")"
        }
        return NameSimilarity.readings(words).map { "(" + $0.map(alternatives).joined(separator: " AND ") + ")" }.joined(separator: " OR ")
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

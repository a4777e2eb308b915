import ArogyaCore
import GRDB

/// A patient found by a search, with how well she matched (0 to 1).
public struct PatientMatch: Hashable, Sendable {
    public let patient: Patient
    public let score: Double
}

extension AppDatabase {
    /// How many matches a statement yields at most for ranking. The name index returns them newest
    /// registration first; a query that matches more is too broad to be useful and is refined by typing on.
    public static let candidateLimit = 1_000

    /// A statement a search runs, with its arguments: for the benchmark's sqlite3 floor and for tests.
    public struct SearchStatement: Sendable {
        public let sql: String
        public let arguments: [String]
        /// Whether a row found by it is an exact identifier match.
        let exact: Bool
        /// Run only when the statements before it found fewer patients than asked for: the looser name match.
        var fallback = false
    }

    /// What ranking reads of a candidate, not the whole record: the row to show (for a merged record, the
    /// one it was merged into), her search terms, when she was last seen (a Julian day, which SQLite works
    /// out faster than Swift parses the text), and whether her village is one the facility serves.
    static let candidateColumns = """
        SELECT CASE WHEN p.status = 'merged' THEN (SELECT m.pk FROM patient m WHERE m.id = p.merged_into) ELSE p.pk END AS target,
               p.search_terms, julianday(p.last_seen_at) AS seen,
               (SELECT v.active FROM village v WHERE v.id = p.village_id) AS local FROM patient p
        """

    /// The statements that find a query's candidates, in order.
    public static func searchStatements(_ query: PatientQuery) -> [SearchStatement] {
        let select = candidateColumns
        switch query {
        case .tooShort:
            return []
        case .name(let words):
            let sql = select + " JOIN (SELECT rowid FROM patient_search WHERE patient_search MATCH ? ORDER BY rowid DESC LIMIT \(candidateLimit)) s ON s.rowid = p.pk"
            return [SearchStatement(sql: sql, arguments: [PatientSearchIndex.matchExpression(words)], exact: false),
                    SearchStatement(sql: sql, arguments: [PatientSearchIndex.looseExpression(words)], exact: false, fallback: true)]
        case .digits(let digits):
            // 14 digits are an ABHA number and 10 a mobile; fewer are the end of a mobile, or a household
            // ID or MRN written in digits.
            if digits.count == 14 {
                return [SearchStatement(sql: select + " WHERE p.abha_number = ?", arguments: [digits], exact: true)]
            }
            let reversed = String(digits.reversed())
            if digits.count >= 10 {
                return [SearchStatement(sql: select + " WHERE p.mobile_reversed = ?", arguments: [reversed], exact: true)]
            }
            // The last digits of a mobile: a prefix of the reversed number, found by a range in the index.
            return [SearchStatement(sql: select + " WHERE p.household = ? OR p.mrn = ?", arguments: [digits, digits], exact: true),
                    SearchStatement(sql: select + " WHERE p.mobile_reversed >= ? AND p.mobile_reversed < ? LIMIT \(candidateLimit)",
                                    arguments: [reversed, reversed + ":"], exact: false)]
        case .abhaAddress(let address):
            return [SearchStatement(sql: select + " WHERE p.abha_address = ?", arguments: [address], exact: true),
                    SearchStatement(sql: select + " WHERE p.abha_address > ? AND p.abha_address < ? LIMIT \(candidateLimit)",
                                    arguments: [address, address + "\u{FFFF}"], exact: false)]
        case .localIdentifier(let identifier):
            return [SearchStatement(sql: select + " WHERE p.household = ? OR p.mrn = ?", arguments: [identifier, identifier], exact: true)]
        }
    }

    /// The statement that reads the whole records of the best candidates.
    public static func resultStatement(rows: [Int64]) -> SearchStatement {
        SearchStatement(sql: PatientRecords.selection + " WHERE p.pk IN (\(databaseQuestionMarks(count: rows.count)))",
                        arguments: rows.map(String.init), exact: false)
    }

    /// Finds patients as the search box does, best first. A merged record leads to the one it was merged
    /// into; deceased and moved patients are found like anyone else.
    public func searchPatients(_ query: PatientQuery, limit: Int = 50) throws(StoreError) -> [PatientMatch] {
        try searchPatientsReportingStatements(query, limit: limit).matches
    }

    /// The search, and the statements it ran with their arguments (the benchmark replays them in sqlite3).
    public func searchPatientsReportingStatements(_ query: PatientQuery, limit: Int) throws(StoreError)
        -> (matches: [PatientMatch], statements: [SearchStatement]) {
        let planned = Self.searchStatements(query)
        guard !planned.isEmpty else { return ([], []) }
        var statements: [SearchStatement] = []
        let nowJulianDay = Double(now.millisecondsSince1970) / 86_400_000 + 2_440_587.5
        var typed = PatientRanking.TypedWords([])
        if case .name(let words) = query { typed = PatientRanking.TypedWords(words) }
        // A search reads without a transaction: it needs no isolation, and a search is made on every key.
        return try readWithoutTransaction { db in
            // Rank every candidate on the few columns that decide the order; a merged record counts for the
            // record it was merged into.
            var best: [Int64: Double] = [:]
            for statement in planned {
                // The loose name match runs only when the close one found fewer than asked for.
                if statement.fallback && best.count >= limit { continue }
                statements.append(statement)
                let rows = try Row.fetchCursor(db.cachedStatement(sql: statement.sql), arguments: StatementArguments(statement.arguments))
                // Columns by position, in `candidateColumns` order: target, search_terms, seen, local.
                while let row = try rows.next() {
                    guard let target = row[0] as Int64? else { continue }
                    let nameScore = typed.isEmpty ? (statement.exact ? 1 : 0.9)
                        : try row.withUnsafeData(atIndex: 1) { data in
                            data.map { bytes in bytes.withUnsafeBytes { PatientRanking.nameScore(typed: typed, searchTerms: $0.bindMemory(to: UInt8.self)) } } ?? 0
                        }
                    let score = PatientRanking.score(identifierExact: statement.exact, nameScore: nameScore,
                                                     inFacilityVillage: (row[3] as Int?) == 1,
                                                     daysSinceSeen: (row[2] as Double?).map { nowJulianDay - $0 })
                    if (best[target] ?? -1) < score { best[target] = score }
                }
            }
            let top = best.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key > $1.key }.prefix(limit)
            guard !top.isEmpty else { return ([], statements) }
            let result = Self.resultStatement(rows: top.map(\.key))
            statements.append(result)
            var records: [Int64: Patient] = [:]
            for row in try Row.fetchAll(db.cachedStatement(sql: result.sql), arguments: StatementArguments(top.map(\.key))) {
                records[row["pk"]] = try PatientRecords.patient(from: row)
            }
            return (top.compactMap { entry in records[entry.key].map { PatientMatch(patient: $0, score: entry.value) } }, statements)
        }
    }

    /// The patients seen most recently, for the search screen before anything is typed.
    public func recentPatients(limit: Int = 20) throws(StoreError) -> [Patient] {
        try read { db in
            try Row.fetchAll(db, sql: PatientRecords.selection + " WHERE p.status != 'merged' ORDER BY p.last_seen_at DESC LIMIT ?",
                             arguments: [limit]).map(PatientRecords.patient(from:))
        }
    }
}

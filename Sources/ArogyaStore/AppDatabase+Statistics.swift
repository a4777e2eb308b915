import ArogyaCore
import GRDB

extension AppDatabase {
    /// A patient drawn at random for the benchmark: what its queries are made from.
    public struct SampledPatient: Sendable {
        public let id: String
        public let name: String
        public let nameAlt: String?
        public let mobile: String?
        public let abhaNumber: String?
        public let abhaAddress: String?
    }

    /// `count` patients drawn at random (by row number, repeatable for a seed), merged records left out.
    public func benchmarkSample(count: Int, seed: UInt64) throws(StoreError) -> [SampledPatient] {
        try read { db in
            let maxPk = try Int64.fetchOne(db, sql: "SELECT max(pk) FROM patient") ?? 0
            guard maxPk > 0 else { return [] }
            var state = seed
            var rows: [SampledPatient] = []
            let statement = try db.makeStatement(sql: """
                SELECT id, name, name_alt, mobile, abha_number, abha_address FROM patient WHERE pk = ? AND status != 'merged'
                """)
            for _ in 0..<count {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let pk = Int64((state >> 33) % UInt64(maxPk)) + 1
                if let row = try Row.fetchOne(statement, arguments: [pk]) {
                    rows.append(SampledPatient(id: row["id"], name: row["name"], nameAlt: row["name_alt"], mobile: row["mobile"],
                                               abhaNumber: row["abha_number"], abhaAddress: row["abha_address"]))
                }
            }
            return rows
        }
    }

    public func patientCount() throws(StoreError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM patient") ?? 0 }
    }

    /// Screenings and follow-up visits, and referrals, stored.
    public func screeningCounts() throws(StoreError) -> (screenings: Int, followUps: Int, referrals: Int) {
        try read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT (SELECT count(*) FROM screening WHERE kind = 'screening') AS s,
                       (SELECT count(*) FROM screening WHERE kind = 'follow_up') AS f,
                       (SELECT count(*) FROM referral) AS r
                """)!
            return (row["s"], row["f"], row["r"])
        }
    }

    /// Whether the patient is among everything the query matches (not only the candidates ranked).
    public func patientMatches(_ query: PatientQuery, id: String) throws(StoreError) -> Bool {
        try read { db in
            switch query {
            case .name(let words):
                return try Bool.fetchOne(db, sql: """
                    SELECT EXISTS (SELECT 1 FROM patient_search WHERE patient_search MATCH ?
                                   AND rowid = (SELECT pk FROM patient WHERE id = ?))
                    """, arguments: [PatientSearchIndex.matchExpression(words), id]) ?? false
            default:
                guard let pk = try Int64.fetchOne(db, sql: "SELECT pk FROM patient WHERE id = ?", arguments: [id]) else { return false }
                for statement in Self.searchStatements(query) {
                    let unlimited = statement.sql.replacingOccurrences(of: " LIMIT \(Self.candidateLimit)", with: "")
                    let targets = try Int64.fetchAll(db, sql: "SELECT target FROM (\(unlimited))", arguments: StatementArguments(statement.arguments))
                    if targets.contains(pk) { return true }
                }
                return false
            }
        }
    }

    /// Bytes on disk of each table and index (SQLite's dbstat).
    public func storageBytesByObject() throws(StoreError) -> [String: Int] {
        try read { db in
            var sizes: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name") {
                sizes[row["name"]] = row["bytes"]
            }
            return sizes
        }
    }
}

import ArogyaCore
import GRDB

extension AppDatabase {
    /// Registers many patients at once, as `arogya demo` does: each written as a registration would be
    /// (patient, search terms, audit row, outbox row), without the duplicate check, `batchSize` to a
    /// transaction. `progress` is told the running count after each batch.
    public func registerInBulk<S: Sequence>(_ people: S, batchSize: Int = 5_000, by actor: AuditActor,
                                            progress: (Int) -> Void) throws(StoreError) -> Int
        where S.Element == SyntheticPopulation.Person {
        var iterator = people.makeIterator()
        var written = 0
        // A million registrations insert into a dozen indexes in random order: with SQLite's default 2 MB
        // page cache nearly every insert would read a page from disk. 256 MB while this runs.
        try write { db in try db.execute(sql: "PRAGMA cache_size = -262144") }
        defer { try? write { db in try db.execute(sql: "PRAGMA cache_size = -2000") } }
        while true {
            var batch: [SyntheticPopulation.Person] = []
            batch.reserveCapacity(batchSize)
            while batch.count < batchSize, let person = iterator.next() { batch.append(person) }
            if batch.isEmpty { break }
            try write { db in try Self.insertBatch(db, batch, actor: actor) }
            written += batch.count
            progress(written)
        }
        return written
    }

    static func insertBatch(_ db: Database, _ batch: [SyntheticPopulation.Person], actor: AuditActor) throws {
        var villageIds: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, name FROM village") { villageIds[(row["name"] as String).lowercased()] = row["id"] }
        let columns = ["id"] + PatientRecords.writtenColumns + ["last_seen_at", "created_at", "updated_at"]
        let insertPatient = try db.makeStatement(
            sql: "INSERT INTO patient (\(columns.joined(separator: ", "))) VALUES (\(databaseQuestionMarks(count: columns.count)))")
        let insertTerms = try db.makeStatement(sql: "INSERT INTO patient_search (rowid, search_terms) VALUES (?, ?)")
        let insertAudit = try db.makeStatement(sql: """
            INSERT INTO audit_log (at, actor, action, record_type, record_id, detail, hash) VALUES (?, ?, ?, 'patient', ?, ?, ?)
            """)
        let insertOutbox = try db.makeStatement(sql: """
            INSERT INTO sync_outbox (record_type, record_id, version, state, queued_at) VALUES ('patient', ?, 1, 'pending', ?)
            """)
        var previousHash = try db.lastAuditHash()
        var generator = SystemRandomNumberGenerator()
        for person in batch {
            let details = person.details
            var villageId: String?
            if let village = details.village {
                villageId = villageIds[village.lowercased()]
                if villageId == nil {
                    // A neighbouring village: known to the store, not one the facility serves.
                    let id = UUIDv7.string(at: person.createdAt)
                    try db.execute(sql: "INSERT INTO village (id, name, position, active, created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?)",
                                   arguments: [id, village, villageIds.count, person.createdAt, person.createdAt])
                    villageIds[village.lowercased()] = id
                    villageId = id
                }
            }
            let id = UUIDv7.make(at: person.createdAt, using: &generator).uuidString.lowercased()
            let terms = PatientSearchIndex.terms(name: details.name, nameAlt: details.nameAlt)
            try insertPatient.execute(arguments: StatementArguments(
                [id] + PatientRecords.values(details, villageId: villageId, terms: terms) + [person.lastSeenAt, person.createdAt, person.createdAt]))
            try insertTerms.execute(arguments: [db.lastInsertedRowID, terms])
            let entry = AuditChain.Entry(at: person.createdAt.iso8601, actor: actor.description, action: AuditAction.patientRegistered.rawValue,
                                         recordType: "patient", recordId: id, detail: nil)
            previousHash = AuditChain.link(previous: previousHash, entry: entry)
            try insertAudit.execute(arguments: [entry.at, entry.actor, entry.action, id, nil as String?, previousHash])
            try insertOutbox.execute(arguments: [id, person.createdAt])
        }
    }
}

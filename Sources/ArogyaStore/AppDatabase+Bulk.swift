import Foundation
import ArogyaCore
import GRDB

extension AppDatabase {
    /// Registers many patients at once, as `arogya demo` does: each written as a registration would be
    /// (patient, search terms, audit row, outbox row), without the duplicate check, `batchSize` to a
    /// transaction. People and their search terms are made on a second thread while the first writes.
    /// With a `history`, each person's screenings, follow-ups and referrals are judged and written too, as
    /// `recordScreening` would write them. `progress` is told the running count after each batch.
    public func registerInBulk<S: Sequence & Sendable>(_ people: S, history: SyntheticHistory? = nil,
                                                       reasonText: ScreeningReasonText? = nil,
                                                       batchSize: Int = 5_000, by actor: AuditActor,
                                                       progress: (Int) -> Void) throws(StoreError) -> Int
        where S.Element == SyntheticPopulation.Person {
        // A million registrations insert into a dozen indexes in random order: with SQLite's default 2 MB
        // page cache nearly every insert would read a page from disk. 256 MB while this runs.
        try write { db in try db.execute(sql: "PRAGMA cache_size = -262144") }
        defer { try? write { db in try db.execute(sql: "PRAGMA cache_size = -2000") } }
        let batches = BatchPipe<PreparedPerson>(capacity: 2)
        let producer = Thread {
            var iterator = people.makeIterator()
            var generator = SystemRandomNumberGenerator()
            var history = history
            while true {
                var batch: [PreparedPerson] = []
                batch.reserveCapacity(batchSize)
                while batch.count < batchSize, let person = iterator.next() {
                    let id = UUIDv7.make(at: person.createdAt, using: &generator).uuidString.lowercased()
                    var visits: [(ScreeningRows, Timestamp)] = []
                    if var generatorOfHistory = history, let reasonText {
                        visits = Self.prepareVisits(&generatorOfHistory, person: person, patientId: id, reasonText: reasonText,
                                                    actor: actor, random: &generator)
                        history = generatorOfHistory
                    }
                    batch.append(PreparedPerson(person: person, terms: NameKey.searchTerms(name: person.details.name, nameAlt: person.details.nameAlt),
                                                id: id, visits: visits))
                }
                guard batches.put(batch.isEmpty ? nil : batch) else { return }
                if batch.isEmpty { return }
            }
        }
        producer.start()
        defer { batches.close() }
        var written = 0
        while let batch = batches.take() {
            try write { db in try Self.insertBatch(db, batch, actor: actor) }
            written += batch.count
            progress(written)
        }
        return written
    }

    /// A person with what can be worked out before the write: her search terms, her id, her visits as rows.
    struct PreparedPerson: Sendable {
        let person: SyntheticPopulation.Person
        let terms: String
        let id: String
        let visits: [(ScreeningRows, Timestamp)]
    }

    /// A person's synthetic visits, judged by the protocol and turned into rows, each at mid-morning in
    /// India on its day.
    static func prepareVisits(_ history: inout SyntheticHistory, person: SyntheticPopulation.Person, patientId: String,
                              reasonText: ScreeningReasonText, actor: AuditActor,
                              random: inout SystemRandomNumberGenerator) -> [(ScreeningRows, Timestamp)] {
        let engine = ScreeningEngine(protocol: reasonText.rules)
        let visits = history.visits(birthDate: person.details.birthDate, sex: person.details.sex, registeredOn: person.createdAt.utcDay)
        return visits.map { visit in
            let time = Timestamp(millisecondsSince1970: Int64(visit.day.daysSince1970) * 86_400_000 + 16_200_000)
            let record = ScreeningVisit(patientId: patientId, kind: visit.kind, day: visit.day, input: visit.input,
                                        medicines: visit.medicines, adherence: visit.adherence)
            var rows = ScreeningRows(visit: record, decision: engine.evaluate(visit.input, kind: visit.kind), reasonText: reasonText,
                                     id: UUIDv7.make(at: time, using: &random).uuidString.lowercased(),
                                     referralIds: { UUIDv7.string(at: time) }, recordedBy: actor, at: time)
            if let outcome = visit.referralOutcome { rows = rows.withOutcome(outcome) }
            return (rows, time)
        }
    }

    static func insertBatch(_ db: Database, _ batch: [PreparedPerson], actor: AuditActor) throws {
        var villageIds: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, name FROM village") { villageIds[(row["name"] as String).lowercased()] = row["id"] }
        let columns = ["id"] + PatientRecords.writtenColumns + ["last_seen_at", "created_at", "updated_at"]
        let insertPatient = try db.makeStatement(
            sql: "INSERT INTO patient (\(columns.joined(separator: ", "))) VALUES (\(databaseQuestionMarks(count: columns.count)))")
        let insertTerms = try db.makeStatement(sql: "INSERT INTO patient_search (rowid, search_terms) VALUES (?, ?)")
        let insertAudit = try db.makeStatement(sql: """
            INSERT INTO audit_log (at, actor, action, record_type, record_id, detail, hash) VALUES (?, ?, ?, '\(AuditSubject.patient.rawValue)', ?, ?, ?)
            """)
        let insertOutbox = try db.makeStatement(sql: """
            INSERT INTO sync_outbox (record_type, record_id, version, state, queued_at)
            VALUES ('\(RecordType.patient.rawValue)', ?, 1, \(OutboxState.pending.sql), ?)
            """)
        var previousHash = try db.lastAuditHash()
        for prepared in batch {
            let person = prepared.person
            let details = person.details
            let id = prepared.id
            let terms = prepared.terms
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
            try insertPatient.execute(arguments: StatementArguments(
                [id] + PatientRecords.values(details, villageId: villageId, terms: terms) + [person.lastSeenAt, person.createdAt, person.createdAt]))
            let pk = db.lastInsertedRowID
            try insertTerms.execute(arguments: [pk, terms])
            let entry = AuditChain.Entry(at: person.createdAt.iso8601, actor: actor.description, action: AuditAction.patientRegistered.rawValue,
                                         recordType: AuditSubject.patient.rawValue, recordId: id, detail: nil)
            previousHash = AuditChain.link(previous: previousHash, entry: entry)
            try insertAudit.execute(arguments: [entry.at, entry.actor, entry.action, id, nil as String?, previousHash])
            try insertOutbox.execute(arguments: [id, person.createdAt])
            try db.markCareStale(patientPk: pk)
            if !prepared.visits.isEmpty {
                for (rows, time) in prepared.visits { try rows.insert(db, by: actor, at: time) }
                // The visits' audit rows were chained by appendAudit; carry on from the last of them.
                previousHash = try db.lastAuditHash()
            }
        }
    }
}

/// Batches handed from one thread to another, at most `capacity` waiting. A nil batch ends the stream.
final class BatchPipe<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var batches: [[Element]?] = []
    private var closed = false
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Waits for room; false when the reader has gone.
    func put(_ batch: [Element]?) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while batches.count >= capacity && !closed { condition.wait() }
        guard !closed else { return false }
        batches.append(batch)
        condition.broadcast()
        return true
    }

    /// Waits for a batch; nil at the end of the stream.
    func take() -> [Element]? {
        condition.lock()
        defer { condition.unlock() }
        while batches.isEmpty && !closed { condition.wait() }
        guard !batches.isEmpty else { return nil }
        let batch = batches.removeFirst()
        condition.broadcast()
        return batch
    }

    /// The reader is done: a waiting writer stops.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}

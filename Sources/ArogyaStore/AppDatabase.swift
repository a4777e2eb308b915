import ArogyaCore
import Foundation
import GRDB

/// The offline store: every read and every intention-named write of Arogya's data.
///
/// Each write is one transaction that also appends an audit row and, for data that must reach the hub,
/// a sync-outbox row, so that a crash can never leave a change unaudited or never uploaded.
public struct AppDatabase: Sendable {
    let writer: any DatabaseWriter
    /// The file as this process has it open, shared by every value over it; nil in memory.
    let file: OpenDatabaseFile?
    /// Sign-ins that a full disk kept from being written (shared with every value over the same file).
    let pendingSignIns: PendingSignIns
    /// Shown in messages: the file, or ":memory:".
    public let path: String
    public let clock: WallClock
    public let pinHasher: PinHasher
    public let lockout: LockoutPolicy

    /// Wraps an open file and brings its schema up to date (a read-only file must already be).
    init(file: OpenDatabaseFile, clock: WallClock, pinHasher: PinHasher, lockout: LockoutPolicy,
         announce: (UserMessage) -> Void = { _ in }) throws(StoreError) {
        try self.init(writer: file.writer, file: file, path: file.path, clock: clock, pinHasher: pinHasher, lockout: lockout, announce: announce)
    }

    /// `announce` is told of work that takes long before it starts (making every patient's search terms
    /// again after the name rules changed), so that a person waiting knows why.
    init(writer: any DatabaseWriter, file: OpenDatabaseFile?, path: String, clock: WallClock, pinHasher: PinHasher,
                 lockout: LockoutPolicy, announce: (UserMessage) -> Void = { _ in }) throws(StoreError) {
        self.writer = writer
        self.file = file
        self.pendingSignIns = file?.pendingSignIns ?? PendingSignIns()
        self.path = path
        self.clock = clock
        self.pinHasher = pinHasher
        self.lockout = lockout
        do {
            if file?.isReadOnly == true {
                let stale = try writer.read { db in try db.setting(.nameKeyVersion) != String(NameKey.version) }
                if stale { throw StoreError.needsUpgrade(path: path) }
                return
            }
            try Migrations.migrator.migrate(writer)
            try Self.refreshSearchTermsIfRulesChanged(writer, announce: announce)
        } catch {
            throw StoreError.classify(error, path: path)
        }
    }

    /// Search terms are made by `NameKey`'s rules. When a newer version changes the rules, every patient's
    /// terms are made again and the name index rebuilt, once, so that old and new names match alike.
    static func refreshSearchTermsIfRulesChanged(_ writer: any DatabaseWriter, announce: (UserMessage) -> Void = { _ in }) throws {
        let (stored, patients) = try writer.read { db in (try db.setting(.nameKeyVersion), try Int.fetchOne(db, sql: "SELECT count(*) FROM patient") ?? 0) }
        guard stored != String(NameKey.version) else { return }
        // About 75 s for a million patients on a small machine: say so first.
        if patients >= 20_000 { announce(UserMessage(.storeRemakingSearchTerms, ["count": String(patients)])) }
        try writer.write { db in
            let rows = try Row.fetchCursor(db, sql: "SELECT pk, name, name_alt FROM patient")
            let update = try db.makeStatement(sql: "UPDATE patient SET search_terms = ? WHERE pk = ?")
            while let row = try rows.next() {
                try update.execute(arguments: [NameKey.searchTerms(name: row["name"], nameAlt: row["name_alt"]), row["pk"] as Int64])
            }
            try db.execute(sql: "INSERT INTO patient_search (patient_search) VALUES ('rebuild')")
            try db.setSetting(.nameKeyVersion, to: String(NameKey.version), at: Timestamp(Date()))
        }
    }

    /// A fresh database in memory, for tests and previews.
    public static func inMemory(clock: WallClock = .system, pinHasher: PinHasher = .fastForTests,
                                lockout: LockoutPolicy = .standard) throws(StoreError) -> AppDatabase {
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(configuration: AppDatabase.configuration(busySeconds: 1))
        } catch {
            throw StoreError.classify(error, path: ":memory:")
        }
        return try AppDatabase(writer: queue, file: nil, path: ":memory:", clock: clock, pinHasher: pinHasher, lockout: lockout)
    }

    /// The page cache of each reading connection, in KiB.
    static let readerCacheKiB = 1024

    static func configuration(busySeconds: Double, readonly: Bool = false) -> Configuration {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.readonly = readonly
        configuration.busyMode = .timeout(busySeconds)
        configuration.label = "arogya"
        // Each reader keeps its own page cache: two are enough for a terminal (a search while a sync or the
        // due list reads), and fewer caches keep the screen's memory down.
        configuration.maximumReaderCount = 2
        configuration.prepareDatabase { db in
            // Clinics lose power: FULL makes each committed transaction survive it, at the cost of an
            // fsync of the WAL per write (a few milliseconds).
            if !db.configuration.readonly {
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
            // A reader's page cache fills with whatever the searches touched and is kept as long as the
            // connection: 1 MB each instead of SQLite's 2 MB keeps the Patients screen about 2 to 5 MB smaller
            // on a million patients, with search times within the run-to-run noise (README, "Patient lookup").
            if db.configuration.readonly {
                try db.execute(sql: "PRAGMA cache_size = -\(AppDatabase.readerCacheKiB)")
            }
        }
        return configuration
    }

    /// Whether writes are refused: the file was opened only for reading.
    public var isReadOnly: Bool { file?.isReadOnly ?? false }

    /// Runs a write transaction, reporting failures as `StoreError`.
    ///
    /// Nothing is written to a file known to be damaged, or before the file's integrity was checked when a
    /// check is due (`IntegrityState`). After the commit, the newest audit row is kept outside the file
    /// (`AuditAnchor`), so that committed rows that later vanish can be noticed.
    func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        if let file {
            if let damage = file.integrity.damageDetail() { throw .corrupt(path: path, detail: damage) }
            if file.isReadOnly { throw .readOnly(path: path) }
            try file.integrity.ensureWritable(writer, now: now)
        }
        let keptSignIns = pendingSignIns.take()
        do {
            var newest: AuditAnchor.Mark?
            let result = try writer.write { db -> T in
                try writeKeptSignIns(keptSignIns, in: db)
                let value = try body(db)
                if file != nil { newest = try AuditAnchor.Mark.newest(in: db) }
                return value
            }
            if let file, let newest { file.integrity.anchor(newest) }
            return result
        } catch {
            pendingSignIns.restore(keptSignIns)
            throw noticed(StoreError.classify(error, path: path))
        }
    }

    /// Runs a read, reporting failures as `StoreError`.
    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try writer.read(body)
        } catch {
            throw noticed(StoreError.classify(error, path: path))
        }
    }

    /// Runs a read outside a transaction (for searches, which need no isolation), reporting failures as
    /// `StoreError`.
    func readWithoutTransaction<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try writer.unsafeRead(body)
        } catch {
            throw noticed(StoreError.classify(error, path: path))
        }
    }

    /// SQLite saying the file is damaged stops every later write, here and in the other processes.
    private func noticed(_ error: StoreError) -> StoreError {
        if case .corrupt(_, let detail) = error, let file { file.integrity.recordDamage(detail) }
        return error
    }

    /// The current time, from the injected clock.
    var now: Timestamp { clock.now() }
}

import ArogyaCore
import Foundation
import GRDB

/// The offline store: every read and every intention-named write of Arogya's data.
///
/// Each write is one transaction that also appends an audit row and, for data that must reach the hub,
/// a sync-outbox row, so that a crash can never leave a change unaudited or never uploaded.
public struct AppDatabase: Sendable {
    let writer: any DatabaseWriter
    /// Shown in messages: the file, or ":memory:".
    public let path: String
    public let clock: WallClock
    public let pinHasher: PinHasher
    public let lockout: LockoutPolicy

    /// Wraps an open connection and brings its schema up to date.
    init(writer: any DatabaseWriter, path: String, clock: WallClock, pinHasher: PinHasher, lockout: LockoutPolicy) throws(StoreError) {
        self.writer = writer
        self.path = path
        self.clock = clock
        self.pinHasher = pinHasher
        self.lockout = lockout
        do {
            try Migrations.migrator.migrate(writer)
            try Self.refreshSearchTermsIfRulesChanged(writer)
        } catch {
            throw StoreError.classify(error, path: path)
        }
    }

    /// Search terms are made by `NameKey`'s rules. When a newer version changes the rules, every patient's
    /// terms are made again and the name index rebuilt, once, so that old and new names match alike.
    static func refreshSearchTermsIfRulesChanged(_ writer: any DatabaseWriter) throws {
        let stored = try writer.read { db in try db.setting(.nameKeyVersion) }
        guard stored != String(NameKey.version) else { return }
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
        return try AppDatabase(writer: queue, path: ":memory:", clock: clock, pinHasher: pinHasher, lockout: lockout)
    }

    static func configuration(busySeconds: Double, readonly: Bool = false) -> Configuration {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.readonly = readonly
        configuration.busyMode = .timeout(busySeconds)
        configuration.label = "arogya"
        configuration.prepareDatabase { db in
            // Clinics lose power: FULL makes each committed transaction survive it, at the cost of an
            // fsync of the WAL per write (a few milliseconds).
            if !db.configuration.readonly {
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
        }
        return configuration
    }

    /// Runs a write transaction, reporting failures as `StoreError`.
    func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try writer.write(body)
        } catch {
            throw StoreError.classify(error, path: path)
        }
    }

    /// Runs a read, reporting failures as `StoreError`.
    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try writer.read(body)
        } catch {
            throw StoreError.classify(error, path: path)
        }
    }

    /// Runs a read outside a transaction (for searches, which need no isolation), reporting failures as
    /// `StoreError`.
    func readWithoutTransaction<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try writer.unsafeRead(body)
        } catch {
            throw StoreError.classify(error, path: path)
        }
    }

    /// The current time, from the injected clock.
    var now: Timestamp { clock.now() }
}

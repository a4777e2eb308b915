import ArogyaCore
@testable import ArogyaHub
import ArogyaTesting
import Foundation
import GRDB
import PostgresNIO
import Testing

/// The hub's two stores, for the suites every store is held to.
enum HubStoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    /// The PostgreSQL server the tests make their databases on: `AROGYA_TEST_POSTGRES` (scripts/test starts a
    /// throwaway one and sets it).
    static var postgresServer: String? {
        ProcessInfo.processInfo.environment["AROGYA_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// SQLite always; PostgreSQL where a server is named, and always under CI, where a missing one fails
    /// the tests instead of leaving them out.
    static var tested: [HubStoreKind] {
        postgresServer != nil || ProcessInfo.processInfo.environment["CI"] != nil ? [.sqlite, .postgres] : [.sqlite]
    }
}

/// A fresh store of a kind for one test: a SQLite file in a folder of its own, or a PostgreSQL database of
/// its own, migrated, dropped after the test.
func withHubStore<T>(_ kind: HubStoreKind, clock: WallClock = HubAPITests.clock,
                     _ body: (any HubStorage) async throws -> T) async throws -> T {
    switch kind {
    case .sqlite:
        let folder = try TemporaryFolder()
        // A file, not memory: a pull reads beside a writer only in WAL mode.
        return try await body(try HubDatabase(path: folder.file("hub.sqlite"), clock: clock))
    case .postgres:
        let url = try #require(HubStoreKind.postgresServer, "AROGYA_TEST_POSTGRES names no PostgreSQL server (scripts/test starts one)")
        let admin = try PostgresLocation(url: url)
        let name = "arogya_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let location = try await PostgresServerAdmin.createDatabase(name, on: admin)
        let result: Result<T, any Error>
        do {
            let store = try PostgresHubStore(location: location, poolSize: 4, clock: clock)
            try await store.migrate()
            try await store.checkSchema()
            result = .success(try await body(store))
            store.close()
        } catch {
            result = .failure(error)
        }
        try? await PostgresServerAdmin.dropDatabase(name, on: admin)
        return try result.get()
    }
}

extension HubStorage {
    /// Makes the next sequence number the one after `value`, as a hub that has handed out that many would.
    func continueSequence(after value: Int64) async throws {
        switch self {
        case let sqlite as HubDatabase:
            try await sqlite.writer.write { db in
                try db.execute(sql: "INSERT OR REPLACE INTO sqlite_sequence (name, seq) VALUES ('record_version', ?)", arguments: [value])
            }
        case let postgres as PostgresHubStore:
            try await postgres.client.query("SELECT setval('record_seq', \(value))", logger: postgres.logger)
        default:
            Issue.record("no way to set \(type(of: self))'s sequence")
        }
    }

    /// Every version the store holds.
    func versionCount() async throws -> Int {
        switch self {
        case let sqlite as HubDatabase:
            return try await sqlite.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM record_version") ?? -1 }
        case let postgres as PostgresHubStore:
            return Int(try await postgres.client.query("SELECT count(*) FROM record_version", logger: postgres.logger).collect().first?.decode(Int64.self) ?? -1)
        default:
            Issue.record("no versions of \(type(of: self))")
            return -1
        }
    }

    /// Marks the database as upgraded by a later version than this one.
    func addUnknownMigration(_ name: String) async throws {
        switch self {
        case let sqlite as HubDatabase:
            try await sqlite.writer.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES (?)", arguments: [name]) }
        case let postgres as PostgresHubStore:
            try await postgres.client.query("INSERT INTO hub_migration (name, applied_at) VALUES (\(name), '2030-01-01T00:00:00.000Z')",
                                            logger: postgres.logger)
        default:
            Issue.record("no migrations table for \(type(of: self))")
        }
    }
}

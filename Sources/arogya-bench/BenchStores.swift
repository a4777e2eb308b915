import ArogyaHub
import Foundation

/// New hub stores for a benchmark run, their tables made by the hub's own code.
enum BenchStores {
    /// A new SQLite hub file at `path`, whatever an earlier run left there removed first.
    static func freshSQLite(_ path: String) throws -> HubDatabase {
        removeSQLite(path)
        return try HubDatabase(path: path)
    }

    static func removeSQLite(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// A new, migrated PostgreSQL database `name` on the server `admin` names (one an earlier run left is
    /// dropped first), with its URL for `psql` and `--postgres`.
    static func freshPostgres(_ name: String, admin: String?, poolSize: Int) async throws -> (store: PostgresHubStore, url: String, server: PostgresLocation) {
        let server = try PostgresLocation(url: admin ?? "")
        try await PostgresServerAdmin.dropDatabase(name, on: server)
        let store = try PostgresHubStore(location: try await PostgresServerAdmin.createDatabase(name, on: server), poolSize: poolSize)
        try await store.migrate()
        var components = URLComponents(string: admin ?? "")
        components?.path = "/" + name
        return (store, components?.string ?? "", server)
    }
}

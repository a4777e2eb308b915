import Foundation
import Logging
import PostgresNIO

/// Databases made and dropped on a PostgreSQL server, for the tests and the benchmark: each gets a fresh
/// database of its own beside the admin's.
public enum PostgresServerAdmin {
    /// Creates a database named `name` on the server `admin` points at (whose own database is left as it
    /// is) and returns where the new one is.
    public static func createDatabase(_ name: String, on admin: PostgresLocation) async throws -> PostgresLocation {
        try await run(on: admin, "CREATE DATABASE \"\(name)\" TEMPLATE template0 ENCODING 'UTF8'")
        return PostgresLocation(endpoint: admin.endpoint, user: admin.user, password: admin.password, database: name, tls: admin.tls)
    }

    /// Drops it, ending any connection still open to it.
    public static func dropDatabase(_ name: String, on admin: PostgresLocation) async throws {
        try await run(on: admin, "DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)")
    }

    private static func run(on admin: PostgresLocation, _ sql: String) async throws {
        guard sql.unicodeScalars.allSatisfy({ $0.isASCII }) else { throw HubError.invalid("a database name is ASCII") }
        let client = PostgresClient(configuration: admin.clientConfiguration(poolSize: 1))
        let runner = Task { await client.run() }
        defer { runner.cancel() }
        _ = try await client.withConnection { connection in
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "arogya-hub.postgres-admin"))
        }
    }
}

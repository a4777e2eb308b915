import ArogyaCore
import Foundation
import Logging
import PostgresNIO

/// The hub's store on PostgreSQL, for a block or district: several stateless `arogya-hub serve` processes
/// over one database. Everything is asynchronous, through PostgresNIO's connection pool; nothing a process
/// keeps in memory changes an answer (no cache of devices, records or sequence numbers).
public final class PostgresHubStore: HubStorage, Sendable {
    let client: PostgresClient
    public let location: PostgresLocation
    let clock: WallClock
    /// Every pushed record is judged by the rules a terminal applies (`RecordRules`).
    public let vocabulary: RecordVocabulary
    public let hooks = HubStoreHooks()
    let logger: Logger
    private let runner: Task<Void, Never>

    /// Connects lazily: nothing is asked of the server until the first call (`checkSchema` at start).
    /// `poolSize`: the most connections this process opens.
    public init(location: PostgresLocation, poolSize: Int = 8, clock: WallClock = .system, vocabulary: RecordVocabulary? = nil,
                logger: Logger = Logger(label: "arogya-hub.postgres")) throws {
        self.location = location
        self.clock = clock
        self.vocabulary = try vocabulary ?? RecordVocabulary.locate()
        self.logger = logger
        // The pool's own chatter (a lease asked for before its run loop has started) stays out of the hub's log;
        // what goes wrong reaches the caller as a failed query.
        var background = logger
        background.logLevel = .error
        let client = PostgresClient(configuration: location.clientConfiguration(poolSize: max(1, poolSize)), backgroundLogger: background)
        self.client = client
        runner = Task { await client.run() }
    }

    deinit { runner.cancel() }

    /// Closes the pool's connections.
    public func close() { runner.cancel() }

    // MARK: Schema

    /// Where the database's schema stands against this version's migrations.
    public enum SchemaState: Equatable, Sendable {
        case current
        /// Migrations this version has that the database lacks (`arogya-hub migrate` applies them).
        case behind([String])
        /// Migrations the database has that this version does not know: a newer hub made it.
        case newer([String])
    }

    public func schemaState() async throws -> SchemaState {
        try await withDirectConnection { [logger] connection in try await Self.schemaState(connection, logger: logger) }
    }

    /// A connection outside the pool, closed after `body`: it fails at once, with the server's reason, where
    /// the pool would keep trying.
    func withDirectConnection<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let configuration = try location.connectionConfiguration()
        let logger = self.logger
        let connection = try await withDeadline("connecting") {
            try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        }
        do {
            let value = try await body(connection)
            try? await connection.close()
            return value
        } catch {
            try? await connection.close()
            throw error
        }
    }

    static func schemaState(_ connection: PostgresConnection, logger: Logger) async throws -> SchemaState {
        let exists = try await connection.query("SELECT to_regclass('hub_migration') IS NOT NULL", logger: logger).collect()
        let applied: [String]
        if try exists.first?.decode(Bool.self) == true {
            applied = try await connection.query("SELECT name FROM hub_migration ORDER BY name", logger: logger).collect().map { try $0.decode(String.self) }
        } else {
            applied = []
        }
        let known = PostgresHubSchema.migrations.map(\.name)
        let unknown = applied.filter { !known.contains($0) }
        if !unknown.isEmpty { return .newer(unknown) }
        let missing = known.filter { !applied.contains($0) }
        return missing.isEmpty ? .current : .behind(missing)
    }

    /// Refuses a database this version cannot serve, with what to do.
    public func checkSchema() async throws {
        switch try await schemaState() {
        case .current: return
        case .behind(let missing):
            throw HubError.invalid("the database \(location.redacted) lacks migrations \(missing.joined(separator: ", ")): run arogya-hub migrate --postgres URL")
        case .newer(let unknown):
            throw HubError.newerDatabase("\(location.redacted) has migrations \(unknown.joined(separator: ", ")) that this arogya-hub (\(ArogyaVersion.current)) does not know")
        }
    }

    /// Applies the migrations the database lacks, each in its own transaction, under an advisory lock (two
    /// hub processes upgrading at once take turns). Returns those applied.
    @discardableResult
    public func migrate() async throws -> [String] {
        let logger = self.logger, location = self.location, clock = self.clock
        return try await withDirectConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(PostgresHubSchema.migrationLock))", logger: logger)
            do {
                try await connection.query("CREATE TABLE IF NOT EXISTS hub_migration (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)", logger: logger)
                var applied: [String] = []
                switch try await Self.schemaState(connection, logger: logger) {
                case .current: break
                case .newer(let unknown):
                    throw HubError.newerDatabase("\(location.redacted) has migrations \(unknown.joined(separator: ", ")) that this arogya-hub (\(ArogyaVersion.current)) does not know")
                case .behind(let missing):
                    for migration in PostgresHubSchema.migrations where missing.contains(migration.name) {
                        try await connection.query("BEGIN", logger: logger)
                        for statement in migration.statements {
                            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                        }
                        try await connection.query("INSERT INTO hub_migration (name, applied_at) VALUES (\(migration.name), \(clock.now().iso8601))", logger: logger)
                        try await connection.query("COMMIT", logger: logger)
                        applied.append(migration.name)
                    }
                }
                try await connection.query("SELECT pg_advisory_unlock(\(PostgresHubSchema.migrationLock))", logger: logger)
                return applied
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(PostgresHubSchema.migrationLock))", logger: logger)
                throw error
            }
        }
    }

    // MARK: Transactions

    /// Runs `body` in a transaction on one connection of the pool: committed when it returns, rolled back
    /// when it throws (its own error is the one thrown).
    func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await inTransaction(begin: "BEGIN", body)
    }

    /// A read of several statements that see one snapshot.
    func snapshot<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await inTransaction(begin: "START TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", body)
    }

    private func inTransaction<T: Sendable>(begin: PostgresQuery, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            try await connection.query(begin, logger: logger)
            do {
                let value = try await body(connection)
                try await connection.query("COMMIT", logger: logger)
                return value
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    /// The pool waits for a server that does not answer; a command at start should say so instead.
    func withDeadline<T: Sendable>(_ what: String, seconds: Int = 30, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                throw HubError.invalid("no answer from PostgreSQL at \(location.redacted) within \(seconds) s while \(what)")
            }
            return value
        }
    }
}

/// PostgreSQL's own words for a failure, which PostgresNIO keeps out of its errors' descriptions.
public enum PostgresFailure {
    public static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] {
                let detail = error.serverInfo?[.detail].map { " (\($0))" } ?? ""
                return message + detail
            }
            if let underlying = error.underlying { return "\(error.code): \(underlying)" }
            return "\(error.code)"
        }
        if let error = error as? PostgresTransactionError {
            return describe(error.closureError ?? error.beginError ?? error.commitError ?? error)
        }
        return "\(error)"
    }
}

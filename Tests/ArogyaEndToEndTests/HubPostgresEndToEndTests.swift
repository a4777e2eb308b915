import ArogyaCore
import ArogyaTesting
import Foundation
import GRDB
import Testing

/// The real `arogya-hub` on PostgreSQL: migrated by its own command, two `serve` processes on one database,
/// terminals syncing to either, as behind a round-robin proxy.
@Suite("Hub on PostgreSQL end to end", .serialized, .enabled(if: PostgresTestDatabase.tested))
struct HubPostgresEndToEndTests {
    let sync = SyncEndToEndTests()

    @Test("Given two hub processes on one PostgreSQL database, when three terminals sync through either of them in turn, then every terminal has every other's records, each exactly once at the hub")
    func twoHubProcesses() throws {
        let folder = try TemporaryFolder()
        let database = try PostgresTestDatabase()
        defer { database.drop() }
        let store = ["--postgres", database.url]
        let refused = try ChildProcess.run(SyncEndToEndTests.hubBinary, ["stats"] + store)
        #expect(refused.status == 1 && refused.stderr.contains("arogya-hub migrate"), "a database not yet migrated is refused: \(refused.stderr)")
        let migrated = try ChildProcess.run(SyncEndToEndTests.hubBinary, ["migrate"] + store)
        #expect(migrated.status == 0 && migrated.stdout.contains("applied"), "\(migrated.stdout)\(migrated.stderr)")
        _ = try sync.admin(folder, ["facilities", "add", "IN0001", "--name", "AAM Rampur"], store: store)
        let (one, addressOne) = try sync.restartHub(folder, store: store)
        defer { one.signal(SIGTERM); one.wait() }
        let (two, addressTwo) = try sync.restartHub(folder, store: store)
        defer { two.signal(SIGTERM); two.wait() }

        let first = try sync.terminal(folder, "first", hub: addressOne, store: store)
        let second = try sync.terminal(folder, "second", hub: addressTwo, store: store)
        let third = try sync.terminal(folder, "third", hub: addressOne, store: store)
        #expect(try BuiltProduct.run(["demo", "--db", first, "--patients", "40", "--seed", "3"]).status == 0)
        #expect(try BuiltProduct.run(["demo", "--db", second, "--patients", "30", "--seed", "4"]).status == 0)
        func pushed(_ terminal: String) throws -> Int {
            let run = try BuiltProduct.run(["sync", "--json", "--db", terminal])
            #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
            return Int(try JSONParser.parse(run.stdout)["pushed"]?["accepted"]?.double ?? -1)
        }
        let fromFirst = try pushed(first)
        let fromSecond = try pushed(second)
        #expect(fromFirst > 40 && fromSecond > 30)
        // Each terminal now reaches the other process: whichever answers, the answers are the same.
        for (terminal, address) in [(first, addressTwo), (second, addressOne), (third, addressTwo)] {
            let moved = try BuiltProduct.run(["hub", "connect", address, "--token", try token(of: terminal), "--db", terminal])
            #expect(moved.status == 0, "\(moved.stderr)")
        }
        for terminal in [first, second, third] { _ = try pushed(terminal) }

        func count(_ terminal: String, _ sql: String) throws -> Int {
            try DatabaseQueue(path: terminal).read { db in try Int.fetchOne(db, sql: sql) ?? -1 }
        }
        for terminal in [first, second, third] {
            #expect(try count(terminal, "SELECT count(*) FROM patient") == 70, "every patient of the facility on \(terminal)")
        }
        let stats = try JSONParser.parse(try sync.admin(folder, ["stats", "--json"], store: store))
        guard case .array(let counts)? = stats["records"] else { Issue.record("no records in stats"); return }
        #expect(counts.contains { $0["type"] == .string("patient") && $0["count"] == .number(70) }, "\(counts)")
        let versions = try database.scalar("SELECT count(*) FROM record_version WHERE type = 'patient'")
        #expect(versions == "70", "each patient's version once at the hub")
    }

    @Test("Given one terminal's records uploaded to a SQLite hub and, from a copy of the terminal, to a PostgreSQL hub, when the block reports are asked of both, then every register and every month's indicators are the same")
    func reportsAlikeOnBothStores() throws {
        let folder = try TemporaryFolder()
        let database = try PostgresTestDatabase()
        defer { database.drop() }
        let postgres = try database.migratedWithFacility(sync, folder)
        _ = try sync.admin(folder, ["facilities", "add", "IN0001", "--name", "AAM Rampur"])
        let (sqliteHub, sqliteAddress) = try sync.restartHub(folder)
        defer { sqliteHub.signal(SIGTERM); sqliteHub.wait() }
        let (postgresHub, postgresAddress) = try sync.restartHub(folder, store: postgres)
        defer { postgresHub.signal(SIGTERM); postgresHub.wait() }

        let original = try sync.terminal(folder, "original", hub: sqliteAddress)
        #expect(try BuiltProduct.run(["demo", "--db", original, "--patients", "400", "--seed", "11"]).status == 0)
        // The same records on a second terminal file, which uploads to the PostgreSQL hub.
        let twin = folder.file("twin.sqlite")
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) where file.hasPrefix("original.sqlite") && !file.hasSuffix(".hub-token") {
            try FileManager.default.copyItem(atPath: folder.file(file), toPath: folder.file("twin" + file.dropFirst("original".count)))
        }
        let added = try sync.admin(folder, ["devices", "add", "--facility", "IN0001", "--label", "twin"], store: postgres)
        let token = try #require(added.split(separator: "\n").first { $0.hasPrefix("token") }?.split(separator: " ").last.map(String.init))
        #expect(try BuiltProduct.run(["hub", "connect", postgresAddress, "--token", token, "--db", twin]).status == 0)
        for terminal in [original, twin] {
            let run = try BuiltProduct.run(["sync", "--db", terminal])
            #expect(run.status == 0, "\(run.stderr)")
        }

        let today = LocalTime(Timestamp(Date())).date
        var compared = 0
        for offset in 0..<10 {
            let day = today.adding(days: -offset).iso8601
            let fromSQLite = try sync.admin(folder, ["report", "daily", "--date", day, "--format", "json"])
            let fromPostgres = try sync.admin(folder, ["report", "daily", "--date", day, "--format", "json"], store: postgres)
            #expect(fromPostgres == fromSQLite, "the register of \(day)")
            if fromSQLite.contains("\"patient") { compared += 1 }
        }
        #expect(compared > 0, "some of the ten days have visits")
        for month in [today, today.adding(days: -31)].map({ String($0.iso8601.prefix(7)) }) {
            for format in ["json", "csv"] {
                let fromSQLite = try sync.admin(folder, ["report", "indicators", "--month", month, "--format", format])
                let fromPostgres = try sync.admin(folder, ["report", "indicators", "--month", month, "--format", format], store: postgres)
                #expect(fromPostgres == fromSQLite, "the indicators of \(month) as \(format)")
            }
        }
    }

    private func token(of terminal: String) throws -> String {
        try String(contentsOfFile: terminal + ".hub-token", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A database of its own on the test PostgreSQL server (`AROGYA_TEST_POSTGRES`, which scripts/test starts),
/// made and dropped with `psql`.
struct PostgresTestDatabase {
    /// Under CI always (a missing server fails the tests), elsewhere where a server is named.
    static var tested: Bool { server != nil || ProcessInfo.processInfo.environment["CI"] != nil }
    static var server: String? { ProcessInfo.processInfo.environment["AROGYA_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 } }

    let name: String
    let url: String
    private let admin: String

    init() throws {
        admin = try #require(Self.server, "AROGYA_TEST_POSTGRES names no PostgreSQL server (scripts/test starts one)")
        name = "arogya_e2e_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        var components = try #require(URLComponents(string: admin))
        components.path = "/" + name
        url = try #require(components.string)
        let made = try ChildProcess.run("/usr/bin/psql", [admin, "-q", "-c", "CREATE DATABASE \(name)"])
        #expect(made.status == 0, "\(made.stderr)")
    }

    /// Migrated by `arogya-hub migrate`, with the facility IN0001 the terminals of `sync` belong to; its
    /// `arogya-hub` options.
    func migratedWithFacility(_ sync: SyncEndToEndTests, _ folder: TemporaryFolder) throws -> [String] {
        let store = ["--postgres", url]
        let migrated = try ChildProcess.run(SyncEndToEndTests.hubBinary, ["migrate"] + store)
        #expect(migrated.status == 0, "\(migrated.stderr)")
        _ = try sync.admin(folder, ["facilities", "add", "IN0001", "--name", "AAM Rampur"], store: store)
        return store
    }

    func scalar(_ sql: String) throws -> String {
        try ChildProcess.run("/usr/bin/psql", [url, "-tA", "-c", sql]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func drop() {
        _ = try? ChildProcess.run("/usr/bin/psql", [admin, "-q", "-c", "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"])
    }
}

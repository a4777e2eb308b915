import ArogyaCore
import ArogyaTesting
import Foundation
import GRDB
import Testing

/// Backing a hub up and restoring it: SQLite's online backup while terminals upload, and PostgreSQL's
/// `pg_dump` and `pg_restore` as the README gives them.
@Suite("Hub backups end to end", .serialized)
struct HubBackupEndToEndTests {
    let sync = SyncEndToEndTests()

    @Test("Given a SQLite hub taking a terminal's upload, when it is backed up meanwhile and after, then each backup is whole and checked, the last holds every record, and no file is overwritten")
    func sqliteBackupWhileServing() throws {
        let folder = try TemporaryFolder()
        let (hub, address) = try sync.startHub(folder)
        defer { hub.signal(SIGTERM); hub.wait() }
        let terminal = try sync.terminal(folder, "t", hub: address)
        #expect(try BuiltProduct.run(["demo", "--db", terminal, "--patients", "3000", "--no-history"]).status == 0)
        let upload = try ChildProcess.launch(BuiltProduct.arogya, ["sync", "--db", terminal], logPath: folder.file("sync.log"))
        var during: [String] = []
        for index in 0..<3 {
            let file = folder.file("during-\(index).sqlite")
            let made = try ChildProcess.run(SyncEndToEndTests.hubBinary, ["backup", "--to", file, "--db", folder.file("hub.sqlite")])
            #expect(made.status == 0, "\(made.stderr)")
            #expect(made.stdout.contains("integrity ok"), "\(made.stdout)")
            during.append(file)
        }
        #expect(upload.wait() == 0)
        for file in during {
            let check = try DatabaseQueue(path: file).read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") }
            #expect(check == "ok")
            let stats = try ChildProcess.run(SyncEndToEndTests.hubBinary, ["stats", "--json", "--db", file])
            #expect(stats.status == 0, "a backup opens as a hub: \(stats.stderr)")
        }
        let last = folder.file("after.sqlite")
        #expect(try ChildProcess.run(SyncEndToEndTests.hubBinary, ["backup", "--to", last, "--db", folder.file("hub.sqlite")]).status == 0)
        let (records, versions) = try DatabaseQueue(path: last).read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM record") ?? 0, try Int.fetchOne(db, sql: "SELECT count(*) FROM record_version") ?? 0)
        }
        #expect(records == 3002 && versions == 3002)
        let attributes = try FileManager.default.attributesOfItem(atPath: last)
        #expect((attributes[.posixPermissions] as? Int) == 0o600, "a backup holds patients' records: only its owner reads it")
        let again = try ChildProcess.run(SyncEndToEndTests.hubBinary, ["backup", "--to", last, "--db", folder.file("hub.sqlite")])
        #expect(again.status == 1 && again.stderr.contains("never overwrites"), "\(again.stderr)")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains(".partial-") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    @Test("Given a PostgreSQL hub with a terminal's records, when it is dumped with pg_dump and restored into a new database with pg_restore, then a hub on the copy serves the same records and takes new ones",
          .enabled(if: PostgresTestDatabase.tested))
    func postgresDumpAndRestore() throws {
        let folder = try TemporaryFolder()
        let original = try PostgresTestDatabase()
        defer { original.drop() }
        let store = try original.migratedWithFacility(sync, folder)
        let (hub, address) = try sync.restartHub(folder, store: store)
        let first = try sync.terminal(folder, "first", hub: address, store: store)
        #expect(try BuiltProduct.run(["demo", "--db", first, "--patients", "50", "--seed", "5"]).status == 0)
        #expect(try BuiltProduct.run(["sync", "--db", first]).status == 0)
        hub.signal(SIGTERM)
        hub.wait()
        let before = try sync.admin(folder, ["stats", "--json"], store: store)

        // The README's lines.
        let dump = folder.file("hub.dump")
        let dumped = try ChildProcess.run("/usr/bin/pg_dump", ["--format=custom", "--file=\(dump)", original.url])
        #expect(dumped.status == 0, "\(dumped.stderr)")
        let copy = try PostgresTestDatabase()
        defer { copy.drop() }
        let restored = try ChildProcess.run("/usr/bin/pg_restore", ["--no-owner", "--exit-on-error", "--dbname=\(copy.url)", dump])
        #expect(restored.status == 0, "\(restored.stderr)")

        let copied = ["--postgres", copy.url]
        #expect(try sync.admin(folder, ["stats", "--json"], store: copied) == before)
        let (restoredHub, restoredAddress) = try sync.restartHub(folder, store: copied)
        defer { restoredHub.signal(SIGTERM); restoredHub.wait() }
        // A terminal new to the restored hub receives every record; the first goes on uploading to it.
        let second = try sync.terminal(folder, "second", hub: restoredAddress, store: copied)
        let pulled = try BuiltProduct.run(["sync", "--json", "--db", second])
        #expect(pulled.status == 0, "\(pulled.stderr)")
        let patients = try DatabaseQueue(path: second).read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM patient") ?? 0 }
        #expect(patients == 50)
        let token = try String(contentsOfFile: first + ".hub-token", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try BuiltProduct.run(["hub", "connect", restoredAddress, "--token", token, "--db", first]).status == 0)
        #expect(try BuiltProduct.run(["demo", "--db", first, "--patients", "5", "--seed", "6", "--no-history"]).status == 0)
        let more = try BuiltProduct.run(["sync", "--json", "--db", first])
        #expect(more.status == 0, "the restored sequence goes on where it was: \(more.stdout)\(more.stderr)")
        #expect(try copy.scalar("SELECT count(*) FROM record WHERE type = 'patient'") == "55")
    }
}

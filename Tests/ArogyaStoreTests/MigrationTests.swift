@testable import ArogyaStore
import ArogyaCore
import GRDB
import Testing

@Suite("Migrations")
struct MigrationTests {
    @Test("Given an empty database, when migrated one version at a time, then every step leaves a sound schema")
    func throughEveryVersion() throws {
        let queue = try DatabaseQueue()
        let migrator = Migrations.migrator
        #expect(!migrator.migrations.isEmpty)
        for identifier in migrator.migrations {
            try migrator.migrate(queue, upTo: identifier)
            let (applied, integrity, foreignKeyProblems) = try queue.read { db in
                (try migrator.appliedIdentifiers(db), try String.fetchOne(db, sql: "PRAGMA integrity_check"),
                 try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").count)
            }
            #expect(applied.contains(identifier))
            #expect(integrity == "ok")
            #expect(foreignKeyProblems == 0)
        }
        let (completed, applicationId, missingTables) = try queue.read { db in
            (try migrator.hasCompletedMigrations(db), try Int32.fetchOne(db, sql: "PRAGMA application_id"),
             try ["facility", "village", "setting", "account", "audit_log", "sync_outbox"].filter { try !db.tableExists($0) })
        }
        #expect(completed)
        #expect(applicationId == Migrations.applicationId)
        #expect(missingTables.isEmpty)
    }

    @Test("Given a migrated database, when migrated again, then nothing changes")
    func idempotent() throws {
        let store = try AppDatabase.inMemory()
        try Migrations.migrator.migrate(store.writer)
        let applied = try store.writer.read { db in try Migrations.migrator.appliedIdentifiers(db) }
        #expect(applied.count == Migrations.migrator.migrations.count)
    }
}

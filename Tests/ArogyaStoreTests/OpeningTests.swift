@testable import ArogyaStore
import ArogyaCore
import ArogyaTesting
import Foundation
import GRDB
import Testing

@Suite("Opening the database file", .serialized)
struct OpeningTests {
    @Test("Given no file, when opened, then it is created 0600 in new 0700 folders, set up empty and in WAL mode")
    func createsPrivateFile() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("data/arogya/arogya.sqlite")
        let store = try AppDatabase.open(path: path, mode: .createIfMissing, pinHasher: .fastForTests)
        let fileMode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        let folderMode = try FileManager.default.attributesOfItem(atPath: folder.file("data/arogya"))[.posixPermissions] as? Int
        #expect(fileMode == 0o600)
        #expect(folderMode == 0o700)
        #expect(try store.isSetUp() == false)
        let (journal, foreignKeys) = try store.writer.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Bool.fetchOne(db, sql: "PRAGMA foreign_keys"))
        }
        #expect(journal == "wal")
        #expect(foreignKeys == true)
        // FULL, not the NORMAL GRDB sets with WAL mode: a commit survives a power cut.
        let synchronous = try store.writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(synchronous == 2)
        // Readers keep a smaller page cache than the writer (SQLite's 2 MB), which keeps the screen's memory down.
        let readerCache = try store.writer.read { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") }
        let writerCache = try store.writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") }
        #expect(readerCache == -AppDatabase.readerCacheKiB)
        #expect(writerCache == -2000)
    }

    @Test("Given no file, when a command needs one, then it is refused as missing and not created")
    func missing() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("none.sqlite")
        #expect(throws: StoreError.missing(path: path)) { try AppDatabase.open(path: path, mode: .mustExist) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("Given a file that is not SQLite, when opened, then it is refused as not a database and left byte for byte")
    func garbage() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("a.sqlite")
        let bytes = Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect(throws: StoreError.self) { try AppDatabase.open(path: path, mode: .createIfMissing) }
        #expect(throws: StoreError.notADatabase(path: path)) { try AppDatabase.open(path: path, mode: .createIfMissing) }
        #expect(folder.contents("a.sqlite") == bytes)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }

    @Test("Given an Arogya database whose schema page is damaged, when opened, then it is refused and unchanged")
    func damagedSchema() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("a.sqlite")
        try makeSetUpFile(path)
        var bytes = try #require(folder.contents("a.sqlite"))
        for index in 100..<min(bytes.count, 2000) { bytes[index] = 0xFF }
        try bytes.write(to: URL(fileURLWithPath: path))
        do {
            _ = try AppDatabase.open(path: path, mode: .mustExist)
            Issue.record("a damaged database was opened")
        } catch {
            guard case .corrupt = error else { Issue.record("expected corrupt, got \(error)"); return }
        }
        #expect(folder.contents("a.sqlite") == bytes)
    }

    @Test("Given a database of another program, when opened, then it is refused and unchanged")
    func foreignDatabase() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("other.sqlite")
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "CREATE TABLE notes (text TEXT)") }
        try queue.close()
        let before = folder.contents("other.sqlite")
        #expect(throws: StoreError.notArogya(path: path)) { try AppDatabase.open(path: path, mode: .createIfMissing) }
        #expect(folder.contents("other.sqlite") == before)
    }

    @Test("Given a database from a newer Arogya, when opened, then it is refused and unchanged")
    func newerVersion() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("a.sqlite")
        try makeSetUpFile(path)
        let queue = try DatabaseQueue(path: path)
        var future = Migrations.migrator
        future.registerMigration("v999-from-the-future") { db in try db.execute(sql: "CREATE TABLE future (x)") }
        try future.migrate(queue)
        try queue.close()
        let before = folder.contents("a.sqlite")
        #expect(throws: StoreError.newerVersion(path: path)) { try AppDatabase.open(path: path, mode: .mustExist) }
        #expect(folder.contents("a.sqlite") == before)
    }

    @Test("Given a database marked read-only, when opened, then it is refused and unchanged (even for root)")
    func readOnly() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("a.sqlite")
        try makeSetUpFile(path)
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: path)
        let before = folder.contents("a.sqlite")
        #expect(throws: StoreError.readOnly(path: path)) { try AppDatabase.open(path: path, mode: .mustExist) }
        #expect(folder.contents("a.sqlite") == before)
    }

    @Test("Given another program holding an exclusive lock, when opened, then it is refused as locked")
    func locked() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("a.sqlite")
        try makeSetUpFile(path)
        let holder = try ExclusiveLock(path: path)
        defer { try? holder.release() }
        do {
            _ = try AppDatabase.open(path: path, mode: .mustExist, busySeconds: 0.2)
            Issue.record("a locked database was opened")
        } catch {
            #expect(error == .locked(path: path))
        }
    }

    @Test("Given a set-up file, when opened again, then the accounts are there and the lockout survived")
    func reopen() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("a.sqlite")
        try makeSetUpFile(path)
        let store = try AppDatabase.open(path: path, mode: .mustExist, clock: .fixed(Fixtures.now), pinHasher: .fastForTests)
        for _ in 1...5 { _ = try store.attemptLogin(username: "priya", pin: "1111") }
        let again = try AppDatabase.open(path: path, mode: .mustExist, clock: .fixed(Fixtures.now.adding(seconds: 60)), pinHasher: .fastForTests)
        #expect(try again.attemptLogin(username: "priya", pin: Fixtures.supervisorPin) == .locked(until: Fixtures.now.adding(seconds: 900)))
    }

    private func makeSetUpFile(_ path: String) throws {
        let store = try AppDatabase.open(path: path, mode: .createIfMissing, clock: .fixed(Fixtures.now), pinHasher: .fastForTests)
        try store.completeSetup(Fixtures.standardSetup, by: .system)
        // Fold the WAL into the main file, so that the file alone is the whole database.
        try store.writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try (store.writer as? DatabasePool)?.close()
    }
}

@testable import ArogyaStore
import ArogyaCore
import ArogyaTesting
import Foundation
import GRDB
import Testing

/// One open per process, checks before writing, damage that stops writes, rows that vanish, read-only
/// files and a full disk.
@Suite("The file's integrity", .serialized)
struct IntegrityTests {
    let today = CivilDate(year: 2026, month: 11, day: 22)!

    func details(_ name: String) -> PatientDetails {
        PatientDetails(name: name, sex: .female, birthDate: CivilDate(iso8601: "1976-03-10")!, birthDateEstimated: false,
                       village: "Rampur", consent: Consent(given: true, method: .verbal, date: today))
    }

    func register(_ store: AppDatabase, _ name: String) throws -> Patient {
        guard case .registered(let patient) = try store.registerPatient(details(name), confirmedNew: true, today: today, by: .account("asha")) else {
            throw StoreError.refused(UserMessage(.errorUnknownPatient, ["id": name]))
        }
        return patient
    }

    func makeSetUpFile(_ path: String, patients: [String] = ["Sita Devi"]) throws {
        let store = try AppDatabase.open(path: path, mode: .createIfMissing, clock: .fixed(Fixtures.now), pinHasher: .fastForTests)
        try store.completeSetup(Fixtures.standardSetup, by: .system)
        for name in patients { _ = try register(store, name) }
    }

    @Test("Given the file open here, when it is opened again, then both share one pool and nothing opens the file a second time")
    func oneOpenPerProcess() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("a.sqlite")
        try makeSetUpFile(path)
        let first = try AppDatabase.open(path: path, mode: .mustExist, pinHasher: .fastForTests)
        // Through a link, as another spelling of the same file.
        try FileManager.default.createSymbolicLink(atPath: folder.file("link.sqlite"), withDestinationPath: path)
        let second = try AppDatabase.open(path: folder.file("link.sqlite"), mode: .mustExist, pinHasher: .fastForTests)
        let reader = try AppDatabase.open(path: path, mode: .forReading, pinHasher: .fastForTests)
        #expect(first.file === second.file)
        #expect(first.file === reader.file)
        _ = try register(second, "Gita Devi")
        #expect(try first.searchPatients(PatientQuery.parse("gita"), limit: 5).count == 1)
    }

    @Test("Given every file of the store's sources, when read, then only DatabaseFiles makes a connection on the terminal's database")
    func onlyOnePlaceOpens() throws {
        let sources = URL(fileURLWithPath: BuiltProduct.assets).deletingLastPathComponent().appendingPathComponent("Sources")
        var offenders: [String] = []
        for target in ["ArogyaStore", "ArogyaUI", "ArogyaSync", "arogya", "ArogyaTerminal"] {
            let folder = sources.appendingPathComponent(target)
            guard let files = FileManager.default.enumerator(atPath: folder.path) else { continue }
            for case let name as String in files where name.hasSuffix(".swift") {
                let text = try String(contentsOfFile: folder.appendingPathComponent(name).path, encoding: .utf8)
                let opensFile = ["DatabasePool(path", "FileHandle(forReadingAtPath", "FileHandle(forUpdatingAtPath", "fopen("]
                    .contains { text.contains($0) }
                if opensFile && !["DatabaseFiles.swift", "AppDatabase+Open.swift"].contains((name as NSString).lastPathComponent) {
                    offenders.append(target + "/" + name)
                }
            }
        }
        #expect(offenders.isEmpty, "these open a database file outside DatabaseFiles: \(offenders)")
    }

    @Test("Given a WAL left behind by a process that did not close the file, when it is opened alone, then the first write waits for SQLite's check")
    func uncleanExit() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("a.sqlite")
        try makeSetUpFile(path)
        let store = try AppDatabase.open(path: path, mode: .mustExist, pinHasher: .fastForTests)
        _ = try register(store, "Gita Devi")
        // A copy taken while the file is open is what a killed process leaves: the file and a WAL with frames.
        for suffix in ["", "-wal"] { try FileManager.default.copyItem(atPath: path + suffix, toPath: folder.file("copy.sqlite") + suffix) }
        let copy = try AppDatabase.open(path: folder.file("copy.sqlite"), mode: .mustExist, pinHasher: .fastForTests)
        #expect(copy.file?.integrity.uncleanExit == true)
        #expect(store.file?.integrity.uncleanExit == false)
        _ = try register(copy, "Rita Devi")
        let checkedAt = try copy.read { db in try db.setting(.integrityCheckedAt) }
        #expect(checkedAt != nil)
    }

    /// Overwrites the first page of the screening table (its root, a leaf in a small file) with noise.
    func damageScreeningTable(_ path: String) throws -> (offset: UInt64, original: Data) {
        let queue = try DatabaseQueue(path: path, configuration: { var c = Configuration(); c.readonly = true; return c }())
        let (page, size) = try queue.read { db in
            (try Int.fetchOne(db, sql: "SELECT rootpage FROM sqlite_master WHERE name = 'screening'")!,
             try Int.fetchOne(db, sql: "PRAGMA page_size")!)
        }
        try queue.close()
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        let offset = UInt64((page - 1) * size)
        try handle.seek(toOffset: offset)
        let original = try handle.read(upToCount: size) ?? Data()
        var generator = SystemRandomNumberGenerator()
        try handle.seek(toOffset: offset)
        try handle.write(contentsOf: Data((0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) }))
        return (offset, original)
    }

    @Test("Given a page of the screening table overwritten, when a patient is added, then nothing is written, it says damaged with the path, and reading goes on")
    func damagedPageStopsWrites() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("a.sqlite")
        try makeSetUpFile(path, patients: ["Sita Devi", "Gita Devi"])
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"), "the file was not closed")
        let damage = try damageScreeningTable(path)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))

        do {
            let store = try AppDatabase.open(path: path, mode: .mustExist, pinHasher: .fastForTests)
            // She can still sign in (the record of it waits) and look people up.
            guard case .signedIn = try store.attemptLogin(username: "priya", pin: Fixtures.supervisorPin) else {
                Issue.record("a damaged file kept her from signing in")
                return
            }
            #expect(try store.searchPatients(PatientQuery.parse("sita"), limit: 5).count == 1)
            do {
                _ = try register(store, "Rita Devi")
                Issue.record("a damaged file was written to")
            } catch {
                guard case .corrupt(let reported, _)? = error as? StoreError else { Issue.record("expected damaged, got \(error)"); return }
                #expect(reported == path)
                #expect(store.knownDamage != nil)
            }
        }
        let after = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(after == before, "\(after.count) vs \(before.count), first difference at \(zip(after, before).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? -1)")
        // Every later process is told by the mark beside the file, before it checks anything itself.
        #expect(FileManager.default.fileExists(atPath: DamageMarker.path(beside: path)))
        do {
            let later = try AppDatabase.open(path: path, mode: .mustExist, pinHasher: .fastForTests)
            #expect(later.knownDamage != nil)
            #expect(throws: StoreError.self) { _ = try register(later, "Rita Devi") }
        }

        // Once the page is put back (a repair, with Arogya closed), the thorough check finds it sound and lifts the mark.
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        try handle.seek(toOffset: damage.offset)
        try handle.write(contentsOf: damage.original)
        try handle.close()
        do {
            let repaired = try AppDatabase.open(path: path, mode: .mustExist, pinHasher: .fastForTests)
            let report = try repaired.thoroughCheck()
            #expect(report.isSound, "\(report)")
            #expect(!FileManager.default.fileExists(atPath: DamageMarker.path(beside: path)))
        }
        // Sound again: the next open writes.
        _ = try register(try AppDatabase.open(path: path, mode: .mustExist, pinHasher: .fastForTests), "Rita Devi")
    }

    @Test("Given rows committed here that the file no longer has, when checked, then they are reported missing until a supervisor accepts the older file")
    func vanishedRows() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("a.sqlite")
        try makeSetUpFile(path)
        // An older copy of the file, as a backup taken now would be.
        do {
            let store = try AppDatabase.open(path: path, mode: .mustExist, pinHasher: .fastForTests)
            try store.writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
            try FileManager.default.copyItem(atPath: path, toPath: folder.file("backup.sqlite"))
            _ = try register(store, "Gita Devi")
            #expect(try store.auditAnchorProblem() == nil)
        }
        // The older file put in its place: what a discarded WAL leaves too.
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        try FileManager.default.copyItem(atPath: folder.file("backup.sqlite"), toPath: path)
        let store = try AppDatabase.open(path: path, mode: .mustExist, pinHasher: .fastForTests)
        let problem = try #require(try store.auditAnchorProblem())
        #expect(problem.expectedId > problem.newestId)
        #expect(try store.thoroughCheck().anchor == problem)
        try store.acceptRestoredFile(by: .account("priya"))
        #expect(try store.auditAnchorProblem() == nil)
        #expect(try store.recentAudit(limit: 1).first?.action == "store.restore_accepted")
    }

    @Test("Given a file without write permission, when opened for reading, then searches and the audit check work and a write is refused")
    func readOnlyFile() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("a.sqlite")
        try makeSetUpFile(path)
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: path)
        let store = try AppDatabase.open(path: path, mode: .forReading, pinHasher: .fastForTests)
        #expect(store.isReadOnly)
        #expect(try store.searchPatients(PatientQuery.parse("sita"), limit: 5).count == 1)
        #expect(try store.firstBrokenAuditRow() == nil)
        #expect(throws: StoreError.readOnly(path: path)) { _ = try register(store, "Gita Devi") }
    }

    @Test("Given a full disk, when she signs in, then she is in and can read; wrong PINs still lock; the attempts are written once there is room")
    func fullDiskSignIn() throws {
        let store = try Fixtures.setUpStore()
        // Fill every free byte of the file and forbid new pages: the next write has nowhere to go.
        try store.writer.writeWithoutTransaction { db in
            try db.execute(sql: "CREATE TABLE filler (x BLOB)")
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count")!
            try db.execute(sql: "PRAGMA max_page_count = \(pages + 1)")
            do { while true { try db.execute(sql: "INSERT INTO filler VALUES (zeroblob(200))") } } catch {}
            do { while true { try db.execute(sql: "INSERT INTO filler VALUES (zeroblob(10))") } } catch {}
        }
        guard case .signedIn(let account) = try store.attemptLogin(username: "priya", pin: Fixtures.supervisorPin) else {
            Issue.record("a full disk kept her out")
            return
        }
        #expect(account.username == "priya")
        #expect(try store.accounts().count == 2)
        for _ in 1...4 { _ = try store.attemptLogin(username: "asha", pin: "0000") }
        #expect(try store.attemptLogin(username: "asha", pin: "0000") == .locked(until: Fixtures.now.adding(seconds: 900)))
        #expect(try store.attemptLogin(username: "asha", pin: Fixtures.workerPin) == .locked(until: Fixtures.now.adding(seconds: 900)))

        // Room again: the next write carries the kept attempts.
        try store.writer.writeWithoutTransaction { db in try db.execute(sql: "DROP TABLE filler; PRAGMA max_page_count = 1073741823") }
        _ = try register(store, "Sita Devi")
        let actions = try store.recentAudit(limit: 20).map { "\($0.actor) \($0.action)" }
        #expect(actions.contains("priya login.success"))
        #expect(actions.filter { $0 == "asha login.failure" }.count == 5)
        #expect(try store.account(username: "asha")?.lockedUntil == Fixtures.now.adding(seconds: 900))
    }
}

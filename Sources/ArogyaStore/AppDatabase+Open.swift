import ArogyaCore
import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif

extension AppDatabase {
    public enum OpenMode: Sendable {
        /// Create the file (and its private folder) when it does not exist: the UI and `setup`.
        case createIfMissing
        /// The file must exist: commands that only make sense on a set-up database.
        case mustExist
        /// The file must exist and is only read: every write is refused.
        case readOnly
        /// The file must exist; it is opened for writing when it can be (so that a newer version brings
        /// it up to date first), else only for reading: commands that change nothing, which must also work
        /// on a file or folder without write permission.
        case forReading
    }

    /// When SQLite's check of the file runs, when one is due (see `IntegrityPolicy`).
    public enum IntegrityCheckTiming: Sendable {
        /// Before the file is opened for writing, on the read-only connection that inspects it, so that not
        /// a byte is written to a damaged file: commands, which wait for their work anyway.
        case beforeOpening
        /// A large file is checked by `checkIntegrityIfDue()` in the background, and the first write waits
        /// for it: the screen, which must start at once. A small file is still checked before opening.
        case inBackground
    }

    /// Opens the database file, after making sure it can be used without damage.
    ///
    /// A file that is locked, read-only, not a SQLite database, damaged, made by another program or by a
    /// newer Arogya is refused with a `StoreError` before anything is written to it: every check here
    /// runs on a read-only connection, and the writing connection is only opened once they pass. A file
    /// known or found to be damaged is opened only for reading. The file is opened once per process
    /// (`DatabaseFiles`): opening it again shares the same connection pool.
    public static func open(path: String, mode: OpenMode, clock: WallClock = .system,
                            pinHasher: PinHasher = PinHasher(), lockout: LockoutPolicy = .standard,
                            busySeconds: Double = 3, integrityCheck: IntegrityCheckTiming = .beforeOpening,
                            announce: (UserMessage) -> Void = { _ in }) throws(StoreError) -> AppDatabase {
        var mode = mode
        if mode == .forReading {
            mode = canWrite(path: path) ? .mustExist : .readOnly
        }
        let exists = FileManager.default.fileExists(atPath: path)
        if !exists {
            guard mode == .createIfMissing else { throw .missing(path: path) }
            try DatabaseLocation.createPrivateFile(at: path)
            // A new file has no past: whatever was kept beside an earlier file of this name is not its own.
            AuditAnchor.forget(beside: path)
            DamageMarker.clear(beside: path)
        }
        let askedReadOnly = mode == .readOnly
        var damaged = false
        var checkedSound = false
        let file: OpenDatabaseFile
        do {
            file = try DatabaseFiles.open(path: path, prepare: { arrival in
                guard exists else { return }
                if arrival.alone { AuditAnchor.removeLeftovers(beside: path) }
                try checkFileIsUsable(path: path, forWriting: !askedReadOnly)
                let due: (Timestamp?) -> Bool = { lastChecked in
                    guard !askedReadOnly else { return false }
                    let small = DatabaseFiles.fileSize(path) < IntegrityPolicy.alwaysCheckBelowBytes
                    guard small || integrityCheck == .beforeOpening else { return false }
                    return IntegrityPolicy.isDue(uncleanExit: arrival.walLeftBehind, path: path, lastChecked: lastChecked, now: clock.now())
                }
                let inspection = try inspectReadOnly(path: path, busySeconds: busySeconds, readOnly: askedReadOnly, quickCheckIf: due)
                damaged = DamageMarker.read(beside: path) != nil
                if let problem = inspection.problems.first {
                    DamageMarker.write(problem, beside: path)
                    damaged = true
                } else if inspection.checked {
                    checkedSound = true
                }
            }, connect: { () throws -> (any DatabaseWriter, readOnly: Bool) in
                if askedReadOnly || damaged {
                    return (try DatabaseQueue(path: path, configuration: configuration(busySeconds: busySeconds, readonly: true)), true)
                }
                let pool = try DatabasePool(path: path, configuration: configuration(busySeconds: busySeconds))
                // GRDB turns WAL mode on with `synchronous = NORMAL`, after the configuration's own setup; a
                // clinic loses power, so every commit must reach the disk before it is acknowledged.
                try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
                return (pool, false)
            })
        } catch {
            throw StoreError.classify(error, path: path)
        }
        if checkedSound { file.integrity.checkedSoundAtOpening() }
        let database = try AppDatabase(file: file, clock: clock, pinHasher: pinHasher, lockout: lockout, announce: announce)
        guard !file.isReadOnly else { return database }
        // Fail now, with a clear message, if another program holds the write lock: every session writes
        // (a login records itself), and a worker should not find out after typing a whole form.
        do {
            try file.writer.writeWithoutTransaction { db in
                try db.execute(sql: "BEGIN IMMEDIATE")
                try db.execute(sql: "ROLLBACK")
            }
        } catch {
            throw StoreError.classify(error, path: path)
        }
        return database
    }

    /// Refuses a file that cannot be written (unless only reading) or that does not start like a SQLite
    /// database. Runs before this process has any connection on the file, so the descriptor it opens to
    /// read the header cannot release a lock of ours when it closes (see `DatabaseFiles`).
    static func checkFileIsUsable(path: String, forWriting: Bool) throws(StoreError) {
        var info = stat()
        guard stat(path, &info) == 0 else { throw .io(path: path, detail: String(cString: strerror(errno))) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .notArogya(path: path) }
        if forWriting, !canWrite(path: path) { throw .readOnly(path: path) }
        guard info.st_size > 0 else { return }
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .io(path: path, detail: String(cString: strerror(errno))) }
        defer { Glibc.close(descriptor) }
        var header = [UInt8](repeating: 0, count: 16)
        let count = pread(descriptor, &header, 16, 0)
        guard count == 16, header == Array("SQLite format 3\u{0}".utf8) else { throw .notADatabase(path: path) }
    }

    /// Whether the file and its folder may be written, from their permissions alone (nothing is opened).
    static func canWrite(path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        // A file with no write permission bits was made read-only on purpose; respect that even for root,
        // who could otherwise write to it.
        if (info.st_mode & 0o222) == 0 || access(path, W_OK) != 0 { return false }
        // WAL mode keeps two files beside the database, so its folder must be writable too.
        let directory = (path as NSString).deletingLastPathComponent
        return access(directory.isEmpty ? "." : directory, W_OK) == 0
    }

    /// What inspecting the file on a read-only connection found.
    struct Inspection {
        /// Whether SQLite's `quick_check` ran, and what it reported (empty: sound).
        var checked = false
        var problems: [String] = []
    }

    /// Reads the schema on a read-only connection: damaged, foreign or newer files stop here, unchanged.
    /// A file opened only for reading must also be fully migrated, since it cannot be brought up to date.
    /// When `quickCheckIf` says so (given when the file was last found sound), SQLite's check runs here too.
    static func inspectReadOnly(path: String, busySeconds: Double, readOnly: Bool,
                                quickCheckIf due: (Timestamp?) -> Bool = { _ in false }) throws(StoreError) -> Inspection {
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration(busySeconds: busySeconds, readonly: true))
            defer { try? queue.close() }
            let lastChecked = try queue.read { db -> Timestamp?? in
                let applicationId = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                let tableCount = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'table'") ?? 0
                if applicationId != Migrations.applicationId {
                    // An empty database (a zero-length file SQLite created) may become ours.
                    if applicationId != 0 || tableCount > 0 { throw StoreError.notArogya(path: path) }
                    if readOnly { throw StoreError.needsUpgrade(path: path) }
                    return .none
                }
                if try Migrations.migrator.hasBeenSuperseded(db) { throw StoreError.newerVersion(path: path) }
                if readOnly, try !Migrations.migrator.hasCompletedMigrations(db) { throw StoreError.needsUpgrade(path: path) }
                return .some(try db.tableExists("setting") ? try db.setting(.integrityCheckedAt).flatMap(Timestamp.init(iso8601:)) : nil)
            }
            guard case .some(let last) = lastChecked, due(last) else { return Inspection() }
            // Outside a transaction: a statement that meets a damaged page ends the transaction it is in.
            do {
                return Inspection(checked: true, problems: try queue.inDatabase { db in try IntegrityCheck.problems(db, thorough: false) })
            } catch let error as DatabaseError where error.resultCode == .SQLITE_CORRUPT {
                return Inspection(checked: true, problems: [error.message ?? "database disk image is malformed"])
            }
        } catch {
            throw StoreError.classify(error, path: path)
        }
    }
}

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
    }

    /// Opens the database file, after making sure it can be used without damage.
    ///
    /// A file that is locked, read-only, not a SQLite database, damaged, made by another program or by a
    /// newer Arogya is refused with a `StoreError` before anything is written to it: every check here
    /// runs on a read-only connection, and the writing connection is only opened once they pass.
    public static func open(path: String, mode: OpenMode, clock: WallClock = .system,
                            pinHasher: PinHasher = PinHasher(), lockout: LockoutPolicy = .standard,
                            busySeconds: Double = 3) throws(StoreError) -> AppDatabase {
        let exists = FileManager.default.fileExists(atPath: path)
        if !exists {
            guard mode == .createIfMissing else { throw .missing(path: path) }
            try DatabaseLocation.createPrivateFile(at: path)
        } else {
            try checkFileIsUsable(path: path)
            try inspectReadOnly(path: path, busySeconds: busySeconds)
        }
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration(busySeconds: busySeconds))
        } catch {
            throw StoreError.classify(error, path: path)
        }
        let database = try AppDatabase(writer: pool, path: path, clock: clock, pinHasher: pinHasher, lockout: lockout)
        // Fail now, with a clear message, if another program holds the write lock: every session writes
        // (a login records itself), and a worker should not find out after typing a whole form.
        do {
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "BEGIN IMMEDIATE")
                try db.execute(sql: "ROLLBACK")
            }
        } catch {
            throw StoreError.classify(error, path: path)
        }
        return database
    }

    /// Refuses a file that cannot be written or that does not start like a SQLite database.
    static func checkFileIsUsable(path: String) throws(StoreError) {
        var info = stat()
        guard stat(path, &info) == 0 else { throw .io(path: path, detail: String(cString: strerror(errno))) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .notArogya(path: path) }
        // A file with no write permission bits was made read-only on purpose; respect that even for root,
        // who could otherwise write to it.
        if (info.st_mode & 0o222) == 0 || access(path, W_OK) != 0 { throw .readOnly(path: path) }
        // WAL mode keeps two files beside the database, so its folder must be writable too.
        let directory = (path as NSString).deletingLastPathComponent
        if access(directory.isEmpty ? "." : directory, W_OK) != 0 { throw .readOnly(path: path) }
        guard info.st_size > 0 else { return }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .readOnly(path: path) }
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        guard header == Data("SQLite format 3\u{0}".utf8) else {
            throw .corrupt(path: path, detail: "not an SQLite database")
        }
    }

    /// Reads the schema on a read-only connection: damaged, foreign or newer files stop here, unchanged.
    static func inspectReadOnly(path: String, busySeconds: Double) throws(StoreError) {
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration(busySeconds: busySeconds, readonly: true))
            defer { try? queue.close() }
            try queue.read { db in
                let applicationId = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                let tableCount = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'table'") ?? 0
                if applicationId != Migrations.applicationId {
                    // An empty database (a zero-length file SQLite created) may become ours.
                    if applicationId != 0 || tableCount > 0 { throw StoreError.notArogya(path: path) }
                    return
                }
                if try Migrations.migrator.hasBeenSuperseded(db) { throw StoreError.newerVersion(path: path) }
            }
        } catch {
            throw StoreError.classify(error, path: path)
        }
    }
}

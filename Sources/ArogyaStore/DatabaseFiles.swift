import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif

/// The one place this process opens a database file of Arogya's: at most one connection pool per file,
/// whatever path names it, shared by every part of the process that asks for it.
///
/// On Linux, closing *any* descriptor of a file drops every POSIX lock the process holds on that file,
/// SQLite's included. A process that opened the database a second time (to read its header, or through a
/// second pool) and closed it would silently lose its locks, and another process would then take itself
/// for the last user, checkpoint and delete the WAL under the first one's writes ("How To Corrupt An
/// SQLite Database File", §2.2). So: every check that reads the file runs here, under this registry's lock,
/// before the pool exists; once it exists, nothing opens the file again until it is closed.
public enum DatabaseFiles {
    /// What identifies a file whatever path (or link) names it.
    struct Identity: Hashable {
        let device: UInt64
        let inode: UInt64
    }

    /// What the opener learnt before any connection existed, for the caller's checks.
    struct Arrival {
        /// No other Arogya process has the file open (they all hold the presence lock while they do).
        let alone: Bool
        /// A WAL with frames in it was left beside the file while nobody had it open: the last process
        /// that used it did not close it (a kill, a crash, a power cut).
        let walLeftBehind: Bool
    }

    private final class Entry {
        weak var file: OpenDatabaseFile?
        init(_ file: OpenDatabaseFile) { self.file = file }
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var entries: [Identity: Entry] = [:]

    static func identity(of path: String) -> Identity? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    /// The open file for `path`: the one this process already has, or a new one made by `prepare` (checks
    /// that may read the file, run while no connection of this process exists on it) and then `connect`,
    /// which says whether it opened it only for reading.
    ///
    /// A file already open here is shared as it is, read-only or not: a second pool is exactly what must
    /// not exist, and a write to a read-only one is refused with its reason when it is tried.
    static func open(path: String, prepare: (Arrival) throws -> Void,
                     connect: () throws -> (any DatabaseWriter, readOnly: Bool)) throws -> OpenDatabaseFile {
        lock.lock()
        defer { lock.unlock() }
        guard let identity = identity(of: path) else { throw StoreError.missing(path: path) }
        if let existing = entries[identity]?.file { return existing }
        let presence = PresenceLock(beside: path)
        let alone = presence?.isAlone ?? false
        let arrival = Arrival(alone: alone, walLeftBehind: alone && fileSize(path + "-wal") > 0)
        presence?.share()
        try prepare(arrival)
        let (writer, readOnly) = try connect()
        let file = OpenDatabaseFile(path: path, identity: identity, writer: writer, isReadOnly: readOnly,
                                    presence: presence, arrival: arrival)
        entries[identity] = Entry(file)
        return file
    }

    /// Called as the last user lets go: the pool closes before the entry goes, under the lock, so that a
    /// new open of the same file never overlaps the old pool's last checkpoint.
    fileprivate static func close(_ file: OpenDatabaseFile) {
        lock.lock()
        defer { lock.unlock() }
        if let entry = entries[file.identity], entry.file == nil || entry.file === file {
            entries[file.identity] = nil
        }
        // Dropping the pool here closes its readers and then its writer, the last of which checkpoints and
        // removes the WAL (GRDB's explicit `close()` would close the writer first and leave it behind).
        file.connection = nil
        file.presence?.release()
    }

    /// How many files this process has open now (tests).
    static var openCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return entries.values.filter { $0.file != nil }.count
    }

    static func fileSize(_ path: String) -> Int64 {
        var info = stat()
        guard stat(path, &info) == 0 else { return 0 }
        return Int64(info.st_size)
    }
}

/// A database file as this process has it open: its only connection pool, and what every `AppDatabase`
/// value over it shares (whether its integrity was checked, whether it was found damaged).
final class OpenDatabaseFile: @unchecked Sendable {
    let path: String
    let identity: DatabaseFiles.Identity
    /// Only `DatabaseFiles.close` lets go of it, under the registry's lock.
    fileprivate var connection: (any DatabaseWriter)?
    var writer: any DatabaseWriter { connection! }
    let isReadOnly: Bool
    fileprivate let presence: PresenceLock?
    let arrival: DatabaseFiles.Arrival
    /// The store's state of this file, shared by every value over it.
    let integrity: IntegrityState
    let pendingSignIns = PendingSignIns()

    fileprivate init(path: String, identity: DatabaseFiles.Identity, writer: any DatabaseWriter, isReadOnly: Bool,
                     presence: PresenceLock?, arrival: DatabaseFiles.Arrival) {
        self.path = path
        self.identity = identity
        self.connection = writer
        self.isReadOnly = isReadOnly
        self.presence = presence
        self.arrival = arrival
        self.integrity = IntegrityState(path: path, uncleanExit: arrival.walLeftBehind)
    }

    deinit { DatabaseFiles.close(self) }
}

/// A shared `flock` on `PATH.lock`, held by every Arogya process while it has the database open, so that
/// an opener can tell whether it is alone (and so whether a WAL left behind means an unclean exit). It is
/// a lock on another file: taking and dropping it never touches SQLite's own locks on the database.
final class PresenceLock: @unchecked Sendable {
    private var descriptor: Int32
    let isAlone: Bool

    static func path(beside database: String) -> String { database + ".lock" }

    /// Nil when the lock file cannot be made (a read-only folder): nobody can be told apart then.
    init?(beside database: String) {
        let file = Self.path(beside: database)
        let opened = Glibc.open(file, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard opened >= 0 else { return nil }
        descriptor = opened
        isAlone = flock(opened, LOCK_EX | LOCK_NB) == 0
    }

    /// From "alone" (exclusive) to "here too" (shared), waiting for an opener that is checking alone.
    func share() {
        while flock(descriptor, LOCK_SH) != 0 && errno == EINTR {}
    }

    func release() {
        guard descriptor >= 0 else { return }
        Glibc.close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}

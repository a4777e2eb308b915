import GRDB

/// Another program holding the database, until `release()`.
public final class ExclusiveLock {
    public enum Mode {
        /// Every other connection is kept out, readers included (`locking_mode = EXCLUSIVE`). Only
        /// possible while nobody else has the file open.
        case everything
        /// A write transaction left open: others can read, but their writes wait and then fail.
        case writes
    }

    private var queue: DatabaseQueue?
    private let mode: Mode

    public init(path: String, mode: Mode = .everything) throws {
        self.mode = mode
        var configuration = Configuration()
        // The whole point is a transaction left open between two accesses.
        configuration.allowsUnsafeTransactions = true
        if mode == .everything {
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA locking_mode = EXCLUSIVE") }
        }
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.inDatabase { db in
            switch mode {
            case .everything:
                // The first write takes the lock, and exclusive locking mode keeps it.
                try db.execute(sql: "BEGIN EXCLUSIVE; UPDATE setting SET value = value; COMMIT")
            case .writes:
                try db.execute(sql: "BEGIN IMMEDIATE")
            }
        }
        self.queue = queue
    }

    public func release() throws {
        if mode == .writes { try queue?.inDatabase { db in try db.execute(sql: "ROLLBACK") } }
        try queue?.close()
        queue = nil
    }

    deinit {
        try? release()
    }
}

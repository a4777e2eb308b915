import ArogyaCore
import GRDB

/// Why the store could not do what was asked, in terms an admin or a health worker can act on.
public enum StoreError: Error, Equatable, Sendable {
    /// Another program holds a lock on the database for longer than the wait allows.
    case locked(path: String)
    /// The file, or its folder, cannot be written.
    case readOnly(path: String)
    /// The file is not a readable SQLite database, or its contents are damaged.
    case corrupt(path: String, detail: String)
    /// A SQLite database made by some other program.
    case notArogya(path: String)
    /// Not an SQLite database at all (SQLite: "file is not a database").
    case notADatabase(path: String)
    /// Made by a newer version of Arogya, which this one must not touch.
    case newerVersion(path: String)
    /// Made by an older version and not yet brought up to date, which a command that only reads cannot do.
    case needsUpgrade(path: String)
    /// A row holds a value this version cannot read. The file itself is sound: SQLite did not say otherwise.
    case unreadableRow(path: String, detail: String)
    /// `--db` names a file that does not exist, for a command that needs one.
    case missing(path: String)
    /// The file or its folder could not be created.
    case cannotCreate(path: String, reason: String)
    case diskFull(path: String)
    /// A disk or file-system error.
    case io(path: String, detail: String)
    /// A refusal by the rules of the store itself: a login name taken, a setup done twice.
    case refused(UserMessage)
    /// Anything else SQLite reported.
    case other(path: String, detail: String)

    /// The message a person sees.
    public var message: UserMessage {
        switch self {
        case .locked(let path): return UserMessage(.storeLocked, ["path": path])
        case .readOnly(let path): return UserMessage(.storeReadOnly, ["path": path])
        case .corrupt(let path, let detail): return UserMessage(.storeCorrupt, ["path": path, "detail": detail])
        case .notArogya(let path): return UserMessage(.storeNotArogya, ["path": path])
        case .notADatabase(let path): return UserMessage(.storeNotADatabase, ["path": path])
        case .newerVersion(let path): return UserMessage(.storeNewerVersion, ["path": path])
        case .needsUpgrade(let path): return UserMessage(.storeNeedsUpgrade, ["path": path])
        case .unreadableRow(let path, let detail): return UserMessage(.storeUnreadableRow, ["path": path, "detail": detail])
        case .missing(let path): return UserMessage(.storeMissing, ["path": path])
        case .cannotCreate(let path, let reason): return UserMessage(.storeCannotCreate, ["path": path, "reason": reason])
        case .diskFull(let path): return UserMessage(.storeDiskFull, ["path": path])
        case .io(let path, let detail): return UserMessage(.storeIo, ["path": path, "detail": detail])
        case .refused(let message): return message
        case .other(let path, let detail): return UserMessage(.storeOther, ["path": path, "detail": detail])
        }
    }

    /// The message for any error a store call or a rule threw. Store calls report their own path; an error
    /// from elsewhere is worded without one.
    public static func message(for error: any Error) -> UserMessage {
        if let message = error as? UserMessage { return message }
        return classify(error, path: "?").message
    }

    /// Classifies an error from GRDB or SQLite.
    static func classify(_ error: any Error, path: String) -> StoreError {
        if let storeError = error as? StoreError { return storeError.at(path) }
        if let message = error as? UserMessage { return .refused(message) }
        guard let databaseError = error as? DatabaseError else {
            return .other(path: path, detail: String(describing: error))
        }
        switch databaseError.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED: return .locked(path: path)
        case .SQLITE_READONLY, .SQLITE_PERM: return .readOnly(path: path)
        case .SQLITE_CORRUPT: return .corrupt(path: path, detail: databaseError.message ?? "damaged")
        case .SQLITE_NOTADB: return .notADatabase(path: path)
        case .SQLITE_FULL: return .diskFull(path: path)
        case .SQLITE_IOERR, .SQLITE_CANTOPEN: return .io(path: path, detail: databaseError.message ?? "input/output error")
        default: return .other(path: path, detail: databaseError.message ?? "\(databaseError.resultCode)")
        }
    }
}

extension StoreError {
    /// The same error naming `path`, for one raised where the path was not known (reading a row).
    func at(_ path: String) -> StoreError {
        switch self {
        case .unreadableRow(let old, let detail) where old.isEmpty: return .unreadableRow(path: path, detail: detail)
        case .corrupt(let old, let detail) where old.isEmpty: return .corrupt(path: path, detail: detail)
        default: return self
        }
    }
}

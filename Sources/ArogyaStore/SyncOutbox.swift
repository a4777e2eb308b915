import ArogyaCore
import GRDB

/// Record types as the outbox, the wire and the hub name them: one enum, `RecordType` (ArogyaCore).
public typealias SyncRecordType = RecordType

/// Where an outbox row is on its way to the hub. SQL names the states through `sql`, so that a state
/// that does not exist does not compile.
public enum OutboxState: String, CaseIterable, Sendable {
    /// Waiting to be sent.
    case pending
    /// In a batch the hub has not answered yet: sent again if the answer never comes.
    case sent
    case accepted
    case rejected
    case conflict

    /// The state as an SQL literal: `'pending'`.
    public var sql: String { "'" + rawValue + "'" }
    /// The states of what still waits for upload, as an SQL list: `('pending', 'sent')`.
    public static let waitingSQL = "(" + [OutboxState.pending, .sent].map(\.sql).joined(separator: ", ") + ")"
}

extension AppDatabase {
    /// What waits for upload, in all: the status line's count (see `waitingRecordsByType`).
    public func pendingUploadCount() throws(StoreError) -> Int {
        try pendingUploadCountsByType().values.reduce(0, +)
    }

    /// What waits for upload by record type, for the Upload screen and `sync status`.
    public func pendingUploadCountsByType() throws(StoreError) -> [String: Int] {
        try read { db in try Self.waitingRecordsByType(db) }
    }
}

/// A record type binds in SQL as its name.
extension RecordType: DatabaseValueConvertible {}

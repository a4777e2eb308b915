import ArogyaCore
import GRDB

/// Record types as they are named in the outbox and, later, on the wire.
public enum SyncRecordType: String, CaseIterable, Sendable {
    /// A worker's name and role, so that uploaded documents can name their author. Never the PIN hash.
    case account
    case facility
    case patient
    /// A screening or follow-up visit with its decisions; becomes FHIR Observations and a DiagnosticReport.
    case screening
    /// A referral and its outcome; becomes a FHIR ServiceRequest.
    case referral
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

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
    /// Outbox rows waiting for upload.
    public func pendingUploadCount() throws(StoreError) -> Int {
        try read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM sync_outbox WHERE state IN ('pending', 'sent')") ?? 0
        }
    }

    /// Waiting rows by record type, for the Upload screen and `sync status`.
    public func pendingUploadCountsByType() throws(StoreError) -> [String: Int] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT record_type, count(*) AS n FROM sync_outbox
                WHERE state IN ('pending', 'sent') GROUP BY record_type
                """)
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["record_type"] as String, $0["n"] as Int) })
        }
    }
}

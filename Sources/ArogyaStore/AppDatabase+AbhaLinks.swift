import ArogyaCore
import GRDB

extension AppDatabase {
    /// Counts that change at the hub while a terminal asks may be stamped a little before the hub's answer:
    /// the next question starts this much earlier, and counts come again rather than never.
    static let abhaLinksOverlapSeconds: Int64 = 600

    /// The hub's time to ask for changes from; nil for everything.
    public func abhaLinksSince() throws(StoreError) -> Timestamp? {
        try read { db in try db.setting(.abhaLinksSince).flatMap(Timestamp.init(iso8601:)) }
    }

    /// Keeps the hub's counts for patients this terminal has (others' are the hub's business), and where
    /// to ask from next time.
    public func saveAbhaLinks(_ summaries: [AbhaLinkSummary], serverTime: Timestamp) throws(StoreError) {
        try write { db in
            for summary in summaries where summary.total >= summary.linked && summary.linked >= 0 && summary.failed >= 0 {
                try db.cachedStatement(sql: """
                    INSERT INTO abha_link (patient_id, linked, total, failed, updated_at)
                    SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM patient WHERE id = ?)
                    ON CONFLICT (patient_id) DO UPDATE SET linked = excluded.linked, total = excluded.total, failed = excluded.failed,
                        updated_at = excluded.updated_at
                    """).execute(arguments: [summary.patientId, summary.linked, summary.total, summary.failed, now, summary.patientId])
            }
            try db.setSetting(.abhaLinksSince, to: serverTime.adding(seconds: -Self.abhaLinksOverlapSeconds).iso8601, at: now)
        }
    }

    public func abhaLinkSummary(patientId: String) throws(StoreError) -> AbhaLinkSummary? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM abha_link WHERE patient_id = ?", arguments: [patientId]).map { row in
                AbhaLinkSummary(patientId: row["patient_id"], linked: row["linked"], total: row["total"], failed: row["failed"])
            }
        }
    }
}

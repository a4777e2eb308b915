@testable import ArogyaStore
import GRDB

extension AppDatabase {
    /// For each record of the type that waits for upload, its waiting versions, oldest first: a record
    /// waits once, at its newest version, unless a version of it is on its way.
    func waitingVersions(_ type: String) throws -> [String: [Int]] {
        try read { db in
            var versions: [String: [Int]] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT record_id, version FROM sync_outbox WHERE record_type = ? AND state IN ('pending', 'sent') ORDER BY id
                """, arguments: [type]) {
                versions[row["record_id"], default: []].append(row["version"])
            }
            return versions
        }
    }
}

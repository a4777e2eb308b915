import ArogyaCore
import GRDB

/// What is waiting for upload and what the hub said about it, for `sync status` and the Upload screen.
public struct SyncStatus: Sendable {
    /// Clocks further apart than this get a warning: due dates and lockouts depend on the terminal's.
    public static let clockToleranceMilliseconds = Int64(Indicators.clockToleranceMinutes) * 60 * 1000

    public struct Problem: Sendable, Equatable {
        public let type: String
        public let id: String
        /// `rejected` or `conflict`.
        public let state: OutboxState
        public let message: String
        public let at: Timestamp?
        /// The patient the record is about (the record itself, or the one it belongs to), to open and fix.
        public var patientId: String? = nil
        /// Whom or what the record is about, for a list: the patient's name, a worker's login name, the
        /// facility's name.
        public var subject: String? = nil
    }
    public let hubURL: String?
    public let pendingByType: [String: Int]
    public var pending: Int { pendingByType.values.reduce(0, +) }
    /// The last sync that reached the hub, with the hub's clock then and how far ours was from it.
    public let lastSuccess: Timestamp?
    public let lastServerTime: Timestamp?
    public let clockOffsetMilliseconds: Int64?
    public let lastFailure: (at: Timestamp, message: String)?
    public let rejected: [Problem]
    public let conflicts: [Problem]
    public let parked: Int
}

/// What one push did.
public struct PushTally: Sendable, Equatable {
    public var accepted = 0
    public var identical = 0
    public var conflicts = 0
    public var rejected = 0
    public init() {}
}

extension AppDatabase {
    public func hubURL() throws(StoreError) -> String? {
        try read { db in try db.setting(.hubURL) }
    }

    public func setHubURL(_ url: String, by actor: AuditActor) throws(StoreError) {
        try write { db in
            try db.setSetting(.hubURL, to: url, at: now)
            try db.appendAudit(.settingChanged, by: actor, at: now, subject: .setting, recordId: SettingKey.hubURL.rawValue,
                               detail: ["value": url])
        }
    }

    /// The next records to upload, oldest change first, each at its current version with the hub version
    /// it started from. Their outbox rows become "sent" (and count an attempt) in the same transaction,
    /// so a sync killed before the answer resends them, and the hub answers "identical".
    /// `rows` counts the outbox rows the batch covers: none means the queue has been read to its end.
    public func nextUploadBatch(limit: Int = SyncWire.maximumBatch, after lastOutboxID: Int64 = 0) throws(StoreError)
        -> (records: [SyncWire.Record], lastOutboxID: Int64, rows: Int) {
        try write { db in
            // Rows in queue order, read through the (state, id) index: a batch costs its own size, not the queue's.
            let rows = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT id, record_type, record_id FROM sync_outbox
                WHERE state IN \(OutboxState.waitingSQL) AND id > ? ORDER BY id LIMIT ?
                """), arguments: [lastOutboxID, limit])
            var records: [SyncWire.Record] = []
            var last = lastOutboxID
            var seen = Set<String>()
            for row in rows {
                let type: String = row["record_type"], id: String = row["record_id"]
                last = max(last, row["id"])
                // Several edits of one record since the last sync go up once, at the current version.
                guard seen.insert(type + "/" + id).inserted else { continue }
                // A row of a type this version does not know (written by a newer one) cannot be sent, nor can a
                // record that is gone: both are set aside with why, never retried for ever.
                guard let recordType = RecordType(rawValue: type) else {
                    try setAside(type: type, id: id, because: "the record type is not known to this version", in: db)
                    continue
                }
                guard let current = try SyncPayloads.current(type: recordType, id: id, in: db) else {
                    try setAside(type: type, id: id, because: "the record is no longer on this terminal", in: db)
                    continue
                }
                let base = try Int64.fetchOne(db, sql: "SELECT hub_version FROM sync_record WHERE record_type = ? AND record_id = ?",
                                            arguments: [type, id]) ?? 0
                records.append(SyncWire.Record(type: recordType, id: id, version: Int64(current.version), baseVersion: base,
                                               updatedAt: current.updatedAt, payload: current.payload))
                try db.cachedStatement(sql: """
                    UPDATE sync_outbox SET state = \(OutboxState.sent.sql), attempts = attempts + 1, last_attempt_at = ?
                    WHERE record_type = ? AND record_id = ? AND state IN \(OutboxState.waitingSQL) AND version <= ?
                    """).execute(arguments: [now, type, id, current.version])
            }
            return (records, last, rows.count)
        }
    }

    /// Marks a record's waiting rows refused by this terminal itself, with the reason shown on the Upload screen.
    private func setAside(type: String, id: String, because reason: String, in db: Database) throws {
        try db.cachedStatement(sql: """
            UPDATE sync_outbox SET state = \(OutboxState.rejected.sql), server_message = ?
            WHERE record_type = ? AND record_id = ? AND state IN \(OutboxState.waitingSQL)
            """).execute(arguments: [reason, type, id])
    }

    /// Records the hub's answers: the outbox rows up to the pushed version take its verdict, and the
    /// hub's version becomes the base of the next edit. Rows of edits made since stay pending.
    public func recordPushResults(_ response: SyncWire.PushResponse, for pushed: [SyncWire.Record]) throws(StoreError) -> PushTally {
        try write { db in
            var tally = PushTally()
            let versions = Dictionary(pushed.map { ($0.type.rawValue + "/" + $0.id, $0.version) }, uniquingKeysWith: max)
            for result in response.results {
                guard let version = versions[result.type + "/" + result.id] else { continue }
                let state: OutboxState
                var message: String? = nil
                switch result.status {
                case .accepted: state = .accepted; tally.accepted += 1
                case .identical: state = .accepted; tally.identical += 1
                case .conflict:
                    state = .conflict; tally.conflicts += 1
                    message = "another terminal changed this record too; this version is now current and the other is kept at the hub"
                case .rejected: state = .rejected; tally.rejected += 1; message = result.reason ?? "rejected"
                }
                // The rows up to the pushed version take the verdict; an acceptance also settles the
                // record's earlier refusals and conflicts (a fixed record, accepted now).
                try db.cachedStatement(sql: """
                    UPDATE sync_outbox SET state = ?1, server_message = ?2
                    WHERE record_type = ?3 AND record_id = ?4
                      AND ((state = \(OutboxState.sent.sql) AND version <= ?5) OR (?1 = \(OutboxState.accepted.sql) AND state IN (\(OutboxState.rejected.sql), \(OutboxState.conflict.sql))))
                    """).execute(arguments: [state.rawValue, message, result.type, result.id, version])
                if let hubVersion = result.hubVersion {
                    try db.cachedStatement(sql: """
                        INSERT INTO sync_record (record_type, record_id, hub_version) VALUES (?, ?, ?)
                        ON CONFLICT DO UPDATE SET hub_version = max(hub_version, excluded.hub_version)
                        """).execute(arguments: [result.type, result.id, hubVersion])
                }
            }
            return tally
        }
    }

    /// What waits for upload, by record type: the one count the status line, the Upload screen, `sync
    /// status` and a sync's progress all show. A record waits once (`enqueueForSync`), except while a
    /// version of it is on its way and it is changed again: then the new change waits too.
    static func waitingRecordsByType(_ db: Database) throws -> [String: Int] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT record_type, count(*) AS n FROM sync_outbox WHERE state IN \(OutboxState.waitingSQL) GROUP BY record_type
            """)
        return Dictionary(uniqueKeysWithValues: rows.map { ($0["record_type"] as String, $0["n"] as Int) })
    }

    /// Rejected records go back to the queue (after the worker has fixed them, or to try again): all of
    /// them, or one record's.
    @discardableResult
    public func resendRejected(type: String? = nil, id: String? = nil) throws(StoreError) -> Int {
        try write { db in
            try db.execute(sql: """
                UPDATE sync_outbox SET state = \(OutboxState.pending.sql), server_message = NULL
                WHERE state = \(OutboxState.rejected.sql) AND (? IS NULL OR record_type = ?) AND (? IS NULL OR record_id = ?)
                """, arguments: [type, type, id, id])
            return db.changesCount
        }
    }

    /// Whom a record is about: the patient (herself, or a screening's or referral's) with her name, or
    /// for a worker's account or the facility, no patient and their name.
    /// A type this version does not know (an outbox row written by a newer one) has nobody to name.
    static func subjectOfRecord(type: String, id: String, in db: Database) throws -> (patientId: String?, name: String)? {
        guard let type = RecordType(rawValue: type) else { return nil }
        switch type {
        case .patient:
            return try Row.fetchOne(db, sql: "SELECT id, name FROM patient WHERE id = ?", arguments: [id]).map { ($0["id"], $0["name"]) }
        case .screening, .referral, .abhaRequest, .review:
            return try Row.fetchOne(db, sql: "SELECT p.id, p.name FROM \(type.rawValue) r JOIN patient p ON p.id = r.patient_id WHERE r.id = ?",
                                    arguments: [id]).map { ($0["id"], $0["name"]) }
        case .account:
            return try String.fetchOne(db, sql: "SELECT username FROM account WHERE id = ?", arguments: [id]).map { (nil, $0) }
        case .facility:
            return try String.fetchOne(db, sql: "SELECT name FROM facility WHERE id = ?", arguments: [id]).map { (nil, $0) }
        }
    }

    /// Minutes between background syncs while the screen is open (0: only when asked); 5 unless set.
    public static let defaultSyncIntervalMinutes = 5
    public static let syncIntervalRange = 0...1440

    public func syncIntervalMinutes() throws(StoreError) -> Int {
        try read { db in
            let stored = try db.setting(.syncIntervalMinutes)
            return stored.flatMap(Int.init).flatMap { Self.syncIntervalRange.contains($0) ? $0 : nil } ?? Self.defaultSyncIntervalMinutes
        }
    }

    public func setSyncIntervalMinutes(_ minutes: Int, by actor: AuditActor) throws(StoreError) {
        guard Self.syncIntervalRange.contains(minutes) else {
            throw StoreError.refused(UserMessage(.syncIntervalRange, ["max": String(Self.syncIntervalRange.upperBound)]))
        }
        try write { db in
            try db.setSetting(.syncIntervalMinutes, to: String(minutes), at: now)
            try db.appendAudit(.settingChanged, by: actor, at: now, subject: .setting, recordId: SettingKey.syncIntervalMinutes.rawValue,
                               detail: ["value": String(minutes)])
        }
    }

    public func syncCursor() throws(StoreError) -> Int64 {
        try read { db in
            Int64(try db.setting(.syncCursor) ?? "0") ?? 0
        }
    }

    public func startSyncRun() throws(StoreError) -> Int64 {
        try write { db in
            try db.execute(sql: "INSERT INTO sync_run (started_at) VALUES (?)", arguments: [now])
            return db.lastInsertedRowID
        }
    }

    public func finishSyncRun(_ id: Int64, outcome: String, pushed: Int, pulled: Int, serverTime: Timestamp?, message: String?) throws(StoreError) {
        try write { db in
            let offset = serverTime.map { $0.millisecondsSince1970 - now.millisecondsSince1970 }
            try db.execute(sql: """
                UPDATE sync_run SET ended_at = ?, outcome = ?, pushed = ?, pulled = ?, server_time = ?, clock_offset_ms = ?, message = ?
                WHERE id = ?
                """, arguments: [now, outcome, pushed, pulled, serverTime, offset, message, id])
        }
    }

    public func syncStatus() throws(StoreError) -> SyncStatus {
        try read { db in
            let success = try Row.fetchOne(db, sql: """
                SELECT ended_at, server_time, clock_offset_ms FROM sync_run WHERE outcome IN ('ok', 'rejections') ORDER BY id DESC LIMIT 1
                """)
            let failure = try Row.fetchOne(db, sql: """
                SELECT ended_at, message FROM sync_run WHERE outcome = 'failed'
                AND id > coalesce((SELECT max(id) FROM sync_run WHERE outcome IN ('ok', 'rejections')), 0) ORDER BY id DESC LIMIT 1
                """)
            // Per record, the hub's answer to its newest version (SQLite takes the bare columns from the max(id) row).
            func problems(_ state: OutboxState) throws -> [SyncStatus.Problem] {
                try Row.fetchAll(db, sql: """
                    SELECT record_type, record_id, server_message, last_attempt_at AS at, max(id) AS newest FROM sync_outbox WHERE state = ?
                    GROUP BY record_type, record_id ORDER BY newest
                    """, arguments: [state.rawValue]).map {
                    var problem = SyncStatus.Problem(type: $0["record_type"], id: $0["record_id"], state: state,
                                                     message: $0["server_message"] ?? "",
                                                     at: ($0["at"] as String?).flatMap(Timestamp.init(iso8601:)))
                    let subject = try Self.subjectOfRecord(type: problem.type, id: problem.id, in: db)
                    problem.patientId = subject?.patientId
                    problem.subject = subject?.name
                    return problem
                }
            }
            return SyncStatus(
                hubURL: try db.setting(.hubURL),
                pendingByType: try Self.waitingRecordsByType(db),
                lastSuccess: (success?["ended_at"] as String?).flatMap(Timestamp.init(iso8601:)),
                lastServerTime: (success?["server_time"] as String?).flatMap(Timestamp.init(iso8601:)),
                clockOffsetMilliseconds: success?["clock_offset_ms"],
                lastFailure: failure.flatMap { row in
                    (row["ended_at"] as String?).flatMap(Timestamp.init(iso8601:)).map { ($0, row["message"] as String? ?? "") }
                },
                rejected: try problems(.rejected), conflicts: try problems(.conflict),
                parked: try Int.fetchOne(db, sql: "SELECT count(*) FROM sync_parked") ?? 0)
        }
    }
}

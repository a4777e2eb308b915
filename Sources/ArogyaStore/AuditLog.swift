import ArogyaCore
import Foundation
import GRDB

/// One row of the audit log, as read back.
public struct AuditEntry: Hashable, Sendable {
    public let id: Int64
    public let at: Timestamp
    public let actor: String
    public let action: String
    public let recordType: String?
    public let recordId: String?
    public let detail: String?
}

/// The actions the audit log names. Stable text: reports and the hub read them.
enum AuditAction: String {
    case facilitySetUp = "facility.setup"
    case facilityUpdated = "facility.update"
    case villagesChanged = "facility.villages"
    case settingChanged = "setting.update"
    case accountCreated = "account.create"
    case accountDisabled = "account.disable"
    case accountEnabled = "account.enable"
    case accountPinReset = "account.pin_reset"
    case accountPinChanged = "account.pin_change"
    case accountLanguageChanged = "account.language"
    case loginSucceeded = "login.success"
    case loginFailed = "login.failure"
    case loginLockedOut = "login.lockout"
    case patientRegistered = "patient.register"
    case patientUpdated = "patient.update"
    case patientMarked = "patient.mark"
    case patientMerged = "patient.merge"
    case villageAdded = "facility.village_add"
    case screeningRecorded = "screening.record"
    case referralOutcome = "referral.outcome"
    case screeningMoved = "screening.move"
    case screeningCorrected = "screening.correct"
    case reviewRecorded = "review.record"
    case abhaRequestSaved = "abha_request.save"
    case abhaRequestClosed = "abha_request.close"
    /// An older file (a restored backup) was accepted in place of the one the audit anchor knew.
    case restoreAccepted = "store.restore_accepted"
}

/// What an audit row is about: a record that travels (`RecordType`), or one only this terminal keeps.
enum AuditSubject: String, Sendable {
    case account, facility, patient, screening, referral
    case abhaRequest = "abha_request"
    case review
    case village, setting

    init(_ record: RecordType) {
        switch record {
        case .account: self = .account
        case .facility: self = .facility
        case .patient: self = .patient
        case .screening: self = .screening
        case .referral: self = .referral
        case .abhaRequest: self = .abhaRequest
        case .review: self = .review
        }
    }
}

extension Database {
    /// Appends a row to the audit log, chained to the previous row. Call inside the write it describes.
    func appendAudit(_ action: AuditAction, by actor: AuditActor, at time: Timestamp,
                     subject: AuditSubject? = nil, recordId: String? = nil, detail: [String: String]? = nil) throws {
        let recordType = subject?.rawValue
        let detailText = try detail.map(Database.auditDetailJSON)
        let entry = AuditChain.Entry(at: time.iso8601, actor: actor.description, action: action.rawValue,
                                     recordType: recordType, recordId: recordId, detail: detailText)
        let previous = try lastAuditHash()
        try cachedStatement(sql: """
                INSERT INTO audit_log (at, actor, action, record_type, record_id, detail, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """).execute(
            arguments: [entry.at, entry.actor, entry.action, recordType, recordId, detailText,
                        AuditChain.link(previous: previous, entry: entry)])
    }

    /// The link the next audit row chains to.
    func lastAuditHash() throws -> String {
        try String.fetchOne(cachedStatement(sql: "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1")) ?? AuditChain.genesis
    }

    /// The detail column's JSON: keys sorted, so that the same fields always hash the same.
    static func auditDetailJSON(_ fields: [String: String]) throws -> String {
        JSONValue.object(fields.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) }).serialized(pretty: false)
    }

    /// Queues a record version for upload. Call inside the write that made that version.
    func enqueueForSync(_ record: RecordType, recordId: String, version: Int, at time: Timestamp) throws {
        let recordType = record.rawValue
        // One waiting row per record: a newer version takes over the row of one not yet sent, keeping its
        // place in the queue (a sync sends the current version whatever row asked for it). A version
        // already on its way keeps its row until the hub answers; the new one waits beside it.
        try cachedStatement(sql: """
                UPDATE sync_outbox SET version = ? WHERE record_type = ? AND record_id = ? AND state = \(OutboxState.pending.sql) AND version < ?
                """).execute(arguments: [version, recordType, recordId, version])
        guard changesCount == 0 else { return }
        try cachedStatement(sql: """
                INSERT INTO sync_outbox (record_type, record_id, version, state, queued_at)
                VALUES (?, ?, ?, \(OutboxState.pending.sql), ?)
                ON CONFLICT (record_type, record_id, version) DO NOTHING
                """).execute(
            arguments: [recordType, recordId, version, time])
    }
}

extension AppDatabase {
    /// The newest audit rows first.
    public func recentAudit(limit: Int = 100) throws(StoreError) -> [AuditEntry] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", arguments: [limit]).map { row in
                AuditEntry(id: row["id"], at: row["at"], actor: row["actor"], action: row["action"],
                           recordType: row["record_type"], recordId: row["record_id"], detail: row["detail"])
            }
        }
    }

    /// Recomputes the audit chain. Returns the id of the first row whose link does not match, or nil
    /// when the whole log is intact.
    public func firstBrokenAuditRow() throws(StoreError) -> Int64? {
        try read { db in
            var previous = AuditChain.genesis
            let rows = try Row.fetchCursor(db, sql: "SELECT * FROM audit_log ORDER BY id")
            while let row = try rows.next() {
                let entry = AuditChain.Entry(at: row["at"], actor: row["actor"], action: row["action"],
                                             recordType: row["record_type"], recordId: row["record_id"], detail: row["detail"])
                let expected = AuditChain.link(previous: previous, entry: entry)
                let stored: String = row["hash"]
                if stored != expected { return row["id"] }
                previous = stored
            }
            return nil
        }
    }

    /// The newest time written to the store, for noticing a clock that went backwards.
    public func newestRecordTime() throws(StoreError) -> Timestamp? {
        try read { db in try Timestamp.fetchOne(db, sql: "SELECT max(at) FROM audit_log") }
    }
}

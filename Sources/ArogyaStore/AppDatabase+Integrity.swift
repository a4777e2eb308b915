import ArogyaCore
import Foundation
import GRDB

/// What `arogya check` found.
public struct IntegrityReport: Sendable, Equatable {
    /// SQLite's `integrity_check` and foreign-key check: empty when the file is sound.
    public let problems: [String]
    /// The first audit row that was changed or removed, when the chain is broken.
    public let brokenAuditRow: Int64?
    /// The newest audit row kept outside the file is missing from it, or different.
    public let anchor: AnchorProblem?
    public let seconds: Double

    public var isSound: Bool { problems.isEmpty && brokenAuditRow == nil && anchor == nil }
}

/// Rows this terminal committed that the file no longer holds: a WAL that SQLite discarded, a restored
/// backup, or a copy of another file put in its place.
public struct AnchorProblem: Sendable, Equatable {
    /// The audit row the anchor names.
    public let expectedId: Int64
    /// The newest audit row the file has.
    public let newestId: Int64
}

extension AppDatabase {
    /// Checks the file now if a check is due (see `IntegrityPolicy`): the screen runs this in the background
    /// at start and at idle moments, so that the check before a write rarely has to wait. Returns what was
    /// found damaged, if anything; afterwards every write is refused.
    public func checkIntegrityIfDue() throws(StoreError) -> String? {
        guard let file, !file.isReadOnly else { return nil }
        return try file.integrity.checkIfDue(writer, now: now)
    }

    /// What is known to be wrong with the file, found by this process or by another; nil when nothing is.
    public var knownDamage: String? { file?.integrity.damageDetail() }

    /// Whether the newest audit row this terminal committed is still in the file, unchanged.
    public func auditAnchorProblem() throws(StoreError) -> AnchorProblem? {
        guard let file, let anchor = AuditAnchor.load(beside: file.path) else { return nil }
        return try read { db -> AnchorProblem? in
            let newest = try Int64.fetchOne(db, sql: "SELECT max(id) FROM audit_log") ?? 0
            let hash = try String.fetchOne(db, sql: "SELECT hash FROM audit_log WHERE id = ?", arguments: [anchor.id])
            return hash == anchor.hash ? nil : AnchorProblem(expectedId: anchor.id, newestId: newest)
        }
    }

    /// The thorough check of `arogya check`: SQLite's `integrity_check` and foreign keys, the audit chain,
    /// and the anchor. When SQLite finds the file sound, a damage mark left by an earlier error is lifted.
    public func thoroughCheck() throws(StoreError) -> IntegrityReport {
        let started = Date()
        let problems: [String]
        do {
            problems = try writer.read { db in try IntegrityCheck.problems(db, thorough: true) }
        } catch {
            let classified = StoreError.classify(error, path: path)
            guard case .corrupt(_, let detail) = classified else { throw classified }
            file?.integrity.recordDamage(detail)
            return IntegrityReport(problems: [detail], brokenAuditRow: nil, anchor: nil, seconds: Date().timeIntervalSince(started))
        }
        if let first = problems.first {
            file?.integrity.recordDamage(first)
        } else {
            file?.integrity.clearDamage()
            // A file opened only for reading (as a damaged one is) is written by the next process.
            if let file, !file.isReadOnly { try file.integrity.recordSoundCheck(writer, now: now) }
        }
        let broken = try firstBrokenAuditRow()
        let anchor = try auditAnchorProblem()
        return IntegrityReport(problems: problems, brokenAuditRow: broken, anchor: anchor, seconds: Date().timeIntervalSince(started))
    }

    /// After a backup was restored on purpose (or a file copied in): the file's newest audit row becomes the
    /// anchor, and the log says who accepted the older file and which row had been the newest.
    public func acceptRestoredFile(by actor: AuditActor) throws(StoreError) {
        guard let file else { return }
        let previous = AuditAnchor.load(beside: file.path)
        try write { db in
            try db.appendAudit(.restoreAccepted, by: actor, at: now, subject: nil, recordId: nil,
                               detail: ["anchor": previous.map { String($0.id) } ?? "none"])
        }
        // The write above anchored its own row: but only if it was newer than what this process had
        // anchored before, so make sure.
        if let newest = try read({ db in try AuditAnchor.Mark.newest(in: db) }) { AuditAnchor.save(newest, beside: file.path) }
    }
}

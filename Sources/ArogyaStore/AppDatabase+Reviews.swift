import ArogyaCore
import Foundation
import GRDB

/// A screening sent back to the worker who saved it, waiting for her correction.
public struct SentBackScreening: Sendable, Equatable {
    public let screening: ScreeningSummary
    public let patient: Patient
    /// The send-back with its reason and who sent it.
    public let review: ScreeningReview
}

extension AppDatabase {
    /// Saves a supervisor's review of a screening (reviewed, a comment, or sent back with a reason) as a
    /// record of its own, audited and queued for upload. Refused for anyone but a supervisor, and for the
    /// supervisor who saved the screening herself.
    @discardableResult
    public func reviewScreening(_ screeningId: String, action: ReviewAction, reason: String? = nil, comment: String? = nil,
                                by actor: AuditActor) throws(StoreError) -> ScreeningReview {
        let cleanReason: String?
        let cleanComment: String?
        do {
            cleanReason = try reason.flatMap(ReviewRules.text)
            cleanComment = try comment.flatMap(ReviewRules.text)
            try ReviewRules.check(action: action, reason: cleanReason, comment: cleanComment)
        } catch { throw .refused(error) }
        return try write { db in
            guard let screening = try Row.fetchOne(db, sql: "SELECT patient_id, recorded_by FROM screening WHERE id = ?", arguments: [screeningId]) else {
                throw StoreError.refused(UserMessage(.errorUnknownScreening, ["id": screeningId]))
            }
            try Self.checkReviewer(actor, of: screening["recorded_by"], in: db)
            let time = now
            let id = UUIDv7.string(at: time)
            try db.execute(sql: """
                INSERT INTO review (id, screening_id, patient_id, action, reason, comment, reviewed_by, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [id, screeningId, screening["patient_id"] as String, action.rawValue, cleanReason, cleanComment,
                                 actor.description, time, time])
            var detail = ["screening": screeningId, "action": action.rawValue]
            detail["reason"] = cleanReason
            detail["comment"] = cleanComment
            try db.appendAudit(.reviewRecorded, by: actor, at: time, subject: .review, recordId: id, detail: detail)
            try db.enqueueForSync(.review, recordId: id, version: 1, at: time)
            return ScreeningReview(id: id, screeningId: screeningId, action: action, reason: cleanReason, comment: cleanComment,
                                   reviewedBy: actor.description, at: time)
        }
    }

    /// A screening's reviews, oldest first, with the send-back its current version answers.
    public func reviewHistory(screeningId: String) throws(StoreError) -> ReviewHistory {
        try read { db in try Self.reviewHistories(db, screeningIds: [screeningId])[screeningId] ?? ReviewHistory(reviews: [], answeredReview: nil) }
    }

    /// The reviews of each of these screenings (the card's visits, a register's rows).
    public func reviewHistories(screeningIds: [String]) throws(StoreError) -> [String: ReviewHistory] {
        try read { db in try Self.reviewHistories(db, screeningIds: screeningIds) }
    }

    /// A saved screening's answers, read with the protocol it was judged by (or `fallback` when this
    /// terminal does not have that one), and that protocol: what a correction starts from.
    public func screeningInput(id: String, protocols: ProtocolLibrary, fallback: ScreeningProtocol) throws(StoreError) -> (ScreeningInput, ScreeningProtocol)? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT input, protocol_id, protocol_version FROM screening WHERE id = ?", arguments: [id]) else {
                return nil
            }
            let rules = protocols.protocolWith(id: row["protocol_id"], version: row["protocol_version"]) ?? fallback
            let input = try ScreeningInput.read(JSONField(try JSONParser.parse(row["input"] as String)), protocol: rules)
            return (input, rules)
        }
    }

    /// The screenings `worker` saved that a supervisor sent back and she has not corrected yet, oldest
    /// send-back first. The action is written into the SQL (from the enum), so that the partial index of
    /// send-backs serves it.
    public func sentBack(to worker: String) throws(StoreError) -> [SentBackScreening] {
        try read { db in
            let ids = try String.fetchAll(db, sql: """
                SELECT DISTINCT s.id FROM review r JOIN screening s ON s.id = r.screening_id
                WHERE r.action = '\(ReviewAction.sentBack.rawValue)' AND s.recorded_by = ?
                """, arguments: [worker])
            let histories = try Self.reviewHistories(db, screeningIds: ids)
            var waiting: [SentBackScreening] = []
            for id in ids {
                guard let review = histories[id]?.openSendBack,
                      let screening = try Self.screeningSummaries(db, where: "s.id = ?", [id]).first,
                      let patient = try Self.loadPatient(db, id: screening.patientId) else { continue }
                waiting.append(SentBackScreening(screening: screening, patient: patient, review: review))
            }
            return waiting.sorted { ($0.review.at, $0.review.id) < ($1.review.at, $1.review.id) }
        }
    }

    /// The reviews of each of these screenings, oldest first.
    static func reviewHistories(_ db: Database, screeningIds: [String]) throws -> [String: ReviewHistory] {
        guard !screeningIds.isEmpty else { return [:] }
        var reviews: [String: [ScreeningReview]] = [:]
        var answered: [String: String] = [:]
        // In slices, within SQLite's limit on bound values.
        for start in stride(from: 0, to: screeningIds.count, by: 500) {
            let slice = Array(screeningIds[start..<min(start + 500, screeningIds.count)])
            let marks = databaseQuestionMarks(count: slice.count)
            for row in try Row.fetchAll(db, sql: "SELECT * FROM review WHERE screening_id IN (\(marks)) ORDER BY created_at, pk",
                                        arguments: StatementArguments(slice)) {
                reviews[row["screening_id"], default: []].append(review(row))
            }
            for row in try Row.fetchAll(db, sql: "SELECT id, answers_review FROM screening WHERE id IN (\(marks)) AND answers_review IS NOT NULL",
                                        arguments: StatementArguments(slice)) {
                answered[row["id"]] = row["answers_review"]
            }
        }
        var histories: [String: ReviewHistory] = [:]
        for id in screeningIds { histories[id] = ReviewHistory(reviews: reviews[id] ?? [], answeredReview: answered[id]) }
        return histories
    }

    static func review(_ row: Row) -> ScreeningReview {
        ScreeningReview(id: row["id"], screeningId: row["screening_id"],
                        action: ReviewAction(rawValue: row["action"]) ?? .comment,
                        reason: row["reason"], comment: row["comment"], reviewedBy: row["reviewed_by"],
                        at: Timestamp(iso8601: row["created_at"] as String) ?? Timestamp(millisecondsSince1970: 0))
    }

    /// Only a signed-in supervisor reviews, and never a screening she saved herself.
    static func checkReviewer(_ actor: AuditActor, of author: String, in db: Database) throws {
        guard case .account(let username) = actor,
              let role = try String.fetchOne(db, sql: "SELECT role FROM account WHERE username = ? AND active = 1", arguments: [username])
                .flatMap(Role.init(rawValue:)) else {
            throw StoreError.refused(UserMessage(.errorSupervisorOnly))
        }
        do { try ReviewRules.mayReview(screeningRecordedBy: author, reviewer: username, reviewerRole: role) } catch {
            throw StoreError.refused(error)
        }
    }

    /// Corrects a screening that was sent back: the new readings are judged again and become the
    /// screening's next version, answering the send-back; the version it replaces is kept in
    /// `screening_history` (and at the hub, which keeps every version). Referrals follow the new decision:
    /// a place still asked for keeps its referral with the new reasons, a new place gets one, and a place no
    /// longer asked for has its referral withdrawn while it is still open (one she went to is kept as it is). The screening
    /// stays the worker's who saved it.
    public func correctScreening(_ screeningId: String, with visit: ScreeningVisit, reasonText: ScreeningReasonText,
                                 by actor: AuditActor) throws(StoreError) -> SavedScreening {
        do { try ScreeningRules.check(visit) } catch { throw .refused(error) }
        let decision = ScreeningEngine(protocol: reasonText.rules).evaluate(visit.input, kind: visit.kind)
        return try write { db in
            guard let before = try Self.screeningSummaries(db, where: "s.id = ?", [screeningId]).first,
                  let (version, _, payload) = try SyncPayloads.current(type: .screening, id: screeningId, in: db) else {
                throw StoreError.refused(UserMessage(.errorUnknownScreening, ["id": screeningId]))
            }
            guard before.patientId == visit.patientId, before.kind == visit.kind else {
                throw StoreError.refused(UserMessage(.errorCorrectionOtherPatient))
            }
            guard let sendBack = try Self.reviewHistories(db, screeningIds: [screeningId])[screeningId]?.openSendBack else {
                throw StoreError.refused(UserMessage(.errorCorrectionNotSentBack))
            }
            let time = now
            try db.execute(sql: """
                INSERT INTO screening_history (screening_id, version, payload, replaced_at, replaced_by) VALUES (?, ?, ?, ?, ?)
                """, arguments: [screeningId, version, payload.serialized(pretty: false), time, actor.description])
            let rows = ScreeningRows(visit: visit, decision: decision, reasonText: reasonText, id: screeningId,
                                     referralIds: { UUIDv7.string(at: time) }, recordedBy: .account(before.recordedBy), at: time)
            let changed = ScreeningRows.columns.indices.filter { !["id", "created_at", "recorded_by"].contains(ScreeningRows.columns[$0]) }
            try db.execute(sql: """
                UPDATE screening SET \(changed.map { ScreeningRows.columns[$0] + " = ?" }.joined(separator: ", ")),
                    answers_review = ?, version = version + 1 WHERE id = ?
                """, arguments: StatementArguments(changed.map { rows.values[$0] } + [sendBack.id.databaseValue, screeningId.databaseValue]))
            try db.appendAudit(.screeningCorrected, by: actor, at: time, subject: .screening, recordId: screeningId,
                               detail: rows.audit.merging(["answers": sendBack.id, "version": String(version + 1)]) { $1 })
            try db.enqueueForSync(.screening, recordId: screeningId, version: version + 1, at: time)
            try Self.followCorrectedReferrals(rows, day: visit.day, in: db, by: actor, at: time)
            try db.markCareStale(patientId: visit.patientId)
            let summary = try Self.screeningSummaries(db, where: "s.id = ?", [screeningId]).first!
            let referrals = try Self.referrals(db, where: "screening_id = ? AND withdrawn_on IS NULL", [screeningId])
            return SavedScreening(summary: summary, decision: decision, referrals: referrals)
        }
    }

    private static func followCorrectedReferrals(_ rows: ScreeningRows, day: CivilDate, in db: Database,
                                                 by actor: AuditActor, at time: Timestamp) throws {
        var earlier: [String: ReferralRecord] = [:]
        for referral in try referrals(db, where: "screening_id = ? AND withdrawn_on IS NULL", [rows.id]) { earlier[referral.place] = referral }
        for referral in rows.referrals {
            guard let kept = earlier.removeValue(forKey: referral.place) else {
                try rows.insert(referral, db, by: actor, at: time)
                continue
            }
            try db.execute(sql: """
                UPDATE referral SET urgent = ?, reasons = ?, conditions = ?, updated_at = ?, version = version + 1 WHERE id = ?
                """, arguments: [referral.urgent, referral.reasonsJSON, referral.topics.joined(separator: ","), time, kept.id])
            try db.enqueueForSync(.referral, recordId: kept.id, version: kept.version + 1, at: time)
        }
        for withdrawn in earlier.values where withdrawn.isOpen {
            try db.execute(sql: "UPDATE referral SET withdrawn_on = ?, updated_at = ?, version = version + 1 WHERE id = ?",
                           arguments: [day.iso8601, time, withdrawn.id])
            try db.appendAudit(.screeningCorrected, by: actor, at: time, subject: .referral, recordId: withdrawn.id,
                               detail: ["screening": rows.id, "withdrawn": withdrawn.place])
            try db.enqueueForSync(.referral, recordId: withdrawn.id, version: withdrawn.version + 1, at: time)
        }
    }
}

import ArogyaCore
import Foundation
import GRDB

extension AppDatabase {
    /// Every screening and follow-up visit done on `day` (from any terminal of the facility, once synced),
    /// in the order they were saved; only `worker`'s when given.
    public func dailyRegister(day: CivilDate, worker: String? = nil) throws(StoreError) -> [RegisterEntry] {
        try read { db in
            var condition = "s.screened_on = ?"
            var arguments: [any DatabaseValueConvertible] = [day.iso8601]
            if let worker {
                condition += " AND s.recorded_by = ?"
                arguments.append(worker)
            }
            let summaries = try Self.screeningSummaries(db, where: condition + " ORDER BY s.created_at, s.pk", arguments)
            // Every place the day's visits sent someone, in one pass over the day's referrals.
            var places: [String: [String]] = [:]
            let referralSQL = "SELECT r.screening_id, r.place FROM referral r JOIN screening s ON s.id = r.screening_id WHERE r.withdrawn_on IS NULL AND "
                + condition + " ORDER BY r.urgent DESC, r.pk"
            for row in try Row.fetchAll(db, sql: referralSQL, arguments: StatementArguments(arguments)) {
                places[row["screening_id"], default: []].append(row["place"])
            }
            let reviews = try Self.reviewHistories(db, screeningIds: summaries.map(\.id))
            var patients: [String: Patient] = [:]
            return try summaries.compactMap { summary in
                if patients[summary.patientId] == nil { patients[summary.patientId] = try Self.loadPatient(db, id: summary.patientId) }
                guard let patient = patients[summary.patientId] else { return nil }
                return RegisterEntry(screening: summary, patient: patient, places: places[summary.id] ?? [],
                                     review: reviews[summary.id] ?? ReviewHistory(reviews: [], answeredReview: nil))
            }
        }
    }
}

/// What one worker did in a period, for the supervisor's "My workers".
public struct WorkerSummary: Sendable, Equatable {
    public let worker: String
    public let fullName: String?
    public let screenings: Int
    public let followUps: Int
    /// Visits of hers that referred someone, and those urgently.
    public let referred: Int
    public let urgent: Int
    /// Referrals from her visits of the period with an outcome recorded (reached, confirmed, treated, or not reached).
    public let outcomesRecorded: Int
    /// Her visits of the period sent back and not corrected yet, and corrected after a send-back.
    public let sentBack: Int
    public let corrected: Int
    /// When her newest record of all reached this terminal's tables: for another terminal's worker, the
    /// nearest this terminal knows to her last sync.
    public let lastRecordAt: Timestamp?
}

extension AppDatabase {
    /// Each worker who saved a visit in the period, busiest first.
    public func workerSummaries(from: CivilDate, to: CivilDate) throws(StoreError) -> [WorkerSummary] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT s.recorded_by AS worker,
                       sum(s.kind = ?) AS screenings, sum(s.kind = ?) AS follow_ups,
                       sum(s.refer) AS referred, sum(s.urgent) AS urgent,
                       (SELECT count(*) FROM referral r JOIN screening t ON t.id = r.screening_id
                        WHERE t.recorded_by = s.recorded_by AND t.screened_on BETWEEN ? AND ? AND r.withdrawn_on IS NULL
                          AND r.outcome IS NOT NULL) AS outcomes,
                       (SELECT max(created_at) FROM screening u WHERE u.recorded_by = s.recorded_by) AS last_record,
                       coalesce((SELECT full_name FROM account WHERE username = s.recorded_by),
                                (SELECT full_name FROM remote_account WHERE username = s.recorded_by)) AS full_name
                FROM screening s WHERE s.screened_on BETWEEN ? AND ?
                GROUP BY s.recorded_by ORDER BY count(*) DESC, s.recorded_by
                """, arguments: [ScreeningVisit.Kind.screening.rawValue, ScreeningVisit.Kind.followUp.rawValue,
                                 from.iso8601, to.iso8601, from.iso8601, to.iso8601])
            // Review states need each visit's history: the sent-back ones are few, so read only those.
            var authors: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT DISTINCT s.id, s.recorded_by FROM review r JOIN screening s ON s.id = r.screening_id
                WHERE r.action = '\(ReviewAction.sentBack.rawValue)' AND s.screened_on BETWEEN ? AND ?
                """, arguments: [from.iso8601, to.iso8601]) {
                authors[row["id"]] = row["recorded_by"]
            }
            let histories = try Self.reviewHistories(db, screeningIds: Array(authors.keys))
            var sentBack: [String: Int] = [:], corrected: [String: Int] = [:]
            for (id, worker) in authors {
                switch histories[id]?.state {
                case .sentBack?: sentBack[worker, default: 0] += 1
                case .corrected?: corrected[worker, default: 0] += 1
                // Reviewed after its correction: still one that was corrected.
                case .reviewed? where histories[id]?.answeredReview != nil: corrected[worker, default: 0] += 1
                default: break
                }
            }
            return rows.map { row in
                let worker: String = row["worker"]
                return WorkerSummary(worker: worker, fullName: row["full_name"], screenings: row["screenings"], followUps: row["follow_ups"],
                                     referred: row["referred"], urgent: row["urgent"], outcomesRecorded: row["outcomes"],
                                     sentBack: sentBack[worker] ?? 0, corrected: corrected[worker] ?? 0,
                                     lastRecordAt: (row["last_record"] as String?).flatMap(Timestamp.init(iso8601:)))
            }
        }
    }
}

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

import ArogyaCore
import Foundation
import GRDB

/// One screening or follow-up visit in a day's register: the visit, when it was saved, the patient as she
/// is now, and the places it sent her to.
public struct RegisterEntry: Sendable, Equatable {
    public let screening: ScreeningSummary
    public let savedAt: Timestamp
    public let patient: Patient
    public let places: [String]
}

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
            let savedAt = try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT id, created_at FROM screening s WHERE " + condition,
                                                                           arguments: StatementArguments(arguments))
                .map { (row: Row) in (row["id"] as String, Timestamp(iso8601: row["created_at"] as String)) })
            var patients: [String: Patient] = [:]
            return try summaries.compactMap { summary in
                if patients[summary.patientId] == nil { patients[summary.patientId] = try Self.loadPatient(db, id: summary.patientId) }
                guard let patient = patients[summary.patientId], let saved = savedAt[summary.id] ?? nil else { return nil }
                let places = try String.fetchAll(db, sql: "SELECT place FROM referral WHERE screening_id = ? ORDER BY urgent DESC, pk",
                                                 arguments: [summary.id])
                return RegisterEntry(screening: summary, savedAt: saved, patient: patient, places: places)
            }
        }
    }
}

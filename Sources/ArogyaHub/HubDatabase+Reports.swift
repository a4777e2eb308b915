import ArogyaCore
import Foundation
import GRDB

/// One facility's part of a block report.
public struct FacilitySection<Content: Sendable>: Sendable {
    public let facility: String
    public let name: String
    public let content: Content
}

extension HubDatabase {
    /// The facilities a report covers: the one asked for, or every facility of the hub, by id.
    func reportFacilities(_ only: String?, in db: Database) throws -> [(id: String, name: String)] {
        let rows = try Row.fetchAll(db, sql: "SELECT id, name FROM facility WHERE ? IS NULL OR id = ? ORDER BY id", arguments: [only, only])
        return rows.map { ($0["id"], $0["name"]) }
    }

    /// The day's register of each facility from what its terminals uploaded: the same entries as a
    /// terminal's `review daily`, in the order they were saved.
    public func dailyRegister(day: CivilDate, facility only: String?) throws -> [FacilitySection<[RegisterEntry]>] {
        try writer.read { db in
            try reportFacilities(only, in: db).map { facility in
                let screenings = try Row.fetchAll(db, sql: """
                    SELECT r.id, v.payload FROM record r JOIN record_version v ON v.seq = r.seq
                    WHERE r.facility_id = ? AND r.type = ? AND json_extract(v.payload, '$.screened_on') = ?
                    """, arguments: [facility.id, RecordType.screening.rawValue, day.iso8601]).compactMap { row -> (ScreeningSummary, String?)? in
                    let payload = try JSONParser.parse(row["payload"] as String)
                    return RecordPayloads.screening(id: row["id"], payload).map { ($0, RecordPayloads.text(payload, "answers_review")) }
                }.sorted { ($0.0.savedAt, $0.0.id) < ($1.0.savedAt, $1.0.id) }
                var entries: [RegisterEntry] = []
                for (screening, answered) in screenings {
                    guard let patientPayload = try current(.patient, id: screening.patientId, facility: facility.id, in: db),
                          let patient = RecordPayloads.patient(id: screening.patientId, patientPayload) else { continue }
                    let children = { (type: RecordType) in
                        try Row.fetchAll(db, sql: """
                            SELECT r.id, v.payload FROM record r JOIN record_version v ON v.seq = r.seq
                            WHERE r.facility_id = ? AND r.type = ? AND r.parent_id = ? ORDER BY r.seq
                            """, arguments: [facility.id, type.rawValue, screening.id]).map { (id: $0["id"] as String, payload: try JSONParser.parse($0["payload"] as String)) }
                    }
                    let referrals = try children(.referral).filter { $0.payload["withdrawn_on"] == nil || $0.payload["withdrawn_on"] == .null }
                    // Urgent places first, as a terminal's register lists them.
                    let urgent = referrals.filter { $0.payload["urgent"] == .bool(true) }
                    let routine = referrals.filter { $0.payload["urgent"] != .bool(true) }
                    let places = (urgent + routine).compactMap { RecordPayloads.text($0.payload, "place") }
                    let reviews = try children(.review).compactMap { RecordPayloads.review(id: $0.id, $0.payload) }.sorted { ($0.at, $0.id) < ($1.at, $1.id) }
                    entries.append(RegisterEntry(screening: screening, patient: patient, places: places,
                                                 review: ReviewHistory(reviews: reviews, answeredReview: answered)))
                }
                return FacilitySection(facility: facility.id, name: facility.name, content: entries)
            }
        }
    }

    private func current(_ type: RecordType, id: String, facility: String, in db: Database) throws -> JSONValue? {
        try String.fetchOne(db.cachedStatement(sql: """
            SELECT v.payload FROM record r JOIN record_version v ON v.seq = r.seq WHERE r.facility_id = ? AND r.type = ? AND r.id = ?
            """), arguments: [facility, type.rawValue, id]).map { try JSONParser.parse($0) }
    }

    /// Each facility's indicators for the period, and the block's, from the uploaded records, by the
    /// same definitions as a terminal's (`Indicators`). The block's is counted over all the facilities'
    /// people together, not added up from theirs.
    public func indicators(period: IndicatorPeriod, facility only: String?, rules: ScreeningProtocol,
                           today: CivilDate) throws -> (sections: [FacilitySection<IndicatorReport>], block: IndicatorReport) {
        let counted = IndicatorPeriod(from: period.from, to: min(period.to, max(period.from, today)))
        let cohorts = try writer.read { db in
            try reportFacilities(only, in: db).map { facility in
                FacilitySection(facility: facility.id, name: facility.name, content: try indicatorCohort(facility: facility.id, period: counted, in: db))
            }
        }
        let sections = cohorts.map { FacilitySection(facility: $0.facility, name: $0.name,
                                                     content: Indicators.report($0.content, period: period, rules: rules, today: today)) }
        let block = IndicatorCohort.union(cohorts.map(\.content))
        return (sections, Indicators.report(block, period: period, rules: rules, today: today))
    }

    /// A facility's people, visits and referrals as the indicators read them, the fields taken out of the
    /// stored JSON by SQLite (`json_extract`) rather than parsed here.
    func indicatorCohort(facility: String, period: IndicatorPeriod, in db: Database) throws -> IndicatorCohort {
        let earliest = IndicatorCohort.earliestVisitDay(forPeriodEnding: period.to).iso8601
        let end = period.to.iso8601
        var persons: [IndicatorCohort.Person] = []
        var byMobile: [String: Int] = [:]
        let patientRows = try Row.fetchAll(db, sql: """
            SELECT r.id, json_extract(v.payload, '$.sex') AS sex, json_extract(v.payload, '$.birth_date') AS birth_date,
                   json_extract(v.payload, '$.created_at') AS created_at, json_extract(v.payload, '$.status') AS status,
                   json_extract(v.payload, '$.mobile') AS mobile, json_extract(v.payload, '$.name') AS name
            FROM record r JOIN record_version v ON v.seq = r.seq WHERE r.facility_id = ? AND r.type = ?
            """, arguments: [facility, RecordType.patient.rawValue])
        for row in patientRows where (row["status"] as String?) ?? "active" == "active" {
            if let mobile = row["mobile"] as String? { byMobile[mobile, default: 0] += 1 }
        }
        for row in patientRows {
            guard let sex = (row["sex"] as String?).flatMap(Sex.init(rawValue:)), let born = (row["birth_date"] as String?).flatMap(CivilDate.init(iso8601:)),
                  let created = (row["created_at"] as String?).flatMap(Timestamp.init(iso8601:)) else { continue }
            let mobile: String? = row["mobile"]
            let shared = mobile.map { (byMobile[$0] ?? 0) > 1 } ?? false
            persons.append(IndicatorCohort.Person(
                id: row["id"], sex: sex, birthDate: born, registeredOn: created.utcDay,
                active: ((row["status"] as String?) ?? "active") == PatientStatusCode.active.rawValue, mobile: shared ? mobile : nil,
                firstNameKey: shared ? (NameKey.words((row["name"] as String?) ?? "").first?.key ?? "") : ""))
        }
        var referredFor: [String: Set<String>] = [:]
        var referrals: [IndicatorCohort.Referral] = []
        for row in try Row.fetchAll(db, sql: """
            SELECT r.parent_id, r.patient_id, json_extract(v.payload, '$.conditions') AS conditions,
                   json_extract(v.payload, '$.referred_on') AS referred_on, json_extract(v.payload, '$.outcome') AS outcome,
                   json_extract(v.payload, '$.outcome_on') AS outcome_on
            FROM record r JOIN record_version v ON v.seq = r.seq
            WHERE r.facility_id = ? AND r.type = ? AND json_extract(v.payload, '$.withdrawn_on') IS NULL
              AND json_extract(v.payload, '$.referred_on') BETWEEN ? AND ?
            """, arguments: [facility, RecordType.referral.rawValue, earliest, end]) {
            let topics = Set(((row["conditions"] as String?) ?? "").split(separator: ",").map(String.init))
            if let screening = row["parent_id"] as String? { referredFor[screening, default: []].formUnion(topics) }
            guard let patient = row["patient_id"] as String?, let on = (row["referred_on"] as String?).flatMap(CivilDate.init(iso8601:)) else { continue }
            referrals.append(IndicatorCohort.Referral(patientId: patient, topics: topics, referredOn: on,
                                                      outcome: (row["outcome"] as String?).flatMap(ReferralOutcome.init(rawValue:)),
                                                      outcomeOn: (row["outcome_on"] as String?).flatMap(CivilDate.init(iso8601:))))
        }
        var visits: [IndicatorCohort.Visit] = []
        for row in try Row.fetchAll(db, sql: """
            SELECT r.id, v.payload FROM record r JOIN record_version v ON v.seq = r.seq
            WHERE r.facility_id = ? AND r.type = ? AND json_extract(v.payload, '$.screened_on') BETWEEN ? AND ?
            """, arguments: [facility, RecordType.screening.rawValue, earliest, end]) {
            let payload = try JSONParser.parse(row["payload"] as String)
            let day = RecordPayloads.text(payload, "screened_on").flatMap(CivilDate.init(iso8601:))
            if let visit = RecordPayloads.visit(payload, referredFor: referredFor[row["id"]] ?? [],
                                                withReadings: day.map(period.contains) ?? false) {
                visits.append(visit)
            }
        }
        return IndicatorCohort(everyone: persons, visits: visits, referrals: referrals, countedTo: period.to)
    }
}

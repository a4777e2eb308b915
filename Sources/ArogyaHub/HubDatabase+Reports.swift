import ArogyaCore
import Foundation
import GRDB

/// One facility's part of a block report.
public struct FacilitySection<Content: Sendable>: Sendable {
    public let facility: String
    public let name: String
    public let content: Content
}

/// The block reports, on either store.
public protocol HubReporting: Sendable {
    /// The record rules' vocabulary: the words and protocols the reports are written in.
    var vocabulary: RecordVocabulary { get }
    func dailyRegister(day: CivilDate, facility: String?) async throws -> [FacilitySection<[RegisterEntry]>]
    func indicators(period: IndicatorPeriod, facility: String?, rules: ScreeningProtocol,
                    today: CivilDate) async throws -> (sections: [FacilitySection<IndicatorReport>], block: IndicatorReport)
}

extension HubDatabase: HubReporting {}

/// A day's register put together from what a store read: the same entries as a terminal's `review daily`.
enum HubRegister {
    struct Stored {
        let id: String
        let payload: JSONValue
    }
    struct Child {
        let type: RecordType
        let id: String
        let payload: JSONValue
    }

    /// `screenings`: the day's visits; `patients`: their patients' current payloads by id; `children`: each
    /// visit's referrals and reviews, in the order they were written.
    static func entries(screenings: [Stored], patients: [String: JSONValue], children: [String: [Child]]) -> [RegisterEntry] {
        let summaries = screenings.compactMap { stored -> (ScreeningSummary, String?)? in
            RecordPayloads.screening(id: stored.id, stored.payload).map { ($0, RecordPayloads.text(stored.payload, "answers_review")) }
        }.sorted { ($0.0.savedAt, $0.0.id) < ($1.0.savedAt, $1.0.id) }
        return summaries.compactMap { screening, answered in
            guard let payload = patients[screening.patientId], let patient = RecordPayloads.patient(id: screening.patientId, payload) else { return nil }
            let own = children[screening.id] ?? []
            let referrals = own.filter { $0.type == .referral && ($0.payload["withdrawn_on"] == nil || $0.payload["withdrawn_on"] == .null) }
            // Urgent places first, as a terminal's register lists them.
            let urgent = referrals.filter { $0.payload["urgent"] == .bool(true) }
            let routine = referrals.filter { $0.payload["urgent"] != .bool(true) }
            let places = (urgent + routine).compactMap { RecordPayloads.text($0.payload, "place") }
            let reviews = own.filter { $0.type == .review }.compactMap { RecordPayloads.review(id: $0.id, $0.payload) }.sorted { ($0.at, $0.id) < ($1.at, $1.id) }
            return RegisterEntry(screening: screening, patient: patient, places: places, review: ReviewHistory(reviews: reviews, answeredReview: answered))
        }
    }
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
                // The day's visits found by the report table's day order, not by opening every screening's JSON;
                // the visit's children by their parent (left to itself, the planner walks the facility's whole
                // sequence to save sorting a few rows by it).
                let screenings = try Row.fetchAll(db, sql: """
                    SELECT r.id, v.payload FROM report_visit d
                    CROSS JOIN record r ON r.facility_id = d.facility_id AND r.type = ? AND r.id = d.id JOIN record_version v ON v.seq = r.seq
                    WHERE d.facility_id = ? AND d.screened_on = ?
                    """, arguments: [RecordType.screening.rawValue, facility.id, day.iso8601]).map { row in
                    HubRegister.Stored(id: row["id"], payload: try JSONParser.parse(row["payload"] as String))
                }
                var patients: [String: JSONValue] = [:]
                var children: [String: [HubRegister.Child]] = [:]
                for screening in screenings {
                    if let patientID = RecordPayloads.text(screening.payload, "patient_id"), patients[patientID] == nil,
                       let payload = try current(.patient, id: patientID, facility: facility.id, in: db) {
                        patients[patientID] = payload
                    }
                    for type in [RecordType.referral, .review] {
                        children[screening.id, default: []] += try Row.fetchAll(db, sql: """
                            SELECT r.id, v.payload FROM record r INDEXED BY record_parent JOIN record_version v ON v.seq = r.seq
                            WHERE r.facility_id = ? AND r.type = ? AND r.parent_id = ? ORDER BY r.seq
                            """, arguments: [facility.id, type.rawValue, screening.id]).map {
                            HubRegister.Child(type: type, id: $0["id"], payload: try JSONParser.parse($0["payload"] as String))
                        }
                    }
                }
                return FacilitySection(facility: facility.id, name: facility.name,
                                       content: HubRegister.entries(screenings: screenings, patients: patients, children: children))
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
        let facilities = try writer.read { db in try reportFacilities(only, in: db) }
        // Each facility read and counted on its own core: a facility's figures come from one read
        // transaction, and the block's from the same cohorts, so the block adds up to its sections.
        let parts = Parallel<(cohort: IndicatorCohort, report: IndicatorReport)>(count: facilities.count)
        DispatchQueue.concurrentPerform(iterations: facilities.count) { index in
            parts.set(index, Result {
                let cohort = try indicatorCohort(facility: facilities[index].id, period: counted)
                return (cohort, Indicators.report(cohort, period: period, rules: rules, today: today))
            })
        }
        let results = try parts.values()
        let sections = zip(facilities, results).map { FacilitySection(facility: $0.id, name: $0.name, content: $1.report) }
        let block = IndicatorCohort.union(results.map(\.cohort))
        return (sections, Indicators.report(block, period: period, rules: rules, today: today))
    }

    /// One facility's cohort for the period, read as `indicators` reads it (for a benchmark's floor).
    public func indicatorCohort(facility: String, period: IndicatorPeriod) throws -> IndicatorCohort {
        try writer.read { db in try indicatorCohort(facility: facility, period: period, in: db) }
    }

    /// A facility's people, visits and referrals as the indicators read them, from the report tables
    /// (`HubReportTables`) in the way a terminal reads its own tables: the population counted by sex and
    /// birth date, only the people the counting needs read one by one, and the stored JSON opened only for
    /// the typed readings of the period's visits.
    func indicatorCohort(facility: String, period: IndicatorPeriod, in db: Database) throws -> IndicatorCohort {
        let earliest = IndicatorCohort.earliestVisitDay(forPeriodEnding: period.to).iso8601
        let end = period.to.iso8601
        let after = period.to.adding(days: 1).iso8601
        var population: [IndicatorCohort.PopulationGroup] = []
        let groups = try Row.fetchCursor(db, sql: """
            SELECT sex, birth_date, count(*) FROM report_patient INDEXED BY report_patient_population
            WHERE facility_id = ? AND status = 'active' AND created_at < ? GROUP BY sex, birth_date
            """, arguments: [facility, after])
        while let row = try groups.next() {
            guard let sex = Sex(rawValue: row[0]), let born = CivilDate(iso8601: row[1]) else { continue }
            population.append(IndicatorCohort.PopulationGroup(sex: sex, birthDate: born, count: row[2]))
        }

        var lists = StoredColumns.Lists()
        var referredFor: [String: Set<String>] = [:]
        var referrals: [IndicatorCohort.Referral] = []
        let referralRows = try Row.fetchCursor(db, sql: """
            SELECT \(StoredColumns.referralColumns) FROM report_referral
            WHERE facility_id = ? AND withdrawn_on IS NULL AND referred_on >= ? AND referred_on <= ?
            """, arguments: [facility, earliest, end])
        while let row = try referralRows.next() {
            if let referral = StoredColumns.referral(StoredRowColumns(row: row), lists: &lists, referredFor: &referredFor) {
                referrals.append(referral)
            }
        }

        var typed: [String: [PressurePair]] = [:]
        let inputs = try Row.fetchCursor(db, sql: """
            SELECT v.id, json_extract(rv.payload, '$.input.bp') FROM report_visit v
            JOIN record r ON r.facility_id = v.facility_id AND r.type = ? AND r.id = v.id JOIN record_version rv ON rv.seq = r.seq
            WHERE v.facility_id = ? AND v.screened_on >= ? AND v.screened_on <= ?
            """, arguments: [RecordType.screening.rawValue, facility, period.from.iso8601, end])
        while let row = try inputs.next() {
            typed[row[0]] = StoredColumns.typedReadings((row[1] as String?).flatMap { try? JSONParser.parse($0) })
        }

        var visits: [IndicatorCohort.Visit] = []
        let visitRows = try Row.fetchCursor(db, sql: """
            SELECT \(StoredColumns.visitColumns) FROM report_visit WHERE facility_id = ? AND screened_on >= ? AND screened_on <= ?
            """, arguments: [facility, earliest, end])
        while let row = try visitRows.next() {
            if let visit = StoredColumns.visit(StoredRowColumns(row: row), lists: &lists, readings: typed, referredFor: referredFor) {
                visits.append(visit)
            }
        }

        var persons: [IndicatorCohort.Person] = []
        let personRows = try Row.fetchCursor(db, sql: """
            SELECT p.id, p.sex, p.birth_date, p.created_at, p.status FROM json_each(?) j
            CROSS JOIN report_patient p ON p.facility_id = ? AND p.id = j.value
            """, arguments: [IndicatorCohort.neededIds(visits: visits, referrals: referrals, countedPeriod: period), facility])
        while let row = try personRows.next() {
            if let person = StoredColumns.person(id: row[0], sex: row[1], birthDate: row[2], createdAt: row[3], status: row[4], mobile: nil, name: nil) {
                persons.append(person)
            }
        }
        // The period's registrations and the active records sharing their mobile and sex (suspected duplicates).
        let sharing = try Row.fetchCursor(db, sql: """
            SELECT id, sex, birth_date, created_at, status, mobile, name FROM report_patient INDEXED BY report_patient_mobile
            WHERE facility_id = ? AND status = 'active' AND mobile IS NOT NULL AND (mobile, sex) IN (
                SELECT mobile, sex FROM report_patient INDEXED BY report_patient_created
                WHERE facility_id = ? AND status = 'active' AND created_at >= ? AND created_at < ? AND mobile IS NOT NULL)
            """, arguments: [facility, facility, period.from.iso8601, after])
        while let row = try sharing.next() {
            if let person = StoredColumns.person(id: row[0], sex: row[1], birthDate: row[2], createdAt: row[3], status: row[4],
                                                 mobile: row[5], name: row[6]) {
                persons.append(person)
            }
        }
        return IndicatorCohort(population: population, persons: persons, visits: visits, referrals: referrals)
    }
}

/// A GRDB row read by position for `StoredColumns`.
struct StoredRowColumns: StoredRow {
    let row: Row

    func text(_ index: Int) -> String? { row[index] }
    func integer(_ index: Int) -> Int? { row[index] }
    func real(_ index: Int) -> Double? { row[index] }
}

/// Results filled in from several threads at once, each into its own place.
final class Parallel<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<Value, any Error>?]

    init(count: Int) { results = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: Result<Value, any Error>) { lock.withLock { results[index] = result } }

    /// Every value in order, or the first error.
    func values() throws -> [Value] { try lock.withLock { try results.map { try $0!.get() } } }
}

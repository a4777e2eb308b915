import ArogyaCore
import Foundation
import PostgresNIO

/// The block reports on PostgreSQL: the same report tables and the same definitions as on SQLite
/// (`HubDatabase+Reports`), each facility read in one snapshot.
extension PostgresHubStore: HubReporting {
    private func reportFacilities(_ only: String?, _ connection: PostgresConnection) async throws -> [(id: String, name: String)] {
        try await connection.query("""
            SELECT id, name FROM facility WHERE \(only)::text IS NULL OR id = \(only) ORDER BY id COLLATE "C"
            """, logger: logger).collect().map { try $0.decode((String, String).self) }
    }

    public func dailyRegister(day: CivilDate, facility only: String?) async throws -> [FacilitySection<[RegisterEntry]>] {
        try await snapshot { connection in
            var sections: [FacilitySection<[RegisterEntry]>] = []
            for facility in try await self.reportFacilities(only, connection) {
                sections.append(try await self.registerSection(facility: facility, day: day, connection))
            }
            return sections
        }
    }

    /// One facility's part of the day's register, read inside the caller's snapshot.
    private func registerSection(facility: (id: String, name: String), day: CivilDate,
                                 _ connection: PostgresConnection) async throws -> FacilitySection<[RegisterEntry]> {
        let visitRows = try await connection.query("""
            SELECT r.id, v.payload FROM report_visit d
            JOIN record r ON r.facility_id = d.facility_id AND r.type = \(RecordType.screening.rawValue) AND r.id = d.id
            JOIN record_version v ON v.seq = r.seq
            WHERE d.facility_id = \(facility.id) AND d.screened_on = \(day.iso8601)
            """, logger: logger).collect()
        var screenings: [HubRegister.Stored] = []
        for row in visitRows {
            let (id, payload) = try row.decode((String, String).self)
            screenings.append(HubRegister.Stored(id: id, payload: try JSONParser.parse(payload)))
        }
        let patientIDs = Array(Set(screenings.compactMap { RecordPayloads.text($0.payload, "patient_id") }))
        let patientRows = try await connection.query("""
            SELECT r.id, v.payload FROM record r JOIN record_version v ON v.seq = r.seq
            WHERE r.facility_id = \(facility.id) AND r.type = \(RecordType.patient.rawValue) AND r.id = ANY(\(patientIDs))
            """, logger: logger).collect()
        var patients: [String: JSONValue] = [:]
        for row in patientRows {
            let (id, payload) = try row.decode((String, String).self)
            patients[id] = try JSONParser.parse(payload)
        }
        let childTypes = [RecordType.referral.rawValue, RecordType.review.rawValue]
        let childRows = try await connection.query("""
            SELECT r.parent_id, r.type, r.id, v.payload FROM record r JOIN record_version v ON v.seq = r.seq
            WHERE r.facility_id = \(facility.id) AND r.type = ANY(\(childTypes)) AND r.parent_id = ANY(\(screenings.map(\.id)))
            ORDER BY r.seq
            """, logger: logger).collect()
        var children: [String: [HubRegister.Child]] = [:]
        for row in childRows {
            let (parent, type, id, payload) = try row.decode((String, String, String, String).self)
            guard let type = RecordType(rawValue: type) else { continue }
            children[parent, default: []].append(HubRegister.Child(type: type, id: id, payload: try JSONParser.parse(payload)))
        }
        return FacilitySection(facility: facility.id, name: facility.name,
                               content: HubRegister.entries(screenings: screenings, patients: patients, children: children))
    }

    public func indicators(period: IndicatorPeriod, facility only: String?, rules: ScreeningProtocol,
                           today: CivilDate) async throws -> (sections: [FacilitySection<IndicatorReport>], block: IndicatorReport) {
        let counted = IndicatorPeriod(from: period.from, to: min(period.to, max(period.from, today)))
        let facilities = try await client.withConnection { connection in try await reportFacilities(only, connection) }
        // Facilities read at once, each on a connection of the pool, as SQLite's reads them on each core.
        let cohorts = try await withThrowingTaskGroup(of: (Int, IndicatorCohort).self) { group in
            for (index, facility) in facilities.enumerated() {
                group.addTask { (index, try await self.indicatorCohort(facility: facility.id, period: counted)) }
            }
            var cohorts = [IndicatorCohort?](repeating: nil, count: facilities.count)
            for try await (index, cohort) in group { cohorts[index] = cohort }
            return cohorts.compactMap { $0 }
        }
        let sections = zip(facilities, cohorts).map { facility, cohort in
            FacilitySection(facility: facility.id, name: facility.name, content: Indicators.report(cohort, period: period, rules: rules, today: today))
        }
        return (sections, Indicators.report(IndicatorCohort.union(cohorts), period: period, rules: rules, today: today))
    }

    /// A facility's people, visits and referrals as the indicators read them, by the same reads as
    /// `HubDatabase.indicatorCohort`.
    func indicatorCohort(facility: String, period: IndicatorPeriod) async throws -> IndicatorCohort {
        let earliest = IndicatorCohort.earliestVisitDay(forPeriodEnding: period.to).iso8601
        let end = period.to.iso8601
        let after = period.to.adding(days: 1).iso8601
        return try await snapshot { connection in
            try await self.indicatorCohort(facility: facility, period: period, earliest: earliest, end: end, after: after, connection)
        }
    }

    private func indicatorCohort(facility: String, period: IndicatorPeriod, earliest: String, end: String, after: String,
                                 _ connection: PostgresConnection) async throws -> IndicatorCohort {
        var population: [IndicatorCohort.PopulationGroup] = []
        let populationRows = try await connection.query("""
            SELECT sex, birth_date, count(*) FROM report_patient
            WHERE facility_id = \(facility) AND status = 'active' AND created_at < \(after) GROUP BY sex, birth_date
            """, logger: logger).collect()
        for row in populationRows {
            let (sex, born, count) = try row.decode((String, String, Int64).self)
            guard let sex = Sex(rawValue: sex), let born = CivilDate(iso8601: born) else { continue }
            population.append(IndicatorCohort.PopulationGroup(sex: sex, birthDate: born, count: Int(count)))
        }

        var lists = StoredColumns.Lists()
        var referredFor: [String: Set<String>] = [:]
        var referrals: [IndicatorCohort.Referral] = []
        let referralRows = try await connection.query("""
            SELECT \(unescaped: StoredColumns.referralColumns) FROM report_referral
            WHERE facility_id = \(facility) AND withdrawn_on IS NULL AND referred_on >= \(earliest) AND referred_on <= \(end)
            """, logger: logger).collect()
        for row in referralRows {
            if let referral = StoredColumns.referral(PostgresStoredRow(row), lists: &lists, referredFor: &referredFor) {
                referrals.append(referral)
            }
        }

        var typed: [String: [PressurePair]] = [:]
        let readingRows = try await connection.query("""
            SELECT v.id, (rv.payload::json -> 'input' -> 'bp')::text FROM report_visit v
            JOIN record r ON r.facility_id = v.facility_id AND r.type = \(RecordType.screening.rawValue) AND r.id = v.id
            JOIN record_version rv ON rv.seq = r.seq
            WHERE v.facility_id = \(facility) AND v.screened_on >= \(period.from.iso8601) AND v.screened_on <= \(end)
            """, logger: logger).collect()
        for row in readingRows {
            let (id, readings) = try row.decode((String, String?).self)
            typed[id] = StoredColumns.typedReadings(readings.flatMap { try? JSONParser.parse($0) })
        }

        var visits: [IndicatorCohort.Visit] = []
        // The flags as 1 and 0, as SQLite keeps them and `StoredColumns` reads them.
        let columns = StoredColumns.visitColumns.replacingOccurrences(of: "oral_done, breast_done, cervical_done",
                                                                      with: "oral_done::int, breast_done::int, cervical_done::int")
        let visitRows = try await connection.query("""
            SELECT \(unescaped: columns) FROM report_visit
            WHERE facility_id = \(facility) AND screened_on >= \(earliest) AND screened_on <= \(end)
            """, logger: logger).collect()
        for row in visitRows {
            if let visit = StoredColumns.visit(PostgresStoredRow(row), lists: &lists, readings: typed, referredFor: referredFor) {
                visits.append(visit)
            }
        }

        var persons: [IndicatorCohort.Person] = []
        let needed = IndicatorCohort.neededIds(visits: visits, referrals: referrals, countedPeriod: period)
        let personRows = try await connection.query("""
            SELECT p.id, p.sex, p.birth_date, p.created_at, p.status FROM json_array_elements_text(\(needed)::json) AS j(value)
            JOIN report_patient p ON p.facility_id = \(facility) AND p.id = j.value
            """, logger: logger).collect()
        for row in personRows {
            let (id, sex, born, created, status) = try row.decode((String, String, String, String, String).self)
            if let person = StoredColumns.person(id: id, sex: sex, birthDate: born, createdAt: created, status: status, mobile: nil, name: nil) {
                persons.append(person)
            }
        }
        // The period's registrations and the active records sharing their mobile and sex (suspected duplicates).
        let sharingRows = try await connection.query("""
            SELECT id, sex, birth_date, created_at, status, mobile, name FROM report_patient
            WHERE facility_id = \(facility) AND status = 'active' AND mobile IS NOT NULL AND (mobile, sex) IN (
                SELECT mobile, sex FROM report_patient
                WHERE facility_id = \(facility) AND status = 'active' AND created_at >= \(period.from.iso8601) AND created_at < \(after)
                  AND mobile IS NOT NULL)
            """, logger: logger).collect()
        for row in sharingRows {
            let (id, sex, born, created, status, mobile, name) = try row.decode((String, String, String, String, String, String?, String).self)
            if let person = StoredColumns.person(id: id, sex: sex, birthDate: born, createdAt: created, status: status, mobile: mobile, name: name) {
                persons.append(person)
            }
        }
        return IndicatorCohort(population: population, persons: persons, visits: visits, referrals: referrals)
    }
}

/// A PostgreSQL row read by position for `StoredColumns`.
struct PostgresStoredRow: StoredRow {
    let cells: PostgresRandomAccessRow

    init(_ row: PostgresRow) { cells = row.makeRandomAccess() }

    func text(_ index: Int) -> String? { (try? cells[index].decode(String?.self)) ?? nil }
    func integer(_ index: Int) -> Int? { (try? cells[index].decode(Int?.self)) ?? nil }
    func real(_ index: Int) -> Double? { (try? cells[index].decode(Double?.self)) ?? nil }
}

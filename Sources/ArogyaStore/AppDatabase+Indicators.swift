import ArogyaCore
import Foundation
import GRDB

extension AppDatabase {
    /// The programme indicators of a period, counted from this terminal's tables (its own records and
    /// what it pulled from the facility's other terminals) by the one definition in `Indicators`.
    public func indicators(period: IndicatorPeriod, rules: ScreeningProtocol, today: CivilDate) throws(StoreError) -> IndicatorReport {
        let cohort = try indicatorCohort(period: IndicatorPeriod(from: period.from, to: min(period.to, max(period.from, today))))
        return Indicators.report(cohort, period: period, rules: rules, today: today)
    }

    /// Everything the indicators of `period` read, in one read transaction: the active people registered
    /// by its end counted by sex and birth date, the visits and referrals since
    /// `IndicatorCohort.earliestVisitDay` with the typed BP readings of the period's own visits (for the
    /// data-quality figures), the people those name, and the period's registrations that share a mobile
    /// with another active record, with those records. A million people are counted, not read one by one.
    public func indicatorCohort(period: IndicatorPeriod) throws(StoreError) -> IndicatorCohort {
        try read { db in
            let earliest = IndicatorCohort.earliestVisitDay(forPeriodEnding: period.to).iso8601
            let end = period.to.iso8601
            // created_at is an ISO 8601 UTC time: the day after the period's last sorts after all of its times.
            let after = period.to.adding(days: 1).iso8601
            // Named, so the planner cannot prefer patient_created for the range and then read every row.
            var population: [IndicatorCohort.PopulationGroup] = []
            let groups = try Row.fetchCursor(db, sql: """
                SELECT sex, birth_date, count(*) AS n FROM patient INDEXED BY patient_registered
                WHERE status = 'active' AND created_at < ? GROUP BY sex, birth_date
                """, arguments: [after])
            while let row = try groups.next() {
                guard let sex = Sex(rawValue: row[0]), let born = CivilDate(iso8601: row[1]) else { continue }
                population.append(IndicatorCohort.PopulationGroup(sex: sex, birthDate: born, count: row[2]))
            }

            var lists = StoredColumns.Lists()
            var referredFor: [String: Set<String>] = [:]
            var referrals: [IndicatorCohort.Referral] = []
            let referralRows = try Row.fetchCursor(db, sql: """
                SELECT \(StoredColumns.referralColumns) FROM referral WHERE withdrawn_on IS NULL AND referred_on >= ? AND referred_on <= ?
                """, arguments: [earliest, end])
            while let row = try referralRows.next() {
                if let referral = StoredColumns.referral(StoredRowColumns(row: row), lists: &lists, referredFor: &referredFor) {
                    referrals.append(referral)
                }
            }

            // The typed BP readings of the period's visits, from their input JSON (the only rows read).
            var typed: [String: [PressurePair]] = [:]
            let inputs = try Row.fetchCursor(db, sql: """
                SELECT id, input FROM screening WHERE screened_on >= ? AND screened_on <= ?
                """, arguments: [period.from.iso8601, end])
            while let row = try inputs.next() { typed[row[0]] = StoredColumns.typedReadings((try? JSONParser.parse(row[1] as String))?["bp"]) }

            var visits: [IndicatorCohort.Visit] = []
            // Two years of visits, from the index that holds every column counted (in its day order).
            let visitRows = try Row.fetchCursor(db, sql: """
                SELECT \(StoredColumns.visitColumns) FROM screening INDEXED BY screening_counted WHERE screened_on >= ? AND screened_on <= ?
                """, arguments: [earliest, end])
            while let row = try visitRows.next() {
                if let visit = StoredColumns.visit(StoredRowColumns(row: row), lists: &lists, readings: typed, referredFor: referredFor) {
                    visits.append(visit)
                }
            }

            // Only the people the counting reads one by one (most of two years' visits are only counted), in
            // one statement over a JSON array of their ids rather than a statement run for each, and in id
            // order, which keeps the index's pages in the cache from one to the next.
            var persons: [IndicatorCohort.Person] = []
            let personRows = try Row.fetchCursor(db, sql: """
                SELECT p.id, p.sex, p.birth_date, p.created_at, p.status FROM json_each(?) j CROSS JOIN patient p ON p.id = j.value
                """, arguments: [IndicatorCohort.neededIds(visits: visits, referrals: referrals, countedPeriod: period)])
            while let row = try personRows.next() {
                if let person = StoredColumns.person(id: row[0], sex: row[1], birthDate: row[2], createdAt: row[3], status: row[4],
                                                     mobile: nil, name: nil) {
                    persons.append(person)
                }
            }
            // The suspected-duplicate count compares the period's registrations with the active records that
            // share their mobile and sex: only those need a first-name key. Both indexes named: left to itself the
            // planner walks every active patient by status and looks each mobile up in the list.
            let sharing = try Row.fetchCursor(db, sql: """
                SELECT id, sex, birth_date, created_at, status, mobile, name FROM patient INDEXED BY patient_mobile_reversed
                WHERE status = 'active' AND mobile_reversed IS NOT NULL AND (mobile_reversed, sex) IN (
                    SELECT mobile_reversed, sex FROM patient INDEXED BY patient_created
                    WHERE status = 'active' AND created_at >= ? AND created_at < ? AND mobile_reversed IS NOT NULL)
                """, arguments: [period.from.iso8601, after])
            while let row = try sharing.next() {
                if let person = StoredColumns.person(id: row[0], sex: row[1], birthDate: row[2], createdAt: row[3], status: row[4],
                                                     mobile: row[5], name: row[6]) {
                    persons.append(person)
                }
            }
            let offsets = try Int64.fetchOne(db, sql: """
                SELECT clock_offset_ms FROM sync_run WHERE outcome IN ('ok', 'rejections') AND clock_offset_ms IS NOT NULL ORDER BY id DESC LIMIT 1
                """).map { [IndicatorCohort.ClockOffset(terminal: "this terminal", minutes: Int($0 / 60_000))] } ?? []
            return IndicatorCohort(population: population, persons: persons, visits: visits, referrals: referrals, clockOffsets: offsets)
        }
    }
}

/// A GRDB row read by position for `StoredColumns`.
struct StoredRowColumns: StoredRow {
    let row: Row

    func text(_ index: Int) -> String? { row[index] }
    func integer(_ index: Int) -> Int? { row[index] }
    func real(_ index: Int) -> Double? { row[index] }
}

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

    /// Everything the indicators of `period` read, in one read transaction: every patient (four short
    /// columns), the visits and referrals since `IndicatorCohort.earliestVisitDay`, and the typed BP
    /// readings of the period's own visits (for the data-quality figures).
    public func indicatorCohort(period: IndicatorPeriod) throws(StoreError) -> IndicatorCohort {
        try read { db in
            let earliest = IndicatorCohort.earliestVisitDay(forPeriodEnding: period.to).iso8601
            let end = period.to.iso8601
            // A mobile shared by more than one active record: only those records need a first-name key.
            let sharedMobiles = Set(try String.fetchAll(db, sql: """
                SELECT mobile FROM patient WHERE mobile IS NOT NULL AND status = 'active' GROUP BY mobile HAVING count(*) > 1
                """))
            var persons: [IndicatorCohort.Person] = []
            let rows = try Row.fetchCursor(db, sql: "SELECT id, sex, birth_date, created_at, status, mobile, name FROM patient")
            while let row = try rows.next() {
                guard let sex = Sex(rawValue: row["sex"]), let born = CivilDate(iso8601: row["birth_date"]),
                      let registered = Timestamp(iso8601: row["created_at"]) else { continue }
                let mobile: String? = row["mobile"]
                let shared = mobile.map(sharedMobiles.contains) ?? false
                persons.append(IndicatorCohort.Person(
                    id: row["id"], sex: sex, birthDate: born, registeredOn: registered.utcDay,
                    active: (row["status"] as String) == PatientStatusCode.active.rawValue, mobile: shared ? mobile : nil,
                    firstNameKey: shared ? (NameKey.words(row["name"] as String).first?.key ?? "") : ""))
            }

            var referredFor: [String: Set<String>] = [:]
            var referrals: [IndicatorCohort.Referral] = []
            let referralRows = try Row.fetchCursor(db, sql: """
                SELECT screening_id, patient_id, conditions, referred_on, outcome, outcome_on FROM referral
                WHERE withdrawn_on IS NULL AND referred_on >= ? AND referred_on <= ?
                """, arguments: [earliest, end])
            while let row = try referralRows.next() {
                let topics = Set((row["conditions"] as String).split(separator: ",").map(String.init))
                referredFor[row["screening_id"], default: []].formUnion(topics)
                guard let on = CivilDate(iso8601: row["referred_on"]) else { continue }
                referrals.append(IndicatorCohort.Referral(
                    patientId: row["patient_id"], topics: topics, referredOn: on,
                    outcome: (row["outcome"] as String?).flatMap(ReferralOutcome.init(rawValue:)),
                    outcomeOn: (row["outcome_on"] as String?).flatMap(CivilDate.init(iso8601:))))
            }

            var visits: [IndicatorCohort.Visit] = []
            let visitRows = try Row.fetchCursor(db, sql: """
                SELECT id, patient_id, kind, screened_on, created_at, bp_systolic, bp_diastolic, glucose_type, glucose_mg_dl, glucose_meter,
                       cbac_score, oral_done, breast_done, cervical_done, known,
                       CASE WHEN screened_on >= ? THEN input END AS input
                FROM screening WHERE screened_on >= ? AND screened_on <= ? ORDER BY screened_on
                """, arguments: [period.from.iso8601, earliest, end])
            while let row = try visitRows.next() {
                guard let day = CivilDate(iso8601: row["screened_on"]), let entered = Timestamp(iso8601: row["created_at"]) else { continue }
                let systolic: Int? = row["bp_systolic"]
                let diastolic: Int? = row["bp_diastolic"]
                var glucose: GlucoseReading?
                if let type = (row["glucose_type"] as String?).flatMap(GlucoseTestType.init(rawValue:)) {
                    switch row["glucose_meter"] as String? {
                    case "LO"?: glucose = GlucoseReading(type: type, value: .meterLow)
                    case "HI"?: glucose = GlucoseReading(type: type, value: .meterHigh)
                    default: glucose = (row["glucose_mg_dl"] as Double?).map { GlucoseReading(type: type, value: .milligramsPerDecilitre($0)) }
                    }
                }
                visits.append(IndicatorCohort.Visit(
                    patientId: row["patient_id"], day: day, enteredOn: entered.utcDay,
                    kind: ScreeningVisit.Kind(rawValue: row["kind"]) ?? .screening,
                    bloodPressure: systolic.flatMap { s in diastolic.map { PressurePair(s, $0) } },
                    readings: Self.typedReadings(row["input"]), glucose: glucose, cbacScore: row["cbac_score"],
                    oralDone: row["oral_done"], breastDone: row["breast_done"], cervicalDone: row["cervical_done"],
                    known: Set((row["known"] as String).split(separator: ",").compactMap { KnownCondition(rawValue: String($0)) }),
                    referredFor: referredFor[row["id"]] ?? []))
            }
            let offsets = try Int64.fetchOne(db, sql: """
                SELECT clock_offset_ms FROM sync_run WHERE outcome IN ('ok', 'rejections') AND clock_offset_ms IS NOT NULL ORDER BY id DESC LIMIT 1
                """).map { [IndicatorCohort.ClockOffset(terminal: "this terminal", minutes: Int($0 / 60_000))] } ?? []
            return IndicatorCohort(persons: persons, visits: visits, referrals: referrals, clockOffsets: offsets)
        }
    }

    /// The BP readings as typed, from a screening's input JSON ("bp": [[150, 96], [154, 96]]).
    static func typedReadings(_ input: String?) -> [PressurePair] {
        guard let input, let document = try? JSONParser.parse(input), case .array(let pairs)? = document["bp"] else { return [] }
        return pairs.compactMap { pair in
            guard case .array(let values) = pair, values.count == 2, case .number(let s) = values[0], case .number(let d) = values[1] else { return nil }
            return PressurePair(Int(s), Int(d))
        }
    }
}

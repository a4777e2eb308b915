import ArogyaCore
import ArogyaTesting
import Testing

/// The programme indicators on small cohorts made by hand, each count worked out here from the definitions.
@Suite("Programme indicators")
struct IndicatorTests {
    let rules = Fixtures.nationalProtocol
    let november = IndicatorPeriod.month("2026-11")!

    func day(_ text: String) -> CivilDate { CivilDate(iso8601: text)! }

    func person(_ id: String, sex: Sex = .female, born: String = "1970-01-01", registered: String, active: Bool = true,
                mobile: String? = nil, first: String? = nil) -> IndicatorCohort.Person {
        IndicatorCohort.Person(id: id, sex: sex, birthDate: day(born), registeredOn: day(registered), active: active, mobile: mobile,
                               firstNameKey: first ?? id)
    }

    func visit(_ id: String, _ on: String, kind: ScreeningVisit.Kind = .followUp, bp: [PressurePair] = [], glucose: GlucoseReading? = nil,
               cbac: Int? = nil, known: Set<KnownCondition> = [.hypertension], referred: Set<String> = [], entered: String? = nil,
               oral: Bool = false, breast: Bool = false, cervical: Bool = false) -> IndicatorCohort.Visit {
        let mean = bp.isEmpty ? nil : PressurePair(bp.map(\.systolic).reduce(0, +) / bp.count, bp.map(\.diastolic).reduce(0, +) / bp.count)
        return IndicatorCohort.Visit(patientId: id, day: day(on), enteredOn: day(entered ?? on), kind: kind, bloodPressure: mean, readings: bp,
                                     glucose: glucose, cbacScore: cbac, oralDone: oral, breastDone: breast, cervicalDone: cervical,
                                     known: known, referredFor: referred)
    }

    @Test("Given known hypertensives, when November is reported, then 138/88 last month is controlled, 140/90 is not, one known since last month is not counted, and visited-no-BP, missed and lost are each counted once")
    func hypertensionControl() {
        let cohort = IndicatorCohort(
            everyone: [person("a", registered: "2026-07-15"), person("b", registered: "2026-07-15"), person("c", registered: "2026-11-01"),
                      person("d", registered: "2025-01-01"), person("e", registered: "2026-01-01"), person("f", registered: "2026-01-01"),
                      person("g", registered: "2026-01-01", active: false)],
            visits: [visit("a", "2026-07-15", bp: [PressurePair(150, 95)]), visit("a", "2026-10-20", bp: [PressurePair(138, 88)]),
                     visit("b", "2026-07-15", bp: [PressurePair(150, 95)]), visit("b", "2026-10-20", bp: [PressurePair(140, 90)]),
                     visit("c", "2026-11-01", bp: [PressurePair(120, 80)]),
                     visit("d", "2025-01-01", bp: [PressurePair(150, 95)]), visit("d", "2025-10-01", bp: [PressurePair(130, 80)]),
                     visit("e", "2026-01-01", bp: [PressurePair(150, 95)]),
                     visit("e", "2026-11-10", glucose: GlucoseReading(type: .random, value: .milligramsPerDecilitre(150))),
                     visit("f", "2026-01-01", bp: [PressurePair(150, 95)]), visit("f", "2026-07-01", bp: [PressurePair(130, 80)]),
                     visit("g", "2026-01-01", bp: [PressurePair(130, 80)])],
            referrals: [], countedTo: november.to)
        let report = Indicators.report(cohort, period: november, rules: rules, today: day("2026-12-15"))
        let section = report.section("hypertension")!
        #expect(section.figure("under_care")?.count == 4)
        #expect(section.figure("controlled").map { ($0.count, $0.of) } ?? (0, 0) == (1, 4))
        #expect(section.figure("controlled")?.percent == 25)
        #expect(section.figure("not_controlled")?.count == 1)
        #expect(section.figure("visited_no_bp")?.count == 1)
        #expect(section.figure("missed_visits")?.count == 1)
        #expect(section.figure("lost")?.count == 1)
        // The trend's last month is the period itself.
        #expect(report.trend.count == 12 && report.trend.last?.month == "2026-11")
        #expect(report.trend.last.map { ($0.controlled, $0.controlOf) } ?? (0, 0) == (1, 4))
        #expect(report.trend.first?.month == "2025-12")
    }

    @Test("Given a known hypertensive whose diagnosis was confirmed at a referral, when reported, then she counts from the day it was confirmed")
    func knownFromReferral() {
        let cohort = IndicatorCohort(
            everyone: [person("h", registered: "2026-01-01")],
            visits: [visit("h", "2026-02-01", kind: .screening, bp: [PressurePair(150, 96)], known: [], referred: ["hypertension"]),
                     visit("h", "2026-11-02", kind: .followUp, bp: [PressurePair(128, 82)], known: [.hypertension])],
            referrals: [IndicatorCohort.Referral(patientId: "h", topics: ["hypertension"], referredOn: day("2026-02-01"), outcome: .confirmed,
                                                 outcomeOn: day("2026-02-10"))],
            countedTo: november.to)
        let section = Indicators.report(cohort, period: november, rules: rules, today: day("2026-12-15")).section("hypertension")!
        #expect(section.figure("controlled").map { ($0.count, $0.of) } ?? (0, 0) == (1, 1))
        // Confirmed in September instead: inside the last 3 months, so not counted yet.
        let late = IndicatorCohort(everyone: cohort.persons, visits: [cohort.visits[0], visit("h", "2026-11-02", kind: .screening, bp: [PressurePair(128, 82)], known: [])],
                                   referrals: [IndicatorCohort.Referral(patientId: "h", topics: ["hypertension"], referredOn: day("2026-02-01"),
                                                                        outcome: .confirmed, outcomeOn: day("2026-09-20"))],
                                   countedTo: november.to)
        #expect(Indicators.report(late, period: november, rules: rules, today: day("2026-12-15")).figure("hypertension.under_care")?.count == 0)
    }

    @Test("Given known diabetics, when reported, then random 199 is below 200, fasting 130 is in the middle band, a meter's HI is 300 or more")
    func diabetesBands() {
        let sugar = { (type: GlucoseTestType, value: GlucoseValue) in GlucoseReading(type: type, value: value) }
        let cohort = IndicatorCohort(
            everyone: ["i", "j", "k"].map { person($0, registered: "2026-01-01") },
            // Each known since March (a visit that knew it), so counted in November.
            visits: ["i", "j", "k"].map { visit($0, "2026-03-01", known: [.diabetes]) } + [
                     visit("i", "2026-11-05", glucose: sugar(.random, .milligramsPerDecilitre(199)), known: [.diabetes]),
                     visit("j", "2026-11-05", glucose: sugar(.fasting, .milligramsPerDecilitre(130)), known: [.diabetes]),
                     visit("k", "2026-11-05", glucose: sugar(.postPrandial, .meterHigh), known: [.diabetes])],
            referrals: [], countedTo: november.to)
        let section = Indicators.report(cohort, period: november, rules: rules, today: day("2026-12-15")).section("diabetes")!
        #expect(section.figure("under_care")?.count == 3)
        #expect(section.figure("below_200")?.count == 1)
        #expect(section.figure("200_299")?.count == 1)
        #expect(section.figure("300_plus")?.count == 1)
    }

    @Test("Given a month of screenings, when the cascade is counted, then each step has its denominator: the people of 30 and over, women for breast, women 30 to 65 for cervical")
    func cascade() {
        let persons = [person("w40", born: "1986-05-01", registered: "2026-01-01"), person("w70", born: "1950-05-01", registered: "2026-01-01"),
                       person("m45", sex: .male, born: "1981-01-01", registered: "2026-01-01"), person("y25", born: "2001-01-01", registered: "2026-01-01"),
                       person("later", born: "1970-01-01", registered: "2026-12-05")]
        let cohort = IndicatorCohort(
            everyone: persons,
            visits: [visit("w40", "2026-11-03", kind: .screening, bp: [PressurePair(150, 96), PressurePair(146, 94)], cbac: 6, known: [],
                           referred: ["hypertension", "breast"], breast: true, cervical: true),
                     visit("w70", "2026-11-04", kind: .screening, bp: [PressurePair(120, 80)],
                           glucose: GlucoseReading(type: .random, value: .milligramsPerDecilitre(150)), cbac: 3, known: [], referred: ["diabetes"],
                           breast: true, cervical: true),
                     visit("m45", "2026-11-05", kind: .screening, cbac: 2, known: [], oral: true),
                     visit("y25", "2026-11-05", kind: .screening, bp: [PressurePair(118, 76)], known: [])],
            referrals: [IndicatorCohort.Referral(patientId: "w40", topics: ["hypertension"], referredOn: day("2026-11-03"), outcome: .treatmentStarted, outcomeOn: day("2026-11-10")),
                        IndicatorCohort.Referral(patientId: "w40", topics: ["breast"], referredOn: day("2026-11-03"), outcome: .notReached, outcomeOn: day("2026-11-10")),
                        IndicatorCohort.Referral(patientId: "w70", topics: ["diabetes"], referredOn: day("2026-11-04"), outcome: .reached, outcomeOn: day("2026-11-08"))],
            countedTo: november.to)
        let section = Indicators.report(cohort, period: november, rules: rules, today: day("2026-12-15")).section("cascade")!
        func pair(_ id: String) -> [Int?] { [section.figure(id)?.count, section.figure(id)?.of ?? nil] }
        #expect(pair("people_30") == [3, nil])                 // w40, w70, m45: y25 is too young, "later" registered after
        #expect(pair("cbac_done") == [3, 3])
        #expect(pair("cbac_priority") == [1, 3])                // 6 > 4
        #expect(pair("screened_hypertension") == [2, 3])        // y25 is not 30
        #expect(pair("positive_hypertension") == [1, 2])
        #expect(pair("referred_hypertension") == [1, 1])
        #expect(pair("screened_diabetes") == [1, 3])
        #expect(pair("positive_diabetes") == [1, 1])            // random 150 ≥ 140
        #expect(pair("screened_oral") == [1, 3])
        #expect(pair("screened_breast") == [2, 2])
        #expect(pair("positive_breast") == [1, 2])
        #expect(pair("screened_cervical") == [1, 1])            // w70 is over 65
        #expect(pair("referrals") == [3, nil])
        #expect(pair("referral_reached") == [2, 3])
        #expect(pair("referral_confirmed") == [1, 2])
        #expect(pair("referral_treated") == [1, 1])
    }

    @Test("Given people counted by sex and birth date and a woman registered after November but screened in it, when the cascade is counted, then each denominator counts the groups of its ages and her")
    func populationGroups() {
        let population = [IndicatorCohort.PopulationGroup(sex: .female, birthDate: day("1990-01-01"), count: 40),  // 36 at the month's end
                          IndicatorCohort.PopulationGroup(sex: .female, birthDate: day("1950-06-01"), count: 10),  // 76
                          IndicatorCohort.PopulationGroup(sex: .male, birthDate: day("1980-01-01"), count: 25),    // 46
                          IndicatorCohort.PopulationGroup(sex: .female, birthDate: day("2000-01-01"), count: 30)]  // 26
        let cohort = IndicatorCohort(
            population: population, persons: [person("late", born: "1985-01-01", registered: "2026-12-03")],
            visits: [visit("late", "2026-11-20", kind: .screening, bp: [PressurePair(120, 80)], known: [], breast: true, cervical: true)],
            referrals: [])
        let section = Indicators.report(cohort, period: november, rules: rules, today: day("2026-12-15")).section("cascade")!
        func pair(_ id: String) -> [Int?] { [section.figure(id)?.count, section.figure(id)?.of ?? nil] }
        #expect(pair("people_30") == [76, nil])                 // 40 + 10 + 25, and her
        #expect(pair("screened_hypertension") == [1, 76])
        #expect(pair("screened_breast") == [1, 51])             // women 30+: 40 + 10, and her
        #expect(pair("screened_cervical") == [1, 41])           // women 30 to 65: 40, and her
    }

    @Test("Given visits with suspicious readings, when data quality is counted, then implausible, repeated, 0-ending, late, no-BP, the period's duplicates and clocks are each found")
    func quality() {
        let cohort = IndicatorCohort(
            everyone: [person("p", registered: "2026-01-01", mobile: "9876543210", first: "sunita"),
                      person("q", born: "1971-06-01", registered: "2026-11-02", mobile: "9876543210", first: "sunita"),
                      person("r", registered: "2026-01-01", mobile: "9876543210", first: "kamla"),
                      // A pair made before November: not the period's work.
                      person("s", registered: "2026-03-01", mobile: "9123456780", first: "meena"),
                      person("t", registered: "2026-04-01", mobile: "9123456780", first: "meena")],
            visits: [visit("p", "2026-11-02", kind: .screening, bp: [PressurePair(120, 80), PressurePair(120, 80)], known: []),
                     visit("q", "2026-11-02", kind: .screening, bp: [PressurePair(262, 84), PressurePair(134, 86)], known: [], entered: "2026-11-09"),
                     visit("r", "2026-11-03", kind: .screening, known: [])],
            referrals: [],
            clockOffsets: [.init(terminal: "t1", minutes: 9), .init(terminal: "t2", minutes: -2)],
            countedTo: november.to)
        let section = Indicators.report(cohort, period: november, rules: rules, today: day("2026-12-15")).section("quality")!
        func pair(_ id: String) -> [Int?] { [section.figure(id)?.count, section.figure(id)?.of ?? nil] }
        #expect(pair("implausible") == [1, 2])                  // 262 is above the plausible 250
        #expect(pair("repeated") == [1, 2])
        #expect(pair("ending_zero") == [4, 8])                  // 120, 80, 120, 80 of the eight values
        #expect(pair("late_entry") == [1, 3])
        #expect(pair("no_bp") == [1, 3])
        #expect(pair("duplicates") == [1, nil])                 // p and q (q registered in November), not s and t
        #expect(pair("clocks") == [1, 2])
    }
}

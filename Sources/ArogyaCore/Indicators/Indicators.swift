/// One figure of a report: what it counts, out of what, and the sentence that defines it.
public struct IndicatorFigure: Sendable, Equatable {
    /// Stable: the JSON and CSV carry it ("hypertension.controlled").
    public let id: String
    public let count: Int
    /// The denominator, when the figure is a share of something.
    public let of: Int?
    public let label: StringKey
    public let definition: StringKey

    public var percent: Double? {
        guard let of, of > 0 else { return nil }
        return Double(count) * 100 / Double(of)
    }
}

public struct IndicatorSection: Sendable, Equatable {
    public let id: String
    public let title: StringKey
    public let figures: [IndicatorFigure]

    public func figure(_ id: String) -> IndicatorFigure? { figures.first { $0.id == self.id + "." + id } }
}

/// One month of the 12-month trend.
public struct IndicatorTrendPoint: Sendable, Equatable {
    /// "2026-11"
    public let month: String
    public let controlled: Int
    /// Known hypertensives counted for control that month (its denominator).
    public let controlOf: Int
    public let screenings: Int
}

public struct IndicatorReport: Sendable, Equatable {
    public let period: IndicatorPeriod
    /// The last day counted: the period's end, or today for a period not over yet.
    public let countedTo: CivilDate
    public let sections: [IndicatorSection]
    public let trend: [IndicatorTrendPoint]
    /// Terminals whose clock was more than 5 minutes off the hub's.
    public let clockOffsets: [IndicatorCohort.ClockOffset]

    public func section(_ id: String) -> IndicatorSection? { sections.first { $0.id == id } }
    public func figure(_ id: String) -> IndicatorFigure? { sections.lazy.flatMap(\.figures).first { $0.id == id } }
}

/// The programme indicators: the NP-NCD screening cascade, hypertension and diabetes control as Simple
/// defines them ("what we report", simpledotorg/docs), a 12-month trend, and the quality of the data.
/// The one definition of each, for the terminal's report and the hub's.
public enum Indicators {
    /// The 3-month window of control and missed visits, in days (Simple's "last 3 months").
    public static let windowDays = 90
    /// Lost to follow-up: no visit in this many days.
    public static let lostDays = 365
    /// A reading typed more than this many days after the visit is a late entry.
    public static let lateEntryDays = 3
    /// A terminal's clock this many minutes off the hub's is reported (and warned of on the Upload screen
    /// and by `sync status`).
    public static let clockToleranceMinutes = 5

    /// Control is counted at the period's last day, or today when the period has not ended yet (a month
    /// under way is counted as it stands, not as if its remaining days had passed without visits).
    public static func report(_ cohort: IndicatorCohort, period requested: IndicatorPeriod, rules: ScreeningProtocol,
                              today: CivilDate) -> IndicatorReport {
        let period = IndicatorPeriod(from: requested.from, to: max(requested.from, min(requested.to, today)))
        let people = Dictionary(cohort.persons.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let control = ControlCounter(cohort: cohort, people: people, rules: rules)
        let months = (0..<12).reversed().map { IndicatorPeriod.month(containing: period.to).adding(months: -$0) }
        // Screenings a month, in one pass: a visit's month is its place among the twelve.
        var screeningsByMonth = [Int](repeating: 0, count: months.count)
        let firstMonth = months[0].from.year * 12 + months[0].from.month
        for visit in cohort.visits where visit.kind == .screening && visit.day <= period.to {
            let index = visit.day.year * 12 + visit.day.month - firstMonth
            if screeningsByMonth.indices.contains(index) { screeningsByMonth[index] += 1 }
        }
        let trend = months.enumerated().map { index, month -> IndicatorTrendPoint in
            let counts = control.hypertension(at: min(month.to, period.to))
            return IndicatorTrendPoint(month: month.label, controlled: counts.controlled, controlOf: counts.denominator,
                                       screenings: screeningsByMonth[index])
        }
        let inPeriod = cohort.visits.filter { period.contains($0.day) }
        return IndicatorReport(
            period: requested,
            countedTo: period.to,
            sections: [cascade(cohort, inPeriod: inPeriod, people: people, period: period, rules: rules),
                       hypertensionSection(control.hypertension(at: period.to)),
                       diabetesSection(control.diabetes(at: period.to)),
                       quality(cohort, inPeriod: inPeriod, period: period, rules: rules)],
            trend: trend,
            clockOffsets: cohort.clockOffsets.filter { abs($0.minutes) > clockToleranceMinutes })
    }

    /// Makes a section's figures, their ids prefixed with the section's.
    struct FigureMaker {
        let section: String

        func callAsFunction(_ id: String, _ count: Int, of: Int?, _ label: StringKey, _ definition: StringKey) -> IndicatorFigure {
            IndicatorFigure(id: section + "." + id, count: count, of: of, label: label, definition: definition)
        }
    }

    // MARK: The screening cascade

    /// Who a cascade step's denominator counts, by sex and age at the period's end.
    enum Denominator {
        case thirty, women30, women30to65

        func counts(_ sex: Sex, age: Int) -> Bool {
            switch self {
            case .thirty: age >= 30
            case .women30: sex == .female && age >= 30
            case .women30to65: sex == .female && (30...65).contains(age)
            }
        }
    }

    static func cascade(_ cohort: IndicatorCohort, inPeriod: [IndicatorCohort.Visit], people: [String: IndicatorCohort.Person],
                        period: IndicatorPeriod, rules: ScreeningProtocol) -> IndicatorSection {
        // Registered by the period's end, or seen in it: a paper form typed up later is of someone who was there.
        let seen = Set(inPeriod.lazy.map(\.patientId))
        let registeredLater = seen.compactMap { people[$0] }.filter { $0.active && $0.registeredOn > period.to }
        func size(_ denominator: Denominator) -> Int {
            cohort.population.reduce(0) { sum, group in
                denominator.counts(group.sex, age: Ages.years(from: group.birthDate, to: period.to)) ? sum + group.count : sum
            } + registeredLater.filter { denominator.counts($0.sex, age: Ages.years(from: $0.birthDate, to: period.to)) }.count
        }
        /// One of the period's people (active; registered by its end or seen in it) counted by the denominator.
        func member(_ id: String, _ denominator: Denominator) -> Bool {
            guard let person = people[id], person.active, person.registeredOn <= period.to || seen.contains(id) else { return false }
            return denominator.counts(person.sex, age: Ages.years(from: person.birthDate, to: period.to))
        }
        let thirtyCount = size(.thirty), women30Count = size(.women30), women30to65Count = size(.women30to65)
        let visits = inPeriod.filter { member($0.patientId, .thirty) }
        func who(_ keep: (IndicatorCohort.Visit) -> Bool) -> Set<String> { Set(visits.filter(keep).map(\.patientId)) }

        let cbac = who { $0.cbacScore != nil }
        var lastScore: [String: Int] = [:]
        for visit in visits { if let score = visit.cbacScore { lastScore[visit.patientId] = score } }
        let priority = Set(lastScore.filter { $0.value > rules.cbac.priorityAbove }.keys)
        let screenings = visits.filter { $0.kind == .screening }
        func screened(_ keep: (IndicatorCohort.Visit) -> Bool) -> Set<String> { Set(screenings.filter(keep).map(\.patientId)) }
        let hypertension = screened { $0.bloodPressure != nil }
        let diabetes = screened { $0.glucose != nil }
        let oral = screened { $0.oralDone }
        let breast = screened { $0.breastDone && member($0.patientId, .women30) }
        let cervical = screened { $0.cervicalDone && member($0.patientId, .women30to65) }
        let refer = rules.bloodPressure.referAt
        let hypertensionPositive = screened { visit in
            visit.bloodPressure.map { $0.systolic >= refer.systolic || $0.diastolic >= refer.diastolic } ?? false
        }
        let diabetesPositive = screened { visit in
            guard let glucose = visit.glucose, let limits = rules.glucose.types[glucose.type] else { return false }
            switch glucose.value {
            case .milligramsPerDecilitre(let value): return value >= limits.referAt
            case .meterHigh: return true
            case .meterLow: return false
            }
        }
        func referred(_ topic: String) -> Set<String> { screened { $0.referredFor.contains(topic) } }
        // An exam's findings are always referred: for the exams, screen-positive is a referral for it.
        let oralPositive = referred("oral").intersection(oral)
        let breastPositive = referred("breast").intersection(breast)
        let cervicalPositive = referred("cervical").intersection(cervical)

        let made = cohort.referrals.filter { period.contains($0.referredOn) && member($0.patientId, .thirty) }
        let reached = made.filter { [.reached, .confirmed, .treatmentStarted].contains($0.outcome) }
        let confirmed = made.filter { $0.outcome?.confirmsCondition ?? false }
        let treated = made.filter { $0.outcome == .treatmentStarted }

        let figure = FigureMaker(section: "cascade")
        return IndicatorSection(id: "cascade", title: .indicatorsCascade, figures: [
            figure("people_30", thirtyCount, of: nil, .indicatorPeople30, .indicatorPeople30Definition),
            figure("cbac_done", cbac.count, of: thirtyCount, .indicatorCbacDone, .indicatorCbacDoneDefinition),
            figure("cbac_priority", priority.count, of: cbac.count, .indicatorCbacPriority, .indicatorCbacPriorityDefinition),
            figure("screened_hypertension", hypertension.count, of: thirtyCount, .indicatorScreenedHypertension, .indicatorScreenedDefinition),
            figure("positive_hypertension", hypertensionPositive.count, of: hypertension.count, .indicatorPositiveHypertension, .indicatorPositiveHypertensionDefinition),
            figure("referred_hypertension", referred("hypertension").intersection(hypertensionPositive).count, of: hypertensionPositive.count,
                   .indicatorReferredHypertension, .indicatorReferredDefinition),
            figure("screened_diabetes", diabetes.count, of: thirtyCount, .indicatorScreenedDiabetes, .indicatorScreenedDefinition),
            figure("positive_diabetes", diabetesPositive.count, of: diabetes.count, .indicatorPositiveDiabetes, .indicatorPositiveDiabetesDefinition),
            figure("referred_diabetes", referred("diabetes").intersection(diabetesPositive).count, of: diabetesPositive.count,
                   .indicatorReferredDiabetes, .indicatorReferredDefinition),
            figure("screened_oral", oral.count, of: thirtyCount, .indicatorScreenedOral, .indicatorScreenedDefinition),
            figure("positive_oral", oralPositive.count, of: oral.count, .indicatorPositiveOral, .indicatorPositiveExamDefinition),
            figure("screened_breast", breast.count, of: women30Count, .indicatorScreenedBreast, .indicatorScreenedBreastDefinition),
            figure("positive_breast", breastPositive.count, of: breast.count, .indicatorPositiveBreast, .indicatorPositiveExamDefinition),
            figure("screened_cervical", cervical.count, of: women30to65Count, .indicatorScreenedCervical, .indicatorScreenedCervicalDefinition),
            figure("positive_cervical", cervicalPositive.count, of: cervical.count, .indicatorPositiveCervical, .indicatorPositiveExamDefinition),
            figure("referrals", made.count, of: nil, .indicatorReferrals, .indicatorReferralsDefinition),
            figure("referral_reached", reached.count, of: made.count, .indicatorReferralReached, .indicatorReferralReachedDefinition),
            figure("referral_confirmed", confirmed.count, of: reached.count, .indicatorReferralConfirmed, .indicatorReferralConfirmedDefinition),
            figure("referral_treated", treated.count, of: confirmed.count, .indicatorReferralTreated, .indicatorReferralTreatedDefinition),
        ])
    }

    // MARK: Control

    /// Known hypertensives (or diabetics) at a day: the denominator, and each state of control. Every
    /// person counted for control is in exactly one of the four states; the lost are counted beside.
    public struct ControlCounts: Sendable, Equatable {
        public var denominator = 0
        public var controlled = 0
        /// Diabetes only: RBS/PPBS 200–299, FBS 126–199.
        public var moderate = 0
        public var notControlled = 0
        public var visitedNoReading = 0
        public var missedVisit = 0
        public var lost = 0
    }

    static func hypertensionSection(_ counts: ControlCounts) -> IndicatorSection {
        let figure = FigureMaker(section: "hypertension")
        let of = counts.denominator
        return IndicatorSection(id: "hypertension", title: .indicatorsHypertension, figures: [
            figure("under_care", of, of: nil, .indicatorHypertensionUnderCare, .indicatorHypertensionUnderCareDefinition),
            figure("controlled", counts.controlled, of: of, .indicatorBpControlled, .indicatorBpControlledDefinition),
            figure("not_controlled", counts.notControlled, of: of, .indicatorBpNotControlled, .indicatorBpNotControlledDefinition),
            figure("visited_no_bp", counts.visitedNoReading, of: of, .indicatorVisitedNoBp, .indicatorVisitedNoBpDefinition),
            figure("missed_visits", counts.missedVisit, of: of, .indicatorMissedVisits, .indicatorMissedVisitsDefinition),
            figure("lost", counts.lost, of: nil, .indicatorLost, .indicatorLostDefinition),
        ])
    }

    static func diabetesSection(_ counts: ControlCounts) -> IndicatorSection {
        let figure = FigureMaker(section: "diabetes")
        let of = counts.denominator
        return IndicatorSection(id: "diabetes", title: .indicatorsDiabetes, figures: [
            figure("under_care", of, of: nil, .indicatorDiabetesUnderCare, .indicatorDiabetesUnderCareDefinition),
            figure("below_200", counts.controlled, of: of, .indicatorSugarControlled, .indicatorSugarControlledDefinition),
            figure("200_299", counts.moderate, of: of, .indicatorSugarModerate, .indicatorSugarModerateDefinition),
            figure("300_plus", counts.notControlled, of: of, .indicatorSugarHigh, .indicatorSugarHighDefinition),
            figure("visited_no_sugar", counts.visitedNoReading, of: of, .indicatorVisitedNoSugar, .indicatorVisitedNoSugarDefinition),
            figure("missed_visits", counts.missedVisit, of: of, .indicatorMissedVisits, .indicatorMissedVisitsDefinition),
            figure("lost", counts.lost, of: nil, .indicatorLost, .indicatorLostDefinition),
        ])
    }

    /// Works out control at any day from each person's visits and referrals.
    struct ControlCounter {
        /// One who is, or becomes, a known patient of a condition within the cohort's visits and referrals.
        struct Candidate {
            let registeredOn: CivilDate
            /// The first day she was known to have it: a visit that knew it (a follow-up visit is for what she
            /// is known to have), or a referral for it confirmed. Known "by a day" is this day, once it has come.
            let knownSince: CivilDate
            /// Her visits, oldest first.
            let visits: [IndicatorCohort.Visit]
        }

        let rules: ScreeningProtocol
        /// Only those who could be known patients of each condition at all are looked at (most of a
        /// facility's people never are).
        let candidates: [KnownCondition: [Candidate]]

        init(cohort: IndicatorCohort, people: [String: IndicatorCohort.Person], rules: ScreeningProtocol) {
            self.rules = rules
            // The first day each was known to have each condition, from the visits (oldest first) and the
            // confirmed referrals; then the visits of only those, by person.
            var since: [KnownCondition: [String: CivilDate]] = [:]
            for visit in cohort.visits where !visit.known.isEmpty {
                for condition in visit.known where since[condition]?[visit.patientId] == nil {
                    since[condition, default: [:]][visit.patientId] = visit.day
                }
            }
            for referral in cohort.referrals where referral.outcome?.confirmsCondition ?? false {
                let on = referral.outcomeOn ?? referral.referredOn
                for condition in KnownCondition.allCases where referral.topics.contains(condition.rawValue) {
                    since[condition, default: [:]][referral.patientId] = min(on, since[condition]?[referral.patientId] ?? on)
                }
            }
            let known = Set(since.values.flatMap(\.keys))
            var visits: [String: [IndicatorCohort.Visit]] = [:]
            for visit in cohort.visits where known.contains(visit.patientId) { visits[visit.patientId, default: []].append(visit) }
            var candidates: [KnownCondition: [Candidate]] = [:]
            for (condition, days) in since {
                candidates[condition] = days.compactMap { id, day in
                    guard let person = people[id], person.active else { return nil }
                    return Candidate(registeredOn: person.registeredOn, knownSince: day, visits: visits[id] ?? [])
                }
            }
            self.candidates = candidates
        }

        func counts(at day: CivilDate, _ condition: KnownCondition,
                    classify: (IndicatorCohort.Visit) -> Classification?) -> ControlCounts {
            var counts = ControlCounts()
            let windowStart = day.adding(days: -Indicators.windowDays)
            let lostBefore = day.adding(days: -Indicators.lostDays)
            for candidate in candidates[condition] ?? [] {
                // In the programme from the later of her registration and the day she was known: counted once
                // she has been in it for the whole window (Simple leaves out the last 3 months' registrations).
                guard max(candidate.registeredOn, candidate.knownSince) <= windowStart else { continue }
                let history = candidate.visits
                // Her visits up to the day: those before the first one after it (they are oldest first).
                var end = history.count
                while end > 0 && history[end - 1].day > day { end -= 1 }
                guard end > 0, history[end - 1].day > lostBefore else {
                    counts.lost += 1
                    continue
                }
                counts.denominator += 1
                var index = end - 1, visitedInWindow = false, reading: Classification?
                while index >= 0 && history[index].day > windowStart {
                    visitedInWindow = true
                    if let found = classify(history[index]) { reading = found; break }
                    index -= 1
                }
                switch reading {
                case .controlled?: counts.controlled += 1
                case .moderate?: counts.moderate += 1
                case .notControlled?: counts.notControlled += 1
                case nil where visitedInWindow: counts.visitedNoReading += 1
                case nil: counts.missedVisit += 1
                }
            }
            return counts
        }

        enum Classification { case controlled, moderate, notControlled }

        func hypertension(at day: CivilDate) -> ControlCounts {
            let below = rules.control.bpBelow
            return counts(at: day, .hypertension) { visit in
                visit.bloodPressure.map { $0.systolic < below.systolic && $0.diastolic < below.diastolic ? .controlled : .notControlled }
            }
        }

        /// Simple's bands: RBS or PPBS below 200, 200–299, 300 and over; FBS below 126, 126–199, 200 and
        /// over. A meter's LO is below the first band, its HI above the last.
        func diabetes(at day: CivilDate) -> ControlCounts {
            counts(at: day, .diabetes) { visit in
                guard let glucose = visit.glucose else { return nil }
                let (first, second): (Double, Double) = glucose.type == .fasting ? (126, 200) : (200, 300)
                switch glucose.value {
                case .meterLow: return .controlled
                case .meterHigh: return .notControlled
                case .milligramsPerDecilitre(let value): return value < first ? .controlled : (value < second ? .moderate : .notControlled)
                }
            }
        }
    }

    // MARK: Data quality

    static func quality(_ cohort: IndicatorCohort, inPeriod visits: [IndicatorCohort.Visit], period: IndicatorPeriod,
                        rules: ScreeningProtocol) -> IndicatorSection {
        let plausible = rules.validation.plausible
        let withReadings = visits.filter { !$0.readings.isEmpty }
        let implausible = withReadings.filter { visit in
            visit.readings.contains { !plausible.systolic.contains($0.systolic) || !plausible.diastolic.contains($0.diastolic) }
        }
        let twice = visits.filter { $0.readings.count >= 2 }
        let repeated = twice.filter { visit in visit.readings.allSatisfy { $0 == visit.readings[0] } }
        let values = withReadings.flatMap { $0.readings.flatMap { [$0.systolic, $0.diastolic] } }
        let zeros = values.filter { $0 % 10 == 0 }.count
        let late = visits.filter { $0.day.days(until: $0.enteredOn) > lateEntryDays }
        let screenings = visits.filter { $0.kind == .screening }
        let noBP = screenings.filter { $0.bloodPressure == nil }
        let figure = FigureMaker(section: "quality")
        return IndicatorSection(id: "quality", title: .indicatorsQuality, figures: [
            figure("implausible", implausible.count, of: withReadings.count, .indicatorImplausible, .indicatorImplausibleDefinition),
            figure("repeated", repeated.count, of: twice.count, .indicatorRepeated, .indicatorRepeatedDefinition),
            figure("ending_zero", zeros, of: values.count, .indicatorEndingZero, .indicatorEndingZeroDefinition),
            figure("late_entry", late.count, of: visits.count, .indicatorLateEntry, .indicatorLateEntryDefinition),
            figure("no_bp", noBP.count, of: screenings.count, .indicatorNoBp, .indicatorNoBpDefinition),
            figure("duplicates", suspectedDuplicates(cohort.persons, registeredIn: period), of: nil, .indicatorDuplicates, .indicatorDuplicatesDefinition),
            figure("clocks", cohort.clockOffsets.filter { abs($0.minutes) > clockToleranceMinutes }.count, of: cohort.clockOffsets.count,
                   .indicatorClocks, .indicatorClocksDefinition),
        ])
    }

    /// Pairs of active records with the same mobile, sex and first name, born within two years of each
    /// other, at least one of them registered in the period: the duplicates the period's work made.
    static func suspectedDuplicates(_ persons: [IndicatorCohort.Person], registeredIn period: IndicatorPeriod) -> Int {
        struct Key: Hashable { let mobile: String; let sex: Sex; let firstName: String }
        var groups: [Key: [IndicatorCohort.Person]] = [:]
        var seen = Set<String>()
        for person in persons where person.active {
            // A person may be given more than once (once for her visits, once with her mobile).
            guard let mobile = person.mobile, seen.insert(person.id).inserted else { continue }
            groups[Key(mobile: mobile, sex: person.sex, firstName: person.firstNameKey), default: []].append(person)
        }
        var pairs = 0
        for group in groups.values where group.count > 1 && group.contains(where: { period.contains($0.registeredOn) }) {
            for (index, first) in group.enumerated() {
                for second in group[(index + 1)...] where abs(first.birthDate.year - second.birthDate.year) <= 2
                    && (period.contains(first.registeredOn) || period.contains(second.registeredOn)) { pairs += 1 }
            }
        }
        return pairs
    }
}

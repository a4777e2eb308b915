/// What the programme indicators are counted from, as plain values: the terminal builds it from its
/// tables and the hub from the records the facilities uploaded, and both hand it to `Indicators`, so each
/// indicator has one definition.
public struct IndicatorCohort: Sendable {
    /// Active people registered on or before the counted period's last day, counted by sex and birth
    /// date: the cascade's denominators, without a row for each of a facility's people.
    public struct PopulationGroup: Sendable, Equatable {
        public let sex: Sex
        public let birthDate: CivilDate
        public let count: Int

        public init(sex: Sex, birthDate: CivilDate, count: Int) {
            self.sex = sex
            self.birthDate = birthDate
            self.count = count
        }
    }

    /// One person the counting must know by id: at least everyone `needsPerson` says a visit or a
    /// referral of the cohort needs, and, for the suspected-duplicate count, the period's registrations that
    /// share a mobile with another active record, with those records. More may be given (the hub gives all).
    public struct Person: Sendable {
        public let id: String
        public let sex: Sex
        public let birthDate: CivilDate
        public let registeredOn: CivilDate
        /// Not dead, moved away or merged into another record.
        public let active: Bool
        /// For the suspected-duplicate count: her mobile and the key of her first name (nil when she is not
        /// one of those the count compares).
        public let mobile: String?
        public let firstNameKey: String

        public init(id: String, sex: Sex, birthDate: CivilDate, registeredOn: CivilDate, active: Bool, mobile: String?, firstNameKey: String) {
            self.id = id
            self.sex = sex
            self.birthDate = birthDate
            self.registeredOn = registeredOn
            self.active = active
            self.mobile = mobile
            self.firstNameKey = firstNameKey
        }
    }

    /// A class, not a struct: the counting groups and filters hundreds of thousands of these, and a copy of
    /// a reference is one retain where a copy of the struct was one for each of its strings, sets and arrays.
    public final class Visit: Sendable {
        public let patientId: String
        public let day: CivilDate
        /// The day it was typed in (the first save), for late entry.
        public let enteredOn: CivilDate
        public let kind: ScreeningVisit.Kind
        /// The mean of the readings, and the readings as typed.
        public let bloodPressure: PressurePair?
        public let readings: [PressurePair]
        public let glucose: GlucoseReading?
        public let cbacScore: Int?
        public let oralDone: Bool
        public let breastDone: Bool
        public let cervicalDone: Bool
        /// Conditions she was known to have at the visit.
        public let known: Set<KnownCondition>
        /// The topics ("hypertension", "oral", …) of the referrals it made and still stands by.
        public let referredFor: Set<String>

        public init(patientId: String, day: CivilDate, enteredOn: CivilDate, kind: ScreeningVisit.Kind, bloodPressure: PressurePair?,
                    readings: [PressurePair], glucose: GlucoseReading?, cbacScore: Int?, oralDone: Bool, breastDone: Bool,
                    cervicalDone: Bool, known: Set<KnownCondition>, referredFor: Set<String>) {
            self.patientId = patientId
            self.day = day
            self.enteredOn = enteredOn
            self.kind = kind
            self.bloodPressure = bloodPressure
            self.readings = readings
            self.glucose = glucose
            self.cbacScore = cbacScore
            self.oralDone = oralDone
            self.breastDone = breastDone
            self.cervicalDone = cervicalDone
            self.known = known
            self.referredFor = referredFor
        }
    }

    public struct Referral: Sendable {
        public let patientId: String
        public let topics: Set<String>
        public let referredOn: CivilDate
        public let outcome: ReferralOutcome?
        public let outcomeOn: CivilDate?

        public init(patientId: String, topics: Set<String>, referredOn: CivilDate, outcome: ReferralOutcome?, outcomeOn: CivilDate?) {
            self.patientId = patientId
            self.topics = topics
            self.referredOn = referredOn
            self.outcome = outcome
            self.outcomeOn = outcomeOn
        }
    }

    /// A terminal whose clock differed from the hub's at its last sync, by this many minutes (+ ahead).
    public struct ClockOffset: Sendable, Equatable {
        public let terminal: String
        public let minutes: Int

        public init(terminal: String, minutes: Int) {
            self.terminal = terminal
            self.minutes = minutes
        }
    }

    public var population: [PopulationGroup]
    public var persons: [Person]
    /// Every visit from `earliestVisitDay` to the period's end, oldest first.
    public var visits: [Visit]
    public var referrals: [Referral]
    public var clockOffsets: [ClockOffset]

    public init(population: [PopulationGroup], persons: [Person], visits: [Visit], referrals: [Referral], clockOffsets: [ClockOffset] = []) {
        self.population = population
        self.persons = persons
        self.visits = Self.byDay(visits)
        self.referrals = referrals
        self.clockOffsets = clockOffsets
    }

    /// Whether the counting reads the person a visit names: a visit of the counted period (the cascade
    /// counts her by age and sex) or one that knew a condition (control counts her from her registration).
    /// Other visits (earlier screenings of people never known to have anything) are only counted.
    public static func needsPerson(of visit: Visit, countedPeriod period: IndicatorPeriod) -> Bool {
        period.contains(visit.day) || !visit.known.isEmpty
    }

    /// Likewise for a referral: one made in the period, or one whose confirmation made her a known patient.
    public static func needsPerson(of referral: Referral, countedPeriod period: IndicatorPeriod) -> Bool {
        period.contains(referral.referredOn) || (referral.outcome?.confirmsCondition ?? false)
    }

    /// The visits oldest first, each day's in the order given: counted into one bucket a day, since a
    /// report's two years are a few hundred days and a comparison sort of a few hundred thousand visits
    /// costs more than the counting that follows.
    static func byDay(_ visits: [Visit]) -> [Visit] {
        guard let first = visits.first else { return [] }
        var days = [Int](repeating: 0, count: visits.count)
        var earliest = first.day.daysSince1970, latest = earliest
        for (index, visit) in visits.enumerated() {
            let day = visit.day.daysSince1970
            days[index] = day
            earliest = min(earliest, day)
            latest = max(latest, day)
        }
        var starts = [Int](repeating: 0, count: latest - earliest + 2)
        for day in days { starts[day - earliest + 1] += 1 }
        for bucket in 1..<starts.count { starts[bucket] += starts[bucket - 1] }
        var sorted = [Visit?](repeating: nil, count: visits.count)
        for (index, visit) in visits.enumerated() {
            let bucket = days[index] - earliest
            sorted[starts[bucket]] = visit
            starts[bucket] += 1
        }
        return sorted.map { $0! }
    }

    /// The ids of the people `needsPerson` names, sorted, as a JSON array: what a store looks up in one
    /// statement (`json_each`), in id order.
    public static func neededIds(visits: [Visit], referrals: [Referral], countedPeriod period: IndicatorPeriod) -> String {
        var named = Set<String>()
        for visit in visits where needsPerson(of: visit, countedPeriod: period) { named.insert(visit.patientId) }
        for referral in referrals where needsPerson(of: referral, countedPeriod: period) { named.insert(referral.patientId) }
        return JSONValue.array(named.sorted().map(JSONValue.string)).serialized(pretty: false)
    }

    /// A cohort from every person of a place, its population counted from them for a period whose
    /// counted last day is `countedTo`.
    public init(everyone persons: [Person], visits: [Visit], referrals: [Referral], clockOffsets: [ClockOffset] = [], countedTo: CivilDate) {
        self.init(population: Self.population(of: persons, registeredBy: countedTo), persons: persons, visits: visits,
                  referrals: referrals, clockOffsets: clockOffsets)
    }

    /// The active among `persons` registered on or before `day`, by sex and birth date.
    public static func population(of persons: [Person], registeredBy day: CivilDate) -> [PopulationGroup] {
        struct Key: Hashable { let sex: Sex; let born: CivilDate }
        var counts: [Key: Int] = [:]
        for person in persons where person.active && person.registeredOn <= day {
            counts[Key(sex: person.sex, born: person.birthDate), default: 0] += 1
        }
        return counts.map { PopulationGroup(sex: $0.key.sex, birthDate: $0.key.born, count: $0.value) }
    }

    /// Several places' cohorts as one (the hub's block): their people are not shared, so each part adds up.
    public static func union(_ parts: [IndicatorCohort]) -> IndicatorCohort {
        IndicatorCohort(population: parts.flatMap(\.population), persons: parts.flatMap(\.persons), visits: parts.flatMap(\.visits),
                        referrals: parts.flatMap(\.referrals), clockOffsets: parts.flatMap(\.clockOffsets))
    }

    /// The first day whose visits the indicators of a period ending on `end` read: the trend's first
    /// month, and the year before it that tells who was lost to follow-up.
    public static func earliestVisitDay(forPeriodEnding end: CivilDate) -> CivilDate {
        IndicatorPeriod.month(containing: end).adding(months: -11).from.adding(days: -(Indicators.lostDays + 1))
    }
}

/// The days an indicator report covers, both included.
public struct IndicatorPeriod: Sendable, Equatable {
    public let from: CivilDate
    public let to: CivilDate

    public init(from: CivilDate, to: CivilDate) {
        self.from = min(from, to)
        self.to = max(from, to)
    }

    /// The calendar month a day falls in.
    public static func month(containing day: CivilDate) -> IndicatorPeriod {
        let first = CivilDate(year: day.year, month: day.month, day: 1)!
        let next = first.month == 12 ? CivilDate(year: first.year + 1, month: 1, day: 1)! : CivilDate(year: first.year, month: first.month + 1, day: 1)!
        return IndicatorPeriod(from: first, to: next.adding(days: -1))
    }

    /// "2026-11" read as that month.
    public static func month(_ text: String) -> IndicatorPeriod? {
        let parts = text.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let year = Int(parts[0]), let month = Int(parts[1]),
              let first = CivilDate(year: year, month: month, day: 1) else { return nil }
        return Self.month(containing: first)
    }

    /// The month `months` before (negative) or after this period's first month.
    public func adding(months: Int) -> IndicatorPeriod {
        let index = from.year * 12 + (from.month - 1) + months
        return Self.month(containing: CivilDate(year: index / 12, month: index % 12 + 1, day: 1)!)
    }

    public func contains(_ day: CivilDate) -> Bool { from <= day && day <= to }

    /// "2026-11" for a calendar month, else "2026-11-01..2026-11-20".
    public var label: String {
        if self == Self.month(containing: from) { return String(from.iso8601.prefix(7)) }
        return from.iso8601 + ".." + to.iso8601
    }
}

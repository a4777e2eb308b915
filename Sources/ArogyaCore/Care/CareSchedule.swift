/// What a person is due for, and from when: the screenings whose interval has passed (or that she has never
/// had since reaching the age), a follow-up visit she missed, a referral with no outcome.
///
/// Pure: the store keeps the result per patient (`care_due`) and recomputes it whenever her record, her
/// screenings or her referrals change, so that the due list is an index range rather than a computation
/// over every patient.
public enum CareItem: String, CaseIterable, Hashable, Sendable, Comparable {
    case hypertension, diabetes, oral, breast, cervical
    case followUp = "follow_up"
    case referral

    public static func < (lhs: CareItem, rhs: CareItem) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    public var exam: Exam? {
        switch self {
        case .oral: return .oral
        case .breast: return .breast
        case .cervical: return .cervical
        default: return nil
        }
    }
}

/// How pressing a due item is. The due list shows urgent first, then follow-ups and referrals, then routine
/// screenings; within each, the longest overdue first.
public enum CareTier: Int, CaseIterable, Comparable, Sendable {
    case urgent = 0
    case followUp = 1
    case screening = 2

    public static func < (lhs: CareTier, rhs: CareTier) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The facts about one person that the schedule needs, gathered by the store.
public struct CareHistory: Hashable, Sendable {
    public var birthDate: CivilDate
    public var sex: Sex
    public var registeredOn: CivilDate
    public var known: Set<KnownCondition>
    /// The last day each was done: BP measured, glucose tested, the exam recorded (not "not done").
    public var lastDone: [CareItem: CivilDate]
    /// The next visit the last screening or follow-up asked for, when sooner than the routine interval.
    public var followUpOn: CivilDate?
    public var openReferrals: [OpenReferral]
    /// For sex "other": the exams the worker chose last time.
    public var examsChosen: Set<Exam>

    public init(birthDate: CivilDate, sex: Sex, registeredOn: CivilDate, known: Set<KnownCondition> = [],
                lastDone: [CareItem: CivilDate] = [:], followUpOn: CivilDate? = nil, openReferrals: [OpenReferral] = [],
                examsChosen: Set<Exam> = []) {
        self.birthDate = birthDate
        self.sex = sex
        self.registeredOn = registeredOn
        self.known = known
        self.lastDone = lastDone
        self.followUpOn = followUpOn
        self.openReferrals = openReferrals
        self.examsChosen = examsChosen
    }

    public struct OpenReferral: Hashable, Sendable {
        /// The day it was made, or the day she was last found not to have gone.
        public var since: CivilDate
        public var urgent: Bool

        public init(since: CivilDate, urgent: Bool) {
            self.since = since
            self.urgent = urgent
        }
    }
}

/// The day each item falls due. An item absent from `items` is not due at any time (not eligible, or the
/// eligible ages end before it would fall due).
public struct CareDue: Hashable, Sendable {
    public var items: [CareItem: CivilDate]
    /// True when the earliest open referral is urgent.
    public var referralUrgent: Bool

    public init(items: [CareItem: CivilDate] = [:], referralUrgent: Bool = false) {
        self.items = items
        self.referralUrgent = referralUrgent
    }

    public func tier(of item: CareItem) -> CareTier {
        switch item {
        case .referral: return referralUrgent ? .urgent : .followUp
        case .followUp: return .followUp
        default: return .screening
        }
    }

    /// The earliest day of each tier; the store indexes these three.
    public func earliest(_ tier: CareTier) -> CivilDate? {
        items.filter { self.tier(of: $0.key) == tier }.values.min()
    }

    /// Items due on `day`, most pressing first.
    public func due(on day: CivilDate) -> [(item: CareItem, since: CivilDate)] {
        items.filter { $0.value <= day }
            .map { (item: $0.key, since: $0.value) }
            .sorted { (tier(of: $0.item), $0.item) < (tier(of: $1.item), $1.item) }
    }
}

public enum CareSchedule {
    public static func due(_ history: CareHistory, protocol rules: ScreeningProtocol) -> CareDue {
        var due = CareDue()
        let startScreening = history.birthDate.adding(years: rules.cbac.minAge)
        for (item, condition, years) in [(CareItem.hypertension, KnownCondition.hypertension, rules.intervals.hypertensionYears),
                                         (.diabetes, .diabetes, rules.intervals.diabetesYears)] {
            // A diagnosed person is followed up, not screened.
            if history.known.contains(condition) { continue }
            due.items[item] = dueDate(last: history.lastDone[item], every: years, startsOn: startScreening,
                                      endsBefore: nil, registeredOn: history.registeredOn)
        }
        for exam in Exam.allCases {
            let rule = rules.examRules(exam)
            let applies = history.sex == .other ? history.examsChosen.contains(exam) : rule.sexes.contains(history.sex)
            guard applies else { continue }
            let item = CareItem.allCases.first { $0.exam == exam }!
            due.items[item] = dueDate(last: history.lastDone[item], every: rules.interval(exam),
                                      startsOn: history.birthDate.adding(years: rule.minAge),
                                      endsBefore: rule.maxAge.map { history.birthDate.adding(years: $0 + 1) },
                                      registeredOn: history.registeredOn)
        }
        if let followUpOn = history.followUpOn { due.items[.followUp] = followUpOn }
        if let first = history.openReferrals.min(by: { ($0.urgent ? 0 : 1, $0.since) < ($1.urgent ? 0 : 1, $1.since) }) {
            let wait = first.urgent ? rules.followUpDays.urgent : rules.followUpDays.refer
            due.items[.referral] = first.since.adding(days: wait)
            due.referralUrgent = first.urgent
        }
        return due
    }

    /// The interval after the last time; never done, from the start age or from registration if later
    /// (she could not have been screened here before she was registered); nothing once the ages end.
    static func dueDate(last: CivilDate?, every years: Int, startsOn: CivilDate, endsBefore: CivilDate?,
                        registeredOn: CivilDate) -> CivilDate? {
        let date = last.map { max($0.adding(years: years), startsOn) } ?? max(startsOn, registeredOn)
        if let endsBefore, date >= endsBefore { return nil }
        return date
    }
}

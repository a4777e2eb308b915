/// Whether a known hypertensive's BP is under control, as the programme counts it: controlled when the
/// last BP within the protocol's window (3 months) is below 140/90.
public enum ControlStatus: String, Hashable, Sendable {
    case controlled
    case uncontrolled
    /// No BP measured within the window: a missed visit.
    case noRecentReading = "no_recent_reading"

    public static func of(lastReading: (day: CivilDate, mean: PressurePair)?, today: CivilDate,
                          rules: ControlRules) -> ControlStatus {
        guard let lastReading, lastReading.day.days(until: today) <= rules.withinDays else { return .noRecentReading }
        let mean = lastReading.mean
        return mean.systolic < rules.bpBelow.systolic && mean.diastolic < rules.bpBelow.diastolic ? .controlled : .uncontrolled
    }
}

/// What became of a referral, recorded from the patient's card.
public enum ReferralOutcome: String, CaseIterable, Hashable, Sendable {
    /// She went to the place.
    case reached
    /// The doctor confirmed the condition.
    case confirmed
    case treatmentStarted = "treatment_started"
    /// She did not go (yet): the referral stays open and comes due again.
    case notReached = "not_reached"

    /// Whether the referral still waits for her to go.
    public var keepsReferralOpen: Bool { self == .notReached }

    /// Whether the doctor found the condition referred for: from then she is a known patient of it.
    public var confirmsCondition: Bool { self == .confirmed || self == .treatmentStarted }
}

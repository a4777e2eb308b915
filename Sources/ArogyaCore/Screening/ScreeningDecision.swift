/// What the engine concluded about one screening.
public struct ScreeningDecision: Hashable, Sendable {
    public let protocolID: String
    public let protocolVersion: String
    public var cbacScore: Int?
    public var cbacPriority: Bool?
    public var phq2Total: Int?
    public var phq2Refer: Bool?
    public var bloodPressure: BloodPressureDecision?
    public var glucose: GlucoseDecision?
    public var oral: ExamDecision
    public var breast: ExamDecision
    public var cervical: ExamDecision
    /// Urgent first, then referrals, then notes; in the order found within each.
    public var reasons: [ScreeningReason]
    /// One per place, urgent first.
    public var referrals: [Referral]
    public var followUpDays: Int
    public var bodyMassIndex: Double?

    public var refer: Bool { !referrals.isEmpty }
    /// What this screening could not judge for want of a reading: it is incomplete, whatever else it found.
    public var notScreened: [UnscreenedCondition] {
        reasons.compactMap { if case .notScreened(let condition) = $0.kind { return condition } else { return nil } }
    }
    public var urgent: Bool { referrals.contains(where: \.urgent) }

    public func exam(_ exam: Exam) -> ExamDecision {
        switch exam {
        case .oral: return oral
        case .breast: return breast
        case .cervical: return cervical
        }
    }
}

public enum BloodPressureCategory: String, CaseIterable, Hashable, Sendable {
    case low, normal, high
    case veryHigh = "very_high"
}

public struct BloodPressureDecision: Hashable, Sendable {
    /// The means of the readings, rounded half up.
    public let mean: PressurePair
    public let category: BloodPressureCategory
    public let refer: Bool
    public let urgent: Bool
}

public enum GlucoseCategory: String, CaseIterable, Hashable, Sendable {
    case low, normal, impaired, high
    case veryHigh = "very_high"
}

public struct GlucoseDecision: Hashable, Sendable {
    public let category: GlucoseCategory
    public let refer: Bool
    public let urgent: Bool
}

public struct ExamDecision: Hashable, Sendable {
    /// Offered and counted as due by age, sex and (for sex "other") the worker's choice.
    public let eligible: Bool
    public let refer: Bool
    public let urgent: Bool
}

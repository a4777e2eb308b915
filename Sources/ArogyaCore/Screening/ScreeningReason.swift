/// How much a reason demands. Lists show urgent reasons first.
public enum ReasonSeverity: Int, Comparable, Hashable, Sendable {
    case urgent = 0
    case refer = 1
    /// Worth saying, asks for no referral: a CBAC priority, a controlled BP, a deferred VIA.
    case note = 2

    public static func < (lhs: ReasonSeverity, rhs: ReasonSeverity) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One decision of the engine with the rule and the values behind it. The sentence is made by
/// `ScreeningReasonText`, so the engine holds no text and each language words it its own way.
public struct ScreeningReason: Hashable, Sendable {
    public let severity: ReasonSeverity
    /// The referral place code, when the reason asks for a referral.
    public let place: String?
    public let kind: Kind

    public init(_ severity: ReasonSeverity, place: String? = nil, _ kind: Kind) {
        self.severity = severity
        self.place = place
        self.kind = kind
    }

    public enum Kind: Hashable, Sendable {
        case bloodPressureHigh(mean: PressurePair, limit: PressurePair)
        case bloodPressureVeryHigh(mean: PressurePair, limit: PressurePair)
        case bloodPressureInPregnancy(mean: PressurePair, limit: PressurePair)
        case bloodPressureWithSymptom(mean: PressurePair, limit: PressurePair, symptom: String)
        case bloodPressureLow(systolic: Int, limit: Int)
        case bloodPressureUncontrolled(mean: PressurePair, limit: PressurePair)
        case bloodPressureControlled(mean: PressurePair, limit: PressurePair)
        case glucoseLow(GlucoseTestType, value: Double, limit: Double)
        case glucoseMeterLow(GlucoseTestType)
        case glucoseMeterHigh(GlucoseTestType)
        case glucoseVeryHigh(GlucoseTestType, value: Double, limit: Double)
        case glucoseHighlySuggestive(GlucoseTestType, value: Double, limit: Double)
        case glucoseHigh(GlucoseTestType, value: Double, limit: Double)
        case glucoseImpaired(GlucoseTestType, value: Double, from: Double, below: Double)
        case glucoseUncontrolled(GlucoseTestType, value: Double, limit: Double)
        case glucoseControlled(GlucoseTestType, value: Double, limit: Double)
        case cbacPriority(score: Int, above: Int)
        case depression(total: Int, limit: Int)
        case symptom(code: String)
        case examFindings(Exam, codes: [String])
        case viaPositive
        case viaSuspicious
        case viaDeferred(ExamSkipReason?)
        case examNotDone(Exam, ExamSkipReason?)
        /// BP or glucose not measured at a screening that should have measured it.
        case notScreened(UnscreenedCondition)
    }
}

/// A place the person must go, with whether it is urgent. Several reasons may share one referral.
public struct Referral: Hashable, Sendable {
    public let place: String
    public let urgent: Bool
    /// The reasons that ask for it, as positions in the decision's `reasons`.
    public let reasonIndices: [Int]
}

extension ScreeningReason {
    /// What the reason is about, for grouping referrals and counting: `hypertension`, `diabetes`, a symptom's
    /// group (`tb`, `leprosy`, `oral`…), an exam, or `mental_health`. A referral confirmed for `hypertension`
    /// or `diabetes` makes the condition known.
    public func topic(in rules: ScreeningProtocol) -> String {
        switch kind {
        case .bloodPressureHigh, .bloodPressureVeryHigh, .bloodPressureInPregnancy, .bloodPressureWithSymptom,
             .bloodPressureLow, .bloodPressureUncontrolled, .bloodPressureControlled:
            return KnownCondition.hypertension.rawValue
        case .glucoseLow, .glucoseMeterLow, .glucoseMeterHigh, .glucoseVeryHigh, .glucoseHighlySuggestive, .glucoseHigh,
             .glucoseImpaired, .glucoseUncontrolled, .glucoseControlled:
            return KnownCondition.diabetes.rawValue
        case .cbacPriority: return "cbac"
        case .depression: return "mental_health"
        case .symptom(let code): return rules.symptomsByCode[code]?.exam?.rawValue ?? rules.symptomsByCode[code]?.group ?? code
        case .examFindings(let exam, _), .examNotDone(let exam, _): return exam.rawValue
        case .viaPositive, .viaSuspicious, .viaDeferred: return Exam.cervical.rawValue
        case .notScreened(let condition): return condition.rawValue
        }
    }
}

/// A condition a screening is for but could not judge, because its reading was not taken.
public enum UnscreenedCondition: String, CaseIterable, Hashable, Sendable {
    /// No BP reading.
    case hypertension
    /// No blood glucose.
    case diabetes
}

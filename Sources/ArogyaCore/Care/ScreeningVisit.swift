/// A screening, or a follow-up visit of a known hypertensive or diabetic, ready to be saved.
public struct ScreeningVisit: Hashable, Sendable {
    public enum Kind: String, CaseIterable, Hashable, Sendable {
        case screening
        case followUp = "follow_up"
    }

    public var patientId: String
    public var kind: Kind
    /// The local day it was done.
    public var day: CivilDate
    public var input: ScreeningInput
    /// Follow-up visits: the medicines given, as written on the card ("Amlodipine 5 mg, 30 tablets").
    public var medicines: String?
    public var adherence: Adherence?

    public init(patientId: String, kind: Kind, day: CivilDate, input: ScreeningInput, medicines: String? = nil,
                adherence: Adherence? = nil) {
        self.patientId = patientId
        self.kind = kind
        self.day = day
        self.input = input
        self.medicines = medicines
        self.adherence = adherence
    }
}

/// How a known patient has taken her medicines since the last visit.
public enum Adherence: String, CaseIterable, Hashable, Sendable {
    case regular
    case missedSome = "missed_some"
    case stopped
}

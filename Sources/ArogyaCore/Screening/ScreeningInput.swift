/// Everything a screening records about one person on one day: the engine's input.
///
/// Optional parts are the ones not done; an absent part is not judged and not reported.
public struct ScreeningInput: Hashable, Sendable {
    public var sex: Sex
    /// Completed years on the day of the screening.
    public var age: Int
    public var pregnant: Bool
    public var known: Set<KnownCondition>
    public var cbac: CBACAnswers?
    /// Symptom codes answered yes, in CBAC parts B1, B2, B3 and C.
    public var symptoms: [String]
    /// The two PHQ-2 answers, each 0–3.
    public var phq2: PHQ2Answers?
    /// Up to the protocol's `max_readings`, in the order taken.
    public var bloodPressure: [PressurePair]
    public var glucose: GlucoseReading?
    public var oral: ExamOutcome?
    public var breast: ExamOutcome?
    public var via: VIAResult?
    /// Why an exam was not done or VIA deferred.
    public var skipReasons: [Exam: ExamSkipReason]
    /// For sex "other": the examinations the worker chose as applying. Ignored for other sexes.
    public var examsChosen: Set<Exam>
    public var heightCm: Double?
    public var weightKg: Double?
    public var pulsePerMinute: Int?

    public init(sex: Sex, age: Int, pregnant: Bool = false, known: Set<KnownCondition> = [], cbac: CBACAnswers? = nil,
                symptoms: [String] = [], phq2: PHQ2Answers? = nil, bloodPressure: [PressurePair] = [],
                glucose: GlucoseReading? = nil, oral: ExamOutcome? = nil, breast: ExamOutcome? = nil,
                via: VIAResult? = nil, skipReasons: [Exam: ExamSkipReason] = [:], examsChosen: Set<Exam> = [],
                heightCm: Double? = nil, weightKg: Double? = nil, pulsePerMinute: Int? = nil) {
        self.sex = sex
        self.age = age
        self.pregnant = pregnant
        self.known = known
        self.cbac = cbac
        self.symptoms = symptoms
        self.phq2 = phq2
        self.bloodPressure = bloodPressure
        self.glucose = glucose
        self.oral = oral
        self.breast = breast
        self.via = via
        self.skipReasons = skipReasons
        self.examsChosen = examsChosen
        self.heightCm = heightCm
        self.weightKg = weightKg
        self.pulsePerMinute = pulsePerMinute
    }

    /// Body-mass index to one decimal, when height and weight are both known.
    public var bodyMassIndex: Double? {
        guard let heightCm, let weightKg, heightCm > 0 else { return nil }
        let metres = heightCm / 100
        return (weightKg / (metres * metres) * 10).rounded() / 10
    }
}

/// CBAC Part A answers other than age, which comes from the date of birth. Unanswered items score nothing.
public struct CBACAnswers: Hashable, Sendable {
    public var tobacco: TobaccoUse?
    public var alcoholDaily: Bool?
    public var waistCm: Double?
    /// At least 150 minutes of physical activity a week.
    public var activity150: Bool?
    public var familyHistory: Bool?

    public init(tobacco: TobaccoUse? = nil, alcoholDaily: Bool? = nil, waistCm: Double? = nil,
                activity150: Bool? = nil, familyHistory: Bool? = nil) {
        self.tobacco = tobacco
        self.alcoholDaily = alcoholDaily
        self.waistCm = waistCm
        self.activity150 = activity150
        self.familyHistory = familyHistory
    }

    public var isComplete: Bool {
        tobacco != nil && alcoholDaily != nil && waistCm != nil && activity150 != nil && familyHistory != nil
    }
}

public struct PHQ2Answers: Hashable, Sendable {
    /// Little interest or pleasure in doing things.
    public var interest: Int
    /// Feeling down, depressed or hopeless.
    public var mood: Int

    public init(interest: Int, mood: Int) {
        self.interest = interest
        self.mood = mood
    }

    public var total: Int { interest + mood }
}

public enum GlucoseValue: Hashable, Sendable {
    case milligramsPerDecilitre(Double)
    /// The glucometer showed LO: below what it can measure, so dangerously low.
    case meterLow
    /// The glucometer showed HI: above what it can measure, so dangerously high.
    case meterHigh
}

public struct GlucoseReading: Hashable, Sendable {
    public var type: GlucoseTestType
    public var value: GlucoseValue

    public init(type: GlucoseTestType, value: GlucoseValue) {
        self.type = type
        self.value = value
    }
}

/// The result of an oral or breast examination.
public enum ExamOutcome: Hashable, Sendable {
    case normal
    /// Finding codes from the protocol, in the order chosen.
    case findings([String])
    case notDone
}

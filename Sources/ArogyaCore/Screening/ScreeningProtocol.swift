/// A screening protocol: the scoring tables, thresholds, eligibility, referral places and validation ranges
/// that the engine applies, read from a file under `assets/protocols/`.
///
/// Nothing clinical is written in code: a state that prints a different CBAC age table, or refers at a
/// different glucose level, changes its file. Each saved screening keeps `id` and `version`.
public struct ScreeningProtocol: Hashable, Sendable {
    public let id: String
    public let version: String
    /// State codes (`MH`, `UP`) that use this file; empty for the national file, which any state falls back to.
    public let states: [String]
    /// Where the file was read from, for messages.
    public let source: String
    /// Referral places by code (`mo_phc`), named in the file so that a state can add its own.
    public let places: [String: LocalizedText]
    public let cbac: CBACRules
    public let phq2: PHQ2Rules
    /// In the order the form asks them.
    public let symptoms: [SymptomDefinition]
    public let bloodPressure: BloodPressureRules
    public let glucose: GlucoseRules
    public let oral: ExamRules
    public let breast: ExamRules
    public let cervical: CervicalRules
    public let intervals: ScreeningIntervals
    public let followUpDays: FollowUpDays
    public let control: ControlRules
    public let validation: ValidationRanges

    public let symptomsByCode: [String: SymptomDefinition]

    public init(id: String, version: String, states: [String], source: String, places: [String: LocalizedText],
                cbac: CBACRules, phq2: PHQ2Rules, symptoms: [SymptomDefinition], bloodPressure: BloodPressureRules,
                glucose: GlucoseRules, oral: ExamRules, breast: ExamRules, cervical: CervicalRules,
                intervals: ScreeningIntervals, followUpDays: FollowUpDays, control: ControlRules,
                validation: ValidationRanges) {
        self.id = id
        self.version = version
        self.states = states
        self.source = source
        self.places = places
        self.cbac = cbac
        self.phq2 = phq2
        self.symptoms = symptoms
        self.bloodPressure = bloodPressure
        self.glucose = glucose
        self.oral = oral
        self.breast = breast
        self.cervical = cervical
        self.intervals = intervals
        self.followUpDays = followUpDays
        self.control = control
        self.validation = validation
        self.symptomsByCode = Dictionary(symptoms.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func examRules(_ exam: Exam) -> EligibilityRule {
        switch exam {
        case .oral: return oral.eligibility
        case .breast: return breast.eligibility
        case .cervical: return cervical.eligibility
        }
    }

    public func interval(_ exam: Exam) -> Int {
        switch exam {
        case .oral: return oral.intervalYears
        case .breast: return breast.intervalYears
        case .cervical: return cervical.intervalYears
        }
    }

    public func placeName(_ code: String, language: String) -> String {
        places[code]?.text(language) ?? code
    }

    /// The symptoms the form shows a person: B2 only to women (and to sex "other"), B3 only from the elderly age.
    /// The engine still acts on any symptom it is given.
    public func symptomsShown(sex: Sex, age: Int) -> [SymptomDefinition] {
        symptoms.filter { $0.applies(sex: sex, age: age) }
    }
}

public struct AgeBand: Hashable, Sendable {
    public let minAge: Int
    public let points: Int
}

public struct WaistBand: Hashable, Sendable {
    /// Inclusive upper limit; nil for the last, open band.
    public let maxCm: Double?
    public let points: Int
}

public struct CBACRules: Hashable, Sendable {
    /// Which of `ageBands` this protocol uses ("A", "B", "C"): the CBAC prints differ by year and state.
    public let ageVersion: String
    public let ageBands: [String: [AgeBand]]
    public let tobaccoPoints: [TobaccoUse: Int]
    public let alcoholDailyPoints: Int
    public let waistBands: [Sex: [WaistBand]]
    public let inactivityPoints: Int
    public let familyHistoryPoints: Int
    /// A score above this marks the person as a priority (the form's "score above 4").
    public let priorityAbove: Int
    /// CBAC is filled for everyone from this age.
    public let minAge: Int
    /// Part B3 is asked from this age.
    public let elderlyMinAge: Int

    public var activeAgeBands: [AgeBand] { ageBands[ageVersion] ?? [] }

    public func agePoints(_ age: Int) -> Int {
        activeAgeBands.last { age >= $0.minAge }?.points ?? 0
    }

    public func waistPoints(_ centimetres: Double, sex: Sex) -> Int {
        let bands = waistBands[sex] ?? []
        return (bands.first { band in band.maxCm.map { centimetres <= $0 } ?? true } ?? bands.last)?.points ?? 0
    }

    /// The highest total the tables allow.
    public var maximumScore: Int {
        (activeAgeBands.map(\.points).max() ?? 0)
            + (tobaccoPoints.values.max() ?? 0)
            + alcoholDailyPoints
            + (waistBands.values.map { $0.map(\.points).max() ?? 0 }.max() ?? 0)
            + inactivityPoints
            + familyHistoryPoints
    }
}

public struct PHQ2Rules: Hashable, Sendable {
    public let referAt: Int
    public let referTo: String
}

public struct SymptomDefinition: Hashable, Sendable {
    public let code: String
    public let part: CBACPart
    /// For grouping on the form: `tb`, `oral`, …
    public let group: String
    /// The cancer examination this symptom calls for, if any.
    public let exam: Exam?
    public let referTo: String
    public let urgent: Bool
    /// Asked of this sex only (B2: female; also asked for sex "other").
    public let sex: Sex?
    public let minAge: Int?
    public let label: LocalizedText

    public func applies(sex patientSex: Sex, age: Int) -> Bool {
        if let sex, sex != patientSex, patientSex != .other { return false }
        if let minAge, age < minAge { return false }
        return true
    }
}

/// Systolic and diastolic together.
public struct PressurePair: Hashable, Sendable {
    public let systolic: Int
    public let diastolic: Int

    public init(_ systolic: Int, _ diastolic: Int) {
        self.systolic = systolic
        self.diastolic = diastolic
    }

    /// True when either number reaches its limit: "≥ 140 systolic or ≥ 90 diastolic".
    public func isReached(by reading: PressurePair) -> Bool {
        reading.systolic >= systolic || reading.diastolic >= diastolic
    }

    public var text: String { "\(systolic)/\(diastolic)" }
}

public struct BloodPressureRules: Hashable, Sendable {
    public let systolicRange: ClosedRange<Int>
    public let diastolicRange: ClosedRange<Int>
    public let maxReadings: Int
    public let referAt: PressurePair
    public let urgentAt: PressurePair
    public let pregnancyUrgentAt: PressurePair
    public let lowSystolicBelow: Int
    public let referLow: Bool
    /// Symptoms that make a raised BP urgent (chest pain, signs of stroke).
    public let urgentWithSymptoms: [String]
    public let referTo: String
    public let urgentReferTo: String
    public let pregnancyReferTo: String
}

public struct GlucoseThresholds: Hashable, Sendable {
    /// Fasting only: from here to `referAt` is impaired, recheck.
    public let impairedAt: Double?
    public let referAt: Double
    /// "Highly suggestive of diabetes" from here (random and post-prandial).
    public let highlySuggestiveAt: Double?
    public let urgentAt: Double
    /// For a person already known to have diabetes: not controlled from here.
    public let knownUncontrolledAt: Double
}

public struct GlucoseRules: Hashable, Sendable {
    public let range: ClosedRange<Double>
    public let lowBelow: Double
    public let types: [GlucoseTestType: GlucoseThresholds]
    public let referTo: String
    public let urgentReferTo: String
}

public struct EligibilityRule: Hashable, Sendable {
    public let minAge: Int
    public let maxAge: Int?
    public let sexes: [Sex]

    public func includes(sex: Sex, age: Int) -> Bool {
        sexes.contains(sex) && age >= minAge && maxAge.map { age <= $0 } ?? true
    }

    public func includes(age: Int) -> Bool {
        age >= minAge && maxAge.map { age <= $0 } ?? true
    }
}

public struct ExamFinding: Hashable, Sendable {
    public let code: String
    public let urgent: Bool
    public let label: LocalizedText
}

public struct ExamRules: Hashable, Sendable {
    public let eligibility: EligibilityRule
    public let intervalYears: Int
    public let findings: [ExamFinding]
    public let referTo: String

    public func finding(_ code: String) -> ExamFinding? { findings.first { $0.code == code } }
}

public struct CervicalRules: Hashable, Sendable {
    public let eligibility: EligibilityRule
    public let intervalYears: Int
    public let referPositive: Bool
    public let urgentSuspicious: Bool
    public let referTo: String
}

public struct ScreeningIntervals: Hashable, Sendable {
    public let hypertensionYears: Int
    public let diabetesYears: Int
}

public struct FollowUpDays: Hashable, Sendable {
    public let urgent: Int
    public let refer: Int
    public let knownCondition: Int
    public let recheck: Int
    /// When BP or glucose was not measured: soon, to measure it, not a year away.
    public let incomplete: Int
    public let routine: Int

    /// The national protocol sets no interval for a screening left incomplete; a month unless the
    /// protocol file says otherwise (`follow_up_days.incomplete`).
    public static let defaultIncomplete = 30

    public init(urgent: Int, refer: Int, knownCondition: Int, recheck: Int, incomplete: Int = defaultIncomplete, routine: Int) {
        self.urgent = urgent
        self.refer = refer
        self.knownCondition = knownCondition
        self.recheck = recheck
        self.incomplete = incomplete
        self.routine = routine
    }
}

public struct ControlRules: Hashable, Sendable {
    /// Controlled when the last BP is below this…
    public let bpBelow: PressurePair
    /// …and was taken within this many days.
    public let withinDays: Int
}

public struct ValidationRanges: Hashable, Sendable {
    public let ageYears: ClosedRange<Int>
    public let heightCm: ClosedRange<Double>
    public let weightKg: ClosedRange<Double>
    public let waistCm: ClosedRange<Double>
    public let pulsePerMinute: ClosedRange<Int>
    /// Values inside the range but outside this band ask for a confirming keystroke.
    public let plausible: PlausibleRanges
}

/// Readings that are possible but rare enough that a typo is the likelier cause: the form asks once more.
public struct PlausibleRanges: Hashable, Sendable {
    public let systolic: ClosedRange<Int>
    public let diastolic: ClosedRange<Int>
    public let heightCm: ClosedRange<Double>
    public let weightKg: ClosedRange<Double>
    public let waistCm: ClosedRange<Double>
    public let pulsePerMinute: ClosedRange<Int>
}

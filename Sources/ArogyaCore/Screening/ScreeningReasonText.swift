/// Words a reason in a language: the sentence from the string table, place names, symptom and finding
/// labels from the protocol file.
public struct ScreeningReasonText: Sendable {
    public let strings: StringTable
    public let rules: ScreeningProtocol

    public init(strings: StringTable, protocol rules: ScreeningProtocol) {
        self.strings = strings
        self.rules = rules
    }

    private var language: String { strings.language }

    public func sentence(_ reason: ScreeningReason) -> String {
        var values: [String: String] = [:]
        if let place = reason.place { values["place"] = rules.placeName(place, language: language) }
        let key: StringKey
        switch reason.kind {
        case .bloodPressureHigh(let mean, let limit):
            key = .reasonBpHigh; values["bp"] = mean.text; values["limit"] = limit.text
        case .bloodPressureVeryHigh(let mean, let limit):
            key = .reasonBpVeryHigh; values["bp"] = mean.text; values["limit"] = limit.text
        case .bloodPressureInPregnancy(let mean, let limit):
            key = .reasonBpPregnancy; values["bp"] = mean.text; values["limit"] = limit.text
        case .bloodPressureWithSymptom(let mean, let limit, let symptom):
            key = .reasonBpWithSymptom; values["bp"] = mean.text; values["limit"] = limit.text
            values["symptom"] = inSentence(symptomLabel(symptom))
        case .bloodPressureLow(let systolic, let limit):
            key = reason.severity == .note ? .reasonBpLowNote : .reasonBpLow
            values["systolic"] = String(systolic); values["limit"] = String(limit)
        case .bloodPressureUncontrolled(let mean, let limit):
            key = .reasonBpUncontrolled; values["bp"] = mean.text; values["limit"] = limit.text
        case .bloodPressureControlled(let mean, let limit):
            key = .reasonBpControlled; values["bp"] = mean.text; values["limit"] = limit.text
        case .glucoseLow(let type, let value, let limit):
            key = .reasonGlucoseLow; glucose(type, value, limit, into: &values)
        case .glucoseMeterLow(let type):
            key = .reasonGlucoseMeterLow; values["test"] = strings[typeKey(type)]
        case .glucoseMeterHigh(let type):
            key = .reasonGlucoseMeterHigh; values["test"] = strings[typeKey(type)]
        case .glucoseVeryHigh(let type, let value, let limit):
            key = .reasonGlucoseVeryHigh; glucose(type, value, limit, into: &values)
        case .glucoseHighlySuggestive(let type, let value, let limit):
            key = .reasonGlucoseHighlySuggestive; glucose(type, value, limit, into: &values)
        case .glucoseHigh(let type, let value, let limit):
            key = .reasonGlucoseHigh; glucose(type, value, limit, into: &values)
        case .glucoseImpaired(let type, let value, let from, let below):
            key = .reasonGlucoseImpaired; glucose(type, value, below, into: &values)
            values["from"] = JSONValue.format(from); values["below"] = JSONValue.format(below - 1)
        case .glucoseUncontrolled(let type, let value, let limit):
            key = .reasonGlucoseUncontrolled; glucose(type, value, limit, into: &values)
            values["test"] = inSentence(values["test"]!)
        case .glucoseControlled(let type, let value, let limit):
            key = .reasonGlucoseControlled; glucose(type, value, limit, into: &values)
            values["test"] = inSentence(values["test"]!)
        case .cbacPriority(let score, let above):
            key = .reasonCbacPriority; values["score"] = String(score); values["limit"] = String(above)
        case .depression(let total, let limit):
            key = .reasonPhq2; values["total"] = String(total); values["limit"] = String(limit)
        case .symptom(let code):
            key = reason.severity == .urgent ? .reasonSymptomUrgent : .reasonSymptom
            values["symptom"] = symptomLabel(code)
        case .examFindings(let exam, let codes):
            key = reason.severity == .urgent ? .reasonExamFindingsUrgent : .reasonExamFindings
            values["exam"] = examName(exam)
            values["findings"] = codes.map { inSentence(findingLabel(exam, $0)) }.joined(separator: ", ")
        case .viaPositive:
            key = reason.severity == .note ? .reasonViaPositiveNote : .reasonViaPositive
        case .viaSuspicious:
            key = reason.severity == .urgent ? .reasonViaSuspicious : .reasonViaSuspiciousRefer
        case .viaDeferred(let why):
            key = .reasonViaDeferred; values["why"] = skipReason(why)
        case .examNotDone(let exam, let why):
            key = .reasonExamNotDone; values["exam"] = examName(exam); values["why"] = skipReason(why)
        case .notScreened(.hypertension):
            key = .reasonNotScreenedHypertension
        case .notScreened(.diabetes):
            key = .reasonNotScreenedDiabetes
        }
        return strings.text(key, values)
    }

    public func sentences(_ decision: ScreeningDecision) -> [String] {
        decision.reasons.map(sentence)
    }

    public func examName(_ exam: Exam) -> String {
        switch exam {
        case .oral: return strings[.examOral]
        case .breast: return strings[.examBreast]
        case .cervical: return strings[.examCervical]
        }
    }

    public func symptomLabel(_ code: String) -> String {
        rules.symptomsByCode[code]?.label.text(language) ?? code
    }

    public func findingLabel(_ exam: Exam, _ code: String) -> String {
        let table = exam == .oral ? rules.oral : rules.breast
        return table.finding(code)?.label.text(language) ?? code
    }

    public func skipReason(_ reason: ExamSkipReason?) -> String {
        switch reason {
        case .refused?: return strings[.skipRefused]
        case .pregnancy?: return strings[.skipPregnancy]
        case .menstruation?: return strings[.skipMenstruation]
        case .unwell?: return strings[.skipUnwell]
        case .equipment?: return strings[.skipEquipment]
        case .privacy?: return strings[.skipPrivacy]
        case .other?: return strings[.skipOther]
        case nil: return strings[.skipUnknown]
        }
    }

    public func typeKey(_ type: GlucoseTestType) -> StringKey {
        switch type {
        case .random: return .glucoseTypeRandom
        case .fasting: return .glucoseTypeFasting
        case .postPrandial: return .glucoseTypePostPrandial
        }
    }

    private func glucose(_ type: GlucoseTestType, _ value: Double, _ limit: Double, into values: inout [String: String]) {
        values["test"] = strings[typeKey(type)]
        values["value"] = JSONValue.format(value)
        values["limit"] = JSONValue.format(limit)
    }

    /// A label that starts a sentence ("Chest pain") put inside one ("with chest pain"). Only a capital
    /// followed by a small letter is lowered, so "TB" and "VIA" keep their capitals; scripts without case
    /// are unchanged.
    private func inSentence(_ label: String) -> String {
        let scalars = Array(label.unicodeScalars.prefix(2))
        guard scalars.count == 2, scalars[0].properties.isUppercase, scalars[1].properties.isLowercase else { return label }
        return label.prefix(1).lowercased() + label.dropFirst()
    }
}

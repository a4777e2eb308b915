import ArogyaCore

/// The parts of a screening, in the order a worker goes through them. Each is one page of the form.
enum ScreeningPart: Int, CaseIterable, Comparable, Sendable {
    case riskFactors, earlySymptoms, womenSymptoms, elderlySymptoms, copd, mood, vitals, cancer, followUp

    static func < (lhs: ScreeningPart, rhs: ScreeningPart) -> Bool { lhs.rawValue < rhs.rawValue }

    var titleKey: StringKey {
        switch self {
        case .riskFactors: return .screeningPartRiskFactors
        case .earlySymptoms: return .screeningPartEarlySymptoms
        case .womenSymptoms: return .screeningPartWomenSymptoms
        case .elderlySymptoms: return .screeningPartElderlySymptoms
        case .copd: return .screeningPartCopd
        case .mood: return .screeningPartMood
        case .vitals: return .screeningPartVitals
        case .cancer: return .screeningPartCancer
        case .followUp: return .screeningPartFollowUp
        }
    }

    /// The symptom part of the protocol this page asks.
    var cbacPart: CBACPart? {
        switch self {
        case .earlySymptoms: return .b1
        case .womenSymptoms: return .b2
        case .elderlySymptoms: return .b3
        case .copd: return .c
        default: return nil
        }
    }

    /// Pages of yes/no items, where one key answers "no" to all that are left.
    var isYesNoList: Bool { cbacPart != nil }
}

/// Which question a field asks. The view-model keeps answers by these.
enum QuestionID: Hashable, Sendable {
    case tobacco, alcohol, waist, activity, familyHistory
    case symptom(String)
    case phqInterest, phqMood
    case knownHypertension, knownDiabetes, pregnant
    /// Reading 0, 1 or 2; systolic or diastolic.
    case systolic(Int), diastolic(Int)
    case glucoseType, glucoseValue
    case height, weight, pulse
    case exam(Exam)
    case findings(Exam)
    case skipReason(Exam)
    case examsChosen
    case medicines, adherence
}

/// A number field's rules, from the protocol's validation ranges.
struct NumberRule: Sendable {
    let range: ClosedRange<Double>
    /// Inside the range but rare: asks once more before it is accepted.
    let plausible: ClosedRange<Double>
    /// Values that are urgent as well as possible: asks once more, so a slip of the finger is not an emergency.
    let urgent: @Sendable (Double) -> Bool
    let allowsDecimal: Bool
    /// The glucometer's LO and HI are accepted (typed L or H).
    let allowsMeterWords: Bool
    let unit: StringKey?

    init(range: ClosedRange<Double>, plausible: ClosedRange<Double>? = nil, urgent: @escaping @Sendable (Double) -> Bool = { _ in false },
         allowsDecimal: Bool = false, allowsMeterWords: Bool = false, unit: StringKey? = nil) {
        self.range = range
        self.plausible = plausible ?? range
        self.urgent = urgent
        self.allowsDecimal = allowsDecimal
        self.allowsMeterWords = allowsMeterWords
        self.unit = unit
    }

    /// Whether the digits typed so far could not take another without leaving the range: the field moves
    /// on by itself ("95" for a systolic, "140", "110" for sugar), so a trained worker types numbers only.
    /// Whether one more digit still makes a number this field can hold: no more digits before the point
    /// than the largest reading has, and one after it where decimals are allowed ("3019" is no BP).
    func canTake(digitAfter text: String) -> Bool {
        let whole = String(Int(range.upperBound)).count
        guard let point = text.firstIndex(of: ".") else { return text.count < whole }
        return text[text.index(after: point)...].count < 1
    }

    func isComplete(_ text: String) -> Bool {
        guard !allowsDecimal, !text.isEmpty, let value = Double(text) else { return false }
        return value * 10 > range.upperBound || text.count >= String(Int(range.upperBound)).count
    }
}

/// One option of a choice question, with the letter that picks it.
struct ChoiceOption: Equatable, Sendable {
    let value: String
    let label: String
    let letter: Character
}

enum QuestionKind: Sendable {
    case yesNo
    case choice([ChoiceOption])
    case number(NumberRule)
    /// Several of a list may be ticked, with the digits 1–9.
    case checklist([ChoiceOption])
    case text(maxLength: Int)
}

struct Question: Sendable {
    let id: QuestionID
    let part: ScreeningPart
    let label: String
    let kind: QuestionKind
}

/// An answer as the worker gave it.
enum Answer: Equatable, Sendable {
    case yes, no
    case choice(String)
    /// A number as typed (kept as text so that "0" and "" differ, and "LO" fits).
    case typed(String)
    case ticked(Set<String>)
}

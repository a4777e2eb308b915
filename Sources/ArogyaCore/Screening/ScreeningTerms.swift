/// The words a screening is recorded in. Raw values are the codes of the `protocol evaluate` contract and
/// of the stored records; they never change.

public enum Exam: String, CaseIterable, Hashable, Sendable, Comparable {
    case oral, breast, cervical

    public static func < (lhs: Exam, rhs: Exam) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

public enum KnownCondition: String, CaseIterable, Hashable, Sendable {
    case hypertension, diabetes
}

/// CBAC Part A, question 2: smoking or smokeless tobacco.
public enum TobaccoUse: String, CaseIterable, Hashable, Sendable {
    case never, sometimes, daily
}

public enum GlucoseTestType: String, CaseIterable, Hashable, Sendable {
    case random, fasting
    case postPrandial = "post_prandial"
}

/// Visual inspection with acetic acid.
public enum VIAResult: String, CaseIterable, Hashable, Sendable {
    case negative, positive, suspicious
    case deferred
    case notDone = "not_done"
}

/// Why an examination was not done or put off. Recorded so that the due list and a supervisor can tell a
/// refusal from a missing speculum.
public enum ExamSkipReason: String, CaseIterable, Hashable, Sendable {
    case refused, pregnancy, menstruation, unwell, equipment, privacy, other
}

/// CBAC parts that hold yes/no symptom items.
public enum CBACPart: String, CaseIterable, Hashable, Sendable {
    /// Early-detection symptoms, everyone.
    case b1 = "B1"
    /// Women only.
    case b2 = "B2"
    /// Aged 60 and over only.
    case b3 = "B3"
    /// COPD exposures.
    case c = "C"
}

/// Text in several languages, from a protocol file. English is always present.
public struct LocalizedText: Hashable, Sendable {
    public let texts: [String: String]

    public init(_ texts: [String: String]) {
        precondition(texts["en"] != nil, "a protocol label needs English text")
        self.texts = texts
    }

    public func text(_ language: String) -> String {
        texts[language] ?? texts["en"]!
    }
}

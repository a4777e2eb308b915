import Foundation

/// A saved screening as the card and the supervisor see it.
public struct ScreeningSummary: Hashable, Sendable, Identifiable {
    public let id: String
    public let patientId: String
    public let kind: ScreeningVisit.Kind
    public let day: CivilDate
    public let protocolID: String
    public let protocolVersion: String
    public let bloodPressure: PressurePair?
    public let bloodPressureCategory: BloodPressureCategory?
    /// "Random 212", "Fasting LO".
    public let glucoseType: GlucoseTestType?
    public let glucoseValue: GlucoseValue?
    public let cbacScore: Int?
    public let refer: Bool
    public let urgent: Bool
    public let followUpOn: CivilDate?
    /// The sentences saved with it, urgent first.
    public let reasons: [String]
    /// What it could not judge for want of a reading: an incomplete screening.
    public let notScreened: [UnscreenedCondition]
    public let recordedBy: String
    public let medicines: String?
    public let adherence: Adherence?
    /// When it was saved (the day's register orders by it).
    public let savedAt: Timestamp

    public init(id: String, patientId: String, kind: ScreeningVisit.Kind, day: CivilDate, protocolID: String, protocolVersion: String, bloodPressure: PressurePair?, bloodPressureCategory: BloodPressureCategory?, glucoseType: GlucoseTestType?, glucoseValue: GlucoseValue?, cbacScore: Int?, refer: Bool, urgent: Bool, followUpOn: CivilDate?, reasons: [String], notScreened: [UnscreenedCondition], recordedBy: String, medicines: String?, adherence: Adherence?, savedAt: Timestamp) {
        self.id = id
        self.patientId = patientId
        self.kind = kind
        self.day = day
        self.protocolID = protocolID
        self.protocolVersion = protocolVersion
        self.bloodPressure = bloodPressure
        self.bloodPressureCategory = bloodPressureCategory
        self.glucoseType = glucoseType
        self.glucoseValue = glucoseValue
        self.cbacScore = cbacScore
        self.refer = refer
        self.urgent = urgent
        self.followUpOn = followUpOn
        self.reasons = reasons
        self.notScreened = notScreened
        self.recordedBy = recordedBy
        self.medicines = medicines
        self.adherence = adherence
        self.savedAt = savedAt
    }
}

/// One screening or follow-up visit in a day's register: the visit, the patient as she is now, and the
/// places it sent her to.
public struct RegisterEntry: Sendable, Equatable {
    public let screening: ScreeningSummary
    public let patient: Patient
    public let places: [String]
    /// Its supervisor's reviews, oldest first.
    public let review: ReviewHistory

    public init(screening: ScreeningSummary, patient: Patient, places: [String], review: ReviewHistory) {
        self.screening = screening
        self.patient = patient
        self.places = places
        self.review = review
    }
}

/// One visit of the register as `review daily` prints it and the register screen exports it: the text line
/// of an 80-column register, the CSV fields, the JSON object.
public struct RegisterRow: Sendable {
    public let entry: RegisterEntry
    public let time: String
    public let age: Int
    public let verdict: String
    public let glucose: String
    /// The places as the protocol names them ("the Medical Officer at the PHC"); JSON keeps the codes.
    public let placeNames: [String]

    public init(_ entry: RegisterEntry, placeNames: [String]) {
        self.entry = entry
        self.placeNames = placeNames
        time = LocalTime(entry.screening.savedAt).hourMinute
        age = entry.patient.age(on: entry.screening.day)
        verdict = entry.screening.urgent ? "URGENT" : (entry.screening.refer ? "Refer" : "-")
        switch (entry.screening.glucoseType, entry.screening.glucoseValue) {
        case (let type?, .milligramsPerDecilitre(let value)?): glucose = type.rawValue + " " + String(Int(value.rounded()))
        case (let type?, .meterLow?): glucose = type.rawValue + " LO"
        case (let type?, .meterHigh?): glucose = type.rawValue + " HI"
        default: glucose = "-"
        }
    }

    public var bp: String { entry.screening.bloodPressure.map { "\($0.systolic)/\($0.diastolic)" } ?? "-" }

    public static let csvHeader = ["screening_id", "patient_id", "kind", "date", "time", "worker", "patient_name", "sex", "age", "village",
                            "bp", "glucose", "cbac_score", "verdict", "places", "review", "review_note"]

    public var csvFields: [String] {
        let screening = entry.screening
        return [screening.id, entry.patient.id, screening.kind.rawValue, screening.day.iso8601, time, screening.recordedBy, entry.patient.name,
                entry.patient.sex.rawValue, String(age), entry.patient.village?.name ?? "", bp == "-" ? "" : bp, glucose == "-" ? "" : glucose,
                screening.cbacScore.map(String.init) ?? "", verdict == "-" ? "" : verdict, placeNames.joined(separator: "; "),
                entry.review.state?.rawValue ?? "", reviewNote ?? ""]
    }

    public var textLine: String {
        let screening = entry.screening
        let who = DisplayWidth.pad(DisplayWidth.truncate(TextSanitizer.singleLine(entry.patient.name), to: 17, ellipsis: "~"), to: 18)
        let worker = DisplayWidth.pad(DisplayWidth.truncate(screening.recordedBy, to: 8, ellipsis: "~"), to: 9)
        let sex = entry.patient.sex == .female ? "F" : (entry.patient.sex == .male ? "M" : "O")
        let line = reviewMark + time + " " + worker + who + DisplayWidth.pad(sex + String(age), to: 4) + " BP " + DisplayWidth.pad(bp, to: 8)
            + DisplayWidth.pad(glucose, to: 13) + "CBAC " + DisplayWidth.pad(screening.cbacScore.map(String.init) ?? "-", to: 3) + verdict
            + (placeNames.isEmpty ? "" : ": " + placeNames.joined(separator: ", "))
        return DisplayWidth.truncate(line, to: 80, ellipsis: "~")
    }

    public var json: JSONValue {
        let screening = entry.screening
        var glucoseJSON: JSONValue = .null
        if let type = screening.glucoseType, let value = screening.glucoseValue {
            switch value {
            case .milligramsPerDecilitre(let number):
                glucoseJSON = .object([("type", .string(type.rawValue)), ("mg_dl", .number(number)), ("meter", .null)])
            case .meterLow: glucoseJSON = .object([("type", .string(type.rawValue)), ("mg_dl", .null), ("meter", .string("LO"))])
            case .meterHigh: glucoseJSON = .object([("type", .string(type.rawValue)), ("mg_dl", .null), ("meter", .string("HI"))])
            }
        }
        return .object([
            ("screening_id", .string(screening.id)), ("patient_id", .string(entry.patient.id)), ("kind", .string(screening.kind.rawValue)),
            ("worker", .string(screening.recordedBy)), ("time", .string(entry.screening.savedAt.iso8601)), ("patient_name", .string(entry.patient.name)),
            ("sex", .string(entry.patient.sex.rawValue)), ("age", .number(Double(age))),
            ("village", entry.patient.village.map { .string($0.name) } ?? .null),
            ("bp", screening.bloodPressure.map { .array([.number(Double($0.systolic)), .number(Double($0.diastolic))]) } ?? .null),
            ("glucose", glucoseJSON), ("cbac_score", screening.cbacScore.map { .number(Double($0)) } ?? .null),
            ("urgent", .bool(screening.urgent)), ("refer", .bool(screening.refer)), ("places", .array(entry.places.map(JSONValue.string))),
            ("review", entry.review.state.map { .string($0.rawValue) } ?? .null),
            ("review_note", reviewNote.map(JSONValue.string) ?? .null),
        ])
    }

    /// The last reason or comment a supervisor wrote on it.
    public var reviewNote: String? {
        entry.review.reviews.last { $0.reason != nil || $0.comment != nil }.flatMap { $0.reason ?? $0.comment }
    }

    /// What the text register shows before the time: nothing until reviewed.
    public var reviewMark: String {
        switch entry.review.state {
        case nil: " "
        case .reviewed?: "R"
        case .sentBack?: "B"
        case .corrected?: "C"
        }
    }
}

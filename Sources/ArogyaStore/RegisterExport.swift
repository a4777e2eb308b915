import ArogyaCore
import Foundation

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

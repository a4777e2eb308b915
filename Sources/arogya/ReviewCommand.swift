import ArgumentParser
import ArogyaCore
import ArogyaStore
import Foundation

/// `arogya review`: what a supervisor reviews each day.
struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "The day's register of screenings and follow-up visits, for the supervisor's review.",
        subcommands: [Daily.self])

    /// Which rows of the register to keep.
    enum Only: String, ExpressibleByArgument, CaseIterable {
        case urgent, referred, unreviewed
        case sentBack = "sent-back"
    }

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, csv, json
    }

    struct Daily: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every screening and follow-up visit saved at this facility on a day (today by default), from all its terminals once synced.",
            discussion: """
                text: totals, then one line a visit (time, worker, patient, age and sex, village, BP mean, glucose, CBAC \
                score, the verdict and where to). csv: a header row and one visit a row (UTF-8). json: [{screening_id, \
                patient_id, kind, worker, time, patient_name, sex, age, village, bp: [systolic, diastolic] or null, \
                glucose: {type, mg_dl, meter} or null, cbac_score, urgent, refer, places, review}]; review is null until \
                the visit is reviewed.
                """)

        @OptionGroup var database: DatabaseOptions
        @ParentCommand var root: Arogya
        @Option(help: ArgumentHelp("The day (default today).", valueName: "YYYY-MM-DD")) var date: String?
        @Option(help: ArgumentHelp("Only the visits this worker saved.", valueName: "LOGIN")) var worker: String?
        @Option(help: "Only: urgent, referred, unreviewed or sent-back.") var only: Only?
        @Option(help: "text, csv or json.") var format: Format = .text

        func run() throws {
            let environment = try CommandEnvironment.make(database, root: root)
            let store = try environment.openStore(.forReading)
            let rules = try ProtocolChoice.facilityProtocol(environment)
            let today = LocalTime(store.clock.now()).date
            let day: CivilDate
            if let date {
                guard let parsed = CivilDate(iso8601: date) else { try CommandEnvironment.fail(code: 2, "arogya: --date: expected YYYY-MM-DD") }
                day = parsed
            } else {
                day = today
            }
            let entries = try environment.run { try store.dailyRegister(day: day, worker: worker) }.filter { entry in
                switch only {
                case nil: true
                case .urgent?: entry.screening.urgent
                case .referred?: entry.screening.refer
                // Reviews are not recorded yet: every visit is unreviewed, none sent back.
                case .unreviewed?: true
                case .sentBack?: false
                }
            }
            let rows = entries.map { RegisterRow($0, placeNames: $0.places.map { rules.placeName($0, language: environment.strings.language) }) }
            switch format {
            case .json: print(JSONValue.array(rows.map(\.json)).serialized())
            case .csv: print(CSV.document(header: RegisterRow.csvHeader, rows: rows.map(\.csvFields)), terminator: "")
            case .text:
                let referred = entries.filter { $0.screening.refer }.count
                let urgent = entries.filter { $0.screening.urgent }.count
                let followUps = entries.filter { $0.screening.kind == .followUp }.count
                environment.say(.cliRegisterTotals, ["date": day.iso8601, "visits": String(entries.count), "screenings": String(entries.count - followUps),
                                                     "follow_ups": String(followUps), "referred": String(referred), "urgent": String(urgent)])
                for row in rows { print(row.textLine) }
            }
        }
    }
}

/// One visit of the register as the command line prints it.
struct RegisterRow {
    let entry: RegisterEntry
    let time: String
    let age: Int
    let verdict: String
    let glucose: String
    /// The places as the protocol names them ("the Medical Officer at the PHC"); JSON keeps the codes.
    let placeNames: [String]

    init(_ entry: RegisterEntry, placeNames: [String]) {
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

    var bp: String { entry.screening.bloodPressure.map { "\($0.systolic)/\($0.diastolic)" } ?? "-" }

    static let csvHeader = ["screening_id", "patient_id", "kind", "date", "time", "worker", "patient_name", "sex", "age", "village",
                            "bp", "glucose", "cbac_score", "verdict", "places", "review"]

    var csvFields: [String] {
        let screening = entry.screening
        return [screening.id, entry.patient.id, screening.kind.rawValue, screening.day.iso8601, time, screening.recordedBy, entry.patient.name,
                entry.patient.sex.rawValue, String(age), entry.patient.village?.name ?? "", bp == "-" ? "" : bp, glucose == "-" ? "" : glucose,
                screening.cbacScore.map(String.init) ?? "", verdict == "-" ? "" : verdict, placeNames.joined(separator: "; "), ""]
    }

    var textLine: String {
        let screening = entry.screening
        let who = DisplayWidth.pad(DisplayWidth.truncate(TextSanitizer.singleLine(entry.patient.name), to: 18, ellipsis: "~"), to: 19)
        let worker = DisplayWidth.pad(DisplayWidth.truncate(screening.recordedBy, to: 8, ellipsis: "~"), to: 9)
        let sex = entry.patient.sex == .female ? "F" : (entry.patient.sex == .male ? "M" : "O")
        let line = time + " " + worker + who + DisplayWidth.pad(sex + String(age), to: 4) + " BP " + DisplayWidth.pad(bp, to: 8)
            + DisplayWidth.pad(glucose, to: 13) + "CBAC " + DisplayWidth.pad(screening.cbacScore.map(String.init) ?? "-", to: 3) + verdict
            + (placeNames.isEmpty ? "" : ": " + placeNames.joined(separator: ", "))
        return DisplayWidth.truncate(line, to: 80, ellipsis: "~")
    }

    var json: JSONValue {
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
            ("review", .null),
        ])
    }
}

/// CSV as RFC 4180 writes it: every field quoted when it holds a comma, a quote or a line break (quotes
/// doubled), lines ended with CRLF. Fields are single lines already; a spreadsheet opens it as UTF-8.
enum CSV {
    static func field(_ text: String) -> String {
        let cleaned = TextSanitizer.singleLine(text)
        guard cleaned.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || cleaned != cleaned.trimmingCharacters(in: .whitespaces) else {
            return cleaned
        }
        return "\"" + cleaned.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func document(header: [String], rows: [[String]]) -> String {
        ([header] + rows).map { $0.map(field).joined(separator: ",") + "\r\n" }.joined()
    }
}

import ArgumentParser
import ArogyaCore
import ArogyaStore
import Foundation

/// `arogya screenings add`: a screening or follow-up visit from a script (a paper register typed up later,
/// another system), judged and saved exactly as the screen saves one.
struct ScreeningsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "screenings",
        abstract: CommandHelp.text(.helpCliScreenings1),
        subcommands: [Add.self, Record.self, Import.self, Correct.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CommandHelp.text(.helpCliScreenings2),
            discussion: CommandHelp.discussion(.helpCliScreenings2More))

        @OptionGroup var database: DatabaseOptions
        @ParentCommand var root: Arogya
        @OptionGroup var actorOptions: ActorOptions

        @Argument(help: ArgumentHelp("The patient's id.", valueName: "id")) var patientId: String
        @Flag(name: .customLong("follow-up"), help: "A follow-up visit of known hypertension or diabetes.") var followUp = false
        @Option(help: ArgumentHelp("The day it was done (default today).", valueName: "YYYY-MM-DD")) var date: String?
        @Option(help: "Follow-up visits: the medicines given.") var medicines: String?
        @Option(help: "Follow-up visits: regular, missed_some or stopped.") var adherence: String?
        @Flag(help: "Print JSON: {id, patient_id, kind, screened_on, decision}.") var json = false

        func run() throws {
            let environment = try CommandEnvironment.make(database, root: root)
            let data = FileHandle.standardInput.readDataToEndOfFile()
            let store = try environment.openStore(.mustExist)
            let rules = try ProtocolChoice.facilityProtocol(environment)
            let visit = try environment.run {
                try ScreeningsCommand.visit(Array(data), patientId: patientId, date: date, followUp: followUp, medicines: medicines,
                                            adherence: adherence, store: store, rules: rules)
            }
            let actor = try environment.actor(actorOptions, store: store)
            try ScreeningsCommand.save(visit, store: store, rules: rules, actor: actor, environment: environment, json: json)
        }
    }

    /// A visit read from `bytes` for the patient, on `date` (default today), checked as the screen checks one.
    static func visit(_ bytes: [UInt8], patientId: String, date: String?, followUp: Bool = false, medicines: String? = nil,
                      adherence: String? = nil, store: AppDatabase, rules: ScreeningProtocol) throws -> ScreeningVisit {
        let today = LocalTime(store.clock.now()).date
        guard let patient = try store.patient(id: patientId) else {
            throw StoreError.refused(UserMessage(.errorUnknownPatient, ["id": TextSanitizer.singleLine(patientId)]))
        }
        let day = try ScreeningRules.visitDay(date ?? "", today: today, born: patient.birthDate)
        let input: ScreeningInput
        do {
            input = try ScreeningRules.input(bytes, for: patient, on: day, protocol: rules)
        } catch {
            throw Failure.invalidInput("input \(error)")
        }
        let adherenceValue = try adherence.map { text throws -> Adherence in
            guard let value = Adherence(rawValue: text) else { throw Failure.invalidInput("--adherence: expected regular, missed_some or stopped") }
            return value
        }
        let medicinesText = try ScreeningRules.medicines(medicines ?? "")
        if !followUp, medicinesText != nil || adherenceValue != nil {
            throw Failure.invalidInput("--medicines and --adherence are for a follow-up visit (--follow-up)")
        }
        let visit = ScreeningVisit(patientId: patient.id, kind: followUp ? .followUp : .screening, day: day, input: input,
                                   medicines: medicinesText, adherence: adherenceValue)
        try ScreeningRules.check(visit)
        return visit
    }

    /// Judges and saves a visit exactly as the screen does (referrals, due dates, outbox, audit) and prints
    /// the verdict, or `{id, patient_id, kind, screened_on, decision}`.
    /// With `correcting`, the visit is that screening's correction after a send-back.
    static func save(_ visit: ScreeningVisit, correcting: String? = nil, store: AppDatabase, rules: ScreeningProtocol, actor: AuditActor,
                     environment: CommandEnvironment, json: Bool) throws {
        let reasonText = ScreeningReasonText(strings: environment.strings, protocol: rules)
        let saved = try environment.run {
            if let correcting { return try store.correctScreening(correcting, with: visit, reasonText: reasonText, by: actor) }
            return try store.recordScreening(visit, reasonText: reasonText, by: actor)
        }
        if json {
            print(JSONValue.object([
                ("id", .string(saved.summary.id)), ("patient_id", .string(visit.patientId)), ("kind", .string(visit.kind.rawValue)),
                ("screened_on", .string(visit.day.iso8601)), ("decision", saved.decision.json(reasonText: reasonText)),
            ]).serialized())
            return
        }
        let name = (try? store.patient(id: visit.patientId))??.name ?? visit.patientId
        let verdict: StringKey = saved.decision.urgent ? .cliScreeningUrgent : (saved.decision.refer ? .cliScreeningRefer : .cliScreeningNoReferral)
        environment.say(.cliScreeningSaved, ["id": saved.summary.id, "name": TextSanitizer.singleLine(name), "verdict": environment.strings[verdict]])
        for reason in reasonText.sentences(saved.decision) { print("  - " + reason) }
    }

    /// Whom the audit names for work entered on someone's behalf: `--as`, proven by her PIN, is required.
    static func provenActor(_ options: ActorOptions, store: AppDatabase, environment: CommandEnvironment) throws -> AuditActor {
        guard options.account != nil else { try CommandEnvironment.fail(code: 2, "arogya: " + environment.strings[.cliScreeningsAsNeeded]) }
        return try environment.actor(options, store: store)
    }

    struct Record: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CommandHelp.text(.helpCliScreenings3),
            discussion: CommandHelp.discussion(.helpCliScreenings3More))

        @OptionGroup var database: DatabaseOptions
        @ParentCommand var root: Arogya
        @OptionGroup var actorOptions: ActorOptions
        @Argument(help: ArgumentHelp("The patient's id.", valueName: "id")) var patientId: String
        @Option(help: ArgumentHelp("The day it was done (default today).", valueName: "YYYY-MM-DD")) var date: String?
        @Flag(help: "Print JSON: {id, patient_id, kind, screened_on, decision}.") var json = false

        func run() throws {
            let environment = try CommandEnvironment.make(database, root: root)
            let data = FileHandle.standardInput.readDataToEndOfFile()
            let store = try environment.openStore(.mustExist)
            let actor = try ScreeningsCommand.provenActor(actorOptions, store: store, environment: environment)
            let rules = try ProtocolChoice.facilityProtocol(environment)
            let visit = try environment.run {
                try ScreeningsCommand.visit(Array(data), patientId: patientId, date: date, store: store, rules: rules)
            }
            try ScreeningsCommand.save(visit, store: store, rules: rules, actor: actor, environment: environment, json: json)
        }
    }

    struct Correct: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CommandHelp.text(.helpCliScreenings4),
            discussion: CommandHelp.discussion(.helpCliScreenings4More))

        @OptionGroup var database: DatabaseOptions
        @ParentCommand var root: Arogya
        @OptionGroup var actorOptions: ActorOptions
        @Argument(help: ArgumentHelp("The screening's id.", valueName: "screening-id")) var screeningId: String
        @Flag(help: "Print JSON: {id, patient_id, kind, screened_on, decision}.") var json = false

        func run() throws {
            let environment = try CommandEnvironment.make(database, root: root)
            let data = FileHandle.standardInput.readDataToEndOfFile()
            let store = try environment.openStore(.mustExist)
            let actor = try ScreeningsCommand.provenActor(actorOptions, store: store, environment: environment)
            let rules = try ProtocolChoice.facilityProtocol(environment)
            let visit = try environment.run { () throws -> ScreeningVisit in
                guard let earlier = try store.screening(id: screeningId) else {
                    throw StoreError.refused(UserMessage(.errorUnknownScreening, ["id": TextSanitizer.singleLine(screeningId)]))
                }
                var visit = try ScreeningsCommand.visit(Array(data), patientId: earlier.patientId, date: earlier.day.iso8601,
                                                        followUp: earlier.kind == .followUp, store: store, rules: rules)
                visit.medicines = earlier.medicines
                visit.adherence = earlier.adherence
                return visit
            }
            try ScreeningsCommand.save(visit, correcting: screeningId, store: store, rules: rules, actor: actor, environment: environment, json: json)
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CommandHelp.text(.helpCliScreenings5),
            discussion: CommandHelp.discussion(.helpCliScreenings5More))

        @OptionGroup var database: DatabaseOptions
        @ParentCommand var root: Arogya
        @OptionGroup var actorOptions: ActorOptions
        @Argument(help: ArgumentHelp("The JSON Lines file.", valueName: "FILE.jsonl")) var file: String
        @Flag(help: "Print JSON: {saved, refused: [{line, reason}]}.") var json = false

        func run() throws {
            let environment = try CommandEnvironment.make(database, root: root)
            guard let data = FileManager.default.contents(atPath: file) else {
                try CommandEnvironment.fail(code: 1, "arogya: " + environment.strings.text(.cliScreeningsImportUnreadable, ["file": file]))
            }
            let store = try environment.openStore(.mustExist)
            let actor = try ScreeningsCommand.provenActor(actorOptions, store: store, environment: environment)
            let rules = try ProtocolChoice.facilityProtocol(environment)
            let reasonText = ScreeningReasonText(strings: environment.strings, protocol: rules)
            var saved = 0
            var refused: [(line: Int, reason: String)] = []
            for (index, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
                if text.isEmpty || text.hasPrefix("#") { continue }
                do {
                    let (patientId, date, answers) = try Self.split(text)
                    let visit = try ScreeningsCommand.visit(answers, patientId: patientId, date: date, store: store, rules: rules)
                    _ = try store.recordScreening(visit, reasonText: reasonText, by: actor)
                    saved += 1
                } catch {
                    refused.append((index + 1, TextSanitizer.singleLine(Self.reason(error, strings: environment.strings))))
                }
            }
            if json {
                print(JSONValue.object([("saved", .number(Double(saved))), ("refused", .array(refused.map {
                    .object([("line", .number(Double($0.line))), ("reason", .string($0.reason))])
                }))]).serialized())
            } else {
                environment.say(.cliScreeningsImported, ["saved": String(saved), "refused": String(refused.count)])
                for refusal in refused { print(environment.strings.text(.cliScreeningsImportRefusal, ["line": String(refusal.line), "reason": refusal.reason])) }
            }
            if !refused.isEmpty { throw ExitCode(2) }
        }

        /// The line's patient and day, and the answers without them, as `record` reads them.
        static func split(_ line: String) throws -> (String, String?, [UInt8]) {
            guard case .object(let members) = try JSONParser.parse(Array(line.utf8)) else { throw Failure.invalidInput("expected an object { … }") }
            guard case .string(let patientId)? = members.first(where: { $0.key == "patient_id" })?.value else {
                throw Failure.invalidInput("patient_id: missing")
            }
            var date: String?
            if let given = members.first(where: { $0.key == "date" })?.value {
                guard case .string(let text) = given else { throw Failure.invalidInput("date: expected YYYY-MM-DD") }
                date = text
            }
            let answers = JSONValue.object(members.filter { $0.key != "patient_id" && $0.key != "date" })
            return (patientId, date, Array(answers.serialized(pretty: false).utf8))
        }

        static func reason(_ error: any Error, strings: StringTable) -> String {
            switch error {
            case let store as StoreError: strings.text(store.message)
            case let message as UserMessage: strings.text(message)
            case Failure.invalidInput(let text), Failure.runtime(let text): text
            default: String(describing: error)
            }
        }
    }
}

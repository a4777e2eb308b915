import ArgumentParser
import ArogyaCore
import ArogyaStore
import Foundation

/// `arogya screenings add`: a screening or follow-up visit from a script (a paper register typed up later,
/// another system), judged and saved exactly as the screen saves one.
struct ScreeningsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "screenings",
        abstract: "Record screenings and follow-up visits.",
        subcommands: [Add.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Save a screening (or, with --follow-up, a follow-up visit) read as JSON on standard input.",
            discussion: """
                The input is what `arogya protocol evaluate` reads; "sex" and "age" may be left out, and are then \
                the patient's (when given they must be hers). The facility's protocol judges it, and it is saved \
                with its referrals, audited and queued for upload, as from the screen. Prints the decision; with \
                --json {id, patient_id, kind, screened_on, decision}.
                """)

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
            let today = LocalTime(store.clock.now()).date
            let patient = try environment.run { () throws -> Patient in
                guard let patient = try store.patient(id: patientId) else {
                    throw StoreError.refused(UserMessage(.errorUnknownPatient, ["id": TextSanitizer.singleLine(patientId)]))
                }
                return patient
            }
            let visit = try environment.run { () throws -> ScreeningVisit in
                let day = try ScreeningRules.visitDay(date ?? "", today: today, born: patient.birthDate)
                let input: ScreeningInput
                do {
                    input = try ScreeningRules.input(Array(data), for: patient, on: day, protocol: rules)
                } catch {
                    throw Failure.invalidInput("input \(error)")
                }
                let adherenceValue = try adherence.map { text throws -> Adherence in
                    guard let value = Adherence(rawValue: text) else {
                        throw Failure.invalidInput("--adherence: expected regular, missed_some or stopped")
                    }
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
            let actor = try environment.actor(actorOptions, store: store)
            let reasonText = ScreeningReasonText(strings: environment.strings, protocol: rules)
            let saved = try environment.run { try store.recordScreening(visit, reasonText: reasonText, by: actor) }
            if json {
                let document = JSONValue.object([
                    ("id", .string(saved.summary.id)), ("patient_id", .string(patient.id)), ("kind", .string(visit.kind.rawValue)),
                    ("screened_on", .string(visit.day.iso8601)), ("decision", saved.decision.json(reasonText: reasonText)),
                ])
                print(document.serialized())
                return
            }
            let verdict: StringKey = saved.decision.urgent ? .cliScreeningUrgent : (saved.decision.refer ? .cliScreeningRefer : .cliScreeningNoReferral)
            environment.say(.cliScreeningSaved, ["id": saved.summary.id, "name": TextSanitizer.singleLine(patient.name),
                                                 "verdict": environment.strings[verdict]])
            for reason in reasonText.sentences(saved.decision) { print("  - " + reason) }
        }
    }
}

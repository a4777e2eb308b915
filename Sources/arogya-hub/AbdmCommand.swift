import ArgumentParser
import ArogyaHub
import Foundation

/// `arogya-hub abdm`: the hub as its facilities' ABDM Health Information Provider.
struct AbdmCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "abdm",
        abstract: "The hub as ABDM's Health Information Provider: care contexts linked to patients' ABHAs.",
        subcommands: [Links.self])

    struct Links: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Each uploaded visit of a patient with an ABHA: linked, waiting, or failed with ABDM's reason.")
        @OptionGroup var database: HubDatabaseOption
        @Option(help: "Only this patient's (her record's ID).") var patient: String?
        @Option(help: "Only this facility's.") var facility: String?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await runReportingFailure {
                let contexts = try await database.open().careContexts(facility: facility, patient: patient)
                if json {
                    print(CareContextReport.json(contexts).serialized())
                } else {
                    print(CareContextReport.text(contexts), terminator: "")
                }
            }
        }
    }
}

import ArgumentParser
import ArogyaCore
import ArogyaStore
import Foundation

/// `arogya report indicators`: the programme indicators of this facility for a month or any period.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: CommandHelp.text(.helpCliReport1),
        subcommands: [IndicatorsReport.self])

    struct IndicatorsReport: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "indicators",
            abstract: CommandHelp.text(.helpCliReport2),
            discussion: CommandHelp.discussion(.helpCliReport2More))

        @OptionGroup var database: DatabaseOptions
        @ParentCommand var root: Arogya
        @Option(help: ArgumentHelp("A calendar month.", valueName: "YYYY-MM")) var month: String?
        @Option(help: ArgumentHelp("The first day of a period (with --to).", valueName: "YYYY-MM-DD")) var from: String?
        @Option(help: ArgumentHelp("The last day of a period (with --from).", valueName: "YYYY-MM-DD")) var to: String?
        @Option(help: "text, csv or json.") var format: ReviewCommand.Format = .text

        func validate() throws {
            if month != nil && (from != nil || to != nil) { throw ValidationError("Give --month, or --from and --to, not both.") }
            if (from == nil) != (to == nil) { throw ValidationError("Give --from and --to together.") }
        }

        func run() throws {
            let environment = try CommandEnvironment.make(database, root: root)
            let store = try environment.openStore(.forReading)
            let rules = try ProtocolChoice.facilityProtocol(environment)
            let today = LocalTime(store.clock.now()).date
            let period: IndicatorPeriod
            if let month {
                guard let parsed = IndicatorPeriod.month(month) else { try CommandEnvironment.fail(code: 2, "arogya: --month: expected YYYY-MM") }
                period = parsed
            } else if let from, let to {
                guard let first = CivilDate(iso8601: from), let last = CivilDate(iso8601: to), first <= last else {
                    try CommandEnvironment.fail(code: 2, "arogya: --from and --to: expected YYYY-MM-DD, the first not after the last")
                }
                period = IndicatorPeriod(from: first, to: last)
            } else {
                period = IndicatorPeriod.month(containing: today)
            }
            let report = try environment.run { try store.indicators(period: period, rules: rules, today: today) }
            switch format {
            case .json: print(report.json.serialized())
            case .csv: print(CSV.document(header: IndicatorReport.csvHeader, rows: report.csvRows(strings: environment.strings)), terminator: "")
            case .text:
                let facility = (try? store.facility())??.name ?? ""
                let title = environment.strings.text(.indicatorsTitle, ["period": period.label, "facility": facility])
                let unicode = ProcessInfo.processInfo.environment["LANG", default: ""].uppercased().contains("UTF-8")
                    || ProcessInfo.processInfo.environment["LC_ALL", default: ""].uppercased().contains("UTF-8")
                for line in report.text(strings: environment.strings, title: title, definitions: true, unicode: unicode) { print(line) }
            }
        }
    }
}

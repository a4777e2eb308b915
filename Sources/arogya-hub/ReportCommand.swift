import ArgumentParser
import ArogyaCore
import ArogyaHub
import Foundation

extension HubDatabaseOption {
    /// The store the reports read its report tables from.
    func openReports() async throws -> any HubReporting {
        if let url = postgresURL { return try await Self.openCheckedPostgres(url, poolSize: poolSize) }
        return try openSQLite()
    }
}

/// `arogya-hub report`: the block's register and indicators from what the facilities uploaded, one
/// section per facility and a block total, by the same definitions as a terminal's reports.
struct Report: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The day's register and the programme indicators of each facility, and of the block.",
        subcommands: [Daily.self, IndicatorsReport.self])

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, csv, json
    }

    struct Daily: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every screening and follow-up visit uploaded for a day, facility by facility, with the block's totals.",
            discussion: """
                The rows are a terminal's `arogya review daily` rows. csv: a facility column, then the same columns. json: \\
                {date, facilities: [{facility, name, rows: [...]}], total: {visits, referred, urgent}}. Exit 0; 2 for a bad date.
                """)
        @OptionGroup var database: HubDatabaseOption
        @Option(help: ArgumentHelp("The day.", valueName: "YYYY-MM-DD")) var date: String
        @Option(help: ArgumentHelp("Only this facility.", valueName: "ID")) var facility: String?
        @Option(help: "text, csv or json.") var format: Format = .text

        func run() async throws {
            guard let day = CivilDate(iso8601: date) else {
                FileHandle.standardError.write(Data("arogya-hub: --date: expected YYYY-MM-DD\n".utf8))
                throw ExitCode(2)
            }
            try await runReportingFailure {
                let hub = try await database.openReports()
                let strings = hub.vocabulary.strings
                let rules = hub.vocabulary.protocols.protocolFor(state: nil)
                let sections = try await hub.dailyRegister(day: day, facility: facility)
                let rows = sections.map { section in
                    (section, section.content.map { RegisterRow($0, placeNames: $0.places.map { rules.placeName($0, language: strings.language) }) })
                }
                let all = sections.flatMap(\.content)
                switch format {
                case .json:
                    print(JSONValue.object([
                        ("date", .string(day.iso8601)),
                        ("facilities", .array(rows.map { section, rows in
                            .object([("facility", .string(section.facility)), ("name", .string(section.name)), ("rows", .array(rows.map(\.json)))])
                        })),
                        ("total", .object([("visits", .number(Double(all.count))), ("referred", .number(Double(all.filter(\.screening.refer).count))),
                                           ("urgent", .number(Double(all.filter(\.screening.urgent).count)))])),
                    ]).serialized())
                case .csv:
                    print(CSV.document(header: ["facility"] + RegisterRow.csvHeader,
                                       rows: rows.flatMap { section, rows in rows.map { [section.facility] + $0.csvFields } }), terminator: "")
                case .text:
                    for (section, rows) in rows {
                        print(section.facility + " " + section.name + ": " + totals(section.content, day: day, strings: strings))
                        for row in rows { print(row.textLine) }
                        print("")
                    }
                    print(strings[.hubReportBlock] + ": " + totals(all, day: day, strings: strings))
                }
            }
        }

        func totals(_ entries: [RegisterEntry], day: CivilDate, strings: StringTable) -> String {
            let followUps = entries.filter { $0.screening.kind == .followUp }.count
            return strings.text(.cliRegisterTotals, ["date": day.iso8601, "visits": String(entries.count), "screenings": String(entries.count - followUps),
                                                     "follow_ups": String(followUps), "referred": String(entries.filter(\.screening.refer).count),
                                                     "urgent": String(entries.filter(\.screening.urgent).count)])
        }
    }

    struct IndicatorsReport: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "indicators",
            abstract: "The programme indicators of each facility and of the block, for a month (default this one).",
            discussion: """
                The block's figures are counted over all its facilities' people together. csv: a facility column ("block" for \\
                the total), then a terminal's `report indicators` columns. json: {facilities: [{facility, name, report}], block}. \\
                Exit 0; 2 for a bad month.
                """)
        @OptionGroup var database: HubDatabaseOption
        @Option(help: ArgumentHelp("A calendar month.", valueName: "YYYY-MM")) var month: String?
        @Option(help: ArgumentHelp("Only this facility.", valueName: "ID")) var facility: String?
        @Option(help: "text, csv or json.") var format: Format = .text

        func run() async throws {
            let today = LocalTime(Timestamp(Date())).date
            let period: IndicatorPeriod
            if let month {
                guard let parsed = IndicatorPeriod.month(month) else {
                    FileHandle.standardError.write(Data("arogya-hub: --month: expected YYYY-MM\n".utf8))
                    throw ExitCode(2)
                }
                period = parsed
            } else {
                period = IndicatorPeriod.month(containing: today)
            }
            try await runReportingFailure {
                let hub = try await database.openReports()
                let strings = hub.vocabulary.strings
                let rules = hub.vocabulary.protocols.protocolFor(state: nil)
                let (sections, block) = try await hub.indicators(period: period, facility: facility, rules: rules, today: today)
                switch format {
                case .json:
                    print(JSONValue.object([
                        ("facilities", .array(sections.map {
                            .object([("facility", .string($0.facility)), ("name", .string($0.name)), ("report", $0.content.json)])
                        })),
                        ("block", block.json),
                    ]).serialized())
                case .csv:
                    let rows = sections.flatMap { section in section.content.csvRows(strings: strings).map { [section.facility] + $0 } }
                        + block.csvRows(strings: strings).map { ["block"] + $0 }
                    print(CSV.document(header: ["facility"] + IndicatorReport.csvHeader, rows: rows), terminator: "")
                case .text:
                    let unicode = ["LANG", "LC_ALL"].contains { ProcessInfo.processInfo.environment[$0, default: ""].uppercased().contains("UTF-8") }
                    for section in sections {
                        let title = strings.text(.indicatorsTitle, ["period": period.label, "facility": section.facility + " " + section.name])
                        for line in section.content.text(strings: strings, title: title, definitions: false, unicode: unicode) { print(line) }
                    }
                    let title = strings.text(.indicatorsTitle, ["period": period.label, "facility": strings[.hubReportBlock]])
                    for line in block.text(strings: strings, title: title, definitions: true, unicode: unicode) { print(line) }
                }
            }
        }
    }
}

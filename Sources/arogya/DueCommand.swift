import ArgumentParser
import ArogyaCore
import ArogyaStore
import Foundation

/// `arogya due`: who is due or overdue today, most pressing first.
struct DueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "due",
        abstract: CommandHelp.text(.helpCliDue1),
        discussion: CommandHelp.discussion(.helpCliDue1More))

    @OptionGroup var database: DatabaseOptions
    @ParentCommand var root: Arogya

    @Option(help: ArgumentHelp("Only this village or ward.", valueName: "name"))
    var village: String?

    @Option(help: "How many rows.")
    var limit = 50

    @Option(help: "Skip this many rows first (the next page).")
    var offset = 0

    @Flag(help: "Print JSON: {date, totals: {urgent, follow_up, screening}, rows: [{patient_id, name, name_alt, sex, age, village, mobile, tier, since, days_overdue, items: [{item, since}]}]}.")
    var json = false

    func validate() throws {
        guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be from 1 to 10000") }
        guard offset >= 0 else { throw ValidationError("--offset must not be negative") }
    }

    func run() throws {
        let environment = try CommandEnvironment.make(database, root: root)
        let store = try environment.openStore(.mustExist)
        let rules = try ProtocolChoice.facilityProtocol(environment)
        let today = LocalTime(store.clock.now()).date
        let page = try environment.run { try store.dueList(today: today, village: village, limit: limit, offset: offset, protocol: rules) }
        if json {
            print(DueJSON.page(page, today: today).serialized())
            return
        }
        let strings = environment.strings
        guard page.total > 0 else {
            environment.say(.cliDueNone, ["date": today.iso8601])
            return
        }
        environment.say(.cliDueSummary, [
            "date": today.iso8601, "urgent": String(page.totals[.urgent] ?? 0),
            "follow_up": String(page.totals[.followUp] ?? 0), "screening": String(page.totals[.screening] ?? 0),
            "from": String(min(page.total, offset + 1)), "to": String(offset + page.rows.count),
        ])
        let header = [StringKey.cliDueColumnDays, .cliDueColumnTier, .cliDueColumnPatient, .cliDueColumnVillage,
                      .cliDueColumnMobile, .cliDueColumnDue].map { strings[$0] }
        let rows = page.rows.map { row -> [String] in
            let patient = row.patient
            let age = (patient.birthDateEstimated ? "~" : "") + String(patient.age(on: today))
            return [String(row.daysOverdue(on: today)), strings[DueText.tierKey(row.tier)],
                    patient.name + " " + strings[patient.sex.shortKey] + " " + age,
                    patient.village?.name ?? "-", patient.mobile ?? "-",
                    row.items.map { strings[DueText.itemKey($0.item)] }.joined(separator: ", ")]
        }
        print(TextTable.render(header: header, rows: rows))
    }
}

enum DueText {
    static func tierKey(_ tier: CareTier) -> StringKey {
        switch tier {
        case .urgent: return .careTierUrgent
        case .followUp: return .careTierFollowUp
        case .screening: return .careTierScreening
        }
    }

    static func itemKey(_ item: CareItem) -> StringKey {
        switch item {
        case .hypertension: return .careItemHypertension
        case .diabetes: return .careItemDiabetes
        case .oral: return .careItemOral
        case .breast: return .careItemBreast
        case .cervical: return .careItemCervical
        case .followUp: return .careItemFollowUp
        case .referral: return .careItemReferral
        }
    }
}

/// The JSON shape of `arogya due --json`.
enum DueJSON {
    static func page(_ page: DuePage, today: CivilDate) -> JSONValue {
        let tierNames: [CareTier: String] = [.urgent: "urgent", .followUp: "follow_up", .screening: "screening"]
        return .object([
            ("date", .string(today.iso8601)),
            ("totals", .object(CareTier.allCases.map { (tierNames[$0]!, .number(Double(page.totals[$0] ?? 0))) })),
            ("offset", .number(Double(page.offset))),
            ("rows", .array(page.rows.map { row in
                let patient = row.patient
                return .object([
                    ("patient_id", .string(patient.id)), ("name", .string(patient.name)),
                    ("name_alt", patient.nameAlt.map(JSONValue.string) ?? .null), ("sex", .string(patient.sex.rawValue)),
                    ("age", .number(Double(patient.age(on: today)))),
                    ("village", patient.village.map { .string($0.name) } ?? .null),
                    ("mobile", patient.mobile.map(JSONValue.string) ?? .null),
                    ("tier", .string(tierNames[row.tier]!)), ("since", .string(row.since.iso8601)),
                    ("days_overdue", .number(Double(row.daysOverdue(on: today)))),
                    ("items", .array(row.items.map { .object([("item", .string($0.item.rawValue)), ("since", .string($0.since.iso8601))]) })),
                ])
            })),
        ])
    }
}

import ArgumentParser
import ArogyaCore
import ArogyaStore
import Foundation

/// `arogya check`: SQLite's thorough check of the file, the audit chain, and whether rows this terminal
/// saved are still there.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: CommandHelp.text(.helpCliCheck1),
        discussion: CommandHelp.discussion(.helpCliCheck1More))

    @OptionGroup var database: DatabaseOptions
    @ParentCommand var root: Arogya
    @OptionGroup var actorOptions: ActorOptions

    @Flag(name: .customLong("accept-restore"), help: "Accept an older file (a restored backup) as this terminal's database.")
    var acceptRestore = false

    @Flag(help: "Print JSON: {path, sound, problems, audit_broken_row, missing: {expected_row, newest_row}, seconds}.")
    var json = false

    func run() throws {
        let environment = try CommandEnvironment.make(database, root: root)
        let store = try environment.openStore(acceptRestore ? .mustExist : .forReading)
        if acceptRestore {
            let actor = try environment.actor(actorOptions, store: store, supervisorOnly: true)
            try environment.run { try store.acceptRestoredFile(by: actor) }
        }
        let report = try environment.run { try store.thoroughCheck() }
        if json {
            var object: [(key: String, value: JSONValue)] = [
                ("path", .string(store.path)), ("sound", .bool(report.isSound)),
                ("problems", .array(report.problems.map { .string(TextSanitizer.singleLine($0)) })),
                ("audit_broken_row", report.brokenAuditRow.map { .number(Double($0)) } ?? .null),
            ]
            object.append(("missing", report.anchor.map {
                .object([("expected_row", .number(Double($0.expectedId))), ("newest_row", .number(Double($0.newestId)))])
            } ?? .null))
            object.append(("seconds", .number((report.seconds * 1000).rounded() / 1000)))
            print(JSONValue.object(object).serialized())
        } else {
            let strings = environment.strings
            print(strings.text(.cliCheckHeading, ["path": store.path, "seconds": String(format: "%.1f", report.seconds)]))
            if report.problems.isEmpty {
                print("  " + strings[.cliCheckSqliteSound])
            } else {
                print("  " + strings[.cliCheckSqliteDamaged])
                for problem in report.problems { print("    " + TextSanitizer.singleLine(problem)) }
            }
            if let row = report.brokenAuditRow {
                print("  " + strings.text(.cliAuditBroken, ["row": String(row)]))
            } else {
                print("  " + strings[.cliAuditIntact])
            }
            if let missing = report.anchor {
                print("  " + strings.text(.cliCheckRowsMissing, ["expected": String(missing.expectedId), "newest": String(missing.newestId)]))
            } else {
                print("  " + strings[.cliCheckNothingMissing])
            }
            if !report.isSound { print(strings.text(.cliCheckAdvice, ["path": store.path])) }
        }
        if !report.isSound { throw ExitCode(1) }
    }
}

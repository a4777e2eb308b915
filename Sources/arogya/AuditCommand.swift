import ArgumentParser
import ArogyaCore
import ArogyaStore
import Foundation

/// `arogya audit verify`: checks the hash chain of the audit log.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: CommandHelp.text(.helpCliAudit1),
        subcommands: [List.self, Verify.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: CommandHelp.text(.helpCliAudit2))

        @OptionGroup var database: DatabaseOptions
        @ParentCommand var root: Arogya

        @Option(help: "How many rows.")
        var limit = 50

        @Flag(help: "Print JSON: a list of {id, at, actor, action, record_type, record_id, detail}.")
        var json = false

        func validate() throws {
            guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
        }

        func run() throws {
            let environment = try CommandEnvironment.make(database, root: root)
            let store = try environment.openStore(.forReading)
            let entries = try environment.run { try store.recentAudit(limit: limit) }
            if json {
                let objects: [[String: Any]] = entries.map { entry in
                    ["id": entry.id, "at": entry.at.iso8601, "actor": entry.actor, "action": entry.action,
                     "record_type": entry.recordType as Any? ?? NSNull(), "record_id": entry.recordId as Any? ?? NSNull(),
                     "detail": entry.detail.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) } ?? NSNull()]
                }
                let data = try JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys])
                print(String(decoding: data, as: UTF8.self))
                return
            }
            print(TextTable.render(header: ["id", "at", "actor", "action", "record"],
                                   rows: entries.map { [String($0.id), $0.at.iso8601, $0.actor, $0.action,
                                                        [$0.recordType, $0.recordId].compactMap { $0 }.joined(separator: " ")] }))
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CommandHelp.text(.helpCliAudit3))

        @OptionGroup var database: DatabaseOptions
        @ParentCommand var root: Arogya

        func run() throws {
            let environment = try CommandEnvironment.make(database, root: root)
            let store = try environment.openStore(.forReading)
            let broken = try environment.run { try store.firstBrokenAuditRow() }
            if let broken {
                try CommandEnvironment.fail(code: 1, "arogya: " + environment.strings.text(.cliAuditBroken, ["row": String(broken)]))
            }
            environment.say(.cliAuditIntact)
        }
    }
}

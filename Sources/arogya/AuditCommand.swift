import ArgumentParser
import ArogyaCore
import ArogyaStore

/// `arogya audit verify`: checks the hash chain of the audit log.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check the audit log.",
        subcommands: [Verify.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the audit log's hash chain; exit 1 naming the first row that was changed or removed.")

        @OptionGroup var database: DatabaseOptions
        @ParentCommand var root: Arogya

        func run() throws {
            let environment = try CommandEnvironment.make(database, root: root)
            let store = try environment.openStore(.mustExist)
            let broken = try environment.run { try store.firstBrokenAuditRow() }
            if let broken {
                try CommandEnvironment.fail(code: 1, "arogya: " + environment.strings.text(.cliAuditBroken, ["row": String(broken)]))
            }
            environment.say(.cliAuditIntact)
        }
    }
}

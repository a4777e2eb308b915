import ArgumentParser
import ArogyaCore
import ArogyaStore
import Foundation

/// `arogya users …`: accounts, for admins and scripts.
struct UsersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: CommandHelp.text(.helpCliUsers1),
        subcommands: [Add.self, List.self, Disable.self, Enable.self, ResetPin.self, SetLanguage.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CommandHelp.text(.helpCliUsers2))

        @OptionGroup var database: DatabaseOptions
        @ParentCommand var root: Arogya
        @OptionGroup var actorOptions: ActorOptions

        @Argument(help: ArgumentHelp("The login name.", valueName: "user"))
        var username: String

        @Option(help: "worker or supervisor.")
        var role: Role

        @Option(help: "The full name (default: the login name).")
        var name: String?

        @Option(help: ArgumentHelp("The language of her screens: en or hi (default: the facility's).", valueName: "code"))
        var language: String?

        func run() throws {
            let environment = try CommandEnvironment.make(database, root: root)
            let chosen = try language.map(environment.language)
            let store = try environment.openStore(.mustExist)
            let facilityLanguage = try environment.run { try store.defaultLanguage() }
            let new = try environment.run { () throws -> NewAccount in
                let login = try AccountRules.username(username)
                let fullName = try AccountRules.fullName(name ?? login)
                return NewAccount(username: login, fullName: fullName, role: role, pin: try PinReader.read(strings: environment.strings),
                                  language: chosen ?? facilityLanguage)
            }
            let actor = try environment.actor(actorOptions, store: store, supervisorOnly: true)
            let account = try environment.run {
                guard try store.isSetUp() else { throw StoreError.refused(UserMessage(.errorNotSetUp)) }
                return try store.addAccount(new, mustChangePin: true, by: actor)
            }
            environment.say(.cliUserAdded, ["username": account.username, "role": environment.strings[account.role.labelKey]])
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: CommandHelp.text(.helpCliUsers3))

        @OptionGroup var database: DatabaseOptions
        @ParentCommand var root: Arogya

        @Flag(help: "Print JSON: a list of {id, username, full_name, role, language, active, must_change_pin, locked_until, last_login_at}.")
        var json = false

        func run() throws {
            let environment = try CommandEnvironment.make(database, root: root)
            let store = try environment.openStore(.forReading)
            let accounts = try environment.run { try store.accounts() }
            if json {
                let objects: [[String: Any]] = accounts.map { account in
                    [
                        "id": account.id, "username": account.username, "full_name": account.fullName,
                        "role": account.role.rawValue, "language": account.language.rawValue, "active": account.isActive, "must_change_pin": account.mustChangePin,
                        "locked_until": { () -> Any in
                            if case .locked(let until) = account.status(now: store.clock.now(), lockout: store.lockout) { return until.iso8601 }
                            return NSNull()
                        }(),
                        "last_login_at": account.lastLoginAt?.iso8601 as Any? ?? NSNull(),
                    ]
                }
                let data = try JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys])
                print(String(decoding: data, as: UTF8.self))
                return
            }
            let strings = environment.strings
            let header = [strings[.usersColumnUsername], strings[.usersColumnName], strings[.usersColumnRole],
                          strings[.usersColumnStatus], strings[.usersColumnLastLogin], strings[.usersColumnLanguage]]
            let now = store.clock.now()
            let rows = accounts.map { account -> [String] in
                let status = account.status(now: now, lockout: store.lockout).text(strings) { $0.iso8601 }
                return [account.username, account.fullName, strings[account.role.labelKey], status,
                        account.lastLoginAt?.iso8601 ?? strings[.usersNever], account.language.rawValue]
            }
            print(TextTable.render(header: header, rows: rows))
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: CommandHelp.text(.helpCliUsers4))

        @OptionGroup var database: DatabaseOptions
        @ParentCommand var root: Arogya
        @OptionGroup var actorOptions: ActorOptions
        @Argument(help: ArgumentHelp("The login name.", valueName: "user")) var username: String

        func run() throws {
            try UsersCommand.setActive(username, false, database: database, root: root, actorOptions: actorOptions)
        }
    }

    struct Enable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: CommandHelp.text(.helpCliUsers5))

        @OptionGroup var database: DatabaseOptions
        @ParentCommand var root: Arogya
        @OptionGroup var actorOptions: ActorOptions
        @Argument(help: ArgumentHelp("The login name.", valueName: "user")) var username: String

        func run() throws {
            try UsersCommand.setActive(username, true, database: database, root: root, actorOptions: actorOptions)
        }
    }

    struct ResetPin: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-pin",
            abstract: CommandHelp.text(.helpCliUsers6))

        @OptionGroup var database: DatabaseOptions
        @ParentCommand var root: Arogya
        @OptionGroup var actorOptions: ActorOptions
        @Argument(help: ArgumentHelp("The login name.", valueName: "user")) var username: String

        func run() throws {
            let environment = try CommandEnvironment.make(database, root: root)
            let pin = try environment.run { try PinReader.read(strings: environment.strings) }
            let store = try environment.openStore(.mustExist)
            let actor = try environment.actor(actorOptions, store: store, supervisorOnly: true)
            try environment.run { try store.resetPin(username: username, newPin: pin, by: actor) }
            environment.say(.cliPinReset, ["username": username.lowercased()])
        }
    }

    struct SetLanguage: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "language",
            abstract: CommandHelp.text(.helpCliUsers7))

        @OptionGroup var database: DatabaseOptions
        @ParentCommand var root: Arogya
        @OptionGroup var actorOptions: ActorOptions
        @Argument(help: ArgumentHelp("The login name.", valueName: "user")) var username: String
        @Argument(help: ArgumentHelp("The language code: en or hi.", valueName: "language")) var language: String

        func run() throws {
            let environment = try CommandEnvironment.make(database, root: root)
            let chosen = try environment.language(language)
            let store = try environment.openStore(.mustExist)
            let actor = try environment.actor(actorOptions, store: store, supervisorOnly: true)
            let account = try environment.run { try store.setAccountLanguage(username: username, language: chosen, by: actor) }
            environment.say(.cliUserLanguageSet, ["username": account.username, "language": environment.catalog.name(of: chosen)])
        }
    }

    static func setActive(_ username: String, _ active: Bool, database: DatabaseOptions, root: Arogya, actorOptions: ActorOptions) throws {
        let environment = try CommandEnvironment.make(database, root: root)
        let store = try environment.openStore(.mustExist)
        let actor = try environment.actor(actorOptions, store: store, supervisorOnly: true)
        let account = try environment.run { try store.setAccountActive(username: username, active: active, by: actor) }
        environment.say(active ? .cliUserEnabled : .cliUserDisabled, ["username": account.username])
    }
}

extension Role: ExpressibleByArgument {}

/// Columns padded by display width, so Devanagari names line up. Every cell is cleaned first: a value
/// from outside can never add a line to the table or move the cursor.
enum TextTable {
    static func render(header: [String], rows: [[String]]) -> String {
        let all = ([header] + rows).map { $0.map(TextSanitizer.singleLine) }
        let widths = header.indices.map { column in all.map { DisplayWidth.of($0[column]) }.max() ?? 0 }
        return all.map { row in
            var line = ""
            for (column, cell) in row.enumerated() {
                line += column == row.count - 1 ? cell : DisplayWidth.pad(cell, to: widths[column]) + "  "
            }
            return line
        }.joined(separator: "\n")
    }
}

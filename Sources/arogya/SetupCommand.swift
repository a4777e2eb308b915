import ArgumentParser
import ArogyaCore
import ArogyaStore

/// `arogya setup`: the first-run setup, for scripts.
struct SetupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "setup",
        abstract: CommandHelp.text(.helpCliSetup1),
        discussion: CommandHelp.discussion(.helpCliSetup1More))

    @OptionGroup var database: DatabaseOptions
    @ParentCommand var root: Arogya

    @Option(help: "The facility's name.")
    var facility: String

    @Option(name: .customLong("facility-id"), help: "The Health Facility Registry ID (optional).")
    var facilityId: String?

    @Option(help: ArgumentHelp("The state or union territory, by its code (UP, BR, MH…).", valueName: "code"))
    var state: String?

    @Option(name: .customLong("village"), help: "A village or ward served (repeat for each).")
    var villages: [String] = []

    @Option(help: ArgumentHelp("The first supervisor's login name.", valueName: "user"))
    var supervisor: String

    @Option(help: "The first supervisor's full name (default: the login name).")
    var name: String?

    @Option(help: ArgumentHelp("The facility's default language, en or hi: the sign-in screen's, the first supervisor's and new accounts'.",
                               valueName: "code"))
    var language: String = "en"

    func run() throws {
        let environment = try CommandEnvironment.make(database, root: root)
        let chosenLanguage = try environment.language(language)
        // Check everything typed before touching the database, so bad input creates no file.
        let setup = try environment.run { () throws -> FacilitySetup in
            let username = try AccountRules.username(supervisor)
            let facilityName = try FacilityRules.facilityName(facility)
            let hfrId = try FacilityRules.facilityId(facilityId ?? "")
            let stateCode = try FacilityRules.state(state ?? "")
            let villageNames = try FacilityRules.villages(villages)
            let fullName = try AccountRules.fullName(name ?? username)
            let pin = try PinReader.read(strings: environment.strings)
            return FacilitySetup(facilityName: facilityName, hfrId: hfrId, state: stateCode, villages: villageNames,
                                 supervisor: NewAccount(username: username, fullName: fullName, role: .supervisor, pin: pin,
                                                        language: chosenLanguage),
                                 language: chosenLanguage)
        }
        let store = try environment.openStore(.createIfMissing)
        let actor = AuditActor.commandLine(unixUser: CommandEnvironment.unixLoginName())
        try environment.run { _ = try store.completeSetup(setup, by: actor) }
        environment.say(.cliSetupDone, ["facility": setup.facilityName, "username": setup.supervisor.username,
                                        "path": environment.databasePath])
    }
}

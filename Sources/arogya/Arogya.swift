import ArgumentParser
import ArogyaCore
import ArogyaStore

struct Arogya: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "arogya",
        abstract: CommandHelp.text(.helpCliArogya1),
        discussion: CommandHelp.discussion(.helpCliArogya1More),
        version: ArogyaVersion.current,
        subcommands: [UICommand.self, SetupCommand.self, UsersCommand.self, PatientsCommand.self, ScreeningsCommand.self, DueCommand.self, ProtocolCommand.self, DemoCommand.self, AuditCommand.self, CheckCommand.self, HubCommandGroup.self, SyncCommand.self, AbhaCommand.self, ReviewCommand.self, ReportCommand.self],
        defaultSubcommand: UICommand.self
    )

    /// `arogya --db PATH …`: the database given before the command name, for every command.
    @Option(name: .customLong("db"), help: ArgumentHelp("The database file (see the commands' --db).", valueName: "path"))
    var databasePath: String?
}

/// `--db PATH`, accepted by every command.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("db"), help: ArgumentHelp(
        "The database file (default: $AROGYA_DB, else $XDG_DATA_HOME/arogya/arogya.sqlite, else ~/.local/share/arogya/arogya.sqlite).",
        valueName: "path"))
    var path: String?

    /// `--db` after the command name, else before it, else the environment and the XDG default.
    func resolvedPath(root: Arogya) -> String {
        DatabaseLocation.resolve(explicit: path ?? root.databasePath)
    }
}

/// `--as USER`, for commands that change data.
struct ActorOptions: ParsableArguments {
    @Option(name: .customLong("as"), help: ArgumentHelp(
        "Record the change in the audit log as this account (default: cli:<your Unix login name>).", valueName: "user"))
    var account: String?
}

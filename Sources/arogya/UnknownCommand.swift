import ArgumentParser

/// A command name that is not one: said as such, with the commands there are, before the parser reads
/// it as an argument of the default command (`Usage: arogya ui`) or of the group it follows.
enum UnknownCommand {
    /// Options that take a value in the next argument, at any level, as groups and the default command
    /// accept them before a command name.
    static let optionsWithValue: Set<String> = ["--db"]

    /// The message for the first word that should name a command and does not, or nil.
    static func problem(_ arguments: [String], root: any ParsableCommand.Type = Arogya.self) -> String? {
        var command: any ParsableCommand.Type = root
        var path = [root._commandName]
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            if word == "--" { return nil }
            if word.hasPrefix("-") {
                index += optionsWithValue.contains(word) ? 2 : 1
                continue
            }
            let subcommands = command.configuration.subcommands
            guard !subcommands.isEmpty, word != "help" else { return nil }
            guard let next = subcommands.first(where: { $0._commandName == word || $0.configuration.aliases.contains(word) }) else {
                // A group that runs by itself (`sync`) takes no words but its commands; neither does the top.
                let names = subcommands.map { $0._commandName }
                return "unknown command '\(word)' for '\(path.joined(separator: " "))'; the commands are: \(names.joined(separator: ", "))"
            }
            command = next
            path.append(next._commandName)
            index += 1
        }
        return nil
    }
}

import ArgumentParser

struct StartupBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "startup", abstract: "Cold start to the login screen.")
    func run() throws {}
}

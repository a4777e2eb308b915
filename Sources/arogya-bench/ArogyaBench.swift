import ArgumentParser

struct ArogyaBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "arogya-bench",
        abstract: "Measure Arogya's speed and memory; prints figures, judges nothing.",
        subcommands: [StartupBenchmark.self])
}

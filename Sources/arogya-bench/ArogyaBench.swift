import ArgumentParser

struct ArogyaBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "arogya-bench",
        abstract: "Measure Arogya's speed and memory. It prints figures and judges nothing.",
        discussion: "Build both in release mode first: swift build -c release",
        subcommands: [StartupBenchmark.self, SearchBenchmark.self, EngineBenchmark.self, DueBenchmark.self, SyncBenchmark.self, StressBenchmark.self, AbhaBenchmark.self, ReviewBenchmark.self, HubReportBenchmark.self])
}

import ArgumentParser

/// Standard output is line-buffered from the start (CPseudoTerminal sets it before `main`), so that figures
/// already printed survive a run that is stopped.
@main
struct ArogyaBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "arogya-bench",
        abstract: "Measure Arogya's speed and memory. It prints figures and judges nothing.",
        discussion: "Build both in release mode first: swift build -c release",
        subcommands: [StartupBenchmark.self, SearchBenchmark.self, EngineBenchmark.self, DueBenchmark.self, SyncBenchmark.self, StressBenchmark.self, AbhaBenchmark.self, ReviewBenchmark.self, HubReportBenchmark.self, HubLoadBenchmark.self, HipBenchmark.self])
}

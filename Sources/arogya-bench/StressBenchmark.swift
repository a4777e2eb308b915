import ArgumentParser
import ArogyaTesting
import Foundation

/// `arogya-bench stress`: several processes writing to one terminal's database at once, one of them killed
/// with SIGKILL at random moments; then the file's soundness and every acknowledged change are checked.
struct StressBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stress",
        abstract: "Many processes writing one database, killed at random: prints what ran, what was killed, and what was lost (it must be nothing).",
        discussion: """
            Each worker runs, one after another, the commands that write: patients add, screenings add, patients mark, \
            patients merge, demo, due, sync (to a real arogya-hub on loopback), users add, enable, disable and reset-pin. \
            Afterwards: SQLite's integrity_check, the audit chain, arogya check, every acknowledged change found in the \
            file, and every record at the hub after a last sync. Exit 1 when anything was lost or damaged.
            """)

    @Option(help: "Processes writing at once.") var workers = 4
    @Option(help: "How long to run, in seconds.") var seconds = 120.0
    @Option(help: "Fewest seconds between two kills.") var killMin = 0.3
    @Option(help: "Most seconds between two kills.") var killMax = 1.5
    @Option(help: "The seed of every random choice.") var seed: UInt64 = 1
    @Option(help: "The arogya binary to stress (default: the one beside this benchmark).") var binary: String?
    @Option(help: "The arogya-hub binary (default: beside the arogya binary).") var hubBinary: String?
    @Option(help: "Commands to leave out, comma-separated (for an older version without some).") var without: String = ""
    @Option(help: "Folder for the databases (default: a new temporary folder).") var folder: String?

    func validate() throws {
        guard (1...32).contains(workers) else { throw ValidationError("--workers must be from 1 to 32") }
        guard seconds > 0, killMin > 0, killMax >= killMin else { throw ValidationError("--seconds, --kill-min and --kill-max must be positive, min ≤ max") }
        for name in without.split(separator: ",") where MultiProcessStress.Kind(rawValue: String(name)) == nil {
            throw ValidationError("--without: \(name) is not one of \(MultiProcessStress.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() throws {
        let arogya = binary ?? StartupBenchmark.sibling("arogya")
        let hub = hubBinary ?? ((arogya as NSString).deletingLastPathComponent + "/arogya-hub")
        var options = MultiProcessStress.Options(arogya: arogya, hub: hub,
                                                 folder: folder ?? (NSTemporaryDirectory() + "arogya-stress-\(getpid())"))
        options.workers = workers
        options.seconds = seconds
        options.killEvery = killMin...killMax
        options.seed = seed
        options.without = Set(without.split(separator: ",").compactMap { MultiProcessStress.Kind(rawValue: String($0)) })
        print("machine: \(StartupBenchmark.machine())")
        print("binary: \(arogya)")
        print("databases in \(options.folder)")
        let report = try MultiProcessStress(options).run()
        print(report)
        print(report.isSound ? "result: nothing lost, nothing damaged" : "result: FAILED")
        if !report.isSound { throw ExitCode(1) }
    }
}

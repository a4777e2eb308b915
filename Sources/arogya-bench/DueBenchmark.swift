import ArgumentParser
import ArogyaCore
import ArogyaStore
import Foundation

/// `arogya-bench due`: the due list on a large database made by `arogya demo` (with its history).
///
/// Times the whole command a supervisor runs, `arogya due --limit 50`, as a process from start to exit, and
/// the store's call behind it in this process: the first page, one village's first page, and a page deep in
/// the list.
struct DueBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "due",
        abstract: "Due list latency: the arogya due command end to end, and the store's query by page and village.")

    @Option(help: "The database, made by `arogya setup` and `arogya demo`.")
    var db: String

    @Option(help: "Runs of each.")
    var runs = 30

    @Option(help: "The arogya binary to run (default: the one beside this benchmark).")
    var binary: String?

    func run() throws {
        let arogya = binary ?? StartupBenchmark.sibling("arogya")
        var command: [Double] = []
        for _ in 0..<runs {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: arogya)
            process.arguments = ["due", "--db", db, "--limit", "50"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            let start = DispatchTime.now().uptimeNanoseconds
            try process.run()
            let deadline = StepDeadline(process, seconds: 120, step: "arogya due")
            process.waitUntilExit()
            try deadline.check()
            command.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            guard process.terminationStatus == 0 else { throw ValidationError("arogya due exited with \(process.terminationStatus)") }
        }
        report("arogya due --limit 50 (process)", command)

        let store = try AppDatabase.open(path: db, mode: .mustExist)
        guard let assets = AssetDirectory.locate() else { throw ValidationError("cannot find the assets folder") }
        let library = try ProtocolLibrary.load(from: assets)
        let facility = try store.facility()
        let rules = library.protocolFor(state: facility?.state?.code)
        let today = LocalTime(store.clock.now()).date
        let first = try store.dueList(today: today, limit: 50, protocol: rules)
        print("patients \(try store.patientCount()); due today \(first.total): \(first.totals[.urgent] ?? 0) urgent, "
              + "\(first.totals[.followUp] ?? 0) follow-up or referral, \(first.totals[.screening] ?? 0) screening")
        let village = facility?.villages.first?.name
        let deep = max(0, first.total / 2)
        for (label, village, offset) in [("first page (store)", nil as String?, 0), ("one village, first page", village, 0),
                                         ("page at the middle of the list", nil, deep)] {
            var times: [Double] = []
            for _ in 0..<runs {
                let start = DispatchTime.now().uptimeNanoseconds
                _ = try store.dueList(today: today, village: village, limit: 50, offset: offset, protocol: rules)
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            report(label, times)
        }
        let sizes = try store.storageBytesByObject()
        let care = ["care_due", "care_due_urgent", "care_due_follow", "care_due_screen"].compactMap { sizes[$0] }.reduce(0, +)
        let screening = ["screening", "screening_patient", "referral", "referral_patient"].compactMap { sizes[$0] }.reduce(0, +)
        print("storage: screenings and referrals \(screening / 1_048_576) MB; due dates and their indexes \(care / 1_048_576) MB")
    }

    func report(_ label: String, _ times: [Double]) {
        let summary = Summary(times)
        print("\(DisplayWidth.pad(label, to: 34)) p50 \(formatted(summary.median, digits: 2)) ms  p95 \(formatted(summary.p95, digits: 2)) ms  max \(formatted(summary.maximum, digits: 2)) ms")
    }
}

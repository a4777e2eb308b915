import ArgumentParser
import ArogyaCore
import Foundation
import GRDB

/// `arogya-bench sync`: upload and download through a real `arogya-hub` on loopback.
///
/// 1. A terminal with N demo patients waiting pushes them all (`arogya sync`, the whole command).
/// 2. A new terminal of the same facility pulls them all.
/// 3. Another terminal pushes through a proxy that loses a fifth of the requests or of their answers and
///    delays the rest; the hub must then hold exactly what was sent, each record once.
struct SyncBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Sync throughput: push N records to a hub on loopback, pull them into a new terminal, and push through a faulty proxy.")

    @Option(help: "Patients made by `arogya demo` for the push and pull (records = patients + 2).")
    var patients = 100_000

    @Option(help: "Patients for the run through the faulty proxy.")
    var faultyPatients = 20_000

    @Option(help: "Share of requests lost through the proxy (half before the hub, half after it answered).")
    var dropRate = 0.2

    @Option(help: "Folder for the databases (default: a new temporary folder).")
    var folder: String?

    func run() throws {
        let arogya = StartupBenchmark.sibling("arogya")
        let hubBinary = StartupBenchmark.sibling("arogya-hub")
        let root = folder ?? (NSTemporaryDirectory() + "arogya-sync-bench-\(getpid())")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let hubDB = root + "/hub.sqlite"
        print("machine: \(StartupBenchmark.machine())")

        _ = try Self.run(hubBinary, ["facilities", "add", "IN0001", "--name", "AAM Bench", "--db", hubDB])
        let log = root + "/hub.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let hub = Process()
        hub.executableURL = URL(fileURLWithPath: hubBinary)
        hub.arguments = ["serve", "--db", hubDB, "--port", "0", "--log-level", "notice"]
        hub.standardOutput = FileHandle(forWritingAtPath: log)
        hub.standardError = FileHandle(forWritingAtPath: log)
        try hub.run()
        defer { hub.terminate(); hub.waitUntilExit() }
        let port = try Self.waitForPort(log)
        let address = "http://127.0.0.1:\(port)"

        func terminal(_ name: String, patients: Int, seed: Int, via url: String) throws -> String {
            let database = root + "/\(name).sqlite"
            try? FileManager.default.removeItem(atPath: database)
            _ = try Self.run(arogya, ["setup", "--db", database, "--facility", "AAM Bench", "--supervisor", "priya", "--village", "Rampur"], stdin: "4826\n")
            if patients > 0 {
                _ = try Self.run(arogya, ["demo", "--db", database, "--patients", String(patients), "--seed", String(seed), "--no-history"])
            }
            let added = try Self.run(hubBinary, ["devices", "add", "--facility", "IN0001", "--label", name, "--db", hubDB])
            guard let token = added.split(separator: "\n").first(where: { $0.hasPrefix("token") })?.split(separator: " ").last else {
                throw ValidationError("no token in: \(added)")
            }
            _ = try Self.run(arogya, ["hub", "connect", url, "--token", String(token), "--db", database])
            return database
        }

        // 1. Push.
        print("making \(patients) patients to push…")
        let first = try terminal("push", patients: patients, seed: 11, via: address)
        let push = try Self.measure(arogya, ["sync", "--json", "--db", first])
        let pushed = try JSONParser.parse(push.output)
        var accepted = 0
        if let count = pushed["pushed"]?["accepted"]?.int64 { accepted = Int(count) }
        print("push: \(accepted) records accepted in \(formatted(push.seconds, digits: 2)) s = \(formatted(Double(accepted) / push.seconds, digits: 0)) records/s end to end (target ≥ 5,000); terminal peak RSS \(formatted(push.peakMB)) MB; hub peak RSS so far \(formatted(Self.peakMB(hub.processIdentifier))) MB")

        // 2. Pull into a new terminal.
        let second = try terminal("pull", patients: 0, seed: 0, via: address)
        let pull = try Self.measure(arogya, ["sync", "--json", "--db", second])
        let pulled = try JSONParser.parse(pull.output)["pulled"]?.int64.map(Int.init) ?? 0
        print("pull: \(pulled) records into a new terminal in \(formatted(pull.seconds, digits: 2)) s (target ≤ 30 s) = \(formatted(Double(pulled) / pull.seconds, digits: 0)) records/s; terminal peak RSS \(formatted(pull.peakMB)) MB")

        // 3. Through a faulty proxy.
        let proxy = try FaultProxy(upstreamPort: port, dropRate: dropRate, maximumDelay: 0.3)
        print("making \(faultyPatients) patients to push through a proxy losing \(Int(dropRate * 100))% of requests or answers…")
        let third = try terminal("faulty", patients: faultyPatients, seed: 13, via: "http://127.0.0.1:\(proxy.port)")
        let start = Date()
        var runs = 0
        var exit: Int32 = 1
        while exit != 0 && runs < 10 {
            runs += 1
            exit = try Self.measure(arogya, ["sync", "--json", "--db", third], allowFailure: true).status
        }
        let elapsed = Date().timeIntervalSince(start)
        let counts = proxy.snapshot
        let queue = try DatabaseQueue(path: hubDB)
        let (records, versions) = try queue.read { db in
            let device = try String.fetchOne(db, sql: "SELECT id FROM device WHERE label = 'faulty'")
            return (try Int.fetchOne(db, sql: "SELECT count(*) FROM record WHERE device_id = ?", arguments: [device]) ?? 0,
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM record_version WHERE device_id = ?", arguments: [device]) ?? 0)
        }
        let expected = faultyPatients + 2
        print("faulty proxy: \(counts.requests) requests, \(counts.lostRequests) lost before the hub, \(counts.lostAnswers) answers lost after it; \(runs) sync runs, \(formatted(elapsed, digits: 1)) s")
        print("faulty proxy: hub holds \(records) records and \(versions) versions from that terminal, of \(expected) sent: \(records == expected && versions == expected ? "exact, nothing lost, nothing doubled" : "NOT EXACT")")
        print("hub peak RSS \(formatted(Self.peakMB(hub.processIdentifier))) MB")
    }

    struct Measured {
        let seconds: Double
        let peakMB: Double
        let output: String
        let status: Int32
    }

    /// Runs a command, sampling its peak RSS (VmHWM) every 10 ms until it ends.
    static func measure(_ binary: String, _ arguments: [String], allowFailure: Bool = false) throws -> Measured {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let start = DispatchTime.now().uptimeNanoseconds
        try process.run()
        let deadline = StepDeadline(process, seconds: 1800, step: arguments.prefix(2).joined(separator: " "))
        var peak = 0.0
        // Read while it runs, so that a long answer cannot fill the pipe and stall it.
        final class Collected: @unchecked Sendable { var data = Data() }
        let collected = Collected()
        let done = DispatchSemaphore(value: 0)
        let handle = output.fileHandleForReading
        DispatchQueue.global().async { collected.data = handle.readDataToEndOfFile(); done.signal() }
        while process.isRunning {
            peak = max(peak, peakMB(process.processIdentifier))
            usleep(10_000)
        }
        process.waitUntilExit()
        done.wait()
        try deadline.check()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        if !allowFailure && process.terminationStatus != 0 {
            throw ValidationError("\(arguments.joined(separator: " ")) exited with \(process.terminationStatus)")
        }
        return Measured(seconds: seconds, peakMB: peak, output: String(decoding: collected.data, as: UTF8.self), status: process.terminationStatus)
    }

    /// The kernel's high-water mark of a running process, in MB; 0 once it has gone.
    static func peakMB(_ pid: Int32) -> Double {
        Double(PseudoTerminalRun.highWaterMark(pid) ?? 0) / 1_048_576
    }

    @discardableResult
    static func run(_ binary: String, _ arguments: [String], stdin: String = "") throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = StepDeadline(process, seconds: 1800, step: ((binary as NSString).lastPathComponent + " " + arguments.prefix(2).joined(separator: " ")))
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try deadline.check()
        guard process.terminationStatus == 0 else {
            throw ValidationError("\((binary as NSString).lastPathComponent) \(arguments.joined(separator: " ")) exited with \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    static func waitForPort(_ log: String) throws -> UInt16 {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: "url=http://127.0.0.1:"), let port = UInt16(text[range.upperBound...].prefix { $0.isNumber }) {
                return port
            }
            usleep(100_000)
        }
        throw ValidationError("the hub did not start; its log: \(log)")
    }
}

import ArgumentParser
import ArogyaCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `arogya-bench startup`: cold start to the login screen, and peak memory at the home screen.
///
/// Each run starts `arogya` on a fresh pseudo-terminal at 80×24 with `AROGYA_BENCH_EXIT_AT` set, so that
/// it leaves as soon as the named screen has been drawn with nothing still loading. The time is the
/// whole process, from spawn to exit; the memory is the kernel's peak resident set of the process.
struct StartupBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "startup",
        abstract: "Cold start to the login screen (target ≤ 150 ms median) and peak memory at home (target ≤ 35 MB).")

    @Option(help: "The arogya binary to measure (default: the one beside this benchmark).")
    var binary: String?

    @Option(help: "Measured runs of each kind.")
    var runs = 20

    func run() throws {
        let arogya = binary ?? Self.sibling("arogya")
        guard FileManager.default.isExecutableFile(atPath: arogya) else {
            throw ValidationError("no arogya binary at \(arogya); build it first (swift build -c release)")
        }
        let folder = NSTemporaryDirectory() + "arogya-bench-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let database = folder + "/bench.sqlite"
        try Self.setUp(arogya: arogya, database: database)

        let environment = [
            "TERM": "xterm-256color", "LANG": "C.UTF-8", "LINES": "24", "COLUMNS": "80", "TZ": "UTC",
            "HOME": folder, "PATH": "/usr/bin:/bin",
        ]
        func measure(exitAt screen: String, typeAhead: String) throws -> [PseudoTerminalRun.Outcome] {
            var environment = environment
            environment["AROGYA_BENCH_EXIT_AT"] = screen
            let run = PseudoTerminalRun(executable: arogya, arguments: ["--db", database], environment: environment, typeAhead: typeAhead)
            _ = try run.run()  // warm-up: the file cache, as on a machine that has run it before
            return try (0..<runs).map { _ in
                let outcome = try run.run()
                guard outcome.exitStatus == 0 else { throw ValidationError("arogya exited with \(outcome.exitStatus)") }
                return outcome
            }
        }

        let login = try measure(exitAt: "LoginScreen", typeAhead: "")
        let home = try measure(exitAt: "HomeScreen", typeAhead: "4826\r")
        let languages = try compareLanguages(arogya: arogya, folder: folder, environment: environment)
        let size = (try? FileManager.default.attributesOfItem(atPath: arogya)[.size] as? Int) ?? 0

        let loginTimes = Summary(login.map { $0.wallSeconds * 1000 })
        let homeTimes = Summary(home.map { $0.wallSeconds * 1000 })
        let loginMemory = Summary(login.map { Double($0.peakResidentBytes) / 1_048_576 })
        let homeMemory = Summary(home.map { Double($0.peakResidentBytes) / 1_048_576 })
        print("arogya-bench startup: \(arogya)")
        print("  machine: \(Self.machine())")
        print("  runs: \(runs) of each, after one warm-up run")
        print("  start to login screen drawn:  median \(formatted(loginTimes.median)) ms, p95 \(formatted(loginTimes.p95)) ms, min \(formatted(loginTimes.minimum)) ms, max \(formatted(loginTimes.maximum)) ms   (target ≤ 150 ms median)")
        print("  peak memory at login screen:  median \(formatted(loginMemory.median)) MB, max \(formatted(loginMemory.maximum)) MB")
        print("  start, PIN, home screen drawn: median \(formatted(homeTimes.median)) ms, p95 \(formatted(homeTimes.p95)) ms (includes the PIN check)")
        print("  peak memory at home screen:   median \(formatted(homeMemory.median)) MB, max \(formatted(homeMemory.maximum)) MB   (target ≤ 35 MB)")
        print("  binary size: \(formatted(Double(size) / 1_048_576)) MB")
        languages.print()
    }

    /// The cost of Hindi: start to the login screen drawn in Hindi with every table installed, against the
    /// floor of the same start with English alone installed (no hi.json, no Hindi in the protocol file),
    /// runs alternating (A B B A …) so that both see the same machine and neither always runs second.
    struct LanguageComparison {
        let floor: [PseudoTerminalRun.Outcome], installed: [PseudoTerminalRun.Outcome], hindi: [PseudoTerminalRun.Outcome]

        func print() {
            func line(_ name: String, _ runs: [PseudoTerminalRun.Outcome]) {
                let times = Summary(runs.map { $0.wallSeconds * 1000 }), memory = Summary(runs.map { Double($0.peakResidentBytes) / 1_048_576 })
                Swift.print("    \(name) median \(formatted(times.median)) ms, peak memory median \(formatted(memory.median)) MB")
            }
            /// The median of each run over the floor's run of the same round: it holds when the machine drifts.
            func ratio(_ runs: [PseudoTerminalRun.Outcome]) -> Double {
                Summary(zip(runs, floor).map { $0.wallSeconds / $1.wallSeconds }).median
            }
            func memory(_ runs: [PseudoTerminalRun.Outcome]) -> Double {
                Summary(runs.map { Double($0.peakResidentBytes) / 1_048_576 }).median - Summary(floor.map { Double($0.peakResidentBytes) / 1_048_576 }).median
            }
            func hundredths(_ value: Double) -> String {
                let scaled = Int((value * 100).rounded())
                return String(scaled / 100) + "." + (scaled % 100 < 10 ? "0" : "") + String(scaled % 100)
            }
            Swift.print("  languages: start to the login screen; rounds of three runs in turn, the order rotating each round")
            line("English alone installed (floor):    ", floor)
            line("Hindi installed, English shown:     ", installed)
            line("Hindi installed and shown:          ", hindi)
            Swift.print("    installed, English shown / floor: time \(hundredths(ratio(installed)))×, memory +\(formatted(memory(installed))) MB (the cost of reading hi.json at start)")
            let timeRatio = ratio(hindi), extra = memory(hindi)
            Swift.print("    Hindi shown / floor: time \(hundredths(timeRatio))× (target ≤ 1.05×: \(timeRatio <= 1.05 ? "met" : "MISSED")), memory +\(formatted(extra)) MB (target ≤ 1 MB: \(extra <= 1 ? "met" : "MISSED"))")
        }
    }

    func compareLanguages(arogya: String, folder: String, environment: [String: String]) throws -> LanguageComparison {
        guard let assets = AssetDirectory.locate() else { throw ValidationError("the assets folder is not found; set AROGYA_ASSETS") }
        let englishOnly = folder + "/assets-en"
        try Self.copyEnglishOnly(from: assets.root, to: englishOnly)
        let englishDatabase = folder + "/en.sqlite", hindiDatabase = folder + "/hi.sqlite"
        try Self.setUp(arogya: arogya, database: englishDatabase, language: "en", assets: englishOnly)
        try Self.setUp(arogya: arogya, database: hindiDatabase, language: "hi", assets: assets.root)
        func run(_ database: String, _ assetsRoot: String) -> PseudoTerminalRun {
            var variables = environment
            variables["AROGYA_BENCH_EXIT_AT"] = "LoginScreen"
            variables["AROGYA_ASSETS"] = assetsRoot
            return PseudoTerminalRun(executable: arogya, arguments: ["--db", database], environment: variables, typeAhead: "")
        }
        let variants = [run(englishDatabase, englishOnly), run(englishDatabase, assets.root), run(hindiDatabase, assets.root)]
        for variant in variants { _ = try variant.run() }
        var outcomes: [[PseudoTerminalRun.Outcome]] = [[], [], []]
        for round in 0..<runs {
            for step in 0..<3 {
                let which = (round + step) % 3
                outcomes[which].append(try variants[which].run())
            }
        }
        guard outcomes.joined().allSatisfy({ $0.exitStatus == 0 }) else { throw ValidationError("arogya did not reach the login screen") }
        return LanguageComparison(floor: outcomes[0], installed: outcomes[1], hindi: outcomes[2])
    }

    /// The asset folder as a facility without Hindi has it: the other tables left out, and the protocol
    /// files' labels in English alone.
    static func copyEnglishOnly(from source: String, to destination: String) throws {
        let files = FileManager.default
        try files.copyItem(atPath: source, toPath: destination)
        for table in try files.contentsOfDirectory(atPath: destination + "/strings") where table != "en.json" {
            try files.removeItem(atPath: destination + "/strings/" + table)
        }
        func englishOnly(_ value: Any) -> Any {
            if let object = value as? [String: Any] {
                if let english = object["en"] as? String, object.values.allSatisfy({ $0 is String }) { return ["en": english] }
                return object.mapValues(englishOnly)
            }
            if let array = value as? [Any] { return array.map(englishOnly) }
            return value
        }
        let protocols = destination + "/protocols"
        for file in try files.contentsOfDirectory(atPath: protocols) where file.hasSuffix(".json") {
            let path = protocols + "/" + file
            let object = try JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: path)))
            try JSONSerialization.data(withJSONObject: englishOnly(object)).write(to: URL(fileURLWithPath: path))
        }
    }

    static func setUp(arogya: String, database: String, language: String = "en", assets: String? = nil) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arogya)
        process.arguments = ["setup", "--db", database, "--facility", "Benchmark AAM", "--supervisor", "bench", "--village", "Rampur",
                             "--language", language]
        if let assets { process.environment = ProcessInfo.processInfo.environment.merging(["AROGYA_ASSETS": assets]) { _, new in new } }
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = StepDeadline(process, seconds: 60, step: "arogya setup")
        input.fileHandleForWriting.write(Data("4826\n".utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        try deadline.check()
        guard process.terminationStatus == 0 else { throw ValidationError("arogya setup failed with \(process.terminationStatus)") }
    }

    static func sibling(_ name: String) -> String {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return (me as NSString).deletingLastPathComponent + "/" + name
    }

    /// "2 cores, Intel(R) Xeon(R) …, 23 GiB"
    static func machine() -> String {
        let cpuInfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let modelLine = cpuInfo.split(separator: "\n").first { $0.hasPrefix("model name") }
        let model = modelLine?.split(separator: ":", maxSplits: 1).last.map { String($0).trimmingCharacters(in: .whitespaces) }
        let memInfo = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) ?? ""
        let totalKilobytes = memInfo.split(separator: "\n").first.flatMap { line in line.split(separator: " ").dropFirst().first }
        let memory = totalKilobytes.flatMap { Double($0) }.map { formatted($0 / 1_048_576) + " GiB" } ?? "?"
        return "\(ProcessInfo.processInfo.activeProcessorCount) cores, \(model ?? "unknown CPU"), \(memory)"
    }
}

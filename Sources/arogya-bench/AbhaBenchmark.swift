import ArgumentParser
import ArogyaCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `arogya-bench abha`: `arogya abha enrol` from start to linked, against the ABDM simulator behind a
/// real hub on loopback, with the Aadhaar number and OTP ready on standard input (so no typing is timed).
///
/// Each run enrols a new resident, so every run makes an ABHA rather than finding one. Beside it, in the
/// same run, the floor: the start of the same binary (`arogya --version`) and the same number of requests
/// through the hub to the simulator made by `curl` on one connection, which is the network's part with
/// no encryption, no database and no checks.
struct AbhaBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "abha",
        abstract: "ABHA enrolment with Aadhaar OTP through the hub to the ABDM simulator: time and requests, beside a floor.")

    @Option(help: "Enrolments measured (each a new resident), after one warm-up.") var runs = 10

    func run() throws {
        let arogya = StartupBenchmark.sibling("arogya")
        let hubBinary = StartupBenchmark.sibling("arogya-hub")
        let root = NSTemporaryDirectory() + "arogya-abha-bench-\(getpid())"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        print("machine: \(StartupBenchmark.machine())")

        // Residents with numbers that pass Verhoeff, one per run and one for the warm-up.
        var residents: [(aadhaar: String, mobile: String)] = []
        var body = 40_000_000_000
        while residents.count < runs + 1 {
            body += 7919
            if let number = (0...9).map({ String(body) + String($0) }).first(where: Aadhaar.isValid) {
                residents.append((number, "97" + String(12_345_678 + residents.count * 7919)))
            }
        }
        let people = JSONValue.array(residents.enumerated().map { index, resident in
            .object([("aadhaar", .string(resident.aadhaar)), ("first_name", .string("Bench")), ("last_name", .string(Self.letters(index))),
                     ("gender", .string("F")), ("dob", .string("01-01-1980")), ("mobile", .string(resident.mobile))])
        })
        try people.serialized().write(toFile: root + "/people.json", atomically: true, encoding: .utf8)

        let simulatorLog = root + "/simulator.log"
        let simulator = try Self.start(hubBinary, ["abdm-simulator", "--port", "0", "--otp", "123456", "--people", root + "/people.json"], log: simulatorLog)
        defer { simulator.terminate(); simulator.waitUntilExit() }
        let abdmPort = try Self.waitFor(simulatorLog, marker: "on http://127.0.0.1:")
        let config = root + "/abdm.json"
        try JSONValue.object([("gateway_url", .string("http://127.0.0.1:\(abdmPort)/api/hiecm")), ("abha_url", .string("http://127.0.0.1:\(abdmPort)/abha/api")),
                              ("client_id", .string("arogya-simulator")), ("client_secret", .string("simulator-secret")), ("cm_id", .string("sbx"))])
            .serialized().write(toFile: config, atomically: true, encoding: .utf8)
        chmod(config, 0o600)
        let hubDB = root + "/hub.sqlite"
        _ = try SyncBenchmark.run(hubBinary, ["facilities", "add", "IN0001", "--name", "AAM Bench", "--db", hubDB])
        let hubLog = root + "/hub.log"
        let hub = try Self.start(hubBinary, ["serve", "--db", hubDB, "--port", "0", "--abdm-config", config], log: hubLog)
        defer { hub.terminate(); hub.waitUntilExit() }
        let hubPort = try Self.waitFor(hubLog, marker: "url=http://127.0.0.1:")
        let database = root + "/terminal.sqlite"
        _ = try SyncBenchmark.run(arogya, ["setup", "--db", database, "--facility", "AAM Bench", "--supervisor", "priya", "--village", "Rampur"], stdin: "4826\n")
        let added = try SyncBenchmark.run(hubBinary, ["devices", "add", "--facility", "IN0001", "--label", "bench", "--db", hubDB])
        guard let token = added.split(separator: "\n").first(where: { $0.hasPrefix("token") })?.split(separator: " ").last.map(String.init) else {
            throw ValidationError("no token in: \(added)")
        }
        _ = try SyncBenchmark.run(arogya, ["hub", "connect", "http://127.0.0.1:\(hubPort)", "--token", token, "--db", database])

        func lines(_ log: String, containing text: String) -> Int {
            ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").components(separatedBy: "\n").filter { $0.contains(text) }.count
        }
        var seconds: [Double] = []
        var terminalRequests: [Int] = []
        var abdmCalls: [Int] = []
        for (index, resident) in residents.enumerated() {
            let patient = try JSONParser.parse(try SyncBenchmark.run(arogya, [
                "patients", "add", "--db", database, "--name", "Bench " + Self.letters(index), "--sex", "female", "--dob", "1980-01-01",
                "--village", "Rampur", "--mobile", resident.mobile, "--new", "--json"]))
            guard case .string(let id)? = patient["id"] else { throw ValidationError("no patient id") }
            let (hubBefore, abdmBefore) = (lines(hubLog, containing: "hb.request.path=/v1/abha"), lines(hubLog, containing: "part=abdm"))
            let started = Date()
            _ = try SyncBenchmark.run(arogya, ["abha", "enrol", id, "--db", database, "--mobile", resident.mobile, "--accept-consent",
                                               "--abha-address", "bench.person" + String(index), "--json"], stdin: resident.aadhaar + "\n123456\n")
            let elapsed = Date().timeIntervalSince(started)
            usleep(200_000)  // the hub's log lines of the last request
            guard index > 0 else { continue }  // the warm-up: the hub's first session and ABDM's key
            seconds.append(elapsed)
            terminalRequests.append(lines(hubLog, containing: "hb.request.path=/v1/abha") - hubBefore)
            abdmCalls.append(lines(hubLog, containing: "part=abdm") - abdmBefore)
        }
        let requests = terminalRequests.max() ?? 0

        // The floor, in the same run: the binary's start, and as many relayed requests on one connection.
        var starts: [Double] = []
        var relays: [Double] = []
        let urls = Array(repeating: "http://127.0.0.1:\(hubPort)/v1/abha/enrol/suggestions", count: requests)
        for _ in 0..<runs {
            let started = Date()
            _ = try SyncBenchmark.run(arogya, ["--version"])
            starts.append(Date().timeIntervalSince(started))
            let relayed = Date()
            // One curl, one connection, every URL with the same body (curl applies the options to each).
            var arguments = ["-s", "-H", "Authorization: Bearer " + token, "-H", "Content-Type: application/json",
                             "-X", "POST", "--data", "{\"body\":null,\"transaction_id\":\"none\"}"]
            for url in urls { arguments += ["-o", "/dev/null", url] }
            _ = try SyncBenchmark.run("/usr/bin/curl", arguments)
            relays.append(Date().timeIntervalSince(relayed))
        }
        let enrol = Summary(seconds.map { $0 * 1000 })
        let floor = Summary(starts.map { $0 * 1000 }).median + Summary(relays.map { $0 * 1000 }).median
        print("abha enrol (Aadhaar OTP, address chosen) through the hub to the ABDM simulator on loopback, \(seconds.count) runs after a warm-up:")
        print("  whole command: median \(formatted(enrol.median)) ms, p95 \(formatted(enrol.p95)) ms, max \(formatted(enrol.maximum)) ms")
        print("  requests: \(requests) from the terminal to the hub, \(abdmCalls.max() ?? 0) from the hub to ABDM per enrolment")
        print("  floor: arogya --version \(formatted(Summary(starts.map { $0 * 1000 }).median)) ms + \(requests) relayed requests by curl "
              + "\(formatted(Summary(relays.map { $0 * 1000 }).median)) ms = \(formatted(floor)) ms; ratio \(formatted(enrol.median / max(floor, 0.001), digits: 2))×")
    }

    /// A name has no digits: 0 → "Aa", 1 → "Ab", ….
    static func letters(_ index: Int) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz")
        return "A" + String(alphabet[index / 26 % 26]) + String(alphabet[index % 26])
    }

    static func start(_ binary: String, _ arguments: [String], log: String) throws -> Process {
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.standardOutput = FileHandle(forWritingAtPath: log)
        process.standardError = FileHandle(forWritingAtPath: log)
        try process.run()
        return process
    }

    static func waitFor(_ log: String, marker: String) throws -> Int {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: marker), let port = Int(text[range.upperBound...].prefix { $0.isNumber }) { return port }
            usleep(100_000)
        }
        throw ValidationError("never started; its log: \(log)")
    }
}

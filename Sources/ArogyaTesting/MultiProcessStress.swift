import ArogyaCore
import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif

/// Several processes at once running every command that writes to one terminal's database, while one of
/// them is killed with SIGKILL at random moments; then a check that the file is sound, the audit chain
/// intact, and every change that a command acknowledged (it printed its success and exited 0) in the file,
/// and at the hub after a last sync. `arogya-bench stress` runs it for minutes; a test runs a short one.
public final class MultiProcessStress: @unchecked Sendable {
    public struct Options: Sendable {
        public var arogya: String
        public var hub: String
        public var folder: String
        public var workers = 4
        public var seconds: Double = 60
        /// A kill every this many seconds, at random within the range.
        public var killEvery: ClosedRange<Double> = 0.3...1.5
        public var seed: UInt64 = 1
        /// Commands to leave out (to run against a version that lacks some).
        public var without: Set<Kind> = []

        public init(arogya: String, hub: String, folder: String) {
            self.arogya = arogya
            self.hub = hub
            self.folder = folder
        }
    }

    /// The writing commands, and how often each is picked.
    public enum Kind: String, CaseIterable, Sendable {
        case register, screen, mark, merge, demo, due, sync, addUser = "users-add", toggleUser = "users-enable-disable"
        case resetPin = "users-reset-pin"

        var weight: Int {
            switch self {
            case .register: return 24
            case .screen: return 18
            case .mark: return 10
            case .merge: return 5
            case .demo: return 4
            case .due: return 8
            case .sync: return 8
            case .addUser: return 4
            case .toggleUser: return 4
            case .resetPin: return 3
            }
        }
    }

    public struct Report: Sendable, CustomStringConvertible {
        public var workers = 0
        public var seconds = 0.0
        public var commands: [String: (run: Int, acknowledged: Int, killed: Int, refused: Int)] = [:]
        public var kills = 0
        /// Commands refused because another process held the write lock longer than the wait.
        public var locked = 0
        public var integrity: [String] = []
        public var auditIntact = false
        /// `arogya check`: the file sound, the audit chain intact, no saved change missing.
        public var checkPassed: Bool?
        /// Acknowledged changes not found in the file, each said in a line.
        public var lost: [String] = []
        /// Records the terminal holds that did not reach the hub by the last sync.
        public var notAtHub: [String] = []
        /// Commands that failed in a way no kill explains (each with its output), which a sound program must not.
        public var unexpected: [String] = []

        public var isSound: Bool {
            integrity == ["ok"] && auditIntact && checkPassed != false && lost.isEmpty && notAtHub.isEmpty && unexpected.isEmpty
        }

        public var totalRun: Int { commands.values.map(\.run).reduce(0, +) }
        public var totalAcknowledged: Int { commands.values.map(\.acknowledged).reduce(0, +) }

        public var description: String {
            var lines = ["processes at once: \(workers) (and one killer), \(String(format: "%.1f", seconds / 60)) minutes",
                         "commands run: \(totalRun), acknowledged: \(totalAcknowledged), killed with SIGKILL: \(kills), refused as locked: \(locked)"]
            for kind in Kind.allCases {
                let figures = commands[kind.rawValue] ?? (0, 0, 0, 0)
                lines.append("  \(kind.rawValue.padding(toLength: 22, withPad: " ", startingAt: 0)) run \(figures.run), acknowledged \(figures.acknowledged), killed \(figures.killed), refused \(figures.refused)")
            }
            lines.append("integrity_check: \(integrity.joined(separator: "; "))")
            lines.append("audit chain: \(auditIntact ? "intact" : "BROKEN")")
            lines.append("arogya check: \(checkPassed.map { $0 ? "sound" : "FAILED" } ?? "not in this version")")
            lines.append("acknowledged changes lost: \(lost.count)")
            lines += lost.prefix(10).map { "  " + $0 }
            lines.append("records missing at the hub after the last sync: \(notAtHub.count)")
            lines += notAtHub.prefix(10).map { "  " + $0 }
            lines.append("unexpected failures: \(unexpected.count)")
            lines += unexpected.prefix(5).map { "  " + $0 }
            return lines.joined(separator: "\n")
        }
    }

    let options: Options
    let database: String
    let hubDatabase: String
    let pin = "4826"
    private let lock = NSLock()
    private var running: [Int: ChildProcess] = [:]
    private var nextChild = 0
    private var report = Report()
    /// What each worker learnt was saved, to be found afterwards.
    private var ledgers: [Ledger] = []

    public init(_ options: Options) {
        self.options = options
        database = options.folder + "/terminal.sqlite"
        hubDatabase = options.folder + "/hub.sqlite"
    }

    /// One worker's acknowledged changes and what it no longer knows for sure.
    final class Ledger {
        struct PatientState {
            var status = "active"
            var mergedInto: String?
            var tainted = false
        }
        var patients: [String: PatientState] = [:]
        var screenings: [String] = []
        var users: [String: (active: Bool, tainted: Bool)] = [:]
        var demoPatients = 0
        var registered = 0
        var names = 0
    }

    // MARK: Running

    public func run() throws -> Report {
        try FileManager.default.createDirectory(atPath: options.folder, withIntermediateDirectories: true)
        let hubProcess = try startHub()
        defer { hubProcess.signal(SIGTERM); hubProcess.wait() }
        let started = Date()
        let deadline = started.addingTimeInterval(options.seconds)
        let group = DispatchGroup()
        ledgers = (0..<options.workers).map { _ in Ledger() }
        for worker in 0..<options.workers {
            group.enter()
            Thread {
                var random = SeededRandom(seed: self.options.seed &+ UInt64(worker) &* 7919)
                while Date() < deadline { self.step(worker: worker, random: &random) }
                group.leave()
            }.start()
        }
        let killer = Thread {
            var random = SeededRandom(seed: self.options.seed &+ 104_729)
            while Date() < deadline {
                let pause = self.options.killEvery.lowerBound + (Double(random.next() >> 11) / Double(1 << 53)) * (self.options.killEvery.upperBound - self.options.killEvery.lowerBound)
                Thread.sleep(forTimeInterval: pause)
                self.killOne(&random)
            }
        }
        killer.start()
        group.wait()
        report.workers = options.workers
        report.seconds = Date().timeIntervalSince(started)
        try verify()
        return report
    }

    private func killOne(_ random: inout SeededRandom) {
        lock.lock()
        defer { lock.unlock() }
        guard !running.isEmpty else { return }
        let keys = running.keys.sorted()
        running[keys[Int(random.next() % UInt64(keys.count))]]?.signal(SIGKILL)
        report.kills += 1
    }

    /// Runs one arogya command as a worker would, tracked so that the killer can reach it.
    private func arogya(_ arguments: [String], stdin: String = "", asSupervisor: Bool = false) throws -> ChildProcess.Result {
        var environment = ProcessInfo.processInfo.environment
        environment["AROGYA_DB"] = nil
        if asSupervisor { environment["AROGYA_PIN"] = pin }
        var key = 0
        return try ChildProcess.run(options.arogya, arguments + ["--db", database], environment: environment, stdin: stdin, timeout: 300,
                                    started: { child in
                                        self.lock.lock()
                                        key = self.nextChild
                                        self.nextChild += 1
                                        self.running[key] = child
                                        self.lock.unlock()
                                    }, ending: { _ in
                                        self.lock.lock()
                                        self.running[key] = nil
                                        self.lock.unlock()
                                    })
    }

    private func tally(_ kind: Kind, _ result: ChildProcess.Result, acknowledged: Bool) {
        lock.lock()
        defer { lock.unlock() }
        var figures = report.commands[kind.rawValue] ?? (0, 0, 0, 0)
        figures.run += 1
        if acknowledged { figures.acknowledged += 1 } else if result.status == 128 + SIGKILL { figures.killed += 1 } else { figures.refused += 1 }
        report.commands[kind.rawValue] = figures
        // A command that was not killed and did not succeed must have said why in one line; anything else
        // (a crash, a stack trace, "damaged", "locked" under a 3 s wait) is a failure of the program.
        if !acknowledged, result.status != 128 + SIGKILL {
            let text = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            // Waiting 3 s for another process's write and then saying so, with nothing changed, is honest.
            let expected = result.status == 1 && text.hasPrefix("arogya: ") && !text.contains("\n")
                && (text.contains("is locked by another program") || text.contains("last active supervisor"))
            if expected { report.locked += text.contains("locked") ? 1 : 0 } else {
                report.unexpected.append("\(kind.rawValue) exit \(result.status): \(text.prefix(300))")
            }
        }
    }

    private func step(worker: Int, random: inout SeededRandom) {
        let ledger = ledgers[worker]
        let kinds = Kind.allCases.filter { !options.without.contains($0) }
        var pick = Int(random.next() % UInt64(kinds.map(\.weight).reduce(0, +)))
        var kind = kinds[0]
        for candidate in kinds {
            if pick < candidate.weight { kind = candidate; break }
            pick -= candidate.weight
        }
        do {
            switch kind {
            case .register: try register(ledger, worker: worker, random: &random)
            case .screen: try screen(ledger, random: &random)
            case .mark: try mark(ledger, random: &random)
            case .merge: try merge(ledger, random: &random)
            case .demo:
                // Mostly small, now and then one that writes for a while, as the lost registrations were first
                // seen beside.
                let count = Int(random.next() % 4) == 0 ? 400 : 25
                let result = try arogya(["demo", "--patients", String(count), "--seed", String(Int(random.next() % UInt64(1_000_000))), "--no-history"])
                let ok = result.status == 0 && result.stdout.contains("Registered \(count)")
                if ok { ledger.demoPatients += count }
                tally(kind, result, acknowledged: ok)
            case .due:
                let result = try arogya(["due", "--limit", "5"])
                tally(kind, result, acknowledged: result.status == 0)
            case .sync:
                let result = try arogya(["sync"])
                tally(kind, result, acknowledged: result.status == 0)
            case .addUser: try addUser(ledger, worker: worker)
            case .toggleUser: try toggleUser(ledger, random: &random)
            case .resetPin: try resetPin(ledger, random: &random)
            }
        } catch {
            lock.lock()
            report.unexpected.append("\(kind.rawValue): \(error)")
            lock.unlock()
        }
    }

    /// A name the rules accept (letters only) that no other worker makes.
    private func nextName(_ ledger: Ledger, worker: Int) -> String {
        ledger.names += 1
        var number = ledger.names * 16 + worker
        var letters = ""
        repeat {
            letters.append(Character(Unicode.Scalar(UInt8(97 + number % 26))))
            number /= 26
        } while number > 0
        return "Kamla " + letters.prefix(1).uppercased() + letters.dropFirst() + "wati"
    }

    private func register(_ ledger: Ledger, worker: Int, random: inout SeededRandom) throws {
        let name = nextName(ledger, worker: worker)
        let result = try arogya(["patients", "add", "--name", name, "--sex", "female", "--age", String(30 + Int(random.next() % UInt64(40))),
                                 "--village", "Rampur", "--new", "--json"])
        var acknowledged = false
        if result.status == 0, case .string(let id)? = (try? JSONParser.parse(result.stdout))?["id"] {
            ledger.patients[id] = Ledger.PatientState()
            ledger.registered += 1
            acknowledged = true
        }
        tally(.register, result, acknowledged: acknowledged)
    }

    private func pickPatient(_ ledger: Ledger, random: inout SeededRandom, excluding: String? = nil) -> String? {
        let usable = ledger.patients.filter { !$0.value.tainted && $0.value.status != "merged" && $0.key != excluding }.keys.sorted()
        return usable.isEmpty ? nil : usable[Int(random.next() % UInt64(usable.count))]
    }

    private func screen(_ ledger: Ledger, random: inout SeededRandom) throws {
        guard let id = pickPatient(ledger, random: &random) else { return }
        let systolic = 110 + Int(random.next() % UInt64(80)), diastolic = 70 + Int(random.next() % UInt64(30))
        let result = try arogya(["screenings", "add", id, "--json"],
                                stdin: #"{"bp": [[\#(systolic), \#(diastolic)]], "glucose": {"type": "random", "mg_dl": \#(90 + Int(random.next() % UInt64(150)))}}"#)
        var acknowledged = false
        if result.status == 0, case .string(let screening)? = (try? JSONParser.parse(result.stdout))?["id"] {
            ledger.screenings.append(screening)
            acknowledged = true
        } else if result.status == 128 + SIGKILL {
            ledger.patients[id]?.tainted = true
        }
        tally(.screen, result, acknowledged: acknowledged)
    }

    private func mark(_ ledger: Ledger, random: inout SeededRandom) throws {
        guard let id = pickPatient(ledger, random: &random), let state = ledger.patients[id] else { return }
        let next = state.status == "active" ? (Int(random.next() % UInt64(2)) == 0 ? "moved" : "deceased") : "active"
        let result = try arogya(["patients", "mark", id, next])
        let acknowledged = result.status == 0 && result.stdout.contains("Marked")
        if acknowledged { ledger.patients[id]?.status = next } else if result.status == 128 + SIGKILL { ledger.patients[id]?.tainted = true }
        tally(.mark, result, acknowledged: acknowledged)
    }

    private func merge(_ ledger: Ledger, random: inout SeededRandom) throws {
        guard let keep = pickPatient(ledger, random: &random), let other = pickPatient(ledger, random: &random, excluding: keep) else { return }
        let result = try arogya(["patients", "merge", keep, other, "--reason", "the same woman registered twice"])
        let acknowledged = result.status == 0 && result.stdout.contains("Merged")
        if acknowledged {
            ledger.patients[other]?.status = "merged"
            ledger.patients[other]?.mergedInto = keep
        } else if result.status == 128 + SIGKILL {
            ledger.patients[keep]?.tainted = true
            ledger.patients[other]?.tainted = true
        }
        tally(.merge, result, acknowledged: acknowledged)
    }

    private func addUser(_ ledger: Ledger, worker: Int) throws {
        let name = "w" + String(worker) + nextName(ledger, worker: worker).dropFirst(6).lowercased().prefix(8)
        let result = try arogya(["users", "add", name, "--role", "worker", "--as", "priya"], stdin: "2580\n", asSupervisor: true)
        let acknowledged = result.status == 0 && result.stdout.contains(name)
        if acknowledged { ledger.users[name] = (true, false) }
        tally(.addUser, result, acknowledged: acknowledged)
    }

    private func pickUser(_ ledger: Ledger, random: inout SeededRandom) -> String? {
        let usable = ledger.users.filter { !$0.value.tainted }.keys.sorted()
        return usable.isEmpty ? nil : usable[Int(random.next() % UInt64(usable.count))]
    }

    private func toggleUser(_ ledger: Ledger, random: inout SeededRandom) throws {
        guard let name = pickUser(ledger, random: &random), let state = ledger.users[name] else { return }
        let result = try arogya(["users", state.active ? "disable" : "enable", name, "--as", "priya"], asSupervisor: true)
        let acknowledged = result.status == 0 && result.stdout.contains(name)
        if acknowledged { ledger.users[name]?.active.toggle() } else if result.status == 128 + SIGKILL { ledger.users[name]?.tainted = true }
        tally(.toggleUser, result, acknowledged: acknowledged)
    }

    private func resetPin(_ ledger: Ledger, random: inout SeededRandom) throws {
        guard let name = pickUser(ledger, random: &random) else { return }
        let result = try arogya(["users", "reset-pin", name, "--as", "priya"], stdin: "3691\n", asSupervisor: true)
        tally(.resetPin, result, acknowledged: result.status == 0 && result.stdout.contains(name))
    }

    // MARK: Set-up

    private func startHub() throws -> ChildProcess {
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: database + suffix)
            try? FileManager.default.removeItem(atPath: hubDatabase + suffix)
        }
        let setup = try ChildProcess.run(options.arogya, ["setup", "--db", database, "--facility", "AAM Rampur", "--supervisor", "priya",
                                                          "--village", "Rampur", "--village", "Sonpur"], stdin: pin + "\n")
        guard setup.status == 0 else { throw StressError.setUp("setup: " + setup.stderr) }
        _ = try ChildProcess.run(options.hub, ["facilities", "add", "IN0001", "--name", "AAM Rampur", "--db", hubDatabase])
        let device = try ChildProcess.run(options.hub, ["devices", "add", "--facility", "IN0001", "--label", "stress", "--db", hubDatabase])
        guard let token = device.stdout.split(separator: "\n").first(where: { $0.hasPrefix("token") })?.split(separator: " ").last else {
            throw StressError.setUp("no device token: " + device.stdout + device.stderr)
        }
        let log = options.folder + "/hub.log"
        let hub = try ChildProcess.launch(options.hub, ["serve", "--db", hubDatabase, "--port", "0", "--log-level", "notice"], logPath: log)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: "url=http://127.0.0.1:") {
                let port = text[range.upperBound...].prefix { $0.isNumber }
                let connect = try ChildProcess.run(options.arogya, ["hub", "connect", "http://127.0.0.1:\(port)", "--token", String(token),
                                                                    "--sync-every", "0", "--db", database])
                guard connect.status == 0 else { throw StressError.setUp("hub connect: " + connect.stderr) }
                return hub
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        hub.signal(SIGKILL)
        throw StressError.setUp("arogya-hub did not start")
    }

    enum StressError: Error, CustomStringConvertible {
        case setUp(String)
        var description: String {
            switch self {
            case .setUp(let text): return "could not set up: " + text
            }
        }
    }

    // MARK: Afterwards

    private func verify() throws {
        let check = try ChildProcess.run(options.arogya, ["check", "--db", database])
        report.checkPassed = check.status == 64 ? nil : check.status == 0
        if check.status != 0 && check.status != 64 { report.unexpected.append("check: " + check.stdout + check.stderr) }
        let audit = try ChildProcess.run(options.arogya, ["audit", "verify", "--db", database])
        report.auditIntact = audit.status == 0
        // The last sync, with nobody killed: everything the terminal holds must then be at the hub.
        let sync = try ChildProcess.run(options.arogya, ["sync", "--db", database], timeout: 600)
        if sync.status != 0 { report.unexpected.append("the last sync: exit \(sync.status) " + sync.stderr) }
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: database, configuration: configuration)
        defer { try? queue.close() }
        try queue.read { db in
            report.integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            var registered = 0, demo = 0
            for ledger in ledgers {
                registered += ledger.registered
                demo += ledger.demoPatients
                for (id, expected) in ledger.patients {
                    guard let row = try Row.fetchOne(db, sql: "SELECT status, merged_into FROM patient WHERE id = ?", arguments: [id]) else {
                        report.lost.append("patient \(id), registered, is not in the file")
                        continue
                    }
                    guard !expected.tainted else { continue }
                    if (row["status"] as String) != expected.status || (row["merged_into"] as String?) != expected.mergedInto {
                        report.lost.append("patient \(id): \(expected.status) was acknowledged, the file says \(row["status"] as String)")
                    }
                }
                for id in ledger.screenings where try !Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM screening WHERE id = ?)", arguments: [id])! {
                    report.lost.append("screening \(id), saved, is not in the file")
                }
                for (name, expected) in ledger.users {
                    guard let active = try Bool.fetchOne(db, sql: "SELECT active FROM account WHERE username = ?", arguments: [name]) else {
                        report.lost.append("account \(name), added, is not in the file")
                        continue
                    }
                    if !expected.tainted, active != expected.active {
                        report.lost.append("account \(name): \(expected.active ? "enabled" : "disabled") was acknowledged, the file says otherwise")
                    }
                }
            }
            let patients = try Int.fetchOne(db, sql: "SELECT count(*) FROM patient")!
            if patients < registered + demo {
                report.lost.append("\(registered + demo) patients were acknowledged, the file has \(patients)")
            }
            // At the hub: each record of the terminal, at its latest version.
            let hub = try DatabaseQueue(path: hubDatabase, configuration: configuration)
            defer { try? hub.close() }
            let atHub = try hub.read { hubDB in
                Set(try String.fetchAll(hubDB, sql: "SELECT type || ' ' || id FROM record"))
            }
            for (table, type) in [("patient", "patient"), ("screening", "screening"), ("referral", "referral"), ("account", "account")] {
                for id in try String.fetchAll(db, sql: "SELECT id FROM \(table)") where !atHub.contains(type + " " + id) {
                    report.notAtHub.append("\(type) \(id)")
                }
            }
        }
    }
}

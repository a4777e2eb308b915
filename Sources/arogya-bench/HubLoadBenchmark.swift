import ArgumentParser
import ArogyaCore
import ArogyaHub
import Crypto
import Foundation
import Synchronization

/// `arogya-bench hub`: many terminals at once against real `arogya-hub serve` processes, on SQLite and on
/// PostgreSQL, beside the floor of each store (the same rows inserted by its own client), then the same
/// through a proxy that loses a fifth of the traffic while hub processes are killed and restarted.
struct HubLoadBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hub",
        abstract: "The hub under load: simulated terminals push and pull through several hub processes, on SQLite and PostgreSQL, beside each store's floor.",
        discussion: """
            PostgreSQL: --postgres names a server whose user may create databases (default $AROGYA_BENCH_POSTGRES); the \
            benchmark makes a database of its own there and drops it. Measure on a server that flushes its commits \
            (scripts/postgres-test-server with POSTGRES_DURABLE=1), as a real one does.
            """)

    enum Store: String, ExpressibleByArgument, CaseIterable { case sqlite, postgres }

    @Option(help: "Simulated terminals, each with a device token of its own.") var terminals = 200
    @Option(help: "Record versions pushed in all (a tenth of the records are edited once).") var versions = 2_000_000
    @Option(help: "Facilities the terminals belong to (terminals pull their facility's records).") var facilities = 40
    @Option(help: "Records a push.") var batch = 500
    @Option(help: "Hub processes on PostgreSQL (SQLite has one).") var hubs = 2
    @Option(name: .customLong("pool-size"), help: "Connections each hub process opens to PostgreSQL.") var poolSize = 8
    @Option(help: "The PostgreSQL server (an admin's URL).") var postgres: String?
    @Option(parsing: .upToNextOption, help: "Which stores to run on.") var stores: [Store] = Store.allCases
    @Option(name: .customLong("floor-versions"), help: "Versions each store's floor inserts.") var floorVersions = 200_000
    @Option(name: .customLong("drop-rate"), help: "Share of requests the faulty proxy loses (half before the hub, half after).") var dropRate = 0.2
    @Option(help: "Hub processes killed (SIGKILL) and restarted during the faulty run.") var kills = 2
    @Option(name: .customLong("fault-versions"), help: "Versions pushed in the faulty run (default: as many as --versions).") var faultVersions: Int?
    @Flag(name: .customLong("skip-faults"), help: "Leave out the faulty run.") var skipFaults = false
    @Option(help: "Folder for the databases and logs (default: a new temporary folder).") var folder: String?

    func validate() throws {
        guard terminals >= 2, facilities >= 1, terminals >= facilities * 2 else { throw ValidationError("at least two terminals a facility") }
        guard (1...SyncWire.maximumBatch).contains(batch) else { throw ValidationError("--batch: 1 to \(SyncWire.maximumBatch)") }
        guard hubs >= 1, hubs <= 16 else { throw ValidationError("--hubs: 1 to 16") }
    }

    func run() async throws {
        let root = folder ?? (NSTemporaryDirectory() + "arogya-hub-bench-\(getpid())")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        print("machine: \(StartupBenchmark.machine())")
        let admin = postgres ?? ProcessInfo.processInfo.environment["AROGYA_BENCH_POSTGRES"]
        if stores.contains(.postgres) && admin == nil {
            throw ValidationError("--postgres (or AROGYA_BENCH_POSTGRES) names no PostgreSQL server; or give --stores sqlite")
        }
        let layout = LoadLayout(terminals: terminals, facilities: facilities, versions: versions)
        print("load: \(terminals) terminals in \(facilities) facilities, \(layout.totalVersions) versions of \(layout.totalRecords) records in batches of \(batch)")

        var floors: [Store: Double] = [:]
        for store in stores {
            let floor = try await HubLoadFloor.measure(store, layout: layout, versions: floorVersions, batch: batch, root: root, admin: admin)
            floors[store] = floor.rate
            print("floor \(store.rawValue): \(floor.rows) versions inserted by \(store == .sqlite ? "sqlite3" : "psql") in transactions of \(batch): \(formatted(floor.seconds, digits: 2)) s = \(whole(floor.rate)) versions/s")
        }
        for store in stores {
            let run = HubLoadRun(store: store, layout: layout, batch: batch, hubs: store == .sqlite ? 1 : hubs, poolSize: poolSize,
                                 root: root, admin: admin, faults: nil)
            try await run.execute(floorRate: floors[store] ?? 0)
        }
        if !skipFaults {
            let faulty = LoadLayout(terminals: terminals, facilities: facilities, versions: faultVersions ?? versions)
            for store in stores {
                let run = HubLoadRun(store: store, layout: faulty, batch: batch, hubs: store == .sqlite ? 1 : hubs, poolSize: poolSize,
                                     root: root, admin: admin, faults: .init(dropRate: dropRate, kills: kills))
                try await run.execute(floorRate: floors[store] ?? 0)
            }
        }
    }
}

/// Which terminal belongs to which facility, and how many records each makes.
struct LoadLayout: Sendable {
    let terminals: Int
    let facilities: Int
    /// Records a terminal makes: with a tenth edited once, its versions come to its share of the total.
    let recordsPerTerminal: Int

    init(terminals: Int, facilities: Int, versions: Int) {
        self.terminals = terminals
        self.facilities = facilities
        recordsPerTerminal = max(1, Int((Double(versions) / Double(terminals) / 1.1).rounded()))
    }

    func facility(of terminal: Int) -> String { String(format: "IN%04d", terminal % facilities) }
    var facilityIDs: [String] { (0..<facilities).map { String(format: "IN%04d", $0) } }
    var versionsPerTerminal: Int { recordsPerTerminal + (0..<recordsPerTerminal).filter(SimulatedTerminal.isEdited).count }
    var totalVersions: Int { versionsPerTerminal * terminals }
    var totalRecords: Int { recordsPerTerminal * terminals }
}

/// One run: a new store, its hub processes, every terminal pushing then pulling, and what the hub holds.
struct HubLoadRun {
    struct Faults {
        let dropRate: Double
        let kills: Int
    }

    let store: HubLoadBenchmark.Store
    let layout: LoadLayout
    let batch: Int
    let hubs: Int
    let poolSize: Int
    let root: String
    let admin: String?
    let faults: Faults?

    var title: String { "\(store.rawValue)\(faults == nil ? "" : " through the faulty proxy"), \(hubs) hub process\(hubs == 1 ? "" : "es")" }

    func execute(floorRate: Double) async throws {
        print("— \(title)")
        let name = "arogya_bench_\(getpid())_\(store.rawValue)\(faults == nil ? "" : "_faults")"
        let (options, terminals, cleanup) = try await prepare(databaseName: name)
        defer { cleanup() }
        let processes = HubSlots(try (0..<hubs).map { _ in try HubProcess.start(options: options, root: root) })
        defer { for process in processes.current { process.stop() } }
        let ports = processes.current.map(\.port)
        let proxies = try faults.map { faults in try ports.map { try FaultProxy(upstreamPort: $0, dropRate: faults.dropRate, maximumDelay: 0.3) } }
        let addresses = proxies.map { $0.map { "http://127.0.0.1:\($0.port)" } } ?? ports.map { "http://127.0.0.1:\($0)" }
        let peaks = Mutex([Double](repeating: 0, count: hubs))
        let sampling = Task {
            while !Task.isCancelled {
                let pids = processes.current.map(\.pid)
                peaks.withLock { peaks in for (slot, pid) in pids.enumerated() { peaks[slot] = max(peaks[slot], SyncBenchmark.peakMB(pid)) } }
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        defer { sampling.cancel() }

        let client = LoadClient(connections: terminals.count)
        do {
            try await load(client: client, terminals: terminals, addresses: addresses, processes: processes, ports: ports, options: options,
                           proxies: proxies, peaks: { peaks.withLock { $0 } }, floorRate: floorRate)
        } catch {
            try? await client.http.shutdown()
            throw error
        }
        try await client.http.shutdown()
    }

    private func load(client: LoadClient, terminals: [SimulatedTerminal], addresses: [String], processes: HubSlots, ports: [UInt16],
                      options: [String], proxies: [FaultProxy]?, peaks: () -> [Double], floorRate: Double) async throws {
        let tally = LoadTally()
        let deadline = Date().addingTimeInterval(3 * 3600)
        let totalVersions = layout.totalVersions

        // Push.
        let pushStart = DispatchTime.now().uptimeNanoseconds
        let killer = Task { () -> [String] in
            guard let faults, faults.kills > 0 else { return [] }
            var notes: [String] = []
            for kill in 1...faults.kills {
                let mark = totalVersions * kill / (faults.kills + 1)
                while tally.figures.pushed < mark && !Task.isCancelled { try? await Task.sleep(for: .milliseconds(50)) }
                if Task.isCancelled { break }
                let slot = (kill - 1) % ports.count
                processes.current[slot].kill()
                processes.replace(slot, with: try HubProcess.start(options: options, root: root, port: ports[slot]))
                notes.append("killed hub \(slot + 1) with SIGKILL at \(tally.figures.pushed) versions pushed, restarted")
            }
            return notes
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for terminal in terminals {
                let address = addresses[terminal.index % addresses.count]
                group.addTask { try await client.push(terminal, to: address, batchSize: batch, tally: tally, deadline: deadline) }
            }
            try await group.waitForAll()
        }
        let pushSeconds = Double(DispatchTime.now().uptimeNanoseconds - pushStart) / 1e9
        let killed = try await killer.value
        for note in killed { print("  \(note)") }
        let pushed = tally.figures
        let pushRate = Double(totalVersions) / pushSeconds
        let latency = Summary(pushed.batchSeconds)
        print("  push: \(totalVersions) versions in \(formatted(pushSeconds, digits: 1)) s = \(whole(pushRate)) versions/s in all\(store == .postgres && faults == nil ? " (target ≥ 10,000)" : ""); floor \(whole(floorRate))/s, so \(formatted(floorRate / pushRate, digits: 1))× the floor's time (aim: 10×)")
        print("  push: a batch of \(batch) answered in p50 \(whole(latency.median * 1000)) ms, p99 \(whole(latency.p99 * 1000)) ms (\(latency.count) batches, \(pushed.retries) tries again)")

        // Pull: each terminal every other terminal's records of its facility, from the start.
        let pullStart = DispatchTime.now().uptimeNanoseconds
        let before = tally.figures
        try await withThrowingTaskGroup(of: Void.self) { group in
            for terminal in terminals {
                let address = addresses[(terminal.index + 1) % addresses.count]
                let peers = terminals.filter { $0.facility == terminal.facility && $0.index != terminal.index }
                group.addTask { try await client.pullAndCheck(terminal, from: address, peers: peers, tally: tally, deadline: deadline) }
            }
            try await group.waitForAll()
        }
        let pullSeconds = Double(DispatchTime.now().uptimeNanoseconds - pullStart) / 1e9
        let after = tally.figures
        let pulled = after.pulled - before.pulled
        print("  pull: \(pulled) records to \(terminals.count) terminals in \(formatted(pullSeconds, digits: 1)) s = \(whole(Double(pulled) / pullSeconds)) records/s (\(after.pullRequests) pages, \(after.retries - before.retries) tries again)")
        if let proxies {
            let counts = proxies.map(\.snapshot)
            print("  proxy: \(counts.map(\.requests).reduce(0, +)) requests, \(counts.map(\.lostRequests).reduce(0, +)) lost before the hub, \(counts.map(\.lostAnswers).reduce(0, +)) answers lost after it")
        }

        // What the hub holds: each version exactly once.
        let held = try HubHeld.count(options: options)
        let exact = held.versions == totalVersions && held.records == layout.totalRecords
        print("  at the hub: \(held.records) records and \(held.versions) versions of \(layout.totalRecords) and \(totalVersions) sent: \(exact ? "exact, nothing lost, nothing doubled" : "NOT EXACT")")
        print("  every terminal has every other terminal's records of its facility: \(after.problems.isEmpty ? "yes" : "NO: " + after.problems.prefix(5).joined(separator: "; "))")
        print("  size: \(formatted(Double(held.bytes) / 1_048_576, digits: 1)) MB, \(whole(Double(held.bytes) / Double(max(1, held.versions)))) bytes a version")
        print("  peak RSS per hub process: \(peaks().map { formatted($0) + " MB" }.joined(separator: ", "))")
    }

    /// A new store with the facilities and one device a terminal; the hub's options for it.
    private func prepare(databaseName: String) async throws -> ([String], [SimulatedTerminal], () -> Void) {
        let storage: any HubStorage
        let options: [String]
        var cleanup: () -> Void = {}
        switch store {
        case .sqlite:
            let path = root + "/\(databaseName).sqlite"
            storage = try BenchStores.freshSQLite(path)
            options = ["--db", path]
        case .postgres:
            let (postgres, url, server) = try await BenchStores.freshPostgres(databaseName, admin: admin, poolSize: 4)
            storage = postgres
            options = ["--postgres", url, "--pool-size", String(poolSize)]
            cleanup = {
                postgres.close()
                let done = DispatchSemaphore(value: 0)
                Task { try? await PostgresServerAdmin.dropDatabase(databaseName, on: server); done.signal() }
                done.wait()
            }
        }
        for facility in layout.facilityIDs { try await storage.addFacility(id: facility, name: "AAM " + facility) }
        var terminals: [SimulatedTerminal] = []
        for index in 0..<layout.terminals {
            let (device, token) = try await storage.addDevice(facility: layout.facility(of: index), label: "t\(index)")
            terminals.append(SimulatedTerminal(index: index, facility: device.facilityID, device: device.id, token: token, records: layout.recordsPerTerminal))
        }
        return (options, terminals, cleanup)
    }
}

/// The hub processes of a run, one a slot; a killed one's slot takes its restart.
final class HubSlots: Sendable {
    private let processes: Mutex<[HubProcess]>
    init(_ processes: [HubProcess]) { self.processes = Mutex(processes) }
    var current: [HubProcess] { processes.withLock { $0 } }
    func replace(_ slot: Int, with process: HubProcess) { processes.withLock { $0[slot] = process } }
}

/// An `arogya-hub serve` process of the benchmark's.
struct HubProcess: @unchecked Sendable {
    let process: Process
    let port: UInt16
    var pid: Int32 { process.processIdentifier }

    static func start(options: [String], root: String, port given: UInt16? = nil) throws -> HubProcess {
        let port = try given ?? freePort()
        let log = root + "/hub-\(port)-\(UUID().uuidString.prefix(8)).log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: StartupBenchmark.sibling("arogya-hub"))
        process.arguments = ["serve", "--port", String(port), "--log-level", "warning"] + options
        process.standardOutput = FileHandle(forWritingAtPath: log)
        process.standardError = FileHandle(forWritingAtPath: log)
        try process.run()
        // Ready when it answers on its port.
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if canConnect(port) { return HubProcess(process: process, port: port) }
            guard process.isRunning else { break }
            usleep(50_000)
        }
        process.terminate()
        throw ValidationError("arogya-hub serve did not start; its log: \(log)")
    }

    func kill() {
        Glibc.kill(pid, SIGKILL)
        process.waitUntilExit()
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    static func freePort() throws -> UInt16 {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socketFD) }
        var address = FaultProxy.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0 else { throw ValidationError("no free port") }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketFD, $0, &length) } }
        return UInt16(bigEndian: actual.sin_port)
    }

    static func canConnect(_ port: UInt16) -> Bool {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socketFD) }
        var address = FaultProxy.loopback(port: port)
        return withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } == 0
    }
}

/// What a hub's store holds, read with the store's own client.
enum HubHeld {
    static func count(options: [String]) throws -> (records: Int, versions: Int, bytes: Int64) {
        if options.first == "--db" {
            let path = options[1]
            let output = try SyncBenchmark.run("/usr/bin/sqlite3", [path, "SELECT count(*) FROM record; SELECT count(*) FROM record_version;"])
            let numbers = output.split(separator: "\n").compactMap { Int($0) }
            let bytes = ["", "-wal"].reduce(Int64(0)) { sum, suffix in
                sum + ((try? FileManager.default.attributesOfItem(atPath: path + suffix)[.size] as? Int64) ?? 0)
            }
            return (numbers.first ?? -1, numbers.dropFirst().first ?? -1, bytes)
        }
        let output = try SyncBenchmark.run("/usr/bin/psql", [options[1], "-tA", "-c",
            "SELECT (SELECT count(*) FROM record), (SELECT count(*) FROM record_version), pg_database_size(current_database())"])
        let numbers = output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "|").compactMap { Int64($0) }
        guard numbers.count == 3 else { throw ValidationError("psql answered: \(output)") }
        return (Int(numbers[0]), Int(numbers[1]), numbers[2])
    }
}

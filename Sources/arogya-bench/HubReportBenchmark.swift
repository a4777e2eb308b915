import ArgumentParser
import ArogyaCore
import ArogyaHub
import Foundation

/// `arogya-bench hub-report`: the block's reports on a hub holding several facilities' uploads. Each
/// facility is a terminal set up with its own facility id, filled by `arogya demo` with its history and
/// uploaded by `arogya sync` to a real `arogya-hub` on loopback (the whole commands); the reports are then
/// timed through the hub's store call that `arogya-hub report` makes, beside the same reads through the
/// `sqlite3` command line in the same run.
struct HubReportBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hub-report",
        abstract: "The hub's block indicators and daily register over several facilities' uploads, against the sqlite3 floor.")

    @Option(help: "Facilities of the block.")
    var facilities = 10

    @Option(help: "Patients of each facility, made by `arogya demo` with its history.")
    var patients = 100_000

    @Option(help: "Folder for the databases; a hub already filled there (hub.ready) is reused.")
    var folder: String?

    @Option(help: "Runs of each report.")
    var runs = 5

    @Option(help: "The sqlite3 command line.")
    var sqlite3 = "/usr/bin/sqlite3"

    func run() async throws {
        let root = folder ?? (NSTemporaryDirectory() + "arogya-hub-report-bench-\(getpid())")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let hubDB = root + "/hub.sqlite"
        print("machine: \(StartupBenchmark.machine())")
        let ids = (1...facilities).map { String(format: "IN%04d", $0) }
        if !FileManager.default.fileExists(atPath: root + "/hub.ready") {
            try fill(hubDB, root: root, ids: ids)
            _ = FileManager.default.createFile(atPath: root + "/hub.ready", contents: Data())
        } else {
            print("reusing the hub filled in \(root)")
        }

        guard let assets = AssetDirectory.locate() else { throw ValidationError("cannot find the assets folder") }
        let rules = try ProtocolLibrary.load(from: assets).protocolFor(state: nil)
        let reportRows = "SELECT count(*) FROM sqlite_master WHERE name = 'report_visit'"
        let hadTables = try SQLiteFloor.output(sqlite3: sqlite3, db: hubDB, script: reportRows + ";\n", step: "the hub's tables")
            .trimmingCharacters(in: .whitespacesAndNewlines) == "1"
        let opening = DispatchTime.now().uptimeNanoseconds
        let hub = try HubDatabase(path: hubDB)
        if !hadTables {
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - opening) / 1e9
            let rows = try SQLiteFloor.output(sqlite3: sqlite3, db: hubDB, script: """
                SELECT (SELECT count(*) FROM report_patient) + (SELECT count(*) FROM report_visit) + (SELECT count(*) FROM report_referral);

                """, step: "the report tables' rows").trimmingCharacters(in: .whitespacesAndNewlines)
            print("report tables filled from the stored versions on first open: \(rows) rows in \(formatted(seconds, digits: 1)) s "
                  + "(\(formatted(seconds * 1e6 / max(1, Double(rows) ?? 1), digits: 1)) µs a row, json_extract included); a push writes each as it is applied")
        }
        let stats = try await hub.stats()
        print("hub: \(Set(stats.counts.map(\.facility)).count) facilities, \(stats.counts.reduce(0) { $0 + $1.records }) records")
        let today = LocalTime(Timestamp(Date())).date
        let month = IndicatorPeriod.month(containing: today).adding(months: -1)

        var times: [Double] = []
        var block: IndicatorReport?
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            block = try hub.indicators(period: month, facility: nil, rules: rules, today: today).block
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        if let block {
            let controlled = block.figure("hypertension.controlled")
            print("block indicators of \(month.label): \(block.figure("cascade.people_30")?.count ?? 0) people 30+, "
                  + "\(controlled?.count ?? 0) of \(controlled?.of ?? 0) known hypertensives controlled")
        }
        let earliest = "'" + IndicatorCohort.earliestVisitDay(forPeriodEnding: month.to).iso8601 + "'"
        let end = "'" + month.to.iso8601 + "'"
        let after = "'" + month.to.adding(days: 1).iso8601 + "'"
        // The hub's reads for each facility, as `HubDatabase.indicatorCohort` makes them, with the same people.
        let indicatorSQL = try ids.flatMap { id -> [String] in
            let cohort = try hub.indicatorCohort(facility: id, period: month)
            let looked = Set(cohort.persons.lazy.filter { $0.mobile == nil }.map(\.id)).sorted().map { "\"\($0)\"" }.joined(separator: ",")
            return [
                "SELECT sex, birth_date, count(*) FROM report_patient INDEXED BY report_patient_population WHERE facility_id = '\(id)' AND status = 'active' AND created_at < \(after) GROUP BY sex, birth_date;",
                "SELECT \(StoredColumns.referralColumns) FROM report_referral WHERE facility_id = '\(id)' AND withdrawn_on IS NULL AND referred_on >= \(earliest) AND referred_on <= \(end);",
                "SELECT v.id, json_extract(rv.payload, '$.input.bp') FROM report_visit v JOIN record r ON r.facility_id = v.facility_id AND r.type = 'screening' AND r.id = v.id JOIN record_version rv ON rv.seq = r.seq WHERE v.facility_id = '\(id)' AND v.screened_on >= '\(month.from.iso8601)' AND v.screened_on <= \(end);",
                "SELECT \(StoredColumns.visitColumns) FROM report_visit WHERE facility_id = '\(id)' AND screened_on >= \(earliest) AND screened_on <= \(end);",
                "SELECT p.id, p.sex, p.birth_date, p.created_at, p.status FROM json_each('[\(looked)]') j CROSS JOIN report_patient p ON p.facility_id = '\(id)' AND p.id = j.value;",
                "SELECT id, sex, birth_date, created_at, status, mobile, name FROM report_patient INDEXED BY report_patient_mobile WHERE facility_id = '\(id)' AND status = 'active' AND mobile IS NOT NULL AND (mobile, sex) IN (SELECT mobile, sex FROM report_patient INDEXED BY report_patient_created WHERE facility_id = '\(id)' AND status = 'active' AND created_at >= '\(month.from.iso8601)' AND created_at < \(after) AND mobile IS NOT NULL);",
            ]
        }
        let floor = try statementRuns(indicatorSQL, db: hubDB)
        ReviewBenchmark.line("  block indicators", times, floor: floor, target: "≤ 5 s")

        // The block's daily register of the busiest of the last 30 days, found by counting (a register a
        // day to find it would cost more than the runs).
        let busiestDay = try SQLiteFloor.output(sqlite3: sqlite3, db: hubDB, script: """
            SELECT screened_on FROM report_visit WHERE screened_on >= '\(today.adding(days: -29).iso8601)' AND screened_on <= '\(today.iso8601)'
            GROUP BY screened_on ORDER BY count(*) DESC LIMIT 1;

            """, step: "the busiest day").trimmingCharacters(in: .whitespacesAndNewlines)
        let day = CivilDate(iso8601: busiestDay) ?? today
        let busiest = (day: day, visits: try hub.dailyRegister(day: day, facility: nil).reduce(0) { $0 + $1.content.count })
        var register: [Double] = []
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try hub.dailyRegister(day: busiest.day, facility: nil)
            register.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        let registerSQL = ids.map { id in
            """
            SELECT r.id, v.payload FROM report_visit d CROSS JOIN record r ON r.facility_id = d.facility_id AND r.type = 'screening' AND r.id = d.id \
            JOIN record_version v ON v.seq = r.seq WHERE d.facility_id = '\(id)' AND d.screened_on = '\(busiest.day.iso8601)';
            """
        }
        let registerFloor = try statementRuns(registerSQL, db: hubDB)
        print("block daily register of \(busiest.day.iso8601) (\(busiest.visits) visits in \(facilities) facilities)")
        ReviewBenchmark.line("  block register", register, floor: registerFloor, target: "none set")
    }

    /// Sets up the hub and each facility's terminal, fills each with `arogya demo` and uploads it.
    func fill(_ hubDB: String, root: String, ids: [String]) throws {
        let arogya = StartupBenchmark.sibling("arogya")
        let hubBinary = StartupBenchmark.sibling("arogya-hub")
        try? FileManager.default.removeItem(atPath: hubDB)
        for (index, id) in ids.enumerated() {
            try SyncBenchmark.run(hubBinary, ["facilities", "add", id, "--name", "AAM Bench \(index + 1)", "--db", hubDB])
        }
        let log = root + "/hub.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let server = Process()
        server.executableURL = URL(fileURLWithPath: hubBinary)
        server.arguments = ["serve", "--db", hubDB, "--port", "0", "--log-level", "notice"]
        server.standardOutput = FileHandle(forWritingAtPath: log)
        server.standardError = FileHandle(forWritingAtPath: log)
        try server.run()
        defer { server.terminate(); server.waitUntilExit() }
        let address = "http://127.0.0.1:\(try SyncBenchmark.waitForPort(log))"
        for (index, id) in ids.enumerated() {
            let database = root + "/\(id).sqlite"
            try? FileManager.default.removeItem(atPath: database)
            let start = Date()
            try SyncBenchmark.run(arogya, ["setup", "--db", database, "--facility", "AAM Bench \(index + 1)", "--facility-id", id,
                                           "--supervisor", "priya", "--village", "Rampur", "--village", "Sonpur"], stdin: "4826\n4826\n")
            try SyncBenchmark.run(arogya, ["demo", "--db", database, "--patients", String(patients), "--seed", String(100 + index)])
            let made = Date().timeIntervalSince(start)
            let added = try SyncBenchmark.run(hubBinary, ["devices", "add", "--facility", id, "--label", id, "--db", hubDB])
            guard let token = added.split(separator: "\n").first(where: { $0.hasPrefix("token") })?.split(separator: " ").last else {
                throw ValidationError("no token in: \(added)")
            }
            try SyncBenchmark.run(arogya, ["hub", "connect", address, "--token", String(token), "--db", database])
            let upload = try SyncBenchmark.measure(arogya, ["sync", "--json", "--db", database])
            print("\(id): \(patients) patients with their history made in \(formatted(made, digits: 0)) s, uploaded in \(formatted(upload.seconds, digits: 0)) s")
        }
    }

    /// The CPU time sqlite3 spends on all the statements, per run (one warm pass first).
    func statementRuns(_ statements: [String], db: String) throws -> [Double] {
        let script = ".timer on\n.output /dev/null\n" + String(repeating: statements.joined(separator: "\n") + "\n", count: runs + 1)
        let times = try SQLiteFloor.statementTimes(sqlite3: sqlite3, db: db, script: script, step: "the sqlite3 replay of the hub's report queries")
        return (1...runs).map { run in times.dropFirst(run * statements.count).prefix(statements.count).reduce(0, +) }
    }
}

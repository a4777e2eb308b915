import ArgumentParser
import ArogyaCore
import ArogyaStore
import Foundation

/// `arogya-bench review`: the supervisor's daily register and a month's indicators on a large database
/// made by `arogya demo` with its history, each beside its floor measured in the same run: the same reads
/// through the `sqlite3` command line (CPU time of its statements, as `search` measures its floor).
struct ReviewBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Daily register and monthly indicators latency against the sqlite3 floor.")

    @Option(help: "The database, made by `arogya setup` and `arogya demo`.")
    var db: String

    @Option(help: "Runs of the register.")
    var runs = 30

    @Option(help: "Runs of the indicators.")
    var indicatorRuns = 5

    @Option(help: "The sqlite3 command line.")
    var sqlite3 = "/usr/bin/sqlite3"

    func run() throws {
        let store = try AppDatabase.open(path: db, mode: .mustExist)
        guard let assets = AssetDirectory.locate() else { throw ValidationError("cannot find the assets folder") }
        let rules = try ProtocolLibrary.load(from: assets).protocolFor(state: try store.facility()?.state?.code)
        let today = LocalTime(store.clock.now()).date
        print("patients \(try store.patientCount())")

        // The busiest day of the last 30: the register a supervisor waits longest for.
        var busiest = (day: today, visits: -1)
        for back in 0..<30 {
            let day = today.adding(days: -back)
            let visits = try store.dailyRegister(day: day).count
            if visits > busiest.visits { busiest = (day, visits) }
        }
        var register: [Double] = []
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try store.dailyRegister(day: busiest.day)
            register.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        let day = "'" + busiest.day.iso8601 + "'"
        let registerSQL = [
            "SELECT s.* FROM screening s WHERE s.screened_on = \(day) ORDER BY s.created_at, s.pk;",
            "SELECT r.screening_id, r.place FROM referral r JOIN screening s ON s.id = r.screening_id WHERE r.withdrawn_on IS NULL AND s.screened_on = \(day) ORDER BY r.urgent DESC, r.pk;",
            "SELECT * FROM review WHERE screening_id IN (SELECT id FROM screening WHERE screened_on = \(day)) ORDER BY created_at, pk;",
            "SELECT p.*, v.name FROM patient p LEFT JOIN village v ON v.id = p.village_id WHERE p.id IN (SELECT patient_id FROM screening WHERE screened_on = \(day));",
        ]
        let registerFloor = try floor(registerSQL, runs: runs)
        print("daily register of \(busiest.day.iso8601) (\(busiest.visits) visits)")
        Self.line("  Arogya (store call)", register, floor: registerFloor, target: "p50 ≤ 100 ms")

        // The last whole month.
        let month = IndicatorPeriod.month(containing: today).adding(months: -1)
        var indicators: [Double] = []
        var report: IndicatorReport?
        for _ in 0..<indicatorRuns {
            let start = DispatchTime.now().uptimeNanoseconds
            report = try store.indicators(period: month, rules: rules, today: today)
            indicators.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        // Where the time goes: reading the tables into the cohort, and counting.
        let readStart = DispatchTime.now().uptimeNanoseconds
        let cohort = try store.indicatorCohort(period: month)
        let readMs = Double(DispatchTime.now().uptimeNanoseconds - readStart) / 1e6
        let countStart = DispatchTime.now().uptimeNanoseconds
        _ = Indicators.report(cohort, period: month, rules: rules, today: today)
        let countMs = Double(DispatchTime.now().uptimeNanoseconds - countStart) / 1e6
        print("  of which: reading \(cohort.population.reduce(0) { $0 + $1.count }) people counted in \(cohort.population.count) groups, "
              + "\(cohort.persons.count) people one by one, \(cohort.visits.count) visits, \(cohort.referrals.count) referrals "
              + "\(formatted(readMs, digits: 0)) ms; counting \(formatted(countMs, digits: 0)) ms")
        let earliest = "'" + IndicatorCohort.earliestVisitDay(forPeriodEnding: month.to).iso8601 + "'"
        let end = "'" + month.to.iso8601 + "'"
        let after = "'" + month.to.adding(days: 1).iso8601 + "'"
        // The people it read one by one, by the same statement over the same JSON array of ids.
        let looked = Set(cohort.persons.lazy.filter { $0.mobile == nil }.map(\.id)).sorted().map { "\"\($0)\"" }.joined(separator: ",")
        let indicatorSQL = [
            "SELECT sex, birth_date, count(*) FROM patient INDEXED BY patient_registered WHERE status = 'active' AND created_at < \(after) GROUP BY sex, birth_date;",
            "SELECT \(StoredColumns.referralColumns) FROM referral WHERE withdrawn_on IS NULL AND referred_on >= \(earliest) AND referred_on <= \(end);",
            "SELECT id, input FROM screening WHERE screened_on >= '\(month.from.iso8601)' AND screened_on <= \(end);",
            "SELECT \(StoredColumns.visitColumns) FROM screening INDEXED BY screening_counted WHERE screened_on >= \(earliest) AND screened_on <= \(end);",
            "SELECT p.id, p.sex, p.birth_date, p.created_at, p.status FROM json_each('[\(looked)]') j CROSS JOIN patient p ON p.id = j.value;",
            "SELECT id, sex, birth_date, created_at, status, mobile, name FROM patient INDEXED BY patient_mobile_reversed WHERE status = 'active' AND mobile_reversed IS NOT NULL AND (mobile_reversed, sex) IN (SELECT mobile_reversed, sex FROM patient INDEXED BY patient_created WHERE status = 'active' AND created_at >= '\(month.from.iso8601)' AND created_at < \(after) AND mobile_reversed IS NOT NULL);",
        ]
        let indicatorFloor = try floor(indicatorSQL, runs: indicatorRuns)
        if let report {
            let controlled = report.figure("hypertension.controlled")
            print("indicators of \(month.label): \(report.figure("cascade.people_30")?.count ?? 0) people 30+, "
                  + "\(controlled?.count ?? 0) of \(controlled?.of ?? 0) known hypertensives controlled")
        }
        Self.line("  Arogya (store call)", indicators, floor: indicatorFloor, target: "≤ 2 s")
        try indexCost()
    }

    /// What the reports' indexes cost to keep current: nothing is precomputed, but registrations keep
    /// two more patient indexes, referrals one more, and screenings one more. Measured by copying the same real rows into two
    /// scratch tables, one with the indexes and one without, and printing the difference a row, with
    /// the indexes' size in this database.
    func indexCost() throws {
        let scratch = NSTemporaryDirectory() + "arogya-index-cost-\(getpid()).sqlite"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let rows = 100_000
        let script = """
            ATTACH '\(scratch)' AS scratch;
            CREATE TABLE scratch.bare_patient AS SELECT * FROM patient WHERE 0;
            CREATE TABLE scratch.kept_patient AS SELECT * FROM patient WHERE 0;
            CREATE INDEX scratch.kept_registered ON kept_patient(status, sex, birth_date, created_at);
            CREATE INDEX scratch.kept_created ON kept_patient(created_at);
            CREATE TABLE scratch.bare_referral AS SELECT * FROM referral WHERE 0;
            CREATE TABLE scratch.kept_referral AS SELECT * FROM referral WHERE 0;
            CREATE INDEX scratch.kept_screening ON kept_referral(screening_id);
            CREATE TABLE scratch.bare_screening AS SELECT * FROM screening WHERE 0;
            CREATE TABLE scratch.kept_visits AS SELECT * FROM screening WHERE 0;
            CREATE INDEX scratch.kept_counted ON kept_visits(screened_on, patient_id, kind, known, bp_systolic, bp_diastolic,
                glucose_type, glucose_mg_dl, glucose_meter, cbac_score, oral_done, breast_done, cervical_done, created_at, id);
            .timer on
            INSERT INTO scratch.bare_patient SELECT * FROM patient ORDER BY pk LIMIT \(rows);
            INSERT INTO scratch.kept_patient SELECT * FROM patient ORDER BY pk LIMIT \(rows);
            INSERT INTO scratch.bare_referral SELECT * FROM referral ORDER BY pk LIMIT \(rows);
            INSERT INTO scratch.kept_referral SELECT * FROM referral ORDER BY pk LIMIT \(rows);
            INSERT INTO scratch.bare_screening SELECT * FROM screening ORDER BY pk LIMIT \(rows);
            INSERT INTO scratch.kept_visits SELECT * FROM screening ORDER BY pk LIMIT \(rows);
            .timer off
            SELECT 'size ' || name || ' ' || sum(pgsize) FROM dbstat WHERE name IN ('patient_registered', 'patient_created', 'referral_screening', 'screening_counted') GROUP BY name;

            """
        let output = try SQLiteFloor.output(sqlite3: sqlite3, db: db, script: script, step: "the index cost in sqlite3")
        let times = SQLiteFloor.runTimes(output)
        guard times.count == 6 else { throw ValidationError("sqlite3 printed \(times.count) timings for the index cost: \(output)") }
        let patientCost = (times[1] - times[0]) * 1000 / Double(rows)
        let referralCost = (times[3] - times[2]) * 1000 / Double(rows)
        let screeningCost = (times[5] - times[4]) * 1000 / Double(rows)
        let sizes = output.split(separator: "\n").filter { $0.hasPrefix("size ") }.map { line -> String in
            let parts = line.split(separator: " ")
            return "\(parts[1]) \(formatted((Double(parts[2]) ?? 0) / 1_048_576, digits: 1)) MB"
        }
        print("kept current as records are saved (nothing precomputed; indexes only): a registration \(formatted(patientCost, digits: 1)) µs more "
              + "for patient_registered and patient_created, a referral \(formatted(referralCost, digits: 1)) µs more for referral_screening, "
              + "a screening \(formatted(screeningCost, digits: 1)) µs more for screening_counted "
              + "(each over \(rows) real rows copied with and without them); \(sizes.joined(separator: ", "))")
    }

    /// The CPU time sqlite3 spends on the statements, per run.
    func floor(_ statements: [String], runs: Int) throws -> [Double] {
        let script = ".timer on\n.output /dev/null\n" + String(repeating: statements.joined(separator: "\n") + "\n", count: runs + 1)
        let times = try runScript(script)
        var perRun: [Double] = []
        for run in 1...runs {
            let slice = times.dropFirst(run * statements.count).prefix(statements.count)
            perRun.append(slice.reduce(0, +))
        }
        return perRun
    }

    func runScript(_ script: String) throws -> [Double] {
        try SQLiteFloor.statementTimes(sqlite3: sqlite3, db: db, script: script, step: "the sqlite3 replay of the review queries")
    }

    static func line(_ label: String, _ times: [Double], floor: [Double], target: String) {
        let mine = Summary(times)
        let base = Summary(floor)
        let ratio = base.median > 0 ? mine.median / base.median : 0
        print("\(DisplayWidth.pad(label, to: 24)) p50 \(formatted(mine.median, digits: 1)) ms  p95 \(formatted(mine.p95, digits: 1)) ms   "
              + "sqlite3 floor p50 \(formatted(base.median, digits: 1)) ms   ratio \(formatted(ratio, digits: 2))×   target \(target)")
    }
}

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
        print("  of which: reading \(cohort.persons.count) people, \(cohort.visits.count) visits, \(cohort.referrals.count) referrals "
              + "\(formatted(readMs, digits: 0)) ms; counting \(formatted(countMs, digits: 0)) ms")
        let earliest = "'" + IndicatorCohort.earliestVisitDay(forPeriodEnding: month.to).iso8601 + "'"
        let end = "'" + month.to.iso8601 + "'"
        let indicatorSQL = [
            "SELECT id, sex, birth_date, created_at, status, mobile, name FROM patient;",
            "SELECT screening_id, patient_id, conditions, referred_on, outcome, outcome_on FROM referral WHERE withdrawn_on IS NULL AND referred_on >= \(earliest) AND referred_on <= \(end);",
            "SELECT id, patient_id, kind, screened_on, created_at, bp_systolic, bp_diastolic, glucose_type, glucose_mg_dl, glucose_meter, cbac_score, oral_done, breast_done, cervical_done, known, CASE WHEN screened_on >= '\(month.from.iso8601)' THEN input END FROM screening WHERE screened_on >= \(earliest) AND screened_on <= \(end) ORDER BY screened_on;",
        ]
        let indicatorFloor = try floor(indicatorSQL, runs: indicatorRuns)
        if let report {
            let controlled = report.figure("hypertension.controlled")
            print("indicators of \(month.label): \(report.figure("cascade.people_30")?.count ?? 0) people 30+, "
                  + "\(controlled?.count ?? 0) of \(controlled?.of ?? 0) known hypertensives controlled")
        }
        Self.line("  Arogya (store call)", indicators, floor: indicatorFloor, target: "≤ 2 s")
        print("aggregates kept current as screenings are saved: none (each report is counted from the tables), so a save costs nothing more")
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

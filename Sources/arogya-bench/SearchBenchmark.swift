import ArgumentParser
import ArogyaCore
import ArogyaStore
import ArogyaTesting
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `arogya-bench search`: patient lookup on a large database made by `arogya demo`.
///
/// For each kind of query it draws random patients from the database, makes the query a worker would type
/// to find each of them, and times Arogya's search (the same call the Patients screen makes). As the floor
/// it replays, through the `sqlite3` command line with `.timer on`, exactly the SQL each search ran, and
/// prints the ratio. It also reports how often the patient the query was made from is among the results.
struct SearchBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Patient search latency (p50/p95/p99) against the sqlite3 floor, and database size per patient.")

    @Option(help: "The database, made by `arogya setup` and `arogya demo`.")
    var db: String

    @Option(help: "Queries of each kind.")
    var queries = 1_000

    @Option(help: "The seed for choosing patients.")
    var seed: UInt64 = 7

    @Option(help: "Results asked for, as the screen asks.")
    var limit = 20

    @Option(help: "The sqlite3 command line.")
    var sqlite3 = "/usr/bin/sqlite3"

    @Flag(help: "Also print the five slowest queries of each kind, and the labelled pairs not found.")
    var verbose = false

    @Flag(help: "Measure only the labelled name variants (no random queries, screen or sizes).")
    var labelledOnly = false

    @Option(help: "The arogya binary whose screen is measured while searching (default: the one beside this benchmark).")
    var binary: String?

    @Option(help: "The labelled name variants (default: Tests/Data/name-variants.tsv of the source tree).")
    var labelled: String?

    @Option(help: "The PIN the screen run signs in with: the first account's, as `arogya setup` was given it (default 4826).")
    var pin = "4826"

    enum Kind: String, CaseIterable {
        case namePrefix = "name prefix"
        case twoWords = "two words"
        case crossScript = "cross-script"
        case spellingVariant = "spelling variant"
        case mobileSuffix = "mobile suffix"
        case abhaNumber = "full ABHA number"
        case abhaAddress = "ABHA address"

        var isIdentifier: Bool { self == .mobileSuffix || self == .abhaNumber || self == .abhaAddress }
    }

    struct Sample {
        let id: String
        let name: String
        let nameAlt: String?
        let mobile: String?
        let abhaNumber: String?
        let abhaAddress: String?
    }

    func run() throws {
        let store = try AppDatabase.open(path: db, mode: .mustExist)
        var random = SeededRandom(seed: seed)
        let samples = try drawSamples(store: store, random: &random)
        print("arogya-bench search: \(db)")
        print("  machine: \(StartupBenchmark.machine())")
        let patients = try store.patientCount()
        print("  patients: \(patients); \(queries) queries of each kind, \(limit) results each")
        print("  matched: the query matches the patient it was made from; shown: she is among the \(limit) results")
        print("")
        print("  kind               p50 ms  p95 ms  p99 ms   sqlite3 p50  p95    p99   ratio p99  matched  shown")
        var rss: [Double] = []
        for kind in Kind.allCases where !labelledOnly {
            var made: [(String, String)] = []
            var attempts = 0
            while made.count < queries, attempts < queries * 50 {
                attempts += 1
                let sample = samples.sample(&random)
                if let query = makeQuery(kind, from: sample, random: &random) { made.append((query, sample.id)) }
            }
            // Warm the page cache as a working day would have, the same for both sides: every query once
            // through Arogya before its measured pass, and the replay once through sqlite3 before its own.
            for (query, _) in made { _ = try store.searchPatients(PatientQuery.parse(query), limit: limit) }
            var times: [Double] = []
            var found = 0
            var matched = 0
            var slowest: [(Double, String)] = []
            var unmatched: [String] = []
            var script = ".timer on\n.output /dev/null\n"
            var statementsPerQuery: [Int] = []
            for (query, id) in made {
                let parsed = PatientQuery.parse(query)
                let start = PseudoTerminalRun.now()
                let (matches, statements) = try store.searchPatientsReportingStatements(parsed, limit: limit)
                let elapsed = (PseudoTerminalRun.now() - start) * 1000
                times.append(elapsed)
                slowest.append((elapsed, query))
                if matches.contains(where: { $0.patient.id == id }) { found += 1 }
                if try store.patientMatches(parsed, id: id) { matched += 1 } else if verbose { unmatched.append(query) }
                statementsPerQuery.append(statements.count)
                for statement in statements { script += inline(statement) + ";\n" }
            }
            let floor = try runFloor(script: script, statementsPerQuery: statementsPerQuery)
            let ours = Summary(times)
            let base = Summary(floor)
            let ratio = base.p99 > 0 ? ours.p99 / base.p99 : 0
            print("  " + kind.rawValue.padding(toLength: 17, withPad: " ", startingAt: 0)
                  + column(ours.median) + column(ours.p95) + column(ours.p99) + "   "
                  + column(base.median, width: 8) + column(base.p95, width: 7) + column(base.p99, width: 7)
                  + "   " + (formatted(ratio, digits: 2) + "×").padding(toLength: 9, withPad: " ", startingAt: 0)
                  + (formatted(Double(matched) * 100 / Double(max(1, made.count))) + "%").padding(toLength: 9, withPad: " ", startingAt: 0)
                  + (formatted(Double(found) * 100 / Double(max(1, made.count))) + "%").padding(toLength: 7, withPad: " ", startingAt: 0)
                  + " (target p99 ≤ \(kind.isIdentifier ? 10 : 30) ms, ≤ 2× floor)")
            if verbose {
                if !unmatched.isEmpty { print("      not matched: " + unmatched.prefix(10).joined(separator: ", ")) }
                for (elapsed, query) in slowest.sorted(by: { $0.0 > $1.0 }).prefix(5) {
                    print("      \(formatted(elapsed, digits: 2)) ms  \(query)")
                }
            }
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            rss.append(Double(usage.ru_maxrss) / 1024)
        }
        try LabelledRecall(benchmark: self, store: store, path: labelled ?? NameVariants.path, verbose: verbose).run()
        if labelledOnly { return }
        print("")
        print("  peak memory of this benchmark process while searching: \(formatted(rss.max() ?? 0)) MB")
        // The screen run is one step among others: when it cannot finish (a PIN the database does not
        // take), it says why and the sizes are still reported; the benchmark then exits 1.
        var screenFailure: (any Error)?
        do {
            try measureScreen(queries: samples.all.prefix(50).compactMap { sample in
                sample.name.split(separator: " ").first.map { String($0.prefix(5)) }
            })
        } catch {
            screenFailure = error
            print("  peak memory of the Patients screen: not measured: \(error)")
        }
        try printSizes(store: store, patients: patients)
        if screenFailure != nil { throw ExitCode(1) }
    }

    /// The Patients screen in a real terminal: sign in with `--pin` (the first account's PIN),
    /// open Patients, type each query a letter at a time, clear it, then leave. The kernel's peak resident
    /// memory of the process over the whole session is the figure.
    func measureScreen(queries: [String]) throws {
        let arogya = binary ?? StartupBenchmark.sibling("arogya")
        var steps: [(pause: Double, text: String)] = [(1.0, pin + "\r"), (0.5, "1")]
        for query in queries {
            for character in query { steps.append((0.02, String(character))) }
            steps.append((0.15, "\u{15}"))  // Ctrl-U clears the box
        }
        steps += [(0.3, "\u{1B}"), (0.3, "\u{1B}"), (0.3, "q")]
        var run = PseudoTerminalRun(executable: arogya, arguments: ["--db", db],
                                    environment: ["TERM": "xterm-256color", "LANG": "C.UTF-8", "TZ": "UTC", "PATH": "/usr/bin:/bin",
                                                  "HOME": NSTemporaryDirectory()],
                                    typeAhead: "")
        run.steps = steps
        let outcome = try run.run()
        print("  peak memory of the Patients screen over \(queries.count) searches typed as a person types: "
              + "\(formatted(Double(outcome.peakResidentBytes) / 1_048_576)) MB   (target ≤ 40 MB; exit \(outcome.exitStatus))")
    }

    /// Random patients, read once. `sample` picks one.
    struct Samples {
        let all: [Sample]
        var count: Int { all.count }
        func sample(_ random: inout SeededRandom) -> Sample { random.pick(all) }
    }

    func drawSamples(store: AppDatabase, random: inout SeededRandom) throws -> Samples {
        let wanted = queries * 20
        let rows = try store.benchmarkSample(count: wanted, seed: random.next())
        return Samples(all: rows.map { Sample(id: $0.id, name: $0.name, nameAlt: $0.nameAlt, mobile: $0.mobile,
                                               abhaNumber: $0.abhaNumber, abhaAddress: $0.abhaAddress) })
    }

    /// The query a worker would type to find `sample`, or nil when the patient has nothing of that kind.
    func makeQuery(_ kind: Kind, from sample: Sample, random: inout SeededRandom) -> String? {
        let latinName = Devanagari.contains(sample.name) ? (sample.nameAlt ?? Devanagari.toLatin(sample.name)) : sample.name
        let words = latinName.split(separator: " ").map(String.init)
        guard let first = words.first else { return nil }
        switch kind {
        case .namePrefix:
            return String(first.prefix(random.int(in: 3...5)))
        case .twoWords:
            guard words.count >= 2 else { return nil }
            return String(first.prefix(random.int(in: 3...5))) + " " + String(words[words.count - 1].prefix(random.int(in: 2...4)))
        case .crossScript:
            // The name in the script it was not registered in.
            guard let alternate = sample.nameAlt else { return nil }
            return alternate.split(separator: " ").first.map(String.init)
        case .spellingVariant:
            return SpellingVariants.vary(first.lowercased(), random: &random)
        case .mobileSuffix:
            return sample.mobile.map { String($0.suffix(random.int(in: 4...6))) }
        case .abhaNumber:
            return sample.abhaNumber.map { random.chance(0.5) ? Identifiers.formattedAbhaNumber($0) : $0 }
        case .abhaAddress:
            return sample.abhaAddress
        }
    }

    /// A statement with its arguments written in as SQL literals, for the sqlite3 command line.
    func inline(_ statement: AppDatabase.SearchStatement) -> String {
        var sql = statement.sql
        for argument in statement.arguments {
            guard let range = sql.range(of: "?") else { break }
            sql.replaceSubrange(range, with: "'" + argument.replacingOccurrences(of: "'", with: "''") + "'")
        }
        return sql
    }

    /// Runs the script in sqlite3 and sums the CPU time of each query's statements. The shell's wall
    /// clock shows whole milliseconds, so the floor is its user + system time, which it shows in microseconds.
    func runFloor(script: String, statementsPerQuery: [Int]) throws -> [Double] {
        _ = try runScript(script)
        return perQuery(try runScript(script), statementsPerQuery: statementsPerQuery)
    }

    /// The "Run Time" CPU milliseconds of each statement of a script run through sqlite3.
    func runScript(_ script: String) throws -> [Double] {
        try SQLiteFloor.statementTimes(sqlite3: sqlite3, db: db, script: script, step: "the sqlite3 replay of the searches")
    }

    func perQuery(_ times: [Double], statementsPerQuery: [Int]) -> [Double] {
        var perQuery: [Double] = []
        var index = 0
        for count in statementsPerQuery {
            perQuery.append(times[index..<min(times.count, index + count)].reduce(0, +))
            index += count
        }
        return perQuery
    }

    func printSizes(store: AppDatabase, patients: Int) throws {
        let sizes = try store.storageBytesByObject()
        let patientObjects = sizes.filter { $0.key == "patient" || $0.key.hasPrefix("patient_") || $0.key == "sqlite_autoindex_patient_1" }
        let logObjects = sizes.filter { $0.key.hasPrefix("audit_log") || $0.key.contains("sync_outbox") }
        let patientBytes = patientObjects.values.reduce(0, +)
        let logBytes = logObjects.values.reduce(0, +)
        print("")
        print("  database size: \(formatted(Double(sizes.values.reduce(0, +)) / 1_048_576)) MB in all")
        print("  patient tables and search indexes: \(formatted(Double(patientBytes) / 1_048_576)) MB, "
              + "\(patientBytes / max(1, patients)) bytes per patient   (target ≤ 1000)")
        for (name, bytes) in patientObjects.sorted(by: { $0.value > $1.value }) {
            print("      " + name.padding(toLength: 30, withPad: " ", startingAt: 0) + "\(bytes / max(1, patients)) bytes per patient")
        }
        print("  audit log and sync outbox: \(formatted(Double(logBytes) / 1_048_576)) MB, \(logBytes / max(1, patients)) bytes per patient")
    }

    func column(_ value: Double, width: Int = 8) -> String {
        let text = formatted(value, digits: 2)
        return String(repeating: " ", count: max(0, width - text.count)) + text
    }
}

/// The spellings people write for the same name, applied to one word.
enum SpellingVariants {
    static let rules: [(String, String)] = [
        ("ksh", "x"), ("x", "ksh"), ("ee", "i"), ("i", "ee"), ("oo", "u"), ("u", "oo"), ("sh", "s"), ("v", "w"), ("w", "v"),
        ("ph", "f"), ("aa", "a"), ("th", "t"), ("bh", "b"), ("mm", "m"), ("tt", "t"),
    ]

    /// A variant of `word`, or nil when no rule applies. Also drops or adds a final "a".
    static func vary(_ word: String, random: inout SeededRandom) -> String? {
        let applicable = rules.filter { word.contains($0.0) }
        if let (from, to) = applicable.isEmpty ? nil : random.pick(applicable) {
            if let range = word.range(of: from) { return word.replacingCharacters(in: range, with: to) }
        }
        // A final "a" is written or not; but not after an abbreviation such as "Mohd".
        if word.count > 3, !["mohd", "md"].contains(word) { return word.hasSuffix("a") ? String(word.dropLast()) : word + "a" }
        return nil
    }
}

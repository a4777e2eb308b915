import ArogyaCore
import ArogyaTesting
import Foundation
import Testing

/// `arogya screenings record` and `screenings import`: screenings typed up from paper in the name of the
/// worker who did them, judged and saved as the screen saves them.
@Suite("Screening record and import", .serialized)
struct ScreeningRecordTests {
    let folder: TemporaryFolder
    var database: String { folder.file("a.sqlite") }

    init() throws {
        folder = try TemporaryFolder()
        #expect(try BuiltProduct.run(["setup", "--db", database, "--facility", "AAM Rampur", "--supervisor", "priya", "--village", "Rampur"],
                                     stdin: "4826\n").status == 0)
    }

    func patient(_ name: String, sex: String, dob: String) throws -> String {
        let added = try BuiltProduct.run(["patients", "add", "--db", database, "--name", name, "--sex", sex, "--dob", dob, "--village", "Rampur", "--json"])
        guard case .string(let id)? = try JSONParser.parse(added.stdout)["id"] else { throw Failure.noPatient(added.stderr) }
        return id
    }

    enum Failure: Error { case noPatient(String) }

    @Test("Given a paper screening, when recorded as the supervisor proven by her PIN, then it is judged and saved on its day; without --as or with bad input nothing is saved and the exit says why")
    func record() throws {
        let id = try patient("Sunita Devi", sex: "female", dob: "1976-03-10")
        let input = #"{"bp": [[150, 96], [154, 96]], "glucose": {"type": "random", "mg_dl": 212}}"#
        let noActor = try BuiltProduct.run(["screenings", "record", id, "--db", database], stdin: input)
        #expect(noActor.status == 2 && noActor.stderr.contains("Give --as LOGIN"), "\(noActor.stderr)")
        let bad = try BuiltProduct.run(["screenings", "record", id, "--db", database, "--as", "priya"], stdin: #"{"bp": [[310, 90]]}"#,
                                       environment: ["AROGYA_PIN": "4826"])
        #expect(bad.status == 2 && bad.stderr.contains("bp[0][0]: systolic 310 is outside 70–300"), "\(bad.stderr)")
        let saved = try BuiltProduct.run(["screenings", "record", id, "--db", database, "--as", "priya", "--date", "2026-11-20", "--json"],
                                         stdin: input, environment: ["AROGYA_PIN": "4826"])
        #expect(saved.status == 0, "\(saved.stderr)")
        let document = try JSONParser.parse(saved.stdout)
        #expect(document["screened_on"] == .string("2026-11-20") && document["patient_id"] == .string(id))
        #expect(document["decision"]?["refer"] == .bool(true))
        let audit = try JSONParser.parse(try BuiltProduct.run(["audit", "list", "--db", database, "--limit", "5", "--json"]).stdout)
        guard case .array(let rows) = audit else { Issue.record("no audit rows"); return }
        #expect(rows.contains { $0["record_type"] == .string("screening") && $0["actor"] == .string("priya") },
                "the audit names the worker it was recorded for: \(audit.serialized())")
    }

    @Test("Given a JSON Lines file of three screenings, one of them wrong, when imported, then two are saved, the wrong line is reported by number and why, and the exit is 2")
    func importLines() throws {
        let first = try patient("Sunita Devi", sex: "female", dob: "1976-03-10")
        let second = try patient("Ramesh Kumar", sex: "male", dob: "1969-01-01")
        let file = folder.file("backlog.jsonl")
        try """
            # CBAC forms of 20 November, typed up
            {"patient_id": "\(first)", "date": "2026-11-20", "bp": [[150, 96], [154, 96]]}
            {"patient_id": "\(second)", "date": "2026-11-20", "bp": [[320, 96]]}

            {"patient_id": "\(second)", "bp": [[128, 82], [126, 80]], "glucose": {"type": "fasting", "mg_dl": 98}}
            """.write(toFile: file, atomically: true, encoding: .utf8)
        let imported = try BuiltProduct.run(["screenings", "import", file, "--db", database, "--as", "priya", "--json"],
                                            environment: ["AROGYA_PIN": "4826"])
        #expect(imported.status == 2, "\(imported.stderr)")
        let report = try JSONParser.parse(imported.stdout)
        #expect(report["saved"] == .number(2))
        guard case .array(let refused)? = report["refused"] else { Issue.record("no refused list"); return }
        #expect(refused.count == 1 && refused.first?["line"] == .number(3))
        #expect(refused.first.flatMap { $0["reason"] }.map { $0.serialized().contains("systolic 320 is outside 70–300") } == true)
        // The day's register has what was saved for that day, and its CSV reads back with a CSV parser.
        let register = try JSONParser.parse(try BuiltProduct.run(["review", "daily", "--db", database, "--date", "2026-11-20", "--format", "json"]).stdout)
        guard case .array(let rows) = register else { Issue.record("no register"); return }
        #expect(rows.count == 1 && rows.first?["patient_id"] == .string(first) && rows.first?["worker"] == .string("priya"))
        #expect(rows.first?["bp"] == .array([.number(152), .number(96)]) && rows.first?["review"] == .null)
        let csv = try BuiltProduct.run(["review", "daily", "--db", database, "--date", "2026-11-20", "--format", "csv"]).stdout
        let parsed = try ChildProcess.run("/usr/bin/python3", ["-c", "import csv, sys; rows = list(csv.reader(sys.stdin)); print(len(rows)); print(rows[1][6]); print(rows[1][10])"],
                                          stdin: csv)
        #expect(parsed.stdout == "2\nSunita Devi\n152/96\n", "\(parsed.stdout)\(parsed.stderr)")
        let urgentOnly = try JSONParser.parse(try BuiltProduct.run(["review", "daily", "--db", database, "--date", "2026-11-20", "--format", "json",
                                                                    "--only", "urgent"]).stdout)
        #expect(urgentOnly == .array([]))
    }

    @Test("Given screenings recorded for November, when the month's indicators are asked for, then JSON, CSV (read back by a CSV parser) and text agree on the cascade's counts, and a bad month exits 2")
    func indicators() throws {
        let sunita = try patient("Sunita Devi", sex: "female", dob: "1976-03-10")
        let ramesh = try patient("Ramesh Kumar", sex: "male", dob: "1969-01-01")
        for (id, input) in [(sunita, #"{"bp": [[150, 96], [154, 96]], "glucose": {"type": "random", "mg_dl": 212}}"#),
                            (ramesh, #"{"bp": [[120, 80], [120, 80]]}"#)] {
            let saved = try BuiltProduct.run(["screenings", "record", id, "--db", database, "--as", "priya", "--date", "2026-11-20"],
                                             stdin: input, environment: ["AROGYA_PIN": "4826"])
            #expect(saved.status == 0, "\(saved.stderr)")
        }
        let json = try JSONParser.parse(try BuiltProduct.run(["report", "indicators", "--db", database, "--month", "2026-11", "--format", "json"]).stdout)
        guard case .array(let figures)? = json["figures"] else { Issue.record("no figures: \(json)"); return }
        func figure(_ id: String) -> JSONValue? { figures.first { $0["id"] == .string(id) } }
        #expect(figure("cascade.people_30")?["count"] == .number(2))
        #expect(figure("cascade.screened_hypertension")?["count"] == .number(2) && figure("cascade.screened_hypertension")?["of"] == .number(2))
        #expect(figure("cascade.positive_hypertension")?["count"] == .number(1))
        #expect(figure("cascade.referred_diabetes")?["count"] == .number(1))
        #expect(figure("quality.repeated")?["count"] == .number(1) && figure("quality.repeated")?["of"] == .number(2))
        #expect(json["period"]?["from"] == .string("2026-11-01") && json["period"]?["to"] == .string("2026-11-30"))
        let csv = try BuiltProduct.run(["report", "indicators", "--db", database, "--month", "2026-11", "--format", "csv"]).stdout
        let parsed = try ChildProcess.run("/usr/bin/python3", ["-c", """
            import csv, sys
            rows = {r['indicator']: r for r in csv.DictReader(sys.stdin)}
            print(rows['cascade.screened_hypertension']['count'], rows['cascade.screened_hypertension']['of'], rows['cascade.positive_hypertension']['percent'])
            """], stdin: csv)
        #expect(parsed.stdout == "2 2 50.0%\n", "\(parsed.stdout)\(parsed.stderr)")
        let text = try BuiltProduct.run(["report", "indicators", "--db", database, "--month", "2026-11"], environment: ["LANG": "C"])
        #expect(text.stdout.contains("Screened for hypertension                     2 of       2  100.0%"), "\(text.stdout)")
        #expect(!text.stdout.contains("█"), "no block characters without UTF-8")
        let bad = try BuiltProduct.run(["report", "indicators", "--db", database, "--month", "2026-13"])
        #expect(bad.status == 2 && bad.stderr.contains("--month: expected YYYY-MM"), "\(bad.stderr)")
    }
}

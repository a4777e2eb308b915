import ArogyaTesting
import Foundation
import Testing

/// `arogya protocol …` and `arogya due` as scripts and programme officers use them: JSON, exit codes.
@Suite("Screening commands", .serialized)
struct ScreeningCommandTests {
    let folder: TemporaryFolder
    var database: String { folder.file("a.sqlite") }

    init() throws {
        folder = try TemporaryFolder()
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("Given a screening on stdin, when evaluated, then the decisions come back as JSON with the reasons in words")
    func evaluate() throws {
        let result = try BuiltProduct.run(["protocol", "evaluate", "--db", database], stdin: """
            {"sex": "female", "age": 45, "bp": [[150, 96], [154, 96]], "glucose": {"type": "random", "mg_dl": 212}, "oral": ["white_patch"]}
            """)
        #expect(result.status == 0)
        let output = try json(result.stdout)
        #expect((output["bp"] as? [String: Any])?["systolic"] as? Int == 152)
        #expect((output["bp"] as? [String: Any])?["category"] as? String == "high")
        #expect((output["glucose"] as? [String: Any])?["refer"] as? Bool == true)
        #expect((output["oral"] as? [String: Any])?["refer"] as? Bool == true)
        #expect(output["refer"] as? Bool == true && output["urgent"] as? Bool == false)
        #expect(output["cbac_score"] == nil)
        #expect((output["reasons"] as? [String])?.first == "Mean BP 152/96 ≥ 140/90: refer to the Medical Officer at the PHC for confirmation")
        // Evaluating never creates a database.
        #expect(!FileManager.default.fileExists(atPath: database))
    }

    @Test("Given bad screenings, when evaluated, then exit 2 names the field", arguments: [
        (#"{"sex": "female", "age": 45, "bp": [[310, 90]]}"#, "bp[0][0]: systolic 310 is outside 70–300"),
        (#"{"sex": "female", "age": 45, "symtoms": []}"#, "symtoms: unknown key"),
        (#"{"sex": "female", "age": 45, "glucose": {"type": "random", "mg_dl": 700}}"#, "glucose.mg_dl: 700 is outside 20–600"),
        (#"{"sex": "female", "age": 45,"#, "not valid JSON: line 1, column 29"),
        (#"{"age": 45}"#, #"missing "sex""#),
    ])
    func invalid(input: String, message: String) throws {
        let result = try BuiltProduct.run(["protocol", "evaluate", "--db", database], stdin: input)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test("Given the shipped cases, when tested, then all pass; a wrong expectation fails with exit 1 and says where")
    func casesFile() throws {
        let shipped = try BuiltProduct.run(["protocol", "test", BuiltProduct.assets + "/protocols/tests/national-2023.cases.json", "--db", database])
        #expect(shipped.status == 0)
        #expect(shipped.stdout.contains("0 failed"))
        let wrong = folder.file("wrong.json")
        try #"[{"name": "139/89 referred?", "input": {"sex": "male", "age": 45, "bp": [[139, 89]]}, "expected": {"bp": {"refer": true}}}]"#
            .write(toFile: wrong, atomically: true, encoding: .utf8)
        let failed = try BuiltProduct.run(["protocol", "test", wrong, "--db", database])
        #expect(failed.status == 1)
        #expect(failed.stdout.contains("FAIL  139/89 referred?"))
        #expect(failed.stdout.contains("bp.refer: expected true, got false"))
        try "[{".write(toFile: wrong, atomically: true, encoding: .utf8)
        #expect(try BuiltProduct.run(["protocol", "test", wrong, "--db", database]).status == 2)
    }

    @Test("Given a broken protocol file, when the app or a command starts, then it is refused with the place and the reason")
    func brokenProtocol() throws {
        let assets = folder.file("assets")
        try FileManager.default.copyItem(atPath: BuiltProduct.assets, toPath: assets)
        let file = assets + "/protocols/national-2023.json"
        let text = try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(of: #""refer_at": [140, 90]"#, with: #""refer_at": [190, 90]"#)
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let environment = ["AROGYA_ASSETS": assets]
        let check = try BuiltProduct.run(["protocol", "check", "--db", database], environment: environment)
        #expect(check.status == 2)
        #expect(check.stderr.contains("national-2023.json: at bp.urgent_at: 180/110 must be above refer_at 190/90"))
        let ui = try BuiltProduct.run(["--db", database], environment: environment)
        #expect(ui.status == 1)
        #expect(ui.stderr.contains("at bp.urgent_at"))
    }

    @Test("Given a set-up facility with patients and a screening history, when due is asked for, then the most pressing come first as text and JSON")
    func due() throws {
        #expect(try BuiltProduct.run(["setup", "--db", database, "--facility", "AAM Rampur", "--supervisor", "priya",
                                      "--state", "UP", "--village", "Rampur", "--village", "Sitapur"], stdin: "4826\n").status == 0)
        let demo = try BuiltProduct.run(["demo", "--patients", "2000", "--seed", "3", "--db", database])
        #expect(demo.status == 0)
        #expect(demo.stdout.contains("Screening history:"))
        let text = try BuiltProduct.run(["due", "--limit", "5", "--db", database])
        #expect(text.status == 0)
        #expect(text.stdout.hasPrefix("Due on "))
        let page = try json(try BuiltProduct.run(["due", "--limit", "20", "--json", "--db", database]).stdout)
        let rows = try #require(page["rows"] as? [[String: Any]])
        #expect(rows.count == 20)
        let tiers = rows.compactMap { $0["tier"] as? String }
        let order = ["urgent": 0, "follow_up": 1, "screening": 2]
        #expect(tiers.map { order[$0]! } == tiers.map { order[$0]! }.sorted())
        let totals = try #require(page["totals"] as? [String: Int])
        #expect(totals["urgent"]! > 0 && totals["screening"]! > 0)
        let village = try json(try BuiltProduct.run(["due", "--village", "Sitapur", "--json", "--db", database]).stdout)
        #expect(((village["rows"] as? [[String: Any]]) ?? []).allSatisfy { $0["village"] as? String == "Sitapur" })
        #expect(try BuiltProduct.run(["due", "--village", "Nowhere", "--db", database]).status == 1)
        #expect(try BuiltProduct.run(["due", "--limit", "0", "--db", database]).status == 64)
    }
}

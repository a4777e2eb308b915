import ArogyaTesting
import Foundation
import GRDB
import Testing

/// `arogya patients …` and `arogya demo` as scripts use them: exit codes and JSON shapes.
@Suite("Patient commands", .serialized)
struct PatientCommandTests {
    let folder: TemporaryFolder
    var database: String { folder.file("a.sqlite") }

    init() throws {
        folder = try TemporaryFolder()
        let setup = try BuiltProduct.run(["setup", "--db", folder.file("a.sqlite"), "--facility", "AAM Rampur", "--supervisor", "priya",
                                          "--village", "Rampur"], stdin: "4826\n")
        #expect(setup.status == 0)
    }

    func json(_ text: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(text.utf8)) }

    func add(_ arguments: [String]) throws -> BuiltProduct.Result {
        try BuiltProduct.run(["patients", "add", "--db", database] + arguments)
    }

    @Test("Given a new patient, when added with --json, then the saved patient comes back in the show shape")
    func addShow() throws {
        let added = try add(["--name", "लक्ष्मी देवी", "--name-alt", "Lakshmi Devi", "--sex", "female", "--age", "45",
                             "--mobile", "+91 98765 43210", "--village", "Rampur", "--abha-number", "91-6285-4575-5116", "--json"])
        #expect(added.status == 0, "\(added.stderr)")
        let patient = try #require(try json(added.stdout) as? [String: Any])
        #expect(patient["name"] as? String == "लक्ष्मी देवी")
        #expect(patient["mobile"] as? String == "9876543210")
        #expect(patient["abha_number"] as? String == "91-6285-4575-5116")
        #expect(patient["age"] as? Int == 45 && patient["age_estimated"] as? Bool == true)
        #expect(patient["status"] as? String == "active" && patient["version"] as? Int == 1)
        #expect((patient["consent"] as? [String: Any])?["given"] as? Bool == true)
        for key in ["id", "name_alt", "sex", "village", "abha_address", "dob", "household", "mrn", "merged_into", "created_at", "updated_at"] {
            #expect(patient.keys.contains(key), "missing \(key)")
        }
        let id = try #require(patient["id"] as? String)
        let shown = try BuiltProduct.run(["patients", "show", id, "--json", "--db", database])
        #expect((try json(shown.stdout) as? [String: Any])?["id"] as? String == id)
        let missing = try BuiltProduct.run(["patients", "show", "no-such-id", "--db", database])
        #expect(missing.status == 1)
    }

    @Test("Given a likely duplicate, when added, then exit 3 lists the candidates; --new registers; the same ABHA never does")
    func duplicates() throws {
        #expect(try add(["--name", "Lakshmi Devi", "--sex", "female", "--age", "45", "--village", "Rampur", "--abha-number", "91628545755116"]).status == 0)
        let again = try add(["--name", "Laxmi Devi", "--sex", "female", "--age", "44", "--village", "Rampur", "--json"])
        #expect(again.status == 3)
        let duplicates = try #require((try json(again.stdout) as? [String: Any])?["duplicates"] as? [[String: Any]])
        #expect(duplicates.count == 1)
        #expect(duplicates[0]["name"] as? String == "Lakshmi Devi")
        #expect((duplicates[0]["reasons"] as? [String])?.first == "similar name (Lakshmi Devi / Laxmi Devi), age 45 vs 44, same village")
        #expect(try add(["--name", "Laxmi Devi", "--sex", "female", "--age", "44", "--village", "Rampur", "--new"]).status == 0)
        let sameAbha = try add(["--name", "Kamla", "--sex", "female", "--age", "60", "--abha-number", "91-6285-4575-5116", "--new"])
        #expect(sameAbha.status == 3)
        // The refusal names the patient who holds the ABHA number, not "this patient".
        #expect(sameAbha.stderr.contains("already belongs to Lakshmi Devi ("), "\(sameAbha.stderr)")
        #expect(sameAbha.stdout.contains("Lakshmi Devi"))
    }

    @Test("Given bad values, when added, then exit 2 names the problem; wrong usage is 64")
    func invalid() throws {
        let badMobile = try add(["--name", "Asha", "--sex", "female", "--age", "30", "--mobile", "12345"])
        #expect(badMobile.status == 2)
        #expect(badMobile.stderr == "arogya: A mobile number has 10 digits (with or without +91 or 0).\n")
        #expect(try add(["--name", "Asha", "--sex", "female", "--age", "30", "--abha-number", "2341-2341-2346"]).status == 2)
        #expect(try add(["--name", "Asha", "--sex", "female", "--dob", "2030-01-01"]).status == 2)
        #expect(try add(["--name", "Asha", "--sex", "female"]).status == 64)
        #expect(try add(["--name", "Asha", "--sex", "woman", "--age", "30"]).status == 64)
        #expect(try BuiltProduct.run(["patients", "search", "l", "--db", database]).status == 2)
        // A negative age is told the range, not "missing value".
        let negative = try add(["--name", "Asha", "--sex", "female", "--age", "-3"])
        #expect(negative.status == 2 && negative.stderr.contains("An age from 0 to 120 years"), "\(negative.stderr)")
        // Eight digits are DD-MM-YYYY.
        let digits = try add(["--name", "Asha Rani", "--sex", "female", "--dob", "15081972", "--json"])
        #expect(digits.status == 0, "\(digits.stderr)")
        #expect((try json(digits.stdout) as? [String: Any])?["dob"] as? String == "1972-08-15", "\(digits.stdout)")
    }

    @Test("Given a village not on the facility's list, when a patient is added, then it is refused with the list unless --new-village")
    func unknownVillage() throws {
        let misspelt = try add(["--name", "Geeta", "--sex", "female", "--age", "40", "--village", "Rampurr"])
        #expect(misspelt.status == 2)
        #expect(misspelt.stderr.contains("\"Rampurr\" is not one of the facility's villages (Rampur)"), "\(misspelt.stderr)")
        #expect(try add(["--name", "Geeta", "--sex", "female", "--age", "40", "--village", "rampur"]).status == 0)
        #expect(try add(["--name", "Meena", "--sex", "female", "--age", "41", "--village", "Sonpur", "--new-village"]).status == 0)
    }

    @Test("Given a word that is not a command, when run, then it says unknown command with the list and exits 64")
    func unknownCommand() throws {
        let top = try BuiltProduct.run(["frobnicate", "--db", database])
        #expect(top.status == 64)
        #expect(top.stderr.contains("unknown command 'frobnicate' for 'arogya'") && top.stderr.contains("patients, screenings"), "\(top.stderr)")
        #expect(!top.stderr.contains("Usage: arogya ui"))
        let nested = try BuiltProduct.run(["patients", "frob", "--db", database])
        #expect(nested.status == 64 && nested.stderr.contains("unknown command 'frob' for 'arogya patients'"), "\(nested.stderr)")
        let help = try BuiltProduct.run(["--help"])
        for code in ["0 ok", "1 runtime error", "2 invalid input", "3 likely", "4 records rejected", "64 wrong"] {
            #expect(help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ").contains(code), "help lacks \(code)")
        }
    }

    @Test("Given patients, when searched with --json, then the list is best first in the search shape, unmasked")
    func search() throws {
        #expect(try add(["--name", "Lakshmi Devi", "--sex", "female", "--dob", "1981-06-01", "--mobile", "9876543210", "--village", "Rampur"]).status == 0)
        #expect(try add(["--name", "Laxmi", "--sex", "female", "--age", "30", "--new"]).status == 0)
        let found = try BuiltProduct.run(["patients", "search", "laxmi", "--json", "--db", database])
        let list = try #require(try json(found.stdout) as? [[String: Any]])
        #expect(list.map { $0["name"] as? String } == ["Laxmi", "Lakshmi Devi"])
        #expect(list[1]["mobile"] as? String == "9876543210")
        #expect(Set(list[0].keys) == ["id", "name", "name_alt", "sex", "age", "age_estimated", "village", "mobile", "abha_number",
                                      "abha_address", "score"])
        let scores = list.compactMap { $0["score"] as? Double }
        #expect(scores == scores.sorted(by: >) && scores.allSatisfy { (0...1).contains($0) })
        let bySuffix = try BuiltProduct.run(["patients", "search", "3210", "--json", "--db", database])
        #expect((try json(bySuffix.stdout) as? [[String: Any]])?.first?["name"] as? String == "Lakshmi Devi")
    }

    @Test("Given two records, when merged and one marked, then the commands say so and show follows")
    func mergeAndMark() throws {
        let first = try #require(try json(add(["--name", "Sita Devi", "--sex", "female", "--age", "50", "--json"]).stdout) as? [String: Any])
        let second = try #require(try json(add(["--name", "Seeta Devi", "--sex", "female", "--age", "51", "--mobile", "9123456780",
                                                "--new", "--json"]).stdout) as? [String: Any])
        let keep = try #require(first["id"] as? String)
        let other = try #require(second["id"] as? String)
        #expect(try BuiltProduct.run(["patients", "merge", keep, other, "--db", database]).status == 64)
        let merged = try BuiltProduct.run(["patients", "merge", keep, other, "--reason", "same woman", "--db", database])
        #expect(merged.status == 0, "\(merged.stderr)")
        let shown = try #require(try json(BuiltProduct.run(["patients", "show", other, "--json", "--db", database]).stdout) as? [String: Any])
        #expect(shown["status"] as? String == "merged" && shown["merged_into"] as? String == keep)
        #expect((try json(BuiltProduct.run(["patients", "show", keep, "--json", "--db", database]).stdout) as? [String: Any])?["mobile"] as? String == "9123456780")
        let marked = try BuiltProduct.run(["patients", "mark", keep, "moved", "--date", "2026-01-05", "--db", database])
        #expect(marked.status == 0)
        #expect(try BuiltProduct.run(["patients", "mark", keep, "deceased", "--date", "2099-01-01", "--db", database]).status == 2)
        #expect(try BuiltProduct.run(["patients", "mark", keep, "lost", "--db", database]).status == 64)
    }

    @Test("Given a name holding escape sequences, a bell and a newline (as an older version could have stored it), when search, show and due print it, then nothing but one line of text reaches the terminal")
    func textOutIsText() throws {
        let added = try #require(try json(add(["--name", "Sita Devi", "--sex", "female", "--age", "50", "--village", "Rampur", "--json"]).stdout) as? [String: Any])
        let id = try #require(added["id"] as? String)
        let queue = try DatabaseQueue(path: database)
        try queue.write { db in
            try db.execute(sql: "UPDATE patient SET name = ?, name_alt = ? WHERE id = ?",
                           arguments: ["Sita\u{1B}[2J\u{1B}]0;owned\u{7}\nDevi", "सीता\r\nदेवी\u{9B}31m", id])
        }
        try queue.close()
        for command in [["patients", "search", "sita"], ["patients", "show", id], ["due", "--limit", "5"]] {
            let result = try BuiltProduct.run(command + ["--db", database])
            #expect(result.status == 0, "\(command): \(result.stderr)")
            #expect(!result.stdout.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || (0x7F...0x9F).contains($0.value) },
                    "\(command) printed a control character")
            let line = result.stdout.split(separator: "\n").filter { $0.contains("Sita") }
            #expect(line.count == 1 && line[0].contains("Devi"), "\(command): \(result.stdout)")
        }
    }

    @Test("Given a seed, when the demo fills two databases, then they hold the same people")
    func demo() throws {
        let other = try TemporaryFolder()
        #expect(try BuiltProduct.run(["setup", "--db", other.file("b.sqlite"), "--facility", "AAM Rampur", "--supervisor", "priya",
                                      "--village", "Rampur"], stdin: "4826\n").status == 0)
        for path in [database, other.file("b.sqlite")] {
            let demo = try BuiltProduct.run(["demo", "--patients", "300", "--seed", "9", "--db", path])
            #expect(demo.status == 0)
            #expect(demo.stdout.contains("Registered 300 synthetic patients"))
        }
        let a = try BuiltProduct.run(["patients", "search", "devi", "--limit", "1000", "--json", "--db", database])
        let b = try BuiltProduct.run(["patients", "search", "devi", "--limit", "1000", "--json", "--db", other.file("b.sqlite")])
        let names = { (text: String) in ((try? self.json(text)) as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }.sorted() }
        #expect(!names(a.stdout).isEmpty && names(a.stdout) == names(b.stdout))
        #expect(try BuiltProduct.run(["demo", "--patients", "0", "--db", database]).status == 64)
    }
}

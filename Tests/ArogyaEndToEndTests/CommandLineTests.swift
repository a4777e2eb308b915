import ArogyaTesting
import Foundation
import Testing

/// The command line as scripts use it: exit codes, PINs on standard input, one-line errors.
@Suite("Command line", .serialized)
struct CommandLineTests {
    let folder: TemporaryFolder
    var database: String { folder.file("a.sqlite") }

    init() throws {
        folder = try TemporaryFolder()
    }

    func setUp() throws {
        let result = try BuiltProduct.run(["setup", "--db", database, "--facility", "AAM Rampur", "--supervisor", "priya",
                                           "--name", "Priya Sharma", "--state", "up", "--village", "Rampur", "--village", "सीतापुर"],
                                          stdin: "4826\n4826\n")
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test("Given setup with a PIN on stdin, when run twice, then the first sets up and the second refuses with exit 1")
    func setupTwice() throws {
        try setUp()
        let again = try BuiltProduct.run(["setup", "--db", database, "--facility", "X", "--supervisor", "meena"], stdin: "4826\n")
        #expect(again.status == 1)
        #expect(again.stderr == "arogya: This database is already set up.\n")
        let mode = try FileManager.default.attributesOfItem(atPath: database)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test("Given invalid input data, when a command runs, then it exits 2 naming the problem and creates nothing")
    func invalidInput() throws {
        let badPin = try BuiltProduct.run(["setup", "--db", database, "--facility", "AAM", "--supervisor", "priya"], stdin: "12\n")
        #expect(badPin.status == 2)
        #expect(badPin.stderr == "arogya: A PIN has 4 to 6 digits.\n")
        let mismatch = try BuiltProduct.run(["setup", "--db", database, "--facility", "AAM", "--supervisor", "priya"], stdin: "4826\n4827\n")
        #expect(mismatch.status == 2)
        let badState = try BuiltProduct.run(["setup", "--db", database, "--facility", "AAM", "--supervisor", "priya", "--state", "XX"],
                                            stdin: "4826\n")
        #expect(badState.status == 2)
        #expect(badState.stderr.contains("Unknown state code XX"))
        #expect(!FileManager.default.fileExists(atPath: database))
    }

    @Test("Given --language and AROGYA_LANG, when accounts are made and changed, then each has its language, the messages follow the locale, and JSON keys and exit codes do not")
    func languages() throws {
        let setup = try BuiltProduct.run(["setup", "--db", database, "--facility", "AAM Rampur", "--supervisor", "priya", "--language", "hi"],
                                         stdin: "4826\n", environment: ["AROGYA_LANG": "", "LANG": "hi_IN.UTF-8"])
        #expect(setup.status == 0, "\(setup.stderr)")
        #expect(setup.stdout.hasPrefix("\(database) में AAM Rampur का सेटअप पर्यवेक्षक priya के साथ हुआ।"), "\(setup.stdout)")
        let pin = ["AROGYA_PIN": "4826"]
        // A new account takes the facility's language unless one is given.
        #expect(try BuiltProduct.run(["users", "add", "asha", "--role", "worker", "--db", database, "--as", "priya"],
                                     stdin: "1590\n", environment: pin).status == 0)
        #expect(try BuiltProduct.run(["users", "add", "ravi", "--role", "worker", "--language", "en", "--db", database, "--as", "priya"],
                                     stdin: "1590\n", environment: pin).status == 0)
        let changed = try BuiltProduct.run(["users", "language", "asha", "en", "--db", database, "--as", "priya"],
                                           environment: pin.merging(["AROGYA_LANG": "hi"]) { a, _ in a })
        #expect(changed.status == 0 && changed.stdout == "asha को अगले साइन इन से आरोग्य English में दिखेगा।\n", "\(changed.stdout)\(changed.stderr)")
        let english = try BuiltProduct.run(["users", "language", "ravi", "hi", "--db", database, "--as", "priya"], environment: pin)
        #expect(english.stdout == "ravi sees Arogya in हिन्दी from the next sign-in.\n")

        // The same JSON in either language.
        let listed = try BuiltProduct.run(["users", "list", "--json", "--db", database])
        let listedInHindi = try BuiltProduct.run(["users", "list", "--json", "--db", database], environment: ["AROGYA_LANG": "hi"])
        #expect(listed.stdout == listedInHindi.stdout)
        let accounts = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        let languages = Dictionary(uniqueKeysWithValues: accounts.map { ($0["username"] as? String ?? "", $0["language"] as? String ?? "") })
        #expect(languages == ["priya": "hi", "asha": "en", "ravi": "hi"])

        // A language not installed, or not a code: exit 2 with the reason, in the locale's language.
        let missing = try BuiltProduct.run(["users", "language", "asha", "ta", "--db", database, "--as", "priya"], environment: pin)
        #expect(missing.status == 2 && missing.stderr == "arogya: Language 'ta' is not installed here; installed: en, hi.\n", "\(missing.stderr)")
        let malformed = try BuiltProduct.run(["users", "language", "asha", "Hindi", "--db", database, "--as", "priya"],
                                             environment: pin.merging(["AROGYA_LANG": "hi"]) { a, _ in a })
        #expect(malformed.status == 2 && malformed.stderr == "arogya: अनजान भाषा 'hindi'।\n", "\(malformed.stderr)")
        // --help: the abstract and discussion in Hindi, the options in English with a note saying so.
        let help = try BuiltProduct.run(["users", "add", "--help"], environment: ["AROGYA_LANG": "hi"])
        #expect(help.status == 0 && help.stdout.contains("OVERVIEW: खाता जोड़ें।") && help.stdout.contains("--language <code>"), "\(help.stdout)")
        let rootHelp = try BuiltProduct.run(["--help"], environment: ["AROGYA_LANG": "hi"])
        #expect(rootHelp.stdout.contains("निकास कोड: 0 ठीक") && rootHelp.stdout.contains("विकल्पों (--…) का विवरण अंग्रेज़ी में है।"))
        #expect(try BuiltProduct.run(["--help"]).stdout.contains("Exit codes: 0 ok"))
        let refused = try BuiltProduct.run(["users", "disable", "priya", "--db", database, "--as", "priya"],
                                           environment: pin.merging(["AROGYA_LANG": "", "LC_ALL": "hi_IN.UTF-8"]) { a, _ in a })
        #expect(refused.status == 1 && refused.stderr == "arogya: आप अपना खाता बंद नहीं कर सकते।\n", "\(refused.stderr)")
    }

    @Test("Given wrong usage, when run, then swift-argument-parser's exit 64 comes back")
    func usage() throws {
        #expect(try BuiltProduct.run(["users", "add", "ravi"]).status == 64)
        #expect(try BuiltProduct.run(["users", "add", "ravi", "--role", "doctor"]).status == 64)
        #expect(try BuiltProduct.run(["no-such-command"]).status == 64)
        let version = try BuiltProduct.run(["--version"])
        #expect(version.status == 0 && version.stdout.hasPrefix("0."))
        for command in [["--help"], ["setup", "--help"], ["users", "add", "--help"], ["users", "list", "--help"], ["audit", "verify", "--help"]] {
            let help = try BuiltProduct.run(command)
            #expect(help.status == 0 && help.stdout.contains("--db"), "\(command)")
        }
    }

    @Test("Given a set-up database, when users are added, listed and disabled as a supervisor proven by her PIN, then the audit names her")
    func users() throws {
        try setUp()
        let supervisor = ["AROGYA_PIN": "4826"]
        let added = try BuiltProduct.run(["users", "add", "asha", "--role", "worker", "--name", "आशा देवी", "--as", "priya", "--db", database],
                                         stdin: "1590\n", environment: supervisor)
        #expect(added.status == 0, "\(added.stderr)")
        let taken = try BuiltProduct.run(["users", "add", "ASHA", "--role", "worker", "--as", "priya", "--db", database], stdin: "1590\n",
                                         environment: supervisor)
        #expect(taken.status == 1)
        #expect(taken.stderr == "arogya: The login name asha is already used.\n")
        let disabled = try BuiltProduct.run(["--db", database, "users", "disable", "asha", "--as", "priya"], environment: supervisor)
        #expect(disabled.status == 0)
        let unknownActor = try BuiltProduct.run(["users", "disable", "priya", "--as", "nobody", "--db", database], environment: supervisor)
        #expect(unknownActor.status == 1)
        let last = try BuiltProduct.run(["users", "disable", "priya", "--as", "priya", "--db", database], environment: supervisor)
        #expect(last.status == 1)
        #expect(last.stderr.contains("cannot disable your own account"), "\(last.stderr)")

        let list = try BuiltProduct.run(["users", "list", "--json", "--db", database])
        #expect(list.status == 0)
        let accounts = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(accounts.map { $0["username"] as? String } == ["priya", "asha"])
        #expect(accounts.last?["active"] as? Bool == false)
        #expect(accounts.last?["full_name"] as? String == "आशा देवी")
        #expect(accounts.last?["must_change_pin"] as? Bool == true)

        let table = try BuiltProduct.run(["users", "list", "--db", database])
        #expect(table.stdout.contains("asha   आशा देवी"))

        let audit = try BuiltProduct.run(["audit", "verify", "--db", database])
        #expect(audit.status == 0)
        let log = try BuiltProduct.run(["audit", "list", "--json", "--db", database])
        let rows = (try JSONSerialization.jsonObject(with: Data(log.stdout.utf8)) as? [[String: Any]] ?? [])
            .map { "\($0["actor"] ?? "") \($0["action"] ?? "")" }.joined(separator: "\n")
        let user = CommandLineTests.unixUser()
        #expect(rows.contains("cli:\(user) account.create"))
        #expect(rows.contains("priya account.create"))
        #expect(rows.contains("priya account.disable"))
    }

    @Test("Given --as without the account's PIN, when an account is changed, then nothing changes, and a wrong PIN counts towards the lockout")
    func asNeedsThePin() throws {
        try setUp()
        // No terminal and no AROGYA_PIN: the account cannot be proven, so it cannot act.
        let noPin = try BuiltProduct.run(["users", "reset-pin", "priya", "--as", "priya", "--db", database], stdin: "111222\n111222\n")
        #expect(noPin.status == 1)
        #expect(noPin.stderr.contains("needs her PIN"), "\(noPin.stderr)")
        // Account management without --as: refused, whoever runs it.
        let anonymous = try BuiltProduct.run(["users", "add", "ravi", "--role", "supervisor", "--db", database], stdin: "1590\n")
        #expect(anonymous.status == 1)
        #expect(anonymous.stderr.contains("managed by a supervisor"))
        // Wrong PINs are counted like the sign-in screen's, and the fifth locks her out.
        var last = try BuiltProduct.run(["users", "add", "ravi", "--role", "worker", "--as", "priya", "--db", database],
                                        stdin: "1590\n", environment: ["AROGYA_PIN": "1111"])
        #expect(last.stderr == "arogya: priya: Wrong PIN. 4 more wrong PINs lock this account for 15 minutes.\n")
        for _ in 2...4 {
            last = try BuiltProduct.run(["users", "add", "ravi", "--role", "worker", "--as", "priya", "--db", database],
                                        stdin: "1590\n", environment: ["AROGYA_PIN": "1111"])
        }
        #expect(last.stderr == "arogya: priya: Wrong PIN. One more wrong PIN locks this account for 15 minutes.\n")
        last = try BuiltProduct.run(["users", "add", "ravi", "--role", "worker", "--as", "priya", "--db", database],
                                    stdin: "1590\n", environment: ["AROGYA_PIN": "1111"])
        #expect(last.status == 1)
        #expect(last.stderr.contains("locked until"))
        // Locked: even the right PIN cannot lift her own lockout.
        let own = try BuiltProduct.run(["users", "reset-pin", "priya", "--as", "priya", "--db", database], stdin: "111222\n111222\n",
                                       environment: ["AROGYA_PIN": "4826"])
        #expect(own.status == 1)
        #expect(own.stderr.contains("locked until"))
        let list = try BuiltProduct.run(["users", "list", "--json", "--db", database])
        let accounts = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(accounts.map { $0["username"] as? String } == ["priya"])
        #expect(accounts.first?["locked_until"] is String)
    }

    static func unixUser() -> String {
        getpwuid(getuid()).map { String(cString: $0.pointee.pw_name) } ?? "unknown"
    }

    @Test("Given a damaged or foreign file, when a command opens it, then it exits 1 with one line and leaves it as it was")
    func damaged() throws {
        let bytes = Data(repeating: 0x41, count: 8192)
        try bytes.write(to: URL(fileURLWithPath: database))
        let result = try BuiltProduct.run(["users", "list", "--db", database])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("arogya: \(database) is not a database"))
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(FileManager.default.contents(atPath: database) == bytes)
        let missing = try BuiltProduct.run(["users", "list", "--db", folder.file("none.sqlite")])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("There is no database at"))
    }

    @Test("Given a database without write permission, when commands that only read run, then they work; one that writes is refused and nothing changes")
    func readOnlyDatabase() throws {
        try setUp()
        #expect(try BuiltProduct.run(["patients", "add", "--db", database, "--name", "Sita Devi", "--sex", "female", "--age", "50"]).status == 0)
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: database)
        let before = FileManager.default.contents(atPath: database)
        let search = try BuiltProduct.run(["patients", "search", "sita", "--db", database])
        #expect(search.status == 0 && search.stdout.contains("Sita Devi"), "\(search.stderr)")
        let audit = try BuiltProduct.run(["audit", "verify", "--db", database])
        #expect(audit.status == 0, "\(audit.stderr)")
        let evaluate = try BuiltProduct.run(["protocol", "evaluate", "--db", database], stdin: #"{"sex": "female", "age": 45, "bp": [[150, 96]]}"#)
        #expect(evaluate.status == 0 && evaluate.stdout.contains("\"refer\": true"), "\(evaluate.stderr)")
        let users = try BuiltProduct.run(["users", "list", "--db", database])
        #expect(users.status == 0, "\(users.stderr)")
        let add = try BuiltProduct.run(["patients", "add", "--db", database, "--name", "Gita Devi", "--sex", "female", "--age", "40"])
        #expect(add.status == 1)
        #expect(add.stderr.contains("cannot be written"), "\(add.stderr)")
        #expect(FileManager.default.contents(atPath: database) == before)
    }

    @Test("Given a birth date with a sign in front, when a patient is added, then it is refused with the format, not read as another date")
    func signedBirthDate() throws {
        try setUp()
        let result = try BuiltProduct.run(["patients", "add", "--db", database, "--name", "Sita Devi", "--sex", "female", "--dob=-2000-01-01"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("DD-MM-YYYY"), "\(result.stderr)")
    }

    @Test("Given AROGYA_DB, when a command runs without --db, then it uses that database")
    func environmentDatabase() throws {
        try setUp()
        let result = try BuiltProduct.run(["users", "list"], environment: ["AROGYA_DB": database])
        #expect(result.status == 0)
        #expect(result.stdout.contains("priya"))
    }

    @Test("Given no terminal, when the screen is asked for, then it says so and exits 1")
    func noTerminal() throws {
        let result = try BuiltProduct.run(["--db", database])
        #expect(result.status == 1)
        #expect(result.stderr.contains("needs a terminal"))
    }
}

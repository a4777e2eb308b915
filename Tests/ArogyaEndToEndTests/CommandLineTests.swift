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

    @Test("Given a set-up database, when users are added, listed and disabled, then the audit names the Unix user or --as")
    func users() throws {
        try setUp()
        let added = try BuiltProduct.run(["users", "add", "asha", "--role", "worker", "--name", "आशा देवी", "--db", database], stdin: "1590\n")
        #expect(added.status == 0, "\(added.stderr)")
        let taken = try BuiltProduct.run(["users", "add", "ASHA", "--role", "worker", "--db", database], stdin: "1590\n")
        #expect(taken.status == 1)
        #expect(taken.stderr == "arogya: The login name asha is already used.\n")
        let disabled = try BuiltProduct.run(["--db", database, "users", "disable", "asha", "--as", "priya"])
        #expect(disabled.status == 0)
        let unknownActor = try BuiltProduct.run(["users", "disable", "priya", "--as", "nobody", "--db", database])
        #expect(unknownActor.status == 1)
        let last = try BuiltProduct.run(["users", "disable", "priya", "--db", database])
        #expect(last.status == 1)
        #expect(last.stderr.contains("last active supervisor"))

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
        #expect(rows.contains("priya account.disable"))
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
        #expect(result.stderr.hasPrefix("arogya: The database \(database) is damaged"))
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(FileManager.default.contents(atPath: database) == bytes)
        let missing = try BuiltProduct.run(["users", "list", "--db", folder.file("none.sqlite")])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("There is no database at"))
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

import ArogyaCore
import ArogyaTesting
import Foundation
import Testing

/// `arogya abha enrol` with the real binaries: the ABDM simulator, a hub with `--abdm-config` pointing at
/// it, and a terminal connected to the hub. Then every file either side wrote is searched for the Aadhaar
/// number and the OTP.
@Suite("ABHA enrolment end to end", .serialized)
struct AbhaEndToEndTests {
    static var hubBinary: String { (BuiltProduct.arogya as NSString).deletingLastPathComponent + "/arogya-hub" }
    static let aadhaar = "234567890124"
    static let otp = "918273"

    /// Starts a program with a log and waits until the log shows `marker`; what follows it up to a space.
    static func launch(_ arguments: [String], log: String, marker: String) throws -> (ChildProcess, String) {
        let process = try ChildProcess.launch(hubBinary, arguments, logPath: log)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: marker) {
                return (process, String(text[range.upperBound...].prefix { $0.isNumber }))
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        process.signal(SIGKILL)
        throw ChildProcess.SpawnError.timedOut(arguments.joined(separator: " "), seconds: 30, output: (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }

    @Test("Given the hub down, when she is enrolled, then it exits 4 and saves a pending request without her Aadhaar number, which syncs once the hub is back; resumed with her present, it links her ABHA and the request is done")
    func offlineThenResume() throws {
        let folder = try TemporaryFolder()
        let (simulator, config) = try startSimulatorAndFacility(folder)
        defer { simulator.signal(SIGTERM); simulator.wait() }
        var (hub, hubPort) = try Self.serveHub(folder, config: config, log: "hub-1.log")
        let (database, token) = try terminal(folder, hubPort: hubPort)
        let id = try addPatient(database, name: "Sita Devi", dob: "1976-03-10", mobile: "9876500017")

        // The network goes: the hub stops.
        hub.signal(SIGTERM)
        hub.wait()
        let offline = try BuiltProduct.run(["abha", "enrol", id, "--db", database, "--mobile", "9876500017", "--accept-consent",
                                            "--abha-address", "sita.rampur"], stdin: Self.aadhaar + "\n")
        #expect(offline.status == 4, "\(offline.stderr)")
        #expect(offline.stderr.contains("Saved as a pending ABHA request"))
        // Trying again offline leaves one request, not two.
        _ = try BuiltProduct.run(["abha", "enrol", id, "--db", database, "--mobile", "9876500017", "--accept-consent",
                                  "--abha-address", "sita.rampur"], stdin: Self.aadhaar + "\n")
        let pending = try JSONParser.parse(try BuiltProduct.run(["abha", "pending", "--json", "--db", database]).stdout)
        guard case .array(let waiting) = pending else { Issue.record("not a list"); return }
        #expect(waiting.count == 1)
        #expect(waiting.first?["patient_id"] == .string(id) && waiting.first?["flow"] == .string("enrol"))
        #expect(waiting.first?["abha_address"] == .string("sita.rampur") && waiting.first?["consent"] == .string("abha-enrollment 1.4"))

        // The hub is back: the request goes up with everything else, and the hub keeps it.
        (hub, hubPort) = try Self.serveHub(folder, config: config, log: "hub-2.log")
        defer { hub.signal(SIGTERM); hub.wait() }
        #expect(try BuiltProduct.run(["hub", "connect", "http://127.0.0.1:\(hubPort)", "--token", token, "--db", database]).status == 0)
        let sync = try BuiltProduct.run(["sync", "--json", "--db", database])
        #expect(sync.status == 0, "\(sync.stdout)\(sync.stderr)")
        let stats = try JSONParser.parse(try hubAdmin(folder, ["stats", "--json"]))
        guard case .array(let counts)? = stats["records"] else { Issue.record("no records"); return }
        #expect(counts.contains { $0["type"] == .string("abha_request") && $0["count"] == .number(1) })

        // Resumed with her present: linked, and the request is done.
        let resumed = try BuiltProduct.run(["abha", "enrol", id, "--db", database, "--mobile", "9876500017", "--accept-consent",
                                            "--abha-address", "sita.rampur", "--json"], stdin: Self.aadhaar + "\n" + Self.otp + "\n")
        #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
        #expect(try JSONParser.parse(resumed.stdout)["abha_address"] == .string("sita.rampur@sbx"))
        #expect(try JSONParser.parse(try BuiltProduct.run(["abha", "pending", "--json", "--db", database]).stdout) == .array([]))
        try expectNothingHolds([Self.aadhaar], in: folder)
    }

    /// The simulator and its configuration, with the hub's facility added.
    func startSimulatorAndFacility(_ folder: TemporaryFolder) throws -> (ChildProcess, config: String) {
        let started = try startSimulator(folder)
        _ = try hubAdmin(folder, ["facilities", "add", "IN0001", "--name", "AAM Rampur"])
        return started
    }

    /// The hub on a free port with its ABDM configuration, logging to `log` in the folder: it and its port.
    static func serveHub(_ folder: TemporaryFolder, config: String, log: String) throws -> (ChildProcess, String) {
        try launch(["serve", "--db", folder.file("hub.sqlite"), "--port", "0", "--abdm-config", config], log: folder.file(log),
                   marker: "url=http://127.0.0.1:")
    }

    /// The simulator on a free port, and an ABDM configuration (mode 600) pointing the hub at it.
    func startSimulator(_ folder: TemporaryFolder) throws -> (ChildProcess, config: String) {
        let (simulator, port) = try Self.launch(["abdm-simulator", "--port", "0", "--otp", Self.otp], log: folder.file("simulator.log"),
                                                marker: "on http://127.0.0.1:")
        let config = folder.file("abdm.json")
        try JSONValue.object([("gateway_url", .string("http://127.0.0.1:\(port)/api/hiecm")),
                              ("abha_url", .string("http://127.0.0.1:\(port)/abha/api")),
                              ("client_id", .string("arogya-simulator")), ("client_secret", .string("simulator-secret")),
                              ("cm_id", .string("sbx"))]).serialized().write(toFile: config, atomically: true, encoding: .utf8)
        chmod(config, 0o600)
        return (simulator, config)
    }

    /// A terminal set up and connected to the hub on `hubPort`: its database and device token.
    func terminal(_ folder: TemporaryFolder, hubPort: String) throws -> (database: String, token: String) {
        let database = folder.file("terminal.sqlite")
        #expect(try BuiltProduct.run(["setup", "--db", database, "--facility", "AAM Rampur", "--supervisor", "priya", "--village", "Rampur"],
                                     stdin: "4826\n").status == 0)
        let added = try hubAdmin(folder, ["devices", "add", "--facility", "IN0001", "--label", "first"])
        let token = try #require(added.split(separator: "\n").first { $0.hasPrefix("token") }?.split(separator: " ").last.map(String.init))
        #expect(try BuiltProduct.run(["hub", "connect", "http://127.0.0.1:\(hubPort)", "--token", token, "--db", database]).status == 0)
        return (database, token)
    }

    func addPatient(_ database: String, name: String, dob: String, mobile: String) throws -> String {
        let patient = try BuiltProduct.run(["patients", "add", "--db", database, "--name", name, "--sex", "female", "--dob", dob,
                                            "--village", "Rampur", "--mobile", mobile, "--json"])
        guard case .string(let id)? = try? JSONParser.parse(patient.stdout)["id"] else {
            throw ChildProcess.SpawnError.timedOut("patients add", seconds: 0, output: patient.stdout + patient.stderr)
        }
        return id
    }

    /// No file the terminal and the hub wrote (databases with their WAL, logs, the token) holds any of
    /// `secrets`; the simulator's own files, which stand for ABDM, are not ours.
    func expectNothingHolds(_ secrets: [String], in folder: TemporaryFolder) throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix("simulator") }
        #expect(files.contains("terminal.sqlite"))
        for file in files {
            let data = try Data(contentsOf: URL(fileURLWithPath: folder.file(file)))
            for secret in secrets {
                #expect(data.range(of: Data(secret.utf8)) == nil, "\(file) holds \(secret.count) digits it must not")
            }
        }
    }

    func hubAdmin(_ folder: TemporaryFolder, _ arguments: [String]) throws -> String {
        let result = try ChildProcess.run(Self.hubBinary, arguments + ["--db", folder.file("hub.sqlite")])
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return result.stdout
    }

    @Test("Given a patient, a hub set up for ABDM and ABDM's simulator, when she is enrolled with her Aadhaar OTP and a mobile of her own, then her ABHA is linked with its address, and no file either side wrote holds her Aadhaar number or the OTP")
    func enrolAndLink() throws {
        let folder = try TemporaryFolder()
        let (simulator, config) = try startSimulator(folder)
        defer { simulator.signal(SIGTERM); simulator.wait() }
        // Readable by others: refused, naming the file.
        chmod(config, 0o644)
        _ = try hubAdmin(folder, ["facilities", "add", "IN0001", "--name", "AAM Rampur"])
        let refused = try ChildProcess.run(Self.hubBinary, ["serve", "--db", folder.file("hub.sqlite"), "--port", "0", "--abdm-config", config])
        #expect(refused.status == 1 && refused.stderr.contains("chmod 600 \(config)"), "\(refused.stderr)")
        chmod(config, 0o600)
        let (hub, hubPort) = try Self.serveHub(folder, config: config, log: "hub.log")
        defer { hub.signal(SIGTERM); hub.wait() }

        let (database, token) = try terminal(folder, hubPort: hubPort)
        let id = try addPatient(database, name: "Seeta Devi", dob: "1976-03-11", mobile: "9123400055")

        // Refused before anything is sent: no consent, an Aadhaar number that fails Verhoeff.
        let noConsent = try BuiltProduct.run(["abha", "enrol", id, "--db", database, "--mobile", "9123400055"], stdin: Self.aadhaar + "\n")
        #expect(noConsent.status == 2 && noConsent.stderr.contains("--accept-consent"))
        let badNumber = try BuiltProduct.run(["abha", "enrol", id, "--db", database, "--mobile", "9123400055", "--accept-consent"],
                                             stdin: "234567890123\n")
        #expect(badNumber.status == 2 && badNumber.stderr.contains("check digit"), "\(badNumber.stderr)")

        // Wrong OTP: ABDM's refusal in words, exit 5.
        let wrong = try BuiltProduct.run(["abha", "enrol", id, "--db", database, "--mobile", "9123400055", "--accept-consent"],
                                         stdin: Self.aadhaar + "\n000000\n")
        #expect(wrong.status == 5 && wrong.stderr.contains("not the one sent"), "\(wrong.stderr)")

        let started = Date()
        let enrol = try BuiltProduct.run(["abha", "enrol", id, "--db", database, "--mobile", "9123400055", "--accept-consent",
                                          "--abha-address", "seeta.rampur", "--json"],
                                         stdin: Self.aadhaar + "\n" + Self.otp + "\n" + Self.otp + "\n")
        let seconds = Date().timeIntervalSince(started)
        #expect(enrol.status == 0, "\(enrol.stdout)\(enrol.stderr)")
        let answer = try JSONParser.parse(enrol.stdout)
        #expect(answer["status"] == .string("linked") && answer["patient_id"] == .string(id))
        #expect(answer["abha_address"] == .string("seeta.rampur@sbx"))
        guard case .string(let number)? = answer["abha_number"] else { Issue.record("no abha_number: \(enrol.stdout)"); return }
        #expect(number.count == 17 && number.hasPrefix("91-"))
        // Seeta / Sita is one name by sound; the birth date differs by a day and is shown.
        guard case .array(let differences)? = answer["differences"] else { Issue.record("no differences"); return }
        #expect(differences.map { $0["field"] } == [.string("birth_date")])
        #expect(differences.first?["abha"] == .string("10-03-1976"))
        let shown = try JSONParser.parse(try BuiltProduct.run(["patients", "show", id, "--db", database, "--json"]).stdout)
        #expect(shown["abha_address"] == .string("seeta.rampur@sbx"))
        print("abha enrol against the simulator on loopback: \(String(format: "%.2f", seconds)) s for the whole command")

        // Her record has an ABHA now: enrolling her again is refused before anything is sent.
        let again = try BuiltProduct.run(["abha", "enrol", id, "--db", database, "--mobile", "9123400055", "--accept-consent"],
                                         stdin: Self.aadhaar + "\n")
        #expect(again.status == 2 && again.stderr.contains("already has ABHA \(number)"), "\(again.stdout)\(again.stderr)")

        // An Aadhaar that already has an ABHA (Lakshmi's, made before): said plainly, and linked.
        let lakshmi = try addPatient(database, name: "Lakshmi Bai", dob: "1971-06-22", mobile: "9845012345")
        let existing = try BuiltProduct.run(["abha", "enrol", lakshmi, "--db", database, "--mobile", "9845012345", "--accept-consent"],
                                            stdin: "432109876548\n" + Self.otp + "\n")
        #expect(existing.status == 0 && existing.stdout.contains("This Aadhaar already has ABHA 91-"), "\(existing.stdout)\(existing.stderr)")

        hub.signal(SIGTERM)
        hub.wait()
        #expect(FileManager.default.fileExists(atPath: folder.file("hub.log")))
        try expectNothingHolds([Self.aadhaar, Self.otp], in: folder)
    }

    @Test("Given ABHAs made before, when they are verified by address, by a mobile with two accounts on it and by number, then each is linked to its patient; a wrong OTP, a wrong choice and another number than her record's are refused; and her ABHA card prints with its QR code")
    func verifyAndCard() throws {
        let folder = try TemporaryFolder()
        let (simulator, config) = try startSimulatorAndFacility(folder)
        defer { simulator.signal(SIGTERM); simulator.wait() }
        let (hub, hubPort) = try Self.serveHub(folder, config: config, log: "hub.log")
        defer { hub.signal(SIGTERM); hub.wait() }
        let (database, _) = try terminal(folder, hubPort: hubPort)
        let lakshmi = try addPatient(database, name: "Lakshmi Bai", dob: "1971-06-22", mobile: "9845012345")
        let gopal = try BuiltProduct.run(["patients", "add", "--db", database, "--name", "Gopal Bai", "--sex", "male", "--dob", "1968-11-05",
                                          "--village", "Rampur", "--mobile", "9845012345", "--new", "--json"])
        let gopalId = try #require({ if case .string(let id)? = try? JSONParser.parse(gopal.stdout)["id"] { id } else { nil } }(), "\(gopal.stderr)")

        // By address: a wrong OTP is ABDM's refusal in words; the right one links the address she gave.
        let wrong = try BuiltProduct.run(["abha", "verify", lakshmi, "--db", database, "--abha-address", "lakshmi.bai@sbx"], stdin: "000000\n")
        #expect(wrong.status == 5 && wrong.stderr.contains("not the one sent"), "\(wrong.stderr)")
        let byAddress = try BuiltProduct.run(["abha", "verify", lakshmi, "--db", database, "--abha-address", "lakshmi.bai@sbx", "--json"],
                                             stdin: Self.otp + "\n")
        #expect(byAddress.status == 0, "\(byAddress.stdout)\(byAddress.stderr)")
        let linked = try JSONParser.parse(byAddress.stdout)
        #expect(linked["status"] == .string("linked") && linked["abha_address"] == .string("lakshmi.bai@sbx"))
        #expect(linked["differences"] == .array([]), "the profile matches her registration")
        guard case .string(let lakshmiNumber)? = linked["abha_number"] else { Issue.record("no abha_number"); return }

        // By mobile: two accounts on it. A choice not on the list is refused; the list names them.
        let refusedChoice = try BuiltProduct.run(["abha", "verify", gopalId, "--db", database, "--mobile", "9845012345"], stdin: Self.otp + "\n9\n")
        #expect(refusedChoice.status == 2 && refusedChoice.stderr.contains("'9' is not one of the 2 accounts"), "\(refusedChoice.stderr)")
        let listing = refusedChoice.stderr.split(separator: "\n").filter { $0.contains(". ABHA 91-") }
        #expect(listing.count == 2)
        let place = try #require(listing.firstIndex { $0.contains("Gopal Bai") }) + 1
        let byMobile = try BuiltProduct.run(["abha", "verify", gopalId, "--db", database, "--mobile", "9845012345", "--json"],
                                            stdin: Self.otp + "\n\(place)\n")
        #expect(byMobile.status == 0, "\(byMobile.stdout)\(byMobile.stderr)")
        let gopalLinked = try JSONParser.parse(byMobile.stdout)
        #expect(gopalLinked["abha_address"] == .string("gopal.bai@sbx"))
        guard case .string(let gopalNumber)? = gopalLinked["abha_number"] else { Issue.record("no abha_number"); return }
        #expect(gopalNumber != lakshmiNumber)

        // By number, the OTP through the ABHA's mobile: the same ABHA again, verified.
        let byNumber = try BuiltProduct.run(["abha", "verify", gopalId, "--db", database, "--abha-number", gopalNumber, "--otp-via", "mobile"],
                                            stdin: Self.otp + "\n")
        #expect(byNumber.status == 0 && byNumber.stdout.contains("is verified and linked to Gopal Bai"), "\(byNumber.stdout)\(byNumber.stderr)")
        // Another number than her record's: refused before anything is sent.
        let other = try BuiltProduct.run(["abha", "verify", lakshmi, "--db", database, "--abha-number", gopalNumber])
        #expect(other.status == 2 && other.stderr.contains("registered with ABHA \(lakshmiNumber)"), "\(other.stderr)")
        let viaAadhaar = try BuiltProduct.run(["abha", "verify", gopalId, "--db", database, "--mobile", "9845012345", "--otp-via", "aadhaar"])
        #expect(viaAadhaar.status == 2 && viaAadhaar.stderr.contains("sends its OTP to that mobile"))

        // Her card: the rows, and the number as a QR code of 21 modules in 13 lines of half blocks.
        let card = try BuiltProduct.run(["abha", "card", lakshmi, "--db", database])
        #expect(card.status == 0, "\(card.stderr)")
        #expect(card.stdout.contains(lakshmiNumber) && card.stdout.contains("lakshmi.bai@sbx") && card.stdout.contains("22-06-1971"))
        let blocks = card.stdout.split(separator: "\n", omittingEmptySubsequences: false).filter { $0.contains("█") || $0.contains("▀") || $0.contains("▄") }
        #expect(blocks.count == 11, "the code's 21 rows take 11 lines; the quiet zone's lines are blank")
        let ascii = try BuiltProduct.run(["abha", "card", lakshmi, "--db", database, "--ascii"])
        #expect(ascii.stdout.split(separator: "\n").filter { $0.contains("##") }.count == 21)
        let unlinked = try addPatient(database, name: "Anitha Naidu", dob: "1982-08-15", mobile: "9900011122")
        let none = try BuiltProduct.run(["abha", "card", unlinked, "--db", database])
        #expect(none.status == 2 && none.stderr.contains("has no ABHA linked yet"))
        try expectNothingHolds([Self.otp], in: folder)
    }

    @Test("Given the hub down, when her ABHA is asked for on the screens in tmux, then it is kept as pending; once the hub is back, Pending ABHA resumes it with her Aadhaar and OTP typed again, and her card shows the ABHA",
          .enabled(if: TmuxSession.testsRun, "tmux is not installed (apt-get install tmux)"))
    func offlineThenResumeOnScreen() throws {
        let folder = try TemporaryFolder()
        let (simulator, config) = try startSimulatorAndFacility(folder)
        defer { simulator.signal(SIGTERM); simulator.wait() }
        var (hub, hubPort) = try Self.serveHub(folder, config: config, log: "hub-1.log")
        let (database, token) = try terminal(folder, hubPort: hubPort)
        _ = try addPatient(database, name: "अनिता नायडू", dob: "1982-08-15", mobile: "9900011122")
        hub.signal(SIGTERM)
        hub.wait()

        let session = try TmuxSession(name: "arogya-abha-\(getpid())", command: [BuiltProduct.arogya, "--db", database])
        try session.waitFor("Who is signing in?")
        try session.type("4826")
        try session.keys("Enter")
        try session.waitFor("Namaste")
        try session.keys("1")
        try session.type("1122")
        try session.waitFor("अनिता नायडू")
        try session.keys("Enter")
        try session.waitFor("none (b: create or verify)")
        try session.keys("F9")
        try session.waitFor("Create an ABHA with her Aadhaar")
        try session.keys("1")
        try session.waitFor("Read this to her")
        try session.keys("y")
        try session.type("512345678903")
        try session.waitFor("XXXX XXXX 8903")
        try session.keys("Enter", "Enter")
        var screen = try session.waitFor("pending since")
        #expect(screen.contains("Saved as ABHA pending"), "\(screen)")

        (hub, hubPort) = try Self.serveHub(folder, config: config, log: "hub-2.log")
        defer { hub.signal(SIGTERM); hub.wait() }
        #expect(try BuiltProduct.run(["hub", "connect", "http://127.0.0.1:\(hubPort)", "--token", token, "--db", database]).status == 0)
        // The card, the search typed, the Patients screen.
        try session.keys("Escape", "Escape", "Escape")
        try session.waitFor("Namaste")
        try session.keys("7")
        screen = try session.waitFor("Made with no network")
        #expect(screen.contains("अनिता नायडू") && screen.contains("create"))
        try session.keys("Enter")
        try session.waitFor("Read this to her")
        try session.keys("y")
        try session.type("512345678903")
        try session.keys("Enter", "Enter")
        try session.waitFor("OTP sent to the mobile ending 1122")
        try session.type(Self.otp)
        try session.keys("Enter")
        try session.waitFor("ABDM suggests")
        try session.keys("Enter")
        screen = try session.waitFor("Her name, sex and birth match the registration.")
        try session.keys("Enter")
        screen = try session.waitFor("is linked to अनिता नायडू")
        #expect(try JSONParser.parse(try BuiltProduct.run(["abha", "pending", "--json", "--db", database]).stdout) == .array([]))
        // Back on Pending ABHA, now empty, then home.
        #expect(screen.contains("No ABHA requests wait"))
        try session.keys("Escape", "q")
        try session.waitFor("[exited with 0]")
        try expectNothingHolds(["512345678903", Self.otp], in: folder)
    }
}

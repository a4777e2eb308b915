import ArogyaCore
import ArogyaTesting
import Foundation
import GRDB
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The real `arogya-hub` on loopback and real terminals: register, screen, sync, and read the FHIR document.
@Suite("Sync end to end", .serialized)
struct SyncEndToEndTests {
    static var hubBinary: String { (BuiltProduct.arogya as NSString).deletingLastPathComponent + "/arogya-hub" }

    /// Runs an `arogya-hub` admin command on the hub's store: the folder's SQLite file, unless `store` names
    /// another (`--postgres URL`).
    func admin(_ folder: TemporaryFolder, _ arguments: [String], store: [String]? = nil) throws -> String {
        let result = try ChildProcess.run(Self.hubBinary, arguments + (store ?? ["--db", folder.file("hub.sqlite")]))
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return result.stdout
    }

    func startHub(_ folder: TemporaryFolder) throws -> (ChildProcess, String) {
        _ = try admin(folder, ["facilities", "add", "IN0001", "--name", "AAM Rampur"])
        return try restartHub(folder)
    }

    /// Starts `arogya-hub serve` on a free port on the folder's hub database (or `store`), with a log of its
    /// own, and returns it with its base address.
    func restartHub(_ folder: TemporaryFolder, environment: [String: String] = [:], store: [String]? = nil) throws -> (ChildProcess, String) {
        let log = folder.file("hub-\(UUID().uuidString).log")
        let hub = try ChildProcess.launch(Self.hubBinary, ["serve", "--port", "0"] + (store ?? ["--db", folder.file("hub.sqlite")]),
                                          environment: environment.isEmpty ? nil : ProcessInfo.processInfo.environment.merging(environment) { _, new in new },
                                          logPath: log)
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: "url=http://127.0.0.1:") {
                let port = text[range.upperBound...].prefix { $0.isNumber }
                return (hub, "http://127.0.0.1:\(port)")
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        hub.signal(SIGKILL)
        throw ChildProcess.SpawnError.timedOut("arogya-hub serve", seconds: 20, output: (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }

    func terminal(_ folder: TemporaryFolder, _ name: String, hub: String, supervisor: String = "priya", store: [String]? = nil) throws -> String {
        let database = folder.file(name + ".sqlite")
        let setup = try BuiltProduct.run(["setup", "--db", database, "--facility", "AAM Rampur", "--supervisor", supervisor, "--village", "Rampur"],
                                         stdin: "4826\n")
        #expect(setup.status == 0, "\(setup.stderr)")
        let added = try admin(folder, ["devices", "add", "--facility", "IN0001", "--label", name], store: store)
        let token = try #require(added.split(separator: "\n").first { $0.hasPrefix("token") }?.split(separator: " ").last.map(String.init))
        let connect = try BuiltProduct.run(["hub", "connect", hub, "--token", token, "--db", database])
        #expect(connect.status == 0, "\(connect.stderr)")
        #expect(connect.stdout.contains("as \(name) of facility IN0001"), "\(connect.stdout)")
        #expect(!connect.stdout.contains(token), "the token is never printed again")
        return database
    }

    @Test("Given a hub and two terminals, when one registers and screens patients and both sync, then the hub has them, the other terminal finds them and the FHIR document comes back")
    func registerScreenSyncAndFetch() throws {
        let folder = try TemporaryFolder()
        let (hub, address) = try startHub(folder)
        defer { hub.signal(SIGTERM); hub.wait() }
        let first = try terminal(folder, "first", hub: address)
        let second = try terminal(folder, "second", hub: address)

        // The demo registers and screens as workers would: every record waits in the outbox.
        #expect(try BuiltProduct.run(["demo", "--db", first, "--patients", "60", "--seed", "7"]).status == 0)
        let status = try BuiltProduct.run(["sync", "status", "--json", "--db", first])
        let pending = try JSONParser.parse(status.stdout)
        guard let waiting = pending["pending_total"]?.double else { Issue.record("no pending_total: \(status.stdout)"); return }
        #expect(waiting > 60)

        let sync = try BuiltProduct.run(["sync", "--json", "--db", first])
        #expect(sync.status == 0, "\(sync.stdout)\(sync.stderr)")
        let report = try JSONParser.parse(sync.stdout)
        #expect(report["pushed"]?["accepted"] == .number(waiting))
        // A second sync has nothing to send: nothing was lost or left behind.
        let again = try JSONParser.parse(try BuiltProduct.run(["sync", "--json", "--db", first]).stdout)
        #expect(again["pushed"]?["accepted"] == .number(0))

        let pulled = try BuiltProduct.run(["sync", "--json", "--db", second])
        #expect(pulled.status == 0, "\(pulled.stderr)")
        #expect(try JSONParser.parse(pulled.stdout)["pulled"] == .number(waiting))

        let stats = try JSONParser.parse(try admin(folder, ["stats", "--json"]))
        guard case .array(let counts)? = stats["records"] else { Issue.record("no records in stats"); return }
        #expect(counts.contains { $0["type"] == .string("patient") && $0["count"] == .number(60) })

        // The other terminal finds a patient registered on the first.
        let firstQueue = try DatabaseQueue(path: first)
        let (patientName, screeningID) = try firstQueue.read { db in
            (try String.fetchOne(db, sql: "SELECT name FROM patient ORDER BY pk LIMIT 1")!,
             try String.fetchOne(db, sql: "SELECT id FROM screening ORDER BY pk LIMIT 1")!)
        }
        let found = try BuiltProduct.run(["patients", "search", patientName, "--db", second])
        #expect(found.stdout.contains(patientName), "\(found.stdout)\(found.stderr)")

        // The hub serves the screening as an ABDM document, to the same token only.
        let token = try String(contentsOfFile: first + ".hub-token", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let document = try fetch(address + "/fhir/Bundle/" + screeningID, token: token)
        #expect(document.status == 200)
        let bundle = try JSONParser.parse(document.body)
        #expect(bundle["type"] == .string("document"))
        #expect(try fetch(address + "/fhir/Bundle/" + screeningID, token: "wrong").status == 401)
    }

    @Test("Given syncs killed with SIGKILL mid-way, first the terminal's and then the hub's, when sync runs again, then the hub holds each record exactly once")
    func killedMidSync() throws {
        let folder = try TemporaryFolder()
        var (hub, address) = try startHub(folder)
        defer { hub.signal(SIGKILL); hub.wait() }
        let database = try terminal(folder, "t", hub: address)
        #expect(try BuiltProduct.run(["demo", "--db", database, "--patients", "6000", "--no-history"]).status == 0)
        let expected = 6002
        let hubFile = folder.file("hub.sqlite")
        func recordsAtHub() -> Int {
            (try? DatabaseQueue(path: hubFile).read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM record") ?? 0 }) ?? 0
        }

        // The terminal killed at the worst moment: the hub has taken its first two batches and answered the
        // second, which the terminal has not yet written down (`FaultPoint`), so it still believes it waiting.
        let stopped = folder.file("terminal-stopped")
        let first = try ChildProcess.launch(BuiltProduct.arogya, ["sync", "--db", database], environment:
            ProcessInfo.processInfo.environment.merging(["AROGYA_FAULT_STOP": "sync.push_answered:2:" + stopped]) { _, new in new },
            logPath: folder.file("sync1.log"))
        #expect(waitUntil { FileManager.default.fileExists(atPath: stopped) }, "the first sync never reached its second answer")
        first.signal(SIGKILL)
        first.wait()
        let afterFirst = recordsAtHub()
        #expect(afterFirst == 2 * SyncWire.maximumBatch, "the hub holds exactly the two batches it answered")

        // The hub killed at its worst moment: it has committed the third batch of the next sync and not
        // answered; a new hub process on the same database. The resent second batch is found identical.
        // (The first hub goes first: the `defer` above stops only the last one.)
        hub.signal(SIGKILL)
        hub.wait()
        (hub, address) = try restartHub(folder, environment: ["AROGYA_FAULT_STOP": "hub.push_committed:2:" + folder.file("hub-stopped")])
        let token = try String(contentsOfFile: database + ".hub-token", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try BuiltProduct.run(["hub", "connect", address, "--token", token, "--db", database]).status == 0)
        let second = try ChildProcess.launch(BuiltProduct.arogya, ["sync", "--db", database], environment:
            ProcessInfo.processInfo.environment.merging(["AROGYA_SYNC_ATTEMPTS": "1"]) { _, new in new }, logPath: folder.file("sync2.log"))
        #expect(waitUntil { FileManager.default.fileExists(atPath: folder.file("hub-stopped")) }, "the hub never committed the next sync's batches")
        hub.signal(SIGKILL)
        hub.wait()
        #expect(second.wait() == 1, "the second sync should have failed with the hub gone")
        #expect(recordsAtHub() == 3 * SyncWire.maximumBatch, "the hub committed the resent batch and one more before it was killed")
        (hub, address) = try restartHub(folder)
        #expect(try BuiltProduct.run(["hub", "connect", address, "--token", token, "--db", database]).status == 0)

        let last = try BuiltProduct.run(["sync", "--json", "--db", database])
        #expect(last.status == 0, "\(last.stdout)\(last.stderr)")
        let status = try JSONParser.parse(try BuiltProduct.run(["sync", "status", "--json", "--db", database]).stdout)
        #expect(status["pending_total"] == .number(0))
        let hubQueue = try DatabaseQueue(path: hubFile)
        let (records, versions) = try hubQueue.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM record")!, try Int.fetchOne(db, sql: "SELECT count(*) FROM record_version")!)
        }
        #expect(records == expected)
        #expect(versions == expected, "a resend was stored twice")
    }

    @Test("Given two terminals that change the same patient offline, when both sync, then the later one is told of the conflict, and its Upload screen shows it and syncs with u",
          .enabled(if: TmuxSession.testsRun, "tmux is not installed (apt-get install tmux)"))
    func conflictOnUploadScreen() throws {
        try #require(TmuxSession.isAvailable, "tmux is needed")
        let folder = try TemporaryFolder()
        let (hub, address) = try startHub(folder)
        defer { hub.signal(SIGTERM); hub.wait() }
        let first = try terminal(folder, "first", hub: address)
        let second = try terminal(folder, "second", hub: address)
        let added = try BuiltProduct.run(["patients", "add", "--name", "Kamla Yadav", "--sex", "female", "--age", "52", "--village", "Rampur",
                                          "--json", "--db", first])
        #expect(added.status == 0, "\(added.stderr)")
        let id = try #require(JSONParser.parse(added.stdout)["id"].flatMap { if case .string(let text) = $0 { return text }; return nil })
        #expect(try BuiltProduct.run(["sync", "--db", first]).status == 0)
        #expect(try BuiltProduct.run(["sync", "--db", second]).status == 0)

        // Both change her from the same hub version without syncing: one marks her moved, the other deceased.
        #expect(try BuiltProduct.run(["patients", "mark", id, "moved", "--db", first]).status == 0)
        #expect(try BuiltProduct.run(["patients", "mark", id, "deceased", "--db", second]).status == 0)
        #expect(try BuiltProduct.run(["sync", "--db", first]).status == 0)
        let later = try BuiltProduct.run(["sync", "--json", "--db", second])
        #expect(later.status == 4, "\(later.stdout)\(later.stderr)")
        let report = try JSONParser.parse(later.stdout)
        #expect(report["pushed"]?["conflict"] == .number(1))
        let conflicts = try admin(folder, ["conflicts", "--json"])
        #expect(conflicts.contains(id))

        // Something new waits on the second terminal; its Upload screen lists the conflict and sends it.
        #expect(try BuiltProduct.run(["patients", "add", "--name", "Sunita Devi", "--sex", "female", "--age", "40", "--village", "Rampur",
                                      "--db", second]).status == 0)
        // No background sync during the test: the screen's own is what is being tried.
        let token = try String(contentsOfFile: second + ".hub-token", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try BuiltProduct.run(["hub", "connect", address, "--token", token, "--sync-every", "0", "--db", second]).status == 0)
        let session = try TmuxSession(name: "arogya-upload-\(getpid())", command: [BuiltProduct.arogya, "--db", second])
        try session.signInAsPriya()
        try session.keys("3")
        var screen = try session.waitFor("answers; its clock says")
        #expect(screen.contains("In conflict: 1"))
        #expect(screen.contains("conflict  patient    Kamla Yadav"))
        #expect(screen.contains("1 waiting: patient 1"))
        try session.keys("u")
        screen = try session.waitFor("Sync done: 1 accepted by the hub")
        #expect(screen.contains("nothing: every record is at the hub"))
        #expect(screen.contains("AAM Rampur · priya (supervisor) · Nothing waiting for upload"))
        try session.keys("Escape")
        try session.waitFor("Namaste")
    }

    @Test("Given a hub that is not running, when sync is asked for, then it exits 1 saying so and everything still waits")
    func hubDown() throws {
        let folder = try TemporaryFolder()
        let database = folder.file("t.sqlite")
        #expect(try BuiltProduct.run(["setup", "--db", database, "--facility", "AAM Rampur", "--supervisor", "priya"], stdin: "4826\n").status == 0)
        let unchecked = try BuiltProduct.run(["hub", "connect", "http://127.0.0.1:9", "--token", "abcdefghijklmnopqrstuvwxyz012345", "--no-check", "--db", database])
        #expect(unchecked.status == 0 && unchecked.stdout.contains("without asking it"))
        // Asked, the hub that is not there is found at once and nothing is changed.
        let checked = try BuiltProduct.run(["hub", "connect", "http://127.0.0.1:9", "--token", "zyxwvutsrqponmlkjihgfedcba543210", "--db", database])
        #expect(checked.status == 1 && checked.stderr.contains("Not connected") && checked.stderr.contains("could not be reached"))
        let sync = try BuiltProduct.run(["sync", "--db", database], environment: ["AROGYA_SYNC_ATTEMPTS": "1"])
        #expect(sync.status == 1)
        #expect(sync.stderr.contains("could not be reached"))
        let status = try JSONParser.parse(try BuiltProduct.run(["sync", "status", "--json", "--db", database]).stdout)
        #expect(status["pending_total"] == .number(2))
        #expect(status["last_failure"] != .null)
    }

    @Test("Given a running hub, when connecting with a token it never issued, then it exits 1 saying why and keeps no address")
    func wrongToken() throws {
        let folder = try TemporaryFolder()
        let (hub, address) = try startHub(folder)
        defer { hub.signal(SIGKILL); hub.wait() }
        let database = folder.file("t.sqlite")
        #expect(try BuiltProduct.run(["setup", "--db", database, "--facility", "AAM Rampur", "--supervisor", "priya"], stdin: "4826\n").status == 0)
        let wrong = try BuiltProduct.run(["hub", "connect", address, "--token", "abcdefghijklmnopqrstuvwxyz012345", "--db", database])
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("refused this terminal's token"), "\(wrong.stderr)")
        #expect(!wrong.stdout.contains("Connected"))
        let status = try JSONParser.parse(try BuiltProduct.run(["sync", "status", "--json", "--db", database]).stdout)
        #expect(status["hub"] == .null)
    }

    @Test("Given a plain-HTTP hub on another machine, when connecting, then it is refused unless --allow-insecure")
    func insecureRefused() throws {
        let folder = try TemporaryFolder()
        let database = folder.file("t.sqlite")
        #expect(try BuiltProduct.run(["setup", "--db", database, "--facility", "AAM Rampur", "--supervisor", "priya"], stdin: "4826\n").status == 0)
        let refused = try BuiltProduct.run(["hub", "connect", "http://10.1.2.3:8080", "--token", "abcdefghijklmnopqrstuvwxyz012345", "--db", database])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("plain HTTP"))
        let allowed = try BuiltProduct.run(["hub", "connect", "http://10.1.2.3:8080", "--token", "abcdefghijklmnopqrstuvwxyz012345", "--allow-insecure", "--no-check", "--db", database])
        #expect(allowed.status == 0)
    }

    func fetch(_ url: String, token: String) throws -> (status: Int, body: String) {
        let result = try ChildProcess.run("curl", ["-s", "-w", "\n%{http_code}", "-H", "Authorization: Bearer " + token, url], timeout: 30)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    /// Polls every 5 ms until the condition holds (true) or 60 s have passed (false).
    private func waitUntil(_ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.005)
        }
        return false
    }
}

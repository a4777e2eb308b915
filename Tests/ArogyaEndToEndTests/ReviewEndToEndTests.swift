import ArogyaCore
import ArogyaTesting
import Foundation
import Testing

/// Review, send-back and correction between a worker's terminal and her supervisor's, through a live hub.
extension SyncEndToEndTests {
    func json(_ result: BuiltProduct.Result) throws -> JSONValue {
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONParser.parse(result.stdout)
    }

    func register(_ database: String) throws -> [JSONValue] {
        guard case .array(let rows) = try json(try BuiltProduct.run(["review", "daily", "--db", database, "--date", "2026-11-20", "--format", "json"])) else {
            return []
        }
        return rows
    }

    @Test("Given a screening synced from a worker's terminal, when her supervisor sends it back on another terminal, then the worker's terminal shows it sent back, her correction returns to the supervisor as corrected, the hub's block reports count as the terminal does, and the hub refuses a review by its author")
    func reviewSendBackAndCorrect() throws {
        let folder = try TemporaryFolder()
        let (hub, address) = try startHub(folder)
        defer { hub.signal(SIGTERM); hub.wait() }
        let worker = try terminal(folder, "worker", hub: address)
        let supervisor = try terminal(folder, "supervisor", hub: address, supervisor: "meena")
        let pin = ["AROGYA_PIN": "4826"]

        let added = try json(try BuiltProduct.run(["patients", "add", "--db", worker, "--name", "सुनीता देवी", "--sex", "female",
                                                   "--dob", "1976-03-10", "--village", "Rampur", "--json"]))
        guard case .string(let patient)? = added["id"] else { Issue.record("no patient: \(added)"); return }
        let raised = #"{"bp": [[150, 96], [154, 96]], "glucose": {"type": "random", "mg_dl": 212}}"#
        let saved = try json(try BuiltProduct.run(["screenings", "record", patient, "--db", worker, "--as", "priya", "--date", "2026-11-20", "--json"],
                                                  stdin: raised, environment: pin))
        guard case .string(let screening)? = saved["id"] else { Issue.record("no screening: \(saved)"); return }
        // Her own screening: refused on her terminal before anything is written.
        let own = try BuiltProduct.run(["review", "mark", screening, "--reviewed", "--db", worker, "--as", "priya"], environment: pin)
        #expect(own.status == 1 && own.stderr.contains("You saved this screening"), "\(own.stderr)")
        #expect(try BuiltProduct.run(["sync", "--db", worker]).status == 0)

        #expect(try BuiltProduct.run(["sync", "--db", supervisor]).status == 0)
        var rows = try register(supervisor)
        #expect(rows.count == 1 && rows.first?["review"] == .null && rows.first?["patient_name"] == .string("सुनीता देवी"), "\(rows)")
        let noReason = try BuiltProduct.run(["review", "mark", screening, "--send-back", " ", "--db", supervisor, "--as", "meena"], environment: pin)
        #expect(noReason.status == 2 && noReason.stderr.contains("Say why"), "\(noReason.stderr)")
        let sent = try json(try BuiltProduct.run(["review", "mark", screening, "--send-back", "Sugar 212 random: was she fasting?",
                                                  "--db", supervisor, "--as", "meena", "--json"], environment: pin))
        #expect(sent["state"] == .string("sent_back"))
        #expect(try BuiltProduct.run(["sync", "--db", supervisor]).status == 0)

        #expect(try BuiltProduct.run(["sync", "--db", worker]).status == 0)
        rows = try register(worker)
        #expect(rows.first?["review"] == .string("sent_back") && rows.first?["review_note"] == .string("Sugar 212 random: was she fasting?"), "\(rows)")
        let onlySentBack = try BuiltProduct.run(["review", "daily", "--db", worker, "--date", "2026-11-20", "--only", "sent-back", "--format", "csv"])
        #expect(onlySentBack.stdout.contains(screening))
        let corrected = try json(try BuiltProduct.run(["screenings", "correct", screening, "--db", worker, "--as", "priya", "--json"],
                                                      stdin: #"{"bp": [[150, 96], [154, 96]], "glucose": {"type": "fasting", "mg_dl": 98}}"#,
                                                      environment: pin))
        #expect(corrected["id"] == .string(screening) && corrected["screened_on"] == .string("2026-11-20"))
        #expect(try BuiltProduct.run(["sync", "--db", worker]).status == 0)

        #expect(try BuiltProduct.run(["sync", "--db", supervisor]).status == 0)
        rows = try register(supervisor)
        #expect(rows.first?["review"] == .string("corrected"), "\(rows)")
        #expect(rows.first?["glucose"]?["type"] == .string("fasting"), "the supervisor sees the corrected readings: \(rows)")
        let reviewed = try json(try BuiltProduct.run(["review", "mark", screening, "--reviewed", "--comment", "Thank you",
                                                      "--db", supervisor, "--as", "meena", "--json"], environment: pin))
        #expect(reviewed["state"] == .string("reviewed"))

        // The hub's block reports: the same register rows and the same indicator figures as the terminal's.
        #expect(try BuiltProduct.run(["sync", "--db", supervisor]).status == 0)
        let hubDaily = try JSONParser.parse(try admin(folder, ["report", "daily", "--date", "2026-11-20", "--format", "json"]))
        guard case .array(let sections)? = hubDaily["facilities"], case .array(let hubRows)? = sections.first?["rows"] else {
            Issue.record("no hub register: \(hubDaily)"); return
        }
        #expect(sections.first?["facility"] == .string("IN0001"))
        #expect(hubRows.first?["screening_id"] == .string(screening) && hubRows.first?["review"] == .string("reviewed"), "\(hubRows)")
        #expect(hubRows.first?["review_note"] == .string("Thank you"))
        #expect(hubDaily["total"]?["visits"] == .number(1))
        let terminalFigures = try json(try BuiltProduct.run(["report", "indicators", "--db", supervisor, "--month", "2026-11", "--format", "json"]))["figures"]
        let hubIndicators = try JSONParser.parse(try admin(folder, ["report", "indicators", "--month", "2026-11", "--format", "json"]))
        guard case .array(let mine)? = terminalFigures, case .array(let facilities)? = hubIndicators["facilities"],
              case .array(let theirs)? = facilities.first?["report"]?["figures"], case .array(let block)? = hubIndicators["block"]?["figures"] else {
            Issue.record("no indicators: \(hubIndicators)"); return
        }
        let withoutClocks = { (figures: [JSONValue]) in figures.filter { $0["id"] != .string("quality.clocks") } }
        #expect(withoutClocks(mine) == withoutClocks(theirs), "the hub counts as the terminal does")
        #expect(withoutClocks(block) == withoutClocks(theirs), "one facility: the block is the facility")
        #expect(mine.contains { $0["id"] == .string("cascade.screened_diabetes") && $0["count"] == .number(1) })

        // A review by the screening's author, written by any client, is refused by the hub with why.
        let stats = try JSONParser.parse(try admin(folder, ["stats", "--json"]))
        guard case .array(let counts)? = stats["records"] else { Issue.record("no records in stats"); return }
        #expect(counts.contains { $0["type"] == .string("review") && $0["count"] == .number(2) }, "the send-back and the review: \(stats)")
        let token = try String(contentsOfFile: worker + ".hub-token", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let forged = UUIDv7.string(at: Timestamp(iso8601: "2026-11-20T10:00:00.000Z")!)
        let body = """
            {"records": [{"type": "review", "id": "\(forged)", "version": 1, "base_version": 0, "updated_at": "2026-11-20T10:00:00.000Z",
              "payload": {"id": "\(forged)", "screening_id": "\(screening)", "patient_id": "\(patient)", "action": "reviewed",
                          "reviewed_by": "priya", "created_at": "2026-11-20T10:00:00.000Z", "updated_at": "2026-11-20T10:00:00.000Z"}}]}
            """
        let push = try post(address + "/v1/sync/push", token: token, body: body)
        #expect(push.status == 200, "\(push.body)")
        guard case .array(let results)? = try JSONParser.parse(push.body)["results"], let result = results.first else {
            Issue.record("no results: \(push.body)"); return
        }
        #expect(result["status"] == .string("rejected"), "\(push.body)")
        guard case .string(let reason)? = result["reason"] else { Issue.record("no reason: \(push.body)"); return }
        #expect(reason.contains("priya saved this screening and cannot review it"), "\(reason)")
    }

    func post(_ url: String, token: String, body: String) throws -> (status: Int, body: String) {
        let result = try ChildProcess.run("curl", ["-s", "-w", "\n%{http_code}", "-H", "Authorization: Bearer " + token, "-H", "Content-Type: application/json",
                                                   "--data-binary", body, url], timeout: 30)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    @Test("Given two facilities and a block supervisor's device covering both, when she syncs, reviews a screening of the second and syncs again, then she pulled both facilities, her review is stored with the second and reaches its terminal, and her other records are refused with why")
    func supervisorDeviceAcrossFacilities() throws {
        let folder = try TemporaryFolder()
        let (hub, address) = try startHub(folder)
        defer { hub.signal(SIGTERM); hub.wait() }
        _ = try admin(folder, ["facilities", "add", "IN0002", "--name", "AAM Sitapur"])
        let first = try terminal(folder, "first", hub: address)
        // The second facility's terminal.
        let second = folder.file("second.sqlite")
        #expect(try BuiltProduct.run(["setup", "--db", second, "--facility", "AAM Sitapur", "--supervisor", "ravi", "--village", "Sitapur"],
                                     stdin: "4826\n").status == 0)
        let secondToken = try #require(try admin(folder, ["devices", "add", "--facility", "IN0002"]).split(separator: "\n")
            .first { $0.hasPrefix("token") }?.split(separator: " ").last.map(String.init))
        #expect(try BuiltProduct.run(["hub", "connect", address, "--token", secondToken, "--db", second]).status == 0)
        // The block coordinator's terminal and its device over both facilities.
        let block = folder.file("block.sqlite")
        #expect(try BuiltProduct.run(["setup", "--db", block, "--facility", "Block NCD cell", "--supervisor", "meena", "--village", "Block"],
                                     stdin: "4826\n").status == 0)
        let added = try admin(folder, ["devices", "add", "--facility", "IN0001", "--facility", "IN0002", "--role", "supervisor", "--label", "block"])
        #expect(added.contains("added to IN0001, IN0002 (supervisor: reviews only)"), "\(added)")
        let blockToken = try #require(added.split(separator: "\n").first { $0.hasPrefix("token") }?.split(separator: " ").last.map(String.init))
        #expect(try BuiltProduct.run(["hub", "connect", address, "--token", blockToken, "--db", block]).status == 0)
        let twoForATerminal = try ChildProcess.run(Self.hubBinary, ["devices", "add", "--facility", "IN0001", "--facility", "IN0002",
                                                                    "--db", folder.file("hub.sqlite")])
        #expect(twoForATerminal.status == 1 && twoForATerminal.stderr.contains("a terminal belongs to one facility"), "\(twoForATerminal.stderr)")
        let pin = ["AROGYA_PIN": "4826"]

        var screenings: [String] = []
        for (database, name, village, worker) in [(first, "Sunita Devi", "Rampur", "priya"), (second, "Kamla Yadav", "Sitapur", "ravi")] {
            let patient = try json(try BuiltProduct.run(["patients", "add", "--db", database, "--name", name, "--sex", "female", "--dob", "1976-03-10",
                                                         "--village", village, "--json"]))
            guard case .string(let id)? = patient["id"] else { Issue.record("no patient"); return }
            let saved = try json(try BuiltProduct.run(["screenings", "record", id, "--db", database, "--as", worker, "--date", "2026-11-20", "--json"],
                                                      stdin: #"{"bp": [[150, 96], [154, 96]]}"#, environment: pin))
            guard case .string(let screening)? = saved["id"] else { Issue.record("no screening"); return }
            screenings.append(screening)
            #expect(try BuiltProduct.run(["sync", "--db", database]).status == 0)
        }

        let firstSync = try BuiltProduct.run(["sync", "--json", "--db", block])
        let report = try JSONParser.parse(firstSync.stdout)
        #expect(report["pushed"]?["rejected"] != .number(0), "her own facility and account records are refused: \(firstSync.stdout)")
        let rows = try register(block)
        #expect(Set(rows.compactMap { row -> String? in if case .string(let id)? = row["screening_id"] { return id } else { return nil } }) == Set(screenings),
                "both facilities' screenings were pulled: \(rows)")
        #expect(firstSync.stdout.contains("a supervisor's device uploads reviews only"), "\(firstSync.stdout)")

        #expect(try BuiltProduct.run(["review", "mark", screenings[1], "--send-back", "Recheck the BP", "--db", block, "--as", "meena"],
                                     environment: pin).status == 0)
        let secondSync = try JSONParser.parse(try BuiltProduct.run(["sync", "--json", "--db", block]).stdout)
        #expect(secondSync["pushed"]?["accepted"] == .number(1), "the review is accepted: \(secondSync)")
        let stats = try JSONParser.parse(try admin(folder, ["stats", "--json"]))
        guard case .array(let counts)? = stats["records"] else { Issue.record("no stats"); return }
        #expect(counts.contains { $0["facility"] == .string("IN0002") && $0["type"] == .string("review") && $0["count"] == .number(1) }, "\(stats)")
        #expect(!counts.contains { $0["facility"] == .string("IN0001") && $0["type"] == .string("review") })
        #expect(try BuiltProduct.run(["sync", "--db", second]).status == 0)
        #expect(try register(second).first?["review"] == .string("sent_back"), "the second facility's terminal has the review")
    }
}

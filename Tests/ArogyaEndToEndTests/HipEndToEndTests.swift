import ArogyaCore
import ArogyaTesting
import Foundation
import GRDB
import Testing

/// The hub as ABDM's HIP with the real binaries: a terminal registers and screens a patient with an ABHA,
/// syncs; the hub links the visit; the simulator's HIU asks for it under the patient's consent and
/// decrypts what the hub pushed.
@Suite("The HIP end to end", .serialized)
struct HipEndToEndTests {
    let abha = AbhaEndToEndTests()

    /// The simulator's own controls, by curl.
    static func control(_ port: String, _ method: String, _ path: String, _ body: JSONValue? = nil) throws -> JSONValue {
        var arguments = ["-s", "-X", method, "http://127.0.0.1:\(port)\(path)", "-H", "Content-Type: application/json"]
        if let body { arguments += ["--data", body.serialized(pretty: false)] }
        let result = try ChildProcess.run("/usr/bin/curl", arguments)
        return try JSONParser.parse(result.stdout)
    }

    static func waitFor(seconds: Double = 30, _ done: () throws -> Bool) throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try done() { return true }
            Thread.sleep(forTimeInterval: 0.2)
        }
        return false
    }

    @Test("Given a patient with an ABHA registered and screened on a terminal, when it syncs, then the hub links the visit, her card's count arrives at the next sync, and the simulated HIU, asking under her consent, decrypts the screening's WellnessRecord document")
    func registerScreenLinkShare() throws {
        let folder = try TemporaryFolder()
        let (simulator, config) = try abha.startSimulatorAndFacility(folder)
        defer { simulator.signal(SIGTERM); simulator.wait() }
        let simulatorPort = try #require(try JSONParser.parse(String(contentsOfFile: config, encoding: .utf8))["gateway_url"].flatMap {
            if case .string(let url) = $0 { url.split(separator: ":").last?.prefix { $0.isNumber }.description } else { nil }
        })
        let (hub, hubPort) = try AbhaEndToEndTests.serveHub(folder, config: config, log: "hub.log")
        defer { hub.signal(SIGTERM); hub.wait() }
        #expect(try Self.control(simulatorPort, "PUT", "/simulator/bridge", .object([("url", .string("http://127.0.0.1:\(hubPort)"))]))["bridge_url"] != nil)
        let (database, _) = try abha.terminal(folder, hubPort: hubPort)

        let added = try BuiltProduct.run(["patients", "add", "--db", database, "--name", "Lakshmi Bai", "--sex", "female", "--dob", "1976-05-01",
                                          "--village", "Rampur", "--mobile", "9845012345", "--abha-address", "lakshmi.bai@sbx", "--json"])
        guard case .string(let patient)? = try JSONParser.parse(added.stdout)["id"] else { Issue.record("no patient: \(added.stderr)"); return }
        let saved = try BuiltProduct.run(["screenings", "record", patient, "--db", database, "--as", "priya", "--date", "2026-11-20", "--json"],
                                         stdin: #"{"bp": [[150, 96], [154, 96]], "glucose": {"type": "random", "mg_dl": 212}, "phq2": [1, 2]}"#,
                                         environment: ["AROGYA_PIN": "4826"])
        guard case .string(let screening)? = try JSONParser.parse(saved.stdout)["id"] else { Issue.record("no screening: \(saved.stderr)"); return }
        #expect(try BuiltProduct.run(["sync", "--db", database]).status == 0)

        // Linked by the hub on its own.
        #expect(try Self.waitFor {
            let links = try JSONParser.parse(try abha.hubAdmin(folder, ["abdm", "links", "--json"]))
            return links["linked"] == .integer(1)
        })
        let text = try abha.hubAdmin(folder, ["abdm", "links", "--patient", patient])
        #expect(text.contains("lakshmi.bai@sbx  1 of 1 linked") && text.contains("NCD screening 20-11-2026, AAM Rampur"), "\(text)")
        let links = try Self.control(simulatorPort, "GET", "/simulator/links?address=lakshmi.bai@sbx")
        #expect(links["links"] == .array([.object([("hip_id", .string("IN0001")), ("patient", .string(patient)), ("care_context", .string(screening)),
                                                  ("display", .string("NCD screening 20-11-2026, AAM Rampur")), ("hi_type", .string("WellnessRecord"))])]))

        // The terminal learns the count at its next sync.
        #expect(try BuiltProduct.run(["sync", "--db", database]).status == 0)
        let counts = try DatabaseQueue(path: database).read { db in
            try Row.fetchOne(db, sql: "SELECT linked, total FROM abha_link WHERE patient_id = ?", arguments: [patient])
        }
        #expect(counts?["linked"] == 1 && counts?["total"] == 1)

        // Her consent, and the HIU's request under it.
        let consent = try Self.control(simulatorPort, "POST", "/simulator/consents", .object([
            ("hip_id", .string("IN0001")), ("patient", .string("lakshmi.bai@sbx")),
            ("care_contexts", .array([.object([("patient", .string(patient)), ("care_context", .string(screening))])])),
            ("from", .string("2026-01-01")), ("to", .string("2026-12-31")), ("erase_at", .string("2027-12-31")),
        ]))
        #expect(consent["bridge_status"] == .integer(202))
        guard case .string(let consentID)? = consent["consent_id"] else { Issue.record("no consent"); return }
        let request = try Self.control(simulatorPort, "POST", "/simulator/health-information", .object([
            ("consent_id", .string(consentID)), ("hip_id", .string("IN0001")), ("from", .string("2026-01-01")), ("to", .string("2026-12-31")),
        ]))
        guard case .string(let transaction)? = request["transaction_id"] else { Issue.record("no transaction: \(request)"); return }
        var transfer = JSONValue.null
        #expect(try Self.waitFor {
            transfer = try Self.control(simulatorPort, "GET", "/simulator/transfers/\(transaction)")
            return transfer["session_status"] == .string("TRANSFERRED")
        }, "\(transfer)")
        #expect(transfer["acknowledged"] == .string("ACKNOWLEDGED") && transfer["damaged"] == .array([]))
        guard case .string(let text)? = transfer["documents"]?[screening] else { Issue.record("no document: \(transfer)"); return }
        let bundle = try JSONParser.parse(text)
        #expect(bundle["resourceType"] == .string("Bundle") && bundle["type"] == .string("document"))
        #expect(bundle["identifier"]?["value"] == .string("urn:uuid:\(screening.lowercased())"))
        guard case .array(let entries)? = bundle["entry"] else { Issue.record("no entries"); return }
        let resources = entries.compactMap { $0["resource"] }
        #expect(resources.first?["resourceType"] == .string("Composition") && resources.first?["title"] == .string("Wellness Record"))
        // Every reference resolves inside the document; every code is from a known system.
        let urls = Set(entries.compactMap { if case .string(let url)? = $0["fullUrl"] { url } else { nil } })
        var references: [String] = [], systems = Set<String>()
        func walk(_ value: JSONValue) {
            switch value {
            case .object(let members):
                if case .string(let reference)? = value["reference"] { references.append(reference) }
                if case .string(let system)? = value["system"], value["code"] != nil { systems.insert(system) }
                members.forEach { walk($0.value) }
            case .array(let items): items.forEach(walk)
            default: break
            }
        }
        walk(bundle)
        #expect(!references.isEmpty && references.allSatisfy(urls.contains))
        #expect(systems.allSatisfy { ["http://loinc.org", "http://snomed.info/sct", "http://unitsofmeasure.org"].contains($0)
            || $0.hasPrefix("http://terminology.hl7.org/CodeSystem/") }, "\(systems)")
        #expect(text.contains("\"55757-9\"") && text.contains("\"85354-9\""))
    }
}

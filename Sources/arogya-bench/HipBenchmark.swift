import ArgumentParser
import ArogyaABDMSimulator
import ArogyaCore
import ArogyaFidelius
import ArogyaHub
import AsyncHTTPClient
import Crypto
import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// `arogya-bench hip`: the hub as ABDM's HIP, the whole cycle against the ABDM simulator on loopback, each
/// step timed: screenings uploaded and their care contexts linked (link tokens, links, context
/// notifications), a consent over one patient's visits notified, and a health-information request
/// answered (documents built, encrypted, pushed in pages, notified). Then Fidelius alone.
///
/// Floors measured in the same run: the same care contexts written straight into a fresh store by its own
/// client (no ABDM), and AES-256-GCM of the same document with a key already agreed (no ECDH).
struct HipBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hip",
        abstract: "The HIP cycle against the ABDM simulator (link, consent, request, encrypt, push, notify), and Fidelius encryptions/s, beside floors.")

    @Option(help: "Screenings uploaded, each a care context.") var screenings = 10_000
    @Option(help: "Visits of the one patient whose consent covers them all.") var consented = 50
    @Option(help: "Fidelius encryptions timed.") var encryptions = 2_000

    func run() async throws {
        print("machine: \(StartupBenchmark.machine())")
        let root = NSTemporaryDirectory() + "arogya-hip-bench-\(getpid())"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        var quiet = Logger(label: "bench")
        quiet.logLevel = ProcessInfo.processInfo.environment["AROGYA_BENCH_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .critical

        let storage = try HubDatabase(path: root + "/hub.sqlite")
        try await storage.addFacility(id: "IN0001", name: "AAM Bench")
        let token = try await storage.addDevice(facility: "IN0001", label: "bench").token

        var simulatorSettings = SimulatorSettings()
        simulatorSettings.keyBits = 2048
        simulatorSettings.callbackDelaySeconds = 0
        let simulator = try AbdmSimulator(settings: simulatorSettings, announce: { _ in })
        let (abdmPort, abdmTask) = try await Self.serve(simulator.router(), logger: quiet)
        defer { abdmTask.cancel() }
        await simulator.setOwnURL("http://127.0.0.1:\(abdmPort)")
        let configuration = AbdmConfiguration(gatewayURL: "http://127.0.0.1:\(abdmPort)/api/hiecm", abhaURL: "http://127.0.0.1:\(abdmPort)/abha/api",
                                              clientId: "arogya-simulator", clientSecret: "simulator-secret", cmId: "sbx")
        let gateway = AbdmGateway(configuration: configuration, transport: AbdmHTTPTransport(), logger: quiet)
        var settings = HipSettings()
        settings.passSeconds = 0.05
        settings.patientsPerPass = 200
        settings.candidatesPerPass = 5_000
        let linker = HipLinker(storage: storage, gateway: gateway, settings: settings, logger: quiet)
        let dataFlow = HipDataFlow(storage: storage, gateway: gateway, push: AbdmHTTPTransport(), settings: settings, logger: quiet)
        let bridge = HipBridge(linker: linker, dataFlow: dataFlow, userLinking: HipUserLinking(storage: storage, gateway: gateway, sender: nil, logger: quiet),
                               verifier: GatewayTokenVerifier(certsURL: configuration.gatewayCertsURL, transport: AbdmHTTPTransport()),
                               storage: storage, logger: quiet)
        let (hubPort, hubTask) = try await Self.serve(HubRoutes.router(storage: storage, abdm: gateway, hip: bridge), logger: quiet)
        defer { hubTask.cancel() }
        await simulator.setBridgeURL("http://127.0.0.1:\(hubPort)")

        // One patient with every consented visit; the rest five visits each.
        let others = max(0, screenings - consented)
        let patients = 1 + (others + 4) / 5
        var visitsOf = [consented] + Array(repeating: 5, count: patients - 1)
        if others % 5 != 0 { visitsOf[patients - 1] = others % 5 }
        var records: [JSONValue] = []
        var firstPatientVisits: [String] = []
        for patient in 0..<patients {
            let patientID = Self.id(patient, 0)
            let address = "bench.\(patient)@sbx"
            await simulator.registerAddress(address)
            records.append(Self.patient(patientID, name: "Bench " + AbhaBenchmark.letters(patient), address: address))
            for visit in 0..<visitsOf[patient] {
                let id = Self.id(patient, visit + 1)
                if patient == 0 { firstPatientVisits.append(id) }
                let day = CivilDate(year: 2026, month: 1, day: 1)!.adding(days: visit % 300)
                records.append(Self.screening(id, patient: patientID, day: day.iso8601))
            }
        }
        let uploadStarted = Date()
        for start in stride(from: 0, to: records.count, by: 500) {
            try await Self.push(Array(records[start..<min(start + 500, records.count)]), port: hubPort, token: token)
        }
        let uploadSeconds = Date().timeIntervalSince(uploadStarted)
        print(String(format: "upload: %d patients, %d screenings in %.1f s through the hub's push", patients, screenings, uploadSeconds))

        // Linking: passes until every care context is linked (and its context notification sent).
        let linkStarted = Date()
        var linked = 0
        while linked < screenings {
            _ = try await linker.pass()
            linked = try await storage.careContexts(facility: "IN0001", patient: nil).filter { $0.state == .linked }.count
            if Date().timeIntervalSince(linkStarted) > 1800 { break }
        }
        let linkSeconds = Date().timeIntervalSince(linkStarted)
        let tokens = await simulator.callCount("/v3/token/generate-token")
        let links = await simulator.callCount("/hip/v3/link/carecontext")
        let notifications = await simulator.contextNotifications
        let floor = try await Self.storeFloor(root: root, screenings: screenings)
        print(String(format: "link: %d of %d care contexts linked in %.1f s (%.0f/s); ABDM calls: %d link tokens, %d links, %d context notifications",
                     linked, screenings, linkSeconds, Double(linked) / linkSeconds, tokens, links, notifications))
        print(String(format: "  floor: the same %d care contexts written by the store's own client in %.2f s (%.0f/s); ratio %.0f×",
                     screenings, floor, Double(screenings) / floor, linkSeconds / floor))

        // Consent over the first patient's visits, then the HIU's request under it.
        let consentStarted = Date()
        let (consent, _) = await simulator.grantConsent(hipID: "IN0001", patientAddress: "bench.0@sbx",
                                                        careContexts: firstPatientVisits.map { (Self.id(0, 0), $0) },
                                                        from: Timestamp(iso8601: "2025-01-01T00:00:00.000Z")!,
                                                        to: Timestamp(iso8601: "2027-12-31T00:00:00.000Z")!,
                                                        eraseAt: WallClock.system.now().adding(seconds: 86_400))
        while await !simulator.acknowledgedConsents().contains(consent) { try await Task.sleep(for: .milliseconds(2)) }
        let consentSeconds = Date().timeIntervalSince(consentStarted)
        let requestStarted = Date()
        let (transaction, _) = try await simulator.requestHealthInformation(consentID: consent, hipID: "IN0001",
                                                                           from: Timestamp(iso8601: "2025-01-01T00:00:00.000Z")!,
                                                                           to: Timestamp(iso8601: "2027-12-31T00:00:00.000Z")!)
        var acknowledged: Double?
        while await simulator.transfer(transaction)?.notification == nil {
            if acknowledged == nil, await simulator.transfer(transaction)?.acknowledgement != nil { acknowledged = Date().timeIntervalSince(requestStarted) }
            try await Task.sleep(for: .milliseconds(2))
        }
        let requestSeconds = Date().timeIntervalSince(requestStarted)
        let transfer = await simulator.transfer(transaction)
        let documentBytes = transfer?.documents.values.map(\.utf8.count) ?? []
        print(String(format: "consent over %d visits notified and acknowledged in %.0f ms", consented, consentSeconds * 1000))
        print(String(format: "request: acknowledged in %.0f ms; %d documents (%d bytes each on average) built, encrypted, pushed in %d pages and notified in %.0f ms; the HIU decrypted %d, %d damaged",
                     (acknowledged ?? requestSeconds) * 1000, documentBytes.count, documentBytes.isEmpty ? 0 : documentBytes.reduce(0, +) / documentBytes.count,
                     transfer?.pages.count ?? 0, requestSeconds * 1000, transfer?.documents.count ?? 0, transfer?.damaged.count ?? 0))

        // Fidelius alone, on one of those documents.
        let sample = Array((transfer?.documents.values.first ?? "{}").utf8)
        try Self.fidelius(sample, count: encryptions)
    }

    static func fidelius(_ document: [UInt8], count: Int) throws {
        let hiu = try FideliusKeyMaterial.generate()
        var started = Date()
        for _ in 0..<max(1, count / 10) { _ = try FideliusKeyMaterial.generate() }
        let keygenRate = Double(max(1, count / 10)) / Date().timeIntervalSince(started)
        let hip = try FideliusKeyMaterial.generate()
        started = Date()
        for _ in 0..<count {
            _ = try Fidelius.encrypt(document, senderKey: hip.privateKey, senderNonce: hip.nonce, requesterKey: hiu.publicKey, requesterNonce: hiu.nonce)
        }
        let encryptSeconds = Date().timeIntervalSince(started)
        let session = try Fidelius.session(ownKey: hip.privateKey, peerKey: hiu.publicKey, senderNonce: hip.nonce, requesterNonce: hiu.nonce)
        let key = SymmetricKey(data: session.key)
        let nonce = try AES.GCM.Nonce(data: session.iv)
        started = Date()
        for _ in 0..<count { _ = try AES.GCM.seal(document, using: key, nonce: nonce) }
        let aesSeconds = Date().timeIntervalSince(started)
        print(String(format: "fidelius: %d encryptions of a %d-byte document in %.2f s: %.0f/s (ECDH, HKDF, AES-GCM, base64 each)",
                     count, document.count, encryptSeconds, Double(count) / encryptSeconds))
        print(String(format: "  floor: AES-256-GCM alone on the same bytes, key agreed once: %.0f/s; ratio %.1f×; key pairs made: %.0f/s",
                     Double(count) / aesSeconds, encryptSeconds / aesSeconds, keygenRate))
    }

    /// The store's own client writing the same care contexts, without ABDM.
    static func storeFloor(root: String, screenings: Int) async throws -> Double {
        let store = try HubDatabase(path: root + "/floor.sqlite")
        let now = WallClock.system.now()
        let contexts = (0..<screenings).map { index in
            CareContext(facility: "IN0001", recordID: id(index / 5, index % 5 + 1), patientID: id(index / 5, 0), abhaAddress: "bench.\(index / 5)@sbx",
                        abhaNumber: nil, display: "NCD screening 01-01-2026, AAM Bench", visitDay: "2026-01-01", nextAttemptAt: now)
        }
        let started = Date()
        for start in stride(from: 0, to: contexts.count, by: 500) {
            try await store.addCareContexts(Array(contexts[start..<min(start + 500, contexts.count)]), through: 0)
        }
        return Date().timeIntervalSince(started)
    }

    static func serve<Context: RequestContext>(_ router: Router<Context>, logger: Logger) async throws -> (Int, Task<Void, any Error>)
    where Context.Source == ApplicationRequestContextSource {
        let port = Mutex<Int?>(nil)
        let app = Application(router: router, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in port.withLock { $0 = channel.localAddress?.port } }, logger: logger)
        let task = Task { try await app.run() }
        for _ in 0..<500 {
            if let bound = port.withLock({ $0 }) { return (bound, task) }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw ValidationError("a server did not start")
    }

    static func push(_ records: [JSONValue], port: Int, token: String) async throws {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/sync/push")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer " + token)
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: JSONValue.object([("records", .array(records))]).serialized(pretty: false)))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
        let body = try await response.body.collect(upTo: 64 << 20)
        guard response.status == .ok else { throw ValidationError("push answered \(response.status)") }
        let answer = try SyncWire.PushResponse(reading: JSONField(try JSONParser.parse(String(buffer: body))))
        if let refused = answer.results.first(where: { $0.status != .accepted && $0.status != .identical }) {
            throw ValidationError("the hub refused a record: \(refused)")
        }
    }

    static func id(_ patient: Int, _ visit: Int) -> String {
        String(format: "01a30000-0000-7000-8000-%06d%06d", patient, visit)
    }

    static let stamps: [(key: String, value: JSONValue)] = [("created_at", .string("2026-11-23T08:00:00.000Z")),
                                                           ("updated_at", .string("2026-11-23T08:00:00.000Z"))]

    static func record(_ type: RecordType, _ id: String, _ payload: [(key: String, value: JSONValue)]) -> JSONValue {
        SyncWire.Record(type: type, id: id, version: 1, baseVersion: 0, updatedAt: Timestamp(iso8601: "2026-11-23T08:00:00.000Z")!,
                        payload: .object(payload + stamps)).json
    }

    static func patient(_ id: String, name: String, address: String) -> JSONValue {
        record(.patient, id, [("name", .string(name)), ("sex", .string("female")), ("birth_date", .string("1976-05-01")),
                              ("consent_given", .bool(true)), ("consent_method", .string("verbal")), ("consent_date", .string("2026-01-01")),
                              ("abha_address", .string(address))])
    }

    static func screening(_ id: String, patient: String, day: String) -> JSONValue {
        let input = try! JSONParser.parse("""
            {"sex":"female","age":50,"cbac":{"waist_cm":96},"bp":[[150,96],[154,96]],"glucose":{"type":"random","mg_dl":212},
             "oral":"normal","height_cm":155,"weight_kg":60,"pulse_per_min":78,"phq2":[1,1]}
            """)
        return record(.screening, id, [
            ("patient_id", .string(patient)), ("kind", .string("screening")), ("screened_on", .string(day)), ("input", input),
            ("decision", .object([("cbac_priority", .bool(true))])), ("bp_systolic", .number(152)), ("bp_diastolic", .number(96)),
            ("bp_category", .string("high")), ("glucose_type", .string("random")), ("glucose_mg_dl", .number(212)),
            ("glucose_category", .string("high")), ("cbac_score", .number(6)), ("recorded_by", .string("priya")),
            ("protocol_id", .string("national")), ("protocol_version", .string("2023.1")), ("refer", .bool(true)), ("urgent", .bool(false)),
        ])
    }
}

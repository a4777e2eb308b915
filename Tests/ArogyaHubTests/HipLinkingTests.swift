import _CryptoExtras
import ArogyaABDMSimulator
import ArogyaCore
@testable import ArogyaHub
import ArogyaStore
import ArogyaSync
import ArogyaTesting
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Hummingbird
import HummingbirdTesting
import Testing

/// A hub set up as its facility's HIP, with the ABDM simulator's gateway on loopback answering at the hub's
/// bridge over real HTTP, and a terminal's device to upload with.
struct HipSetup {
    let storage: any HubStorage
    let token: String
    let linker: HipLinker
    let simulator: AbdmSimulator
    let hubPort: Int

    static let facility = "IN0001"

    static func fast() -> HipSettings {
        var settings = HipSettings()
        settings.answerWaitSeconds = 2
        settings.passSeconds = 0.1
        settings.pushRetrySeconds = 0.05
        return settings
    }

    static func with(_ kind: HubStoreKind, settings: HipSettings = fast(), fault: SimulatorCallbackFault? = nil,
                     otpSender: (any HipOtpSender)? = nil,
                     _ body: @escaping @Sendable (HipSetup, any TestClientProtocol) async throws -> Void) async throws {
        try await withHubStore(kind, clock: .system) { storage in
            try await storage.addFacility(id: facility, name: "AAM Rampur")
            let token = try await storage.addDevice(facility: facility, label: "A").token
            var simulatorSettings = SimulatorSettings()
            simulatorSettings.keyBits = 2048
            simulatorSettings.callbackFault = fault
            let simulator = try AbdmSimulator(settings: simulatorSettings, announce: { _ in })
            try await Application(router: simulator.router()).test(.live) { abdm in
                await simulator.setOwnURL("http://127.0.0.1:\(try #require(abdm.port))")
                let gateway = AbdmGateway(configuration: AbhaRelayTests.configuration(port: try #require(abdm.port)), transport: AbdmHTTPTransport())
                let linker = HipLinker(storage: storage, gateway: gateway, settings: settings)
                let verifier = GatewayTokenVerifier(certsURL: gateway.configuration.gatewayCertsURL, transport: AbdmHTTPTransport())
                let dataFlow = HipDataFlow(storage: storage, gateway: gateway, push: AbdmHTTPTransport(), settings: settings)
                let userLinking = HipUserLinking(storage: storage, gateway: gateway, sender: otpSender)
                let bridge = HipBridge(linker: linker, dataFlow: dataFlow, userLinking: userLinking, verifier: verifier, storage: storage)
                try await Application(router: HubRoutes.router(storage: storage, abdm: gateway, hip: bridge)).test(.live) { hub in
                    let port = try #require(hub.port)
                    await simulator.setBridgeURL("http://127.0.0.1:\(port)")
                    try await body(HipSetup(storage: storage, token: token, linker: linker, simulator: simulator, hubPort: port), hub)
                }
            }
        }
    }

    /// Passes of the linker until `done` holds or `seconds` pass; whether it held.
    func passUntil(seconds: Double = 20, _ done: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            _ = try await linker.pass()
            if try await done() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    func contexts(patient: String? = nil) async throws -> [CareContext] {
        try await storage.careContexts(facility: Self.facility, patient: patient)
    }
}

/// Records as a terminal uploads them.
enum HipRecords {
    static func record(_ type: RecordType, _ id: String, version: Int64 = 1, base: Int64 = 0, _ payload: JSONValue) -> JSONValue {
        SyncWire.Record(type: type, id: id, version: version, baseVersion: base, updatedAt: Timestamp(iso8601: "2026-11-23T08:00:00.000Z")!,
                        payload: payload).json
    }

    static func patient(_ id: String, name: String, abhaAddress: String? = nil, abhaNumber: String? = nil, mobile: String? = nil,
                        born: String = "1976-05-01", version: Int64 = 1, base: Int64 = 0) -> JSONValue {
        var payload: [(key: String, value: JSONValue)] = [
            ("name", .string(name)), ("sex", .string("female")), ("birth_date", .string(born)), ("consent_given", .bool(true)),
            ("consent_method", .string("verbal")), ("consent_date", .string("2026-11-20")),
        ] + HubAPITests.stamps
        if let abhaAddress { payload.append(("abha_address", .string(abhaAddress))) }
        if let abhaNumber { payload.append(("abha_number", .string(abhaNumber))) }
        if let mobile { payload.append(("mobile", .string(mobile))) }
        return record(.patient, id, version: version, base: base, .object(payload))
    }

    static func screening(_ id: String, patient: String, on day: String, kind: String = "screening") -> JSONValue {
        let input = try! JSONParser.parse("""
            {"sex":"female","age":50,"cbac":{"waist_cm":96},"bp":[[150,96],[154,96]],"glucose":{"type":"random","mg_dl":212},
             "oral":"normal","height_cm":155,"weight_kg":60,"pulse_per_min":78}
            """)
        return record(.screening, id, .object([
            ("patient_id", .string(patient)), ("kind", .string(kind)), ("screened_on", .string(day)), ("input", input),
            ("decision", .object([("cbac_priority", .bool(true))])), ("bp_systolic", .number(152)), ("bp_diastolic", .number(96)),
            ("bp_category", .string("high")), ("glucose_type", .string("random")), ("glucose_mg_dl", .number(212)),
            ("glucose_category", .string("high")), ("cbac_score", .number(6)), ("recorded_by", .string("priya")),
            ("protocol_id", .string("national")), ("protocol_version", .string("2023.1")), ("refer", .bool(true)), ("urgent", .bool(false)),
        ] + HubAPITests.stamps))
    }

    static func id(_ n: Int) -> String { String(format: "01a20606-aacb-789c-b598-fe76d455%04d", n) }
}

@Suite("The hub links care contexts to ABHAs")
struct HipLinkingTests {
    typealias R = HipRecords

    @Test("Given a patient with an ABHA address and three visits, and one without, when the linker passes, then her three care contexts are linked in one request with the gateway, named by visit and place, and the other has none",
          arguments: HubStoreKind.tested)
    func linksAfterUpload(_ kind: HubStoreKind) async throws {
        try await HipSetup.with(kind) { setup, hub in
            let lakshmi = R.id(1), other = R.id(2)
            _ = try await HubAPITests.push(hub, setup.token, [
                R.patient(lakshmi, name: "Lakshmi Bai", abhaAddress: "lakshmi.bai@sbx"), R.patient(other, name: "Sita Devi"),
                R.screening(R.id(11), patient: lakshmi, on: "2026-11-01"), R.screening(R.id(12), patient: lakshmi, on: "2026-11-15", kind: "follow_up"),
                R.screening(R.id(13), patient: lakshmi, on: "2026-11-23"), R.screening(R.id(14), patient: other, on: "2026-11-23"),
            ])
            #expect(try await setup.passUntil { let all = try await setup.contexts(); return all.count == 3 && all.allSatisfy { $0.state == .linked } })
            let contexts = try await setup.contexts()
            #expect(contexts.map(\.recordID) == [R.id(11), R.id(12), R.id(13)])
            #expect(contexts.map(\.display) == ["NCD screening 01-11-2026, AAM Rampur", "NCD follow-up 15-11-2026, AAM Rampur",
                                                "NCD screening 23-11-2026, AAM Rampur"])
            #expect(contexts.allSatisfy { $0.hiType == "WellnessRecord" && $0.abhaAddress == "lakshmi.bai@sbx" && $0.linkedAt != nil })
            let links = await setup.simulator.links(of: "lakshmi.bai@sbx")
            #expect(links.map(\.careContextReference) == [R.id(11), R.id(12), R.id(13)])
            #expect(links.allSatisfy { $0.hipID == HipSetup.facility && $0.patientReference == lakshmi })
            #expect(await setup.simulator.callCount("/v3/token/generate-token") == 1)
            #expect(await setup.simulator.callCount("/hip/v3/link/carecontext") == 1)
            // A later visit reuses her link token.
            _ = try await HubAPITests.push(hub, setup.token, [R.screening(R.id(15), patient: lakshmi, on: "2026-11-24")])
            #expect(try await setup.passUntil { let all = try await setup.contexts(); return all.count == 4 && all.allSatisfy { $0.state == .linked } })
            #expect(await setup.simulator.callCount("/v3/token/generate-token") == 1)
            #expect(await setup.simulator.callCount("/hip/v3/link/carecontext") == 2)
        }
    }

    @Test("Given a patient registered without an ABHA whose visit was uploaded, when she is given one later, then her earlier visit becomes a care context and is linked",
          arguments: HubStoreKind.tested)
    func abhaGivenLater(_ kind: HubStoreKind) async throws {
        try await HipSetup.with(kind) { setup, hub in
            let gopal = R.id(3)
            _ = try await HubAPITests.push(hub, setup.token, [R.patient(gopal, name: "Gopal Bai"), R.screening(R.id(21), patient: gopal, on: "2026-11-20")])
            _ = try await setup.linker.pass()
            #expect(try await setup.contexts().isEmpty)
            _ = try await HubAPITests.push(hub, setup.token, [R.patient(gopal, name: "Gopal Bai", abhaAddress: "gopal.bai@sbx", version: 2, base: 1)])
            #expect(try await setup.passUntil { try await setup.contexts().first?.state == .linked })
            #expect(await setup.simulator.links(of: "gopal.bai@sbx").map(\.careContextReference) == [R.id(21)])
        }
    }

    @Test("Given an ABHA address the gateway does not know, when linked, then the care context is failed with ABDM's words and waits to be tried again",
          arguments: HubStoreKind.tested)
    func refusalStaysVisible(_ kind: HubStoreKind) async throws {
        try await HipSetup.with(kind) { setup, hub in
            _ = try await HubAPITests.push(hub, setup.token, [R.patient(R.id(4), name: "Asha Rani", abhaAddress: "asha.rani@sbx"),
                                                              R.screening(R.id(31), patient: R.id(4), on: "2026-11-22")])
            #expect(try await setup.passUntil { try await setup.contexts().first?.state == .failed })
            let context = try #require(try await setup.contexts().first)
            #expect(context.lastError == "ABDM-1010: Patient not found")
            #expect(context.attempts == 1)
            #expect(context.nextAttemptAt > WallClock.system.now().adding(seconds: 20))
        }
    }

    @Test("Given a gateway whose answers never arrive, when the wait for them passes, then the care contexts are due again with why, and are linked once answers come",
          arguments: HubStoreKind.tested)
    func lostAnswersAreSentAgain(_ kind: HubStoreKind) async throws {
        try await HipSetup.with(kind, fault: .never) { setup, hub in
            _ = try await HubAPITests.push(hub, setup.token, [R.patient(R.id(1), name: "Lakshmi Bai", abhaAddress: "lakshmi.bai@sbx"),
                                                              R.screening(R.id(41), patient: R.id(1), on: "2026-11-22")])
            _ = try await setup.linker.pass()
            #expect(await setup.simulator.callCount("/v3/token/generate-token") == 1)
            #expect(try await setup.passUntil(seconds: 10) { await setup.simulator.callCount("/v3/token/generate-token") == 2 })
            #expect(try await setup.contexts().first?.lastError == "no answer from ABDM in time")
            await setup.simulator.setCallbackFault(nil)
            #expect(try await setup.passUntil { try await setup.contexts().first?.state == .linked })
            #expect(try await setup.contexts().first?.lastError == nil)
        }
    }
}

@Suite("Link counts on the terminals")
struct HipLinkCountTests {
    typealias R = HipRecords

    @Test("Given a patient's visits linked at the hub, when another terminal syncs, then it keeps her counts, 3 of 3 linked; a later visit's link reaches it at the next sync",
          arguments: HubStoreKind.tested)
    func terminalLearnsCounts(_ kind: HubStoreKind) async throws {
        try await HipSetup.with(kind) { setup, hub in
            let lakshmi = R.id(1)
            _ = try await HubAPITests.push(hub, setup.token, [
                R.patient(lakshmi, name: "Lakshmi Bai", abhaAddress: "lakshmi.bai@sbx"),
                R.screening(R.id(11), patient: lakshmi, on: "2026-11-01"), R.screening(R.id(12), patient: lakshmi, on: "2026-11-15"),
                R.screening(R.id(13), patient: lakshmi, on: "2026-11-22"),
            ])
            #expect(try await setup.passUntil { let all = try await setup.contexts(); return all.count == 3 && all.allSatisfy { $0.state == .linked } })
            let other = try await setup.storage.addDevice(facility: HipSetup.facility, label: "B").token
            let store = try Fixtures.setUpStore(clock: .system)
            let engine = SyncEngine(store: store, client: HubClient(baseURL: URL(string: "http://127.0.0.1:\(setup.hubPort)")!, token: other, timeout: 5),
                                    vocabulary: Fixtures.vocabulary)
            let first = try await engine.run()
            #expect(first.failure == nil)
            #expect(try store.abhaLinkSummary(patientId: lakshmi) == AbhaLinkSummary(patientId: lakshmi, linked: 3, total: 3, failed: 0))
            _ = try await HubAPITests.push(hub, setup.token, [R.screening(R.id(14), patient: lakshmi, on: "2026-11-23")])
            #expect(try await setup.passUntil { let all = try await setup.contexts(); return all.count == 4 && all.allSatisfy { $0.state == .linked } })
            #expect(try await engine.run().failure == nil)
            #expect(try store.abhaLinkSummary(patientId: lakshmi) == AbhaLinkSummary(patientId: lakshmi, linked: 4, total: 4, failed: 0))
        }
    }
}

@Suite("The HIP's bridge")
struct HipBridgeTests {
    static func post(_ port: Int, _ path: String, token: String?, requestID: String, body: JSONValue) async throws -> Int {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(requestID, forHTTPHeaderField: "REQUEST-ID")
        if let token { request.setValue("Bearer " + token, forHTTPHeaderField: "Authorization") }
        request.httpBody = Data(body.serialized(pretty: false).utf8)
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }

    @Test("Given requests to the bridge without the gateway's token, with one signed by another key, or expired, when they arrive, then each is refused 401; the gateway's own is accepted 202")
    func gatewayTokenChecked() async throws {
        try await HipSetup.with(.sqlite) { setup, _ in
            let body = JSONValue.object([("response", .object([("requestId", .string(UUID().uuidString))]))])
            let path = HipMessages.Bridge.onGenerateToken
            #expect(try await Self.post(setup.hubPort, path, token: nil, requestID: UUID().uuidString, body: body) == 401)
            // Another key under the gateway's key id.
            let impostor = AbdmSimulator.signedToken(key: try _RSA.Signing.PrivateKey(keySize: .bits2048), keyID: AbdmSimulator.signingKeyID,
                                                     now: WallClock.system.now())
            #expect(try await Self.post(setup.hubPort, path, token: impostor, requestID: UUID().uuidString, body: body) == 401)
            let expired = setup.simulator.gatewayToken(now: WallClock.system.now().adding(seconds: -3600))
            #expect(try await Self.post(setup.hubPort, path, token: expired, requestID: UUID().uuidString, body: body) == 401)
            #expect(try await Self.post(setup.hubPort, path, token: setup.simulator.gatewayToken(), requestID: UUID().uuidString, body: body) == 202)
            #expect(try await Self.post(setup.hubPort, path, token: setup.simulator.gatewayToken(), requestID: "not-a-uuid", body: body) == 400)
        }
    }

    @Test("Given ABDM's answer sent twice with one REQUEST-ID, when both arrive, then both get 202 and it is acted on once")
    func replayAnsweredOnce() async throws {
        try await HipSetup.with(.sqlite) { setup, _ in
            let storage = setup.storage
            @Sendable func accepts(_ id: String) async throws -> Bool {
                try await storage.acceptInbound(requestID: id.lowercased(), path: "/x", at: WallClock.system.now())
            }
            let requestID = UUID().uuidString
            let first = try await accepts(requestID), second = try await accepts(requestID)
            #expect(first && !second)
            let body = JSONValue.object([("response", .object([("requestId", .string(UUID().uuidString))]))])
            let replayed = UUID().uuidString
            for _ in 0..<2 {
                let status = try await Self.post(setup.hubPort, HipMessages.Bridge.onLinkCareContexts, token: setup.simulator.gatewayToken(),
                                                 requestID: replayed, body: body)
                #expect(status == 202)
            }
            let again = try await accepts(replayed)
            #expect(!again)
        }
    }
}

import ArogyaABDM
import ArogyaABDMSimulator
import ArogyaCore
@testable import ArogyaHub
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// The hub's ABHA routes in front of the ABDM simulator on a real loopback port: what a terminal sends,
/// what the hub adds, and what it keeps (the session and ABDM's key).
@Suite("The hub's ABHA relay")
struct AbhaRelayTests {
    static func simulator(tokenSeconds: Int = 600) throws -> AbdmSimulator {
        var settings = SimulatorSettings()
        settings.keyBits = 2048
        settings.tokenSeconds = tokenSeconds
        return try AbdmSimulator(settings: settings, announce: { _ in })
    }

    static func configuration(port: Int, secret: String = "simulator-secret") -> AbdmConfiguration {
        AbdmConfiguration(gatewayURL: "http://127.0.0.1:\(port)/api/hiecm", abhaURL: "http://127.0.0.1:\(port)/abha/api",
                          clientId: "arogya-simulator", clientSecret: secret, cmId: "sbx")
    }

    /// A hub with one device, its ABHA routes relaying to `gateway`.
    static func hub(_ gateway: AbdmGateway?) async throws -> (Application<RouterResponder<HubRequestContext>>, String) {
        let storage = try HubDatabase(path: ":memory:", clock: .system)
        try await storage.addFacility(id: "IN0001", name: "AAM Rampur")
        let token = try await storage.addDevice(facility: "IN0001", label: "A").token
        return (Application(router: HubRoutes.router(storage: storage, abdm: gateway)), token)
    }

    static func post(_ client: some TestClientProtocol, _ token: String, _ operation: AbhaOperation, _ envelope: JSONValue) async throws -> (Int, JSONValue) {
        try await client.execute(uri: operation.hubPath, method: .post, headers: [.authorization: "Bearer " + token, .contentType: "application/json"],
                                 body: ByteBuffer(string: envelope.serialized(pretty: false))) { response in
            (Int(response.status.code), (try? JSONParser.parse(String(buffer: response.body))) ?? .null)
        }
    }

    static func certificate(_ client: some TestClientProtocol, _ token: String) async throws -> (Int, JSONValue) {
        try await client.execute(uri: "/v1/abha/certificate", method: .get, headers: [.authorization: "Bearer " + token]) { response in
            (Int(response.status.code), (try? JSONParser.parse(String(buffer: response.body))) ?? .null)
        }
    }

    @Test("Given a hub with ABDM set up, when a terminal takes ABDM's key and asks for an enrolment OTP twice, then one session and one certificate call served both, and the OTP request carried ABDM's headers")
    func relaysWithOneSession() async throws {
        let simulator = try Self.simulator()
        try await Application(router: simulator.router()).test(.live) { abdm in
            let gateway = AbdmGateway(configuration: Self.configuration(port: try #require(abdm.port)), transport: AbdmHTTPTransport())
            let (hub, token) = try await Self.hub(gateway)
            try await hub.test(.router) { client in
                let (status, certificate) = try await Self.certificate(client, token)
                #expect(status == 200 && certificate["encryption_algorithm"] == .string("RSA/ECB/OAEPWithSHA-1AndMGF1Padding"))
                #expect(certificate["cm_id"] == .string("sbx"))
                guard case .string(let text)? = certificate["public_key"] else { Issue.record("no key"); return }
                let key = try AbdmPublicKey(base64DER: text)
                for _ in 0..<2 {
                    let envelope = AbhaRelay.request(body: AbhaRequests.enrolmentOtp(encryptedAadhaar: try key.encrypt("234567890124")))
                    let (relayed, answer) = try await Self.post(client, token, .enrolRequestOtp, envelope)
                    #expect(relayed == 200 && answer["abdm_status"] == .number(200))
                    #expect(answer["abdm_body"].flatMap(AbhaResponses.otpSent) != nil)
                }
                _ = try await Self.certificate(client, token)
            }
            #expect(await simulator.callCount("/gateway/v3/sessions") == 1)
            #expect(await simulator.callCount("/v3/profile/public/certificate") == 1)
            #expect(await simulator.callCount("/v3/enrollment/request/otp") == 2)
        }
    }

    @Test("Given ABDM ends the hub's session early, when a terminal's call is refused with 401, then the hub opens a new session and the call goes through once more")
    func renewsOnUnauthorised() async throws {
        let simulator = try Self.simulator()
        try await Application(router: simulator.router()).test(.live) { abdm in
            let gateway = AbdmGateway(configuration: Self.configuration(port: try #require(abdm.port)), transport: AbdmHTTPTransport())
            let (hub, token) = try await Self.hub(gateway)
            try await hub.test(.router) { client in
                _ = try await Self.certificate(client, token)
                await simulator.expireGatewaySessions()
                let key = try AbdmPublicKey(base64DER: simulator.publicKeyBase64)
                let envelope = AbhaRelay.request(body: AbhaRequests.enrolmentOtp(encryptedAadhaar: try key.encrypt("234567890124")))
                let (_, answer) = try await Self.post(client, token, .enrolRequestOtp, envelope)
                #expect(answer["abdm_status"] == .number(200))
            }
            #expect(await simulator.callCount("/gateway/v3/sessions") == 2)
            #expect(await gateway.sessionsOpened == 2)
        }
    }

    @Test("Given a session that ends within its last tenth, when the next call comes, then the hub has already taken a new one rather than send a token about to expire")
    func renewsBeforeExpiry() async throws {
        // A 20-second session: the hub keeps it for 20 − 30 s of margin, that is not at all.
        let simulator = try Self.simulator(tokenSeconds: 20)
        try await Application(router: simulator.router()).test(.live) { abdm in
            let gateway = AbdmGateway(configuration: Self.configuration(port: try #require(abdm.port)), transport: AbdmHTTPTransport())
            _ = try await gateway.publicKey()
            _ = try await gateway.relay(.enrolSuggestions, body: nil, transactionId: "unknown")
            #expect(await gateway.sessionsOpened == 2)
        }
    }

    @Test("Given eight calls at once to a hub with no session yet, when they reach ABDM, then one session call served them all")
    func sharesOneSessionCall() async throws {
        let simulator = try Self.simulator()
        try await Application(router: simulator.router()).test(.live) { abdm in
            let gateway = AbdmGateway(configuration: Self.configuration(port: try #require(abdm.port)), transport: AbdmHTTPTransport())
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<8 { group.addTask { try await gateway.relay(.enrolSuggestions, body: nil, transactionId: "unknown").status } }
                for try await status in group { #expect(status == 400, "an unknown transaction, refused by ABDM itself") }
            }
            #expect(await simulator.callCount("/gateway/v3/sessions") == 1)
        }
    }

    @Test("Given a wrong client secret, when terminals keep calling, then ABDM is asked once and the hub refuses the rest itself for a minute, so ABDM never locks the client out")
    func pausesAfterRefusedCredentials() async throws {
        let simulator = try Self.simulator()
        try await Application(router: simulator.router()).test(.live) { abdm in
            let gateway = AbdmGateway(configuration: Self.configuration(port: try #require(abdm.port), secret: "wrong"), transport: AbdmHTTPTransport())
            for _ in 0..<5 {
                await #expect(throws: AbdmGateway.Failure.self) { _ = try await gateway.publicKey() }
            }
            #expect(await simulator.callCount("/gateway/v3/sessions") == 1)
        }
    }

    @Test("Given no ABDM set-up, a wrong client secret and an ABDM that is down, when a terminal calls, then the hub answers 503, 502 and 502 with why, and never a token")
    func failures() async throws {
        let (bare, token) = try await Self.hub(nil)
        try await bare.test(.router) { client in
            let (status, answer) = try await Self.certificate(client, token)
            #expect(status == 503)
            #expect(answer.serialized().contains("ABHA services are not set up on this hub"))
            let (relayStatus, _) = try await Self.post(client, token, .enrolRequestOtp, AbhaRelay.request(body: .object([])))
            #expect(relayStatus == 503)
        }
        let simulator = try Self.simulator()
        try await Application(router: simulator.router()).test(.live) { abdm in
            let port = try #require(abdm.port)
            let (hub, hubToken) = try await Self.hub(AbdmGateway(configuration: Self.configuration(port: port, secret: "wrong"), transport: AbdmHTTPTransport()))
            try await hub.test(.router) { client in
                let (status, answer) = try await Self.certificate(client, hubToken)
                #expect(status == 502 && answer.serialized().contains("refused this hub's client id and secret"))
            }
        }
        // Nothing listens on port 9 (discard) here.
        let (down, downToken) = try await Self.hub(AbdmGateway(configuration: Self.configuration(port: 9), transport: AbdmHTTPTransport()))
        try await down.test(.router) { client in
            let (status, answer) = try await Self.certificate(client, downToken)
            #expect(status == 502 && answer.serialized().contains("ABDM could not be reached"))
            let (noAuth, _) = try await client.execute(uri: "/v1/abha/certificate", method: .get) { response in (response.status.code, 0) }
            #expect(noAuth == 401)
        }
    }

    @Test("Given ABDM configuration files, when one is readable by others, lacks a key, has an unknown one, a wrong cm_id or plain http to another machine, then each is refused naming the file and the fix")
    func configurationFiles() throws {
        let folder = NSTemporaryDirectory() + "abdm-config-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        func write(_ text: String, mode: Int = 0o600) throws -> String {
            let path = folder + "/" + UUID().uuidString + ".json"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
            return path
        }
        let good = #"{"gateway_url":"https://dev.abdm.gov.in/api/hiecm","abha_url":"https://abhasbx.abdm.gov.in/abha/api/","client_id":"c","client_secret":"s","cm_id":"sbx"}"#
        let loaded = try AbdmConfiguration.load(path: try write(good))
        #expect(loaded.abhaURL == "https://abhasbx.abdm.gov.in/abha/api" && loaded.cmId == "sbx")
        func refusal(_ text: String, mode: Int = 0o600) throws -> String {
            let path = try write(text, mode: mode)
            do { _ = try AbdmConfiguration.load(path: path); return "" } catch { return error.description.replacingOccurrences(of: path, with: "FILE") }
        }
        #expect(try refusal(good, mode: 0o644) == "FILE can be read by group or others (mode 0644): it holds ABDM's client secret; run chmod 600 FILE")
        #expect(try refusal(#"{"gateway_url":"https://a.in","abha_url":"https://b.in","client_id":"c","cm_id":"sbx"}"#).contains("\"client_secret\" is missing"))
        #expect(try refusal(good.replacingOccurrences(of: "\"cm_id\"", with: "\"hip_id\":\"x\",\"cm_id\"")).contains("unknown key \"hip_id\""))
        #expect(try refusal(good.replacingOccurrences(of: "\"sbx\"", with: "\"prod\"")).contains("it is sbx (the sandbox) or abdm (production)"))
        #expect(try refusal(good.replacingOccurrences(of: "https://dev.abdm.gov.in", with: "http://dev.abdm.gov.in")).contains("must be https://"))
        #expect(try refusal(good.replacingOccurrences(of: "https://dev.abdm.gov.in", with: "http://127.0.0.1:9090")) == "")
    }
}

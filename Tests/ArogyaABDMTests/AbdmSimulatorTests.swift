import ArogyaABDM
@testable import ArogyaABDMSimulator
import ArogyaCore
import ArogyaTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The simulator speaks ABDM's requests: these drive it as the hub will, header by header.
@Suite("The local ABDM simulator")
struct AbdmSimulatorTests {
    static func simulator(_ configure: (inout SimulatorSettings) -> Void = { _ in }) throws -> AbdmSimulator {
        var settings = SimulatorSettings()
        settings.keyBits = 2048
        configure(&settings)
        return try AbdmSimulator(settings: settings, announce: { _ in })
    }

    /// ABDM's refusal as the terminal reads it.
    static func failure(_ status: Int, _ body: JSONValue) -> AbdmFailure {
        AbdmFailure.parse(status: status, body: Array(body.serialized().utf8))
    }

    /// One ABDM call with the headers ABDM wants; ABDM's status and JSON answer.
    struct Caller {
        let client: any TestClientProtocol
        var token: String?

        func call(_ method: HTTPRequest.Method, _ path: String, _ body: JSONValue? = nil, headers extra: [String: String] = [:],
                  timestamp: String = WallClock.system.now().iso8601) async throws -> (Int, JSONValue) {
            var headers: HTTPFields = [.contentType: "application/json"]
            headers[HTTPField.Name("REQUEST-ID")!] = UUID().uuidString
            headers[HTTPField.Name("TIMESTAMP")!] = timestamp
            headers[HTTPField.Name("X-CM-ID")!] = "sbx"
            if let token { headers[.authorization] = "Bearer " + token }
            for (name, value) in extra { headers[HTTPField.Name(name)!] = value }
            return try await client.execute(uri: path, method: method, headers: headers,
                                            body: body.map { ByteBuffer(string: $0.serialized(pretty: false)) }) { response in
                (Int(response.status.code), (try? JSONParser.parse(String(buffer: response.body))) ?? .null)
            }
        }

        func abha(_ operation: AbhaOperation, _ body: JSONValue? = nil, headers: [String: String] = [:]) async throws -> (Int, JSONValue) {
            try await call(operation.method == .get ? .get : .post, AbdmSimulator.abhaPrefix + operation.abdmPath, body, headers: headers)
        }

        /// Opens a gateway session and reads the public key, as the hub does first.
        mutating func start() async throws -> AbdmPublicKey {
            let (status, session) = try await call(.post, AbdmSimulator.gatewayPrefix + "/gateway/v3/sessions", .object([
                ("clientId", .string("arogya-simulator")), ("clientSecret", .string("simulator-secret")), ("grantType", .string("client_credentials"))]))
            #expect(status == 200)
            guard case .string(let access)? = session["accessToken"] else { throw AbdmFailure(status: status, code: nil, message: "no token") }
            token = access
            let (_, certificate) = try await call(.get, AbdmSimulator.abhaPrefix + "/v3/profile/public/certificate")
            #expect(certificate["encryptionAlgorithm"] == .string("RSA/ECB/OAEPWithSHA-1AndMGF1Padding"))
            guard case .string(let key)? = certificate["publicKey"] else { throw AbdmFailure(status: 0, code: nil, message: "no key") }
            return try AbdmPublicKey(base64DER: key)
        }
    }

    @Test("Given a resident's Aadhaar, when she is enrolled with the OTP, a mobile of her own verified, and an address chosen from the suggestions, then the profile names her and the address is hers")
    func enrolment() async throws {
        let simulator = try Self.simulator()
        let app = Application(router: simulator.router())
        try await app.test(.router) { client in
            var abdm = Caller(client: client)
            let key = try await abdm.start()
            let (status, sent) = try await abdm.abha(.enrolRequestOtp, AbhaRequests.enrolmentOtp(encryptedAadhaar: try key.encrypt("234567890124")))
            #expect(status == 200)
            let otp = try #require(AbhaResponses.otpSent(sent))
            #expect(AbhaResponses.mobileEnding(otp.message) == "0017")
            let (enrolStatus, enrolledBody) = try await abdm.abha(.enrolByAadhaar, AbhaRequests.enrolByAadhaar(
                transactionId: otp.transactionId, encryptedOtp: try key.encrypt("123456"), mobile: "9123400055"))
            #expect(enrolStatus == 200)
            let enrolled = try #require(AbhaResponses.enrolled(enrolledBody))
            #expect(enrolled.isNew && enrolled.profile.name == "Sita Devi" && enrolled.profile.sex == .female)
            #expect(enrolled.profile.birthDate == CivilDate(year: 1976, month: 3, day: 10))
            // Not her Aadhaar-linked mobile: verified with an OTP through ABDM.
            let (_, mobileSent) = try await abdm.abha(.enrolRequestOtp, AbhaRequests.enrolmentMobileOtp(
                transactionId: enrolled.transactionId, encryptedMobile: try key.encrypt("9123400055")))
            let mobileOtp = try #require(AbhaResponses.otpSent(mobileSent))
            let (_, verifiedBody) = try await abdm.abha(.enrolVerifyMobile, AbhaRequests.verifyEnrolmentMobile(
                transactionId: mobileOtp.transactionId, encryptedOtp: try key.encrypt("123456")))
            #expect(AbhaResponses.verified(verifiedBody).succeeded)
            let (_, suggested) = try await abdm.abha(.enrolSuggestions, headers: ["TRANSACTION_ID": enrolled.transactionId])
            let suggestions = AbhaResponses.suggestions(suggested)
            #expect(suggestions.first == "sita.devi")
            let (addressStatus, _) = try await abdm.abha(.enrolAddress, AbhaRequests.chooseAddress(transactionId: enrolled.transactionId, address: "sita.devi"))
            #expect(addressStatus == 200)
            let addresses = await simulator.accountAddresses()
            #expect(addresses[enrolled.profile.abhaNumber]?.first == "sita.devi@sbx")
            // The same Aadhaar again: the ABHA she has, not a second one.
            let (_, again) = try await abdm.abha(.enrolRequestOtp, AbhaRequests.enrolmentOtp(encryptedAadhaar: try key.encrypt("234567890124")))
            let second = try #require(AbhaResponses.otpSent(again))
            let (_, existingBody) = try await abdm.abha(.enrolByAadhaar, AbhaRequests.enrolByAadhaar(
                transactionId: second.transactionId, encryptedOtp: try key.encrypt("123456"), mobile: "9123400055"))
            let existing = try #require(AbhaResponses.enrolled(existingBody))
            #expect(!existing.isNew && existing.profile.abhaNumber == enrolled.profile.abhaNumber)
        }
    }

    @Test("Given wrong OTPs, a stale TIMESTAMP, no gateway token and an address taken, when sent, then each is refused in ABDM's shape with the kind a worker can act on")
    func refusals() async throws {
        let simulator = try Self.simulator()
        await simulator.seedAccount(aadhaar: "987654321096", addresses: ["ramesh.kumar@sbx"])
        let app = Application(router: simulator.router())
        try await app.test(.router) { client in
            var abdm = Caller(client: client)
            let key = try await abdm.start()
            let (_, sent) = try await abdm.abha(.enrolRequestOtp, AbhaRequests.enrolmentOtp(encryptedAadhaar: try key.encrypt("234567890124")))
            let otp = try #require(AbhaResponses.otpSent(sent))
            var kinds: [AbdmFailure.Kind] = []
            for _ in 0..<3 {
                let (status, body) = try await abdm.abha(.enrolByAadhaar, AbhaRequests.enrolByAadhaar(
                    transactionId: otp.transactionId, encryptedOtp: try key.encrypt("000000"), mobile: "9876500017"))
                kinds.append(Self.failure(status, body).kind)
            }
            #expect(kinds == [.wrongOtp, .wrongOtp, .tooManyAttempts])
            // The transaction is gone after the last try.
            let (status, body) = try await abdm.abha(.enrolByAadhaar, AbhaRequests.enrolByAadhaar(
                transactionId: otp.transactionId, encryptedOtp: try key.encrypt("123456"), mobile: "9876500017"))
            #expect(Self.failure(status, body).kind == .transactionExpired)

            let (staleStatus, staleBody) = try await abdm.call(.get, AbdmSimulator.abhaPrefix + "/v3/profile/public/certificate",
                                                               timestamp: "2026-12-01T09:26:00+05:30")
            #expect(staleStatus == 400 && Self.failure(staleStatus, staleBody).code == "ABDM-1016")
            var anonymous = abdm
            anonymous.token = nil
            let (noTokenStatus, _) = try await anonymous.abha(.loginRequestOtp, .object([]))
            #expect(noTokenStatus == 401)

            // Verify Ramesh's existing ABHA by number, then try to take his address for someone else.
            let known = await simulator.accountAddresses()
            let number = try #require(known.first { $0.value.contains("ramesh.kumar@sbx") }?.key)
            let (_, loginSent) = try await abdm.abha(.loginRequestOtp, AbhaRequests.loginOtp(
                abhaNumber: try key.encrypt(Identifiers.formattedAbhaNumber(number)), via: .aadhaar))
            let login = try #require(AbhaResponses.otpSent(loginSent))
            let (_, verifiedBody) = try await abdm.abha(.loginVerify, AbhaRequests.loginVerify(
                scope: ["abha-login", "aadhaar-verify"], transactionId: login.transactionId, encryptedOtp: try key.encrypt("123456")))
            let verified = AbhaResponses.verified(verifiedBody)
            let (_, profileBody) = try await abdm.abha(.profile, headers: ["X-token": "Bearer " + (verified.token ?? "")])
            #expect(AbhaProfile(profileBody)?.name == "Ramesh Kumar")

            let (_, sitaSent) = try await abdm.abha(.enrolRequestOtp, AbhaRequests.enrolmentOtp(encryptedAadhaar: try key.encrypt("234567890124")))
            let sita = try #require(AbhaResponses.otpSent(sitaSent))
            _ = try await abdm.abha(.enrolByAadhaar, AbhaRequests.enrolByAadhaar(
                transactionId: sita.transactionId, encryptedOtp: try key.encrypt("123456"), mobile: "9876500017"))
            let (takenStatus, takenBody) = try await abdm.abha(.enrolAddress, AbhaRequests.chooseAddress(transactionId: sita.transactionId, address: "ramesh.kumar"))
            #expect(Self.failure(takenStatus, takenBody).kind == .addressTaken)
        }
    }

    @Test("Given each fault the simulator can inject, when an OTP is asked for or checked, then ABDM's answer for it comes back")
    func faults() async throws {
        let simulator = try Self.simulator()
        let app = Application(router: simulator.router())
        try await app.test(.router) { client in
            var abdm = Caller(client: client)
            let key = try await abdm.start()
            let request = AbhaRequests.enrolmentOtp(encryptedAadhaar: try key.encrypt("234567890124"))
            await simulator.setFault(.rateLimit)
            let (limited, limitedBody) = try await abdm.abha(.enrolRequestOtp, request)
            #expect(limited == 429 && Self.failure(limited, limitedBody).kind == .tooManyAttempts)
            await simulator.setFault(.serverError)
            let (failed, _) = try await abdm.abha(.enrolRequestOtp, request)
            #expect(failed == 500)
            await simulator.setFault(nil)
            let (_, sent) = try await abdm.abha(.enrolRequestOtp, request)
            let otp = try #require(AbhaResponses.otpSent(sent))
            await simulator.setFault(.wrongOtp)
            let (wrong, wrongBody) = try await abdm.abha(.enrolByAadhaar, AbhaRequests.enrolByAadhaar(
                transactionId: otp.transactionId, encryptedOtp: try key.encrypt("123456"), mobile: "9876500017"))
            #expect(Self.failure(wrong, wrongBody).kind == .wrongOtp)
            await simulator.setFault(.expiredTransaction)
            let (expired, expiredBody) = try await abdm.abha(.enrolByAadhaar, AbhaRequests.enrolByAadhaar(
                transactionId: otp.transactionId, encryptedOtp: try key.encrypt("123456"), mobile: "9876500017"))
            #expect(Self.failure(expired, expiredBody).kind == .transactionExpired)
            // The Aadhaar number is checked with Verhoeff before anything else happens.
            await simulator.setFault(nil)
            let (bad, badBody) = try await abdm.abha(.enrolRequestOtp, AbhaRequests.enrolmentOtp(encryptedAadhaar: try key.encrypt("234567890123")))
            #expect(bad == 400 && Self.failure(bad, badBody).message.contains("loginId"))
        }
    }
}

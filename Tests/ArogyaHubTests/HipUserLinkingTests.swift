import ArogyaABDMSimulator
import ArogyaCore
@testable import ArogyaHub
import Foundation
import HummingbirdTesting
import Testing

/// Keeps the OTPs the HIP "sends", as a patient's phone would receive them.
actor CapturedOtps: HipOtpSender {
    private(set) var sent: [(otp: String, mobile: String)] = []
    func send(otp: String, to mobile: String, facilityName: String) async throws { sent.append((otp, mobile)) }
    func last() -> String? { sent.last?.otp }
}

@Suite("Patients linking their records from their PHR app")
struct HipUserLinkingTests {
    typealias R = HipRecords
    static let sita = R.id(5)

    /// Sita, registered with her mobile and no ABHA, with two visits uploaded.
    static func sitaWithVisits(_ setup: HipSetup, _ hub: any TestClientProtocol) async throws {
        _ = try await HubAPITests.push(hub, setup.token, [
            R.patient(sita, name: "Sita Devi", mobile: "9845012345", born: "1981-03-10"),
            R.screening(R.id(51), patient: sita, on: "2026-11-02"), R.screening(R.id(52), patient: sita, on: "2026-11-20"),
        ])
    }

    static func answer(_ setup: HipSetup, _ requestID: String) async throws -> JSONValue {
        #expect(try await HipDataFlowTests.until { await setup.simulator.answer(to: requestID) != nil })
        return await setup.simulator.answer(to: requestID) ?? .null
    }

    static func references(_ answer: JSONValue) -> [String] {
        guard case .array(let patients)? = answer["patient"], case .array(let contexts)? = patients.first?["careContexts"] else { return [] }
        return contexts.compactMap { if case .string(let id)? = $0["referenceNumber"] { id } else { nil } }
    }

    @Test("Given a patient with no ABHA at the hub, when her app discovers by her verified mobile, name, sex and year of birth, asks to link both visits and types the OTP (once wrong), then both are linked to her ABHA address",
          arguments: HubStoreKind.tested)
    func discoverInitConfirm(_ kind: HubStoreKind) async throws {
        let otps = CapturedOtps()
        try await HipSetup.with(kind, otpSender: otps) { setup, hub in
            try await Self.sitaWithVisits(setup, hub)
            let discovery = try await Self.answer(setup, await setup.simulator.discover(
                hipID: HipSetup.facility, abhaAddress: "sita.devi@sbx", name: "Seeta Devi", gender: "F", yearOfBirth: 1981, mobile: "9845012345"))
            #expect(discovery["error"] == nil)
            #expect(discovery["matchedBy"] == .array([.string("MOBILE")]))
            #expect(Self.references(discovery) == [R.id(51), R.id(52)])
            guard case .string(let transaction)? = discovery["transactionId"] else { Issue.record("no transaction"); return }
            let initiated = try await Self.answer(setup, await setup.simulator.linkInit(
                hipID: HipSetup.facility, transactionID: transaction, abhaAddress: "sita.devi@sbx", patientReference: Self.sita,
                careContexts: [R.id(51), R.id(52)]))
            guard case .string(let reference)? = initiated["link"]?["referenceNumber"] else { Issue.record("no link reference: \(initiated)"); return }
            #expect(initiated["link"]?["meta"]?["communicationMedium"] == .string("MOBILE"))
            let otp = try #require(await otps.last())
            #expect(await otps.sent.last?.mobile == "9845012345")
            let wrong = try await Self.answer(setup, await setup.simulator.linkConfirm(hipID: HipSetup.facility, linkReference: reference,
                                                                                       otp: otp == "000000" ? "111111" : "000000"))
            #expect(wrong["error"]?["code"] == .string("ABDM-1035"))
            let confirmed = try await Self.answer(setup, await setup.simulator.linkConfirm(hipID: HipSetup.facility, linkReference: reference, otp: otp))
            #expect(confirmed["error"] == nil)
            #expect(Self.references(confirmed) == [R.id(51), R.id(52)])
            let contexts = try await setup.contexts(patient: Self.sita)
            #expect(contexts.map(\.recordID) == [R.id(51), R.id(52)])
            #expect(contexts.allSatisfy { $0.state == .linked && $0.abhaAddress == "sita.devi@sbx" })
            // Discovered again, nothing is left to link.
            let again = try await Self.answer(setup, await setup.simulator.discover(
                hipID: HipSetup.facility, abhaAddress: "sita.devi@sbx", name: "Sita Devi", gender: "F", yearOfBirth: 1981, mobile: "9845012345"))
            #expect(Self.references(again).isEmpty)
        }
    }

    @Test("Given her name, sex and year of birth but a mobile not hers, or two patients alike on her mobile, when discovered, then the answer is not found")
    func weakOrDoubleMatchNotFound() async throws {
        try await HipSetup.with(.sqlite, otpSender: CapturedOtps()) { setup, hub in
            try await Self.sitaWithVisits(setup, hub)
            let weak = try await Self.answer(setup, await setup.simulator.discover(
                hipID: HipSetup.facility, abhaAddress: "sita.devi@sbx", name: "Sita Devi", gender: "F", yearOfBirth: 1981, mobile: "9123400001"))
            #expect(weak["error"]?["code"] == .string("ABDM-1010"))
            #expect(weak["patient"] == nil)
            let unverified = try await Self.answer(setup, await setup.simulator.discover(
                hipID: HipSetup.facility, abhaAddress: "sita.devi@sbx", name: "Sita Devi", gender: "F", yearOfBirth: 1981, mobile: nil))
            #expect(unverified["error"]?["code"] == .string("ABDM-1010"))
            _ = try await HubAPITests.push(hub, setup.token, [R.patient(R.id(6), name: "Sita Devi", mobile: "9845012345", born: "1981-07-01")])
            let double = try await Self.answer(setup, await setup.simulator.discover(
                hipID: HipSetup.facility, abhaAddress: "sita.devi@sbx", name: "Sita Devi", gender: "F", yearOfBirth: 1981, mobile: "9845012345"))
            #expect(double["error"]?["code"] == .string("ABDM-1010"))
        }
    }

    @Test("Given three wrong OTPs, when the right one is typed after, then the link request has ended and nothing is linked")
    func otpTriesEnd() async throws {
        let otps = CapturedOtps()
        try await HipSetup.with(.sqlite, otpSender: otps) { setup, hub in
            try await Self.sitaWithVisits(setup, hub)
            let discovery = try await Self.answer(setup, await setup.simulator.discover(
                hipID: HipSetup.facility, abhaAddress: "sita.devi@sbx", name: "Sita Devi", gender: "F", yearOfBirth: 1981, mobile: "9845012345"))
            guard case .string(let transaction)? = discovery["transactionId"] else { Issue.record("no transaction"); return }
            let initiated = try await Self.answer(setup, await setup.simulator.linkInit(
                hipID: HipSetup.facility, transactionID: transaction, abhaAddress: "sita.devi@sbx", patientReference: Self.sita, careContexts: [R.id(51)]))
            guard case .string(let reference)? = initiated["link"]?["referenceNumber"] else { Issue.record("no link reference"); return }
            let otp = try #require(await otps.last())
            let wrongOtp = otp == "999999" ? "999998" : "999999"
            for _ in 0..<3 {
                _ = try await Self.answer(setup, await setup.simulator.linkConfirm(hipID: HipSetup.facility, linkReference: reference, otp: wrongOtp))
            }
            let late = try await Self.answer(setup, await setup.simulator.linkConfirm(hipID: HipSetup.facility, linkReference: reference, otp: otp))
            #expect(late["error"]?["code"] == .string("ABDM-1017"))
            #expect(try await setup.contexts(patient: Self.sita).isEmpty)
        }
    }

    @Test("Given candidates, when matched, then only her ABHA alone, or one strong demographic match on a verified mobile, finds her",
          arguments: [
            ([("a", true)], "Sita Devi", "found a"),
            ([("a", true), ("b", true)], "Sita Devi", "not found"),
            ([("a", false)], "Sita Devi", "found a"),
            ([("a", false)], "Gita Rani", "not found"),
            ([("a", false), ("b", false)], "Sita Devi", "not found"),
          ])
    func matchRules(_ people: [(String, Bool)], _ name: String, _ expected: String) {
        let candidates = people.map { DiscoveryCandidate(patientID: $0.0, name: "Sita Devi", sex: "female", birthDate: "1981-03-10",
                                                         mobile: "9845012345", byAbha: $0.1) }
        let match = DiscoveryMatch.decide(candidates, name: name, gender: "F", yearOfBirth: 1982, verifiedMobiles: ["9845012345"])
        switch match {
        case .found(let id, _): #expect(expected == "found \(id)")
        case .notFound: #expect(expected == "not found")
        }
    }
}

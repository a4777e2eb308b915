import ArogyaABDMSimulator
import ArogyaCore
@testable import ArogyaHub
import Foundation
import HummingbirdTesting
import Testing

@Suite("Consent and health information at the HIP")
struct HipDataFlowTests {
    typealias R = HipRecords

    static let lakshmi = R.id(1)
    static func time(_ text: String) -> Timestamp { Timestamp(iso8601: text)! }
    static let longAgo = time("2026-01-01T00:00:00.000Z")
    static let farOff = time("2027-12-31T00:00:00.000Z")

    /// Lakshmi's three visits (1, 15 and 23 November), uploaded and linked.
    static func linkedVisits(_ setup: HipSetup, _ hub: any TestClientProtocol) async throws {
        _ = try await HubAPITests.push(hub, setup.token, [
            R.patient(lakshmi, name: "Lakshmi Bai", abhaAddress: "lakshmi.bai@sbx"),
            R.screening(R.id(11), patient: lakshmi, on: "2026-11-01"), R.screening(R.id(12), patient: lakshmi, on: "2026-11-15"),
            R.screening(R.id(13), patient: lakshmi, on: "2026-11-23"),
        ])
        #expect(try await setup.passUntil { let all = try await setup.contexts(); return all.count == 3 && all.allSatisfy { $0.state == .linked } })
    }

    static func grant(_ setup: HipSetup, _ ids: [String], patient: String = lakshmi, hiTypes: [String] = ["WellnessRecord"]) async throws -> String {
        let (consent, status) = await setup.simulator.grantConsent(hipID: HipSetup.facility, patientAddress: "lakshmi.bai@sbx",
                                                                   careContexts: ids.map { (patient, $0) }, hiTypes: hiTypes, from: longAgo,
                                                                   to: farOff, eraseAt: farOff)
        #expect(status == 202)
        #expect(try await until { await setup.simulator.acknowledgedConsents().contains(consent) })
        return consent
    }

    /// Waits for the transfer's final notification at the gateway.
    static func finished(_ setup: HipSetup, _ transaction: String, seconds: Double = 20) async throws -> SimulatedTransfer {
        #expect(try await until(seconds: seconds) { await setup.simulator.transfer(transaction)?.notification != nil })
        return try #require(await setup.simulator.transfer(transaction))
    }

    static func until(seconds: Double = 10, _ done: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await done() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    static func statuses(_ transfer: SimulatedTransfer) -> [String: String] {
        guard case .array(let items)? = transfer.notification?["notification"]?["statusNotification"]?["statusResponses"] else { return [:] }
        var result: [String: String] = [:]
        for item in items {
            if case .string(let reference)? = item["careContextReference"], case .string(let status)? = item["hiStatus"] { result[reference] = status }
        }
        return result
    }

    @Test("Given a consent over two of her three visits, when the HIU asks for them, then it is acknowledged, both documents arrive encrypted for it, decrypt to her WellnessRecord documents with matching MD5s, and ABDM is told TRANSFERRED",
          arguments: HubStoreKind.tested)
    func wholeTransfer(_ kind: HubStoreKind) async throws {
        try await HipSetup.with(kind) { setup, hub in
            try await Self.linkedVisits(setup, hub)
            let consent = try await Self.grant(setup, [R.id(11), R.id(12)])
            let stored = try #require(try await setup.storage.consent(consent))
            #expect(stored.status == .granted && stored.careContexts.count == 2 && stored.patientAddress == "lakshmi.bai@sbx")
            let (transaction, status) = try await setup.simulator.requestHealthInformation(consentID: consent, hipID: HipSetup.facility,
                                                                                           from: Self.longAgo, to: Self.farOff)
            #expect(status == 202)
            let transfer = try await Self.finished(setup, transaction)
            #expect(transfer.acknowledgement?["hiRequest"]?["sessionStatus"] == .string("ACKNOWLEDGED"))
            #expect(transfer.damaged.isEmpty)
            #expect(Set(transfer.documents.keys) == [R.id(11), R.id(12)])
            for (reference, text) in transfer.documents {
                let bundle = try JSONParser.parse(text)
                #expect(bundle["resourceType"] == .string("Bundle") && bundle["type"] == .string("document"))
                let expected = try await FHIRDocumentSource(storage: setup.storage, facility: HipSetup.facility).screeningBundle(screeningID: reference)
                #expect(bundle["identifier"] == expected["identifier"])
                guard case .array(let entries)? = bundle["entry"] else { Issue.record("no entries"); continue }
                #expect(entries.first?["resource"]?["resourceType"] == .string("Composition"))
            }
            #expect(transfer.notification?["notification"]?["statusNotification"]?["sessionStatus"] == .string("TRANSFERRED"))
            #expect(Self.statuses(transfer) == [R.id(11): "DELIVERED", R.id(12): "DELIVERED"])
            let kept = try await setup.storage.transfers(consent: consent)
            #expect(kept.count == 1 && kept.first?.status == .transferred && kept.first?.delivered == 2)
            // The same request again (a replay of its transaction) is not served twice.
            #expect(try await setup.storage.startTransfer(DataTransfer(transactionID: transaction, consentID: consent, facility: HipSetup.facility,
                                                                          status: .started, delivered: 0, errored: 0, requestedAt: WallClock.system.now())) == false)
        }
    }

    @Test("Given a request for part of the consent's dates, when served, then only the visits in both ranges are sent")
    func datesNarrowed() async throws {
        try await HipSetup.with(.sqlite) { setup, hub in
            try await Self.linkedVisits(setup, hub)
            let consent = try await Self.grant(setup, [R.id(11), R.id(12), R.id(13)])
            let (transaction, _) = try await setup.simulator.requestHealthInformation(
                consentID: consent, hipID: HipSetup.facility, from: Self.time("2026-11-10T00:00:00.000Z"), to: Self.time("2026-11-20T00:00:00.000Z"))
            let transfer = try await Self.finished(setup, transaction)
            #expect(Array(transfer.documents.keys) == [R.id(12)])
        }
    }

    @Test("Given a revoked consent, when the HIU asks under it, then the request is refused at once and nothing is sent",
          arguments: HubStoreKind.tested)
    func revokedNeverServed(_ kind: HubStoreKind) async throws {
        try await HipSetup.with(kind) { setup, hub in
            try await Self.linkedVisits(setup, hub)
            let consent = try await Self.grant(setup, [R.id(11)])
            #expect(await setup.simulator.endConsent(consent, hipID: HipSetup.facility) == 202)
            #expect(try await Self.until { try await setup.storage.consent(consent)?.status == .revoked })
            let (transaction, _) = try await setup.simulator.requestHealthInformation(consentID: consent, hipID: HipSetup.facility,
                                                                                      from: Self.longAgo, to: Self.farOff)
            #expect(try await Self.until { await setup.simulator.transfer(transaction)?.acknowledgement != nil })
            let transfer = try #require(await setup.simulator.transfer(transaction))
            #expect(transfer.acknowledgement?["hiRequest"]?["sessionStatus"] == .string("ERRORED"))
            #expect(transfer.acknowledgement?["error"]?["message"] == .string("consent \(consent) is REVOKED"))
            try await Task.sleep(for: .milliseconds(300))
            #expect(await setup.simulator.transfer(transaction)?.pages.isEmpty == true)
            #expect(try await setup.storage.transfers(consent: consent).isEmpty)
        }
    }

    @Test("Given an HIU that refuses the second page every time, when three pages are pushed, then the first is delivered, the rest are ERRORED with why, and ABDM is told FAILED")
    func pushFailsHalfway() async throws {
        var settings = HipSetup.fast()
        settings.entriesPerPage = 1
        try await HipSetup.with(.sqlite, settings: settings) { setup, hub in
            try await Self.linkedVisits(setup, hub)
            let consent = try await Self.grant(setup, [R.id(11), R.id(12), R.id(13)])
            await setup.simulator.setPushFault(SimulatedPushFault(page: 2, times: 100))
            let (transaction, _) = try await setup.simulator.requestHealthInformation(consentID: consent, hipID: HipSetup.facility,
                                                                                      from: Self.longAgo, to: Self.farOff)
            let transfer = try await Self.finished(setup, transaction)
            #expect(transfer.pages.map(\.number) == [1])
            #expect(Self.statuses(transfer) == [R.id(11): "DELIVERED", R.id(12): "ERRORED", R.id(13): "ERRORED"])
            #expect(transfer.notification?["notification"]?["statusNotification"]?["sessionStatus"] == .string("FAILED"))
            let kept = try #require(try await setup.storage.transfers(consent: consent).first)
            #expect(kept.status == .failed && kept.delivered == 1 && kept.errored == 2)
            #expect(kept.reason?.hasPrefix("page 2 of 3 not delivered: the HIU answered") == true)
        }
    }

    @Test("Given a consent revoked while its first page is being retried, when the transfer goes on, then no later page leaves")
    func revokedDuringTransfer() async throws {
        var settings = HipSetup.fast()
        settings.entriesPerPage = 1
        settings.pushRetrySeconds = 0.4
        try await HipSetup.with(.sqlite, settings: settings) { setup, hub in
            try await Self.linkedVisits(setup, hub)
            let consent = try await Self.grant(setup, [R.id(11), R.id(12)])
            await setup.simulator.setPushFault(SimulatedPushFault(page: 1, times: 1))
            let (transaction, _) = try await setup.simulator.requestHealthInformation(consentID: consent, hipID: HipSetup.facility,
                                                                                      from: Self.longAgo, to: Self.farOff)
            // Revoked while the first page waits to be tried again.
            #expect(try await Self.until { await setup.simulator.refusedPushes() == 1 })
            #expect(await setup.simulator.endConsent(consent, hipID: HipSetup.facility) == 202)
            let transfer = try await Self.finished(setup, transaction)
            #expect(transfer.pages.map(\.number) == [1])
            #expect(Self.statuses(transfer) == [R.id(11): "DELIVERED", R.id(12): "ERRORED"])
            let kept = try #require(try await setup.storage.transfers(consent: consent).first)
            #expect(kept.reason == "consent revoked during the transfer")
        }
    }

    @Test("Given a consent naming another patient's visit, when served, then that care context is ERRORED and hers are delivered")
    func othersVisitRefused() async throws {
        try await HipSetup.with(.sqlite) { setup, hub in
            try await Self.linkedVisits(setup, hub)
            _ = try await HubAPITests.push(hub, setup.token, [R.patient(R.id(2), name: "Gopal Bai", abhaAddress: "gopal.bai@sbx"),
                                                              R.screening(R.id(21), patient: R.id(2), on: "2026-11-20")])
            let consent = try await Self.grant(setup, [R.id(11), R.id(21)])
            let (transaction, _) = try await setup.simulator.requestHealthInformation(consentID: consent, hipID: HipSetup.facility,
                                                                                      from: Self.longAgo, to: Self.farOff)
            let transfer = try await Self.finished(setup, transaction)
            #expect(Array(transfer.documents.keys) == [R.id(11)])
            #expect(Self.statuses(transfer) == [R.id(11): "DELIVERED", R.id(21): "ERRORED"])
        }
    }
}

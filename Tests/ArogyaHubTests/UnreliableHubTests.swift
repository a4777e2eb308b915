import ArogyaCore
import ArogyaHub
@testable import ArogyaStore
import ArogyaSync
import ArogyaTesting
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

/// A real terminal store and client against a live hub (a real socket) that fails on purpose: answers
/// 500 before or after it has applied a batch, and answers too slowly for the client's timeout.
@Suite("Sync against an unreliable hub")
struct UnreliableHubTests {
    /// What the hub does with the n-th request: a fixed cycle, so the test fails the same way every time.
    final class FaultPlan: @unchecked Sendable {
        enum Fault { case none, failBefore, failAfter, tooSlow }
        private let lock = NSLock()
        private var count = 0
        private(set) var seen: [Fault] = []
        let cycle: [Fault] = [.failBefore, .none, .failAfter, .none, .tooSlow, .none, .none]

        func next() -> Fault {
            lock.withLock {
                let fault = cycle[count % cycle.count]
                count += 1
                seen.append(fault)
                return fault
            }
        }
        var faults: [Fault] { lock.withLock { seen } }
    }

    /// The hub's own responder, with the plan's faults in front of it.
    struct UnreliableResponder<Base: HTTPResponder>: HTTPResponder {
        typealias Context = Base.Context
        let base: Base
        let plan: FaultPlan
        let slowness: Duration

        func respond(to request: Request, context: Context) async throws -> Response {
            switch plan.next() {
            case .none:
                return try await base.respond(to: request, context: context)
            case .failBefore:
                return Response(status: .internalServerError)
            case .failAfter:
                // The hub did the work; the terminal hears only that it failed.
                _ = try await base.respond(to: request, context: context)
                return Response(status: .internalServerError)
            case .tooSlow:
                let response = try await base.respond(to: request, context: context)
                try await Task.sleep(for: slowness)
                return response
            }
        }
    }

    @Test("Given a hub that answers 500 before and after applying batches and sometimes too slowly, when a terminal syncs, then every record reaches it exactly once and the terminal's queue is empty", arguments: HubStoreKind.tested)
    func survivesFailuresAndSlowness(_ kind: HubStoreKind) async throws {
        try await withHubStore(kind, clock: .system) { hub in
            try await hub.addFacility(id: "IN0001", name: "AAM Rampur")
            let token = try await hub.addDevice(facility: "IN0001", label: "terminal").token
            let plan = FaultPlan()
            let router = HubRoutes.router(storage: hub)
            let app = Application(responder: UnreliableResponder(base: router.buildResponder(), plan: plan, slowness: .milliseconds(1500)),
                                  configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)))

            let store = try Fixtures.setUpStore(clock: .system)
            let today = CivilDate(year: 2026, month: 11, day: 22)!
            for index in 0..<40 {
                _ = try store.registerPatient(PatientDetails(name: "Devi " + String(repeating: "a", count: index + 2), sex: .female,
                                                             birthDate: CivilDate(year: 1950 + index, month: 1, day: 1)!, birthDateEstimated: false,
                                                             consent: Consent(given: true, method: .verbal, date: today)),
                                              confirmedNew: true, today: today, by: .account("asha"))
            }
            let waiting = try store.syncStatus().pending

            try await app.test(.live) { client in
                let port = try #require(client.port)
                let hubClient = HubClient(baseURL: URL(string: "http://127.0.0.1:\(port)")!, token: token, timeout: 1)
                let engine = SyncEngine(store: store, client: hubClient, vocabulary: Fixtures.vocabulary, retry: RetryPolicy(attempts: 10, baseDelay: 0.01, maximumDelay: 0.05),
                                        batchSize: 5, pageSize: 5)
                let report = try await engine.run()
                #expect(report.failure == nil)
                #expect(report.exitCode == 0)
                #expect(report.pushed.accepted + report.pushed.identical == waiting)
            }
            let faults = plan.faults
            #expect(faults.contains(.failBefore) && faults.contains(.failAfter) && faults.contains(.tooSlow))
            #expect(try store.syncStatus().pending == 0)
            let stats = try await hub.stats()
            #expect(stats.counts.reduce(0) { $0 + $1.records } == waiting)
            #expect(try await hub.versionCount() == waiting, "a resend was stored twice")
        }
    }

    @Test("Given the retry policy, when tries fail, then the waits double from 0.25 s up to 8 s with jitter, and a refusal is never tried again")
    func retryPolicy() async throws {
        let policy = RetryPolicy()
        #expect(policy.delay(before: 1, random: 0) == 0.125)
        #expect(policy.delay(before: 1, random: 1) == 0.25)
        #expect(policy.delay(before: 3, random: 1) == 1.0)
        #expect(policy.delay(before: 10, random: 1) == 8.0)
        #expect(policy.delay(before: 10, random: 0) == 4.0)

        final class Tries: @unchecked Sendable { var count = 0 }
        let fast = RetryPolicy(attempts: 4, baseDelay: 0.001, maximumDelay: 0.002)
        let refused = Tries()
        await #expect(throws: HubClient.Failure.status(401, "no")) {
            try await fast.run { () async throws(HubClient.Failure) -> Int in refused.count += 1; throw .status(401, "no") }
        }
        #expect(refused.count == 1)
        let down = Tries()
        await #expect(throws: HubClient.Failure.unreachable("down")) {
            try await fast.run { () async throws(HubClient.Failure) -> Int in down.count += 1; throw .unreachable("down") }
        }
        #expect(down.count == 4)
    }
}

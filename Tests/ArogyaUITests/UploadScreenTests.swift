@testable import ArogyaUI
import ArogyaCore
import ArogyaStore
import ArogyaSync
import ArogyaTesting
import Foundation
import Testing

/// The Upload screen and the background sync, without a hub: what the store says was refused or in
/// conflict, a hub that is not there, and the timer. A live hub is driven in the end-to-end tests.
@Suite("Upload screen")
@MainActor
struct UploadScreenTests {
    /// A coordinator whose hub is not connected, counting how often a client was asked for.
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func increment() { lock.withLock { value += 1 } }
        var count: Int { lock.withLock { value } }
    }

    static func register(_ name: String, in store: AppDatabase) throws -> Patient {
        let today = CivilDate(year: 2026, month: 11, day: 22)!
        guard case .registered(let patient) = try store.registerPatient(
            PatientDetails(name: name, sex: .female, birthDate: CivilDate(year: 1976, month: 3, day: 10)!, birthDateEstimated: false,
                           consent: Consent(given: true, method: .verbal, date: today)),
            confirmedNew: true, today: today, by: .account("asha")) else {
            throw UserMessage(.errorNotSetUp)
        }
        return patient
    }

    func openUpload(_ store: AppDatabase, sync: SyncCoordinator?, interval: Int = 0) async throws -> AppHarness {
        let harness = try AppHarness(store: store, sync: sync, syncIntervalMinutes: interval)
        await harness.start()
        await harness.type(Fixtures.supervisorPin)
        await harness.press(.enter)
        await harness.press(.char("3"))
        #expect(harness.topScreenName == "UploadScreen")
        return harness
    }

    @Test("Given records the hub refused and one in conflict, and a clock 9 minutes behind the hub's at the last sync, when Upload opens, then it lists them with the hub's reasons and warns about the clock")
    func problemsAndClock() async throws {
        let store = try Fixtures.setUpStore()
        let sunita = try Self.register("Sunita Devi", in: store)
        let kamla = try Self.register("Kamla Yadav", in: store)
        let batch = try store.nextUploadBatch()
        let results = batch.records.map { record -> SyncWire.Result in
            switch record.id {
            case sunita.id: return SyncWire.Result(type: record.type.rawValue, id: record.id, status: .rejected, hubVersion: nil,
                                                   reason: "payload.birth_date: expected a date such as 1980-01-31")
            case kamla.id: return SyncWire.Result(type: record.type.rawValue, id: record.id, status: .conflict, hubVersion: 2)
            default: return SyncWire.Result(type: record.type.rawValue, id: record.id, status: .accepted, hubVersion: 1)
            }
        }
        let hubTime = Fixtures.now.adding(seconds: 9 * 60)
        _ = try store.recordPushResults(SyncWire.PushResponse(serverTime: hubTime, results: results), for: batch.records)
        let run = try store.startSyncRun()
        try store.finishSyncRun(run, outcome: "rejections", pushed: batch.records.count, pulled: 0, serverTime: hubTime, message: nil)

        let sync = SyncCoordinator(store: store, vocabulary: Fixtures.vocabulary, clock: .fixed(Fixtures.now)) { .failure(.notConnected) }
        let harness = try await openUpload(store, sync: sync)
        let screen = harness.screen
        #expect(screen.contains("Refused by the hub: 1    In conflict: 1"))
        #expect(screen.contains("> refused   patient    Sunita Devi"))
        #expect(screen.contains("conflict  patient    Kamla Yadav"))
        #expect(screen.contains("payload.birth_date: expected a date such as 1980-01-31"))
        #expect(screen.contains("This terminal's clock is 9 min behind the hub's."))
        #expect(screen.contains("No hub yet: connect this terminal"))
        assertSnapshot(screen, named: "upload-problems")

        // Enter opens the patient the refused record is about, to fix it.
        await harness.press(.enter)
        #expect(harness.topScreenName == "PatientCardScreen")
        #expect(harness.screen.contains("Sunita Devi"))
        await harness.press(.escape)

        // The conflict cannot be sent again: only refusals can.
        await harness.press(.down)
        await harness.press(.char("r"))
        #expect(harness.screen.contains("Choose a refused record to send again"))
    }

    @Test("Given a hub that does not answer, when she presses u, then the screen says the sync stopped, nothing is lost, and the hub is shown unreachable")
    func hubDown() async throws {
        let store = try Fixtures.setUpStore()
        _ = try Self.register("Sunita Devi", in: store)
        let waiting = try store.syncStatus().pending
        let client = HubClient(baseURL: URL(string: "http://127.0.0.1:9")!, token: "abcdefghijklmnopqrstuvwxyz012345", timeout: 2)
        let sync = SyncCoordinator(store: store, vocabulary: Fixtures.vocabulary, clock: .fixed(Fixtures.now), retry: RetryPolicy(attempts: 1)) { .success(client) }
        let harness = try await openUpload(store, sync: sync)
        #expect(harness.screen.contains("not reachable at 09:30"))

        await harness.press(.char("u"))
        #expect(harness.screen.contains("! Sync stopped (nothing is lost; it goes next time): the hub could not be"))
        #expect(harness.screen.contains("Waiting         \(waiting) waiting:"))
        #expect(try store.syncStatus().pending == waiting)
        #expect(try store.syncStatus().lastFailure != nil)
        // Every screen's status line says so, with one count of what waits.
        await harness.press(.escape)
        #expect(harness.topScreenName == "HomeScreen")
        #expect(harness.screen.contains(" Priya Sharma · \(waiting) waiting · sync failed 09:30: hub unreachable"), "\(harness.screen)")
    }

    @Test("Given background sync every 5 minutes, when the program has been open 20 s and then 5 min more, then it syncs once and then again, while the worker keeps typing")
    func backgroundTimer() async throws {
        let store = try Fixtures.setUpStore()
        let asked = Counter()
        let sync = SyncCoordinator(store: store, vocabulary: Fixtures.vocabulary, clock: .fixed(Fixtures.now)) {
            asked.increment()
            return .failure(.notConnected)
        }
        let harness = try AppHarness(store: store, sync: sync, syncIntervalMinutes: 5)
        await harness.start()
        await harness.wait(seconds: 10)
        #expect(sync.snapshot.finishedRuns == 0)
        await harness.wait(seconds: 11)
        #expect(sync.snapshot.finishedRuns == 1)
        #expect(sync.snapshot.hub == .notConnected(.notConnected))
        // Typing goes on as ever: the sync is a job like any other, never a wait on this thread.
        await harness.type(Fixtures.supervisorPin)
        await harness.press(.enter)
        #expect(harness.topScreenName == "HomeScreen")
        await harness.wait(seconds: 60)
        #expect(sync.snapshot.finishedRuns == 1)
        await harness.wait(seconds: 240)
        #expect(sync.snapshot.finishedRuns == 2)
        #expect(asked.count == 2)
        // The Upload screen says it happens by itself.
        await harness.press(.char("3"))
        #expect(harness.screen.contains("Automatic       every 5 min while Arogya is open"))
    }

    @Test("Given background sync turned off, when an hour passes, then it never syncs by itself")
    func backgroundOff() async throws {
        let store = try Fixtures.setUpStore()
        let sync = SyncCoordinator(store: store, vocabulary: Fixtures.vocabulary, clock: .fixed(Fixtures.now)) { .failure(.notConnected) }
        let harness = try AppHarness(store: store, sync: sync, syncIntervalMinutes: 0)
        await harness.start()
        await harness.wait(seconds: 3600)
        #expect(sync.snapshot.finishedRuns == 0)
    }

    @Test("Given a sync running, when the status line is drawn, then it says how far the sync has gone instead of what waits")
    func statusLineWhileSyncing() {
        var canvas = Canvas(size: .minimum, glyphs: .unicode)
        ChromeView.renderStatusLine(facility: "AAM Rampur", account: nil, pendingUploads: 300,
                                    syncing: SyncEngine.Progress(sent: 120, total: 300, pulled: 0),
                                    time: Fixtures.utcLocalTime(Fixtures.now), strings: Fixtures.strings, into: &canvas, row: 23)
        #expect(canvas.text.contains("AAM Rampur · Nobody signed in · syncing: 120 of 300 sent"))
        ChromeView.renderStatusLine(facility: "AAM Rampur", account: nil, pendingUploads: 300, syncing: nil,
                                    time: Fixtures.utcLocalTime(Fixtures.now), strings: Fixtures.strings, into: &canvas, row: 23)
        #expect(canvas.text.contains("AAM Rampur · Nobody signed in · 300 waiting for upload"))
    }
}

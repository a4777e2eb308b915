@testable import ArogyaStore
import ArogyaCore
import ArogyaTesting
import GRDB
import Testing

@Suite("First-run setup and facility")
struct SetupAndFacilityTests {
    @Test("Given a new database, when set up, then facility, villages, supervisor, audit and outbox rows are written together")
    func setup() throws {
        let store = try AppDatabase.inMemory(clock: .fixed(Fixtures.now))
        let (facility, supervisor) = try store.completeSetup(Fixtures.standardSetup, by: .commandLine(unixUser: "admin"))
        #expect(facility.name == "AAM Rampur")
        #expect(facility.state == .UP)
        #expect(facility.villages.map(\.name) == ["Rampur", "Sitapur", "Ward 4"])
        #expect(supervisor.role == .supervisor && !supervisor.mustChangePin)
        #expect(supervisor.createdAt == Fixtures.now && supervisor.version == 1)
        let audit = try store.recentAudit()
        #expect(Set(audit.map(\.action)) == ["facility.setup", "facility.villages", "account.create"])
        #expect(audit.allSatisfy { $0.actor == "cli:admin" && $0.at == Fixtures.now })
        #expect(try store.pendingUploadCountsByType() == ["facility": 1, "account": 1])
        #expect(try store.isSetUp())
        #expect(try store.idleLockMinutes() == 10)
    }

    @Test("Given a set-up database, when set up again, then it is refused and nothing changes")
    func setupTwice() throws {
        let store = try Fixtures.setUpStore()
        let auditBefore = try store.recentAudit().count
        #expect(throws: StoreError.refused(UserMessage(.errorAlreadySetUp))) {
            try store.completeSetup(Fixtures.standardSetup, by: .system)
        }
        #expect(try store.recentAudit().count == auditBefore)
    }

    @Test("Given a setup whose account breaks a rule of the schema, when saved, then nothing at all is saved")
    func atomicSetup() throws {
        let store = try AppDatabase.inMemory()
        let broken = FacilitySetup(facilityName: "AAM Rampur", hfrId: nil, state: nil, villages: ["Rampur"],
                                   supervisor: NewAccount(username: "UPPER", fullName: "X", role: .supervisor, pin: "4826"))
        #expect(throws: StoreError.self) { try store.completeSetup(broken, by: .system) }
        #expect(try store.isSetUp() == false)
        #expect(try store.recentAudit().isEmpty)
        #expect(try store.pendingUploadCount() == 0)
        let villages = try store.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM village") }
        #expect(villages == 0)
    }

    @Test("Given the settings form, when saved, then only what changed is written, and removed villages keep their ids")
    func updateFacility() throws {
        let store = try Fixtures.setUpStore()
        let before = try #require(try store.facility())
        let rampurId = before.villages[0].id
        let auditBefore = try store.recentAudit().count
        // Nothing changed: nothing written.
        try store.updateFacility(FacilityDetails(name: before.name, hfrId: before.hfrId, state: before.state,
                                                 villages: before.villages.map(\.name), idleLockMinutes: 10), by: .account("priya"))
        #expect(try store.recentAudit().count == auditBefore)
        // Rampur removed, a new village added, name and idle lock changed.
        let updated = try store.updateFacility(FacilityDetails(name: "AAM Rampur Kalan", hfrId: before.hfrId, state: .UP,
                                                               villages: ["Sitapur", "Ward 4", "नया गाँव"], idleLockMinutes: 5),
                                               by: .account("priya"))
        #expect(updated.name == "AAM Rampur Kalan" && updated.version == 2)
        #expect(updated.villages.map(\.name) == ["Sitapur", "Ward 4", "नया गाँव"])
        #expect(try store.idleLockMinutes() == 5)
        // Rampur listed again comes back with its old id.
        let restored = try store.updateFacility(FacilityDetails(name: updated.name, hfrId: updated.hfrId, state: .UP,
                                                                villages: ["Rampur", "Sitapur"], idleLockMinutes: 5), by: .account("priya"))
        #expect(restored.villages.first?.id == rampurId)
        // Changed twice since setup and never synced: the facility waits once, at its newest version.
        #expect(try store.pendingUploadCountsByType()["facility"] == 1)
        #expect(try store.waitingVersions("facility").values.first == [restored.version])
    }

    @Test("Given a worker, when she changes facility settings, then the store refuses")
    func settingsNeedSupervisor() throws {
        let store = try Fixtures.setUpStore()
        let facility = try #require(try store.facility())
        #expect(throws: StoreError.refused(UserMessage(.errorSupervisorOnly))) {
            try store.updateFacility(FacilityDetails(name: "X", hfrId: nil, state: nil, villages: [], idleLockMinutes: 10),
                                     by: .account("asha"))
        }
        #expect(try store.facility() == facility)
    }
}

@Suite("Audit log")
struct AuditLogTests {
    @Test("Given a series of writes, when the chain is checked, then it is intact; after an edit, the edited row is named")
    func chain() throws {
        let store = try Fixtures.setUpStore()
        #expect(try store.firstBrokenAuditRow() == nil)
        try store.writer.write { db in try db.execute(sql: "UPDATE audit_log SET actor = 'mallory' WHERE id = 3") }
        #expect(try store.firstBrokenAuditRow() == 3)
    }

    @Test("Given a deleted row, when the chain is checked, then the break is found at the next row")
    func deletion() throws {
        let store = try Fixtures.setUpStore()
        try store.writer.write { db in try db.execute(sql: "DELETE FROM audit_log WHERE id = 2") }
        #expect(try store.firstBrokenAuditRow() == 3)
    }

    @Test("Given writes, when the newest record time is asked, then it is the latest audit time")
    func newest() throws {
        let clock = Fixtures.SteppedClock()
        let store = try Fixtures.setUpStore(clock: clock.wallClock)
        clock.advance(seconds: 3600)
        _ = try store.attemptLogin(username: "priya", pin: Fixtures.supervisorPin)
        #expect(try store.newestRecordTime() == Fixtures.now.adding(seconds: 3600))
    }
}

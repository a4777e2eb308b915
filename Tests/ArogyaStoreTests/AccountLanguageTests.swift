@testable import ArogyaStore
import ArogyaCore
import ArogyaTesting
import GRDB
import Testing

@Suite("Account languages")
struct AccountLanguageTests {
    @Test("Given a facility set up in Hindi, when read, then the facility's default and its first supervisor's language are Hindi")
    func setupInHindi() throws {
        let store = try AppDatabase.inMemory(clock: .fixed(Fixtures.now))
        let standard = Fixtures.standardSetup
        try store.completeSetup(FacilitySetup(facilityName: standard.facilityName, hfrId: nil, state: .BR, villages: ["Rampur"],
                                              supervisor: NewAccount(username: "priya", fullName: "प्रिया", role: .supervisor,
                                                                     pin: Fixtures.supervisorPin, language: .hindi),
                                              language: .hindi), by: .account("priya"))
        #expect(try store.defaultLanguage() == .hindi)
        #expect(try store.account(username: "priya")?.language == .hindi)
    }

    @Test("Given a worker, when she keeps Hindi for herself, then her account is a new version, audited and queued with its language; the same language again changes nothing")
    func ownChoice() throws {
        let store = try Fixtures.setUpStore()
        let before = try #require(try store.account(username: "asha"))
        #expect(before.language == .english)
        let after = try store.setAccountLanguage(username: "asha", language: .hindi, by: .account("asha"))
        #expect(after.language == .hindi && after.version == before.version + 1)
        let audit = try #require(try store.recentAudit(limit: 1).first)
        #expect(audit.action == "account.language" && audit.actor == "asha" && audit.detail?.contains("\"to\":\"hi\"") == true)
        let payload = try store.writer.read { db in try SyncPayloads.current(type: .account, id: after.id, in: db) }
        #expect(payload?.payload["language"] == .string("hi"))
        #expect(payload?.version == after.version)
        let again = try store.setAccountLanguage(username: "asha", language: .hindi, by: .account("asha"))
        #expect(again.version == after.version)
    }

    @Test("Given a worker, when she sets another's language, then only a supervisor may")
    func othersNeedASupervisor() throws {
        let store = try Fixtures.setUpStore()
        #expect(throws: StoreError.refused(UserMessage(.errorSupervisorOnly))) {
            try store.setAccountLanguage(username: "priya", language: .hindi, by: .account("asha"))
        }
        #expect(try store.setAccountLanguage(username: "asha", language: .hindi, by: .account("priya")).language == .hindi)
    }

    @Test("Given Settings, when the default language is saved, then it is stored and audited once")
    func facilityDefault() throws {
        let store = try Fixtures.setUpStore()
        let facility = try #require(try store.facility())
        let details = FacilityDetails(name: facility.name, hfrId: facility.hfrId, state: facility.state, villages: facility.villages.map(\.name),
                                      idleLockMinutes: 10, defaultLanguage: .hindi)
        try store.updateFacility(details, by: .account("priya"))
        try store.updateFacility(details, by: .account("priya"))
        #expect(try store.defaultLanguage() == .hindi)
        let changes = try store.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_log WHERE action = 'setting.update' AND record_id = 'default_language'")
        }
        #expect(changes == 1)
    }

    @Test("Given account records from outside, when checked by the record rules, then a language code is kept and anything else refused", arguments: [
        ("hi", true), ("en", true), ("HI", true), ("Hindi", false), ("h", false), ("हि", false),
    ])
    func recordRules(code: String, accepted: Bool) {
        let rules = Fixtures.vocabulary.rules(today: CivilDate(year: 2026, month: 11, day: 22)!)
        let payload = JSONValue.object([("username", .string("asha")), ("full_name", .string("Asha")), ("role", .string("worker")),
                                        ("language", .string(code)), ("active", .bool(true)),
                                        ("created_at", .string("2026-11-22T09:30:00.000Z")), ("updated_at", .string("2026-11-22T09:30:00.000Z"))])
        do {
            let clean = try rules.check(type: .account, id: "a1", payload: payload)
            #expect(accepted, "\(code) was accepted")
            #expect(clean["language"] == .string(code.lowercased()))
        } catch {
            #expect(!accepted, "\(code) was refused: \(error)")
        }
    }
}

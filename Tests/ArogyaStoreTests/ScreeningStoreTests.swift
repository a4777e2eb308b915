@testable import ArogyaStore
import Foundation
import ArogyaCore
import ArogyaTesting
import GRDB
import Testing

@Suite("Screenings, referrals and the due list in the store")
struct ScreeningStoreTests {
    let rules = Fixtures.nationalProtocol
    let text = ScreeningReasonText(strings: Fixtures.strings, protocol: Fixtures.nationalProtocol)
    let today = CivilDate(year: 2026, month: 11, day: 22)!

    func register(_ store: AppDatabase, _ name: String, sex: Sex = .female, born: String = "1976-03-10",
                  village: String = "Rampur") throws -> Patient {
        let details = PatientDetails(name: name, nameAlt: nil, sex: sex, birthDate: CivilDate(iso8601: born)!, birthDateEstimated: false,
                                     mobile: nil, village: village, household: nil, abhaNumber: nil, abhaAddress: nil, mrn: nil,
                                     consent: Consent(given: true, method: .verbal, date: today))
        guard case .registered(let patient) = try store.registerPatient(details, confirmedNew: true, today: today, by: .account("asha")) else {
            throw StoreError.refused(UserMessage(.errorUnknownPatient, ["id": name]))
        }
        return patient
    }

    func screen(_ store: AppDatabase, _ patient: Patient, _ json: String, on day: CivilDate? = nil,
                kind: ScreeningVisit.Kind = .screening) throws -> SavedScreening {
        let input = try ScreeningInput.read(JSONField(try JSONParser.parse(json)), protocol: rules)
        return try store.recordScreening(ScreeningVisit(patientId: patient.id, kind: kind, day: day ?? today, input: input),
                                         reasonText: text, by: .account("asha"))
    }

    /// Everything but BP, sugar, and the exams the age and sex call for: a complete, normal screening.
    static let normalWoman = #"{"sex": "female", "age": 50, "bp": [[124, 80], [122, 78]], "glucose": {"type": "random", "mg_dl": 110}, "oral": "normal", "breast": "normal", "via": "negative"}"#

    @Test("Given a screening with raised BP and sugar, when saved, then readings, decisions, referrals, audit and outbox are written together")
    func saving() throws {
        let store = try Fixtures.setUpStore()
        let sita = try register(store, "Sita Devi")
        let saved = try screen(store, sita, #"{"sex": "female", "age": 50, "bp": [[150, 96], [154, 96]], "glucose": {"type": "random", "mg_dl": 212}, "symptoms": ["breast_lump"]}"#)
        #expect(saved.summary.bloodPressure == PressurePair(152, 96))
        #expect(saved.summary.protocolID == "national" && saved.summary.protocolVersion == "2023.1")
        #expect(saved.summary.reasons.first == "Mean BP 152/96 ≥ 140/90: refer to the Medical Officer at the PHC for confirmation")
        #expect(saved.referrals.map(\.place) == ["mo_phc", "chc_ncd"])
        #expect(saved.referrals[0].topics == ["hypertension", "diabetes"])
        #expect(saved.referrals[1].reasons == ["Lump in the breast: refer to the NCD clinic at the CHC"])
        let counts = try store.pendingUploadCountsByType()
        #expect(counts["screening"] == 1 && counts["referral"] == 2)
        let audit = try store.recentAudit(limit: 3)
        #expect(audit.map(\.action) == ["screening.record", "screening.record", "screening.record"])
        #expect(audit.allSatisfy { $0.actor == "asha" })
        let stored = try store.screenings(patientId: sita.id)
        #expect(stored.map(\.id) == [saved.summary.id])
        #expect(stored[0].followUpOn == today.adding(days: 7))
    }

    @Test("Given a patient that does not exist, when a screening is saved for her, then nothing at all is written")
    func atomic() throws {
        let store = try Fixtures.setUpStore()
        let before = try store.pendingUploadCount()
        let input = ScreeningInput(sex: .female, age: 40, bloodPressure: [PressurePair(190, 120)])
        #expect(throws: StoreError.self) {
            try store.recordScreening(ScreeningVisit(patientId: "nobody", kind: .screening, day: today, input: input), reasonText: text, by: .account("asha"))
        }
        #expect(try store.pendingUploadCount() == before)
        #expect(try store.recentAudit(limit: 1).first?.action != "screening.record")
    }

    @Test("Given people of 45 and 25, when nobody is screened, then only the one aged 30 or more is due")
    func neverScreenedDue() throws {
        let store = try Fixtures.setUpStore()
        let older = try register(store, "Kamla Devi", born: "1981-01-01")
        _ = try register(store, "Ravi Kumar", sex: .male, born: "2001-01-01")
        let page = try store.dueList(today: today, protocol: rules)
        #expect(page.rows.map(\.patient.id) == [older.id])
        #expect(page.rows[0].tier == .screening)
        #expect(page.rows[0].items.map(\.item) == [.hypertension, .diabetes, .oral, .breast, .cervical])
    }

    @Test("Given a complete normal screening, when a year passes, then only BP and sugar come due again")
    func yearLater() throws {
        let clock = Fixtures.SteppedClock()
        let store = try Fixtures.setUpStore(clock: clock.wallClock)
        let sita = try register(store, "Sita Devi")
        _ = try screen(store, sita, Self.normalWoman)
        #expect(try store.dueList(today: today, protocol: rules).rows.isEmpty)
        let nextYear = today.adding(years: 1)
        let page = try store.dueList(today: nextYear, protocol: rules)
        #expect(page.rows.first?.items.map(\.item) == [.hypertension, .diabetes])
        #expect(page.rows.first?.since == nextYear)
        #expect(try store.dueList(today: nextYear.adding(days: -1), protocol: rules).rows.isEmpty)
    }

    @Test("Given referrals, when their outcomes come in, then the due list follows: urgent at once, others after a week, closed when reached")
    func referralOutcomes() throws {
        let store = try Fixtures.setUpStore()
        let sita = try register(store, "Sita Devi")
        let ram = try register(store, "Ram Prasad", sex: .male, born: "1960-01-01")
        let urgent = try screen(store, sita, #"{"sex": "female", "age": 50, "bp": [[190, 112]], "glucose": {"type": "random", "mg_dl": 110}, "oral": "normal", "breast": "normal", "via": "negative"}"#)
        let routine = try screen(store, ram, #"{"sex": "male", "age": 66, "bp": [[150, 92]], "glucose": {"type": "random", "mg_dl": 110}, "oral": "normal"}"#)
        var page = try store.dueList(today: today, protocol: rules)
        #expect(page.rows.map(\.patient.id) == [sita.id])
        #expect(page.rows[0].tier == .urgent && page.totals[.urgent] == 1)
        page = try store.dueList(today: today.adding(days: 7), protocol: rules)
        #expect(page.rows.map(\.patient.id) == [sita.id, ram.id])
        #expect(page.rows.map(\.tier) == [.urgent, .followUp])
        #expect(page.rows[1].items.map(\.item) == [.followUp, .referral])

        try store.recordReferralOutcome(referralId: urgent.referrals[0].id, .reached, on: today, note: nil, by: .account("asha"))
        let notReached = try store.recordReferralOutcome(referralId: routine.referrals[0].id, .notReached, on: today.adding(days: 3),
                                                         note: "no bus", by: .account("asha"))
        #expect(notReached.isOpen && notReached.version == 2)
        // Ram's referral comes due again a week after he was found not to have gone; before that only his
        // follow-up visit is due.
        page = try store.dueList(today: today.adding(days: 9), protocol: rules)
        #expect(page.rows.first { $0.patient.id == ram.id }?.items.map(\.item) == [.followUp])
        page = try store.dueList(today: today.adding(days: 10), protocol: rules)
        #expect(page.rows.first { $0.patient.id == ram.id }?.items.map(\.item) == [.followUp, .referral])
        #expect(try store.referrals(patientId: sita.id).first?.isOpen == false)
        // Each outcome is a new version of the referral to upload; a referral waits once, at its newest.
        let waiting = try store.waitingVersions("referral")
        #expect(try store.pendingUploadCountsByType()["referral"] == waiting.count)
        #expect(waiting.values.allSatisfy { $0.count == 1 })
        #expect(waiting.values.contains { $0 != [1] }, "an outcome's version is the one that waits")
    }

    @Test("Given a confirmed hypertension referral, when the card is read, then hypertension is known and control is shown")
    func confirmedCondition() throws {
        let store = try Fixtures.setUpStore()
        let ram = try register(store, "Ram Prasad", sex: .male, born: "1960-01-01")
        let saved = try screen(store, ram, #"{"sex": "male", "age": 66, "bp": [[150, 92]]}"#)
        var summary = try store.careSummary(patientId: ram.id, today: today, protocol: rules)
        #expect(summary.known.isEmpty && summary.control == nil)
        #expect(summary.openReferrals.map(\.id) == saved.referrals.map(\.id))
        try store.recordReferralOutcome(referralId: saved.referrals[0].id, .confirmed, on: today, note: nil, by: .account("asha"))
        summary = try store.careSummary(patientId: ram.id, today: today, protocol: rules)
        #expect(summary.known == [.hypertension])
        #expect(summary.control == .uncontrolled)
        #expect(summary.openReferrals.isEmpty)
        _ = try screen(store, ram, #"{"sex": "male", "age": 66, "known": ["hypertension"], "bp": [[132, 84]]}"#,
                       on: today.adding(days: 30), kind: .followUp)
        summary = try store.careSummary(patientId: ram.id, today: today.adding(days: 30), protocol: rules)
        #expect(summary.control == .controlled)
        #expect(summary.due.contains { $0.item == .followUp && $0.since == today.adding(days: 60) })
        #expect(!summary.due.contains { $0.item == .hypertension })
    }

    @Test("Given patients in two villages, when the list is filtered and paged, then each page continues where the last stopped")
    func villagesAndPages() throws {
        let store = try Fixtures.setUpStore()
        var rampur: [String] = []
        for (index, name) in ["Asha", "Bela", "Chhaya", "Devki", "Ela"].enumerated() {
            rampur.append(try register(store, "Rampur Woman " + name, born: "19\(60 + index)-01-01").id)
            _ = try register(store, "Sitapur Woman " + name, born: "19\(60 + index)-01-01", village: "Sitapur")
        }
        let urgentOne = try register(store, "Urgent Case", born: "1970-01-01", village: "Sitapur")
        _ = try screen(store, urgentOne, #"{"sex": "female", "age": 56, "glucose": {"type": "random", "mg_dl": "LO"}}"#)
        let all = try store.dueList(today: today, limit: 100, protocol: rules)
        #expect(all.total == 11 && all.rows.first?.patient.id == urgentOne.id)
        let onlyRampur = try store.dueList(today: today, village: "rampur", limit: 100, protocol: rules)
        #expect(Set(onlyRampur.rows.map(\.patient.id)) == Set(rampur))
        let first = try store.dueList(today: today, limit: 4, offset: 0, protocol: rules)
        let second = try store.dueList(today: today, limit: 4, offset: 4, protocol: rules)
        let third = try store.dueList(today: today, limit: 4, offset: 8, protocol: rules)
        let paged = (first.rows + second.rows + third.rows).map(\.patient.id)
        #expect(paged == all.rows.map(\.patient.id))
        #expect(third.rows.count == 3)
        #expect(throws: StoreError.self) { try store.dueList(today: today, village: "Nowhere", protocol: rules) }
    }

    @Test("Given a patient marked deceased or merged, when the list is read, then she is not on it and her screenings follow the merge")
    func leavingTheList() throws {
        let store = try Fixtures.setUpStore()
        let first = try register(store, "Sita Devi")
        let second = try register(store, "Seeta Devi")
        let gone = try register(store, "Kamla Devi")
        _ = try screen(store, second, Self.normalWoman)
        try store.markPatient(id: gone.id, as: .deceased(on: today), by: .account("asha"))
        try store.mergePatients(keep: first.id, other: second.id, reason: "same woman", by: .account("priya"))
        let page = try store.dueList(today: today, protocol: rules)
        #expect(page.rows.isEmpty)
        #expect(try store.screenings(patientId: first.id).count == 1)
        #expect(try store.recentAudit(limit: 5).contains { $0.action == "screening.move" })
    }

    @Test("Given a different protocol, when the list is read, then every patient's dates are worked out again with it")
    func protocolChange() throws {
        let store = try Fixtures.setUpStore()
        let sita = try register(store, "Sita Devi")
        _ = try screen(store, sita, Self.normalWoman)
        let yearly = try ScreeningProtocol.read(
            text: try String(contentsOfFile: AssetDirectory.locate()!.path(for: "protocols/national-2023.json"), encoding: .utf8)
                .replacingOccurrences(of: #""version": "2023.1""#, with: #""version": "2023.2""#)
                .replacingOccurrences(of: #""interval_years": 5"#, with: #""interval_years": 1"#),
            source: "yearly.json")
        let nextYear = today.adding(years: 1)
        #expect(try store.dueList(today: nextYear, protocol: rules).rows.first?.items.map(\.item) == [.hypertension, .diabetes])
        #expect(try store.dueList(today: nextYear, protocol: yearly).rows.first?.items.map(\.item)
            == [.hypertension, .diabetes, .oral, .breast, .cervical])
    }
}

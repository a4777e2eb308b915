@testable import ArogyaStore
import ArogyaCore
import ArogyaTesting
import GRDB
import Testing

@Suite("Patients in the store")
struct PatientStoreTests {
    let today = CivilDate(year: 2026, month: 11, day: 22)!

    func details(_ name: String, alt: String? = nil, sex: Sex = .female, born: String = "1981-06-01", mobile: String? = nil,
                 village: String? = "Rampur", abha: String? = nil, address: String? = nil, mrn: String? = nil) -> PatientDetails {
        PatientDetails(name: name, nameAlt: alt, sex: sex, birthDate: CivilDate(iso8601: born)!, birthDateEstimated: false,
                       mobile: mobile, village: village, household: nil, abhaNumber: abha, abhaAddress: address, mrn: mrn,
                       consent: Consent(given: true, method: .verbal, date: today))
    }

    @discardableResult
    func register(_ store: AppDatabase, _ details: PatientDetails, confirmed: Bool = true) throws -> Patient {
        guard case .registered(let patient) = try store.registerPatient(details, confirmedNew: confirmed, today: today, by: .account("asha")) else {
            Issue.record("not registered: \(details.name)")
            throw StoreError.refused(UserMessage(.errorUnknownPatient, ["id": details.name]))
        }
        return patient
    }

    @Test("Given a new patient, when registered, then the record, its search terms, audit and outbox are written together")
    func registration() throws {
        let store = try Fixtures.setUpStore()
        let lakshmi = try register(store, details("Lakshmi Devi", alt: "लक्ष्मी देवी", mobile: "9876543210", abha: "91628545755116"))
        #expect(lakshmi.version == 1 && lakshmi.village?.name == "Rampur" && lakshmi.lastSeenAt == Fixtures.now)
        let audit = try #require(try store.recentAudit(limit: 1).first)
        #expect(audit.action == "patient.register" && audit.actor == "asha" && audit.recordId == lakshmi.id && audit.detail == nil)
        #expect(try store.pendingUploadCountsByType()["patient"] == 1)
        #expect(try store.searchPatients(.parse("laxmi")).map(\.patient.id) == [lakshmi.id])
    }

    @Test("Given a village not on the facility's list, when a patient from it is registered, then it is added and audited")
    func newVillage() throws {
        let store = try Fixtures.setUpStore()
        try register(store, details("Sita Devi", village: "Bhagwanpur"))
        #expect(try store.facility()?.villages.map(\.name).contains("Bhagwanpur") == true)
        #expect(try store.recentAudit(limit: 3).contains { $0.action == "facility.village_add" })
    }

    @Test("Given the same mobile, a similar name in the village or the same MRN, when registering, then the candidates say why")
    func softDuplicates() throws {
        let store = try Fixtures.setUpStore()
        let first = try register(store, details("Lakshmi Devi", born: "1981-06-01", mobile: "9876543210", mrn: "AAM-1"))
        // A spelling variant, a year younger, same village: likely the same woman.
        let outcome = try store.registerPatient(details("Laxmi Devi", born: "1982-03-01"), confirmedNew: false, today: today, by: .account("asha"))
        guard case .possibleDuplicates(let candidates) = outcome else { Issue.record("no duplicate found"); return }
        #expect(candidates.map(\.patient.id) == [first.id])
        #expect(candidates[0].reasons == [UserMessage(.duplicateSimilarName, ["age": "45", "new_age": "44", "name": "Lakshmi Devi", "new_name": "Laxmi Devi"])])
        #expect(!candidates[0].isHardStop)
        let byMobile = try store.duplicateCandidates(for: details("Ramesh Kumar", sex: .male, born: "1960-01-01", mobile: "9876543210", village: "Sitapur"), today: today)
        #expect(byMobile.first?.reasons == [UserMessage(.duplicateSameMobile)])
        let byMrn = try store.duplicateCandidates(for: details("Kamla", born: "1950-01-01", village: nil, mrn: "AAM-1"), today: today)
        #expect(byMrn.first?.reasons == [UserMessage(.duplicateSameMrn)])
        // Confirmed as a new person: registered, and the override is in the audit.
        let second = try register(store, details("Laxmi Devi", born: "1982-03-01"), confirmed: true)
        #expect(second.id != first.id)
        #expect(try store.recentAudit(limit: 1).first?.detail?.contains(first.id) == true)
    }

    @Test("Given people who only look alike, when checked, then they are not candidates", arguments: [
        ("Lakshmi Devi", "1960-06-01", "Rampur"),   // 21 years older
        ("Lakshmi Devi", "1981-06-01", "Sitapur"),  // another village
        ("Sita Devi", "1981-06-01", "Rampur"),      // another name
        ("Lakshman", "1981-06-01", "Rampur"),       // a different name that begins the same
    ])
    func falseCandidates(name: String, born: String, village: String) throws {
        let store = try Fixtures.setUpStore()
        try register(store, details("Lakshmi Devi", born: "1981-06-01"))
        #expect(try store.duplicateCandidates(for: details(name, born: born, village: village), today: today).isEmpty)
    }

    @Test("Given an ABHA number or address already registered, when registering again, then it is refused even when confirmed")
    func hardStop() throws {
        let store = try Fixtures.setUpStore()
        let first = try register(store, details("Lakshmi Devi", abha: "91628545755116", address: "lakshmi.devi@abdm"))
        for duplicate in [details("Meena Kumari", born: "1990-01-01", village: "Sitapur", abha: "91628545755116"),
                          details("Meena Kumari", born: "1990-01-01", village: "Sitapur", address: "lakshmi.devi@abdm")] {
            let outcome = try store.registerPatient(duplicate, confirmedNew: true, today: today, by: .account("asha"))
            guard case .possibleDuplicates(let candidates) = outcome else { Issue.record("registered twice"); return }
            #expect(candidates.map(\.patient.id) == [first.id] && candidates[0].isHardStop)
        }
        #expect(try store.patientCount() == 1)
    }

    @Test("Given an edit, when saved, then the version rises, the change is audited and queued, and search follows the new name")
    func edit() throws {
        let store = try Fixtures.setUpStore()
        let sita = try register(store, details("Sita Devi"))
        var changed = PatientDetails(patient: sita)
        changed.name = "Seeta Kumari"
        changed.mobile = "9123456780"
        let edited = try store.updatePatient(id: sita.id, changed, by: .account("asha"))
        #expect(edited.version == 2 && edited.name == "Seeta Kumari")
        let audit = try #require(try store.recentAudit(limit: 1).first)
        #expect(audit.action == "patient.update")
        #expect(audit.detail?.contains("Sita Devi → Seeta Kumari") == true)
        #expect(try store.searchPatients(.parse("kumari")).map(\.patient.id) == [sita.id])
        #expect(try store.searchPatients(.parse("devi")).isEmpty)
        // Registered and edited before any sync: she waits once, at the edited version.
        #expect(try store.pendingUploadCountsByType()["patient"] == 1)
        #expect(try store.waitingVersions("patient") == [sita.id: [2]])
        // Someone else's ABHA number is refused on an edit too.
        try register(store, details("Kamla", born: "1950-01-01", abha: "91628545755116"))
        changed.abhaNumber = "91628545755116"
        #expect(throws: StoreError.self) { try store.updatePatient(id: sita.id, changed, by: .account("asha")) }
        #expect(try store.patient(id: sita.id)?.abhaNumber == nil)
    }

    @Test("Given lookups of every kind, when searched, then each finds the patient, exact identifiers first")
    func lookups() throws {
        let store = try Fixtures.setUpStore()
        let lakshmi = try register(store, details("लक्ष्मी देवी", alt: "Lakshmi Devi", mobile: "9876543210", abha: "91628545755116",
                                                    address: "lakshmi.devi@abdm", mrn: "AAM-77"))
        let other = try register(store, details("Laxmi Sharma", born: "1990-01-01", mobile: "9000043210", village: "Sitapur"))
        for query in ["laks", "dev laks", "laxmi", "लक्ष्मी", "LAKSHMĪ", "9876543210", "+91 98765 43210", "3210", "91-6285-4575-5116",
                      "lakshmi.devi@abdm", "lakshmi.d", "aam-77"] {
            let found = try store.searchPatients(.parse(query)).map(\.patient.id)
            #expect(found.first == lakshmi.id || (query == "laxmi" && found.contains(lakshmi.id)) || (query == "3210" && found.contains(lakshmi.id)),
                    "\(query): \(found)")
        }
        // A patient without a village is found too.
        let nowhere = try register(store, details("Laxmi", born: "1996-01-01", village: nil))
        #expect(try store.searchPatients(.parse("laxmi")).map(\.patient.id).contains(nowhere.id))
        try store.markPatient(id: nowhere.id, as: .moved(on: today), by: .account("asha"))
        // "laxmi" is spelt exactly so by the other patients: the one with the surname comes after.
        #expect(try store.searchPatients(.parse("laxmi")).map(\.patient.id) == [nowhere.id, other.id, lakshmi.id])
        // A full mobile is an exact identifier: score 1.
        #expect(try store.searchPatients(.parse("9876543210")).first?.score == 1)
        #expect(try store.searchPatients(.parse("l")).isEmpty)
    }

    @Test("Given equally good name matches, when ranked, then the facility's villages come first, then the most recently seen")
    func ranking() throws {
        let clock = Fixtures.SteppedClock()
        let store = try Fixtures.setUpStore(clock: clock.wallClock)
        let outside = try register(store, details("Sunita Devi", born: "1970-01-01", village: "Bhagwanpur"))
        try store.updateFacility(FacilityDetails(name: "AAM Rampur", hfrId: nil, state: .UP, villages: ["Rampur", "Sitapur"], idleLockMinutes: 10),
                                 by: .account("priya"))
        clock.advance(seconds: 3600)
        let older = try register(store, details("Sunita Devi", born: "1980-01-01"))
        clock.advance(seconds: 3600)
        let recent = try register(store, details("Sunita Devi", born: "1990-01-01", village: "Sitapur"))
        let order = try store.searchPatients(.parse("sunita")).map(\.patient.id)
        #expect(order == [recent.id, older.id, outside.id])
    }

    @Test("Given two records of one woman, when merged, then the kept one gains the other's identifiers and search leads to it")
    func merge() throws {
        let store = try Fixtures.setUpStore()
        let keep = try register(store, details("Lakshmi Devi", mobile: "9876543210"))
        let other = try register(store, details("लक्ष्मी देवी", born: "1982-01-01", abha: "91628545755116", mrn: "AAM-9"))
        let kept = try store.mergePatients(keep: keep.id, other: other.id, reason: "Same woman, registered twice at camp", by: .account("priya"))
        #expect(kept.abhaNumber == "91628545755116" && kept.mrn == "AAM-9" && kept.mobile == "9876543210" && kept.nameAlt == "लक्ष्मी देवी")
        #expect(kept.version == 2)
        #expect(try store.patient(id: other.id)?.status == .merged(into: keep.id))
        // Found by the merged record's identifiers and name: the kept record, once.
        #expect(try store.searchPatients(.parse("AAM-9")).map(\.patient.id) == [keep.id])
        #expect(try store.searchPatients(.parse("लक्ष्मी")).map(\.patient.id) == [keep.id])
        #expect(try store.recentAudit(limit: 2).allSatisfy { $0.action == "patient.merge" && $0.detail?.contains("registered twice") == true })
        #expect(throws: StoreError.refused(UserMessage(.errorPatientMerged))) {
            try store.mergePatients(keep: other.id, other: keep.id, reason: "again", by: .account("priya"))
        }
        // Different ABHA numbers are different people in ABDM: refused.
        let third = try register(store, details("Lakshmi", born: "1985-01-01", village: "Sitapur", abha: "12345678901234"))
        #expect(throws: StoreError.refused(UserMessage(.errorMergeDifferentAbha))) {
            try store.mergePatients(keep: keep.id, other: third.id, reason: "x", by: .account("priya"))
        }
    }

    @Test("Given a patient, when marked deceased and then active again, then she stays findable and each change is a version")
    func marks() throws {
        let store = try Fixtures.setUpStore()
        let patient = try register(store, details("Kamla Devi", born: "1940-01-01"))
        let marked = try store.markPatient(id: patient.id, as: .deceased(on: today), by: .account("asha"))
        #expect(marked.status == .deceased(on: today) && marked.version == 2)
        #expect(try store.searchPatients(.parse("kamla")).map(\.patient.id) == [patient.id])
        let restored = try store.markPatient(id: patient.id, as: .active, reason: "marked in error", by: .account("asha"))
        #expect(restored.status == .active && restored.version == 3)
        #expect(try store.recentAudit(limit: 1).first?.detail?.contains("marked in error") == true)
    }

    @Test("Given a bulk population, when written, then every person is registered, audited, queued and searchable")
    func bulk() throws {
        let store = try Fixtures.setUpStore()
        let population = SyntheticPopulation(count: 500, seed: 3, facilityVillages: ["Rampur", "Sitapur"], today: Fixtures.now)
        var reported: [Int] = []
        let written = try store.registerInBulk(population, batchSize: 200, by: .commandLine(unixUser: "demo")) { reported.append($0) }
        #expect(written == 500 && reported == [200, 400, 500])
        #expect(try store.patientCount() == 500)
        #expect(try store.pendingUploadCountsByType()["patient"] == 500)
        #expect(try store.firstBrokenAuditRow() == nil)
        let again = SyntheticPopulation(count: 500, seed: 3, facilityVillages: ["Rampur", "Sitapur"], today: Fixtures.now)
        #expect(Array(population).map(\.details) == Array(again).map(\.details), "the same seed makes the same people")
        let first = try #require(Array(population).first)
        #expect(try !store.searchPatients(.parse(first.details.name)).isEmpty)
    }

    @Test("Given terms made by older name rules, when the database is opened, then every patient's terms are made again")
    func rulesChanged() throws {
        let store = try Fixtures.setUpStore()
        let patient = try register(store, details("Mohammad Salim", sex: .male))
        try store.writer.write { db in
            try db.execute(sql: "INSERT INTO patient_search (patient_search, rowid, search_terms) SELECT 'delete', pk, search_terms FROM patient")
            try db.execute(sql: "UPDATE patient SET search_terms = 'old 0old'")
            try db.execute(sql: "INSERT INTO patient_search (rowid, search_terms) SELECT pk, search_terms FROM patient")
            try db.execute(sql: "UPDATE setting SET value = '0' WHERE key = 'name_key_version'")
        }
        #expect(try store.searchPatients(.parse("mohd")).isEmpty)
        try AppDatabase.refreshSearchTermsIfRulesChanged(store.writer)
        #expect(try store.searchPatients(.parse("mohd")).map(\.patient.id) == [patient.id])
    }
}

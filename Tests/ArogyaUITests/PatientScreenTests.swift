@testable import ArogyaUI
import ArogyaCore
import ArogyaStore
import ArogyaTesting
import Testing

/// The patient screens at 80×24, driven with keys, compared with text snapshots.
@Suite("Patient screens")
@MainActor
struct PatientScreenTests {
    let today = CivilDate(year: 2026, month: 11, day: 22)!

    /// A set-up store with a few patients in both scripts, signed in as the supervisor, on the Patients screen.
    func patientsScreen() async throws -> AppHarness {
        let store = try Fixtures.setUpStore()
        let people: [PatientDetails] = [
            PatientDetails(name: "लक्ष्मी देवी", nameAlt: "Lakshmi Devi", sex: .female, birthDate: CivilDate(year: 1981, month: 6, day: 1)!,
                           birthDateEstimated: false, mobile: "9876543210", village: "Rampur", household: "HH-12",
                           abhaNumber: "91628545755116", abhaAddress: "lakshmi.devi@abdm", mrn: "AAM-77",
                           consent: Consent(given: true, method: .verbal, date: today)),
            PatientDetails(name: "Laxmi Sharma", sex: .female, birthDate: Ages.estimatedBirthDate(age: 52, today: today), birthDateEstimated: true,
                           mobile: "9123400001", village: "Sitapur", consent: Consent(given: true, method: .thumbprint, date: today)),
            PatientDetails(name: "Mohd Salim", nameAlt: "मोहम्मद सलीम", sex: .male, birthDate: CivilDate(year: 1975, month: 1, day: 15)!,
                           birthDateEstimated: false, village: "Ward 4", consent: Consent(given: false, method: .verbal, date: today)),
        ]
        for person in people {
            _ = try store.registerPatient(person, confirmedNew: true, today: today, by: .account("asha"))
        }
        let harness = try AppHarness(store: store)
        await harness.start()
        await harness.type(Fixtures.supervisorPin)
        await harness.press(.enter, .char("1"))
        return harness
    }

    @Test("Given the Patients screen with nothing typed, when shown, then the most recently seen are listed with masked identifiers")
    func recent() async throws {
        let harness = try await patientsScreen()
        #expect(harness.topScreenName == "PatientsScreen")
        assertSnapshot(harness.screen, named: "patients-recent")
    }

    @Test("Given a spelling variant typed, when searched, then both scripts' Lakshmis are found, the exact spelling first")
    func variantSearch() async throws {
        let harness = try await patientsScreen()
        await harness.type("laxmi")
        assertSnapshot(harness.screen, named: "patients-search-laxmi")
        await harness.press(.escape)
        await harness.type("लक्ष")
        #expect(harness.screen.contains("लक्ष्मी देवी · Lakshmi Devi") && harness.screen.contains("Laxmi Sharma"))
        await harness.press(.escape)
        await harness.type("mohammad")
        #expect(harness.screen.contains("> Mohd Salim · मोहम्मद सलीम"))
    }

    @Test("Given the last digits of a mobile, when searched, then her card opens with every identifier in full")
    func mobileSuffixAndCard() async throws {
        let harness = try await patientsScreen()
        await harness.type("3210")
        #expect(harness.screen.contains("mob ******3210   ABHA **-****-****-5116"))
        await harness.press(.enter)
        #expect(harness.topScreenName == "PatientCardScreen")
        assertSnapshot(harness.screen, named: "patient-card")
    }

    @Test("Given the hub has linked her visits to her ABHA, when her card opens, then a line under her ABHA says how many, and how many ABDM refused")
    func sharedWithAbha() async throws {
        let harness = try await patientsScreen()
        let lakshmi = try #require(try harness.store.recentPatients().first { $0.abhaAddress == "lakshmi.devi@abdm" })
        try harness.store.saveAbhaLinks([AbhaLinkSummary(patientId: lakshmi.id, linked: 3, total: 3, failed: 0)], serverTime: Fixtures.now)
        await harness.type("43210")
        await harness.press(.enter)
        #expect(harness.screen.contains("ABHA address  lakshmi.devi@abdm"))
        #expect(harness.screen.contains("Shared        3 of 3 records linked to ABHA"))
        await harness.press(.escape, .escape)
        try harness.store.saveAbhaLinks([AbhaLinkSummary(patientId: lakshmi.id, linked: 2, total: 4, failed: 1)], serverTime: Fixtures.now)
        await harness.type("43210")
        await harness.press(.enter)
        #expect(harness.screen.contains("Shared        2 of 4 records linked to ABHA, 1 refused (retrying)"))
    }

    @Test("Given Enter pressed before the search for the typed digits has ended, when it ends, then her card opens")
    func enterBeforeResults() async throws {
        let harness = try await patientsScreen()
        harness.typeAhead(Array("43210").map { Key.char($0) } + [.enter])
        #expect(harness.topScreenName == "PatientsScreen")
        await harness.settle()
        #expect(harness.topScreenName == "PatientCardScreen")
        #expect(harness.screen.contains("Lakshmi Devi"))
    }

    @Test("Given Enter pressed during a search, when she types on before it ends, then nothing opens by itself")
    func typingOnCancelsEarlyEnter() async throws {
        let harness = try await patientsScreen()
        harness.typeAhead(Array("laxmi").map { Key.char($0) } + [.enter, .char("x")])
        await harness.settle()
        #expect(harness.topScreenName == "PatientsScreen")
    }

    @Test("Given one letter, when typed, then it asks for more instead of searching")
    func tooShort() async throws {
        let harness = try await patientsScreen()
        await harness.type("l")
        #expect(harness.screen.contains("! Type at least 2 letters of a name, or 4 digits of a number."))
        await harness.press(.escape, .escape)
        #expect(harness.topScreenName == "HomeScreen")
    }

    @Test("Given a wrong mobile, when she moves to the next field, then the mistake is shown at once")
    func checkedOnLeaving() async throws {
        let harness = try await patientsScreen()
        await harness.press(.function(2), .tab, .tab, .tab, .tab)
        await harness.type("5876543210")
        #expect(!harness.screen.contains("! An Indian mobile number starts with 6, 7, 8 or 9."))
        await harness.press(.tab)
        // The whole sentence is shown under the form only for the field that has the focus, now the next one.
        #expect(harness.screen.contains("! Mobile: An Indian mobile number starts with 6, 7, 8 or 9.") == false)
        #expect(harness.screen.contains("[5876543210      ]  ! An Indian mobile number starts with…"))
    }

    @Test("Given a registration with mistakes, when saved, then each is shown at its field and nothing is saved")
    func registrationErrors() async throws {
        let harness = try await patientsScreen()
        await harness.press(.function(2))
        await harness.type("Asha 2")
        await harness.press(.tab, .tab, .tab)
        await harness.type("31-02-1990")
        await harness.press(.tab)
        await harness.type("12345")
        await harness.press(.tab, .tab, .tab)
        await harness.type("234123412346")
        await harness.press(.tab)
        await harness.type("asha@gmail.com")
        await harness.press(.ctrl("s"))
        assertSnapshot(harness.screen, named: "patient-register-errors")
        #expect(try harness.store.patientCount() == 3)
    }

    @Test("Given a registration like an existing patient, when saved, then the candidates are shown with why; confirming registers her")
    func duplicateWarning() async throws {
        let harness = try await patientsScreen()
        await harness.type("lakshmi")
        await harness.press(.function(2))
        #expect(harness.screen.contains("[lakshmi"))
        await harness.press(.ctrl("u"))
        await harness.type("Laxmi Devi")
        await harness.press(.tab)
        #expect(harness.screen.contains("[लक्ष्मी देवी"), "the other script is suggested")
        await harness.press(.tab, .tab)
        await harness.type("44")
        await harness.press(.tab, .tab)
        await harness.type("ram")
        await harness.press(.tab)
        #expect(harness.screen.contains("[Rampur"), "the village is completed")
        await harness.press(.function(2))
        #expect(harness.topScreenName == "DuplicatesScreen")
        assertSnapshot(harness.screen, named: "patient-duplicates")
        await harness.press(.escape)
        #expect(harness.topScreenName == "PatientFormScreen")
        await harness.press(.function(2), .function(2))
        #expect(harness.topScreenName == "PatientCardScreen")
        #expect(try harness.store.patientCount() == 4)
    }

    @Test("Given the same ABHA number, when registering, then it cannot be confirmed as new")
    func hardStop() async throws {
        let harness = try await patientsScreen()
        await harness.press(.function(2))
        await harness.type("Kamla")
        await harness.press(.tab, .tab, .tab)
        await harness.type("60")
        for _ in 0..<4 { await harness.press(.tab) }
        await harness.type("91-6285-4575-5116")
        await harness.press(.function(2))
        #expect(harness.topScreenName == "DuplicatesScreen")
        #expect(harness.screen.contains("! same ABHA number"))
        await harness.press(.function(2))
        #expect(harness.screen.contains("cannot be registered twice"))
        await harness.press(.enter)
        #expect(harness.topScreenName == "PatientCardScreen")
        #expect(harness.screen.contains("लक्ष्मी देवी"))
    }

    @Test("Given a card, when she is marked moved and later active again, then the card says so each time")
    func marks() async throws {
        let harness = try await patientsScreen()
        await harness.type("salim")
        await harness.press(.enter, .char("m"))
        #expect(harness.topScreenName == "MarkPatientScreen")
        await harness.press(.ctrl("u"))
        await harness.type("01-11-2026")
        await harness.press(.function(2))
        #expect(harness.topScreenName == "PatientCardScreen")
        #expect(harness.screen.contains("(moved away 01-11-2026)"))
        await harness.press(.char("a"))
        await harness.press(.function(2))
        #expect(harness.screen.contains("! Reason: Give a reason."))
        await harness.type("came back")
        await harness.press(.function(2))
        #expect(!harness.screen.contains("(moved away"))
    }

    @Test("Given two records of one woman, when a supervisor merges them from the card, then the card shows the merged identifiers")
    func merge() async throws {
        let harness = try await patientsScreen()
        await harness.type("laxmi sharma")
        await harness.press(.enter, .char("g"))
        #expect(harness.topScreenName == "PatientsScreen")
        await harness.type("3210")
        await harness.press(.enter)
        #expect(harness.topScreenName == "MergePatientScreen")
        assertSnapshot(harness.screen, named: "patient-merge")
        await harness.type("same woman, two registrations")
        await harness.press(.function(2))
        #expect(harness.topScreenName == "PatientCardScreen")
        #expect(harness.screen.contains("Merged into Laxmi Sharma."))
        #expect(harness.screen.contains("91-6285-4575-5116"))
    }

    @Test("Given a card, when edited and saved, then the card shows the new details and the version rises")
    func edit() async throws {
        let harness = try await patientsScreen()
        await harness.type("salim")
        await harness.press(.enter, .char("e"))
        #expect(harness.topScreenName == "PatientFormScreen")
        #expect(harness.screen.contains("[Mohd Salim"))
        for _ in 0..<4 { await harness.press(.tab) }
        await harness.type("9988776655")
        await harness.press(.function(2))
        #expect(harness.topScreenName == "PatientCardScreen")
        #expect(harness.screen.contains("Saved Mohd Salim."))
        #expect(harness.screen.contains("9988776655"))
        #expect(harness.screen.contains("version 2"))
    }

    @Test("Given a merged record, when its card is opened, then it says so and o opens the record it points to")
    func mergedCard() async throws {
        let harness = try await patientsScreen()
        let store = harness.store
        let found = try store.searchPatients(.parse("laxmi sharma")).first?.patient
        let kept = try #require(found)
        let other = try #require(try store.searchPatients(.parse("salim")).first?.patient)
        try store.mergePatients(keep: kept.id, other: other.id, reason: "test", by: .account("priya"))
        let card = PatientCardScreen(context: harness.app.context, account: try #require(try store.account(username: "priya")), patientId: other.id)
        _ = card.receive(.loaded(PatientCardScreen.Loaded(patient: try store.patient(id: other.id), care: nil, screenings: [], rules: Fixtures.nationalProtocol)))
        var canvas = Canvas(size: .minimum)
        card.render(into: &canvas, area: Rect(x: 0, y: 1, width: 80, height: 21))
        #expect(canvas.text.contains("(merged into another record)"))
        #expect(canvas.text.contains("Press o to open that one."))
        guard case .replace(let next) = card.perform(.openMerged) else { Issue.record("o did not open the kept record"); return }
        #expect((next as? PatientCardScreen)?.patientId == kept.id)
        guard case .none = card.perform(.edit) else { Issue.record("a merged record was opened for editing"); return }
    }
}

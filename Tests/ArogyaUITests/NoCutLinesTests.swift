@testable import ArogyaUI
import ArogyaCore
import ArogyaStore
import ArogyaTesting
import Testing

/// Every screen at 80×24 with the longest names, villages, referral places and messages a facility has:
/// a line of text cut at the right edge hides what it says, so each is wrapped or shortened on purpose.
@Suite("No line cut")
@MainActor
struct NoCutLinesTests {
    let today = CivilDate(year: 2026, month: 11, day: 22)!
    let longName = "Venkata Lakshmi Narasimha Subbalakshmi Ramanathan"
    let longVillage = "Chinna Kondapuram Agraharam Harijanawada Colony"

    /// A patient with every long part: name, village, identifiers, an urgent referral and a routine one
    /// without outcomes, an incomplete screening, and several items due.
    func store() throws -> AppDatabase {
        let store = try Fixtures.setUpStore()
        let details = PatientDetails(name: longName, nameAlt: "वेंकट लक्ष्मी नरसिंह सुब्बलक्ष्मी रामनाथन", sex: .female,
                                     birthDate: CivilDate(year: 1966, month: 3, day: 10)!, birthDateEstimated: false,
                                     mobile: "9876543210", village: longVillage, household: "HH-12345678901234567",
                                     abhaNumber: "91628545755116", abhaAddress: "venkatalakshmi.r66@abdm",
                                     mrn: "AAM-RAMPUR-000012345", consent: Consent(given: true, method: .thumbprint, date: today))
        guard case .registered(let patient) = try store.registerPatient(details, confirmedNew: true, today: today, by: .account("asha")) else {
            throw StoreError.refused(UserMessage(.appName))
        }
        let text = ScreeningReasonText(strings: Fixtures.strings, protocol: Fixtures.nationalProtocol)
        let referred = ScreeningInput(sex: .female, age: 60, symptoms: ["chest_pain", "cough_2_weeks", "breast_lump"],
                                      bloodPressure: [PressurePair(150, 94)])
        _ = try store.recordScreening(ScreeningVisit(patientId: patient.id, kind: .screening, day: today.adding(days: -400), input: referred),
                                      reasonText: text, by: .account("asha"))
        _ = try store.recordScreening(ScreeningVisit(patientId: patient.id, kind: .screening, day: today.adding(days: -3),
                                                     input: ScreeningInput(sex: .female, age: 60)),
                                      reasonText: text, by: .account("asha"))
        return store
    }

    func expectNoCuts(_ harness: AppHarness, _ step: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let canvas = harness.canvas
        #expect(canvas.cuts.isEmpty, "\(step) (\(harness.topScreenName)): cut \(canvas.cuts)\n\(canvas.text)", sourceLocation: sourceLocation)
    }

    /// Esc until the screen named is on top, discarding what a dialog asks about.
    func backTo(_ screen: String, _ harness: AppHarness, sourceLocation: SourceLocation = #_sourceLocation) async {
        for _ in 0..<8 where harness.topScreenName != screen {
            await harness.press(harness.topScreenName == "ConfirmDialog" ? .char("y") : .escape)
        }
        #expect(harness.topScreenName == screen, sourceLocation: sourceLocation)
    }

    @Test("Given the longest names, villages, places and messages, when every screen is drawn at 80×24, then no line of text is cut")
    func everyScreen() async throws {
        let harness = try AppHarness(store: try store())
        await harness.start()
        expectNoCuts(harness, "login")
        await harness.type(Fixtures.supervisorPin)
        await harness.press(.enter)
        expectNoCuts(harness, "home")
        await harness.press(.char("?"))
        expectNoCuts(harness, "help")
        await harness.press(.escape)

        await harness.press(.char("1"))
        expectNoCuts(harness, "patients, recent")
        await harness.type("venkata")
        expectNoCuts(harness, "patients, found")
        await harness.type(" zzzzqqq")
        expectNoCuts(harness, "patients, nothing found")
        await harness.press(.ctrl("u"))
        await harness.type("venkata")
        await harness.press(.enter)
        #expect(harness.topScreenName == "PatientCardScreen")
        expectNoCuts(harness, "card")
        await harness.press(.char("r"))
        #expect(harness.topScreenName == "ReferralOutcomeScreen")
        expectNoCuts(harness, "referral outcome")
        await harness.press(.escape)
        await harness.press(.char("s"))
        for page in 0..<6 {
            expectNoCuts(harness, "screening page \(page)")
            await harness.press(.pageDown)
        }
        await harness.type("nnn15096")             // not known, not pregnant, BP 150/96, no glucose
        await harness.press(.function(10))
        #expect(harness.topScreenName == "ScreeningOutcomeScreen", "\(harness.screen)")
        expectNoCuts(harness, "outcome")
        await harness.press(.escape, .escape)
        #expect(harness.topScreenName == "ConfirmDialog")
        expectNoCuts(harness, "discard dialog")
        await harness.press(.char("y"))
        #expect(harness.topScreenName == "PatientCardScreen")
        await harness.press(.char("e"))
        expectNoCuts(harness, "edit patient")
        await backTo("PatientsScreen", harness)

        // A registration that meets the same person: the duplicates screen with its reasons.
        await harness.press(.ctrl("u"))
        await harness.type("Venkata Laxmi Narasimha Subbalaxmi Ramanathan")
        await harness.press(.function(2))
        #expect(harness.topScreenName == "PatientFormScreen")
        expectNoCuts(harness, "register")
        await harness.press(.tab, .tab, .tab)           // the other script, sex (female), the birth date
        await harness.type("10-03-1966")
        await harness.press(.tab)
        await harness.type("9876543210")
        await harness.press(.tab)
        await harness.type(longVillage)
        await harness.press(.function(2))
        #expect(harness.topScreenName == "DuplicatesScreen", "\(harness.screen)")
        expectNoCuts(harness, "duplicates")
        await backTo("HomeScreen", harness)

        for (key, step) in [("2", "due"), ("3", "upload"), ("5", "users"), ("6", "settings"), ("8", "sent back")] {
            await harness.press(.char(Character(key)))
            expectNoCuts(harness, step)
            await backTo("HomeScreen", harness)
        }

        // The register of the day of her incomplete screening, its record, and sending it back.
        await harness.press(.char("4"))
        expectNoCuts(harness, "register, today")
        await harness.press(.char("["), .char("["), .char("["))
        #expect(harness.screen.contains("Venkata"), "\(harness.screen)")
        expectNoCuts(harness, "register")
        await harness.press(.enter)
        #expect(harness.topScreenName == "RegisterRecordScreen")
        expectNoCuts(harness, "register record")
        await harness.press(.char("b"))
        await harness.type(String(repeating: "Check the BP again and the breast exam; ", count: 3))
        expectNoCuts(harness, "send back prompt")
        await harness.press(.enter)
        expectNoCuts(harness, "record sent back")
        await backTo("RegisterScreen", harness)
        expectNoCuts(harness, "register after the send-back")
        await backTo("HomeScreen", harness)
    }
}

@Suite("Wider terminals")
@MainActor
struct WiderTerminalTests {
    @Test("Given a terminal 100 columns wide, when the due list is drawn, then a village of 17 letters shows whole")
    func dueColumnsWiden() async throws {
        let today = CivilDate(year: 2026, month: 11, day: 22)!
        let store = try Fixtures.setUpStore()
        _ = try store.registerPatient(PatientDetails(name: "Geeta Devi", sex: .female, birthDate: CivilDate(year: 1970, month: 1, day: 1)!,
                                                     birthDateEstimated: false, village: "Chinna Kondapuram",
                                                     consent: Consent(given: true, method: .verbal, date: today)),
                                      confirmedNew: true, today: today, by: .account("asha"))
        let harness = try AppHarness(store: store, size: Size(width: 100, height: 30))
        await harness.start()
        await harness.type(Fixtures.supervisorPin)
        await harness.press(.enter, .char("2"))
        #expect(harness.topScreenName == "DueScreen")
        #expect(harness.screen.contains("Chinna Kondapuram "), "\(harness.screen)")
        #expect(harness.canvas.cuts.isEmpty)
    }
}

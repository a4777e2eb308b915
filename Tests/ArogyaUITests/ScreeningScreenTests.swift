@testable import ArogyaUI
import ArogyaCore
import ArogyaStore
import ArogyaTesting
import Testing

/// The screening screens at 80×24, driven with keys as a worker types, compared with text snapshots.
@Suite("Screening screens")
@MainActor
struct ScreeningScreenTests {
    let today = CivilDate(year: 2026, month: 11, day: 22)!

    /// Signed in as the supervisor, on the card of a woman of 50 (or the person given).
    func card(name: String = "Sunita Devi", sex: Sex = .female, born: CivilDate = CivilDate(year: 1976, month: 3, day: 10)!,
              store existing: AppDatabase? = nil) async throws -> AppHarness {
        let store = try existing ?? Fixtures.setUpStore()
        _ = try store.registerPatient(PatientDetails(name: name, sex: sex, birthDate: born, birthDateEstimated: false,
                                                     mobile: "9876543210", village: "Rampur",
                                                     consent: Consent(given: true, method: .verbal, date: today)),
                                      confirmedNew: true, today: today, by: .account("asha"))
        let harness = try AppHarness(store: store)
        await harness.start()
        await harness.type(Fixtures.supervisorPin)
        await harness.press(.enter, .char("1"))
        await harness.type(String(name.prefix(5)))
        await harness.press(.enter)
        #expect(harness.topScreenName == "PatientCardScreen")
        return harness
    }

    /// Keys pressed other than the digits of numbers, as the fast-entry target counts them.
    final class KeyCount {
        var keys = 0
    }

    func press(_ harness: AppHarness, _ count: KeyCount, _ keys: Key...) async {
        count.keys += keys.count
        for key in keys { await harness.press(key) }
    }

    func answer(_ harness: AppHarness, _ count: KeyCount, _ letters: String) async {
        count.keys += letters.count
        await harness.type(letters)
    }

    /// Numbers are typed, not counted.
    func number(_ harness: AppHarness, _ digits: String) async {
        await harness.type(digits)
    }

    @Test("Given a woman of 50, when CBAC, two BP readings, RBS and OVE are entered with fast keys, then the outcome refers her within 60 keystrokes")
    func fastEntry() async throws {
        let harness = try await card()
        let count = KeyCount()
        await press(harness, count, .char("s"))
        assertSnapshot(harness.screen, named: "screening-cbac-empty")
        await answer(harness, count, "dn")            // daily tobacco, no alcohol
        await number(harness, "92")                   // waist: moves on by itself
        await answer(harness, count, "ny")            // inactive, family history
        assertSnapshot(harness.screen, named: "screening-symptoms")
        await press(harness, count, .ctrl("n"), .ctrl("n"), .ctrl("n"))  // B1, B2, C: no
        await number(harness, "00")                   // PHQ-2
        await answer(harness, count, "nnn")           // not known HTN or DM, not pregnant
        await number(harness, "150961549")
        await number(harness, "6")
        await press(harness, count, .tab, .tab)        // no third reading
        await answer(harness, count, "r")
        await number(harness, "212")
        assertSnapshot(harness.screen, named: "screening-vitals")
        await press(harness, count, .pageDown)
        await answer(harness, count, "n")              // OVE normal
        assertSnapshot(harness.screen, named: "screening-cancer")
        await press(harness, count, .function(10))
        #expect(harness.topScreenName == "ScreeningOutcomeScreen")
        assertSnapshot(harness.screen, named: "screening-outcome")
        await press(harness, count, .enter)
        #expect(harness.topScreenName == "PatientCardScreen")
        #expect(count.keys <= 60, "\(count.keys) keystrokes")
        #expect(count.keys == 18)
        assertSnapshot(harness.screen, named: "patient-card-after-screening")
        let saved = try harness.store.screenings(patientId: try #require(harness.store.searchPatients(.parse("sunita")).first).patient.id)
        #expect(saved.first?.bloodPressure == PressurePair(152, 96))
        // Age 50: 3; daily tobacco: 2; waist 92 cm (a woman): 2; inactive: 1; family history: 2.
        #expect(saved.first?.cbacScore == 10)
    }

    @Test("Given unusual and impossible readings, when typed, then an unusual one waits for Enter and an impossible one is refused at the field")
    func unusualValues() async throws {
        let harness = try await card()
        await harness.press(.char("s"), .pageDown, .pageDown, .pageDown, .pageDown, .pageDown)
        await harness.type("nnn")
        await harness.type("260")
        #expect(harness.screen.contains("! 260 is in the urgent range: Enter keeps it, or type it again."))
        #expect(harness.screen.contains("> BP 1 systolic"))
        await harness.press(.enter)
        #expect(harness.screen.contains("> BP 1 diastolic"))
        await harness.type("320")
        #expect(harness.screen.contains("! 320 is outside 40–180; type it again."))
        await harness.press(.backspace, .backspace, .backspace)
        await harness.type("35")
        await harness.press(.tab)
        #expect(harness.screen.contains("! 35 is outside 40–180; type it again."))
        await harness.press(.backspace, .backspace)
        await harness.type("90")
        #expect(harness.screen.contains("> BP 2 systolic"))
    }

    @Test("Given the meter's LO, when L is typed for glucose, then it is urgent and asks for Enter; L in a BP field is refused")
    func meterWords() async throws {
        let harness = try await card()
        await harness.press(.char("s"), .pageDown, .pageDown, .pageDown, .pageDown, .pageDown)
        await harness.type("nnnl")
        #expect(harness.screen.contains("! Digits only."))
        #expect(harness.screen.contains("> BP 1 systolic"))
        for _ in 0..<6 { await harness.press(.tab) }
        await harness.press(.tab)
        #expect(harness.screen.contains("> Blood glucose "))
        await harness.type("L")
        await harness.press(.tab)
        #expect(harness.screen.contains("! LO is in the urgent range: Enter keeps it, or type it again."))
        await harness.press(.enter, .function(10))
        #expect(harness.screen.contains("URGENT: refer today"))
        #expect(harness.screen.contains("Random blood glucose reads LO on the meter: dangerously low"))
    }

    @Test("Given a systolic without its diastolic, when the outcome is asked for, then the form says so at the field")
    func halfReading() async throws {
        let harness = try await card()
        await harness.press(.char("s"), .pageDown, .pageDown, .pageDown, .pageDown, .pageDown)
        await harness.type("nnn140")
        await harness.press(.function(10))
        #expect(harness.topScreenName == "ScreeningScreen")
        #expect(harness.screen.contains("! Give the diastolic too, or clear the systolic."))
        #expect(harness.screen.contains("> BP 1 diastolic"))
    }

    @Test("Given answers typed, when Esc is pressed, then it asks before discarding")
    func discard() async throws {
        let harness = try await card()
        await harness.press(.char("s"))
        await harness.type("d")
        await harness.press(.escape)
        #expect(harness.topScreenName == "ConfirmDialog")
        await harness.press(.escape)
        #expect(harness.topScreenName == "ScreeningScreen")
    }

    @Test("Given a yes to a breast lump at 68, when judged, then the outcome refers her although routine screening is past")
    func symptomOutsideEligibility() async throws {
        let harness = try await card(name: "Kamla Devi", born: CivilDate(year: 1958, month: 1, day: 1)!)
        await harness.press(.char("s"), .pageDown, .ctrl("n"))
        #expect(harness.screen.contains("CBAC Part B2: symptoms of women"))
        await harness.type("y")
        await harness.press(.function(10))
        #expect(harness.screen.contains("Lump in the breast: refer to the NCD clinic at the CHC"))
    }

    @Test("Given a confirmed referral and a follow-up visit, when recorded from the card, then control and the referral show on it")
    func referralOutcomeAndFollowUp() async throws {
        let harness = try await card()
        await harness.press(.char("f"))
        #expect(harness.screen.contains("! A follow-up visit is for known hypertension or diabetes"))
        await harness.press(.char("s"), .pageDown, .pageDown, .pageDown, .pageDown, .pageDown)
        await harness.type("nnn15096")
        await harness.press(.function(10), .enter)
        await harness.press(.char("r"))
        #expect(harness.topScreenName == "ReferralOutcomeScreen")
        assertSnapshot(harness.screen, named: "referral-outcome")
        await harness.press(.char("c"), .enter)
        #expect(harness.screen.contains("Referral outcome saved: Confirmed."))
        #expect(harness.screen.contains("Known: hypertension · BP NOT controlled (150/96 on 22-11-2026)"))
        await harness.press(.char("f"))
        #expect(harness.screen.contains("Follow-up: Sunita Devi"))
        await harness.press(.tab, .tab, .tab)
        await harness.type("13284")
        await harness.press(.function(10))
        #expect(harness.screen.contains("Known hypertension, mean BP 132/84 < 140/90: controlled"))
        await harness.press(.enter)
        #expect(harness.screen.contains("BP controlled (132/84 on 22-11-2026)"))
    }

    @Test("Given the due list, when opened from home, then the never-screened adult is listed and opens her card")
    func dueList() async throws {
        let store = try Fixtures.setUpStore()
        for (name, village) in [("Ravi Kumar", "Sitapur"), ("Geeta Devi", "Rampur")] {
            _ = try store.registerPatient(PatientDetails(name: name, sex: name.hasSuffix("Devi") ? .female : .male,
                                                         birthDate: CivilDate(year: 1970, month: 1, day: 1)!, birthDateEstimated: false,
                                                         village: village, consent: Consent(given: true, method: .verbal, date: today)),
                                          confirmedNew: true, today: today, by: .account("asha"))
        }
        let harness = try AppHarness(store: store)
        await harness.start()
        await harness.type(Fixtures.supervisorPin)
        await harness.press(.enter, .char("2"))
        #expect(harness.topScreenName == "DueScreen")
        assertSnapshot(harness.screen, named: "due-list")
        await harness.press(.char("v"))
        #expect(harness.screen.contains("Village: Rampur") && harness.screen.contains("Geeta Devi") && !harness.screen.contains("Ravi Kumar"))
        await harness.press(.enter)
        #expect(harness.topScreenName == "PatientCardScreen")
        #expect(harness.screen.contains("Geeta Devi"))
    }

    @Test("Given sex other, when the cancer part is reached, then the worker chooses which examinations apply")
    func otherSex() async throws {
        let harness = try await card(name: "Chandni", sex: .other)
        await harness.press(.char("s"), .function(10))
        #expect(harness.screen.contains("! Nothing recorded yet"))
        for _ in 0..<7 { await harness.press(.pageDown) }
        #expect(harness.screen.contains("> Examinations that apply"))
        #expect(!harness.screen.contains("Clinical breast examination"))
        await harness.type("2")
        #expect(harness.screen.contains("Clinical breast examination"))
    }
}

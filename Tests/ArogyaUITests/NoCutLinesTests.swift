@testable import ArogyaUI
import ArogyaCore
import ArogyaStore
import ArogyaTesting
import Foundation
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

    /// How the tour is drawn: the language of the accounts, and whether the terminal is UTF-8.
    nonisolated static let variants = [Variant(language: .english, glyphs: .unicode), Variant(language: .hindi, glyphs: .unicode),
                           Variant(language: .hindi, glyphs: .ascii)]

    struct Variant: Sendable, CustomTestStringConvertible {
        let language: Language
        let glyphs: Glyphs
        var name: String { language.rawValue + (glyphs == .unicode ? "" : "-ascii") }
        var testDescription: String { name }
    }

    /// Every screen of the tour: no line cut, and its snapshot (`tour-<variant>-<step>`): the text, then
    /// the looks of a colour terminal and of a monochrome one (TERM=vt100, NO_COLOR) cell run by cell run.
    final class Tour {
        let harness: AppHarness
        let variant: Variant
        private var step = 0
        /// Each kind of screen met, in the order met, with its title and keys: the README's list of them.
        private(set) var screens: [(type: String, title: String, hints: [KeyHint])] = []
        /// The snapshots' names begin with it: "tour", or "tour-abha" for the ABHA screens' own tour.
        let prefix: String
        init(_ harness: AppHarness, _ variant: Variant, prefix: String = "tour") {
            self.harness = harness
            self.variant = variant
            self.prefix = prefix
        }

        @MainActor
        func visit(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
            let canvas = harness.canvas
            if let top = harness.app.topScreen, !screens.contains(where: { $0.type == harness.topScreenName }) {
                // "स्क्रीनिंग: Venkata …" is the screening screen whoever it is for.
                let title = top.title.components(separatedBy: ": ").first ?? top.title
                screens.append((harness.topScreenName, title, top.keyHints))
            }
            #expect(canvas.cuts.isEmpty, "\(name) (\(harness.topScreenName)): cut \(canvas.cuts)\n\(canvas.text)", sourceLocation: sourceLocation)
            step += 1
            var snapshot = canvas.text
            if variant.glyphs == .unicode { snapshot += "\n-- colour\n" + canvas.styleRuns(.color) }
            snapshot += "\n-- monochrome\n" + canvas.styleRuns(.monochrome)
            let slug = name.replacingOccurrences(of: ", ", with: "-").replacingOccurrences(of: " ", with: "-")
            assertSnapshot(snapshot, named: "\(prefix)-\(variant.name)-" + (step < 10 ? "0" : "") + "\(step)-\(slug)", sourceLocation: sourceLocation)
        }
    }

    /// Esc until the screen named is on top, discarding what a dialog asks about.
    func backTo(_ screen: String, _ harness: AppHarness, sourceLocation: SourceLocation = #_sourceLocation) async {
        for _ in 0..<8 where harness.topScreenName != screen {
            await harness.press(harness.topScreenName == "ConfirmDialog" ? .char("y") : .escape)
        }
        #expect(harness.topScreenName == screen, sourceLocation: sourceLocation)
    }

    @Test("Given the longest names, villages, places and messages, when every screen is drawn at 80×24 in English, in Hindi, and in Hindi on a terminal that is not UTF-8, then no line of text is cut and each matches its snapshot in colour and monochrome",
          arguments: variants)
    func everyScreen(variant: Variant) async throws {
        let store = try store()
        // The facility's default (the sign-in screen's) and the supervisor's own language.
        let facility = try #require(try store.facility())
        try store.updateFacility(FacilityDetails(name: facility.name, hfrId: facility.hfrId, state: facility.state,
                                                 villages: facility.villages.map(\.name), idleLockMinutes: 10,
                                                 defaultLanguage: variant.language), by: .account("priya"))
        try store.setAccountLanguage(username: "priya", language: variant.language, by: .account("priya"))
        let harness = try AppHarness(store: store, glyphs: variant.glyphs)
        let tour = Tour(harness, variant)
        let language = variant.glyphs == .unicode ? variant.language : .english
        await harness.start()
        tour.visit("login")
        await harness.type(Fixtures.supervisorPin)
        await harness.press(.enter)
        tour.visit("home")
        #expect(harness.screen.contains(language == .hindi ? "नमस्ते" : "Namaste"), "\(harness.screen)")
        await harness.press(.char("?"))
        tour.visit("help")
        await harness.press(.escape)

        await harness.press(.char("1"))
        tour.visit("patients, recent")
        await harness.type("venkata")
        tour.visit("patients, found")
        await harness.type(" zzzzqqq")
        tour.visit("patients, nothing found")
        await harness.press(.ctrl("u"))
        await harness.type("venkata")
        await harness.press(.enter)
        #expect(harness.topScreenName == "PatientCardScreen")
        tour.visit("card")
        await harness.press(.char("r"))
        #expect(harness.topScreenName == "ReferralOutcomeScreen")
        tour.visit("referral outcome")
        await harness.press(.escape)
        for (key, step, screen) in [("b", "abha card", "AbhaCardScreen"), ("f", "follow-up needs a known condition", "PatientCardScreen"),
                                    ("d", "mark deceased", "MarkPatientScreen"), ("g", "merge pick", "PatientsScreen")] {
            await harness.press(.char(Character(key)))
            #expect(harness.topScreenName == screen, "\(step): \(harness.screen)")
            tour.visit(step)
            await backTo("PatientCardScreen", harness)
        }
        await harness.press(.char("s"))
        for page in 0..<6 {
            tour.visit("screening page \(page)")
            await harness.press(.pageDown)
        }
        await harness.type("nnn15096")             // not known, not pregnant, BP 150/96, no glucose
        await harness.press(.function(10))
        #expect(harness.topScreenName == "ScreeningOutcomeScreen", "\(harness.screen)")
        tour.visit("outcome")
        await harness.press(.escape, .escape)
        #expect(harness.topScreenName == "ConfirmDialog")
        tour.visit("discard dialog")
        await harness.press(.char("y"))
        #expect(harness.topScreenName == "PatientCardScreen")
        await harness.press(.char("e"))
        tour.visit("edit patient")
        await backTo("PatientsScreen", harness)

        // A registration that meets the same person: the duplicates screen with its reasons.
        await harness.press(.ctrl("u"))
        await harness.type("Venkata Laxmi Narasimha Subbalaxmi Ramanathan")
        await harness.press(.function(2))
        #expect(harness.topScreenName == "PatientFormScreen")
        tour.visit("register")
        await harness.press(.tab, .tab, .tab)           // the other script, sex (female), the birth date
        await harness.type("10-03-1966")
        await harness.press(.tab)
        await harness.type("9876543210")
        await harness.press(.tab)
        await harness.type(longVillage)
        await harness.press(.function(2))
        #expect(harness.topScreenName == "DuplicatesScreen", "\(harness.screen)")
        tour.visit("duplicates")
        await backTo("HomeScreen", harness)

        for (key, step) in [("2", "due"), ("3", "upload"), ("5", "users"), ("6", "settings"), ("8", "sent back")] {
            await harness.press(.char(Character(key)))
            tour.visit(step)
            await backTo("HomeScreen", harness)
        }

        // The register of the day of her incomplete screening, its record, and sending it back.
        await harness.press(.char("4"))
        tour.visit("register, today")
        await harness.press(.char("["), .char("["), .char("["))
        #expect(harness.screen.contains("Venkata"), "\(harness.screen)")
        tour.visit("register")
        await harness.press(.enter)
        #expect(harness.topScreenName == "RegisterRecordScreen")
        tour.visit("register record")
        await harness.press(.char("b"))
        await harness.type(String(repeating: "Check the BP again and the breast exam; ", count: 3))
        tour.visit("send back prompt")
        await harness.press(.enter)
        tour.visit("record sent back")
        await backTo("RegisterScreen", harness)
        tour.visit("register after the send-back")
        await harness.press(.char("i"))
        #expect(harness.topScreenName == "IndicatorsScreen")
        for page in 0..<4 {
            tour.visit("indicators page \(page)")
            await harness.press(.pageDown)
        }
        await backTo("RegisterScreen", harness)
        await harness.press(.char("w"))
        #expect(harness.topScreenName == "WorkersScreen")
        tour.visit("workers")
        await backTo("HomeScreen", harness)

        // Accounts: adding one, resetting a PIN, her own PIN; the lock; pending ABHA requests.
        await harness.press(.char("5"), .char("a"))
        tour.visit("users add")
        await backTo("UsersScreen", harness)
        await harness.press(.down, .char("r"))
        tour.visit("users reset PIN")
        await backTo("HomeScreen", harness)
        await harness.press(.char("c"))
        tour.visit("change PIN")
        await backTo("HomeScreen", harness)
        await harness.press(.char("7"))
        tour.visit("pending ABHA")
        await backTo("HomeScreen", harness)
        await harness.press(.char("l"))
        #expect(harness.topScreenName == "LockScreen")
        tour.visit("lock")
        await harness.type(Fixtures.supervisorPin)
        await harness.press(.enter)
        #expect(harness.topScreenName == "HomeScreen")

        // Another user signs in: the sign-in screen in the facility's language, switched with F2; after
        // signing in she is asked whether to keep the language she switched to.
        await harness.press(.char("s"))
        tour.visit("login after switch user")
        await harness.press(.function(2))
        tour.visit("login in the other language")
        await harness.press(.down)
        await harness.type(Fixtures.workerPin)
        await harness.press(.enter)
        // Asha's account is in English: signed in in Hindi, she is asked whether to keep it.
        #expect(harness.topScreenName == (harness.app.context.language == .english ? "HomeScreen" : "KeepLanguageDialog"))
        tour.visit("signed in in the other language")
        if variant.language == .hindi && variant.glyphs == .unicode { try Self.expectReadmeList(tour) }
    }

    @Test("Given a new terminal, when first-run setup is drawn empty, with its mistakes and filled in, at 80×24 in English, in Hindi and in Hindi on a terminal that is not UTF-8, then no line is cut and each matches its snapshot",
          arguments: variants)
    func setup(variant: Variant) async throws {
        let store = try AppDatabase.inMemory(clock: .fixed(Fixtures.now))
        let harness = try AppHarness(store: store, glyphs: variant.glyphs)
        let tour = Tour(harness, variant, prefix: "tour-setup")
        await harness.start()
        // Hindi is the language field's second option; a terminal that is not UTF-8 offers English alone.
        if variant.language == .hindi { await harness.press(.right) }
        tour.visit("empty")
        await harness.press(.tab)
        await harness.type(longVillage)
        await harness.press(.tab, .tab, .tab, .tab)
        await harness.type("9priya")
        await harness.press(.function(2))
        tour.visit("mistakes")
        await harness.press(.ctrl("u"))
        await harness.type("priya")
        await harness.press(.tab)
        await harness.type(longName)
        await harness.press(.tab)
        await harness.type(Fixtures.supervisorPin)
        await harness.press(.tab)
        await harness.type(Fixtures.supervisorPin)
        await harness.press(.backTab, .backTab, .backTab, .backTab)
        await harness.type(longVillage)
        await harness.press(.enter)
        tour.visit("filled")
        await harness.press(.function(2))
        #expect(harness.topScreenName == "LoginScreen", "\(harness.screen)")
        tour.visit("signing in")
    }

    /// The README's list of screens and keys in Hindi is made from the screens themselves (their key
    /// tables, in Hindi), so that it cannot drift from them; `RECORD_SNAPSHOTS=1` writes it again.
    static func expectReadmeList(_ tour: Tour, filePath: String = #filePath) throws {
        let strings = Fixtures.hindi
        func keys(_ hint: KeyHint) -> String { "`" + hint.keysText(strings, glyphs: .unicode) + "`" }
        var lines = ["| स्क्रीन | कुंजियाँ |", "|---|---|"]
        lines.append("| हर स्क्रीन पर | " + GlobalKeys.hints.map { keys($0) + " " + strings[$0.help] }.joined(separator: " ") + " |")
        for screen in tour.screens where !(screen.type == "HelpScreen") {
            let hints = screen.hints.map { keys($0) + " " + strings[$0.help] }.joined(separator: " ")
            lines.append("| " + screen.title + " | " + hints.replacingOccurrences(of: "|", with: "\\|") + " |")
        }
        let list = lines.joined(separator: "\n") + "\n"
        let readmePath = ((filePath as NSString).deletingLastPathComponent as NSString).appendingPathComponent("../../README.md")
        let readme = try String(contentsOfFile: readmePath, encoding: .utf8)
        let start = "<!-- screens-and-keys:hi -->\n", end = "<!-- /screens-and-keys:hi -->"
        let open = try #require(readme.range(of: start), "the README has no \(start)")
        let close = try #require(readme.range(of: end, range: open.upperBound..<readme.endIndex))
        let written = String(readme[open.upperBound..<close.lowerBound])
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
            try readme.replacingCharacters(in: open.upperBound..<close.lowerBound, with: list).write(toFile: readmePath, atomically: true, encoding: .utf8)
        }
        #expect(written == list, "the README's Hindi list of screens and keys differs from the screens (RECORD_SNAPSHOTS=1 writes it):\n\(lineDiff(written, list))")
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

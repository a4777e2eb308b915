@testable import ArogyaUI
import ArogyaCore
import ArogyaStore
import ArogyaTesting
import Foundation
import Testing

/// The supervisor's daily register and the review of a visit, and the worker's screenings sent back.
@Suite("Supervisor review screens")
@MainActor
struct ReviewScreenTests {
    let today = CivilDate(year: 2026, month: 11, day: 22)!
    let text = ScreeningReasonText(strings: Fixtures.strings, protocol: Fixtures.nationalProtocol)

    /// asha's day: an urgent man, a referred woman registered in Devanagari, a normal visit.
    func store() throws -> (AppDatabase, [SavedScreening]) {
        let store = try Fixtures.setUpStore()
        var saved: [SavedScreening] = []
        for (name, sex, json) in [
            ("Ramesh Kumar", Sex.male, #"{"sex": "male", "age": 57, "bp": [[190, 120], [186, 118]]}"#),
            ("सुनीता देवी", .female, #"{"sex": "female", "age": 50, "bp": [[150, 96], [154, 96]], "glucose": {"type": "random", "mg_dl": 212}, "cbac": {"tobacco": "daily", "waist_cm": 95}}"#),
            ("Kamla Yadav", .female, #"{"sex": "female", "age": 44, "bp": [[122, 78], [120, 80]], "glucose": {"type": "fasting", "mg_dl": 96}}"#),
        ] {
            let details = PatientDetails(name: name, sex: sex, birthDate: today.adding(days: -(sex == .male ? 57 : 50) * 366), birthDateEstimated: false,
                                         village: "Rampur", consent: Consent(given: true, method: .verbal, date: today))
            guard case .registered(let patient) = try store.registerPatient(details, confirmedNew: true, today: today, by: .account("asha")) else {
                throw StoreError.refused(UserMessage(.appName))
            }
            let input = try ScreeningInput.read(JSONField(try JSONParser.parse(json)), protocol: Fixtures.nationalProtocol)
            saved.append(try store.recordScreening(ScreeningVisit(patientId: patient.id, kind: .screening, day: today, input: input),
                                                   reasonText: text, by: .account("asha")))
        }
        return (store, saved)
    }

    func signIn(_ harness: AppHarness, worker: Bool) async {
        if worker { await harness.press(.down) }
        await harness.type(worker ? Fixtures.workerPin : Fixtures.supervisorPin)
        await harness.press(.enter)
    }

    @Test("Given the register, when g is given a day that does not exist, then the whole message shows under the field at 80×24 and a right day opens that day's register")
    func goToDayRefusesAWrongDay() async throws {
        let (store, _) = try store()
        let harness = try AppHarness(store: store)
        await harness.start()
        await signIn(harness, worker: false)
        await harness.press(.char("4"), .char("g"))
        #expect(harness.topScreenName == "TextPromptDialog")
        await harness.type("2026-13-45")
        await harness.press(.enter)
        #expect(harness.topScreenName == "TextPromptDialog")
        // The message is longer than a line: every word of it is on the screen, wrapped, none cut.
        let shown = harness.screen.split(separator: " ").joined(separator: " ")
        for word in ["DD-MM-YYYY", "20112026;", "YYYY-MM-DD", "works)."] { #expect(shown.contains(word), "\(harness.screen)") }
        #expect(harness.canvas.cuts.isEmpty)
        await harness.press(.home)
        for _ in 0..<10 { await harness.press(.delete) }
        await harness.type("21-11-2026")
        await harness.press(.enter)
        #expect(harness.topScreenName == "RegisterScreen")
        #expect(harness.screen.contains("21-11-2026"), "\(harness.screen)")
    }

    @Test("Given a worker's day, when her supervisor opens the register, then totals and a row per visit show at 80×24; f keeps the urgent; b sends one back with a reason and Enter shows the whole record with it")
    func registerAndSendBack() async throws {
        let (store, saved) = try store()
        let harness = try AppHarness(store: store)
        await harness.start()
        await signIn(harness, worker: false)
        await harness.press(.char("4"))
        #expect(harness.topScreenName == "RegisterScreen")
        assertSnapshot(harness.screen, named: "register")
        #expect(harness.screen.contains("3 visits (3 screenings, 0 follow-ups): 2 referred, 1 urgent, 3 to review, 0"))
        #expect(harness.canvas.cuts.isEmpty)

        await harness.press(.char("f"))
        #expect(harness.screen.contains("Showing: urgent (f)"))
        #expect(harness.screen.contains("Ramesh Kumar") && !harness.screen.contains("Kamla Yadav"))
        await harness.press(.char("f"), .char("f"), .char("f"), .char("f"), .char("f"))   // referred, to review, sent back, asha, all
        #expect(harness.screen.contains("Showing: all (f)"))

        await harness.press(.down)
        await harness.press(.char("b"))
        #expect(harness.topScreenName == "TextPromptDialog")
        await harness.press(.enter)
        #expect(harness.screen.contains("Say why it is sent back"), "an empty reason is refused at the field")
        await harness.type("Sugar 212 random? Was she fasting")
        #expect(harness.screen.contains("Sugar 212 random? Was she fasting"), "'?' is typed, not help")
        await harness.press(.enter)
        #expect(harness.topScreenName == "RegisterScreen")
        #expect(harness.screen.contains("Sent back: the worker sees it on her Home"))
        #expect(harness.screen.contains("> B "), "\(harness.screen)")
        #expect(try store.reviewHistory(screeningId: saved[1].summary.id).openSendBack?.reason == "Sugar 212 random? Was she fasting")

        await harness.press(.enter)
        #expect(harness.topScreenName == "RegisterRecordScreen")
        assertSnapshot(harness.screen, named: "register-record")
        #expect(harness.screen.contains("priya: sent back: Sugar 212 random? Was she fasting"))
        await harness.press(.char("r"))
        #expect(try store.reviewHistory(screeningId: saved[1].summary.id).state == .reviewed)
        await harness.press(.escape)
        #expect(harness.screen.contains("> R "), "\(harness.screen)")
    }

    @Test("Given a worker's screening, when she opens the register as a supervisor would not let her, then Home 4 is for supervisors; and a supervisor reviewing her own is told why")
    func whoMayReview() async throws {
        let (store, _) = try store()
        let harness = try AppHarness(store: store)
        await harness.start()
        await signIn(harness, worker: true)
        await harness.press(.char("4"))
        #expect(harness.topScreenName == "HomeScreen")
        #expect(harness.screen.contains("Only a supervisor can do this."))

        let priyas = try store.recordScreening(ScreeningVisit(patientId: try store.dailyRegister(day: today)[0].patient.id, kind: .screening, day: today,
                                                              input: ScreeningInput(sex: .male, age: 57, bloodPressure: [PressurePair(130, 80)])),
                                               reasonText: text, by: .account("priya"))
        let supervisor = try AppHarness(store: store)
        await supervisor.start()
        await signIn(supervisor, worker: false)
        await supervisor.press(.char("4"), .char("f"), .char("f"), .char("f"), .char("f"), .char("f"), .char("f"))   // asha's, then priya's own
        #expect(supervisor.screen.contains("Showing: saved by priya"), "\(supervisor.screen)")
        await supervisor.press(.char("r"))
        #expect(supervisor.screen.contains("You saved this screening: another supervisor reviews it."), "\(supervisor.screen)")
        #expect(try store.reviewHistory(screeningId: priyas.summary.id).isEmpty)
    }

    @Test("Given a screening sent back to her, when the worker signs in, then Home says so, 8 lists it with why, and Enter opens the form as saved whose outcome names the send-back and saves a correction")
    func workerCorrects() async throws {
        let (store, saved) = try store()
        try store.reviewScreening(saved[1].summary.id, action: .sentBack, reason: "Sugar 212 random: was she fasting?", by: .account("priya"))
        let harness = try AppHarness(store: store)
        await harness.start()
        await signIn(harness, worker: true)
        #expect(harness.screen.contains("! 1 screening sent back to you: press 8 to correct it."), "\(harness.screen)")
        await harness.press(.char("8"))
        #expect(harness.topScreenName == "SentBackScreen")
        assertSnapshot(harness.screen, named: "sent-back")
        await harness.press(.enter)
        #expect(harness.topScreenName == "ScreeningScreen")
        #expect(harness.screen.contains("Correct screening: सुनीता देवी"))
        await harness.press(.function(10))
        #expect(harness.topScreenName == "ScreeningOutcomeScreen")
        #expect(harness.screen.contains("Sent back by priya: Sugar 212 random: was she fasting?"))
        #expect(harness.screen.contains("Mean BP 152/96"), "the saved readings are filled in: \(harness.screen)")
        await harness.press(.function(2))
        #expect(harness.topScreenName == "SentBackScreen")
        #expect(harness.screen.contains("Corrected: it goes back to the supervisor"))
        #expect(harness.screen.contains("Nothing is sent back to you."))
        #expect(try store.reviewHistory(screeningId: saved[1].summary.id).state == .corrected)
        await harness.press(.escape)
        #expect(!harness.screen.contains("sent back to you:"), "Home counts again: \(harness.screen)")
    }

    @Test("Given the register in monochrome without UTF-8, when drawn, then it reads the same in ASCII; and e writes CSV and an 80-column text register to the path it shows")
    func asciiAndExport() async throws {
        let (store, _) = try store()
        let folder = try TemporaryFolder()
        let harness = try AppHarness(store: store, glyphs: .ascii, exportDirectory: folder.path)
        await harness.start()
        await signIn(harness, worker: false)
        await harness.press(.char("4"))
        assertSnapshot(harness.screen, named: "register-ascii")
        let nonASCII = harness.screen.filter { !$0.isASCII }
        #expect(nonASCII.isEmpty, "\(nonASCII)")
        await harness.press(.char("e"))
        let csvPath = folder.path + "/register-2026-11-22.csv"
        #expect(harness.screen.contains("Written to "), "\(harness.screen)")
        #expect(harness.screen.contains("register-2026-11-22.csv and register-2026-11-22.txt"), "\(harness.screen)")
        let csv = try String(contentsOfFile: csvPath, encoding: .utf8)
        let lines = csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.count == 4)
        #expect(lines[0].hasPrefix("screening_id,patient_id,kind,date,time,worker,patient_name"))
        #expect(csv.contains("सुनीता देवी"))
        let printed = try String(contentsOfFile: folder.path + "/register-2026-11-22.txt", encoding: .utf8)
        #expect(printed.contains("Daily register of screenings and follow-ups, 22-11-2026"))
        let wide = printed.split(separator: "\n").filter { DisplayWidth.of(String($0)) > 80 }
        #expect(wide.isEmpty, "\(wide)")
        #expect(printed.contains("Where to: the Medical Officer at the PHC"))
    }

    @Test("Given the day's screenings, when the supervisor opens the indicators from the register, then the month's cascade shows each figure with its denominator, a bar and its definition, the trend at the end, in Unicode and in ASCII")
    func indicatorsScreen() async throws {
        for glyphs in [Glyphs.unicode, .ascii] {
            let (store, _) = try store()
            let harness = try AppHarness(store: store, glyphs: glyphs)
            await harness.start()
            await signIn(harness, worker: false)
            await harness.press(.char("4"), .char("i"))
            #expect(harness.topScreenName == "IndicatorsScreen")
            assertSnapshot(harness.screen, named: glyphs == .unicode ? "indicators" : "indicators-ascii")
            #expect(harness.screen.contains("Screened for hypertension                    3 of      3 100.0%"), "\(harness.screen)")
            #expect(harness.canvas.cuts.isEmpty)
            for _ in 0..<12 { await harness.press(.char(" ")) }
            #expect(harness.screen.contains("2026-11 "), "the trend ends with the month: \(harness.screen)")
            #expect(harness.canvas.cuts.isEmpty)
            if glyphs == .ascii { #expect(harness.screen.filter { !$0.isASCII }.isEmpty) }
        }
    }

    @Test("Given a worker's day with one visit sent back, when the supervisor opens My workers, then her counts show for the day and p moves to 7 days and the month")
    func workersScreen() async throws {
        let (store, saved) = try store()
        try store.reviewScreening(saved[0].summary.id, action: .sentBack, reason: "BP again", by: .account("priya"))
        let harness = try AppHarness(store: store)
        await harness.start()
        await signIn(harness, worker: false)
        await harness.press(.char("4"), .char("w"))
        #expect(harness.topScreenName == "WorkersScreen")
        assertSnapshot(harness.screen, named: "workers")
        #expect(harness.screen.contains("आशा देवी (asha)"), "\(harness.screen)")
        #expect(harness.canvas.cuts.isEmpty)
        let summary = try #require(try store.workerSummaries(from: today, to: today).first)
        let counts: [Int] = [summary.screenings, summary.followUps, summary.referred, summary.urgent, summary.sentBack, summary.corrected]
        #expect(counts == [3, 0, 2, 1, 1, 0])
        await harness.press(.char("p"))
        #expect(harness.screen.contains("Work by worker, 7 days: 16-11-2026 – 22-11-2026"), "\(harness.screen)")
        await harness.press(.char("p"))
        #expect(harness.screen.contains("the month: 01-11-2026 – 22-11-2026"), "\(harness.screen)")
    }
}

@testable import ArogyaUI
import ArogyaCore
import ArogyaStore
import ArogyaTesting
import Testing

/// The language of the screens: the facility's at sign-in, switched there for a session and kept if she
/// says so, each account's own after sign-in, and English with a line saying why where the terminal
/// cannot draw Devanagari.
@Suite("Languages on screen")
@MainActor
struct LanguageScreenTests {
    func started(_ store: AppDatabase, glyphs: Glyphs = .unicode) async throws -> AppHarness {
        let harness = try AppHarness(store: store, glyphs: glyphs)
        await harness.start()
        return harness
    }

    func setDefault(_ language: Language, in store: AppDatabase) throws {
        let facility = try #require(try store.facility())
        try store.updateFacility(FacilityDetails(name: facility.name, hfrId: facility.hfrId, state: facility.state,
                                                 villages: facility.villages.map(\.name), idleLockMinutes: 10, defaultLanguage: language),
                                 by: .account("priya"))
    }

    @Test("Given the sign-in screen in English, when F2 is pressed and Asha signs in and keeps Hindi, then her Home is Hindi, her account keeps it, and her next sign-in is Hindi without asking")
    func switchAndKeep() async throws {
        let store = try Fixtures.setUpStore()
        let harness = try await started(store)
        #expect(harness.screen.contains("Who is signing in?") && harness.screen.contains("F2: हिन्दी"))
        await harness.press(.function(2))
        #expect(harness.screen.contains("कौन साइन इन कर रहा है?"), "\(harness.screen)")
        #expect(harness.screen.contains("F2: English") && harness.screen.contains("F2 ^T भाषा"))
        await harness.press(.down)
        await harness.type(Fixtures.workerPin)
        await harness.press(.enter)
        #expect(harness.topScreenName == "KeepLanguageDialog")
        #expect(harness.screen.contains("हिन्दी रखें?") && harness.screen.contains("नमस्ते, आशा देवी।"))
        await harness.press(.char("y"))
        #expect(harness.topScreenName == "HomeScreen")
        #expect(try store.account(username: "asha")?.language == .hindi)

        await harness.press(.char("s"))
        #expect(harness.screen.contains("Who is signing in?"), "the sign-in screen is the facility's language again")
        await harness.press(.down)
        await harness.type(Fixtures.workerPin)
        await harness.press(.enter)
        #expect(harness.topScreenName == "HomeScreen")
        #expect(harness.screen.contains("नमस्ते, आशा देवी।"), "\(harness.screen)")
    }

    @Test("Given a session switched to Hindi, when she answers no to keeping it, then this session is Hindi and her account stays English")
    func switchForOneSession() async throws {
        let store = try Fixtures.setUpStore()
        let harness = try await started(store)
        await harness.press(.ctrl("t"), .down)
        await harness.type(Fixtures.workerPin)
        await harness.press(.enter)
        await harness.press(.char("n"))
        #expect(harness.topScreenName == "HomeScreen" && harness.screen.contains("नमस्ते"))
        #expect(try store.account(username: "asha")?.language == .english)
        await harness.press(.char("2"))
        #expect(harness.screen.contains("बारी और देर"), "screens opened after sign-in follow the session's language")
    }

    @Test("Given first-run setup, when हिन्दी is chosen in its first field, then the form turns Hindi at once and the facility and its supervisor keep it")
    func setupInHindi() async throws {
        let store = try AppDatabase.inMemory(clock: .fixed(Fixtures.now))
        let harness = try await started(store)
        #expect(harness.screen.contains("First-run setup"))
        await harness.press(.right)
        #expect(harness.screen.contains("पहली बार का सेटअप") && harness.screen.contains("हिन्दी (hi)"), "\(harness.screen)")
        await harness.press(.tab)
        await harness.type("AAM Rampur")
        await harness.press(.tab, .tab, .tab, .tab)
        await harness.type("priya")
        await harness.press(.tab)
        await harness.type("प्रिया शर्मा")
        await harness.press(.tab)
        await harness.type(Fixtures.supervisorPin)
        await harness.press(.tab)
        await harness.type(Fixtures.supervisorPin)
        await harness.press(.function(2))
        #expect(harness.topScreenName == "LoginScreen")
        #expect(harness.screen.contains("कौन साइन इन कर रहा है?"), "\(harness.screen)")
        #expect(try store.defaultLanguage() == .hindi)
        #expect(try store.account(username: "priya")?.language == .hindi)
    }

    @Test("Given the Users screen, when l is pressed on an account, then its language is the next one and the notice names it; a new account starts in the facility's")
    func usersScreen() async throws {
        let store = try Fixtures.setUpStore()
        try setDefault(.hindi, in: store)
        try store.setAccountLanguage(username: "priya", language: .english, by: .account("priya"))
        let harness = try await started(store)
        await harness.type(Fixtures.supervisorPin)
        await harness.press(.enter, .char("5"), .down, .char("l"))
        #expect(try store.account(username: "asha")?.language == .hindi)
        #expect(harness.screen.contains("आशा देवी sees Arogya in हिन्दी from her next sign-in."), "\(harness.screen)")
        await harness.press(.char("a"))
        #expect(harness.screen.contains("Language          हिन्दी (hi)"), "\(harness.screen)")
    }

    @Test("Given a terminal that is not UTF-8 and a facility in Hindi, when the program starts, then the screens are English with one line saying why, and F2 says it again")
    func notUTF8() async throws {
        let store = try Fixtures.setUpStore()
        try setDefault(.hindi, in: store)
        let harness = try await started(store, glyphs: .ascii)
        let lines = harness.screen.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[1] == "! In English: this terminal is not UTF-8, so no Hindi. Set LANG=C.UTF-8")
        #expect(lines[3].contains("Who is signing in?"))
        #expect(!harness.screen.contains("F2: "), "no other language is offered")
        await harness.press(.function(2))
        #expect(harness.screen.contains("! In English: this terminal is not UTF-8, so no Hindi. Set LANG=C.UTF-8"))
        await harness.type(Fixtures.supervisorPin)
        await harness.press(.enter)
        #expect(harness.screen.contains("Namaste, Priya Sharma."))
    }
}

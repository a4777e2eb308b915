import ArogyaCore
import ArogyaTesting
import Foundation
import Testing

/// The built `arogya` in a real terminal (tmux at 80×24), typed into as a person would.
@Suite("End to end in tmux", .serialized, .enabled(if: TmuxSession.testsRun, "tmux is not installed (apt-get install tmux)"))
struct TerminalEndToEndTests {
    /// Starts the built `arogya` on a new database in tmux at 80×24 (the suite runs only where tmux is,
    /// and always under CI, where a missing tmux fails it).
    func startArogya(named name: String) throws -> (TmuxSession, TemporaryFolder) {
        try #require(TmuxSession.isAvailable, "tmux is not installed (apt-get install tmux)")
        let folder = try TemporaryFolder()
        let session = try TmuxSession(name: "arogya-\(name)-\(getpid())", command: [BuiltProduct.arogya, "--db", folder.file("a.sqlite")])
        return (session, folder)
    }

    @Test("Given a new database, when a person goes through setup, login and home and quits, then each screen shows and the terminal is given back")
    func setupLoginHomeQuit() throws {
        let (session, folder) = try startArogya(named: "setup")
        defer { withExtendedLifetime(folder) {} }

        var screen = try session.waitFor("First-run setup")
        #expect(screen.contains("> Language        ← English (en) →"))
        try session.keys("Tab")
        try session.type("AAM Rampur")
        try session.keys("Tab", "Tab", "Right")
        try session.keys("Tab")
        try session.type("सीतापुर")
        try session.keys("Enter")
        try session.type("Ward 4")
        try session.keys("Enter", "Tab")
        try fillSupervisor(session, again: "4862")
        try session.keys("F2")
        screen = try session.waitFor("The two PINs are not the same")
        try session.keys("C-u")
        try session.type("4826")
        try session.keys("C-s")

        try session.waitFor("Who is signing in?")
        try session.waitFor("> प्रिया शर्मा")
        try session.waitFor("AAM Rampur · Nobody signed in · 2 waiting for upload")
        try session.type("4826")
        try session.keys("Enter")

        screen = try session.waitFor("Namaste, प्रिया शर्मा.")
        #expect(screen.contains("5  Users"))
        #expect(screen.contains("8  Sent back"))
        #expect(screen.contains("प्रिया शर्मा (supervisor)"))
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count >= 24)
        #expect(lines[0].hasPrefix(" Arogya · Home"))

        try session.keys("q")
        screen = try session.waitFor("[exited with 0]")
        #expect(!screen.contains("Namaste"), "the alternate screen was left")
    }

    @Test("Given setup done in Hindi, when she signs in and edits Devanagari with conjuncts and a nukta in the search field, then every screen is Hindi and the cursor moves and deletes by whole letters where the terminal draws them")
    func hindiSetupAndDevanagariEditing() throws {
        let (session, folder) = try startArogya(named: "hindi")
        defer { withExtendedLifetime(folder) {} }

        // The first field chooses the language, and the whole form turns to it at once.
        try session.waitFor("First-run setup")
        try session.keys("Right")
        // The last row of the frame to change: the title and the labels come before it.
        var screen = try session.waitFor("PIN दोबारा")
        #expect(screen.contains("पहली बार का सेटअप") && screen.contains("हिन्दी (hi)"))
        try session.keys("Tab")
        try session.type("AAM Rampur")
        try session.keys("Tab", "Tab", "Tab")
        try session.type("सीतापुर")
        try session.keys("Enter", "Tab")
        try fillSupervisor(session, again: "4826")
        try session.keys("F2")
        try session.waitFor("कौन साइन इन कर रहा है?")
        try session.type("4826")
        try session.keys("Enter")
        screen = try session.waitFor("नमस्ते, प्रिया शर्मा।")
        #expect(screen.contains("मुख्य पन्ना") && screen.contains("F1 ? मदद"))

        // क्ष and श्र are conjuncts (a consonant, a halant, a consonant), ज़ a letter with a nukta: each one
        // letter for the cursor. The field starts at column 20 (" > खोजें" and the bracket).
        try session.keys("1")
        let search = try session.waitFor("> खोजें")
        // The cursor comes to the search field once that frame is drawn.
        let row = try #require(search.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("> खोजें") })
        var start = try session.cursor()
        for _ in 0..<50 where start.y != row {
            Thread.sleep(forTimeInterval: 0.1)
            start = try session.cursor()
        }
        #expect(start.y == row)
        try session.type("क्षमा श्रीज़")
        screen = try session.waitFor("[क्षमा श्रीज़")
        // The cursor after what the terminal drew (it moves once the frame is drawn, so it is waited for).
        let end = (x: start.x + DisplayWidth.of("क्षमा श्रीज़"), y: start.y)
        try waitForCursor(session, x: end.x, y: start.y)
        try session.keys("Left")
        try waitForCursor(session, x: end.x - DisplayWidth.of("ज़"))
        try session.keys("Left")
        try waitForCursor(session, x: end.x - DisplayWidth.of("श्रीज़"))
        // Backspace takes the space before श्री, then मा whole.
        try session.keys("BSpace", "BSpace")
        screen = try session.waitFor("[क्षश्रीज़")
        try waitForCursor(session, x: start.x + DisplayWidth.of("क्ष"))
        try session.keys("Home", "Delete")
        screen = try session.waitFor("[श्रीज़")
        try waitForCursor(session, x: start.x)
        try session.keys("End")
        try waitForCursor(session, x: start.x + DisplayWidth.of("श्रीज़"))
        try session.keys("C-c")
        try session.waitFor("[exited with 0]")
    }

    /// Setup's supervisor section, from its login name: priya, प्रिया शर्मा, PIN 4826 and `again` to repeat it.
    func fillSupervisor(_ session: TmuxSession, again: String) throws {
        try session.type("priya")
        try session.keys("Tab")
        try session.type("प्रिया शर्मा")
        try session.keys("Tab")
        try session.type("4826")
        try session.keys("Tab")
        try session.type(again)
    }

    /// Waits for the program to move the terminal's cursor to column `x`.
    /// Waits until the cursor is at column `x` (and row `y`, when given): a frame being drawn moves it on the
    /// way, and a loaded machine draws slowly.
    func waitForCursor(_ session: TmuxSession, x: Int, y: Int? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws {
        var position = try session.cursor()
        for _ in 0..<50 where position.x != x || (y != nil && position.y != y) {
            Thread.sleep(forTimeInterval: 0.1)
            position = try session.cursor()
        }
        let screen = try session.screen()
        #expect(position.x == x && (y == nil || position.y == y),
                "cursor at \(position.x),\(position.y), expected \(x),\(y.map(String.init) ?? "any row")\n\(screen)", sourceLocation: sourceLocation)
    }

    @Test("Given a vt100, which has no alternate screen, when the program ends, then the screen is cleared and nothing of it stays")
    func vt100ClearedOnExit() throws {
        try #require(TmuxSession.isAvailable, "tmux is not installed (apt-get install tmux)")
        let folder = try TemporaryFolder()
        let session = try TmuxSession(name: "arogya-vt100-\(getpid())", environment: ["TERM": "vt100", "NO_COLOR": "1"],
                                      command: [BuiltProduct.arogya, "--db", folder.file("a.sqlite")])
        try session.waitFor("First-run setup")
        try session.keys("C-c")
        let screen = try session.waitFor("[exited with 0]")
        #expect(!screen.contains("First-run setup"), "the last screen stayed under the prompt:\n\(screen)")
    }

    @Test("Given the terminal shrinks below 80×24 and grows back, when drawn, then it asks for room and then recovers")
    func liveResize() throws {
        let (session, folder) = try startArogya(named: "resize")
        defer { withExtendedLifetime(folder) {} }
        try session.waitFor("First-run setup")
        try session.resize(width: 70, height: 20)
        try session.waitFor("terminal too small: need 80×24, have 70×20")
        try session.resize(width: 100, height: 30)
        let screen = try session.waitFor("First-run setup")
        // The title bar spans the new width: its date ends one column before the right edge.
        #expect(screen.split(separator: "\n", omittingEmptySubsequences: false).first?.count == 99)
        try session.keys("C-c")
        try session.waitFor("[exited with 0]")
    }

    @Test("Given a set-up terminal, when a patient is registered, found by a spelling variant and by her mobile's last digits, and registered again, then the card opens and the duplicate warning shows")
    func registerFindAndDuplicate() throws {
        try #require(TmuxSession.isAvailable, "tmux is not installed (apt-get install tmux)")
        let folder = try TemporaryFolder()
        let database = folder.file("a.sqlite")
        let setup = try BuiltProduct.run(["setup", "--db", database, "--facility", "AAM Rampur", "--supervisor", "priya",
                                          "--village", "Rampur", "--village", "Sitapur"], stdin: "4826\n")
        #expect(setup.status == 0)
        let session = try TmuxSession(name: "arogya-patients-\(getpid())", command: [BuiltProduct.arogya, "--db", database])
        try session.signInAsPriya()
        try session.keys("1")
        try session.waitFor("> Find")

        // Register Lakshmi Devi, in Devanagari, with her age and mobile.
        try session.keys("F2")
        try session.waitFor("Register patient")
        try session.type("लक्ष्मी देवी")
        try session.keys("Tab")
        try session.waitFor("[Lakshmi Devi")
        try session.keys("Tab", "Tab")
        try session.type("45")
        try session.keys("Tab")
        try session.type("98765 43210")
        try session.keys("Tab")
        try session.type("ram")
        try session.keys("Tab", "C-s")
        var screen = try session.waitFor("Registered")
        #expect(screen.contains("लक्ष्मी देवी · Lakshmi Devi"))
        #expect(screen.contains("9876543210"))

        // Find her by a spelling variant in Latin, and by the last digits of her mobile.
        try session.keys("Escape")
        try session.waitFor("> Find")
        try session.type("laxmi")
        screen = try session.waitFor("1 found")
        #expect(screen.contains("> लक्ष्मी देवी · Lakshmi Devi"))
        #expect(screen.contains("mob ******3210"))
        try session.keys("C-u")
        try session.type("43210")
        try session.waitFor("1 found")
        try session.keys("Enter")
        screen = try session.waitFor("Never screened.")
        #expect(screen.contains("Female, ~45 y"))

        // Registering her again, spelt another way, is stopped by the duplicate check.
        try session.keys("Escape", "C-u", "F2")
        try session.waitFor("Register patient")
        try session.type("Laxmi Devi")
        try session.keys("Tab", "Tab", "Tab")
        try session.type("46")
        try session.keys("Tab", "Tab")
        try session.type("Rampur")
        try session.keys("F2")
        // The dialog's title comes first, its candidates when the check has run.
        screen = try session.waitFor("age 45 vs 46, same village")
        #expect(screen.contains("similar name ("))
        #expect(screen.contains("Possible duplicates"))
        try session.keys("Enter")
        try session.waitFor("Never screened.")
        try session.keys("Escape", "Escape", "Escape", "q")
        try session.waitFor("[exited with 0]")
    }
}

@testable import ArogyaUI
import ArogyaCore
import ArogyaStore
import ArogyaTesting
import Foundation
import Testing

/// Whole screens at 80×24, driven with keys as a person would, compared with text snapshots.
@Suite("Screens")
@MainActor
struct ScreenFlowTests {
    func harness(_ store: AppDatabase? = nil, clock: WallClock = .fixed(Fixtures.now), size: Size = .minimum,
                 glyphs: Glyphs = .unicode) async throws -> AppHarness {
        let harness = try AppHarness(store: store ?? Fixtures.setUpStore(), clock: clock, size: size, glyphs: glyphs)
        await harness.start()
        return harness
    }

    /// Signs in as the account at `row` of the login list, which is sorted by name (0: Priya Sharma, 1: आशा देवी).
    func signIn(_ harness: AppHarness, row: Int, pin: String) async {
        for _ in 0..<row { await harness.press(.down) }
        await harness.type(pin)
        await harness.press(.enter)
    }

    @Test("Given a new database, when the app starts, then the first-run setup is shown")
    func setupEmpty() async throws {
        let harness = try await harness(try AppDatabase.inMemory())
        #expect(harness.topScreenName == "SetupScreen")
        assertSnapshot(harness.screen, named: "setup-empty")
    }

    @Test("Given setup with mistakes, when saved, then each mistake is shown at its field and nothing is saved")
    func setupErrors() async throws {
        let store = try AppDatabase.inMemory(clock: .fixed(Fixtures.now))
        let harness = try await harness(store)
        await harness.press(.tab, .tab)
        await harness.type("IN 0910")
        await harness.press(.tab, .tab, .tab)
        await harness.type("9priya")
        await harness.press(.tab)
        await harness.type("Priya 😀")
        await harness.press(.tab)
        await harness.type("1234")
        await harness.press(.function(2))
        assertSnapshot(harness.screen, named: "setup-errors")
        #expect(try store.isSetUp() == false)
        #expect(harness.canvas.cursor == Point(x: 21, y: 7), "the focus moves to the first field with a mistake")
    }

    @Test("Given a complete setup with Devanagari, when saved, then the login screen lists the new supervisor")
    func setupComplete() async throws {
        let store = try AppDatabase.inMemory(clock: .fixed(Fixtures.now))
        let harness = try await harness(store)
        await harness.press(.tab)
        await harness.type("AAM Rampur")
        await harness.press(.tab, .tab)
        await harness.type("u")
        await harness.press(.tab)
        for village in ["Rampur", "सीतापुर", "Ward 4"] {
            await harness.type(village)
            await harness.press(.enter)
        }
        await harness.press(.tab)
        await harness.type("priya")
        await harness.press(.tab)
        await harness.paste("प्रिया\r\nशर्मा")
        await harness.press(.tab)
        await harness.type(Fixtures.supervisorPin)
        await harness.press(.tab)
        await harness.type(Fixtures.supervisorPin)
        assertSnapshot(harness.screen, named: "setup-filled")
        await harness.press(.enter)
        #expect(harness.topScreenName == "LoginScreen")
        let facility = try #require(try store.facility())
        #expect(facility.state == .UP && facility.villages.map(\.name) == ["Rampur", "सीतापुर", "Ward 4"])
        #expect(try store.account(username: "priya")?.fullName == "प्रिया शर्मा")
        assertSnapshot(harness.screen, named: "login-after-setup")
    }

    @Test("Given the login screen, when a wrong PIN is typed, then it says how many tries are left")
    func loginWrongPin() async throws {
        let harness = try await harness()
        assertSnapshot(harness.screen, named: "login")
        await signIn(harness, row: 0, pin: "1111")
        #expect(harness.topScreenName == "LoginScreen")
        assertSnapshot(harness.screen, named: "login-wrong-pin")
    }

    @Test("Given a PIN and Enter typed before the names have loaded, when they load, then she is signed in")
    func loginTypeAhead() async throws {
        let harness = try AppHarness(store: try Fixtures.setUpStore())
        await harness.start(settle: false)
        harness.typeAhead(Fixtures.supervisorPin.map { Key.char($0) } + [.enter])
        await harness.settle()
        #expect(harness.topScreenName == "HomeScreen")
    }

    @Test("Given letters typed at login, when they match one name, then the list narrows to it")
    func loginFilter() async throws {
        let harness = try await harness()
        await harness.type("pri")
        await harness.type(Fixtures.supervisorPin)
        await harness.press(.enter)
        #expect(harness.signedInUsername == "priya")
    }

    @Test("Given a supervisor signs in, when home shows, then every screen is listed and the register, Upload and the due list open")
    func homeSupervisor() async throws {
        let harness = try await harness()
        await signIn(harness, row: 0, pin: Fixtures.supervisorPin)
        #expect(harness.topScreenName == "HomeScreen")
        assertSnapshot(harness.screen, named: "home-supervisor")
        await harness.press(.char("4"))
        #expect(harness.topScreenName == "RegisterScreen")
        await harness.press(.escape)
        await harness.press(.char("3"))
        #expect(harness.topScreenName == "UploadScreen")
        await harness.press(.escape)
        await harness.press(.char("2"))
        #expect(harness.topScreenName == "DueScreen")
    }

    @Test("Given a worker, when she opens Users, then she is told it is for supervisors")
    func homeWorker() async throws {
        let harness = try await harness()
        await signIn(harness, row: 1, pin: Fixtures.workerPin)
        await harness.press(.char("5"))
        #expect(harness.topScreenName == "HomeScreen")
        assertSnapshot(harness.screen, named: "home-worker")
    }

    @Test("Given the Users screen, when a worker is added, then she appears and must change her PIN")
    func usersAdd() async throws {
        let harness = try await harness()
        await signIn(harness, row: 0, pin: Fixtures.supervisorPin)
        await harness.press(.char("5"))
        assertSnapshot(harness.screen, named: "users")
        await harness.press(.char("a"))
        await harness.type("Ravi")
        await harness.press(.tab)
        await harness.type("रवि कुमार")
        await harness.press(.tab, .right, .tab, .tab)
        await harness.type("5531")
        await harness.press(.tab)
        await harness.type("5531")
        assertSnapshot(harness.screen, named: "users-add")
        await harness.press(.ctrl("s"))
        #expect(harness.topScreenName == "UsersScreen")
        assertSnapshot(harness.screen, named: "users-added")
        #expect(try harness.store.account(username: "ravi")?.role == .supervisor)
    }

    @Test("Given a taken login name, when a user is added, then the form stays with the message at the field")
    func usersAddTaken() async throws {
        let harness = try await harness()
        await signIn(harness, row: 0, pin: Fixtures.supervisorPin)
        await harness.press(.char("5"), .char("a"))
        await harness.type("asha")
        await harness.press(.tab)
        await harness.type("Asha Two")
        await harness.press(.tab, .tab, .tab)
        await harness.type("5531")
        await harness.press(.tab)
        await harness.type("5531")
        await harness.press(.enter)
        #expect(harness.topScreenName == "AccountFormScreen")
        #expect(harness.screen.contains("[asha            ]  ! The login name asha is already used."))
    }

    @Test("Given a worker's account, when disabled after confirming, then she is shown disabled and cannot sign in")
    func usersDisable() async throws {
        let harness = try await harness()
        await signIn(harness, row: 0, pin: Fixtures.supervisorPin)
        await harness.press(.char("5"), .down, .char("d"))
        assertSnapshot(harness.screen, named: "users-disable-confirm")
        await harness.press(.char("y"))
        #expect(harness.screen.contains("आशा देवी can no longer sign in."))
        #expect(try harness.store.attemptLogin(username: "asha", pin: Fixtures.workerPin) == .disabled)
        // The supervisor's own row: refused at once, no dialog.
        await harness.press(.up, .char("d"))
        #expect(harness.screen.contains("! You cannot disable your own account."))
    }

    @Test("Given a forgotten PIN, when a supervisor resets it, then the worker must choose her own at next login")
    func resetAndForcedChange() async throws {
        let harness = try await harness()
        await signIn(harness, row: 0, pin: Fixtures.supervisorPin)
        await harness.press(.char("5"), .down, .char("r"))
        assertSnapshot(harness.screen, named: "users-reset-pin")
        await harness.type("2468")
        await harness.press(.tab)
        await harness.type("2468")
        await harness.press(.enter)
        #expect(harness.screen.contains("New PIN set for आशा देवी."))
        await harness.press(.escape, .char("s"))
        await signIn(harness, row: 1, pin: "2468")
        #expect(harness.topScreenName == "ChangePinScreen")
        assertSnapshot(harness.screen, named: "change-pin-forced")
        await harness.type("2468")
        await harness.press(.tab)
        await harness.type("2468")
        await harness.press(.enter)
        #expect(harness.screen.contains("[••••    ]  ! Choose a PIN different from the current one."))
        // The focus went to the field with the problem.
        await harness.press(.ctrl("u"))
        await harness.type("3571")
        await harness.press(.tab, .ctrl("u"))
        await harness.type("3571")
        await harness.press(.enter)
        #expect(harness.topScreenName == "HomeScreen")
        #expect(try harness.store.account(username: "asha")?.mustChangePin == false)
    }

    @Test("Given the Settings screen, when the idle lock is set out of range, then the field says the range")
    func settings() async throws {
        let harness = try await harness()
        await signIn(harness, row: 0, pin: Fixtures.supervisorPin)
        await harness.press(.char("6"))
        assertSnapshot(harness.screen, named: "settings")
        await harness.press(.up, .up, .ctrl("u"))
        await harness.type("500")
        await harness.press(.function(2))
        #expect(harness.screen.contains("! Type minutes from 1 to 240."))
        await harness.press(.ctrl("u"))
        await harness.type("2")
        await harness.press(.function(2))
        #expect(harness.screen.contains("Settings saved."))
        #expect(try harness.store.idleLockMinutes() == 2)
    }

    @Test("Given another program locking the database, when Settings are saved, then it says so and keeps every change typed")
    func saveWhileLocked() async throws {
        let folder = try TemporaryFolder()
        let path = folder.file("a.sqlite")
        let store = try AppDatabase.open(path: path, mode: .createIfMissing, clock: .fixed(Fixtures.now),
                                         pinHasher: .fastForTests, busySeconds: 0.2)
        try store.completeSetup(Fixtures.standardSetup, by: .system)
        let harness = try await harness(store)
        await signIn(harness, row: 0, pin: Fixtures.supervisorPin)
        await harness.press(.char("6"), .end)
        await harness.type(" Kalan")
        let lock = try ExclusiveLock(path: path, mode: .writes)
        await harness.press(.function(2))
        #expect(harness.topScreenName == "SettingsScreen")
        // The message may wrap over the rows under the form: read it as one line.
        let flattened = harness.canvas.lines.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        #expect(flattened.contains("! The database \(path) is locked by another program. Close it (or wait for it to finish) and try again."))
        #expect(harness.screen.contains("[AAM Rampur Kalan"))
        try lock.release()
        await harness.press(.function(2))
        #expect(harness.screen.contains("Settings saved."))
        #expect(try store.facility()?.name == "AAM Rampur Kalan")
    }

    @Test("Given a worker changing her own PIN, when the current PIN is wrong, then the message is at that field")
    func changeOwnPin() async throws {
        let harness = try await harness()
        await signIn(harness, row: 1, pin: Fixtures.workerPin)
        await harness.press(.char("c"))
        assertSnapshot(harness.screen, named: "change-pin")
        await harness.type("0000")
        await harness.press(.tab)
        await harness.type("3571")
        await harness.press(.tab)
        await harness.type("3571")
        await harness.press(.enter)
        #expect(harness.screen.contains("[••••    ]  ! The current PIN is wrong."))
        await harness.press(.ctrl("u"))
        await harness.type(Fixtures.workerPin)
        await harness.press(.function(2))
        #expect(harness.topScreenName == "HomeScreen")
        #expect(try harness.store.attemptLogin(username: "asha", pin: "3571") != .wrongPin(triesLeft: 4))
    }

    @Test("Given a half-typed form, when the session locks and is unlocked, then everything typed is still there")
    func idleLockKeepsInput() async throws {
        let harness = try await harness()
        await signIn(harness, row: 0, pin: Fixtures.supervisorPin)
        await harness.press(.char("5"), .char("a"))
        await harness.type("ravi")
        await harness.wait(seconds: 599)
        #expect(harness.topScreenName == "AccountFormScreen")
        await harness.wait(seconds: 2)
        #expect(harness.topScreenName == "LockScreen")
        assertSnapshot(harness.screen, named: "lock")
        await harness.type("0000")
        await harness.press(.enter)
        #expect(harness.screen.contains("Wrong PIN."))
        await harness.type(Fixtures.supervisorPin)
        await harness.press(.enter)
        #expect(harness.topScreenName == "AccountFormScreen")
        #expect(harness.screen.contains("[ravi            ]"))
    }

    @Test("Given two users, when one switches away and back, then her screens are as she left them")
    func switchUserParksScreens() async throws {
        let harness = try await harness()
        await signIn(harness, row: 0, pin: Fixtures.supervisorPin)
        await harness.press(.char("5"), .char("a"))
        await harness.type("ravi")
        await harness.wait(seconds: 601)
        await harness.press(.function(3))
        #expect(harness.topScreenName == "LoginScreen")
        await signIn(harness, row: 1, pin: Fixtures.workerPin)
        #expect(harness.topScreenName == "HomeScreen")
        #expect(harness.screen.contains("आशा देवी (worker)"))
        await harness.press(.char("s"))
        await signIn(harness, row: 0, pin: Fixtures.supervisorPin)
        #expect(harness.topScreenName == "AccountFormScreen")
        #expect(harness.screen.contains("[ravi            ]"))
    }

    @Test("Given typed input, when Ctrl-C is pressed, then it asks first; a second Ctrl-C quits")
    func quitConfirmation() async throws {
        let harness = try await harness()
        await signIn(harness, row: 0, pin: Fixtures.supervisorPin)
        await harness.press(.char("5"), .char("a"))
        await harness.type("ravi")
        await harness.press(.ctrl("c"))
        #expect(!harness.wantsQuit)
        assertSnapshot(harness.screen, named: "quit-confirm")
        await harness.press(.char("n"))
        #expect(harness.topScreenName == "AccountFormScreen")
        await harness.press(.ctrl("c"), .ctrl("c"))
        #expect(harness.wantsQuit)
    }

    @Test("Given nothing typed, when Quit is pressed at home, then the program ends at once")
    func quitAtOnce() async throws {
        let harness = try await harness()
        await signIn(harness, row: 0, pin: Fixtures.supervisorPin)
        await harness.press(.char("q"))
        #expect(harness.wantsQuit)
    }

    @Test("Given a dirty form, when Esc is pressed, then it asks before discarding")
    func discardConfirmation() async throws {
        let harness = try await harness()
        await signIn(harness, row: 0, pin: Fixtures.supervisorPin)
        await harness.press(.char("5"), .char("a"))
        await harness.type("ravi")
        await harness.press(.escape)
        assertSnapshot(harness.screen, named: "discard-confirm")
        // Save by habit, and Enter: neither answers "discard".
        await harness.press(.function(2), .ctrl("s"), .enter)
        #expect(harness.topScreenName == "ConfirmDialog")
        await harness.press(.escape)
        #expect(harness.topScreenName == "AccountFormScreen")
        await harness.press(.escape, .char("y"))
        #expect(harness.topScreenName == "UsersScreen")
    }

    @Test("Given any screen, when ? is pressed, then its keys are listed from its key table")
    func help() async throws {
        let harness = try await harness()
        await signIn(harness, row: 0, pin: Fixtures.supervisorPin)
        await harness.press(.char("?"))
        assertSnapshot(harness.screen, named: "help-home")
        await harness.press(.char("x"))
        #expect(harness.topScreenName == "HomeScreen")
    }

    @Test("Given a terminal resized below 80×24 and back, when drawn, then it asks for room and then recovers")
    func resize() async throws {
        let harness = try await harness()
        await harness.resize(to: Size(width: 60, height: 20))
        assertSnapshot(harness.screen, named: "too-small")
        await harness.type("4826")
        await harness.resize(to: Size(width: 100, height: 30))
        #expect(harness.canvas.size == Size(width: 100, height: 30))
        #expect(harness.screen.contains("Who is signing in?"))
        #expect(harness.screen.contains("[        ]"), "keys pressed while too small are not taken")
    }

    @Test("Given a large terminal, when the Users screen is drawn at 120×40, then it uses the room")
    func largeTerminal() async throws {
        let harness = try await harness(size: Size(width: 120, height: 40))
        await signIn(harness, row: 0, pin: Fixtures.supervisorPin)
        await harness.press(.char("5"))
        assertSnapshot(harness.screen, named: "users-120x40")
    }

    @Test("Given a clock earlier than the build date, when any screen shows, then a warning says so")
    func clockWarning() async throws {
        let harness = try await harness(clock: .fixed(Timestamp(iso8601: "2020-01-01T08:00:00Z")!))
        assertSnapshot(harness.screen, named: "login-clock-warning")
    }

    @Test("Given a locale without UTF-8, when the login screen is drawn, then it uses ASCII only")
    func asciiLogin() async throws {
        let harness = try await harness(glyphs: .ascii)
        assertSnapshot(harness.screen, named: "login-ascii")
        let allASCII = harness.screen.unicodeScalars.allSatisfy { $0.isASCII }
        #expect(allASCII)
    }
}

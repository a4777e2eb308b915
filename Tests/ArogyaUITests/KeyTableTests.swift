@testable import ArogyaUI
import ArogyaCore
import ArogyaStore
import ArogyaTesting
import Testing

@Suite("Key tables")
@MainActor
struct KeyTableTests {
    /// One of every screen, for checks that must hold for all of them.
    static func everyScreen() throws -> [any Screen] {
        let store = try Fixtures.setUpStore()
        let context = AppContext(store: store, strings: Fixtures.strings, protocols: Fixtures.protocolLibrary, clock: .fixed(Fixtures.now), localTime: Fixtures.utcLocalTime)
        let priya = try #require(try store.account(username: "priya"))
        let asha = try #require(try store.account(username: "asha"))
        return [
            SetupScreen(context: context), LoginScreen(context: context), LockScreen(context: context, account: priya),
            HomeScreen(context: context, account: priya), UsersScreen(context: context, account: priya),
            AccountFormScreen(context: context, actor: priya), ResetPinScreen(context: context, actor: priya, target: asha),
            ChangePinScreen(context: context, account: asha, isForced: true), ChangePinScreen(context: context, account: asha, isForced: false),
            SettingsScreen(context: context, account: priya),
            HelpScreen(context: context, screenTitle: "Home", hints: []),
            ConfirmDialog(context: context, title: "t", message: "m", confirmLabel: "y", tag: "x"),
            QuitConfirmation(context: context, screenTitles: ["Add user"]),
        ]
    }

    @Test("Given every screen, when its key table is read, then no key is bound twice or shadows a global key")
    func noDuplicates() throws {
        let global = Set(GlobalKeys.hints.flatMap(\.keys))
        for screen in try Self.everyScreen() {
            let keys = screen.keyHints.flatMap(\.keys)
            #expect(keys.count == Set(keys).count, "\(screen.title) binds a key twice")
            #expect(global.isDisjoint(with: keys), "\(screen.title) shadows a global key")
        }
    }

    @Test("Given every screen, when a binding uses a function key, then it also has a letter or Ctrl key")
    func functionKeysHaveAlternatives() throws {
        for screen in try Self.everyScreen() {
            for hint in screen.keyHints + GlobalKeys.hints where hint.keys.contains(where: \.isFunctionKey) {
                #expect(hint.keys.contains { !$0.isFunctionKey }, "\(screen.title): \(hint.label) has only function keys")
            }
        }
    }

    @Test("Given every screen, when its footer is drawn at 80 columns, then it fits and ends with Help")
    func footerFits() throws {
        for screen in try Self.everyScreen() {
            var canvas = Canvas(size: .minimum)
            ChromeView.renderFooter(hints: screen.keyHints + GlobalKeys.hints, strings: Fixtures.strings, into: &canvas, row: 0)
            let footer = canvas.lines[0]
            #expect(footer.hasSuffix("F1 ? Help"), "\(screen.title) footer: \(footer)")
            #expect(DisplayWidth.of(footer) <= 80)
        }
    }
}

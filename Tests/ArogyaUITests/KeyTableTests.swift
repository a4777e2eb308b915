@testable import ArogyaUI
import ArogyaCore
@testable import ArogyaStore
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
            SetupScreen(context: context), LoginScreen(context: context), LockScreen(context: context, account: priya, reason: .idle),
            HomeScreen(context: context, account: priya), UsersScreen(context: context, account: priya),
            AccountFormScreen(context: context, actor: priya, language: .english), ResetPinScreen(context: context, actor: priya, target: asha),
            ChangePinScreen(context: context, account: asha, isForced: true), ChangePinScreen(context: context, account: asha, isForced: false),
            SettingsScreen(context: context, account: priya), UploadScreen(context: context, account: priya),
            HelpScreen(context: context, screenTitle: "Home", hints: []),
            ConfirmDialog(context: context, title: "t", message: "m", confirmLabel: "y"),
            QuitConfirmation(context: context, screenTitles: ["Add user"]),
            KeepLanguageDialog(context: context, account: asha, chosen: .hindi),
        ] + (try screeningScreens(store: store, context: context, account: priya))
    }

    /// The screening screens, for a woman registered for the purpose.
    static func screeningScreens(store: AppDatabase, context: AppContext, account: Account) throws -> [any Screen] {
        let today = CivilDate(year: 2026, month: 11, day: 22)!
        guard case .registered(let patient) = try store.registerPatient(
            PatientDetails(name: "Sunita Devi", sex: .female, birthDate: CivilDate(year: 1976, month: 3, day: 10)!, birthDateEstimated: false,
                           consent: Consent(given: true, method: .verbal, date: today)),
            confirmedNew: true, today: today, by: .account("asha")) else { return [] }
        let rules = Fixtures.nationalProtocol
        let draft = ScreeningDraft(rules: rules, kind: .screening, sex: .female, age: 50, known: [], strings: Fixtures.strings)
        let referral = ReferralRecord(id: "r", screeningId: "s", patientId: patient.id, place: "mo_phc", urgent: false, reasons: [],
                                      topics: [], referredOn: today, outcome: nil, outcomeOn: nil, outcomeNote: nil, version: 1)
        return [
            PatientCardScreen(context: context, account: account, patientId: patient.id),
            ScreeningScreen(context: context, account: account, patient: patient, kind: .screening, known: [], rules: rules),
            ScreeningScreen(context: context, account: account, patient: patient, kind: .followUp, known: [.hypertension], rules: rules),
            ScreeningOutcomeScreen(context: context, account: account, patient: patient, draft: draft, day: today, medicines: ""),
            ReferralOutcomeScreen(context: context, account: account, patient: patient, referrals: [referral], rules: rules),
            DueScreen(context: context, account: account),
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

    @Test("Given every dialog that asks yes or no, when its keys are read, then no key that saves elsewhere (F2, Ctrl-S) or Enter gives a yes")
    func dialogsNeverSaveIntoYes() throws {
        let saving: Set<Key> = [.function(2), .ctrl("s"), .enter]
        let dialogs = try Self.everyScreen().compactMap { $0 as? ConfirmDialog }
        #expect(!dialogs.isEmpty)
        for dialog in dialogs {
            for binding in dialog.keyTable.bindings where binding.label == .actionYes {
                #expect(saving.isDisjoint(with: binding.keys), "\(dialog.title): yes on \(binding.keys)")
            }
        }
        let keepLanguage = try Self.everyScreen().compactMap { $0 as? KeepLanguageDialog }
        #expect(!keepLanguage.isEmpty)
        for dialog in keepLanguage {
            for binding in dialog.keyTable.bindings where binding.label == .actionYes {
                #expect(saving.isDisjoint(with: binding.keys), "keep the language: yes on \(binding.keys)")
            }
        }
        let quit = try Self.everyScreen().compactMap { $0 as? QuitConfirmation }
        for dialog in quit {
            for binding in dialog.keyTable.bindings where binding.label == .actionQuit {
                #expect(saving.isDisjoint(with: binding.keys))
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

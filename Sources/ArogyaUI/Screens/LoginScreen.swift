import ArogyaCore
import ArogyaStore

/// Sign in: choose your name from the list (letters filter it), type your PIN (digits), press Enter.
@MainActor
final class LoginScreen: KeyedScreen, MessageScreen {
    enum Action: Sendable { case up, down, signIn, clear, switchLanguage, quit }

    struct State: Equatable {
        var accounts: [Account] = []
        var isLoading = true
        /// Letters typed to find a name.
        var filter = ""
        var selected = 0
        var entry = PinEntry()
        /// Enter was pressed before the names had loaded: sign in as soon as they arrive.
        var signInWhenLoaded = false
        var now: Timestamp

        /// The accounts whose name or login name contains the filter.
        var visibleAccounts: [Account] {
            guard !filter.isEmpty else { return accounts }
            let needle = filter.lowercased()
            return accounts.filter { $0.fullName.lowercased().contains(needle) || $0.username.contains(needle) }
        }

        var selectedAccount: Account? {
            let visible = visibleAccounts
            return visible.indices.contains(selected) ? visible[selected] : nil
        }
    }

    /// In the language shown: the switch (F2) gives it another.
    private(set) var context: AppContext
    private(set) var state: State

    init(context: AppContext) {
        self.context = context
        self.state = State(now: context.clock.now())
    }

    var title: String { context.strings[.loginTitle] }
    var hasUnsavedInput: Bool { false }

    let keyTable = KeyTable<Action>([
        KeyBinding(.up, keys: [.up], label: .actionMove, help: .helpLoginMove, inFooter: false),
        KeyBinding(.down, keys: [.down, .tab], label: .actionMove, help: .helpLoginMove, inFooter: false),
        KeyBinding(.signIn, keys: [.enter], label: .actionSignIn, help: .helpLoginSignIn),
        KeyBinding(.clear, keys: [.escape], label: .actionClear, help: .helpLoginClear),
        KeyBinding(.switchLanguage, keys: [.function(2), .ctrl("t")], label: .actionLanguage, help: .helpLoginLanguage),
        KeyBinding(.quit, keys: [.function(10), .ctrl("q")], label: .actionQuit, help: .helpQuit),
    ])

    enum Message: Sendable {
        /// The active accounts, for the list of names.
        case accountsLoaded([Account])
        case accountsFailed(UserMessage)
        case pinChecked(PinCheck)
    }

    func appeared() -> Effect {
        let store = context.store
        return run {
            do {
                return .accountsLoaded(try store.accounts().filter(\.isActive))
            } catch {
                return .accountsFailed(StoreError.message(for: error))
            }
        }
    }

    func perform(_ action: Action) -> Effect {
        guard !state.entry.isChecking else { return .none }
        switch action {
        case .up: state.selected = max(0, state.selected - 1)
        case .down: state.selected = min(max(0, state.visibleAccounts.count - 1), state.selected + 1)
        case .clear:
            state.filter = ""
            state.entry = PinEntry()
        case .quit: return .quit
        case .signIn: return signIn()
        case .switchLanguage: return switchLanguage()
        }
        return .none
    }

    /// The language F2 switches to; nil when only one is installed (or the terminal draws only English).
    var nextLanguage: Language? {
        let catalog = context.catalog
        return catalog.languages.count > 1 ? catalog.language(after: context.language) : nil
    }

    /// Shows this screen, the frame and (once she signs in) her session in the next language.
    private func switchLanguage() -> Effect {
        guard let next = nextLanguage else {
            if context.englishOnlyTerminal { state.entry.message = UserMessage(.uiLanguageNeedsUtf8) }
            return .none
        }
        context = context.speaking(next)
        return .session(.languageChosen(next))
    }

    /// Digits go to the PIN, letters narrow the list of names.
    func typed(_ key: Key) -> Effect {
        guard !state.entry.isChecking else { return .none }
        switch key {
        case .char(let character) where character.isASCII && character.isNumber:
            state.entry.edit(key)
        case .char(let character) where character.isLetter || character == " " || character == ".":
            state.filter.append(character)
            state.selected = 0
            state.entry.message = nil
        case .backspace:
            if !state.entry.pin.isEmpty {
                state.entry.edit(.backspace)
            } else if !state.filter.isEmpty {
                state.filter.removeLast()
                state.selected = 0
            }
        default:
            break
        }
        return .none
    }

    private func signIn() -> Effect {
        if state.isLoading {
            state.signInWhenLoaded = true
            return .none
        }
        guard let account = state.selectedAccount else {
            state.entry.message = UserMessage(.loginChooseName)
            return .none
        }
        guard let check = state.entry.check(username: account.username, store: context.store) else { return .none }
        return run { .pinChecked(check()) }
    }

    func receive(_ message: Message) -> Effect {
        state.now = context.clock.now()
        switch message {
        case .accountsLoaded(let accounts):
            state.isLoading = false
            state.accounts = accounts
            if accounts.isEmpty { state.entry.message = UserMessage(.loginNoAccounts) }
            if state.signInWhenLoaded {
                state.signInWhenLoaded = false
                return signIn()
            }
            return .none
        case .accountsFailed(let failure):
            state.isLoading = false
            state.entry.message = failure
            return .none
        case .pinChecked(let checked):
            if let account = state.entry.finish(checked, localTime: context.localTime) {
                return .session(.signedIn(account))
            }
            return appeared()  // reload the names: a lock may have begun or ended
        }
    }
}

import ArogyaCore
import ArogyaStore

/// Sign in: choose your name from the list (letters filter it), type your PIN (digits), press Enter.
@MainActor
final class LoginScreen: KeyedScreen {
    enum Action: Sendable { case up, down, signIn, clear, quit }

    struct State: Equatable {
        var accounts: [Account] = []
        var isLoading = true
        /// Letters typed to find a name.
        var filter = ""
        var selected = 0
        var pin = PinInput.make()
        var isChecking = false
        /// Enter was pressed before the names had loaded: sign in as soon as they arrive.
        var signInWhenLoaded = false
        var message: UserMessage?
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

    let context: AppContext
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
        KeyBinding(.quit, keys: [.function(10), .ctrl("q")], label: .actionQuit, help: .helpQuit),
    ])

    enum Loaded: Sendable {
        case accounts([Account])
        case failed(UserMessage)
    }

    func appeared() -> Effect {
        let store = context.store
        return .run {
            do {
                return Loaded.accounts(try store.accounts().filter(\.isActive))
            } catch {
                return Loaded.failed(StoreError.message(for: error))
            }
        }
    }

    func perform(_ action: Action) -> Effect {
        guard !state.isChecking else { return .none }
        switch action {
        case .up: state.selected = max(0, state.selected - 1)
        case .down: state.selected = min(max(0, state.visibleAccounts.count - 1), state.selected + 1)
        case .clear:
            state.filter = ""
            state.pin.clear()
            state.message = nil
        case .quit: return .quit
        case .signIn: return signIn()
        }
        return .none
    }

    func typed(_ key: Key) -> Effect {
        guard !state.isChecking else { return .none }
        switch key {
        case .char(let character) where character.isASCII && character.isNumber:
            if case .refused(let message) = state.pin.apply(key) { state.message = message } else { state.message = nil }
        case .char(let character) where character.isLetter || character == " " || character == ".":
            state.filter.append(character)
            state.selected = 0
            state.message = nil
        case .backspace:
            if !state.pin.isEmpty {
                _ = state.pin.apply(.backspace)
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
            state.message = UserMessage(.loginChooseName)
            return .none
        }
        // Too short to be anyone's PIN: say so without counting it as a wrong try.
        guard AccountRules.pinLength.contains(state.pin.text.count) else {
            state.message = state.pin.isEmpty ? UserMessage(.loginTypePin)
                : UserMessage(.errorPinLength, ["min": "\(AccountRules.pinLength.lowerBound)", "max": "\(AccountRules.pinLength.upperBound)"])
            return .none
        }
        state.isChecking = true
        state.message = nil
        let store = context.store
        let pin = state.pin.text
        let username = account.username
        return .run {
            do {
                return try store.attemptLogin(username: username, pin: pin)
            } catch {
                return StoreError.message(for: error)
            }
        }
    }

    func receive(_ result: any Sendable) -> Effect {
        state.now = context.clock.now()
        if let loaded = result as? Loaded {
            state.isLoading = false
            switch loaded {
            case .accounts(let accounts):
                state.accounts = accounts
                if accounts.isEmpty { state.message = UserMessage(.loginNoAccounts) }
                if state.signInWhenLoaded {
                    state.signInWhenLoaded = false
                    return signIn()
                }
            case .failed(let message):
                state.message = message
            }
            return .none
        }
        state.isChecking = false
        state.pin.clear()
        if let failure = result as? UserMessage {
            state.message = failure
            return .none
        }
        guard let outcome = result as? LoginOutcome else { return .none }
        switch outcome {
        case .signedIn(let account):
            return .session(.signedIn(account))
        default:
            state.message = LoginMessages.message(for: outcome, strings: context.strings, localTime: context.localTime)
            return appeared()  // reload: lock states changed
        }
    }
}

/// The sentences for login outcomes other than success, shared by the login and lock screens.
enum LoginMessages {
    static func message(for outcome: LoginOutcome, strings: StringTable, localTime: (Timestamp) -> LocalTime) -> UserMessage? {
        switch outcome {
        case .signedIn: return nil
        case .wrongPin(let triesLeft): return UserMessage(.loginWrongPin, ["tries": String(triesLeft)])
        case .locked(let until): return UserMessage(.loginLocked, ["time": localTime(until).hourMinute])
        case .disabled: return UserMessage(.loginDisabled)
        case .unknownAccount: return UserMessage(.loginUnknown)
        }
    }
}

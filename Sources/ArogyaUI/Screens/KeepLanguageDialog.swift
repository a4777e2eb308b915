import ArogyaCore
import ArogyaStore

/// After signing in in a language other than her account's (the sign-in screen's switch): keep it for
/// her account, or use it only for this session. Asked over her Home, in the language she chose.
@MainActor
final class KeepLanguageDialog: KeyedScreen, MessageScreen {
    enum Action: Sendable { case keep, onlyNow }

    enum Message: StoreFailureMessage {
        case kept(Account)
        case storeFailed(UserMessage)
    }

    let context: AppContext
    let account: Account
    let chosen: Language
    private(set) var isSaving = false
    private(set) var failure: UserMessage?

    init(context: AppContext, account: Account, chosen: Language) {
        self.context = context
        self.account = account
        self.chosen = chosen
    }

    var title: String { context.strings.text(.keepLanguageTitle, ["language": context.catalog.name(of: chosen)]) }
    var hasUnsavedInput: Bool { false }
    var isModal: Bool { true }

    let keyTable = KeyTable<Action>([
        KeyBinding(.keep, keys: [.char("y"), .char("Y")], label: .actionYes, help: .helpKeepLanguageYes),
        KeyBinding(.onlyNow, keys: [.char("n"), .char("N"), .escape], label: .actionNo, help: .helpKeepLanguageNo),
    ])

    func perform(_ action: Action) -> Effect {
        guard !isSaving else { return .none }
        switch action {
        case .onlyNow:
            return .pop
        case .keep:
            isSaving = true
            let (store, username, language) = (context.store, account.username, chosen)
            return runStore { .kept(try store.setAccountLanguage(username: username, language: language, by: .account(username))) }
        }
    }

    func receive(_ message: Message) -> Effect {
        isSaving = false
        switch message {
        case .kept(let account):
            return .batch([.pop, .session(.accountChanged(account))])
        case .storeFailed(let failure):
            self.failure = failure
            return .none
        }
    }

    func render(into canvas: inout Canvas, area: Rect) {
        let strings = context.strings
        var lines = [strings.text(.keepLanguageMessage, ["language": context.catalog.name(of: chosen),
                                                         "usual": context.catalog.name(of: account.language)])]
        if isSaving { lines.append(strings[.statusSaving]) }
        if let failure { lines += ["", strings.text(failure)] }
        _ = DialogView.render(title: title, lines: lines, footer: strings.text(.confirmKeys, ["yes": strings[.actionYes]]),
                              into: &canvas, area: area)
    }
}

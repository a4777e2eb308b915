import ArogyaCore
import ArogyaStore

/// Supervisors manage accounts here: add, disable or enable, and reset a forgotten PIN.
@MainActor
final class UsersScreen: KeyedScreen, MessageScreen {
    enum Action: Sendable { case up, down, pageUp, pageDown, add, toggleActive, resetPin, language, back }

    struct State: Equatable {
        var accounts: [Account] = []
        /// The facility's default language, for new accounts.
        var defaultLanguage: Language = .english
        var selected = 0
        var isLoading = true
        var isWorking = false
        var message: UserMessage?
        var notice: UserMessage?
        var now: Timestamp

        var selectedAccount: Account? { accounts.indices.contains(selected) ? accounts[selected] : nil }
    }

    let context: AppContext
    let account: Account
    private(set) var state: State

    init(context: AppContext, account: Account) {
        self.context = context
        self.account = account
        self.state = State(now: context.clock.now())
    }

    var title: String { context.strings[.usersTitle] }
    var hasUnsavedInput: Bool { false }

    let keyTable = KeyTable<Action>([
        KeyBinding(.up, keys: [.up, .char("k")], label: .actionMove, help: .helpMoveUp, inFooter: false),
        KeyBinding(.down, keys: [.down, .char("j")], label: .actionMove, help: .helpMoveDown, inFooter: false),
        KeyBinding(.pageUp, keys: [.pageUp], label: .actionPageUp, help: .helpPageUp, inFooter: false),
        KeyBinding(.pageDown, keys: [.pageDown], label: .actionPageDown, help: .helpPageDown, inFooter: false),
        KeyBinding(.add, keys: [.char("a"), .function(5)], label: .actionAdd, help: .helpUsersAdd),
        KeyBinding(.toggleActive, keys: [.char("d"), .function(8)], label: .actionDisableEnable, help: .helpUsersToggle),
        KeyBinding(.resetPin, keys: [.char("r"), .function(6)], label: .actionResetPin, help: .helpUsersReset),
        KeyBinding(.back, keys: [.escape, .char("q")], label: .actionBack, help: .helpBack),
        // After Back: the footer keeps Back when it has room for only one of them; help lists this.
        KeyBinding(.language, keys: [.char("l")], label: .actionLanguage, help: .helpUsersLanguage),
    ])

    enum Message: StoreFailureMessage {
        case loaded([Account], defaultLanguage: Language)
        /// An account was disabled or enabled.
        case changed(Account)
        /// An account's language was changed.
        case languageChanged(Account)
        /// The add or reset form saved and closed.
        case formSaved(AccountSaved)
        /// "Disable this account?" was answered, for this account.
        case disableAnswered(Account, confirmed: Bool)
        case storeFailed(UserMessage)
    }

    func appeared() -> Effect { reload() }

    private func reload() -> Effect {
        let store = context.store
        return runStore { .loaded(try store.accounts(), defaultLanguage: try store.defaultLanguage()) }
    }

    func perform(_ action: Action) -> Effect {
        guard !state.isWorking else { return .none }
        state.message = nil
        let pageSize = 10
        switch action {
        case .up: state.selected = max(0, state.selected - 1)
        case .down: state.selected = min(max(0, state.accounts.count - 1), state.selected + 1)
        case .pageUp: state.selected = max(0, state.selected - pageSize)
        case .pageDown: state.selected = min(max(0, state.accounts.count - 1), state.selected + pageSize)
        case .back: return .pop
        case .add:
            state.notice = nil
            return ask(AccountFormScreen(context: context, actor: account, language: state.defaultLanguage)) { .formSaved($0) }
        case .language:
            guard let target = state.selectedAccount, context.catalog.languages.count > 1 else { return .none }
            state.notice = nil
            state.isWorking = true
            let (store, actor) = (context.store, AuditActor.account(account.username))
            let next = context.catalog.language(after: target.language)
            return runStore { .languageChanged(try store.setAccountLanguage(username: target.username, language: next, by: actor)) }
        case .resetPin:
            guard let target = state.selectedAccount else { return .none }
            state.notice = nil
            return ask(ResetPinScreen(context: context, actor: account, target: target)) { .formSaved($0) }
        case .toggleActive:
            guard let target = state.selectedAccount else { return .none }
            state.notice = nil
            if target.id == account.id {
                state.message = UserMessage(.errorCannotDisableSelf)
                return .none
            }
            if target.isActive {
                let strings = context.strings
                let dialog = ConfirmDialog(context: context, title: strings[.usersDisableTitle],
                                           message: strings.text(.usersDisableMessage, ["name": target.fullName, "username": target.username]),
                                           confirmLabel: strings[.actionDisable])
                return ask(dialog) { .disableAnswered(target, confirmed: $0) }
            }
            return setActive(target, active: true)
        }
        return .none
    }

    private func setActive(_ target: Account, active: Bool) -> Effect {
        state.isWorking = true
        let store = context.store
        let actor = AuditActor.account(account.username)
        return runStore { .changed(try store.setAccountActive(username: target.username, active: active, by: actor)) }
    }

    func receive(_ message: Message) -> Effect {
        state.now = context.clock.now()
        switch message {
        case .disableAnswered(let target, let confirmed):
            return confirmed ? setActive(target, active: false) : .none
        case .formSaved(let saved):
            // `appeared` reloads the list as the form closes.
            state.notice = saved.notice
            return .none
        case .storeFailed(let failure):
            state.isWorking = false
            state.message = failure
            return .none
        case .loaded(let accounts, let defaultLanguage):
            state.isWorking = false
            state.defaultLanguage = defaultLanguage
            let selectedId = state.selectedAccount?.id
            state.isLoading = false
            state.accounts = accounts
            state.selected = accounts.firstIndex { $0.id == selectedId } ?? min(state.selected, max(0, accounts.count - 1))
            return .none
        case .changed(let changed):
            state.isWorking = false
            state.notice = UserMessage(changed.isActive ? .usersEnabled : .usersDisabled, ["name": changed.fullName])
            return reload()
        case .languageChanged(let changed):
            state.isWorking = false
            state.notice = UserMessage(.usersLanguageChanged, ["name": changed.fullName, "language": context.catalog.name(of: changed.language)])
            // Her own change shows at once on the frame the next time she signs in; the account is current now.
            return changed.id == account.id ? .batch([reload(), .session(.accountChanged(changed))]) : reload()
        }
    }

    func render(into canvas: inout Canvas, area: Rect) {
        UsersView.render(state, strings: context.strings, catalog: context.catalog, localTime: context.localTime,
                         lockout: context.store.lockout, into: &canvas, area: area)
    }
}

/// Sent back to the Users screen by the add and reset forms when they close after saving.
struct AccountSaved: Sendable {
    let notice: UserMessage
}

enum UsersView {
    static func render(_ state: UsersScreen.State, strings: StringTable, catalog: StringCatalog, localTime: (Timestamp) -> LocalTime,
                       lockout: LockoutPolicy, into canvas: inout Canvas, area: Rect) {
        let content = area.inset(dx: 1, dy: 0)
        var y = content.y + 1
        let header = "  " + columns(canvas, [strings[.usersColumnName], strings[.usersColumnUsername], strings[.usersColumnRole],
                                     strings[.usersColumnStatus], strings[.usersColumnLastLogin], strings[.usersColumnLanguage]])
        canvas.put(header, at: Point(x: content.x, y: y), style: .heading, maxWidth: content.width)
        y += 1
        if state.isLoading {
            canvas.put(strings[.statusLoading], at: Point(x: content.x + 2, y: y), style: .hint)
        }
        let rows = state.accounts.map { account -> String in
            columns(canvas, [account.fullName, account.username, strings[account.role.labelKey],
                     statusText(account, now: state.now, strings: strings, localTime: localTime, lockout: lockout),
                     account.lastLoginAt.map { strings.date(localTime($0).date) } ?? strings[.usersNever],
                     catalog.name(of: account.language)])
        }
        let styles = state.accounts.map { $0.isActive ? Style.normal : Style.disabled }
        let listHeight = content.maxY - y - 2
        ListView.render(rows: rows, selected: state.accounts.isEmpty ? nil : state.selected, styles: styles, into: &canvas,
                        area: Rect(x: content.x, y: y, width: content.width, height: listHeight))
        let messageRow = content.maxY - 1
        let message: StatusLineView.Message? = state.isWorking ? .working(strings[.statusSaving])
            : state.message.map { .problem(strings.text($0)) } ?? state.notice.map { .done(strings.text($0)) }
        StatusLineView.render(message, into: &canvas, row: messageRow, x: content.x, width: content.width)
    }

    /// Name, login, role, status, last sign-in and language, padded to fit 80 columns with the "> " marker.
    static let columnWidths = [17, 12, 10, 15, 10, 7]

    static func columns(_ canvas: Canvas, _ values: [String]) -> String {
        zip(values, columnWidths).map { canvas.pad($0, to: $1) }.joined(separator: " ")
    }

    static func statusText(_ account: Account, now: Timestamp, strings: StringTable, localTime: (Timestamp) -> LocalTime,
                           lockout: LockoutPolicy) -> String {
        account.status(now: now, lockout: lockout).text(strings) { localTime($0).hourMinute }
    }
}

import ArogyaCore
import ArogyaStore

/// The idle lock: it covers the screens of whoever is signed in, which stay exactly as they were, until
/// she types her PIN again. Someone else can switch user from here instead.
@MainActor
final class LockScreen: KeyedScreen, MessageScreen {
    enum Action: Sendable { case unlock, switchUser, quit }
    typealias Message = PinCheck

    /// Why the screen is locked, which the screen says: she should know whether she left it too long.
    enum Reason: Equatable, Sendable {
        case idle
        case byHand
    }

    struct State: Equatable {
        let account: Account
        let reason: Reason
        var entry = PinEntry()
    }

    let context: AppContext
    private(set) var state: State

    init(context: AppContext, account: Account, reason: Reason) {
        self.context = context
        self.state = State(account: account, reason: reason)
    }

    var title: String { context.strings[.lockTitle] }
    var hasUnsavedInput: Bool { false }

    let keyTable = KeyTable<Action>([
        KeyBinding(.unlock, keys: [.enter], label: .actionUnlock, help: .helpLockUnlock),
        KeyBinding(.switchUser, keys: [.function(3), .ctrl("w")], label: .actionSwitchUser, help: .helpSwitchUser),
        KeyBinding(.quit, keys: [.function(10), .ctrl("q")], label: .actionQuit, help: .helpQuit),
    ])

    func perform(_ action: Action) -> Effect {
        guard !state.entry.isChecking else { return .none }
        switch action {
        case .switchUser: return .session(.switchUser)
        case .quit: return .quit
        case .unlock:
            guard let check = state.entry.check(username: state.account.username, store: context.store) else { return .none }
            return run(check)
        }
    }

    func typed(_ key: Key) -> Effect {
        if !state.entry.isChecking { state.entry.edit(key) }
        return .none
    }

    func receive(_ checked: PinCheck) -> Effect {
        guard let account = state.entry.finish(checked, localTime: context.localTime) else { return .none }
        return .session(.unlocked(account))
    }

    func render(into canvas: inout Canvas, area: Rect) {
        let strings = context.strings
        let content = area.inset(dx: 2, dy: 0)
        var y = content.y + 2
        canvas.put(strings.text(.lockMessage, ["name": state.account.fullName]), at: Point(x: content.x, y: y), style: .heading,
                   maxWidth: content.width)
        y += 1
        for line in wrap(strings[state.reason == .idle ? .lockExplain : .lockExplainByHand], width: content.width) {
            y += 1
            canvas.put(line, at: Point(x: content.x, y: y), style: .hint)
        }
        y += 2
        FormView.renderLoneInput(label: strings[.loginPin], input: state.entry.pin, width: 8, at: Point(x: content.x, y: y), into: &canvas)
        y += 2
        StatusLineView.render(PinEntryView.message(state.entry, strings: strings), into: &canvas,
                              row: y, x: content.x, width: content.width, rows: 2)
    }
}

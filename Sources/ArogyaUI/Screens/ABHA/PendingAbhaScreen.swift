import ArogyaCore
import ArogyaStore

/// The ABHA requests kept while there was no network, oldest first (as `arogya abha pending`): when, for
/// whom, which flow, and why it waits. Enter opens her ABHA screen to resume it with her present.
@MainActor
final class PendingAbhaScreen: KeyedScreen, MessageScreen {
    enum Action: Sendable { case up, down, open, back }

    struct State: Equatable {
        var listed: [AppDatabase.ListedAbhaRequest] = []
        var selected = 0
        var isLoading = true
        var message: UserMessage?
        var notice: UserMessage?
    }

    let context: AppContext
    let account: Account
    private(set) var state = State()

    init(context: AppContext, account: Account) {
        self.context = context
        self.account = account
    }

    var title: String { context.strings[.pendingAbhaTitle] }
    var hasUnsavedInput: Bool { false }

    let keyTable = KeyTable<Action>([
        KeyBinding(.up, keys: [.up, .char("k")], label: .actionMove, help: .helpMoveUp, inFooter: false),
        KeyBinding(.down, keys: [.down, .char("j"), .tab], label: .actionMove, help: .helpMoveDown, inFooter: false),
        KeyBinding(.open, keys: [.enter], label: .actionOpen, help: .helpPendingAbhaOpen),
        KeyBinding(.back, keys: [.escape, .char("q")], label: .actionBack, help: .helpBack),
    ])

    enum Message: StoreFailureMessage {
        case loaded([AppDatabase.ListedAbhaRequest])
        case opened(Patient?, AbhaRequest.Flow)
        case saved(notice: UserMessage)
        case storeFailed(UserMessage)
    }

    func appeared() -> Effect {
        let store = context.store
        return runStore { .loaded(try store.pendingAbhaRequests()) }
    }

    func perform(_ action: Action) -> Effect {
        let count = state.listed.count
        switch action {
        case .back: return .pop
        case .up: if count > 0 { state.selected = (state.selected - 1 + count) % count }
        case .down: if count > 0 { state.selected = (state.selected + 1) % count }
        case .open:
            guard state.listed.indices.contains(state.selected) else { return .none }
            let request = state.listed[state.selected].request
            let store = context.store
            return runStore { .opened(try store.patient(id: request.patientId), request.flow) }
        }
        return .none
    }

    func receive(_ message: Message) -> Effect {
        switch message {
        case .loaded(let listed):
            state.isLoading = false
            state.listed = listed
            state.selected = min(state.selected, max(0, listed.count - 1))
        case .opened(let patient, let flow):
            guard let patient else { return .none }
            state.notice = nil
            return ask(AbhaFlowScreen(context: context, account: account, patient: patient, flow: flow)) { .saved(notice: $0.notice) }
        case .saved(let notice):
            state.notice = notice
        case .storeFailed(let failure):
            state.message = failure
        }
        return .none
    }

    func render(into canvas: inout Canvas, area: Rect) {
        let strings = context.strings
        let content = area.inset(dx: 2, dy: 0)
        var y = content.y + 1
        if state.isLoading {
            canvas.put(strings[.statusLoading], at: Point(x: content.x, y: y), style: .hint)
            return
        }
        if state.listed.isEmpty {
            for line in wrap(strings[.pendingAbhaNone], width: content.width) {
                canvas.put(line, at: Point(x: content.x, y: y), style: .hint)
                y += 1
            }
        } else {
            for line in wrap(strings[.pendingAbhaIntro], width: content.width) {
                canvas.put(line, at: Point(x: content.x, y: y), style: .hint)
                y += 1
            }
            y += 1
            let rows = state.listed.map { item -> String in
                let local = context.localTime(item.request.createdAt)
                let flow = strings[item.request.flow == .enrol ? .pendingAbhaFlowEnrol : .pendingAbhaFlowVerify]
                return strings.date(local.date) + " " + local.hourMinute + "  "
                    + DisplayWidth.pad(DisplayWidth.truncate(item.patientName, to: 20, ellipsis: canvas.glyphs.ellipsis), to: 21)
                    + DisplayWidth.pad(flow, to: 8) + item.request.reason
            }
            ListView.render(rows: rows, selected: state.selected, into: &canvas,
                            area: Rect(x: content.x, y: y, width: content.width, height: max(0, content.maxY - y - 2)))
        }
        let message: StatusLineView.Message? = state.message.map { .problem(strings.text($0)) } ?? state.notice.map { .done(strings.text($0)) }
        StatusLineView.render(message, into: &canvas, row: content.maxY - 1, x: content.x, width: content.width)
    }
}

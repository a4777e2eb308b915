import ArogyaCore
import ArogyaStore

/// The screenings a supervisor sent back to the signed-in worker, oldest first, each with why. Enter opens
/// the screening form filled in with what was saved; saving it corrects the screening, which then leaves
/// this list and goes back to the supervisor as "corrected".
@MainActor
final class SentBackScreen: KeyedScreen, MessageScreen {
    enum Action: Sendable { case up, down, open, back }

    struct State: Equatable {
        var listed: [SentBackScreening] = []
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

    var title: String { context.strings[.sentBackTitle] }
    var hasUnsavedInput: Bool { false }

    let keyTable = KeyTable<Action>([
        KeyBinding(.up, keys: [.up, .char("k")], label: .actionMove, help: .helpMoveUp, inFooter: false),
        KeyBinding(.down, keys: [.down, .char("j"), .tab], label: .actionMove, help: .helpMoveDown, inFooter: false),
        KeyBinding(.open, keys: [.enter], label: .actionCorrect, help: .helpSentBackOpen),
        KeyBinding(.back, keys: [.escape, .char("q")], label: .actionBack, help: .helpBack),
    ])

    enum Message: StoreFailureMessage {
        case loaded([SentBackScreening])
        case opened(Patient, ScreeningCorrection)
        case corrected(UserMessage)
        case storeFailed(UserMessage)
    }

    func appeared() -> Effect {
        let store = context.store
        let worker = account.username
        return runStore { .loaded(try store.sentBack(to: worker)) }
    }

    func perform(_ action: Action) -> Effect {
        let count = state.listed.count
        switch action {
        case .back: return .pop
        case .up: if count > 0 { state.selected = (state.selected - 1 + count) % count }
        case .down: if count > 0 { state.selected = (state.selected + 1) % count }
        case .open:
            guard state.listed.indices.contains(state.selected) else { return .none }
            let item = state.listed[state.selected]
            let store = context.store
            let protocols = context.protocols
            return runStore {
                let fallback = protocols.protocolFor(state: try store.facility()?.state?.code)
                guard let (input, rules) = try store.screeningInput(id: item.screening.id, protocols: protocols, fallback: fallback) else {
                    return .storeFailed(UserMessage(.errorUnknownScreening, ["id": item.screening.id]))
                }
                return .opened(item.patient, ScreeningCorrection(screening: item.screening, input: input, rules: rules, sendBack: item.review))
            }
        }
        return .none
    }

    func receive(_ message: Message) -> Effect {
        switch message {
        case .loaded(let listed):
            state.isLoading = false
            state.listed = listed
            state.selected = min(state.selected, max(0, listed.count - 1))
        case .opened(let patient, let correction):
            state.notice = nil
            return ask(ScreeningScreen(context: context, account: account, patient: patient, correcting: correction)) { .corrected($0.notice) }
        case .corrected(let notice):
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
        func paragraph(_ text: String, _ style: Style) {
            for line in wrap(text, width: content.width) {
                canvas.put(line, at: Point(x: content.x, y: y), style: style)
                y += 1
            }
        }
        if state.isLoading {
            paragraph(strings[.statusLoading], .hint)
            return
        }
        if state.listed.isEmpty {
            paragraph(strings[.sentBackNone], .hint)
        } else {
            paragraph(strings[.sentBackIntro], .hint)
            y += 1
            // Two lines a screening: who and when, then the supervisor's reason in full.
            let ellipsis = canvas.glyphs.ellipsis
            for (index, item) in state.listed.enumerated() {
                guard y + 1 < content.maxY - 2 else { break }
                let selected = index == state.selected
                let head = strings.date(item.screening.day) + "  "
                    + DisplayWidth.truncate(item.patient.name, to: content.width - 14, ellipsis: ellipsis)
                canvas.put((selected ? "> " : "  ") + head, at: Point(x: content.x, y: y), style: selected ? .selected : .normal,
                           maxWidth: content.width)
                y += 1
                let reason = strings.text(.correctionAnswers, ["by": item.review.reviewedBy, "reason": item.review.reason ?? ""])
                for line in wrap(reason, width: content.width - 4) where y < content.maxY - 2 {
                    canvas.put(line, at: Point(x: content.x + 4, y: y), style: .warning)
                    y += 1
                }
            }
        }
        let message: StatusLineView.Message? = state.message.map { .problem(strings.text($0)) } ?? state.notice.map { .done(strings.text($0)) }
        StatusLineView.render(message, into: &canvas, row: content.maxY - 1, x: content.x, width: content.width)
    }
}

import ArogyaCore

/// The questions a `ConfirmDialog` asks, so that an answer names its question by a value the compiler checks.
enum ConfirmQuestion: Sendable, Equatable {
    /// Leave and lose what was typed.
    case discard
    /// Disable (or enable) an account.
    case disableAccount
}

/// A yes-or-no question over the screen that asked it. The answer goes back to that screen's `receive`.
///
/// Only `y` says yes. The keys that save elsewhere (F2, Ctrl-S) and Enter are not bound here: a worker
/// pressing "save" by habit must never answer "discard" or "disable".
@MainActor
final class ConfirmDialog: KeyedScreen, AnswersParent {
    struct Answer: Sendable, Equatable {
        /// Which question this answers, for a screen that asks more than one.
        let tag: ConfirmQuestion
        let confirmed: Bool
    }

    enum Action: Sendable { case confirm, cancel }

    let context: AppContext
    let title: String
    let message: String
    let confirmLabel: String
    let tag: ConfirmQuestion
    private(set) var answer: (any Sendable)?

    init(context: AppContext, title: String, message: String, confirmLabel: String, tag: ConfirmQuestion) {
        self.context = context
        self.title = title
        self.message = message
        self.confirmLabel = confirmLabel
        self.tag = tag
    }

    var hasUnsavedInput: Bool { false }
    var isModal: Bool { true }

    let keyTable = KeyTable<Action>([
        KeyBinding(.confirm, keys: [.char("y"), .char("Y")], label: .actionYes, help: .helpConfirmYes),
        KeyBinding(.cancel, keys: [.char("n"), .char("N"), .escape], label: .actionNo, help: .helpConfirmNo),
    ])

    func perform(_ action: Action) -> Effect {
        answer = Answer(tag: tag, confirmed: action == .confirm)
        return .pop
    }

    func render(into canvas: inout Canvas, area: Rect) {
        let footer = context.strings.text(.confirmKeys, ["yes": confirmLabel])
        _ = DialogView.render(title: title, lines: [message], footer: footer, into: &canvas, area: area)
    }
}

/// "Quit and lose what you typed?" when a screen holds unsaved input. Ctrl-C again quits.
@MainActor
final class QuitConfirmation: KeyedScreen, AnswersParent {
    struct Confirmed: Sendable {}

    enum Action: Sendable { case quit, stay }

    let context: AppContext
    let screenTitles: [String]
    private(set) var answer: (any Sendable)?

    init(context: AppContext, screenTitles: [String]) {
        self.context = context
        self.screenTitles = screenTitles
    }

    var title: String { context.strings[.quitTitle] }
    var hasUnsavedInput: Bool { false }
    var isModal: Bool { true }

    let keyTable = KeyTable<Action>([
        KeyBinding(.quit, keys: [.char("y"), .char("Y")], label: .actionQuit, help: .helpQuitConfirm),
        KeyBinding(.stay, keys: [.char("n"), .char("N"), .escape], label: .actionStay, help: .helpQuitStay),
    ])

    func perform(_ action: Action) -> Effect {
        if action == .quit { answer = Confirmed() }
        return .pop
    }

    func render(into canvas: inout Canvas, area: Rect) {
        let strings = context.strings
        let message = strings.text(.quitMessage, ["screens": screenTitles.joined(separator: ", ")])
        _ = DialogView.render(title: title, lines: [message], footer: strings[.quitKeys], style: .warning,
                              into: &canvas, area: area)
    }
}

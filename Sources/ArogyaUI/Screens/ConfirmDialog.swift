import ArogyaCore

/// A yes-or-no question over the screen that asked it. The answer goes back to that screen's `receive`.
@MainActor
final class ConfirmDialog: KeyedScreen, AnswersParent {
    struct Answer: Sendable, Equatable {
        /// Which question this answers, for a screen that asks more than one.
        let tag: String
        let confirmed: Bool
    }

    enum Action: Sendable { case confirm, cancel }

    let context: AppContext
    let title: String
    let message: String
    let confirmLabel: String
    let tag: String
    private(set) var answer: (any Sendable)?

    init(context: AppContext, title: String, message: String, confirmLabel: String, tag: String) {
        self.context = context
        self.title = title
        self.message = message
        self.confirmLabel = confirmLabel
        self.tag = tag
    }

    var hasUnsavedInput: Bool { false }
    var isModal: Bool { true }

    let keyTable = KeyTable<Action>([
        KeyBinding(.confirm, keys: [.char("y"), .char("Y"), .function(2), .ctrl("s")], label: .actionYes, help: .helpConfirmYes),
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

import ArogyaCore

/// A yes-or-no question over the screen that asked it (with `ask`), which is told `true` for yes and
/// `false` for no; the screen's own message for the answer names the question.
///
/// Only `y` says yes. The keys that save elsewhere (F2, Ctrl-S) and Enter are not bound here: a worker
/// pressing "save" by habit must never answer "discard" or "disable".
@MainActor
final class ConfirmDialog: KeyedScreen, AnsweringScreen {
    typealias Answer = Bool

    enum Action: Sendable { case confirm, cancel }

    let context: AppContext
    let title: String
    let message: String
    let confirmLabel: String
    let answerRoute = AnswerRoute<Bool>()

    init(context: AppContext, title: String, message: String, confirmLabel: String) {
        self.context = context
        self.title = title
        self.message = message
        self.confirmLabel = confirmLabel
    }

    /// "Discard what you typed?", asked when a screen with unsaved input is left.
    static func discard(context: AppContext, message: StringKey = .discardMessage) -> ConfirmDialog {
        let strings = context.strings
        return ConfirmDialog(context: context, title: strings[.discardTitle], message: strings[message],
                             confirmLabel: strings[.actionDiscard])
    }

    var hasUnsavedInput: Bool { false }
    var isModal: Bool { true }

    let keyTable = KeyTable<Action>([
        KeyBinding(.confirm, keys: [.char("y"), .char("Y")], label: .actionYes, help: .helpConfirmYes),
        KeyBinding(.cancel, keys: [.char("n"), .char("N"), .escape], label: .actionNo, help: .helpConfirmNo),
    ])

    func perform(_ action: Action) -> Effect {
        close(answering: action == .confirm)
    }

    func render(into canvas: inout Canvas, area: Rect) {
        let footer = context.strings.text(.confirmKeys, ["yes": confirmLabel])
        _ = DialogView.render(title: title, lines: [message], footer: footer, into: &canvas, area: area)
    }
}

/// "Quit and lose what you typed?" when a screen holds unsaved input. Ctrl-C again quits.
@MainActor
final class QuitConfirmation: KeyedScreen {
    enum Action: Sendable { case quit, stay }

    let context: AppContext
    let screenTitles: [String]

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

    /// Quitting from here leaves without asking again (the application knows this question).
    func perform(_ action: Action) -> Effect {
        action == .quit ? .quit : .pop
    }

    func render(into canvas: inout Canvas, area: Rect) {
        let strings = context.strings
        let message = strings.text(.quitMessage, ["screens": screenTitles.joined(separator: ", ")])
        _ = DialogView.render(title: title, lines: [message], footer: strings[.quitKeys], style: .warning,
                              into: &canvas, area: area)
    }
}

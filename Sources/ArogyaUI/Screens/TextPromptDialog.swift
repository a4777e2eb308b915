import ArogyaCore

/// One line of text asked for over the screen that asked (with `ask`): a comment, a reason for sending a
/// screening back, a date to go to. Enter answers with what was typed, after `check` accepts it (its
/// refusal is shown at the field and the dialog stays); Esc answers nil.
@MainActor
final class TextPromptDialog: KeyedScreen, AnsweringScreen {
    typealias Answer = String?

    enum Action: Sendable { case submit, cancel }

    struct State: Equatable {
        var input: TextInput
        var error: UserMessage?
    }

    let context: AppContext
    let title: String
    let question: String
    let label: String
    /// Judges the text before it is answered: the cleaned text, or the reason it cannot be taken.
    let check: (String) -> Result<String, UserMessage>
    let answerRoute = AnswerRoute<String?>()
    private(set) var state: State

    init(context: AppContext, title: String, question: String, label: String, maxLength: Int, text: String = "",
         check: @escaping (String) -> Result<String, UserMessage>) {
        self.context = context
        self.title = title
        self.question = question
        self.label = label
        self.check = check
        self.state = State(input: TextInput(kind: .text, maxLength: maxLength, text: text))
    }

    var hasUnsavedInput: Bool { !state.input.isEmpty }
    var isModal: Bool { true }
    var typesFreeText: Bool { true }

    let keyTable = KeyTable<Action>([
        KeyBinding(.submit, keys: [.enter], label: .actionSave, help: .helpPromptSubmit),
        KeyBinding(.cancel, keys: [.escape], label: .actionCancel, help: .helpPromptCancel),
    ])

    func perform(_ action: Action) -> Effect {
        switch action {
        case .cancel: return close(answering: nil)
        case .submit:
            switch check(state.input.text) {
            case .success(let text): return close(answering: text)
            case .failure(let message): state.error = message
            }
        }
        return .none
    }

    func typed(_ key: Key) -> Effect {
        state.error = nil
        if case .refused(let message) = state.input.apply(key) { state.error = message }
        return .none
    }

    func pasted(_ text: String) -> Effect {
        state.error = nil
        if case .refused(let message) = state.input.paste(text) { state.error = message }
        return .none
    }

    func render(into canvas: inout Canvas, area: Rect) {
        let strings = context.strings
        let footer = strings[.promptKeys]
        // The question, an empty row, a row for the field, and its message under it, as many rows as it
        // wraps to (the dialog draws it; it is drawn again below in the error's style).
        let message = state.error.map { "! " + strings.text($0) }
        let box = DialogView.render(title: title, lines: [question, "", " "] + (message.map { [$0] } ?? []), footer: footer,
                                    into: &canvas, area: area)
        let messageLines = message.map { wrap($0, width: box.width - 4) } ?? []
        let fieldRow = box.maxY - 4 - messageLines.count
        let width = max(10, box.width - 7 - DisplayWidth.of(label))
        canvas.put(label, at: Point(x: box.x + 2, y: fieldRow), style: .labelFocused)
        let visible = state.input.visible(width: width)
        let x = box.x + 4 + DisplayWidth.of(label)
        canvas.put("[", at: Point(x: x - 1, y: fieldRow), style: .normal)
        canvas.put(DisplayWidth.pad(visible.text, to: width), at: Point(x: x, y: fieldRow), style: .fieldFocused)
        canvas.put("]", at: Point(x: x + width, y: fieldRow), style: .normal)
        canvas.cursor = Point(x: x + visible.cursorColumn, y: fieldRow)
        for (offset, line) in messageLines.enumerated() {
            canvas.put(line, at: Point(x: box.x + 2, y: fieldRow + 1 + offset), style: .error, maxWidth: box.width - 4)
        }
    }
}

import ArogyaCore
import ArogyaStore

/// The actions every form screen has.
public enum FormAction: Sendable {
    case nextField, previousField, enter, save, cancel
}

/// What a form screen holds besides its fields: whether it is loading or saving, and why a save failed.
public struct FormScreenState<Field: Hashable & Sendable>: Equatable, Sendable {
    public var form: Form<Field>
    public var isLoading = false
    public var isSaving = false
    /// A problem with saving as a whole (the store), shown under the form.
    public var failure: UserMessage?
    /// What the last save did ("Settings saved."), shown under the form until the next key.
    public var notice: UserMessage?

    public init(form: Form<Field>, isLoading: Bool = false) {
        self.form = form
        self.isLoading = isLoading
    }
}

/// What comes back to a form screen: what its save returned, a store call that failed, the answer to
/// "discard what you typed?", or a message of the screen's own (`Other`: what it loaded, another
/// screen's answer).
enum FormMessage<Saved: Sendable, Other: Sendable>: StoreFailureMessage {
    case saved(Saved)
    case storeFailed(UserMessage)
    case discardAnswered(Bool)
    case other(Other)
}

/// A screen that is one form: Tab and the arrows move, Enter moves on (and saves on the last field),
/// F2 or Ctrl-S saves, Esc leaves, asking first when something was typed.
@MainActor
protocol FormScreen: KeyedScreen, MessageScreen where Action == FormAction, Message == FormMessage<Saved, Other> {
    associatedtype Field: Hashable & Sendable
    /// What the save work returns when it succeeds.
    associatedtype Saved: Sendable
    /// The screen's own messages besides its save; none by default.
    associatedtype Other: Sendable = Never
    var context: AppContext { get }
    var formState: FormScreenState<Field> { get set }
    /// Checks the fields (marking errors on the form) and returns the store call that saves, or nil.
    func saveWork() -> (@Sendable () throws -> Saved)?
    /// What to do when the save succeeded.
    func saved(_ result: Saved) -> Effect
    /// What to do with one of the screen's own messages.
    func received(_ other: Other) -> Effect
    /// Esc: by default leaves, asking first when something was typed.
    func cancel() -> Effect
    /// The field a refusal from the store is about, so that it is shown there ("login name taken").
    func field(for failure: UserMessage) -> Field?
    /// After a key changed the form: what the screen does about the new values (nothing by default).
    func edited() -> Effect
}

extension FormScreen {
    var hasUnsavedInput: Bool { formState.form.isDirty }

    var typesFreeText: Bool {
        if case .text(let input) = formState.form[formState.form.focusedId].content { return input.kind == .text }
        return false
    }

    /// The standard table; the cancel keys and label vary (Esc "Back", or F10 "Quit" on first setup).
    static func formKeyTable(cancelKeys: [Key] = [.escape], cancelLabel: StringKey = .actionCancel,
                             cancelHelp: StringKey = .helpFormCancel, saveHelp: StringKey = .helpFormSave) -> KeyTable<FormAction> {
        KeyTable([
            KeyBinding(.nextField, keys: [.tab, .down], label: .actionNextField, help: .helpNextField),
            KeyBinding(.previousField, keys: [.backTab, .up], label: .actionPreviousField, help: .helpPreviousField, inFooter: false),
            KeyBinding(.enter, keys: [.enter], label: .actionNextOrAdd, help: .helpFormEnter, inFooter: false),
            KeyBinding(.save, keys: [.function(2), .ctrl("s")], label: .actionSave, help: saveHelp),
            KeyBinding(.cancel, keys: cancelKeys, label: cancelLabel, help: cancelHelp),
        ])
    }

    func perform(_ action: FormAction) -> Effect {
        guard !formState.isSaving, !formState.isLoading else { return .none }
        switch action {
        case .nextField: formState.form.focusNext()
        case .previousField: formState.form.focusPrevious()
        case .enter: if formState.form.enter() { return save() }
        case .save: return save()
        case .cancel: return cancel()
        }
        return .none
    }

    func typed(_ key: Key) -> Effect {
        guard !formState.isSaving, !formState.isLoading else { return .none }
        formState.form.edit(key, strings: context.strings)
        formState.failure = nil
        formState.notice = nil
        return edited()
    }

    func edited() -> Effect { .none }

    func pasted(_ text: String) -> Effect {
        guard !formState.isSaving, !formState.isLoading else { return .none }
        formState.form.paste(text)
        return .none
    }

    func save() -> Effect {
        formState.form.clearErrors()
        guard let work = saveWork() else {
            formState.form.focusFirstError()
            return .none
        }
        formState.isSaving = true
        formState.failure = nil
        return runStore { .saved(try work()) }
    }

    func cancel() -> Effect { leaveAskingIfDirty() }

    func field(for failure: UserMessage) -> Field? { nil }

    /// Leaves at once when nothing was typed, else asks.
    func leaveAskingIfDirty() -> Effect {
        guard formState.form.isDirty else { return .pop }
        return ask(ConfirmDialog.discard(context: context)) { .discardAnswered($0) }
    }

    func receive(_ message: Message) -> Effect {
        switch message {
        case .discardAnswered(let discard):
            return discard ? .pop : .none
        case .storeFailed(let failure):
            formState.isSaving = false
            if let field = field(for: failure) {
                formState.form.setError(failure, on: field)
                formState.form.focus(on: field)
            } else {
                formState.failure = failure
            }
            return .none
        case .saved(let result):
            formState.isSaving = false
            return saved(result)
        case .other(let other):
            return received(other)
        }
    }

    /// The form and the line under it, the usual way.
    func renderForm(into canvas: inout Canvas, area: Rect, intro: String? = nil, headings: [Field: StringKey] = [:]) {
        let strings = context.strings
        let content = area.inset(dx: 2, dy: 0)
        var y = content.y + 1
        if let intro {
            for line in wrap(intro, width: content.width) {
                canvas.put(line, at: Point(x: content.x, y: y))
                y += 1
            }
            y += 1
        }
        if formState.isLoading {
            canvas.put(strings[.statusLoading], at: Point(x: content.x, y: y), style: .hint)
            return
        }
        let messageRows = 3
        FormView.render(formState.form, strings: strings, into: &canvas,
                        area: Rect(x: content.x, y: y, width: content.width, height: content.maxY - y - messageRows - 1),
                        headings: headings)
        // Under the form: saving, a failure of the save as a whole, what the last save did, or else the whole
        // message of the focused field's problem.
        let focused = formState.form.fields[formState.form.focus]
        let message: StatusLineView.Message?
        if formState.isSaving {
            message = .working(strings[.statusSaving])
        } else if let failure = formState.failure {
            message = .problem(strings.text(failure))
        } else if let notice = formState.notice {
            message = .done(strings.text(notice))
        } else {
            message = focused.error.map { .problem(strings[focused.label] + ": " + strings.text($0)) }
        }
        StatusLineView.render(message, into: &canvas, row: content.maxY - messageRows, x: content.x, width: content.width,
                              rows: messageRows)
    }
}

extension FormScreen where Other == Never {
    func received(_ other: Never) -> Effect {}
}

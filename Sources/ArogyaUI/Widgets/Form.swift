import ArogyaCore

/// One of a fixed set of values, chosen with ← and → or by typing its first letter.
public struct Choice: Equatable, Sendable {
    public struct Option: Equatable, Sendable {
        public let value: String
        public let label: StringKey
        /// Shown after the label, e.g. a state's code.
        public let detail: String?
        /// Text shown as it is instead of the label's: a language's name in itself, whatever the screen's.
        public let fixedText: String?

        public init(value: String, label: StringKey, detail: String? = nil) {
            self.value = value
            self.label = label
            self.detail = detail
            self.fixedText = nil
        }

        public init(value: String, fixedText: String, detail: String? = nil) {
            self.value = value
            self.label = .languageName
            self.detail = detail
            self.fixedText = fixedText
        }

        public func text(_ strings: StringTable) -> String { fixedText ?? strings[label] }
    }

    public let options: [Option]
    public private(set) var selected: Int

    public init(options: [Option], selectedValue: String? = nil) {
        self.options = options
        self.selected = selectedValue.flatMap { value in options.firstIndex { $0.value == value } } ?? 0
    }

    public var value: String { options.isEmpty ? "" : options[selected].value }

    mutating func step(_ delta: Int) -> Bool {
        guard !options.isEmpty else { return false }
        selected = (selected + delta + options.count) % options.count
        return true
    }

    /// Jumps to the next option whose label starts with `letter`.
    mutating func jump(to letter: Character, strings: StringTable) -> Bool {
        let lower = String(letter).lowercased()
        for offset in 1...max(1, options.count) {
            let index = (selected + offset) % options.count
            if options[index].text(strings).lowercased().hasPrefix(lower) || options[index].detail?.lowercased().hasPrefix(lower) == true {
                selected = index
                return true
            }
        }
        return false
    }
}

/// A list of short entries typed one at a time (villages): Enter adds the entry; Backspace in an empty
/// entry takes the last item back for editing; ← at the start of the entry selects items, and Delete
/// removes the selected one.
public struct ListInput: Equatable, Sendable {
    public private(set) var items: [String]
    public var entry: TextInput
    /// The item selected for removal or editing, when the selection is in the list rather than the entry.
    public private(set) var selectedItem: Int?
    let validate: @Sendable (String) throws(UserMessage) -> String

    public init(items: [String], maxLength: Int, validate: @escaping @Sendable (String) throws(UserMessage) -> String) {
        self.items = items
        self.entry = TextInput(kind: .text, maxLength: maxLength)
        self.validate = validate
    }

    public static func == (lhs: ListInput, rhs: ListInput) -> Bool {
        lhs.items == rhs.items && lhs.entry == rhs.entry && lhs.selectedItem == rhs.selectedItem
    }

    /// Adds the typed entry. Returns nil when it was added, or the reason it was not.
    mutating func commitEntry() -> UserMessage? {
        let name: String
        do {
            name = try validate(entry.text)
        } catch {
            return error
        }
        guard !items.contains(where: { $0.lowercased() == name.lowercased() }) else {
            return UserMessage(.errorDuplicateEntry, ["name": name])
        }
        items.append(name)
        entry.clear()
        return nil
    }

    mutating func apply(_ key: Key) -> TextInput.Outcome {
        if let selected = selectedItem {
            switch key {
            case .left:
                selectedItem = max(0, selected - 1)
                return .changed
            case .right:
                selectedItem = selected + 1 < items.count ? selected + 1 : nil
                return .changed
            case .delete, .backspace:
                items.remove(at: selected)
                selectedItem = items.isEmpty ? nil : min(selected, items.count - 1)
                return .changed
            case .escape:
                selectedItem = nil
                return .changed
            default:
                // Typing goes back to the entry.
                selectedItem = nil
                return entry.apply(key)
            }
        }
        switch key {
        case .backspace where entry.isEmpty && !items.isEmpty:
            entry.set(items.removeLast())
            return .changed
        case .left where entry.cursor == 0 && !items.isEmpty:
            selectedItem = items.count - 1
            return .changed
        default:
            return entry.apply(key)
        }
    }

    /// Enter on a selected item takes it back into the entry for editing.
    mutating func editSelected() -> Bool {
        guard let selected = selectedItem, entry.isEmpty else { return false }
        entry.set(items.remove(at: selected))
        selectedItem = nil
        return true
    }

    /// The items plus a non-empty, valid entry not yet added with Enter (so that nothing typed is lost
    /// by pressing Save directly).
    func itemsIncludingEntry() throws(UserMessage) -> [String] {
        guard !entry.text.trimmingSpaces.isEmpty else { return items }
        let name = try validate(entry.text)
        return items.contains(where: { $0.lowercased() == name.lowercased() }) ? items : items + [name]
    }
}

/// A field of a form.
public struct FormField<ID: Hashable & Sendable>: Equatable, Sendable {
    public enum Content: Equatable, Sendable {
        case text(TextInput)
        case choice(Choice)
        case list(ListInput)
    }

    public let id: ID
    public let label: StringKey
    public var hint: StringKey?
    public var content: Content
    /// Columns for the value between the brackets.
    public let width: Int
    /// Shown at the field in place of the hint until the field changes.
    public var error: UserMessage?
    /// Text the screen works out from what was typed ("→ 45 y"), shown in place of the hint.
    public var note: String?

    public init(_ id: ID, label: StringKey, hint: StringKey? = nil, width: Int = 30, content: Content) {
        self.id = id
        self.label = label
        self.hint = hint
        self.width = width
        self.content = content
    }

    /// The text typed in a text field (empty for other kinds).
    public var text: String {
        if case .text(let input) = content { return input.text }
        return ""
    }
}

/// The state of a form: its fields and which one has the focus. Screens bind the navigation keys in
/// their own key tables and call these methods.
public struct Form<ID: Hashable & Sendable>: Equatable, Sendable {
    public private(set) var fields: [FormField<ID>]
    public private(set) var focus: Int
    /// Set by any edit: the screen asks before discarding a dirty form.
    public private(set) var isDirty = false

    public init(_ fields: [FormField<ID>]) {
        self.fields = fields
        self.focus = 0
    }

    public var focusedId: ID { fields[focus].id }

    public subscript(id: ID) -> FormField<ID> {
        get { fields[index(id)] }
        set { fields[index(id)] = newValue }
    }

    public func text(_ id: ID) -> String { self[id].text }

    public func choice(_ id: ID) -> String {
        if case .choice(let choice) = self[id].content { return choice.value }
        return ""
    }

    public func list(_ id: ID) -> ListInput? {
        if case .list(let list) = self[id].content { return list }
        return nil
    }

    public mutating func setError(_ message: UserMessage?, on id: ID) {
        self[id].error = message
    }

    /// Text shown beside the field in place of its hint (a masked Aadhaar number, what an age gives).
    public mutating func setNote(_ note: String?, on id: ID) {
        self[id].note = note
    }

    public mutating func clearErrors() {
        for index in fields.indices { fields[index].error = nil }
    }

    public var hasErrors: Bool { fields.contains { $0.error != nil } }

    /// Moves the focus to the first field with an error, so the worker lands where the fix is needed.
    public mutating func focusFirstError() {
        if let index = fields.firstIndex(where: { $0.error != nil }) { focus = index }
    }

    public mutating func focus(on id: ID) { focus = index(id) }

    public mutating func focusNext() { focus = (focus + 1) % fields.count }

    public mutating func focusPrevious() { focus = (focus - 1 + fields.count) % fields.count }

    public var isOnLastField: Bool { focus == fields.count - 1 }

    /// Enter: adds a list entry, or takes a selected list item back for editing, or moves on. Returns
    /// true when it was pressed on the last field, where it means "save".
    public mutating func enter() -> Bool {
        if case .list(var list) = fields[focus].content {
            if list.editSelected() {
                fields[focus].content = .list(list)
                return false
            }
            if !list.entry.text.trimmingSpaces.isEmpty {
                let problem = list.commitEntry()
                fields[focus].content = .list(list)
                fields[focus].error = problem
                isDirty = true
                return false
            }
        }
        if isOnLastField { return true }
        focusNext()
        return false
    }

    /// An editing key for the focused field.
    @discardableResult
    public mutating func edit(_ key: Key, strings: StringTable) -> TextInput.Outcome {
        var field = fields[focus]
        let outcome: TextInput.Outcome
        switch field.content {
        case .text(var input):
            outcome = input.apply(key)
            field.content = .text(input)
        case .list(var list):
            outcome = list.apply(key)
            field.content = .list(list)
        case .choice(var choice):
            switch key {
            case .left: outcome = choice.step(-1) ? .changed : .unchanged
            case .right, .char(" "): outcome = choice.step(1) ? .changed : .unchanged
            case .char(let letter) where letter.isLetter: outcome = choice.jump(to: letter, strings: strings) ? .changed : .unchanged
            default: outcome = .notHandled
            }
            field.content = .choice(choice)
        }
        apply(outcome, to: &field)
        fields[focus] = field
        return outcome
    }

    /// Pasted text for the focused field.
    @discardableResult
    public mutating func paste(_ text: String) -> TextInput.Outcome {
        var field = fields[focus]
        let outcome: TextInput.Outcome
        switch field.content {
        case .text(var input):
            outcome = input.paste(text)
            field.content = .text(input)
        case .list(var list):
            outcome = list.entry.paste(text)
            field.content = .list(list)
        case .choice:
            outcome = .notHandled
        }
        apply(outcome, to: &field)
        fields[focus] = field
        return outcome
    }

    /// Replaces a text field's content (used to clear PIN fields after a failed attempt).
    public mutating func setText(_ text: String, for id: ID) {
        if case .text(var input) = self[id].content {
            input.set(text)
            self[id].content = .text(input)
        }
    }

    private mutating func apply(_ outcome: TextInput.Outcome, to field: inout FormField<ID>) {
        switch outcome {
        case .changed:
            field.error = nil
            isDirty = true
        case .refused(let message):
            field.error = message
        case .unchanged, .notHandled:
            break
        }
    }

    private func index(_ id: ID) -> Int {
        guard let index = fields.firstIndex(where: { $0.id == id }) else {
            preconditionFailure("form has no field \(id)")
        }
        return index
    }
}

import ArogyaCore

/// The help screen: every key of the screen beneath, from its key table, and the keys that work
/// everywhere. Any key closes it.
@MainActor
final class HelpScreen: KeyedScreen {
    enum Action: Sendable { case close }

    let context: AppContext
    let screenTitle: String
    let hints: [KeyHint]

    init(context: AppContext, screenTitle: String, hints: [KeyHint]) {
        self.context = context
        self.screenTitle = screenTitle
        self.hints = hints
    }

    var title: String { context.strings.text(.helpTitle, ["screen": screenTitle]) }
    var hasUnsavedInput: Bool { false }
    var isModal: Bool { true }

    let keyTable = KeyTable<Action>([
        KeyBinding(.close, keys: [.escape, .enter, .char("q")], label: .actionClose, help: .helpClose),
    ])

    func perform(_ action: Action) -> Effect { .pop }
    func typed(_ key: Key) -> Effect { .pop }
    func pasted(_ text: String) -> Effect { .pop }

    func render(into canvas: inout Canvas, area: Rect) {
        let strings = context.strings
        let glyphs = canvas.glyphs
        let keyColumn = min(16, hints.map { DisplayWidth.of($0.keysText(strings, glyphs: glyphs)) }.max() ?? 8) + 2
        let box = area.inset(dx: 2, dy: 0)
        let textWidth = box.width - 4 - keyColumn
        // Each binding: its keys, then its help wrapped under itself.
        var lines: [String] = []
        for hint in hints {
            for (index, part) in wrap(strings[hint.help], width: textWidth).enumerated() {
                let keys = index == 0 ? hint.keysText(strings, glyphs: glyphs) : ""
                lines.append(DisplayWidth.pad(keys, to: keyColumn) + part)
            }
        }
        canvas.fill(box)
        canvas.box(box, title: title)
        for (offset, line) in lines.prefix(box.height - 3).enumerated() {
            canvas.put(line, at: Point(x: box.x + 2, y: box.y + 1 + offset), maxWidth: box.width - 4)
        }
        canvas.put(strings[.helpCloseHint], at: Point(x: box.x + 2, y: box.maxY - 2), style: .hint, maxWidth: box.width - 4)
    }
}

import ArogyaCore

/// Draws a form: one row per field (label, value in brackets, then the hint or the error), and the
/// items of a list field on the rows below it. The focused field is marked with ">" as well as colour.
enum FormView {
    static let labelWidth = 18

    /// Draws from the top of `area` and returns the first row left free. When the fields need more rows
    /// than the area has (a longer intro, a language whose hints wrap) and the focused one would be below
    /// it, the form is drawn again starting further down so that the focused field is in view, and
    /// "↑"/"↓" at the right edge say that fields are hidden.
    @discardableResult
    static func render<ID>(_ form: Form<ID>, strings: StringTable, into canvas: inout Canvas, area: Rect,
                           headings: [ID: StringKey] = [:], showsFocus: Bool = true) -> Int {
        let focus = showsFocus ? form.focus : -1
        var drawn = draw(form, from: 0, focus: focus, strings: strings, into: &canvas, area: area, headings: headings)
        if drawn.focusFits == false {
            // Rare (a form taller than its room): find the first field from which the focus fits, and draw again.
            // The first pass may have put a field's row just below the area (after a heading): cleared too.
            let drawnRows = Rect(x: area.x, y: area.y, width: area.width, height: max(area.height, drawn.y - area.y))
            var first = 0
            repeat {
                first += 1
                canvas.fill(drawnRows)
                drawn = draw(form, from: first, focus: focus, strings: strings, into: &canvas, area: area, headings: headings)
            } while drawn.focusFits == false && first < focus
            canvas.put(canvas.glyphs.arrowUp, at: Point(x: area.maxX - 1, y: area.y), style: .hint)
        }
        if drawn.next < form.fields.count { canvas.put(canvas.glyphs.arrowDown, at: Point(x: area.maxX - 1, y: area.maxY - 1), style: .hint) }
        return drawn.y
    }

    /// The fields from `first` while rows are left: the row after them, the first field not drawn, and
    /// whether the focused one ended inside the area (nil when it is not among those from `first`).
    private static func draw<ID>(_ form: Form<ID>, from first: Int, focus: Int, strings: StringTable, into canvas: inout Canvas,
                                 area: Rect, headings: [ID: StringKey]) -> (y: Int, next: Int, focusFits: Bool?) {
        var y = area.y
        var next = first
        var focusFits: Bool? = focus >= first ? false : nil
        for (index, field) in form.fields.enumerated() where index >= first && y < area.maxY {
            y = renderBlock(field, heading: headings[field.id], isFirstShown: index == first, focused: index == focus,
                            strings: strings, into: &canvas, area: area, row: y)
            if index == focus { focusFits = y <= area.maxY }
            next = index + 1
        }
        return (y, next, focusFits)
    }

    /// A field with the heading of its section above it (after a blank row, unless it is the first shown).
    private static func renderBlock<ID>(_ field: FormField<ID>, heading: StringKey?, isFirstShown: Bool, focused: Bool,
                                        strings: StringTable, into canvas: inout Canvas, area: Rect, row: Int) -> Int {
        var y = row
        if let heading {
            if !isFirstShown { y += 1 }
            canvas.put(strings[heading], at: Point(x: area.x, y: y), style: .heading)
            y += 1
        }
        return renderField(field, focused: focused, strings: strings, into: &canvas, area: area, row: y)
    }

    private static func renderField<ID>(_ field: FormField<ID>, focused: Bool, strings: StringTable,
                                        into canvas: inout Canvas, area: Rect, row: Int) -> Int {
        let glyphs = canvas.glyphs
        let marker = focused ? "> " : "  "
        canvas.put(marker + DisplayWidth.truncate(strings[field.label], to: labelWidth - 3, ellipsis: glyphs.ellipsis),
                   at: Point(x: area.x, y: row), style: focused ? .labelFocused : .normal)
        let fieldX = area.x + labelWidth
        var afterField = fieldX
        var nextRow = row + 1

        switch field.content {
        case .text(let input):
            afterField = renderInput(input, width: field.width, focused: focused, at: Point(x: fieldX, y: row), into: &canvas)
        case .choice(let choice):
            let option = choice.options.isEmpty ? nil : choice.options[choice.selected]
            let label = option.map { $0.text(strings) + ($0.detail.map { " (\($0))" } ?? "") } ?? ""
            let text = (focused ? glyphs.arrowLeft + " " : "  ") + DisplayWidth.pad(label, to: field.width - 4)
                + (focused ? " " + glyphs.arrowRight : "  ")
            afterField = fieldX + canvas.put(text, at: Point(x: fieldX, y: row), style: focused ? .fieldFocused : .field)
        case .list(let list):
            let entryFocused = focused && list.selectedItem == nil
            afterField = renderInput(list.entry, width: field.width, focused: entryFocused, at: Point(x: fieldX, y: row), into: &canvas)
            nextRow = renderItems(list, focused: focused, strings: strings, into: &canvas,
                                  area: Rect(x: fieldX, y: row + 1, width: area.maxX - fieldX, height: 2))
        }

        // The hint, or the error in its place, right of the field on the same row, so that fields never
        // move; a long error is cut here and shown whole under the form while its field has the focus.
        let note: (String, Style)? = field.error.map { ("! " + strings.text($0), .error) }
            ?? field.note.map { ($0, .hint) } ?? field.hint.map { (strings[$0], .hint) }
        if let (text, style) = note {
            let x = afterField + 2
            canvas.put(DisplayWidth.truncate(text, to: area.maxX - x, ellipsis: glyphs.ellipsis), at: Point(x: x, y: row), style: style)
        }
        return nextRow
    }

    /// A single focused input outside a form (the PIN of the login and lock screens): "> PIN  [••••    ]".
    static func renderLoneInput(label: String, input: TextInput, width: Int, at point: Point, into canvas: inout Canvas) {
        canvas.put("> " + label, at: point, style: .labelFocused)
        _ = renderInput(input, width: width, focused: true, at: Point(x: point.x + labelWidth, y: point.y), into: &canvas)
    }

    /// "[text      ]"; places the terminal cursor when focused. Returns the column after "]".
    private static func renderInput(_ input: TextInput, width: Int, focused: Bool, at point: Point, into canvas: inout Canvas) -> Int {
        let visible = input.visible(width: width)
        let style: Style = focused ? .fieldFocused : .field
        canvas.put("[", at: point, style: .normal)
        canvas.put(DisplayWidth.pad(visible.text, to: width), at: Point(x: point.x + 1, y: point.y), style: style)
        canvas.put("]", at: Point(x: point.x + 1 + width, y: point.y), style: .normal)
        if focused { canvas.cursor = Point(x: point.x + 1 + visible.cursorColumn, y: point.y) }
        return point.x + width + 2
    }

    /// The items of a list field, wrapped over the rows of `area`; the selected one in brackets.
    private static func renderItems(_ list: ListInput, focused: Bool, strings: StringTable, into canvas: inout Canvas, area: Rect) -> Int {
        guard !list.items.isEmpty else { return area.y }
        let separator = canvas.glyphs.separator
        var x = area.x + 1
        var y = area.y
        for (index, item) in list.items.enumerated() {
            let selected = focused && list.selectedItem == index
            let text = selected ? "[" + item + "]" : item
            let needed = DisplayWidth.of(text) + (index > 0 ? DisplayWidth.of(separator) : 0)
            if x + needed > area.maxX - 8 {
                if y + 1 >= area.maxY {
                    canvas.put(strings.text(.listMore, ["count": String(list.items.count - index)]), at: Point(x: x + 1, y: y), style: .hint)
                    return y + 1
                }
                y += 1
                x = area.x + 1
            } else if index > 0 {
                x += canvas.put(separator, at: Point(x: x, y: y), style: .hint)
            }
            x += canvas.put(text, at: Point(x: x, y: y), style: selected ? .selected : .normal)
        }
        return y + 1
    }
}

/// Draws a list of rows with the selected one marked by ">" and highlighted, scrolled to keep it in view.
enum ListView {
    /// The first row to show so that `selected` is visible in `height` rows.
    static func scrollOffset(selected: Int, count: Int, height: Int) -> Int {
        guard height > 0, count > height else { return 0 }
        return min(max(0, selected - height + 1), count - height)
    }

    static func render(rows: [String], selected: Int?, styles: [Style]? = nil, into canvas: inout Canvas, area: Rect) {
        let offset = scrollOffset(selected: selected ?? 0, count: rows.count, height: area.height)
        for (line, index) in (offset..<min(rows.count, offset + area.height)).enumerated() {
            let isSelected = index == selected
            let y = area.y + line
            let style = isSelected ? Style.selected : (styles?[index] ?? .normal)
            if isSelected { canvas.fill(Rect(x: area.x, y: y, width: area.width, height: 1), style: .selected) }
            canvas.put((isSelected ? "> " : "  ") + rows[index], at: Point(x: area.x, y: y), style: style, maxWidth: area.width)
        }
    }
}

/// A box in the middle of the body with a message and, below, what the keys do.
enum DialogView {
    static func render(title: String, lines: [String], footer: String, style: Style = .normal,
                       into canvas: inout Canvas, area: Rect) -> Rect {
        let width = min(area.width - 4, max(40, (lines + [footer, title]).map { DisplayWidth.of($0) }.max() ?? 0) + 4)
        var wrapped: [String] = []
        for line in lines { wrapped += line.isEmpty ? [""] : wrap(line, width: width - 4) }
        let height = min(area.height, wrapped.count + 4)
        let box = area.centered(width: width, height: height)
        canvas.fill(box)
        canvas.box(box, title: title)
        for (offset, line) in wrapped.prefix(height - 4).enumerated() {
            canvas.put(line, at: Point(x: box.x + 2, y: box.y + 1 + offset), style: style, maxWidth: width - 4)
        }
        canvas.put(footer, at: Point(x: box.x + 2, y: box.maxY - 2), style: .hint, maxWidth: width - 4)
        return box
    }
}

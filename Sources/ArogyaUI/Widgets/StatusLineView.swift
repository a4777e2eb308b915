import ArogyaCore

/// The message under a form, a PIN field or a list: work in progress, a problem, or what was done.
enum StatusLineView {
    enum Message: Equatable {
        /// "Saving…", "Checking…"
        case working(String)
        case problem(String)
        case done(String)
    }

    /// Draws the message from `row`, wrapped over at most `rows` rows.
    static func render(_ message: Message?, into canvas: inout Canvas, row: Int, x: Int, width: Int, rows: Int = 1) {
        guard let message else { return }
        let (text, style): (String, Style)
        switch message {
        case .working(let words): (text, style) = (words, .hint)
        case .problem(let words): (text, style) = ("! " + words, .error)
        case .done(let words): (text, style) = (words, .success)
        }
        for (offset, line) in wrap(text, width: width).prefix(rows).enumerated() where row + offset < canvas.size.height {
            canvas.put(line, at: Point(x: x, y: row + offset), style: style, maxWidth: width)
        }
    }
}

import ArogyaCore

/// The line under a form: "Saving…" while the store works, or why saving failed.
enum StatusLineView {
    static func render(saving: Bool, failure: UserMessage?, success: String? = nil, strings: StringTable,
                       into canvas: inout Canvas, row: Int, x: Int, width: Int) {
        guard row < canvas.size.height else { return }
        if saving {
            canvas.put(strings[.statusSaving], at: Point(x: x, y: row), style: .hint, maxWidth: width)
        } else if let failure {
            canvas.put("! " + strings.text(failure), at: Point(x: x, y: row), style: .error, maxWidth: width)
        } else if let success {
            canvas.put(success, at: Point(x: x, y: row), style: .success, maxWidth: width)
        }
    }
}

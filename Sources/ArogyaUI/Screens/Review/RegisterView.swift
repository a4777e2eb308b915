import ArogyaCore
import ArogyaStore

/// Draws the daily register: the day and the filter, the totals, a line a visit in columns that widen with
/// the terminal, and for the selected visit where she was sent and what the supervisor wrote.
enum RegisterView {
    static func render(_ state: RegisterScreen.State, strings: StringTable, placeName: (String) -> String,
                       localTime: (Timestamp) -> LocalTime, into canvas: inout Canvas, area: Rect) {
        let content = area.inset(dx: 2, dy: 0)
        var y = content.y
        func paragraph(_ text: String, _ style: Style) {
            for line in wrap(text, width: content.width) where y < content.maxY - 1 {
                canvas.put(line, at: Point(x: content.x, y: y), style: style)
                y += 1
            }
        }
        let heading = strings.text(.registerHeading, ["date": strings.date(state.day)])
            + (state.day == state.today ? " " + strings[.registerToday] : "")
        canvas.put(heading, at: Point(x: content.x, y: y), style: .heading, maxWidth: content.width)
        let filter = strings.text(.registerShowing, ["filter": filterName(state.filter, strings: strings)])
        if DisplayWidth.of(heading) + DisplayWidth.of(filter) + 2 <= content.width {
            canvas.put(filter, at: Point(x: content.maxX - DisplayWidth.of(filter), y: y), style: .hint)
            y += 1
        } else {
            y += 1
            paragraph(filter, .hint)
        }
        if state.isLoading {
            paragraph(strings[.statusLoading], .hint)
            return
        }
        // The status line takes the rows its message needs (an export names two paths), up to three.
        let message: StatusLineView.Message? = state.message.map { .problem(strings.text($0)) } ?? state.notice.map { .done(strings.text($0)) }
        let messageText: String
        switch message {
        case .problem(let text)?: messageText = "! " + text
        case .done(let text)?, .working(let text)?: messageText = text
        case nil: messageText = ""
        }
        let statusRows = max(1, min(3, wrap(messageText, width: content.width).count))
        let bottom = content.maxY - statusRows
        paragraph(RegisterTotals(state.entries).text(strings), .normal)
        y += 1
        let shown = state.shown
        if shown.isEmpty {
            paragraph(strings[state.entries.isEmpty ? .registerNone : .registerNoneShown], .hint)
        } else {
            // The list marks the selected row in the first two columns.
            let columns = Columns(width: content.width - 2)
            canvas.put(columns.header(strings), at: Point(x: content.x, y: y), style: .hint, maxWidth: content.width)
            y += 1
            // Two rows at the foot for the selected visit's details, one for the status line.
            let detail = details(state.selectedEntry, strings: strings, placeName: placeName, width: content.width)
            let listHeight = max(1, bottom - detail.count - y)
            let ellipsis = canvas.glyphs.ellipsis
            let rows = shown.map { columns.row($0, strings: strings, ellipsis: ellipsis, localTime: localTime) }
            let styles = shown.map { entry -> Style in
                entry.screening.urgent ? .error : (entry.review.state == .sentBack ? .warning : .normal)
            }
            ListView.render(rows: rows, selected: state.selected, styles: styles, into: &canvas,
                            area: Rect(x: content.x, y: y, width: content.width, height: listHeight))
            y += listHeight
            for line in detail where y < bottom {
                canvas.put(line, at: Point(x: content.x, y: y), style: .hint, maxWidth: content.width)
                y += 1
            }
        }
        StatusLineView.render(message, into: &canvas, row: bottom, x: content.x, width: content.width, rows: statusRows)
    }

    static func filterName(_ filter: RegisterFilter, strings: StringTable) -> String {
        switch filter {
        case .all: strings[.registerFilterAll]
        case .urgent: strings[.registerFilterUrgent]
        case .referred: strings[.registerFilterReferred]
        case .unreviewed: strings[.registerFilterUnreviewed]
        case .sentBack: strings[.registerFilterSentBack]
        case .worker(let login): strings.text(.registerFilterWorker, ["worker": login])
        }
    }

    /// Where the selected visit sent her, and the supervisor's last words on it: wrapped, at most two rows
    /// each, so the list keeps its room.
    static func details(_ entry: RegisterEntry?, strings: StringTable, placeName: (String) -> String, width: Int) -> [String] {
        guard let entry else { return [] }
        var lines: [String] = []
        if !entry.places.isEmpty {
            lines += wrap(strings.text(.registerWhereTo, ["places": entry.places.map(placeName).joined(separator: ", ")]), width: width).prefix(2)
        }
        if let last = entry.review.reviews.last(where: { $0.reason != nil || $0.comment != nil }) {
            let text = strings.text(.registerLastWord, ["by": last.reviewedBy, "text": last.reason ?? last.comment ?? ""])
            lines += wrap(text, width: width).prefix(2)
        }
        return lines
    }

    /// The register's columns for a width: the fixed ones (time, age and sex, BP, glucose, CBAC, verdict)
    /// and the rest shared by worker, name and village, which get the room a wider terminal gives.
    struct Columns {
        let worker: Int
        let name: Int
        let village: Int

        init(width: Int) {
            let fixed = 2 + 6 + 4 + 8 + 7 + 5 + 7
            let free = max(24, width - fixed)
            worker = min(10, max(6, free / 5))
            village = max(6, (free - worker) * 2 / 5)
            name = max(8, free - worker - village)
        }

        func header(_ strings: StringTable) -> String {
            "    " + DisplayWidth.pad(strings[.registerColumnTime], to: 6) + DisplayWidth.pad(strings[.registerColumnWorker], to: worker)
                + DisplayWidth.pad(strings[.registerColumnPatient], to: name) + DisplayWidth.pad("", to: 4)
                + DisplayWidth.pad(strings[.registerColumnVillage], to: village) + DisplayWidth.pad("BP", to: 8)
                + DisplayWidth.pad(strings[.registerColumnGlucose], to: 7) + DisplayWidth.pad("CBAC", to: 5) + strings[.registerColumnVerdict]
        }

        func row(_ entry: RegisterEntry, strings: StringTable, ellipsis: String, localTime: (Timestamp) -> LocalTime) -> String {
            let screening = entry.screening
            func cell(_ text: String, _ width: Int) -> String {
                DisplayWidth.pad(DisplayWidth.truncate(TextSanitizer.singleLine(text), to: width - 1, ellipsis: ellipsis), to: width)
            }
            let mark: String
            switch entry.review.state {
            case nil: mark = " "
            case .reviewed?: mark = "R"
            case .sentBack?: mark = "B"
            case .corrected?: mark = "C"
            }
            let sex = strings[entry.patient.sex.shortKey]
            let bp = screening.bloodPressure.map { "\($0.systolic)/\($0.diastolic)" } ?? "-"
            let verdict = screening.urgent ? strings[.registerUrgent] : (screening.refer ? strings[.registerRefer] : "-")
            return mark + " " + localTime(screening.savedAt).hourMinute + " " + cell(screening.recordedBy, worker) + cell(entry.patient.name, name)
                + cell(sex + String(entry.patient.age(on: screening.day)), 4) + cell(entry.patient.village?.name ?? "-", village)
                + cell(bp, 8) + cell(glucose(screening), 7) + cell(screening.cbacScore.map(String.init) ?? "-", 5) + verdict
        }

        /// "R 212", "F 98", "PP 180", "R LO": the test's letter and the reading.
        func glucose(_ screening: ScreeningSummary) -> String {
            guard let type = screening.glucoseType, let value = screening.glucoseValue else { return "-" }
            let letter: String
            switch type {
            case .random: letter = "R"
            case .fasting: letter = "F"
            case .postPrandial: letter = "PP"
            }
            switch value {
            case .milligramsPerDecilitre(let number): return letter + " " + String(Int(number.rounded()))
            case .meterLow: return letter + " LO"
            case .meterHigh: return letter + " HI"
            }
        }
    }
}

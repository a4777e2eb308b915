import ArogyaCore
import ArogyaSync

/// The frame around every screen: the top bar, the clock warning, the footer of keys and the status line.
enum ChromeView {
    static func renderTitleBar(title: String, date: CivilDate, strings: StringTable, into canvas: inout Canvas) {
        let width = canvas.size.width
        canvas.fill(Rect(x: 0, y: 0, width: width, height: 1), style: .title)
        let dateText = strings.dateWithWeekday(date)
        let left = " " + strings[.appName] + canvas.glyphs.separator + title
        canvas.put(canvas.truncate(left, to: width - DisplayWidth.of(dateText) - 3),
                   at: Point(x: 0, y: 0), style: .title)
        canvas.put(dateText, at: Point(x: width - DisplayWidth.of(dateText) - 1, y: 0), style: .title)
    }

    /// The warning, on as many rows as it needs (at most two). Returns the rows used.
    static func renderClockWarning(_ warning: ClockCheck.Warning, now: LocalTime, strings: StringTable,
                                   into canvas: inout Canvas, row: Int) -> Int {
        let text: String
        switch warning {
        case .beforeBuildDate(let buildDate):
            text = strings.text(.clockBeforeBuild, ["now": strings.dateWithWeekday(now.date),
                                                    "build": strings.dateWithWeekday(buildDate)])
        case .beforeNewestRecord(let newest):
            text = strings.text(.clockBeforeRecords, ["now": strings.dateWithWeekday(now.date) + " " + now.hourMinute,
                                                      "newest": strings.date(newest.utcDay)])
        }
        return renderWarning(text, into: &canvas, row: row, maximumRows: 2)
    }

    /// The database is damaged, or has lost rows: above everything, because nothing else matters as much.
    static func renderStoreWarning(_ warning: StoreWarning, path: String, strings: StringTable,
                                   into canvas: inout Canvas, row: Int) -> Int {
        let text: String
        switch warning {
        case .damaged(let detail):
            text = strings.text(.storeWarningDamaged, ["path": path, "detail": detail])
        case .rowsMissing(let problem):
            text = strings.text(.storeWarningRowsMissing, ["path": path, "expected": String(problem.expectedId),
                                                           "newest": String(problem.newestId)])
        }
        return renderWarning(text, into: &canvas, row: row, maximumRows: 3)
    }

    /// One line: the screens are in English because the terminal cannot draw the language wanted.
    static func renderLanguageNotice(strings: StringTable, into canvas: inout Canvas, row: Int) -> Int {
        renderWarning(strings[.uiLanguageNeedsUtf8], into: &canvas, row: row, maximumRows: 1)
    }

    /// "! text" on reversed rows, wrapped, continuation lines indented. Returns the rows used.
    private static func renderWarning(_ text: String, into canvas: inout Canvas, row: Int, maximumRows: Int) -> Int {
        let lines = Array(wrap("! " + text, width: canvas.size.width - 2).prefix(maximumRows))
        for (offset, line) in lines.enumerated() {
            canvas.fill(Rect(x: 0, y: row + offset, width: canvas.size.width, height: 1), style: .warning)
            canvas.put(line, at: Point(x: offset == 0 ? 0 : 2, y: row + offset), style: .warning)
        }
        return lines.count
    }

    /// "F2 ^S Save  Esc Back  F1 ? Help": as many of the screen's keys as fit, Help always last.
    static func renderFooter(hints: [KeyHint], strings: StringTable, into canvas: inout Canvas, row: Int) {
        let width = canvas.size.width
        canvas.fill(Rect(x: 0, y: row, width: width, height: 1))
        let shown = hints.filter(\.inFooter)
        let helpHint = shown.last { $0.label == .actionHelp }
        let others = shown.filter { $0.label != .actionHelp }
        let helpWidth = helpHint.map { segmentWidth($0, strings: strings, glyphs: canvas.glyphs) + 2 } ?? 0
        var x = 1
        for hint in others {
            let needed = segmentWidth(hint, strings: strings, glyphs: canvas.glyphs)
            guard x + needed + helpWidth <= width else { break }
            x = drawSegment(hint, at: x, row: row, strings: strings, into: &canvas) + 2
        }
        if let helpHint { _ = drawSegment(helpHint, at: x, row: row, strings: strings, into: &canvas) }
    }

    private static func segmentWidth(_ hint: KeyHint, strings: StringTable, glyphs: Glyphs) -> Int {
        DisplayWidth.of(hint.keysText(strings, glyphs: glyphs)) + 1 + DisplayWidth.of(strings[hint.label])
    }

    private static func drawSegment(_ hint: KeyHint, at x: Int, row: Int, strings: StringTable, into canvas: inout Canvas) -> Int {
        var column = x
        column += canvas.put(hint.keysText(strings, glyphs: canvas.glyphs), at: Point(x: column, y: row), style: .footerKey)
        column += 1
        column += canvas.put(strings[hint.label], at: Point(x: column, y: row), style: .footerLabel)
        return column
    }

    /// "AAM Rampur · Priya Sharma (supervisor) · 3 waiting for upload · 14:05"; while a sync runs,
    /// "syncing: 120 of 300 sent" in place of the waiting count.
    static func renderStatusLine(facility: String?, account: Account?, pendingUploads: Int, syncing: SyncEngine.Progress?,
                                 syncFailure: (at: LocalTime, failure: HubClient.Failure)? = nil,
                                 time: LocalTime, strings: StringTable, into canvas: inout Canvas, row: Int) {
        let width = canvas.size.width
        canvas.fill(Rect(x: 0, y: row, width: width, height: 1), style: .status)
        let separator = canvas.glyphs.separator
        let clock = time.hourMinute
        let room = width - DisplayWidth.of(clock) - 3
        // The line is said in full when it fits; else the role, the longer words, then the facility's name
        // go, so that what waits and a failed sync always show whole.
        func line(role: Bool, short: Bool, facilityShown: Bool = true) -> String {
            var parts: [String] = facilityShown ? [facility ?? strings[.statusNotSetUp]] : []
            if let account {
                parts.append(account.fullName + (role ? " (" + strings[account.role.labelKey] + ")" : ""))
            } else {
                parts.append(strings[.statusNobodySignedIn])
            }
            if let syncing {
                parts.append(strings.text(.statusSyncing, ["sent": String(syncing.sent), "total": String(syncing.total)]))
            } else {
                parts.append(pendingUploads == 0 ? strings[.statusNothingWaiting]
                             : strings.text(short ? .statusWaitingShort : .statusWaiting, ["count": String(pendingUploads)]))
                // A background sync that failed is said on every screen, not only on Upload.
                if let syncFailure {
                    parts.append(strings.text(.statusSyncFailed, ["time": syncFailure.at.hourMinute, "why": strings[Self.shortReason(syncFailure.failure)]]))
                }
            }
            return " " + parts.joined(separator: separator)
        }
        let left = [line(role: true, short: false), line(role: false, short: false), line(role: false, short: true),
                    line(role: false, short: true, facilityShown: false)]
            .first { DisplayWidth.of(canvas.shown($0)) <= room } ?? line(role: false, short: true, facilityShown: false)
        canvas.put(canvas.truncate(left, to: room), at: Point(x: 0, y: row), style: .status)
        canvas.put(clock, at: Point(x: width - DisplayWidth.of(clock) - 1, y: row), style: .status)
    }

    /// Why a sync failed, in the few words a status line has room for.
    static func shortReason(_ failure: HubClient.Failure) -> StringKey {
        switch failure {
        case .unreachable: return .statusSyncUnreachable
        case .status(401, _), .status(403, _): return .statusSyncTokenRefused
        case .status: return .statusSyncHubError
        case .invalidAnswer: return .statusSyncBadAnswer
        }
    }
}

/// Shown instead of everything else while the terminal is smaller than 80×24.
enum TooSmallView {
    static func render(strings: StringTable, size: Size, into canvas: inout Canvas) {
        let text = strings.text(.terminalTooSmall, ["need": Size.minimum.description, "have": size.description])
        let lines = wrap(text, width: max(1, size.width - 2))
        let top = max(0, (size.height - lines.count) / 2)
        for (offset, line) in lines.enumerated() where top + offset < size.height {
            let x = max(0, (size.width - DisplayWidth.of(line)) / 2)
            canvas.put(line, at: Point(x: x, y: top + offset), style: .warning)
        }
    }
}

/// Breaks text into lines of at most `width` columns at spaces (a word longer than a line is cut).
public func wrap(_ text: String, width: Int) -> [String] {
    guard width > 0 else { return [] }
    var lines: [String] = []
    var current = ""
    for word in text.split(separator: " ", omittingEmptySubsequences: true) {
        let candidate = current.isEmpty ? String(word) : current + " " + word
        if DisplayWidth.of(candidate) <= width {
            current = candidate
        } else {
            if !current.isEmpty { lines.append(current) }
            var rest = String(word)
            while DisplayWidth.of(rest) > width {
                let head = DisplayWidth.prefix(rest, fitting: width)
                lines.append(String(head))
                rest = String(rest[head.endIndex...])
            }
            current = rest
        }
    }
    if !current.isEmpty { lines.append(current) }
    return lines
}

/// Breaks text as `wrap` does, the first line `first` columns wide and the others `rest` (for a hanging
/// indent: the continuation lines are drawn further in).
public func wrap(_ text: String, first: Int, rest: Int) -> [String] {
    var words = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
    var head = ""
    while let word = words.first {
        let candidate = head.isEmpty ? word : head + " " + word
        guard DisplayWidth.of(candidate) <= first else { break }
        head = candidate
        words.removeFirst()
    }
    // A first word wider than the line is cut as `wrap` cuts it, at the narrower width.
    if head.isEmpty { return wrap(text, width: min(first, rest)) }
    return [head] + wrap(words.joined(separator: " "), width: rest)
}

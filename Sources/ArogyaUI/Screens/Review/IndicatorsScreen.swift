import ArogyaCore
import ArogyaStore
import Foundation

/// The facility's programme indicators for a month: the screening cascade, hypertension and diabetes
/// control, data quality, each figure with its denominator and its definition under it, and the 12-month
/// trend as bar charts. `[` and `]` change the month; `e` writes the report as CSV and as text.
@MainActor
final class IndicatorsScreen: KeyedScreen, MessageScreen {
    enum Action: Sendable { case monthBefore, monthAfter, scrollDown, scrollUp, pageDown, pageUp, export, back }

    struct State: Sendable {
        var month: IndicatorPeriod
        var today: CivilDate
        var report: IndicatorReport?
        var isLoading = true
        var scroll = 0
        var message: UserMessage?
        var notice: UserMessage?
    }

    let context: AppContext
    let account: Account
    private(set) var state: State

    init(context: AppContext, account: Account) {
        self.context = context
        self.account = account
        let today = context.localTime(context.clock.now()).date
        self.state = State(month: IndicatorPeriod.month(containing: today), today: today)
    }

    var title: String { context.strings[.indicatorsScreenTitle] }
    var hasUnsavedInput: Bool { false }

    let keyTable = KeyTable<Action>([
        KeyBinding(.scrollDown, keys: [.down, .char("j")], label: .actionMore, help: .helpIndicatorsScroll, inFooter: false),
        KeyBinding(.scrollUp, keys: [.up, .char("k")], label: .actionMore, help: .helpIndicatorsScroll, inFooter: false),
        KeyBinding(.pageDown, keys: [.pageDown, .char(" ")], label: .actionMore, help: .helpIndicatorsScroll),
        KeyBinding(.pageUp, keys: [.pageUp], label: .actionMore, help: .helpIndicatorsScroll, inFooter: false),
        KeyBinding(.monthBefore, keys: [.char("["), .left], label: .actionMonthBefore, help: .helpIndicatorsMonthBefore),
        KeyBinding(.monthAfter, keys: [.char("]"), .right], label: .actionMonthAfter, help: .helpIndicatorsMonthAfter),
        KeyBinding(.export, keys: [.char("e")], label: .actionExport, help: .helpIndicatorsExport),
        KeyBinding(.back, keys: [.escape, .char("q")], label: .actionBack, help: .helpBack),
    ])

    enum Message: StoreFailureMessage {
        case loaded(IndicatorPeriod, IndicatorReport)
        case exported(csv: String, text: String)
        case storeFailed(UserMessage)
    }

    func appeared() -> Effect { load() }

    private func load() -> Effect {
        let store = context.store
        let (month, today, protocols) = (state.month, state.today, context.protocols)
        return runStore {
            let rules = protocols.protocolFor(state: try store.facility()?.state?.code)
            return .loaded(month, try store.indicators(period: month, rules: rules, today: today))
        }
    }

    func perform(_ action: Action) -> Effect {
        state.message = nil
        switch action {
        case .back: return .pop
        case .scrollDown: state.scroll += 1
        case .scrollUp: state.scroll = max(0, state.scroll - 1)
        case .pageDown: state.scroll += 10
        case .pageUp: state.scroll = max(0, state.scroll - 10)
        case .monthBefore: return show(state.month.adding(months: -1))
        case .monthAfter:
            guard state.month.to < state.today else { state.message = UserMessage(.indicatorsNoLaterMonth); return .none }
            return show(state.month.adding(months: 1))
        case .export:
            guard let report = state.report else { return .none }
            let strings = context.strings
            let directory = context.exportDirectory
            let title = reportTitle
            return runStore {
                let base = (directory as NSString).appendingPathComponent("indicators-" + report.period.label)
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                try Data(CSV.document(header: IndicatorReport.csvHeader, rows: report.csvRows(strings: strings)).utf8)
                    .write(to: URL(fileURLWithPath: base + ".csv"), options: .atomic)
                let text = report.text(strings: strings, title: title, definitions: true, unicode: false).joined(separator: "\n") + "\n"
                try Data(text.utf8).write(to: URL(fileURLWithPath: base + ".txt"), options: .atomic)
                return .exported(csv: base + ".csv", text: base + ".txt")
            }
        }
        return .none
    }

    private func show(_ month: IndicatorPeriod) -> Effect {
        state.month = month
        state.isLoading = true
        state.scroll = 0
        state.notice = nil
        return load()
    }

    var reportTitle: String {
        context.strings.text(.indicatorsScreenHeading, ["period": context.strings.monthName(state.month.from.month) + " " + String(state.month.from.year)])
    }

    func receive(_ message: Message) -> Effect {
        switch message {
        case .loaded(let month, let report):
            guard month == state.month else { return .none }
            state.isLoading = false
            state.report = report
        case .exported(let csv, let text):
            state.notice = RegisterFiles.notice(csv: csv, text: text)
        case .storeFailed(let failure):
            state.message = failure
        }
        return .none
    }

    func render(into canvas: inout Canvas, area: Rect) {
        let strings = context.strings
        let content = area.inset(dx: 2, dy: 0)
        canvas.put(reportTitle, at: Point(x: content.x, y: content.y), style: .heading, maxWidth: content.width)
        guard let report = state.report, !state.isLoading else {
            canvas.put(strings[.statusLoading], at: Point(x: content.x, y: content.y + 2), style: .hint)
            return
        }
        let lines = IndicatorsView.lines(report, strings: strings, width: content.width, unicode: canvas.glyphs == .unicode,
                                         countedTo: report.countedTo == report.period.to ? nil : strings.date(report.countedTo))
        let message: StatusLineView.Message? = state.message.map { .problem(strings.text($0)) } ?? state.notice.map { .done(strings.text($0)) }
        let statusRows = message == nil ? 1 : 2
        let height = content.height - 1 - statusRows
        let scroll = min(state.scroll, max(0, lines.count - height))
        for (offset, line) in lines.dropFirst(scroll).prefix(height).enumerated() {
            canvas.put(line.text, at: Point(x: content.x, y: content.y + 1 + offset), style: line.style, maxWidth: content.width)
        }
        if lines.count > scroll + height {
            canvas.put(strings[.registerRecordMore], at: Point(x: content.maxX - DisplayWidth.of(strings[.registerRecordMore]), y: content.y),
                       style: .hint)
        }
        StatusLineView.render(message, into: &canvas, row: content.maxY - statusRows, x: content.x, width: content.width, rows: statusRows)
    }
}

/// The indicator report as screen lines: a section heading, then per figure "label  count of N  %" with
/// a bar of the share and the definition under it, then the trend's two bar charts.
enum IndicatorsView {
    struct Line {
        let text: String
        let style: Style
    }

    static func lines(_ report: IndicatorReport, strings: StringTable, width: Int, unicode: Bool, countedTo: String?) -> [Line] {
        var lines: [Line] = []
        if let countedTo { lines.append(Line(text: strings.text(.indicatorsCountedTo, ["date": countedTo]), style: .hint)) }
        let labelWidth = max(20, min(40, width - 36))
        for section in report.sections {
            lines.append(Line(text: "", style: .normal))
            lines.append(Line(text: strings[section.title], style: .heading))
            for figure in section.figures {
                var text = DisplayWidth.pad(DisplayWidth.truncate(strings[figure.label], to: labelWidth - 1, ellipsis: unicode ? "…" : "~"), to: labelWidth)
                    + IndicatorReport.number(figure.count, width: 6)
                if let of = figure.of {
                    let percent = IndicatorReport.percentText(figure)
                    text += strings.text(.indicatorsOf, ["of": IndicatorReport.number(of, width: 6)]) + " "
                        + String(repeating: " ", count: max(0, 6 - percent.count)) + percent
                }
                if let percent = figure.percent {
                    let used = DisplayWidth.of(text) + 2
                    if width - used >= 6 { text += "  " + BarChart.bar(percent / 100, width: min(12, width - used), unicode: unicode) }
                }
                lines.append(Line(text: text, style: .normal))
                for part in wrap(strings[figure.definition], width: width - 4) { lines.append(Line(text: "    " + part, style: .hint)) }
            }
        }
        lines.append(Line(text: "", style: .normal))
        lines.append(Line(text: strings[.indicatorsTrend], style: .heading))
        let most = max(1, report.trend.map(\.screenings).max() ?? 1)
        for point in report.trend {
            let share = point.controlOf > 0 ? Double(point.controlled) / Double(point.controlOf) : 0
            let percent = point.controlOf > 0 ? String(Int((share * 100).rounded())) + "%" : "-"
            let text = point.month + " " + DisplayWidth.pad(BarChart.bar(share, width: 16, unicode: unicode), to: 17)
                + String(repeating: " ", count: max(0, 4 - percent.count)) + percent + " " + DisplayWidth.pad("(\(point.controlled)/\(point.controlOf))", to: 10)
                + DisplayWidth.pad(BarChart.bar(Double(point.screenings) / Double(most), width: 12, unicode: unicode), to: 13) + String(point.screenings)
            lines.append(Line(text: text, style: .normal))
        }
        for offset in report.clockOffsets {
            lines.append(Line(text: strings.text(.indicatorsClockOff, ["terminal": offset.terminal, "minutes": String(offset.minutes)]), style: .warning))
        }
        return lines
    }
}

import ArogyaCore
import ArogyaStore
import Foundation

/// Which visits of the day's register are shown.
enum RegisterFilter: Equatable, Sendable {
    case all, urgent, referred, unreviewed, sentBack
    case worker(String)

    func keeps(_ entry: RegisterEntry) -> Bool {
        switch self {
        case .all: true
        case .urgent: entry.screening.urgent
        case .referred: entry.screening.refer
        // A comment alone decides nothing: the visit is still to be reviewed.
        case .unreviewed: entry.review.state == nil
        case .sentBack: entry.review.state == .sentBack
        case .worker(let login): entry.screening.recordedBy == login
        }
    }

    /// The next filter `f` moves to: the fixed ones, then each worker of the day, then all again.
    func next(workers: [String]) -> RegisterFilter {
        let cycle: [RegisterFilter] = [.all, .urgent, .referred, .unreviewed, .sentBack] + workers.map { .worker($0) }
        let index = cycle.firstIndex(of: self) ?? 0
        return cycle[(index + 1) % cycle.count]
    }
}

/// The supervisor's daily register: every screening and follow-up visit saved at the facility on a day
/// (from all its terminals, once synced), with totals, filters and the review of each. `r` marks the
/// selected visit reviewed, `c` adds a comment, `b` sends it back with a reason, Enter opens the whole
/// record; `[` and `]` go a day back and forward, `g` to a date; `e` writes the register as CSV and as an
/// 80-column text register.
@MainActor
final class RegisterScreen: KeyedScreen, MessageScreen {
    enum Action: Sendable { case up, down, open, dayBefore, dayAfter, goToDay, filter, reviewed, comment, sendBack, export, indicators, workers, back }

    struct State: Sendable {
        var day: CivilDate
        var today: CivilDate
        var entries: [RegisterEntry] = []
        var filter: RegisterFilter = .all
        var selected = 0
        var isLoading = true
        var message: UserMessage?
        var notice: UserMessage?

        var shown: [RegisterEntry] { entries.filter(filter.keeps) }
        var workers: [String] {
            var seen: [String] = []
            for entry in entries where !seen.contains(entry.screening.recordedBy) { seen.append(entry.screening.recordedBy) }
            return seen
        }
        var selectedEntry: RegisterEntry? {
            let shown = self.shown
            return shown.indices.contains(selected) ? shown[selected] : nil
        }
    }

    let context: AppContext
    let account: Account
    private(set) var state: State

    init(context: AppContext, account: Account, day: CivilDate? = nil) {
        self.context = context
        self.account = account
        let today = context.localTime(context.clock.now()).date
        self.state = State(day: day ?? today, today: today)
    }

    var title: String { context.strings[.registerTitle] }
    var hasUnsavedInput: Bool { false }

    let keyTable = KeyTable<Action>([
        KeyBinding(.up, keys: [.up, .char("k")], label: .actionMove, help: .helpMoveUp, inFooter: false),
        KeyBinding(.down, keys: [.down, .char("j"), .tab], label: .actionMove, help: .helpMoveDown, inFooter: false),
        KeyBinding(.open, keys: [.enter], label: .actionOpen, help: .helpRegisterOpen),
        KeyBinding(.reviewed, keys: [.char("r")], label: .actionReviewed, help: .helpReviewReviewed),
        KeyBinding(.comment, keys: [.char("c")], label: .actionComment, help: .helpReviewComment),
        KeyBinding(.sendBack, keys: [.char("b")], label: .actionSendBack, help: .helpReviewSendBack),
        KeyBinding(.dayBefore, keys: [.char("["), .left], label: .actionDayBefore, help: .helpRegisterDayBefore, inFooter: false),
        KeyBinding(.dayAfter, keys: [.char("]"), .right], label: .actionDayAfter, help: .helpRegisterDayAfter, inFooter: false),
        KeyBinding(.goToDay, keys: [.char("g")], label: .actionGoToDay, help: .helpRegisterGoToDay),
        KeyBinding(.filter, keys: [.char("f")], label: .actionFilter, help: .helpRegisterFilter),
        KeyBinding(.export, keys: [.char("e")], label: .actionExport, help: .helpRegisterExport),
        KeyBinding(.indicators, keys: [.char("i")], label: .actionIndicators, help: .helpRegisterIndicators),
        KeyBinding(.workers, keys: [.char("w")], label: .actionWorkers, help: .helpRegisterWorkers),
        KeyBinding(.back, keys: [.escape, .char("q")], label: .actionBack, help: .helpBack),
    ])

    enum Message: StoreFailureMessage {
        case loaded(CivilDate, [RegisterEntry])
        case dayTyped(String?)
        case commentTyped(String?)
        case reasonTyped(String?)
        /// A review was saved: what to say, and the register again.
        case reviewSaved(UserMessage)
        case exported(csv: String, text: String)
        /// The record screen closed: something may have been reviewed there.
        case recordClosed(UserMessage?)
        case storeFailed(UserMessage)
    }

    func appeared() -> Effect { load() }

    private func load() -> Effect {
        let store = context.store
        let day = state.day
        return runStore { .loaded(day, try store.dailyRegister(day: day)) }
    }

    func perform(_ action: Action) -> Effect {
        state.message = nil
        let count = state.shown.count
        switch action {
        case .back: return .pop
        case .up: if count > 0 { state.selected = (state.selected - 1 + count) % count }
        case .down: if count > 0 { state.selected = (state.selected + 1) % count }
        case .dayBefore: return show(day: state.day.adding(days: -1))
        case .dayAfter:
            guard state.day < state.today else { state.message = UserMessage(.registerNoLaterDay); return .none }
            return show(day: state.day.adding(days: 1))
        case .goToDay:
            let strings = context.strings
            let today = state.today
            let prompt = TextPromptDialog(context: context, title: strings[.registerGoToDayTitle], question: strings[.registerGoToDayQuestion],
                                          label: strings[.registerDateLabel], maxLength: 10) { text in
                do throws(UserMessage) { return .success(try DayInput.parse(text, today: today).iso8601) } catch { return .failure(error) }
            }
            return ask(prompt) { .dayTyped($0) }
        case .filter:
            state.filter = state.filter.next(workers: state.workers)
            state.selected = 0
        case .open:
            guard let entry = state.selectedEntry else { return .none }
            return ask(RegisterRecordScreen(context: context, account: account, entry: entry)) { .recordClosed($0) }
        case .reviewed:
            guard let entry = state.selectedEntry else { return .none }
            return save(.reviewed, on: entry)
        case .comment:
            guard state.selectedEntry != nil else { return .none }
            return ask(ReviewPrompts.comment(context: context)) { .commentTyped($0) }
        case .sendBack:
            guard state.selectedEntry != nil else { return .none }
            return ask(ReviewPrompts.reason(context: context)) { .reasonTyped($0) }
        case .export:
            return export()
        case .indicators:
            return .push(IndicatorsScreen(context: context, account: account))
        case .workers:
            return .push(WorkersScreen(context: context, day: state.day))
        }
        return .none
    }

    private func show(day: CivilDate) -> Effect {
        state.day = day
        state.selected = 0
        state.isLoading = true
        state.notice = nil
        return load()
    }

    private func save(_ action: ReviewAction, reason: String? = nil, comment: String? = nil, on entry: RegisterEntry) -> Effect {
        let store = context.store
        let actor = AuditActor.account(account.username)
        let id = entry.screening.id
        return runStore {
            try store.reviewScreening(id, action: action, reason: reason, comment: comment, by: actor)
            return .reviewSaved(ReviewPrompts.notice(for: action))
        }
    }

    private func export() -> Effect {
        let shown = state.shown
        let day = state.day
        let strings = context.strings
        let directory = context.exportDirectory
        let placeName = placeNamer()
        return runStore {
            let rows = shown.map { RegisterRow($0, placeNames: $0.places.map(placeName)) }
            let (csv, text) = try RegisterFiles.write(rows, day: day, strings: strings, to: directory)
            return .exported(csv: csv, text: text)
        }
    }

    /// The protocol's names of the places, in the worker's language.
    func placeNamer() -> @Sendable (String) -> String {
        let rules = context.protocols.protocolFor(state: nil)
        let language = context.strings.language
        return { rules.placeName($0, language: language) }
    }

    func receive(_ message: Message) -> Effect {
        switch message {
        case .loaded(let day, let entries):
            guard day == state.day else { return .none }
            state.isLoading = false
            state.entries = entries
            state.selected = min(state.selected, max(0, state.shown.count - 1))
        case .dayTyped(let text):
            if let text, let day = CivilDate(iso8601: text) { return show(day: day) }
        case .commentTyped(let text):
            if let text, let entry = state.selectedEntry { return save(.comment, comment: text, on: entry) }
        case .reasonTyped(let text):
            if let text, let entry = state.selectedEntry { return save(.sentBack, reason: text, on: entry) }
        case .reviewSaved(let notice):
            state.notice = notice
            return load()
        case .exported(let csv, let text):
            state.notice = RegisterFiles.notice(csv: csv, text: text)
        case .recordClosed(let notice):
            if let notice { state.notice = notice }
            return load()
        case .storeFailed(let failure):
            state.message = failure
        }
        return .none
    }

    func render(into canvas: inout Canvas, area: Rect) {
        RegisterView.render(state, strings: context.strings, placeName: placeNamer(), localTime: context.localTime, into: &canvas, area: area)
    }
}

/// The comment and send-back prompts, the same from the register and from the record.
@MainActor
enum ReviewPrompts {
    static func comment(context: AppContext) -> TextPromptDialog {
        let strings = context.strings
        return TextPromptDialog(context: context, title: strings[.reviewCommentTitle], question: strings[.reviewCommentQuestion],
                                label: strings[.reviewCommentLabel], maxLength: ReviewRules.textLength) { Self.check($0, empty: .errorReviewTextEmpty) }
    }

    static func reason(context: AppContext) -> TextPromptDialog {
        let strings = context.strings
        return TextPromptDialog(context: context, title: strings[.reviewSendBackTitle], question: strings[.reviewSendBackQuestion],
                                label: strings[.reviewReasonLabel], maxLength: ReviewRules.textLength) { Self.check($0, empty: .errorReviewReasonMissing) }
    }

    /// The text as it will be saved; nothing typed is said at the field, as `empty` says it.
    nonisolated static func check(_ text: String, empty: StringKey) -> Result<String, UserMessage> {
        do {
            guard let cleaned = try ReviewRules.text(text) else { return .failure(UserMessage(empty)) }
            return .success(cleaned)
        } catch {
            return .failure(error)
        }
    }

    nonisolated static func notice(for action: ReviewAction) -> UserMessage {
        switch action {
        case .reviewed: UserMessage(.reviewSavedReviewed)
        case .comment: UserMessage(.reviewSavedComment)
        case .sentBack: UserMessage(.reviewSavedSentBack)
        }
    }
}

/// A day typed as a worker writes one: DD-MM-YYYY, DDMMYYYY, or YYYY-MM-DD; never after today.
enum DayInput {
    static func parse(_ raw: String, today: CivilDate) throws(UserMessage) -> CivilDate {
        var text = raw.trimmingCharacters(in: .whitespaces)
        if text.count == 8, text.allSatisfy({ $0.isASCII && $0.isNumber }) {
            let digits = Array(text)
            text = String(digits[0..<2]) + "-" + String(digits[2..<4]) + "-" + String(digits[4...])
        }
        let parts = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "-" || $0 == "/" || $0 == "." }).map(String.init)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let a = Int(parts[0]), let b = Int(parts[1]), let c = Int(parts[2]),
              parts[0].count == 4 || parts[2].count == 4,
              let day = parts[0].count == 4 ? CivilDate(year: a, month: b, day: c) : CivilDate(year: c, month: b, day: a) else {
            throw UserMessage(.registerDateFormat)
        }
        guard day <= today else { throw UserMessage(.registerNoLaterDay) }
        return day
    }
}

/// The register written for a spreadsheet (CSV, UTF-8, a header row) and for a printer (80 columns).
enum RegisterFiles {
    /// "Written to FOLDER: NAME.csv and NAME.txt": the folder once, so the line fits.
    static func notice(csv: String, text: String) -> UserMessage {
        UserMessage(.registerExported, ["directory": (csv as NSString).deletingLastPathComponent,
                                        "csv": (csv as NSString).lastPathComponent, "text": (text as NSString).lastPathComponent])
    }

    static func write(_ rows: [RegisterRow], day: CivilDate, strings: StringTable, to directory: String) throws -> (csv: String, text: String) {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let base = (directory as NSString).appendingPathComponent("register-" + day.iso8601)
        let csvPath = base + ".csv"
        let textPath = base + ".txt"
        try Data(CSV.document(header: RegisterRow.csvHeader, rows: rows.map(\.csvFields)).utf8).write(to: URL(fileURLWithPath: csvPath), options: .atomic)
        try Data(printable(rows, day: day, strings: strings).utf8).write(to: URL(fileURLWithPath: textPath), options: .atomic)
        return (csvPath, textPath)
    }

    /// The text register: a title, the totals, a line a visit, and under it where she was sent and
    /// what the supervisor wrote, each wrapped to 80 columns.
    static func printable(_ rows: [RegisterRow], day: CivilDate, strings: StringTable) -> String {
        var lines = wrap(strings.text(.registerPrintTitle, ["date": strings.date(day)]), width: 80)
            + wrap(RegisterTotals(rows.map(\.entry)).text(strings), width: 80) + [""]
        for row in rows {
            lines.append(row.textLine)
            if !row.placeNames.isEmpty {
                lines += wrap(strings.text(.registerWhereTo, ["places": row.placeNames.joined(separator: ", ")]), width: 74).map { "      " + $0 }
            }
            if let note = row.reviewNote { lines += wrap(note, width: 74).map { "      " + $0 } }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// The counts at the top of the register.
struct RegisterTotals {
    let visits: Int
    let followUps: Int
    let referred: Int
    let urgent: Int
    let toReview: Int
    let sentBack: Int

    init(_ entries: [RegisterEntry]) {
        visits = entries.count
        followUps = entries.filter { $0.screening.kind == .followUp }.count
        referred = entries.filter { $0.screening.refer }.count
        urgent = entries.filter { $0.screening.urgent }.count
        toReview = entries.filter { $0.review.state == nil || $0.review.state == .corrected }.count
        sentBack = entries.filter { $0.review.state == .sentBack }.count
    }

    func text(_ strings: StringTable) -> String {
        strings.text(.registerTotals, ["visits": String(visits), "screenings": String(visits - followUps), "follow_ups": String(followUps),
                                       "referred": String(referred), "urgent": String(urgent), "to_review": String(toReview),
                                       "sent_back": String(sentBack)])
    }
}

import ArogyaCore
import ArogyaStore

/// One visit of the register, whole and read-only: the patient, every reading, the verdict with each
/// reason in words as the outcome screen gave them, where she was sent, and the reviews so far. `r`, `c`
/// and `b` review it here as on the register; closing tells the register what was done.
@MainActor
final class RegisterRecordScreen: KeyedScreen, MessageScreen, AnsweringScreen {
    enum Action: Sendable { case reviewed, comment, sendBack, scrollDown, scrollUp, back }

    struct State: Sendable {
        var entry: RegisterEntry
        var review: ReviewHistory
        var scroll = 0
        var message: UserMessage?
        var notice: UserMessage?
        var isSaving = false
    }

    let context: AppContext
    let account: Account
    private(set) var state: State
    /// What was done here, for the register's status line.
    let answerRoute = AnswerRoute<UserMessage?>()

    init(context: AppContext, account: Account, entry: RegisterEntry) {
        self.context = context
        self.account = account
        self.state = State(entry: entry, review: entry.review)
    }

    var title: String { context.strings[.registerRecordTitle] + ": " + state.entry.patient.name }
    var hasUnsavedInput: Bool { false }

    let keyTable = KeyTable<Action>([
        KeyBinding(.reviewed, keys: [.char("r")], label: .actionReviewed, help: .helpReviewReviewed),
        KeyBinding(.comment, keys: [.char("c")], label: .actionComment, help: .helpReviewComment),
        KeyBinding(.sendBack, keys: [.char("b")], label: .actionSendBack, help: .helpReviewSendBack),
        KeyBinding(.scrollDown, keys: [.down, .pageDown, .char("j")], label: .actionMore, help: .helpScroll, inFooter: false),
        KeyBinding(.scrollUp, keys: [.up, .pageUp, .char("k")], label: .actionMore, help: .helpScroll, inFooter: false),
        KeyBinding(.back, keys: [.escape, .char("q")], label: .actionBack, help: .helpBack),
    ])

    enum Message: StoreFailureMessage {
        case commentTyped(String?)
        case reasonTyped(String?)
        case saved(UserMessage, ReviewHistory)
        case storeFailed(UserMessage)
    }

    func perform(_ action: Action) -> Effect {
        guard !state.isSaving else { return .none }
        state.message = nil
        switch action {
        case .back: return close(answering: state.notice)
        case .scrollDown: state.scroll += 1
        case .scrollUp: state.scroll = max(0, state.scroll - 1)
        case .reviewed: return save(.reviewed)
        case .comment: return ask(ReviewPrompts.comment(context: context)) { .commentTyped($0) }
        case .sendBack: return ask(ReviewPrompts.reason(context: context)) { .reasonTyped($0) }
        }
        return .none
    }

    private func save(_ action: ReviewAction, reason: String? = nil, comment: String? = nil) -> Effect {
        state.isSaving = true
        let store = context.store
        let actor = AuditActor.account(account.username)
        let id = state.entry.screening.id
        return runStore {
            try store.reviewScreening(id, action: action, reason: reason, comment: comment, by: actor)
            return .saved(ReviewPrompts.notice(for: action), try store.reviewHistory(screeningId: id))
        }
    }

    func receive(_ message: Message) -> Effect {
        switch message {
        case .commentTyped(let text): if let text { return save(.comment, comment: text) }
        case .reasonTyped(let text): if let text { return save(.sentBack, reason: text) }
        case .saved(let notice, let review):
            state.isSaving = false
            state.notice = notice
            state.review = review
        case .storeFailed(let failure):
            state.isSaving = false
            state.message = failure
        }
        return .none
    }

    /// The record's lines, before wrapping: what the outcome screen showed, then the reviews.
    func lines(strings: StringTable) -> [(String, Style)] {
        let entry = state.entry
        let screening = entry.screening
        let patient = entry.patient
        var lines: [(String, Style)] = []
        let sex = strings[patient.sex == .female ? .sexFemale : (patient.sex == .male ? .sexMale : .sexOther)]
        var who = [patient.name, sex + " " + String(patient.age(on: screening.day))]
        if let alternate = patient.nameAlt { who.insert(alternate, at: 1) }
        if let village = patient.village?.name { who.append(village) }
        lines.append((who.joined(separator: ", "), .heading))
        let when = context.localTime(screening.savedAt)
        lines.append((strings.text(.registerRecordWhen, ["kind": strings[screening.kind == .screening ? .cardKindScreening : .cardKindFollowUp],
                                                         "date": strings.date(screening.day),
                                                         "time": when.hourMinute, "worker": screening.recordedBy]), .normal))
        var readings: [String] = []
        if let bp = screening.bloodPressure { readings.append(strings.text(.cardBp, ["bp": bp.text])) }
        if let type = screening.glucoseType, let value = screening.glucoseValue {
            readings.append(ScreeningFormatting.glucose(type: type, value: value, strings: strings))
        }
        if let score = screening.cbacScore { readings.append(strings.text(.outcomeCbac, ["score": String(score)])) }
        if !readings.isEmpty { lines.append((readings.joined(separator: ", "), .normal)) }
        lines.append(("", .normal))
        if screening.urgent {
            lines.append((strings[.outcomeUrgent], .error))
        } else if screening.refer {
            lines.append((strings[.outcomeRefer], .warning))
        } else if !screening.notScreened.isEmpty {
            lines.append((strings[.outcomeIncomplete], .warning))
        } else {
            lines.append((strings[.outcomeNoReferral], .success))
        }
        // The sentences saved with it, urgent first, those of what could not be screened among them.
        for reason in screening.reasons { lines.append(("- " + reason, .normal)) }
        lines.append(("", .normal))
        lines.append((strings[.registerRecordReviews], .heading))
        if state.review.isEmpty { lines.append((strings[.registerRecordNoReviews], .hint)) }
        for review in state.review.reviews {
            let local = context.localTime(review.at)
            let what: String
            switch review.action {
            case .reviewed: what = strings[.registerActionReviewed]
            case .comment: what = strings[.registerActionComment]
            case .sentBack: what = strings[.registerActionSentBack]
            }
            var line = strings.date(local.date) + " " + local.hourMinute + " " + review.reviewedBy + ": " + what
            if let reason = review.reason { line += ": " + reason }
            if let comment = review.comment { line += (review.reason == nil ? ": " : "; ") + comment }
            lines.append((line, review.action == .sentBack ? .warning : .normal))
        }
        if state.review.state == .corrected { lines.append((strings[.cardCorrected], .warning)) }
        return lines
    }

    func render(into canvas: inout Canvas, area: Rect) {
        let strings = context.strings
        let content = area.inset(dx: 2, dy: 0)
        var wrapped: [(String, Style)] = []
        for (text, style) in lines(strings: strings) {
            if text.isEmpty { wrapped.append(("", style)); continue }
            for (row, part) in wrap(text, first: content.width, rest: content.width - 2).enumerated() {
                wrapped.append(((row == 0 ? "" : "  ") + part, style))
            }
        }
        let height = content.height - 2
        let scroll = min(state.scroll, max(0, wrapped.count - height))
        for (offset, line) in wrapped.dropFirst(scroll).prefix(height).enumerated() {
            canvas.put(line.0, at: Point(x: content.x, y: content.y + offset), style: line.1, maxWidth: content.width)
        }
        if wrapped.count > scroll + height {
            canvas.put(strings[.registerRecordMore], at: Point(x: content.x, y: content.maxY - 2), style: .hint, maxWidth: content.width)
        }
        let message: StatusLineView.Message? = state.message.map { .problem(strings.text($0)) } ?? state.notice.map { .done(strings.text($0)) }
        StatusLineView.render(message, into: &canvas, row: content.maxY - 1, x: content.x, width: content.width)
    }
}

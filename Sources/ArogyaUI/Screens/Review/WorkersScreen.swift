import ArogyaCore
import ArogyaStore

/// How long back "My workers" counts.
enum WorkersPeriod: CaseIterable, Sendable {
    case day, week, month

    /// The days counted, ending on `day`: that day, the 7 days to it, or its calendar month to it.
    func range(ending day: CivilDate) -> (from: CivilDate, to: CivilDate) {
        switch self {
        case .day: (day, day)
        case .week: (day.adding(days: -6), day)
        case .month: (IndicatorPeriod.month(containing: day).from, day)
        }
    }

    var next: WorkersPeriod {
        let all = Self.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }
}

/// "My workers": per worker, for a day, a week or a month: screenings, follow-ups, referrals and urgent
/// cases, referral outcomes recorded, visits sent back and corrected, and when her newest record reached
/// this terminal. `p` changes the period.
@MainActor
final class WorkersScreen: KeyedScreen, MessageScreen {
    enum Action: Sendable { case period, back }

    struct State: Sendable {
        var period: WorkersPeriod = .day
        let day: CivilDate
        var workers: [WorkerSummary] = []
        var isLoading = true
        var message: UserMessage?
    }

    let context: AppContext
    private(set) var state: State

    init(context: AppContext, day: CivilDate) {
        self.context = context
        self.state = State(day: day)
    }

    var title: String { context.strings[.workersTitle] }
    var hasUnsavedInput: Bool { false }

    let keyTable = KeyTable<Action>([
        KeyBinding(.period, keys: [.char("p")], label: .actionPeriod, help: .helpWorkersPeriod),
        KeyBinding(.back, keys: [.escape, .char("q")], label: .actionBack, help: .helpBack),
    ])

    enum Message: StoreFailureMessage {
        case loaded(WorkersPeriod, [WorkerSummary])
        case storeFailed(UserMessage)
    }

    func appeared() -> Effect { load() }

    private func load() -> Effect {
        let store = context.store
        let period = state.period
        let (from, to) = period.range(ending: state.day)
        return runStore { .loaded(period, try store.workerSummaries(from: from, to: to)) }
    }

    func perform(_ action: Action) -> Effect {
        switch action {
        case .back: return .pop
        case .period:
            state.period = state.period.next
            state.isLoading = true
            return load()
        }
    }

    func receive(_ message: Message) -> Effect {
        switch message {
        case .loaded(let period, let workers):
            guard period == state.period else { return .none }
            state.isLoading = false
            state.workers = workers
        case .storeFailed(let failure):
            state.message = failure
        }
        return .none
    }

    func render(into canvas: inout Canvas, area: Rect) {
        let strings = context.strings
        let content = area.inset(dx: 2, dy: 0)
        var y = content.y + 1
        let (from, to) = state.period.range(ending: state.day)
        let span = from == to ? strings.date(to)
            : strings.date(from) + " – " + strings.date(to)
        let periodName = strings[state.period == .day ? .workersDay : (state.period == .week ? .workersWeek : .workersMonth)]
        canvas.put(strings.text(.workersHeading, ["period": periodName, "span": span]), at: Point(x: content.x, y: y), style: .heading,
                   maxWidth: content.width)
        y += 2
        if state.isLoading {
            canvas.put(strings[.statusLoading], at: Point(x: content.x, y: y), style: .hint)
            return
        }
        if state.workers.isEmpty {
            for line in wrap(strings[.workersNone], width: content.width) {
                canvas.put(line, at: Point(x: content.x, y: y), style: .hint)
                y += 1
            }
        } else {
            // Six counts of 6 columns and the last record's time (12) after the name.
            let nameWidth = max(10, content.width - 6 * 6 - 13)
            func row(_ name: String, _ cells: [String], _ last: String) -> String {
                DisplayWidth.pad(DisplayWidth.truncate(name, to: nameWidth - 1, ellipsis: canvas.glyphs.ellipsis), to: nameWidth)
                    + cells.map { String(repeating: " ", count: max(0, 5 - DisplayWidth.of($0))) + $0 + " " }.joined() + " " + last
            }
            canvas.put(row(strings[.workersColumnWorker], [strings[.workersColumnScreenings], strings[.workersColumnFollowUps],
                                                          strings[.workersColumnReferred], strings[.workersColumnUrgent],
                                                          strings[.workersColumnOutcomes], strings[.workersColumnSentBack]],
                           strings[.workersColumnLast]),
                       at: Point(x: content.x, y: y), style: .hint, maxWidth: content.width)
            y += 1
            for worker in state.workers where y < content.maxY - 4 {
                let last = worker.lastRecordAt.map { time -> String in
                    let local = context.localTime(time)
                    // DD-MM, the year being this one or the last.
                    return String(context.strings.date(local.date).prefix(5)) + " " + local.hourMinute
                } ?? "-"
                let sentBack = worker.corrected > 0 ? "\(worker.sentBack)/\(worker.corrected)" : String(worker.sentBack)
                let cells = [worker.screenings, worker.followUps, worker.referred, worker.urgent, worker.outcomesRecorded].map(String.init) + [sentBack]
                canvas.put(row(worker.fullName.map { "\($0) (\(worker.worker))" } ?? worker.worker, cells, last),
                           at: Point(x: content.x, y: y), style: worker.sentBack > 0 ? .warning : .normal, maxWidth: content.width)
                y += 1
            }
            y += 1
            for line in wrap(strings[.workersKey], width: content.width) where y < content.maxY - 1 {
                canvas.put(line, at: Point(x: content.x, y: y), style: .hint)
                y += 1
            }
        }
        StatusLineView.render(state.message.map { .problem(strings.text($0)) }, into: &canvas, row: content.maxY - 1, x: content.x, width: content.width)
    }
}

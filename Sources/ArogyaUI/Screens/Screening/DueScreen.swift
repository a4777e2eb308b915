import ArogyaCore
import ArogyaStore

/// The facility's due and overdue list: urgent first, then follow-ups and referrals without an outcome,
/// then screenings whose interval has passed; the longest overdue first. One village at a time or all, a
/// page at a time; Enter opens the patient's card.
@MainActor
final class DueScreen: KeyedScreen, MessageScreen {
    enum Action: Sendable { case up, down, open, nextPage, previousPage, village, back }

    struct State: Sendable {
        var page: DuePage?
        var isLoading = true
        var selected = 0
        var offset = 0
        /// nil: all villages.
        var village: String?
        var villages: [String] = []
        var failure: UserMessage?
        var today: CivilDate
    }

    let context: AppContext
    let account: Account
    private(set) var state: State
    /// Rows a page holds; the view sets it from the screen's height before the next load.
    nonisolated static let pageSize = 14

    init(context: AppContext, account: Account) {
        self.context = context
        self.account = account
        self.state = State(today: context.localTime(context.clock.now()).date)
    }

    var title: String { context.strings[.dueTitle] }
    var hasUnsavedInput: Bool { false }

    let keyTable = KeyTable<Action>([
        KeyBinding(.up, keys: [.up, .char("k")], label: .actionMove, help: .helpMoveUp, inFooter: false),
        KeyBinding(.down, keys: [.down, .char("j")], label: .actionMove, help: .helpMoveDown, inFooter: false),
        KeyBinding(.open, keys: [.enter], label: .actionOpen, help: .helpDueOpen),
        KeyBinding(.nextPage, keys: [.pageDown, .char("n")], label: .actionNextPage, help: .helpNextPage),
        KeyBinding(.previousPage, keys: [.pageUp, .char("p")], label: .actionPreviousPage, help: .helpPreviousPage, inFooter: false),
        KeyBinding(.village, keys: [.char("v"), .function(5)], label: .actionVillage, help: .helpDueVillage),
        KeyBinding(.back, keys: [.escape, .char("q")], label: .actionBack, help: .helpBack),
    ])

    enum Message: StoreFailureMessage {
        /// A page of the list, and the facility's villages for the filter.
        case loaded(DuePage, villages: [String])
        case storeFailed(UserMessage)
    }

    func appeared() -> Effect { load() }

    private func load() -> Effect {
        state.isLoading = true
        state.today = context.localTime(context.clock.now()).date
        let store = context.store
        let protocols = context.protocols
        let (today, village, offset) = (state.today, state.village, state.offset)
        return runStore {
            let facility = try store.facility()
            let rules = protocols.protocolFor(state: facility?.state?.code)
            let page = try store.dueList(today: today, village: village, limit: DueScreen.pageSize, offset: offset, protocol: rules)
            return .loaded(page, villages: facility?.villages.map(\.name) ?? [])
        }
    }

    func perform(_ action: Action) -> Effect {
        state.failure = nil
        let count = state.page?.rows.count ?? 0
        switch action {
        case .up: state.selected = max(0, state.selected - 1)
        case .down: state.selected = min(max(0, count - 1), state.selected + 1)
        case .open:
            guard let row = state.page?.rows[safe: state.selected] else { return .none }
            return .push(PatientCardScreen(context: context, account: account, patientId: row.patient.id))
        case .nextPage:
            guard let page = state.page, state.offset + Self.pageSize < page.total else { return .none }
            state.offset += Self.pageSize
            state.selected = 0
            return load()
        case .previousPage:
            guard state.offset > 0 else { return .none }
            state.offset = max(0, state.offset - Self.pageSize)
            state.selected = 0
            return load()
        case .village:
            // All, then each of the facility's villages in turn.
            let choices: [String?] = [nil] + state.villages.map(Optional.some)
            let index = choices.firstIndex { $0 == state.village } ?? 0
            state.village = choices[(index + 1) % choices.count]
            state.offset = 0
            state.selected = 0
            return load()
        case .back:
            return .pop
        }
        return .none
    }

    func receive(_ message: Message) -> Effect {
        state.isLoading = false
        switch message {
        case .loaded(let page, let villages):
            state.page = page
            state.villages = villages
            state.selected = min(state.selected, max(0, page.rows.count - 1))
        case .storeFailed(let failure):
            state.failure = failure
        }
        return .none
    }

    func render(into canvas: inout Canvas, area: Rect) {
        DueView.render(state, strings: context.strings, into: &canvas, area: area)
    }
}

enum DueView {
    static func render(_ state: DueScreen.State, strings: StringTable, into canvas: inout Canvas, area: Rect) {
        let content = area.inset(dx: 2, dy: 0)
        let glyphs = canvas.glyphs
        var y = content.y + 1
        let village = state.village ?? strings[.dueAllVillages]
        canvas.put(strings.text(.dueVillage, ["village": village]), at: Point(x: content.x, y: y), style: .heading)
        if let page = state.page {
            let totals = strings.text(.dueTotals, ["urgent": String(page.totals[.urgent] ?? 0),
                                                   "follow_up": String(page.totals[.followUp] ?? 0),
                                                   "screening": String(page.totals[.screening] ?? 0)])
            canvas.put(totals, at: Point(x: content.maxX - DisplayWidth.of(totals), y: y), style: (page.totals[.urgent] ?? 0) > 0 ? .warning : .hint)
        }
        y += 2
        guard let page = state.page else {
            canvas.put(state.isLoading ? strings[.statusLoading] : "", at: Point(x: content.x, y: y), style: .hint)
            if let failure = state.failure {
                StatusLineView.render(.problem(strings.text(failure)), into: &canvas, row: content.maxY - 1, x: content.x, width: content.width)
            }
            return
        }
        if page.rows.isEmpty {
            canvas.put(strings[page.total == 0 ? .dueNobody : .dueNothingOnPage], at: Point(x: content.x, y: y), style: .hint)
        }
        // Columns: days overdue, tier, name with sex and age, village, what is due. The name and village
        // columns take their share of a wider terminal; what is due is shortened with an ellipsis (Enter
        // opens the card, which lists it in full).
        let spare = max(0, content.width - 76)
        let nameWidth = 23 + spare * 2 / 5
        let villageWidth = 10 + spare * 2 / 5
        let dueWidth = max(8, content.width - 15 - nameWidth - villageWidth)
        let header = DisplayWidth.pad(strings[.dueColumnDays], to: 5) + DisplayWidth.pad(strings[.dueColumnTier], to: 10)
            + DisplayWidth.pad(strings[.dueColumnPatient], to: nameWidth) + DisplayWidth.pad(strings[.dueColumnVillage], to: villageWidth)
            + strings[.dueColumnDue]
        if !page.rows.isEmpty { canvas.put(header, at: Point(x: content.x, y: y), style: .hint, maxWidth: content.width) }
        y += 1
        for (index, row) in page.rows.enumerated() where y < content.maxY - 2 {
            let selected = index == state.selected
            let patient = row.patient
            let tier: String
            switch row.tier {
            case .urgent: tier = strings[.careTierUrgent]
            case .followUp: tier = strings[.careTierFollowUp]
            case .screening: tier = strings[.careTierScreening]
            }
            let who = canvas.shown(patient.name) + " " + canvas.shown(strings[patient.sex.shortKey]) + " "
                + (patient.birthDateEstimated ? "~" : "") + String(patient.age(on: state.today))
            let items = row.items.map { ScreeningFormatting.careItem($0.item, strings: strings) }.joined(separator: ", ")
            let line = (selected ? "> " : "  ") + DisplayWidth.pad(String(row.daysOverdue(on: state.today)), to: 5)
                + DisplayWidth.pad(tier, to: 10) + DisplayWidth.pad(canvas.truncate(who, to: nameWidth - 1), to: nameWidth)
                + DisplayWidth.pad(canvas.truncate(canvas.shown(patient.village?.name ?? "-"), to: villageWidth - 1), to: villageWidth)
                + canvas.truncate(items, to: dueWidth)
            let style: Style = selected ? .selected : (row.tier == .urgent ? .error : .normal)
            canvas.put(line, at: Point(x: content.x - 2, y: y), style: style, maxWidth: content.width + 2)
            y += 1
        }
        let shownTo = state.offset + page.rows.count
        let position = strings.text(.duePosition, ["from": String(page.rows.isEmpty ? 0 : state.offset + 1), "to": String(shownTo),
                                                   "total": String(page.total)])
        canvas.put(position, at: Point(x: content.x, y: content.maxY - 2), style: .hint)
        if shownTo < page.total {
            canvas.put(glyphs.arrowDown, at: Point(x: content.maxX - 1, y: content.maxY - 2), style: .hint)
        }
        if let failure = state.failure {
            StatusLineView.render(.problem(strings.text(failure)), into: &canvas, row: content.maxY - 1, x: content.x, width: content.width)
        }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}

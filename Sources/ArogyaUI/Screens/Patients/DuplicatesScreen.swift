import ArogyaCore
import ArogyaStore

/// Before a registration is saved: the patients who may be the same person, each with why. She opens
/// the existing one, or confirms a new patient; the same ABHA number or address cannot be confirmed.
@MainActor
final class DuplicatesScreen: KeyedScreen, AnswersParent {
    enum Choice: Sendable {
        case open(String)
        case registerAnyway(PatientDetails)
        case back
    }

    enum Action: Sendable { case up, down, open, registerNew, back }

    struct State: Equatable {
        let candidates: [DuplicateCandidate]
        var selected = 0
        var message: UserMessage?
        let today: CivilDate

        var isHardStop: Bool { candidates.contains(where: \.isHardStop) }
    }

    let context: AppContext
    let details: PatientDetails
    private(set) var state: State
    private(set) var answer: (any Sendable)?

    init(context: AppContext, candidates: [DuplicateCandidate], details: PatientDetails, today: CivilDate) {
        self.context = context
        self.details = details
        self.state = State(candidates: candidates, today: today)
    }

    var title: String { context.strings[.duplicatesTitle] }
    var hasUnsavedInput: Bool { false }

    let keyTable = KeyTable<Action>([
        KeyBinding(.up, keys: [.up], label: .actionMove, help: .helpMoveUp, inFooter: false),
        KeyBinding(.down, keys: [.down], label: .actionMove, help: .helpMoveDown, inFooter: false),
        KeyBinding(.open, keys: [.enter], label: .actionOpenExisting, help: .helpDuplicatesOpen),
        KeyBinding(.registerNew, keys: [.function(2), .ctrl("n")], label: .actionRegisterNew, help: .helpDuplicatesNew),
        KeyBinding(.back, keys: [.escape], label: .actionBackToForm, help: .helpDuplicatesBack),
    ])

    func perform(_ action: Action) -> Effect {
        switch action {
        case .up: state.selected = max(0, state.selected - 1)
        case .down: state.selected = min(state.candidates.count - 1, state.selected + 1)
        case .open:
            answer = Choice.open(state.candidates[state.selected].patient.id)
            return .pop
        case .registerNew:
            guard !state.isHardStop else {
                state.message = UserMessage(.duplicatesHardStop)
                return .none
            }
            answer = Choice.registerAnyway(details)
            return .pop
        case .back:
            answer = Choice.back
            return .pop
        }
        return .none
    }

    func render(into canvas: inout Canvas, area: Rect) {
        let strings = context.strings
        let glyphs = canvas.glyphs
        let content = area.inset(dx: 2, dy: 0)
        var y = content.y + 1
        let intro = state.isHardStop ? strings[.duplicatesHardStopIntro] : strings.text(.duplicatesIntro, ["name": details.name])
        for line in wrap(intro, width: content.width) {
            canvas.put(line, at: Point(x: content.x, y: y), style: state.isHardStop ? .warning : .normal)
            y += 1
        }
        y += 1
        let perRow = 2
        let visibleCount = max(1, (content.maxY - y - 2) / perRow)
        let offset = ListView.scrollOffset(selected: state.selected, count: state.candidates.count, height: visibleCount)
        for (line, index) in (offset..<min(state.candidates.count, offset + visibleCount)).enumerated() {
            let candidate = state.candidates[index]
            let patient = candidate.patient
            let top = y + line * perRow
            let selected = index == state.selected
            if selected { canvas.fill(Rect(x: content.x, y: top, width: content.width, height: perRow), style: .selected) }
            let style: Style = selected ? .selected : .normal
            let who = PatientFormatting.names(patient, glyphs: glyphs) + glyphs.separator + strings[patient.sex.shortKey] + " "
                + PatientFormatting.age(patient, today: state.today, strings: strings) + glyphs.separator + (patient.village?.name ?? "-")
            canvas.put((selected ? "> " : "  ") + who, at: Point(x: content.x, y: top), style: style, maxWidth: content.width)
            let why = candidate.reasons.map { strings.text($0) }.joined(separator: "; ")
            canvas.put("    " + (candidate.isHardStop ? "! " : "") + why, at: Point(x: content.x, y: top + 1),
                       style: selected ? .selected : (candidate.isHardStop ? .error : .warning), maxWidth: content.width)
        }
        if let message = state.message {
            StatusLineView.render(.problem(strings.text(message)), into: &canvas, row: content.maxY - 1, x: content.x, width: content.width)
        }
    }
}

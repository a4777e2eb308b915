import ArogyaCore
import ArogyaStore

/// Before a registration is saved: the patients who may be the same person, each with why. She opens
/// the existing one, or confirms a new patient; the same ABHA number or address cannot be confirmed.
@MainActor
final class DuplicatesScreen: KeyedScreen, AnsweringScreen {
    /// What she chose, for the registration form.
    enum Choice: Sendable {
        /// Open this existing patient instead.
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
    let answerRoute = AnswerRoute<Choice>()

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
            return close(answering: .open(state.candidates[state.selected].patient.id))
        case .registerNew:
            guard !state.isHardStop else {
                state.message = UserMessage(.duplicatesHardStop)
                return .none
            }
            return close(answering: .registerAnyway(details))
        case .back:
            return close(answering: .back)
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
        // Each candidate in full, wrapped: who she is, then why she may be the same person. The list starts
        // late enough for the chosen one to show whole.
        let blocks = state.candidates.map { candidate -> [(String, Style)] in
            let patient = candidate.patient
            let who = PatientFormatting.names(patient, glyphs: glyphs) + glyphs.separator + strings[patient.sex.shortKey] + " "
                + PatientFormatting.age(patient, today: state.today, strings: strings) + glyphs.separator + (patient.village?.name ?? "-")
            let why = (candidate.isHardStop ? "! " : "") + candidate.reasons.map { strings.text($0) }.joined(separator: "; ")
            return wrap(who, width: content.width - 2).map { ($0, Style.normal) }
                + wrap(why, width: content.width - 4).map { ("  " + $0, candidate.isHardStop ? Style.error : .warning) }
        }
        let room = content.maxY - y - 2
        var first = 0
        while first < state.selected, blocks[first...state.selected].reduce(0, { $0 + $1.count }) > room { first += 1 }
        for index in first..<blocks.count {
            let selected = index == state.selected
            for (row, line) in blocks[index].enumerated() {
                guard y < content.maxY - 2 else { break }
                let prefix = row == 0 ? (selected ? "> " : "  ") : "  "
                if selected { canvas.fill(Rect(x: content.x, y: y, width: content.width, height: 1), style: .selected) }
                canvas.put(prefix + line.0, at: Point(x: content.x, y: y), style: selected ? .selected : line.1, maxWidth: content.width)
                y += 1
            }
        }
        if let message = state.message {
            StatusLineView.render(.problem(strings.text(message)), into: &canvas, row: content.maxY - 1, x: content.x, width: content.width)
        }
    }
}

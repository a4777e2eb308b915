import ArogyaCore
import ArogyaStore

/// Find a patient: one search box, results as she types. Names in either script and their spelling
/// variants, mobiles (whole or the last digits), ABHA numbers and addresses, household IDs and MRNs.
/// Before anything is typed it lists the patients seen most recently.
@MainActor
final class PatientsScreen: KeyedScreen, MessageScreen, AnsweringScreen {
    /// Opening a patient's card, or choosing one for another screen (the record to merge).
    enum Mode: Equatable, Sendable {
        case open
        case pick(excluding: String)
    }

    enum Action: Sendable { case up, down, pageUp, pageDown, open, register, clearOrBack }

    struct State: Equatable {
        var query = TextInput(kind: .text, maxLength: 60)
        var results: [PatientMatch] = []
        var recent: [Patient] = []
        var selected = 0
        /// A search is running; `searchAgain` asks for one more with the newest text when it ends.
        var searching = false
        var searchAgain = false
        /// Enter was pressed before the results for the typed text arrived: open the best match then.
        var openWhenFound = false
        var message: UserMessage?
        var today: CivilDate

        /// What the list shows: the results of a search, or the recent patients while the box is empty.
        var rows: [(patient: Patient, score: Double?)] {
            query.isEmpty ? recent.map { ($0, nil) } : results.map { ($0.patient, $0.score) }
        }

        static func == (lhs: State, rhs: State) -> Bool {
            lhs.query == rhs.query && lhs.results == rhs.results && lhs.recent == rhs.recent && lhs.selected == rhs.selected
                && lhs.searching == rhs.searching && lhs.searchAgain == rhs.searchAgain && lhs.openWhenFound == rhs.openWhenFound
                && lhs.message == rhs.message && lhs.today == rhs.today
        }
    }

    /// Results asked for: more than a worker reads; a query that finds more is narrowed by typing on.
    nonisolated static let resultLimit = 50

    let context: AppContext
    let account: Account
    let mode: Mode
    private(set) var state: State
    /// In `.pick` mode, the patient chosen.
    let answerRoute = AnswerRoute<Patient>()

    init(context: AppContext, account: Account, mode: Mode = .open) {
        self.context = context
        self.account = account
        self.mode = mode
        self.state = State(today: context.localTime(context.clock.now()).date)
    }

    var title: String { context.strings[mode == .open ? .patientsTitle : .patientsPickTitle] }
    var hasUnsavedInput: Bool { false }

    var keyTable: KeyTable<Action> {
        KeyTable([
            KeyBinding(.up, keys: [.up], label: .actionMove, help: .helpMoveUp, inFooter: false),
            KeyBinding(.down, keys: [.down], label: .actionMove, help: .helpMoveDown, inFooter: false),
            KeyBinding(.pageUp, keys: [.pageUp], label: .actionPageUp, help: .helpPageUp, inFooter: false),
            KeyBinding(.pageDown, keys: [.pageDown], label: .actionPageDown, help: .helpPageDown, inFooter: false),
            KeyBinding(.open, keys: [.enter], label: mode == .open ? .actionOpen : .actionChoose,
                       help: mode == .open ? .helpPatientsOpen : .helpPatientsPick),
            KeyBinding(.register, keys: [.function(2), .ctrl("n")], label: .actionRegister, help: .helpPatientsRegister),
            KeyBinding(.clearOrBack, keys: [.escape], label: .actionClearBack, help: .helpPatientsClear),
        ])
    }

    // MARK: Events

    enum Message: StoreFailureMessage {
        /// The matches for `text`, which may no longer be what the box holds.
        case searched(text: String, matches: [PatientMatch])
        /// The patients seen most recently, for the empty box.
        case recentLoaded([Patient])
        case storeFailed(UserMessage)
    }

    func appeared() -> Effect {
        // Coming back from a card or a registration: the list may have changed.
        state.today = context.localTime(context.clock.now()).date
        return state.query.isEmpty ? loadRecent() : search()
    }

    func perform(_ action: Action) -> Effect {
        let count = state.rows.count
        switch action {
        case .up: state.selected = max(0, state.selected - 1)
        case .down: state.selected = min(max(0, count - 1), state.selected + 1)
        case .pageUp: state.selected = max(0, state.selected - 5)
        case .pageDown: state.selected = min(max(0, count - 1), state.selected + 5)
        case .open:
            // A fast typist presses Enter before her last keys have been searched: the results for what
            // she typed decide, not the list of a few keys ago.
            if state.searching && !state.query.isEmpty {
                state.openWhenFound = true
                return .none
            }
            guard state.rows.indices.contains(state.selected) else { return .none }
            let patient = state.rows[state.selected].patient
            switch mode {
            case .open:
                return .push(PatientCardScreen(context: context, account: account, patientId: patient.id))
            case .pick(let excluded):
                guard patient.id != excluded else {
                    state.message = UserMessage(.errorMergeSame)
                    return .none
                }
                return close(answering: patient)
            }
        case .register:
            guard mode == .open else { return .none }
            // A name typed in the box is where the registration starts.
            let typed = state.query.text
            var name = ""
            if case .name = PatientQuery.parse(typed) { name = typed }
            return .push(PatientFormScreen(context: context, account: account, editing: nil, prefilledName: name,
                                           prefilledMobile: (try? Identifiers.mobile(typed)) ?? nil))
        case .clearOrBack:
            if state.query.isEmpty { return .pop }
            state.query.clear()
            state.openWhenFound = false
            state.results = []
            state.selected = 0
            state.message = nil
            return loadRecent()
        }
        return .none
    }

    func typed(_ key: Key) -> Effect {
        edited(state.query.apply(key))
    }

    func pasted(_ text: String) -> Effect {
        edited(state.query.paste(text))
    }

    private func edited(_ outcome: TextInput.Outcome) -> Effect {
        switch outcome {
        case .changed:
            state.selected = 0
            state.message = nil
            state.openWhenFound = false
            return state.query.isEmpty ? loadRecent() : search()
        case .refused(let message):
            state.message = message
            return .none
        case .unchanged, .notHandled:
            return .none
        }
    }

    /// Starts a search for the text in the box, unless one is running: then the newest text is searched
    /// as soon as it ends, so fast typing never queues stale searches.
    private func search() -> Effect {
        let query = PatientQuery.parse(state.query.text)
        if query == .tooShort {
            state.results = []
            state.message = UserMessage(.searchTooShort)
            return .none
        }
        if state.searching {
            state.searchAgain = true
            return .none
        }
        state.searching = true
        let store = context.store
        let text = state.query.text
        return runStore { .searched(text: text, matches: try store.searchPatients(query, limit: Self.resultLimit)) }
    }

    private func loadRecent() -> Effect {
        let store = context.store
        return runStore { .recentLoaded(try store.recentPatients(limit: 30)) }
    }

    func receive(_ message: Message) -> Effect {
        switch message {
        case .searched(let text, let matches):
            state.searching = false
            if !state.query.isEmpty {
                state.results = matches
                state.selected = min(state.selected, max(0, matches.count - 1))
                if matches.isEmpty && text == state.query.text { state.message = UserMessage(.searchNothingFound) }
            }
            if state.searchAgain || text != state.query.text {
                state.searchAgain = false
                return state.query.isEmpty ? .none : search()
            }
            if state.openWhenFound {
                state.openWhenFound = false
                return perform(.open)
            }
        case .recentLoaded(let patients):
            state.recent = patients
        case .storeFailed(let failure):
            state.searching = false
            state.openWhenFound = false
            state.message = failure
        }
        return .none
    }

    func render(into canvas: inout Canvas, area: Rect) {
        PatientsView.render(state, strings: context.strings, localTime: context.localTime, into: &canvas, area: area)
    }
}


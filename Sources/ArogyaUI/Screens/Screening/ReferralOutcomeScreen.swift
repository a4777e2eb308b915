import ArogyaCore
import ArogyaStore

/// What became of a patient's referral: she reached the place, the doctor confirmed, treatment started, or
/// she did not go (the referral then stays open and comes due again). With an optional note.
@MainActor
final class ReferralOutcomeScreen: KeyedScreen, MessageScreen, AnsweringScreen {
    enum Action: Sendable { case up, down, pick(ReferralOutcome), switchField, save, back }

    struct State: Sendable {
        let referrals: [ReferralRecord]
        var selected = 0
        var outcome: ReferralOutcome?
        var note = TextInput(kind: .text, maxLength: 120)
        var isOnNote = false
        var isSaving = false
        var failure: UserMessage?
    }

    let context: AppContext
    let account: Account
    let patient: Patient
    let rules: ScreeningProtocol
    private(set) var state: State
    /// The card is told what was recorded.
    let answerRoute = AnswerRoute<ScreeningSaved>()

    enum Message: StoreFailureMessage {
        case discardAnswered(Bool)
        /// The outcome was recorded.
        case saved(ReferralOutcome)
        case storeFailed(UserMessage)
    }

    init(context: AppContext, account: Account, patient: Patient, referrals: [ReferralRecord], rules: ScreeningProtocol) {
        self.context = context
        self.account = account
        self.patient = patient
        self.rules = rules
        self.state = State(referrals: referrals)
    }

    var title: String { context.strings[.referralOutcomeTitle] + ": " + patient.name }
    var hasUnsavedInput: Bool { state.outcome != nil || !state.note.isEmpty }
    var typesFreeText: Bool { state.isOnNote }

    /// Outcome letters: r reached, c confirmed, t treatment started, n not reached.
    nonisolated static let letters: [(Character, ReferralOutcome)] = [("r", .reached), ("c", .confirmed), ("t", .treatmentStarted), ("n", .notReached)]

    var keyTable: KeyTable<Action> {
        var bindings: [KeyBinding<Action>] = [
            KeyBinding(.up, keys: [.up], label: .actionMove, help: .helpMoveUp, inFooter: false),
            KeyBinding(.down, keys: [.down], label: .actionMove, help: .helpMoveDown, inFooter: false),
            KeyBinding(.switchField, keys: [.tab, .backTab], label: .actionNote, help: .helpReferralNote),
            KeyBinding(.save, keys: [.function(2), .ctrl("s"), .enter], label: .actionSave, help: .helpReferralSave),
            KeyBinding(.back, keys: [.escape], label: .actionCancel, help: .helpFormCancel),
        ]
        // While the note has the focus, letters are typing.
        if !state.isOnNote {
            bindings.insert(KeyBinding(keys: Self.letters.map { Key.char($0.0) }, keyLabel: "r c t n", label: .actionOutcome,
                                       help: .helpReferralOutcomeLetters) { key in
                guard case .char(let letter) = key, let outcome = Self.letters.first(where: { $0.0 == letter })?.1 else { return .up }
                return .pick(outcome)
            }, at: 2)
        }
        return KeyTable(bindings)
    }

    func perform(_ action: Action) -> Effect {
        guard !state.isSaving else { return .none }
        state.failure = nil
        switch action {
        case .up: state.selected = max(0, state.selected - 1)
        case .down: state.selected = min(state.referrals.count - 1, state.selected + 1)
        case .pick(let outcome): state.outcome = outcome
        case .switchField: state.isOnNote.toggle()
        case .back:
            guard hasUnsavedInput else { return .pop }
            return ask(ConfirmDialog.discard(context: context)) { .discardAnswered($0) }
        case .save:
            guard let outcome = state.outcome else {
                state.failure = UserMessage(.referralOutcomeChoose)
                return .none
            }
            let referral = state.referrals[state.selected]
            let note = TextSanitizer.singleLine(state.note.text)
            let store = context.store
            let actor = AuditActor.account(account.username)
            let day = context.localTime(context.clock.now()).date
            state.isSaving = true
            return runStore {
                let saved = try store.recordReferralOutcome(referralId: referral.id, outcome, on: day, note: note.isEmpty ? nil : note, by: actor)
                return .saved(saved.outcome ?? outcome)
            }
        }
        return .none
    }

    func typed(_ key: Key) -> Effect {
        guard state.isOnNote else { return .none }
        if case .refused(let message) = state.note.apply(key) { state.failure = message }
        return .none
    }

    func pasted(_ text: String) -> Effect {
        if state.isOnNote { _ = state.note.paste(text) }
        return .none
    }

    func receive(_ message: Message) -> Effect {
        switch message {
        case .discardAnswered(let discard):
            return discard ? .pop : .none
        case .saved(let outcome):
            state.isSaving = false
            return close(answering: ScreeningSaved(notice: UserMessage(.referralOutcomeSaved, [
                "outcome": ScreeningFormatting.outcome(outcome, strings: context.strings)])))
        case .storeFailed(let failure):
            state.isSaving = false
            state.failure = failure
            return .none
        }
    }

    func render(into canvas: inout Canvas, area: Rect) {
        let strings = context.strings
        let content = area.inset(dx: 2, dy: 0)
        let glyphs = canvas.glyphs
        var y = content.y + 1
        canvas.put(strings[.referralOutcomeWhich], at: Point(x: content.x, y: y), style: .heading)
        y += 1
        for (index, referral) in state.referrals.enumerated() where y < content.maxY - 8 {
            let selected = index == state.selected
            let place = rules.placeName(referral.place, language: strings.language)
            let line = (selected ? "> " : "  ") + (referral.urgent ? "! " : "") + place + glyphs.separator
                + strings.date(referral.referredOn)
                + (referral.outcome == .notReached ? glyphs.separator + strings[.referralOutcomeNotReached] : "")
            for (row, part) in wrap(line, first: content.width, rest: content.width - 4).enumerated() where y < content.maxY - 8 {
                canvas.put((row == 0 ? "" : "    ") + part, at: Point(x: content.x, y: y),
                           style: selected ? .selected : (referral.urgent ? .error : .normal), maxWidth: content.width)
                y += 1
            }
            // The chosen referral's reasons in full, each wrapped: what she was sent for.
            for reason in selected ? referral.reasons : [] {
                for (row, part) in wrap(reason, first: content.width - 4, rest: content.width - 6).enumerated() where y < content.maxY - 8 {
                    canvas.put((row == 0 ? "    " : "      ") + part, at: Point(x: content.x, y: y), style: .hint, maxWidth: content.width)
                    y += 1
                }
            }
        }
        y += 1
        canvas.put(strings[.referralOutcomeWhat], at: Point(x: content.x, y: y), style: .heading)
        y += 1
        var x = content.x + 2
        for (letter, outcome) in Self.letters {
            let chosen = state.outcome == outcome
            let text = (chosen ? "[" : " ") + String(letter) + " " + ScreeningFormatting.outcome(outcome, strings: strings) + (chosen ? "]" : " ")
            x += canvas.put(text, at: Point(x: x, y: y), style: chosen ? .fieldFocused : .normal) + 1
        }
        y += 2
        canvas.put((state.isOnNote ? "> " : "  ") + DisplayWidth.pad(strings[.referralOutcomeNote], to: 12), at: Point(x: content.x, y: y),
                   style: state.isOnNote ? .labelFocused : .normal)
        canvas.put("[" + state.note.text + (state.isOnNote ? "_" : "") + "]", at: Point(x: content.x + 14, y: y),
                   style: state.isOnNote ? .fieldFocused : .field, maxWidth: content.width - 14)
        let message: StatusLineView.Message? = state.isSaving ? .working(strings[.statusSaving]) : state.failure.map { .problem(strings.text($0)) }
        StatusLineView.render(message, into: &canvas, row: content.maxY - 1, x: content.x, width: content.width)
    }
}

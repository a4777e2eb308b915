import ArogyaCore
import ArogyaStore

/// A screening or a follow-up visit for one patient: the CBAC, vitals and tests, and cancer examinations,
/// one part per page, then the outcome.
///
/// Built for a trained worker's speed: numbers move on by themselves once they cannot take another digit,
/// y and n answer and move on, a letter picks a choice and moves on, one key answers "no" to the rest of a
/// list of symptoms, and Enter on the last question (or F10 anywhere) shows the outcome. An unusual or
/// urgent value asks for Enter once before it is taken.
@MainActor
final class ScreeningScreen: KeyedScreen, MessageScreen, AnsweringScreen {
    enum Action: Sendable { case next, previous, enter, nextPart, previousPart, restNo, outcome, cancel }

    struct State: Sendable {
        var draft: ScreeningDraft
        var focus: QuestionID
        /// Problems at a field, by question.
        var errors: [QuestionID: UserMessage] = [:]
        /// A value waiting for Enter before it is accepted.
        var awaitingConfirmation: QuestionID?
        var medicines = TextInput(kind: .text, maxLength: 120)
        var day: CivilDate
    }

    let context: AppContext
    let account: Account
    let patient: Patient
    private(set) var state: State
    /// The card is told once the outcome screen has saved.
    let answerRoute = AnswerRoute<ScreeningSaved>()

    enum Message: Sendable {
        case discardAnswered(Bool)
        /// The outcome screen saved the screening.
        case saved(ScreeningSaved)
    }

    /// A screening sent back, being corrected; nil for a new one.
    let correcting: ScreeningCorrection?

    /// `rules` is the facility's protocol, which the card worked out when it loaded.
    init(context: AppContext, account: Account, patient: Patient, kind: ScreeningVisit.Kind, known: Set<KnownCondition>,
         rules: ScreeningProtocol) {
        self.context = context
        self.account = account
        self.patient = patient
        self.correcting = nil
        let day = context.localTime(context.clock.now()).date
        let draft = ScreeningDraft(rules: rules, kind: kind, sex: patient.sex, age: patient.age(on: day), known: known,
                                   strings: context.strings)
        self.state = State(draft: draft, focus: draft.visibleQuestions.first!.id, day: day)
    }

    /// The same form filled in with a sent-back screening's answers, on its own day, by the protocol it
    /// was judged by.
    init(context: AppContext, account: Account, patient: Patient, correcting: ScreeningCorrection) {
        self.context = context
        self.account = account
        self.patient = patient
        self.correcting = correcting
        let screening = correcting.screening
        var draft = ScreeningDraft(rules: correcting.rules, kind: screening.kind, sex: patient.sex, age: patient.age(on: screening.day),
                                   known: correcting.input.known, strings: context.strings)
        draft.fill(from: correcting.input)
        if let adherence = screening.adherence { draft.set(.adherence, .choice(adherence.rawValue)) }
        var state = State(draft: draft, focus: draft.visibleQuestions.first!.id, day: screening.day)
        if let medicines = screening.medicines {
            _ = state.medicines.paste(medicines)
            state.draft.set(.medicines, .typed(medicines))
        }
        self.state = state
    }

    var title: String {
        if correcting != nil { return context.strings[.correctionTitle] + ": " + patient.name }
        return context.strings[state.draft.kind == .screening ? .screeningTitle : .followUpTitle] + ": " + patient.name
    }

    var hasUnsavedInput: Bool { state.draft.isDirty }
    var typesFreeText: Bool { state.focus == .medicines }

    let keyTable = KeyTable<Action>([
        KeyBinding(.next, keys: [.tab, .down], label: .actionNextField, help: .helpNextField, inFooter: false),
        KeyBinding(.previous, keys: [.backTab, .up], label: .actionPreviousField, help: .helpPreviousField, inFooter: false),
        KeyBinding(.enter, keys: [.enter], label: .actionNextOrAdd, help: .helpScreeningEnter, inFooter: false),
        KeyBinding(.nextPart, keys: [.pageDown, .ctrl("f")], label: .actionNextPart, help: .helpNextPart),
        KeyBinding(.previousPart, keys: [.pageUp, .ctrl("b")], label: .actionPreviousPart, help: .helpPreviousPart, inFooter: false),
        KeyBinding(.restNo, keys: [.function(6), .ctrl("n")], label: .actionRestNo, help: .helpRestNo),
        KeyBinding(.outcome, keys: [.function(10), .ctrl("o")], label: .actionOutcome, help: .helpOutcome),
        KeyBinding(.cancel, keys: [.escape], label: .actionCancel, help: .helpFormCancel),
    ])

    // MARK: Focus

    private var visible: [Question] { state.draft.visibleQuestions }

    private var focusIndex: Int { visible.firstIndex { $0.id == state.focus } ?? 0 }

    var focusedQuestion: Question { visible[focusIndex] }

    var currentPart: ScreeningPart { focusedQuestion.part }

    /// Moves on, first checking the field being left. Returns false when the field holds the focus.
    @discardableResult
    private func leaveField(confirming: Bool = false) -> Bool {
        let question = focusedQuestion
        guard case .number(let rule) = question.kind else { return true }
        let text = state.draft.typed(question.id)
        guard !text.isEmpty, text != "LO", text != "HI" else {
            if text == "LO" || text == "HI" { return confirmUnusual(question.id, text: text, confirming: confirming, key: .screeningConfirmUrgent) }
            return true
        }
        guard let value = Double(text) else {
            state.errors[question.id] = UserMessage(.screeningNotANumber)
            return false
        }
        guard rule.range.contains(value) else {
            state.errors[question.id] = UserMessage(.screeningValueOutOfRange, [
                "value": text, "min": JSONValue.format(rule.range.lowerBound), "max": JSONValue.format(rule.range.upperBound)])
            return false
        }
        let urgent = question.id == .glucoseValue ? state.draft.isUrgentGlucose(value) : rule.urgent(value)
        if urgent { return confirmUnusual(question.id, text: text, confirming: confirming, key: .screeningConfirmUrgent) }
        if !rule.plausible.contains(value) { return confirmUnusual(question.id, text: text, confirming: confirming, key: .screeningConfirmUnusual) }
        return true
    }

    private func confirmUnusual(_ id: QuestionID, text: String, confirming: Bool, key: StringKey) -> Bool {
        if state.draft.confirmed[id] == text { return true }
        if confirming && state.awaitingConfirmation == id {
            state.draft.confirmed[id] = text
            state.awaitingConfirmation = nil
            state.errors[id] = nil
            return true
        }
        state.awaitingConfirmation = id
        state.errors[id] = UserMessage(key, ["value": text])
        return false
    }

    private func move(by delta: Int) {
        let questions = visible
        let index = max(0, min(questions.count - 1, focusIndex + delta))
        state.focus = questions[index].id
    }

    private func goToPart(_ part: ScreeningPart) {
        if let first = visible.first(where: { $0.part == part }) { state.focus = first.id }
    }

    // MARK: Actions

    func perform(_ action: Action) -> Effect {
        switch action {
        case .next:
            if leaveField() { move(by: 1) }
        case .previous:
            if leaveField() { move(by: -1) }
        case .enter:
            // Enter confirms an unusual value, then moves on; on the last question it shows the outcome.
            guard leaveField(confirming: true) else { return .none }
            if focusIndex == visible.count - 1 { return showOutcome() }
            move(by: 1)
        case .nextPart:
            guard leaveField() else { return .none }
            let parts = state.draft.parts
            if let index = parts.firstIndex(of: currentPart), index + 1 < parts.count { goToPart(parts[index + 1]) } else { return showOutcome() }
        case .previousPart:
            guard leaveField() else { return .none }
            let parts = state.draft.parts
            if let index = parts.firstIndex(of: currentPart), index > 0 { goToPart(parts[index - 1]) }
        case .restNo:
            guard currentPart.isYesNoList else {
                state.errors[state.focus] = UserMessage(.screeningRestNoHere)
                return .none
            }
            let part = currentPart
            for id in state.draft.unanswered(in: part) { state.draft.set(id, .no) }
            let parts = state.draft.parts
            if let index = parts.firstIndex(of: part), index + 1 < parts.count { goToPart(parts[index + 1]) }
        case .outcome:
            guard leaveField() else { return .none }
            return showOutcome()
        case .cancel:
            guard state.draft.isDirty else { return .pop }
            return ask(ConfirmDialog.discard(context: context, message: .screeningDiscardMessage)) { .discardAnswered($0) }
        }
        return .none
    }

    private func showOutcome() -> Effect {
        let problems = state.draft.problems
        if let (id, message) = problems.first {
            state.errors[id] = message
            state.focus = id
            return .none
        }
        guard state.draft.hasFindings else {
            state.errors[state.focus] = UserMessage(.screeningNothingRecorded)
            return .none
        }
        let outcome = ScreeningOutcomeScreen(context: context, account: account, patient: patient, draft: state.draft,
                                             day: state.day, medicines: state.medicines.text, correcting: correcting)
        return ask(outcome) { .saved($0) }
    }

    func typed(_ key: Key) -> Effect {
        let question = focusedQuestion
        let id = question.id
        state.errors[id] = nil
        if state.awaitingConfirmation == id { state.awaitingConfirmation = nil }
        switch question.kind {
        case .yesNo:
            switch key {
            case .char("y"), .char("Y"): state.draft.set(id, .yes); move(by: 1)
            case .char("n"), .char("N"): state.draft.set(id, .no); move(by: 1)
            case .char(" "), .left, .right:
                state.draft.set(id, state.draft.answer(id) == .yes ? .no : .yes)
            case .backspace, .delete: state.draft.set(id, nil)
            default: state.errors[id] = UserMessage(.screeningYesNoKeys)
            }
        case .choice(let options):
            switch key {
            case .char(let letter):
                guard let option = options.first(where: { $0.letter == Character(letter.lowercased()) }) else {
                    state.errors[id] = UserMessage(.screeningChoiceKeys, ["keys": options.map { String($0.letter) }.joined(separator: " ")])
                    return .none
                }
                state.draft.set(id, .choice(option.value))
                move(by: 1)
            case .left, .right:
                let current = options.firstIndex { $0.value == state.draft.choice(id) } ?? (key == .right ? -1 : 0)
                let next = (current + (key == .right ? 1 : -1) + options.count) % options.count
                state.draft.set(id, .choice(options[next].value))
            case .backspace, .delete: state.draft.set(id, nil)
            default: break
            }
        case .number(let rule):
            var text = state.draft.typed(id)
            switch key {
            case .char(let character) where character.isASCII && character.isNumber:
                guard !(text == "LO" || text == "HI") else { return .none }
                guard rule.canTake(digitAfter: text) else {
                    state.errors[id] = UserMessage(.screeningTooManyDigits, ["from": JSONValue.format(rule.range.lowerBound),
                                                                             "to": JSONValue.format(rule.range.upperBound)])
                    return .none
                }
                text.append(character)
            case .char("."), .char(","):
                guard rule.allowsDecimal, !text.contains(".") else {
                    state.errors[id] = UserMessage(.screeningNotANumber)
                    return .none
                }
                text.append(".")
            // (A `where` after two patterns would bind only the second, so each letter is its own case.)
            case .char("l") where rule.allowsMeterWords: text = "LO"
            case .char("L") where rule.allowsMeterWords: text = "LO"
            case .char("h") where rule.allowsMeterWords: text = "HI"
            case .char("H") where rule.allowsMeterWords: text = "HI"
            case .backspace:
                if text == "LO" || text == "HI" { text = "" } else if !text.isEmpty { text.removeLast() }
            case .delete, .ctrl("u"): text = ""
            case .char:
                state.errors[id] = UserMessage(rule.allowsMeterWords ? .screeningGlucoseKeys : .screeningNotANumber)
                return .none
            default: return .none
            }
            state.draft.set(id, text.isEmpty ? nil : .typed(text))
            if rule.isComplete(text), leaveField() { move(by: 1) }
        case .checklist(let options):
            switch key {
            case .char(let digit):
                guard let option = options.first(where: { $0.letter == digit }) else {
                    state.errors[id] = UserMessage(.screeningChecklistKeys, ["last": String(options.count)])
                    return .none
                }
                var ticked = state.draft.ticked(id)
                if ticked.contains(option.value) { ticked.remove(option.value) } else { ticked.insert(option.value) }
                state.draft.set(id, .ticked(ticked))
            case .backspace, .delete: state.draft.set(id, nil)
            default: break
            }
        case .text:
            let outcome = state.medicines.apply(key)
            if case .refused(let message) = outcome { state.errors[id] = message }
            state.draft.set(id, state.medicines.isEmpty ? nil : .typed(state.medicines.text))
        }
        return .none
    }

    func pasted(_ text: String) -> Effect {
        // Only the medicines take free text; a pasted number goes through the keys so it is checked the same way.
        if case .text = focusedQuestion.kind {
            _ = state.medicines.paste(text)
            state.draft.set(.medicines, state.medicines.isEmpty ? nil : .typed(state.medicines.text))
            return .none
        }
        for character in text where !character.isNewline { _ = typed(.char(character)) }
        return .none
    }

    func receive(_ message: Message) -> Effect {
        switch message {
        case .discardAnswered(let discard):
            return discard ? .pop : .none
        case .saved(let saved):
            // The outcome saved it: close this form too and pass the news to the card.
            return close(answering: saved)
        }
    }

    func render(into canvas: inout Canvas, area: Rect) {
        ScreeningView.render(self, strings: context.strings, into: &canvas, area: area)
    }
}

/// Sent back when the outcome screen has saved: the form closes and the card shows what was saved.
struct ScreeningSaved: Sendable {
    let notice: UserMessage
}

import ArogyaCore
import ArogyaStore

/// What the protocol concluded, before anything is saved: urgent flags first, the referrals and to whom,
/// every reason in words, the next visit. Saving writes the screening, its referrals, the audit and the
/// upload queue in one go; Esc goes back to change an answer.
@MainActor
final class ScreeningOutcomeScreen: KeyedScreen, MessageScreen, AnsweringScreen {
    enum Action: Sendable { case save, back, scrollDown, scrollUp }

    struct State: Sendable {
        let decision: ScreeningDecision
        let reasons: [String]
        var isSaving = false
        /// Saved: nothing is left to lose when this screen closes.
        var isSaved = false
        var failure: UserMessage?
        var scroll = 0
    }

    let context: AppContext
    let account: Account
    let patient: Patient
    let draft: ScreeningDraft
    let day: CivilDate
    let medicines: String
    private(set) var state: State
    let answerRoute = AnswerRoute<ScreeningSaved>()

    enum Message: StoreFailureMessage {
        case saved(SavedScreening)
        case storeFailed(UserMessage)
    }

    /// The sent-back screening this outcome corrects; nil for a new one.
    let correcting: ScreeningCorrection?

    init(context: AppContext, account: Account, patient: Patient, draft: ScreeningDraft, day: CivilDate, medicines: String,
         correcting: ScreeningCorrection? = nil) {
        self.correcting = correcting
        self.context = context
        self.account = account
        self.patient = patient
        self.draft = draft
        self.day = day
        self.medicines = medicines
        let decision = ScreeningEngine(protocol: draft.rules).evaluate(draft.input, kind: draft.kind)
        let text = ScreeningReasonText(strings: context.strings, protocol: draft.rules)
        self.state = State(decision: decision, reasons: text.sentences(decision))
    }

    var title: String { context.strings[.outcomeTitle] + ": " + patient.name }
    var hasUnsavedInput: Bool { !state.isSaving && !state.isSaved }

    let keyTable = KeyTable<Action>([
        KeyBinding(.save, keys: [.function(2), .ctrl("s"), .enter], label: .actionSave, help: .helpOutcomeSave),
        KeyBinding(.scrollDown, keys: [.down, .pageDown], label: .actionMore, help: .helpScroll, inFooter: false),
        KeyBinding(.scrollUp, keys: [.up, .pageUp], label: .actionMore, help: .helpScroll, inFooter: false),
        KeyBinding(.back, keys: [.escape], label: .actionChangeAnswers, help: .helpOutcomeBack),
    ])

    func perform(_ action: Action) -> Effect {
        guard !state.isSaving else { return .none }
        switch action {
        case .back:
            return .pop
        case .scrollDown:
            state.scroll += 1
        case .scrollUp:
            state.scroll = max(0, state.scroll - 1)
        case .save:
            state.isSaving = true
            state.failure = nil
            let store = context.store
            let visit = ScreeningVisit(patientId: patient.id, kind: draft.kind, day: day, input: draft.input,
                                       medicines: medicines.isEmpty ? nil : TextSanitizer.singleLine(medicines),
                                       adherence: draft.choice(.adherence).flatMap(Adherence.init(rawValue:)))
            let text = ScreeningReasonText(strings: context.strings, protocol: draft.rules)
            let actor = AuditActor.account(account.username)
            if let correcting {
                let id = correcting.screening.id
                return runStore { .saved(try store.correctScreening(id, with: visit, reasonText: text, by: actor)) }
            }
            return runStore { .saved(try store.recordScreening(visit, reasonText: text, by: actor)) }
        }
        return .none
    }

    func receive(_ message: Message) -> Effect {
        state.isSaving = false
        switch message {
        case .saved(let saved):
            state.isSaved = true
            let referrals = saved.referrals.count
            if correcting != nil { return close(answering: ScreeningSaved(notice: UserMessage(.correctionSaved))) }
            return close(answering: ScreeningSaved(notice: UserMessage(referrals == 0 ? .outcomeSaved : .outcomeSavedWithReferrals,
                                                                       ["count": String(referrals)])))
        case .storeFailed(let failure):
            state.failure = failure
            return .none
        }
    }

    func render(into canvas: inout Canvas, area: Rect) {
        ScreeningOutcomeView.render(self, strings: context.strings, into: &canvas, area: area)
    }
}

@MainActor
enum ScreeningOutcomeView {
    static func render(_ screen: ScreeningOutcomeScreen, strings: StringTable, into canvas: inout Canvas, area: Rect) {
        let state = screen.state
        let decision = state.decision
        let rules = screen.draft.rules
        let content = area.inset(dx: 2, dy: 0)
        let glyphs = canvas.glyphs
        var lines: [(String, Style)] = []

        // A correction says first what it answers.
        if let sendBack = screen.correcting?.sendBack {
            lines.append((strings.text(.correctionAnswers, ["by": sendBack.reviewedBy, "reason": sendBack.reason ?? ""]), .warning))
            lines.append(("", .normal))
        }
        // The verdict first, in words as well as colour; a screening that missed a reading never reads as
        // "no referral needed".
        if decision.urgent {
            lines.append((strings[.outcomeUrgent], .error))
        } else if decision.refer {
            lines.append((strings[.outcomeRefer], .warning))
        } else if !decision.notScreened.isEmpty {
            lines.append((strings[.outcomeIncomplete], .warning))
        } else {
            lines.append((strings[.outcomeNoReferral], .success))
        }
        lines.append(("", .normal))
        // Each referral with the reasons that ask for it beneath it, then what was not screened, then the
        // notes: a reason is never shown under a referral it does not belong to.
        func bullets(_ indices: [Int]) {
            for index in indices where index < state.reasons.count {
                let reason = decision.reasons[index]
                let mark = reason.severity == .urgent ? "! " : glyphs.bullet + " "
                for (row, line) in wrap(state.reasons[index], width: content.width - 4).enumerated() {
                    lines.append(((row == 0 ? "  " + mark : "    ") + line, reason.severity == .urgent ? .error : .normal))
                }
            }
        }
        for referral in decision.referrals {
            let place = rules.placeName(referral.place, language: strings.language)
            let heading = strings.text(referral.urgent ? .outcomeReferralUrgent : .outcomeReferral, ["place": place])
            for (row, line) in wrap(heading.prefix(1).uppercased() + heading.dropFirst(), width: content.width).enumerated() {
                lines.append(((row == 0 ? "" : "  ") + line, referral.urgent ? .error : .heading))
            }
            bullets(referral.reasonIndices)
        }
        let underReferrals = Set(decision.referrals.flatMap(\.reasonIndices))
        let rest = decision.reasons.indices.filter { !underReferrals.contains($0) }
        let unscreened = rest.filter { if case .notScreened = decision.reasons[$0].kind { return true } else { return false } }
        let others = rest.filter { !unscreened.contains($0) }
        if !unscreened.isEmpty {
            lines.append((strings[.outcomeNotScreened], .heading))
            bullets(unscreened)
        }
        if !others.isEmpty {
            lines.append((strings[.outcomeNoted], .heading))
            bullets(others)
        }
        if lines.last?.0 != "" { lines.append(("", .normal)) }
        var readings: [String] = []
        if let bp = decision.bloodPressure {
            readings.append(strings.text(.outcomeBp, ["bp": bp.mean.text, "category": ScreeningFormatting.bloodPressureCategory(bp.category, strings: strings)]))
        }
        if let glucose = decision.glucose, let reading = screen.draft.input.glucose {
            readings.append(ScreeningFormatting.glucose(type: reading.type, value: reading.value, strings: strings) + " ("
                            + ScreeningFormatting.glucoseCategory(glucose.category, strings: strings) + ")")
        }
        if let score = decision.cbacScore {
            readings.append(strings.text(.outcomeCbac, ["score": String(score)]) + (decision.cbacPriority == true ? " " + strings[.outcomePriority] : ""))
        }
        if let bmi = decision.bodyMassIndex { readings.append(strings.text(.outcomeBmi, ["bmi": JSONValue.format(bmi)])) }
        if !readings.isEmpty { lines.append((readings.joined(separator: glyphs.separator), .normal)) }
        let next = screen.day.adding(days: decision.followUpDays)
        lines.append((decision.followUpDays == 0 ? strings[.outcomeNextVisitToday]
                       : strings.text(.outcomeNextVisit, ["date": strings.date(next), "days": String(decision.followUpDays)]),
                      .normal))
        var footnote = strings.text(.outcomeProtocol, ["id": rules.id, "version": rules.version])
        let unanswered = screen.draft.parts.filter(\.isYesNoList).flatMap { screen.draft.unanswered(in: $0) }.count
        if unanswered > 0 { footnote += glyphs.separator + strings.text(.outcomeUnanswered, ["count": String(unanswered)]) }
        lines.append((footnote, .hint))

        let messageRows = 2
        let room = content.maxY - messageRows - content.y - 1
        let first = min(state.scroll, max(0, lines.count - room))
        for (offset, line) in lines.dropFirst(first).prefix(room).enumerated() {
            canvas.put(line.0, at: Point(x: content.x, y: content.y + 1 + offset), style: line.1, maxWidth: content.width)
        }
        if first + room < lines.count { canvas.put(glyphs.arrowDown, at: Point(x: content.maxX - 1, y: content.y + room), style: .hint) }
        let message: StatusLineView.Message? = state.isSaving ? .working(strings[.statusSaving])
            : state.failure.map { .problem(strings.text($0)) } ?? .working(strings[.outcomeSaveHint])
        StatusLineView.render(message, into: &canvas, row: content.maxY - messageRows, x: content.x, width: content.width, rows: messageRows)
    }
}

import ArogyaCore
import ArogyaStore

/// One patient: who she is, her identifiers and consent, and her care: known conditions and BP control,
/// what is due or overdue, open referrals, and her latest screenings. From here she is screened, seen for
/// a follow-up, her referral's outcome recorded, or her record edited, marked or merged.
@MainActor
final class PatientCardScreen: KeyedScreen, MessageScreen {
    enum Action: Sendable { case edit, screening, followUp, referralOutcome, abha, markDeceased, markMoved, markActive, merge, openMerged, back }

    struct State {
        var patient: Patient?
        var care: CareSummary?
        var screenings: [ScreeningSummary] = []
        /// The supervisor's reviews of those visits, by screening.
        var reviews: [String: ReviewHistory] = [:]
        var rules: ScreeningProtocol?
        /// Her ABHA request kept while there was no network, if one waits.
        var pendingAbha: AbhaRequest?
        /// How many of her visits the hub has linked to her ABHA, as of the last sync.
        var abhaLinks: AbhaLinkSummary?
        var isLoading = true
        var message: UserMessage?
        var notice: UserMessage?
        var today: CivilDate
    }

    let context: AppContext
    let account: Account
    let patientId: String
    private(set) var state: State

    /// Opens ABHA verification once her card has loaded: just registered with an ABHA typed.
    private var verifyingTypedAbha: Bool

    init(context: AppContext, account: Account, patientId: String, verifyingTypedAbha: Bool = false) {
        self.context = context
        self.account = account
        self.patientId = patientId
        self.verifyingTypedAbha = verifyingTypedAbha
        self.state = State(today: context.localTime(context.clock.now()).date)
    }

    var title: String { context.strings[.patientCardTitle] }
    var hasUnsavedInput: Bool { false }

    let keyTable = KeyTable<Action>([
        KeyBinding(.edit, keys: [.char("e"), .function(4)], label: .actionEdit, help: .helpCardEdit),
        KeyBinding(.screening, keys: [.char("s"), .function(5)], label: .actionScreening, help: .helpCardScreening),
        KeyBinding(.followUp, keys: [.char("f"), .function(6)], label: .actionFollowUp, help: .helpCardFollowUp),
        KeyBinding(.referralOutcome, keys: [.char("r"), .function(8)], label: .actionReferral, help: .helpCardReferralOutcome),
        // Named on the card's ABHA line instead of the footer, which is full at 80 columns.
        KeyBinding(.abha, keys: [.char("b"), .function(9)], label: .actionAbha, help: .helpCardAbha, inFooter: false),
        KeyBinding(.markDeceased, keys: [.char("d")], label: .actionMarkDeceased, help: .helpCardDeceased, inFooter: false),
        KeyBinding(.markMoved, keys: [.char("m")], label: .actionMarkMoved, help: .helpCardMoved, inFooter: false),
        KeyBinding(.markActive, keys: [.char("a")], label: .actionMarkActive, help: .helpCardActive, inFooter: false),
        KeyBinding(.merge, keys: [.char("g"), .function(7)], label: .actionMerge, help: .helpCardMerge, inFooter: false),
        KeyBinding(.openMerged, keys: [.char("o")], label: .actionOpenMerged, help: .helpCardOpenMerged, inFooter: false),
        KeyBinding(.back, keys: [.escape, .char("q")], label: .actionBack, help: .helpBack),
    ])

    struct Loaded: Sendable {
        let patient: Patient?
        let care: CareSummary?
        let screenings: [ScreeningSummary]
        var reviews: [String: ReviewHistory] = [:]
        let rules: ScreeningProtocol
        var pendingAbha: AbhaRequest?
        var abhaLinks: AbhaLinkSummary?
    }

    enum Message: StoreFailureMessage {
        case loaded(Loaded)
        /// The record to merge into this one, chosen on the Patients screen.
        case mergePicked(Patient)
        /// A screen opened from here saved: what to say about it.
        case saved(notice: UserMessage)
        case storeFailed(UserMessage)
    }

    func appeared() -> Effect {
        state.today = context.localTime(context.clock.now()).date
        let store = context.store
        let protocols = context.protocols
        let (id, today) = (patientId, state.today)
        return runStore {
            let rules = protocols.protocolFor(state: try store.facility()?.state?.code)
            guard let patient = try store.patient(id: id) else { return .loaded(Loaded(patient: nil, care: nil, screenings: [], rules: rules)) }
            let screenings = try store.screenings(patientId: id, limit: 4)
            return .loaded(Loaded(patient: patient, care: try store.careSummary(patientId: id, today: today, protocol: rules),
                                  screenings: screenings, reviews: try store.reviewHistories(screeningIds: screenings.map(\.id)), rules: rules,
                                  pendingAbha: try store.pendingAbhaRequests(patientId: id).first?.request,
                                  abhaLinks: try store.abhaLinkSummary(patientId: id)))
        }
    }

    func perform(_ action: Action) -> Effect {
        state.message = nil
        guard let patient = state.patient else { return action == .back ? .pop : .none }
        let merged: String?
        if case .merged(let into) = patient.status { merged = into } else { merged = nil }
        switch action {
        case .back:
            return .pop
        case .openMerged:
            guard let merged else { return .none }
            return .replace(with: PatientCardScreen(context: context, account: account, patientId: merged))
        case _ where merged != nil:
            state.message = UserMessage(.errorPatientMerged)
            return .none
        case .edit:
            state.notice = nil
            return ask(PatientFormScreen(context: context, account: account, editing: patient)) { .saved(notice: $0.notice) }
        case .screening, .followUp:
            guard let rules = state.rules, patient.status == .active else {
                state.message = UserMessage(.screeningPatientNotActive)
                return .none
            }
            let known = state.care?.known ?? []
            if action == .followUp && known.isEmpty {
                state.message = UserMessage(.followUpNeedsKnown)
                return .none
            }
            state.notice = nil
            let screening = ScreeningScreen(context: context, account: account, patient: patient,
                                            kind: action == .followUp ? .followUp : .screening, known: known, rules: rules)
            return ask(screening) { .saved(notice: $0.notice) }
        case .abha:
            // Linked: her card with its QR code. Else make or verify one, resuming what waits offline.
            if patient.abhaNumber != nil { return .push(AbhaCardScreen(context: context, account: account, patient: patient)) }
            guard patient.status == .active else {
                state.message = UserMessage(.cliAbhaPatientInactive, ["name": patient.name])
                return .none
            }
            state.notice = nil
            return ask(AbhaFlowScreen(context: context, account: account, patient: patient, flow: state.pendingAbha?.flow)) { .saved(notice: $0.notice) }
        case .referralOutcome:
            guard let rules = state.rules, let open = state.care?.openReferrals, !open.isEmpty else {
                state.message = UserMessage(.referralNoneOpen)
                return .none
            }
            state.notice = nil
            return ask(ReferralOutcomeScreen(context: context, account: account, patient: patient, referrals: open, rules: rules)) {
                .saved(notice: $0.notice)
            }
        case .markDeceased:
            return mark(patient, as: .deceased)
        case .markMoved:
            return mark(patient, as: .moved)
        case .markActive:
            guard patient.status != .active else { return .none }
            return mark(patient, as: .active)
        case .merge:
            guard account.isSupervisor else {
                state.message = UserMessage(.errorSupervisorOnly)
                return .none
            }
            return ask(PatientsScreen(context: context, account: account, mode: .pick(excluding: patient.id))) { .mergePicked($0) }
        }
    }

    private func mark(_ patient: Patient, as marking: MarkPatientScreen.Marking) -> Effect {
        ask(MarkPatientScreen(context: context, account: account, patient: patient, marking: marking)) { .saved(notice: $0.notice) }
    }

    func receive(_ message: Message) -> Effect {
        switch message {
        case .loaded(let loaded):
            state.isLoading = false
            state.patient = loaded.patient
            state.care = loaded.care
            state.screenings = loaded.screenings
            state.reviews = loaded.reviews
            state.rules = loaded.rules
            state.pendingAbha = loaded.pendingAbha
            state.abhaLinks = loaded.abhaLinks
            if loaded.patient == nil { state.message = UserMessage(.errorUnknownPatient, ["id": patientId]) }
            if verifyingTypedAbha, let patient = loaded.patient, patient.status == .active {
                verifyingTypedAbha = false
                return ask(AbhaFlowScreen(context: context, account: account, patient: patient, flow: .verify, fromRegistration: true)) {
                    .saved(notice: $0.notice)
                }
            }
        case .mergePicked(let other):
            guard let patient = state.patient else { return .none }
            return ask(MergePatientScreen(context: context, account: account, keep: patient, other: other)) { .saved(notice: $0.notice) }
        case .saved(let notice):
            state.notice = notice
        case .storeFailed(let failure):
            state.message = failure
        }
        return .none
    }

    func render(into canvas: inout Canvas, area: Rect) {
        PatientCardView.render(state, strings: context.strings, localTime: context.localTime, into: &canvas, area: area)
    }
}

/// Sent back to the card by the screens that change a patient, when they close after saving.
struct PatientSaved: Sendable {
    let notice: UserMessage
}

enum PatientCardView {
    static func render(_ state: PatientCardScreen.State, strings: StringTable, localTime: (Timestamp) -> LocalTime,
                       into canvas: inout Canvas, area: Rect) {
        let content = area.inset(dx: 2, dy: 0)
        var y = content.y + 1
        guard let patient = state.patient else {
            canvas.put(state.isLoading ? strings[.statusLoading] : "", at: Point(x: content.x, y: y), style: .hint)
            if let message = state.message {
                StatusLineView.render(.problem(strings.text(message)), into: &canvas, row: content.maxY - 1, x: content.x, width: content.width)
            }
            return
        }
        let glyphs = canvas.glyphs
        canvas.put(canvas.truncate(PatientFormatting.names(patient, glyphs: glyphs), to: content.width - 24),
                   at: Point(x: content.x, y: y), style: .heading)
        if let tag = PatientFormatting.statusTag(patient, strings: strings) {
            canvas.put(tag, at: Point(x: content.maxX - DisplayWidth.of(tag), y: y), style: .warning)
        }
        y += 1
        let born = patient.birthDateEstimated ? strings[.patientBornEstimated]
            : strings.text(.patientBorn, ["date": strings.date(patient.birthDate)])
        canvas.put(strings[patient.sex.labelKey].capitalizedFirst + ", " + PatientFormatting.age(patient, today: state.today, strings: strings)
                   + " (" + born + ")", at: Point(x: content.x, y: y))
        y += 2
        let consent = patient.consent
        let lines: [(StringKey, String)] = [
            (.patientVillage, patient.village?.name ?? "-"), (.patientHousehold, patient.household ?? "-"),
            (.patientMobile, patient.mobile ?? "-"), (.patientMrn, patient.mrn ?? "-"),
            (.patientAbhaNumber, patient.abhaNumber.map(Identifiers.formattedAbhaNumber)
                ?? state.pendingAbha.map { strings.text(.cardAbhaPending, ["date": strings.date(localTime($0.createdAt).date)]) }
                ?? (patient.status == .active ? strings[.cardAbhaNone] : "-")),
            (.patientAbhaAddress, patient.abhaAddress ?? "-"),
        ] + (state.abhaLinks.map { [(.patientAbhaShared, PatientFormatting.shared($0, strings: strings))] } ?? []) + [
            (.patientConsent, strings[consent.given ? .consentYes : .consentNo] + ", " + strings[consent.method.labelKey] + ", "
                + strings.date(consent.date)),
            (.patientRegistered, strings.date(localTime(patient.createdAt).date)
                + (patient.lastSeenAt.map { glyphs.separator + strings.text(.patientSeen, ["date": strings.date(localTime($0).date)]) } ?? "")
                + glyphs.separator + strings.text(.patientVersion, ["version": String(patient.version)])),
        ]
        // Two columns of label and value where they fit, else one.
        let half = content.width / 2
        var column = 0
        for (label, value) in lines {
            let wide = DisplayWidth.of(value) > half - 16 || [.patientConsent, .patientRegistered, .patientAbhaShared].contains(label)
            if wide && column == 1 { y += 1; column = 0 }
            let x = content.x + column * half
            canvas.put(DisplayWidth.pad(strings[label], to: 14), at: Point(x: x, y: y), style: .hint)
            canvas.put(value, at: Point(x: x + 14, y: y), maxWidth: (wide ? content.width : half) - 15)
            if wide || column == 1 { y += 1; column = 0 } else { column = 1 }
        }
        if column == 1 { y += 1 }
        y += 1
        y = CareSectionView.render(state, strings: strings, into: &canvas, area: Rect(x: content.x, y: y, width: content.width,
                                                                                     height: content.maxY - 1 - y))
        if case .merged = patient.status {
            y += 2
            canvas.put(strings[.patientMergedHint], at: Point(x: content.x, y: y), style: .warning, maxWidth: content.width)
        }
        let message: StatusLineView.Message? = state.message.map { .problem(strings.text($0)) } ?? state.notice.map { .done(strings.text($0)) }
        StatusLineView.render(message, into: &canvas, row: content.maxY - 1, x: content.x, width: content.width)
    }
}

extension String {
    /// "female" → "Female"
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}

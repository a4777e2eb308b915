import ArogyaABDM
import ArogyaCore
import ArogyaStore
import ArogyaSync

/// A patient's ABHA, made or verified through the facility's hub, one step at a time: create one with her
/// Aadhaar OTP (ABDM's consent first, the mobile verified when it is not her Aadhaar-linked one, an address
/// from ABDM's suggestions or typed), or verify one she has by its number, its address or her mobile. The
/// profile that comes back is compared with her registration before it is linked. With no network the
/// request is kept as "ABHA pending" (never the Aadhaar number) and resumed with her present.
///
/// Every ABDM call is background work with the hub's deadline behind it: the keys never wait for one.
@MainActor
final class AbhaFlowScreen: KeyedScreen, MessageScreen, AnsweringScreen {
    enum Action: Sendable { case confirm, nextField, previousField, resend, takeAbhaDetails, back }
    enum Field: Hashable, Sendable { case aadhaar, mobile, otp, identifier, otpVia, address }

    /// Where the OTP on the screen came from, and so what it opens.
    enum OtpStage: Equatable, Sendable {
        case aadhaar(AbhaResponses.OtpSent)
        case mobile(AbhaResponses.OtpSent, enrolled: AbhaResponses.Enrolled)
        case login(AbhaVerification.Started)

        var sent: AbhaResponses.OtpSent {
            switch self {
            case .aadhaar(let sent), .mobile(let sent, _): sent
            case .login(let started): started.sent
            }
        }
    }

    enum Step: Equatable, Sendable {
        /// Create with Aadhaar (0), or verify one she has (1).
        case choose(Int)
        case consent
        case aadhaar
        case verifyWith
        case otp(OtpStage)
        case accounts([AbhaResponses.Account], selected: Int, transactionId: String, tToken: String)
        case address(suggestions: [String], selected: Int, enrolled: AbhaResponses.Enrolled)
        case review(AbhaProfile, address: String?, existing: Bool)
    }

    struct State: Equatable {
        var step: Step = .choose(0)
        var form = Form<Field>([])
        /// What is being waited for ("Sending the OTP…"), or nil.
        var busy: StringKey?
        var problem: UserMessage?
        var notice: UserMessage?
        /// When the OTP on the screen was sent, for the resend countdown.
        var otpSentAt: Timestamp?
        var resends = 0
        var now: Timestamp
    }

    /// ABDM's session for the flow under way: the service (its key) and what each step needs.
    enum Session: Sendable {
        case enrol(AbhaEnrolment)
        case verify(AbhaVerification)
    }

    static let resendSeconds: Int64 = 60
    /// New OTPs for one transaction before ABDM wants a new start.
    static let maximumResends = 2

    let context: AppContext
    let account: Account
    private(set) var patient: Patient
    let answerRoute = AnswerRoute<PatientSaved>()
    private(set) var state: State
    private var session: Session?
    /// Held in memory only while the flow runs, to send a new OTP; never stored, never drawn whole.
    private var aadhaar: AadhaarNumber?
    private var mobile: String?
    private var identifier: AbhaVerification.Identifier?
    private var otpVia = AbhaRequests.OtpVia.aadhaar

    /// Opened right after her registration, for the ABHA typed in it.
    let fromRegistration: Bool

    init(context: AppContext, account: Account, patient: Patient, flow: AbhaRequest.Flow? = nil, fromRegistration: Bool = false) {
        self.context = context
        self.account = account
        self.patient = patient
        self.fromRegistration = fromRegistration
        state = State(now: context.clock.now())
        switch flow {
        case .enrol?: state.step = .consent
        case .verify?: enterVerifyWith()
        case nil: break
        }
    }

    var title: String { context.strings[.abhaFlowTitle] }

    /// `sbx` or `abdm`, as the hub's ABDM says; the suggestions are shown with it.
    var addressSuffix: String {
        if case .enrol(let enrolment)? = session { return enrolment.addressSuffix }
        return "abdm"
    }

    /// Whether an OTP was sent, which leaving would waste.
    private var isPastOtp: Bool {
        switch state.step {
        case .choose, .consent, .aadhaar, .verifyWith: false
        default: true
        }
    }

    /// Mid-flow, leaving loses the OTP sent, or what was typed: asked first.
    var hasUnsavedInput: Bool { isPastOtp || state.form.isDirty }

    let keyTable = KeyTable<Action>([
        KeyBinding(.confirm, keys: [.enter, .function(2)], label: .actionContinue, help: .helpAbhaContinue),
        KeyBinding(.nextField, keys: [.tab, .down], label: .actionNextField, help: .helpNextField, inFooter: false),
        KeyBinding(.previousField, keys: [.backTab, .up], label: .actionPreviousField, help: .helpPreviousField, inFooter: false),
        // Named on the steps where they do something (the OTP and the review), not in the footer.
        KeyBinding(.resend, keys: [.function(5), .ctrl("r")], label: .actionResendOtp, help: .helpAbhaResend, inFooter: false),
        KeyBinding(.takeAbhaDetails, keys: [.function(6)], label: .actionTakeAbhaDetails, help: .helpAbhaTakeDetails, inFooter: false),
        KeyBinding(.back, keys: [.escape], label: .actionBack, help: .helpBack),
    ])

    enum Message: StoreFailureMessage {
        case otpSent(Session, AbhaResponses.OtpSent)
        case enrolled(AbhaResponses.Enrolled)
        case mobileOtpSent(AbhaResponses.OtpSent, enrolled: AbhaResponses.Enrolled)
        case suggestions([String], enrolled: AbhaResponses.Enrolled)
        case addressChosen(String, enrolled: AbhaResponses.Enrolled)
        case loginOtpSent(Session, AbhaVerification.Started)
        case verified(AbhaVerification.Verified)
        case profile(AbhaProfile, address: String?)
        case failed(AbhaClient.Failure)
        /// No hub to ask (not connected, no token): the request is kept.
        case noHub(UserMessage)
        case linked(PatientSaved)
        case pendingSaved(PatientSaved)
        case leaveAnswered(Bool)
        case storeFailed(UserMessage)
    }

    func tick() -> Effect {
        state.now = context.clock.now()
        return .none
    }

    /// Seconds until a new OTP may be asked for; 0 when it may.
    var resendWait: Int64 {
        guard let sent = state.otpSentAt else { return 0 }
        return max(0, Self.resendSeconds - (state.now.millisecondsSince1970 - sent.millisecondsSince1970) / 1000)
    }

    // MARK: - Keys

    func perform(_ action: Action) -> Effect {
        guard state.busy == nil else { return action == .back ? leave() : .none }
        state.notice = nil
        switch action {
        case .back: return leave()
        case .nextField: return move(+1)
        case .previousField: return move(-1)
        case .confirm: return confirm()
        case .resend: return resend()
        case .takeAbhaDetails:
            guard case .review(let profile, let address, _) = state.step else { return .none }
            return link(profile, address: address, takingAbhaDetails: true)
        }
    }

    func typed(_ key: Key) -> Effect {
        guard state.busy == nil else { return .none }
        switch (state.step, key) {
        case (.choose, .char("1")): state.step = .choose(0); return confirm()
        case (.choose, .char("2")): state.step = .choose(1); return confirm()
        case (.consent, .char("y")), (.consent, .char("Y")): return confirm()
        case (.accounts(let accounts, _, let id, let token), .char(let digit)):
            guard let place = digit.wholeNumberValue, (1...accounts.count).contains(place) else { return .none }
            state.step = .accounts(accounts, selected: place - 1, transactionId: id, tToken: token)
            return confirm()
        default:
            guard !state.form.fields.isEmpty else { return .none }
            state.problem = nil
            let outcome = state.form.edit(key, strings: context.strings)
            if case .refused(let refusal) = outcome { state.form.setError(refusal, on: state.form.focusedId) } else { checkAadhaarAsTyped() }
            return .none
        }
    }

    func pasted(_ text: String) -> Effect {
        guard state.busy == nil, !state.form.fields.isEmpty else { return .none }
        state.form.paste(text)
        checkAadhaarAsTyped()
        return .none
    }

    /// Once twelve digits are in, the Aadhaar field shows them masked (XXXX XXXX 1234) or says what is wrong.
    private func checkAadhaarAsTyped() {
        guard state.step == .aadhaar, state.form.focusedId == .aadhaar else { return }
        let typed = state.form.text(.aadhaar)
        state.form.setError(nil, on: .aadhaar)
        state.form.setNote(nil, on: .aadhaar)
        guard typed.count == 12 else { return }
        do {
            state.form.setNote(try AadhaarNumber(typed: typed).masked, on: .aadhaar)
        } catch {
            state.form.setError(error, on: .aadhaar)
        }
    }

    private func move(_ delta: Int) -> Effect {
        switch state.step {
        case .accounts(let accounts, let selected, let id, let token):
            state.step = .accounts(accounts, selected: (selected + delta + accounts.count) % accounts.count, transactionId: id, tToken: token)
        case .address(let suggestions, let selected, let enrolled) where state.form.text(.address).isEmpty && !suggestions.isEmpty:
            state.step = .address(suggestions: suggestions, selected: (selected + delta + suggestions.count) % suggestions.count, enrolled: enrolled)
        case .choose(let choice):
            state.step = .choose((choice + delta + 2) % 2)
        default:
            guard !state.form.fields.isEmpty else { return .none }
            if delta > 0 { state.form.focusNext() } else { state.form.focusPrevious() }
        }
        return .none
    }

    private func leave() -> Effect {
        guard hasUnsavedInput else { return .pop }
        return ask(ConfirmDialog.discard(context: context, message: isPastOtp ? .abhaLeaveMessage : .discardMessage)) { .leaveAnswered($0) }
    }

    // MARK: - Steps

    private func enterAadhaar() {
        state.step = .aadhaar
        state.form = Form([
            FormField(.aadhaar, label: .abhaAadhaar, hint: .abhaAadhaarHint, width: 14,
                      content: .text(TextInput(kind: .digits, maxLength: 12, isMasked: true))),
            FormField(.mobile, label: .abhaMobile, hint: .abhaMobileHint, width: 12,
                      content: .text(TextInput(kind: .digits, maxLength: 10, text: patient.mobile ?? ""))),
        ])
    }

    private func enterVerifyWith() {
        state.step = .verifyWith
        state.form = Form([
            FormField(.identifier, label: .abhaIdentifier, hint: .abhaIdentifierHint, width: 30,
                      content: .text(TextInput(maxLength: 60, text: patient.abhaAddress ?? patient.abhaNumber.map(Identifiers.formattedAbhaNumber) ?? ""))),
            FormField(.otpVia, label: .abhaOtpVia, width: 30, content: .choice(Choice(options: [
                Choice.Option(value: AbhaRequests.OtpVia.aadhaar.rawValue, label: .abhaOtpViaAadhaar),
                Choice.Option(value: AbhaRequests.OtpVia.mobile.rawValue, label: .abhaOtpViaMobile),
            ]))),
        ])
    }

    private func enterOtp(_ stage: OtpStage) {
        state.step = .otp(stage)
        let sent = context.clock.now()
        state.otpSentAt = sent
        state.now = sent
        state.form = Self.otpForm
    }

    /// One OTP field, typed as bullets.
    static var otpForm: Form<Field> {
        Form([FormField(.otp, label: .abhaOtp, hint: .abhaOtpHint, width: 8, content: .text(TextInput(kind: .digits, maxLength: 6, isMasked: true)))])
    }

    private func confirm() -> Effect {
        state.problem = nil
        switch state.step {
        case .choose(let choice):
            if choice == 0 { state.step = .consent } else { enterVerifyWith() }
            return .none
        case .consent:
            enterAadhaar()
            return .none
        // Enter moves on through the fields, and sends from the last.
        case .aadhaar where !state.form.isOnLastField, .verifyWith where !state.form.isOnLastField:
            state.form.focusNext()
            return .none
        case .aadhaar:
            return requestAadhaarOtp()
        case .verifyWith:
            return requestLoginOtp()
        case .otp(let stage):
            return submitOtp(stage)
        case .accounts(let accounts, let selected, let transactionId, let tToken):
            guard case .verify(let verification)? = session, let identifier else { return .none }
            let chosen = accounts[selected]
            return network(.abhaBusyProfile) {
                let token = try await verification.choose(chosen, transactionId: transactionId, tToken: tToken)
                return .profile(try await verification.profile(token: token, of: identifier), address: chosen.preferredAddress)
            }
        case .address(let suggestions, let selected, let enrolled):
            guard case .enrol(let enrolment)? = session else { return .none }
            let typed = TextSanitizer.singleLine(state.form.text(.address))
            let name: String
            if typed.isEmpty {
                guard !suggestions.isEmpty else {
                    state.form.setError(UserMessage(.abhaAddressForm), on: .address)
                    return .none
                }
                name = suggestions[selected]
            } else {
                guard let checked = try? Identifiers.abhaAddressOrName(typed), !checked.contains("@") else {
                    state.form.setError(UserMessage(.abhaAddressForm), on: .address)
                    return .none
                }
                name = checked
            }
            return network(.abhaBusyAddress) {
                .addressChosen(try await enrolment.chooseAddress(transactionId: enrolled.transactionId, name: name), enrolled: enrolled)
            }
        case .review(let profile, let address, _):
            return link(profile, address: address, takingAbhaDetails: false)
        }
    }

    private func requestAadhaarOtp() -> Effect {
        state.form.clearErrors()
        let typedAadhaar: AadhaarNumber
        do { typedAadhaar = try AadhaarNumber(typed: state.form.text(.aadhaar)) } catch {
            state.form.setError(error, on: .aadhaar)
            state.form.focus(on: .aadhaar)
            return .none
        }
        let phone: String
        do throws(UserMessage) {
            guard let typed = try Identifiers.mobile(state.form.text(.mobile)) else { throw UserMessage(.errorMobileLength) }
            phone = typed
        } catch {
            state.form.setError(error, on: .mobile)
            state.form.focus(on: .mobile)
            return .none
        }
        aadhaar = typedAadhaar
        mobile = phone
        state.resends = 0
        return withClient(.abhaBusyOtp) { client in
            let enrolment = try await AbhaEnrolment.begin(client: client)
            return .otpSent(.enrol(enrolment), try await enrolment.requestOtp(typedAadhaar))
        }
    }

    private func requestLoginOtp() -> Effect {
        state.form.clearErrors()
        let typed = TextSanitizer.singleLine(state.form.text(.identifier))
        let digits = typed.filter(\.isNumber)
        let chosen: AbhaVerification.Identifier
        do throws(UserMessage) {
            if typed.contains("@") {
                guard let address = try Identifiers.abhaAddress(typed) else { throw UserMessage(.abhaIdentifierForm) }
                chosen = .abhaAddress(address)
            } else if digits.count == 10, let phone = try Identifiers.mobile(digits) {
                chosen = .mobile(phone)
            } else if digits.count == 14, let number = try Identifiers.abhaNumber(typed) {
                chosen = .abhaNumber(number)
            } else {
                throw UserMessage(.abhaIdentifierForm)
            }
        } catch {
            state.form.setError(error, on: .identifier)
            state.form.focus(on: .identifier)
            return .none
        }
        if case .abhaNumber(let number) = chosen, let registered = patient.abhaNumber, registered != number {
            state.form.setError(UserMessage(.abhaOtherNumber, ["abha": Identifiers.formattedAbhaNumber(registered)]), on: .identifier)
            return .none
        }
        identifier = chosen
        if case .mobile(let phone) = chosen { mobile = phone }
        let via: AbhaRequests.OtpVia
        if case .mobile = chosen { via = .mobile } else { via = AbhaRequests.OtpVia(rawValue: state.form.choice(.otpVia)) ?? .aadhaar }
        otpVia = via
        state.resends = 0
        return withClient(.abhaBusyOtp) { client in
            let verification = try await AbhaVerification.begin(client: client)
            return .loginOtpSent(.verify(verification), try await verification.requestOtp(for: chosen, via: via))
        }
    }

    private func submitOtp(_ stage: OtpStage) -> Effect {
        let otp: OneTimePassword
        do { otp = try OneTimePassword(typed: state.form.text(.otp)) } catch {
            state.form.setError(error, on: .otp)
            return .none
        }
        guard let session else { return .none }
        let phone = mobile ?? ""
        switch (stage, session) {
        case (.aadhaar(let sent), .enrol(let enrolment)):
            return network(.abhaBusyChecking) { .enrolled(try await enrolment.enrol(transactionId: sent.transactionId, otp: otp, mobile: phone)) }
        case (.mobile(let sent, let enrolled), .enrol(let enrolment)):
            return network(.abhaBusyChecking) {
                try await enrolment.verifyMobile(transactionId: sent.transactionId, otp: otp)
                return .suggestions(try await enrolment.suggestions(transactionId: enrolled.transactionId), enrolled: enrolled)
            }
        case (.login(let started), .verify(let verification)):
            return network(.abhaBusyChecking) { .verified(try await verification.verify(started, otp: otp)) }
        default:
            return .none
        }
    }

    private func resend() -> Effect {
        guard case .otp(let stage) = state.step, let session else { return .none }
        guard resendWait == 0 else {
            state.problem = UserMessage(.abhaResendWait, ["seconds": String(resendWait)])
            return .none
        }
        guard state.resends < Self.maximumResends else {
            state.problem = UserMessage(.abhaResendLimit)
            return .none
        }
        state.resends += 1
        switch (stage, session) {
        case (.aadhaar, .enrol(let enrolment)):
            guard let aadhaar else { return .none }
            return network(.abhaBusyOtp) { .otpSent(.enrol(enrolment), try await enrolment.requestOtp(aadhaar)) }

        case (.mobile(_, let enrolled), .enrol(let enrolment)):
            let phone = mobile ?? ""
            return network(.abhaBusyOtp) {
                .mobileOtpSent(try await enrolment.requestMobileOtp(transactionId: enrolled.transactionId, mobile: phone), enrolled: enrolled)
            }
        case (.login(let started), .verify(let verification)):
            let via = otpVia
            return network(.abhaBusyOtp) { .loginOtpSent(.verify(verification), try await verification.requestOtp(for: started.identifier, via: via)) }

        default:
            return .none
        }
    }

    // MARK: - Background work

    /// Work that needs the hub: with none to be had, the request is kept as pending.
    private func withClient(_ busy: StringKey, _ body: @escaping @Sendable (AbhaClient) async throws -> Message) -> Effect {
        state.busy = busy
        let access = context.abha
        return run {
            switch access.client() {
            case .failure(let why): return .noHub(why)
            case .success(let client): return await Self.failing { try await body(client) }
            }
        }
    }

    private func network(_ busy: StringKey, _ body: @escaping @Sendable () async throws -> Message) -> Effect {
        state.busy = busy
        return run { await Self.failing(body) }
    }

    /// The steps throw only `AbhaClient.Failure` (a closure cannot say so yet); anything else is reported as such.
    nonisolated static func failing(_ body: @Sendable () async throws -> Message) async -> Message {
        do { return try await body() } catch let failure as AbhaClient.Failure { return .failed(failure) } catch {
            return .failed(.unexpectedAnswer(String(describing: error)))
        }
    }

    private func link(_ profile: AbhaProfile, address: String?, takingAbhaDetails: Bool) -> Effect {
        state.busy = .statusSaving
        let store = context.store
        let actor = AuditActor.account(account.username)
        let details = AbhaLinking.details(for: patient, profile: profile, address: address, takingAbhaDetails: takingAbhaDetails)
        let id = patient.id
        return runStore {
            let linked = try store.updatePatient(id: id, details, by: actor)
            try store.closeAbhaRequests(patientId: id, by: actor)
            return .linked(PatientSaved(notice: UserMessage(.abhaLinkedNotice, ["abha": Identifiers.formattedAbhaNumber(profile.abhaNumber), "name": linked.name])))
        }
    }

    /// Offline: what was decided with her is kept (never the Aadhaar number), to resume with her present.
    private func savePending(_ why: UserMessage) -> Effect {
        state.busy = .statusSaving
        let store = context.store
        let actor = AuditActor.account(account.username)
        let reason = context.strings.text(why)
        let saved: AppDatabase.NewAbhaRequest
        if let fields = identifier?.requestFields {
            saved = AppDatabase.NewAbhaRequest(patientId: patient.id, flow: .verify, mobile: fields.mobile, abhaAddress: fields.abhaAddress,
                                               abhaNumber: fields.abhaNumber, consent: nil, reason: reason)
        } else {
            saved = AppDatabase.NewAbhaRequest(patientId: patient.id, flow: .enrol, mobile: mobile, abhaAddress: nil, abhaNumber: nil,
                                               consent: AbhaConsent.code + " " + AbhaConsent.version, reason: reason)
        }
        let name = patient.name
        return runStore {
            _ = try store.saveAbhaRequest(saved, by: actor)
            return .pendingSaved(PatientSaved(notice: UserMessage(.abhaPendingNotice, ["reason": reason, "name": name])))
        }
    }

    func receive(_ message: Message) -> Effect {
        state.busy = nil
        switch message {
        case .otpSent(let started, let sent):
            session = started
            enterOtp(.aadhaar(sent))
        case .loginOtpSent(let started, let sent):
            session = started
            enterOtp(.login(sent))
        case .enrolled(let enrolled):
            guard enrolled.isNew else {
                // Her Aadhaar already had an ABHA: said plainly, and linked as it is.
                state.step = .review(enrolled.profile, address: enrolled.profile.abhaAddresses.first, existing: true)
                state.form = Form([])
                return .none
            }
            if let phone = mobile, case .otp(.aadhaar(let sent)) = state.step, AbhaEnrolment.mobileNeedsVerifying(phone, aadhaarOtp: sent),
               case .enrol(let enrolment)? = session {
                return network(.abhaBusyOtp) {
                    .mobileOtpSent(try await enrolment.requestMobileOtp(transactionId: enrolled.transactionId, mobile: phone), enrolled: enrolled)
                }
            }
            guard case .enrol(let enrolment)? = session else { return .none }
            return network(.abhaBusyAddress) { .suggestions(try await enrolment.suggestions(transactionId: enrolled.transactionId), enrolled: enrolled) }
        case .mobileOtpSent(let sent, let enrolled):
            enterOtp(.mobile(sent, enrolled: enrolled))
        case .suggestions(let suggestions, let enrolled):
            state.step = .address(suggestions: suggestions, selected: 0, enrolled: enrolled)
            state.form = Form([FormField(.address, label: .abhaAddressOwn, hint: .abhaAddressOwnHint, width: 20,
                                         content: .text(TextInput(maxLength: 18)))])
        case .addressChosen(let address, let enrolled):
            aadhaar = nil
            state.step = .review(enrolled.profile, address: address, existing: false)
            state.form = Form([])
        case .verified(.token(let token)):
            guard case .verify(let verification)? = session, let identifier else { return .none }
            let address: String? = if case .abhaAddress(let whole) = identifier { whole } else { nil }
            return network(.abhaBusyProfile) { .profile(try await verification.profile(token: token, of: identifier), address: address) }
        case .verified(.accounts(let accounts, let transactionId, let tToken)):
            let best = accounts.firstIndex { NameSimilarity.isSimilar(NameKey.words($0.name), NameKey.words(patient.name)) } ?? 0
            state.step = .accounts(accounts, selected: best, transactionId: transactionId, tToken: tToken)
            state.form = Form([])
        case .profile(let profile, let address):
            state.step = .review(profile, address: address ?? profile.abhaAddresses.first, existing: false)
            state.form = Form([])
        case .failed(let failure):
            return failed(failure)
        case .noHub(let why):
            return savePending(why)
        case .linked(let saved), .pendingSaved(let saved):
            aadhaar = nil
            return close(answering: saved)
        case .leaveAnswered(let leave):
            if leave { aadhaar = nil }
            return leave ? .pop : .none
        case .storeFailed(let failure):
            state.problem = failure
        }
        return .none
    }

    private func failed(_ failure: AbhaClient.Failure) -> Effect {
        switch failure {
        case .unreachable(let why):
            return savePending(UserMessage(.abhaUnreachable, ["reason": why]))
        case .notSetUp:
            return savePending(UserMessage(.cliAbhaNotSetUp))
        case .refused(let refusal):
            state.problem = AbhaFailureText.message(refusal)
            switch refusal.kind {
            // The transaction is over: back to the start of the flow for a new one.
            case .transactionExpired, .tooManyAttempts:
                if case .verify? = session { enterVerifyWith() } else if case .otp = state.step { enterAadhaar() }
                session = nil
            case .wrongOtp:
                if state.form.fields.contains(where: { $0.id == .otp }) { state.form = Self.otpForm }
            default:
                break
            }
        case .hub(let hub):
            state.problem = UserMessage(.abhaFailureOther, ["reason": hub.description])
        case .unexpectedAnswer(let why):
            state.problem = UserMessage(.abhaFailureOther, ["reason": why])
        }
        return .none
    }

    func render(into canvas: inout Canvas, area: Rect) {
        AbhaFlowView.render(self, strings: context.strings, into: &canvas, area: area)
    }
}

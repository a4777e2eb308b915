import ArogyaCore
import ArogyaStore

/// Register a patient, or edit one. Every field is checked as typed and again on saving; a registration
/// first looks for likely duplicates and shows them before anything is saved.
@MainActor
final class PatientFormScreen: FormScreen, AnsweringScreen {
    enum Field: Hashable, Sendable {
        case name, nameAlt, sex, birth, mobile, village, household, abhaNumber, abhaAddress, mrn, consent, consentMethod, consentDate
    }

    let context: AppContext
    let account: Account
    /// The patient being edited, or nil for a registration.
    let editing: Patient?
    /// The facility's villages, for completing a typed village; loaded when the form appears.
    private(set) var villages: [String] = []
    var formState: FormScreenState<Field>
    let keyTable = PatientFormScreen.formKeyTable()
    /// An edit saved goes back to the card; a registration replaces this form with the new card.
    let answerRoute = AnswerRoute<PatientSaved>()
    /// The other-script name was filled in by the program, not typed: it follows changes to the name.
    private var nameAltIsSuggestion = false
    let today: CivilDate

    init(context: AppContext, account: Account, editing: Patient?, prefilledName: String = "", prefilledMobile: String? = nil) {
        self.context = context
        self.account = account
        self.editing = editing
        let today = context.localTime(context.clock.now()).date
        self.today = today
        let patient = editing
        let birthText = patient.map { $0.birthDateEstimated ? String($0.age(on: today)) : Self.indianDate($0.birthDate) } ?? ""
        let consent = patient?.consent
        formState = FormScreenState(form: Form([
            FormField(.name, label: .patientName, width: 34, content: .text(TextInput(maxLength: PatientRules.nameLength.upperBound,
                                                                                     text: patient?.name ?? prefilledName))),
            FormField(.nameAlt, label: .patientNameAlt, hint: .patientNameAltHint, width: 34,
                      content: .text(TextInput(maxLength: PatientRules.nameLength.upperBound, text: patient?.nameAlt ?? ""))),
            FormField(.sex, label: .patientSex, hint: .choiceHint, width: 12,
                      content: .choice(Choice(options: Sex.allCases.map { Choice.Option(value: $0.rawValue, label: $0.labelKey) },
                                              selectedValue: patient?.sex.rawValue))),
            FormField(.birth, label: .patientBirth, hint: .patientBirthHint, width: 12, content: .text(TextInput(maxLength: 12, text: birthText))),
            FormField(.mobile, label: .patientMobile, width: 16, content: .text(TextInput(maxLength: 16, text: patient?.mobile ?? prefilledMobile ?? ""))),
            FormField(.village, label: .patientVillage, hint: .patientVillageHint, width: 24,
                      content: .text(TextInput(maxLength: FacilityRules.villageMaxLength, text: patient?.village?.name ?? ""))),
            FormField(.household, label: .patientHousehold, width: 20, content: .text(TextInput(maxLength: 20, text: patient?.household ?? ""))),
            FormField(.abhaNumber, label: .patientAbhaNumber, hint: .patientAbhaNumberHint, width: 20,
                      content: .text(TextInput(maxLength: 20, text: patient?.abhaNumber.map(Identifiers.formattedAbhaNumber) ?? ""))),
            FormField(.abhaAddress, label: .patientAbhaAddress, hint: .patientAbhaAddressHint, width: 26,
                      content: .text(TextInput(maxLength: 40, text: patient?.abhaAddress ?? ""))),
            FormField(.mrn, label: .patientMrn, width: 20, content: .text(TextInput(maxLength: 20, text: patient?.mrn ?? ""))),
            FormField(.consent, label: .patientConsent, hint: .patientConsentHint, width: 8,
                      content: .choice(Choice(options: [Choice.Option(value: "yes", label: .consentYes), Choice.Option(value: "no", label: .consentNo)],
                                              selectedValue: consent.map { $0.given ? "yes" : "no" }))),
            FormField(.consentMethod, label: .patientConsentMethod, hint: .choiceHint, width: 18,
                      content: .choice(Choice(options: Consent.Method.allCases.map { Choice.Option(value: $0.rawValue, label: $0.labelKey) },
                                              selectedValue: consent?.method.rawValue))),
            FormField(.consentDate, label: .patientConsentDate, hint: .patientDateHint, width: 12,
                      content: .text(TextInput(maxLength: 12, text: Self.indianDate(consent?.date ?? today)))),
        ]))
        updateNotes()
    }

    var title: String { context.strings[editing == nil ? .patientRegisterTitle : .patientEditTitle] }

    /// The form's own messages besides its save.
    enum Other: Sendable {
        /// The facility's villages.
        case villagesLoaded([String])
        /// What she chose on the list of possible duplicates.
        case duplicatesAnswered(DuplicatesScreen.Choice)
    }

    func appeared() -> Effect {
        guard villages.isEmpty else { return .none }
        let store = context.store
        return runStore { .other(.villagesLoaded(try store.facility()?.villages.map(\.name) ?? [])) }
    }

    static func indianDate(_ date: CivilDate) -> String { date.dayMonthYear }

    // MARK: Typing

    func perform(_ action: FormAction) -> Effect {
        guard !formState.isSaving, !formState.isLoading else { return .none }
        let leaving = formState.form.focusedId
        switch action {
        case .nextField: formState.form.focusNext()
        case .previousField: formState.form.focusPrevious()
        case .enter:
            if leaving == .village { completeVillage() }
            if formState.form.enter() { return save() }
        case .save: return save()
        case .cancel: return cancel()
        }
        if leaving == .name { suggestOtherScript() }
        if leaving == .village { completeVillage() }
        checkOnLeaving(leaving)
        updateNotes()
        return .none
    }

    /// A field she leaves with something typed in it is checked at once, so a mistake is shown while she
    /// is still looking at it rather than only when she saves.
    private func checkOnLeaving(_ field: Field) {
        guard formState.form.focusedId != field, !formState.form.text(field).trimmingSpaces.isEmpty else { return }
        let before = formState.form
        _ = validatedDetails()
        let problem = formState.form[field].error
        formState.form = before
        formState.form.setError(problem, on: field)
    }

    /// Fills the other-script name from the name, as a suggestion the worker corrects or clears: Devanagari
    /// read in Latin (reliable), Latin written in Devanagari (a guess).
    private func suggestOtherScript() {
        let name = TextSanitizer.singleLine(formState.form.text(.name))
        guard !name.isEmpty, formState.form.text(.nameAlt).isEmpty || nameAltIsSuggestion,
              (try? PatientRules.name(name)) != nil else { return }
        let suggestion = Devanagari.contains(name) ? Devanagari.toLatin(name) : Devanagari.fromLatin(name)
        formState.form.setText(suggestion, for: .nameAlt)
        nameAltIsSuggestion = true
    }

    /// A village typed in part becomes the facility's village it begins, when only one does.
    private func completeVillage() {
        let typed = TextSanitizer.singleLine(formState.form.text(.village)).lowercased()
        guard !typed.isEmpty else { return }
        let matches = villages.filter { $0.lowercased().hasPrefix(typed) }
        if matches.count == 1, let village = matches.first { formState.form.setText(village, for: .village) }
    }

    func typed(_ key: Key) -> Effect {
        guard !formState.isSaving, !formState.isLoading else { return .none }
        formState.form.edit(key, strings: context.strings)
        if formState.form.focusedId == .nameAlt { nameAltIsSuggestion = false }
        formState.failure = nil
        updateNotes()
        return .none
    }

    func pasted(_ text: String) -> Effect {
        guard !formState.isSaving, !formState.isLoading else { return .none }
        formState.form.paste(text)
        if formState.form.focusedId == .nameAlt { nameAltIsSuggestion = false }
        updateNotes()
        return .none
    }

    /// The hint of the village field says what the typed text will be: a village of the list, or a new one.
    func villageHint() -> UserMessage? {
        let typed = TextSanitizer.singleLine(formState.form.text(.village)).lowercased()
        guard !typed.isEmpty else { return nil }
        let matches = villages.filter { $0.lowercased().hasPrefix(typed) }
        if matches.contains(where: { $0.lowercased() == typed }) { return nil }
        if matches.count == 1 { return UserMessage(.patientVillageWillBe, ["village": matches[0]]) }
        if matches.count > 1 { return UserMessage(.patientVillageChoices, ["villages": matches.prefix(3).joined(separator: ", ")]) }
        return UserMessage(.patientVillageNew)
    }

    // MARK: Saving

    func field(for failure: UserMessage) -> Field? {
        failure.key == .errorAbhaTaken ? .abhaNumber : nil
    }

    enum Saved: Sendable {
        case registered(Patient)
        case updated(Patient)
        case duplicates([DuplicateCandidate], PatientDetails)
    }

    func validatedDetails() -> PatientDetails? {
        completeVillage()
        let typed = formState.form
        var form = typed
        let today = self.today
        let name = form.check(.name) { () throws(UserMessage) in try PatientRules.name(typed.text(.name)) }
        let nameAlt = form.check(.nameAlt) { () throws(UserMessage) in
            try PatientRules.alternateName(typed.text(.nameAlt), for: name ?? typed.text(.name))
        }
        let birth = form.check(.birth) { () throws(UserMessage) in try PatientRules.birthDate(typed.text(.birth), today: today) }
        let mobile = form.check(.mobile) { () throws(UserMessage) in try Identifiers.mobile(typed.text(.mobile)) }
        let villageText = TextSanitizer.singleLine(typed.text(.village))
        let village = villageText.isEmpty ? .some(nil)
            : form.check(.village) { () throws(UserMessage) -> String? in try FacilityRules.village(villageText) }
        let household = form.check(.household) { () throws(UserMessage) in try Identifiers.localIdentifier(typed.text(.household)) }
        let abhaNumber = form.check(.abhaNumber) { () throws(UserMessage) in try Identifiers.abhaNumber(typed.text(.abhaNumber)) }
        let abhaAddress = form.check(.abhaAddress) { () throws(UserMessage) in try Identifiers.abhaAddress(typed.text(.abhaAddress)) }
        let mrn = form.check(.mrn) { () throws(UserMessage) in try Identifiers.localIdentifier(typed.text(.mrn)) }
        let consentDate = form.check(.consentDate) { () throws(UserMessage) in
            let date = try PatientRules.birthDate(typed.text(.consentDate), today: today)
            guard !date.estimated else { throw UserMessage(.errorDateIndian) }
            return date.0
        }
        formState.form = form
        guard let name, case .some(let alternate) = nameAlt, let birth, case .some(let phone) = mobile, case .some(let place) = village,
              case .some(let house) = household, case .some(let number) = abhaNumber, case .some(let address) = abhaAddress,
              case .some(let record) = mrn, let consentDate, let sex = Sex(rawValue: typed.choice(.sex)),
              let method = Consent.Method(rawValue: typed.choice(.consentMethod)) else { return nil }
        return PatientDetails(name: name, nameAlt: alternate, sex: sex, birthDate: birth.0, birthDateEstimated: birth.estimated,
                              mobile: phone, village: place, household: house, abhaNumber: number, abhaAddress: address, mrn: record,
                              consent: Consent(given: typed.choice(.consent) == "yes", method: method, date: consentDate))
    }

    func saveWork() -> (@Sendable () throws -> Saved)? {
        guard let details = validatedDetails() else { return nil }
        return work(details, confirmedNew: false)
    }

    private func work(_ details: PatientDetails, confirmedNew: Bool) -> @Sendable () throws -> Saved {
        let store = context.store
        let actor = AuditActor.account(account.username)
        let today = self.today
        if let editing {
            let id = editing.id
            return { .updated(try store.updatePatient(id: id, details, by: actor)) }
        }
        return {
            switch try store.registerPatient(details, confirmedNew: confirmedNew, today: today, by: actor) {
            case .registered(let patient): return Saved.registered(patient)
            case .possibleDuplicates(let candidates): return Saved.duplicates(candidates, details)
            }
        }
    }

    func saved(_ result: Saved) -> Effect {
        switch result {
        case .registered(let patient):
            // An ABHA typed at registration is verified first, so that an ABHA she already has is found now.
            return .replace(with: PatientCardScreen(context: context, account: account, patientId: patient.id,
                                                    verifyingTypedAbha: patient.abhaNumber != nil || patient.abhaAddress != nil))
        case .updated(let patient):
            return close(answering: PatientSaved(notice: UserMessage(.patientSavedNotice, ["name": patient.name])))
        case .duplicates(let candidates, let details):
            return ask(DuplicatesScreen(context: context, candidates: candidates, details: details, today: today)) {
                .other(.duplicatesAnswered($0))
            }
        }
    }

    func received(_ other: Other) -> Effect {
        switch other {
        case .villagesLoaded(let names):
            villages = names
            updateNotes()
            return .none
        case .duplicatesAnswered(.registerAnyway(let details)):
            formState.isSaving = true
            let work = work(details, confirmedNew: true)
            return runStore { .saved(try work()) }
        case .duplicatesAnswered(.open(let id)):
            return .replace(with: PatientCardScreen(context: context, account: account, patientId: id))
        case .duplicatesAnswered(.back):
            return .none
        }
    }

    func render(into canvas: inout Canvas, area: Rect) {
        renderForm(into: &canvas, area: area)
    }

    /// Works out the notes beside the fields from what is typed: the age a date gives, a doubtful ABHA
    /// number, where a typed village goes.
    private func updateNotes() {
        let strings = context.strings
        var form = formState.form
        if let birth = try? PatientRules.birthDate(form.text(.birth), today: today) {
            form[.birth].note = strings.text(.patientAgeGives, ["age": String(Ages.years(from: birth.0, to: today))])
        } else {
            form[.birth].note = nil
        }
        if let number = try? Identifiers.abhaNumber(form.text(.abhaNumber)), !Identifiers.abhaNumberPassesLuhn(number) {
            form[.abhaNumber].note = strings[.warningAbhaChecksumShort]
        } else {
            form[.abhaNumber].note = nil
        }
        form[.village].note = villageHint().map(strings.text)
        // Said only beside a name the program wrote, never beside an empty field.
        form[.nameAlt].note = nameAltIsSuggestion && !form.text(.nameAlt).isEmpty ? strings[.patientNameAltSuggested] : nil
        formState.form = form
    }
}

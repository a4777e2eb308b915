import ArogyaCore
import ArogyaStore

/// Mark a patient deceased or moved away, with the date it happened and why; or active again after a
/// mistake. She then leaves (or rejoins) the due lists, and stays findable.
@MainActor
final class MarkPatientScreen: FormScreen, AnsweringScreen {
    enum Marking: Sendable { case deceased, moved, active }
    enum Field: Hashable, Sendable { case date, reason }

    let context: AppContext
    let account: Account
    let patient: Patient
    let marking: Marking
    var formState: FormScreenState<Field>
    let keyTable = MarkPatientScreen.formKeyTable()
    let answerRoute = AnswerRoute<PatientSaved>()
    let today: CivilDate

    init(context: AppContext, account: Account, patient: Patient, marking: Marking) {
        self.context = context
        self.account = account
        self.patient = patient
        self.marking = marking
        let today = context.localTime(context.clock.now()).date
        self.today = today
        var fields: [FormField<Field>] = []
        if marking != .active {
            fields.append(FormField(.date, label: .markDate, hint: .patientDateHint, width: 12,
                                    content: .text(TextInput(maxLength: 12, text: PatientFormScreen.indianDate(today)))))
        }
        fields.append(FormField(.reason, label: .markReason, hint: marking == .active ? nil : .markReasonHint, width: 40,
                                content: .text(TextInput(maxLength: 120))))
        formState = FormScreenState(form: Form(fields))
    }

    var title: String {
        switch marking {
        case .deceased: return context.strings[.markDeceasedTitle]
        case .moved: return context.strings[.markMovedTitle]
        case .active: return context.strings[.markActiveTitle]
        }
    }

    func saveWork() -> (@Sendable () throws -> PatientSaved)? {
        let typed = formState.form
        var form = typed
        let today = self.today
        var status = PatientStatus.active
        if marking != .active {
            guard let date = form.check(.date, { () throws(UserMessage) in
                let date = try PatientRules.birthDate(typed.text(.date), today: today)
                guard !date.estimated else { throw UserMessage(.errorDateIndian) }
                return date.0
            }) else {
                formState.form = form
                return nil
            }
            status = marking == .deceased ? .deceased(on: date) : .moved(on: date)
        }
        let reason = TextSanitizer.singleLine(typed.text(.reason))
        if marking == .active && reason.isEmpty {
            form.setError(UserMessage(.errorReasonEmpty), on: .reason)
            formState.form = form
            return nil
        }
        formState.form = form
        let store = context.store
        let actor = AuditActor.account(account.username)
        let id = patient.id
        let newStatus = status
        return {
            let marked = try store.markPatient(id: id, as: newStatus, reason: reason.isEmpty ? nil : reason, by: actor)
            return PatientSaved(notice: UserMessage(.patientSavedNotice, ["name": marked.name]))
        }
    }

    func saved(_ result: PatientSaved) -> Effect {
        close(answering: result)
    }

    func render(into canvas: inout Canvas, area: Rect) {
        renderForm(into: &canvas, area: area, intro: context.strings.text(.markIntro, ["name": patient.name]))
    }
}

/// Merge a second record of the same person into this one, with the reason.
@MainActor
final class MergePatientScreen: FormScreen, AnsweringScreen {
    enum Field: Hashable, Sendable { case reason }

    let context: AppContext
    let account: Account
    let keep: Patient
    let other: Patient
    var formState: FormScreenState<Field>
    let keyTable = MergePatientScreen.formKeyTable(saveHelp: .helpMergeSave)
    let answerRoute = AnswerRoute<PatientSaved>()

    init(context: AppContext, account: Account, keep: Patient, other: Patient) {
        self.context = context
        self.account = account
        self.keep = keep
        self.other = other
        formState = FormScreenState(form: Form([
            FormField(.reason, label: .markReason, hint: .mergeReasonHint, width: 34, content: .text(TextInput(maxLength: 200))),
        ]))
    }

    var title: String { context.strings[.mergeTitle] }

    func saveWork() -> (@Sendable () throws -> PatientSaved)? {
        let reason = TextSanitizer.singleLine(formState.form.text(.reason))
        guard !reason.isEmpty else {
            formState.form.setError(UserMessage(.errorReasonEmpty), on: .reason)
            return nil
        }
        let store = context.store
        let actor = AuditActor.account(account.username)
        let keepId = keep.id
        let otherId = other.id
        return {
            let kept = try store.mergePatients(keep: keepId, other: otherId, reason: reason, by: actor)
            return PatientSaved(notice: UserMessage(.mergeDone, ["name": kept.name]))
        }
    }

    func saved(_ result: PatientSaved) -> Effect {
        close(answering: result)
    }

    func render(into canvas: inout Canvas, area: Rect) {
        let strings = context.strings
        let glyphs = canvas.glyphs
        let today = context.localTime(context.clock.now()).date
        let describe = { (patient: Patient) -> String in
            PatientFormatting.names(patient, glyphs: glyphs) + " (" + strings[patient.sex.shortKey] + " "
                + PatientFormatting.age(patient, today: today, strings: strings) + ", " + (patient.village?.name ?? "-") + ")"
        }
        let intro = strings.text(.mergeIntro, ["keep": describe(keep), "other": describe(other)])
        renderForm(into: &canvas, area: area, intro: intro)
    }
}

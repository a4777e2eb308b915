import ArogyaCore
import ArogyaStore

/// First run: the facility, its villages and the first supervisor account, on one form.
@MainActor
final class SetupScreen: FormScreen {
    enum Field: Hashable, Sendable { case language, facilityName, facilityId, state, villages, username, fullName, pin, pinAgain }

    /// In the language chosen on the form's first field, which the whole screen follows as it changes.
    private(set) var context: AppContext
    var formState: FormScreenState<Field>

    init(context: AppContext) {
        self.context = context
        formState = FormScreenState(form: Form([
            FormField(.language, label: .languageLabel, hint: .setupLanguageHint, width: 16,
                      content: .choice(Choices.languages(catalog: context.catalog, selected: context.language))),
            FormField(.facilityName, label: .setupFacilityName, width: 40, content: .text(TextInput(maxLength: FacilityRules.nameMaxLength))),
            FormField(.facilityId, label: .setupFacilityId, hint: .setupFacilityIdHint, width: 16,
                      content: .text(TextInput(maxLength: 32))),
            FormField(.state, label: .setupState, hint: .setupStateHint, width: 30,
                      content: .choice(Choices.states(strings: context.strings, selected: nil))),
            FormField(.villages, label: .setupVillages, hint: .setupVillagesHint, width: 24,
                      content: .list(ListInput(items: [], maxLength: FacilityRules.villageMaxLength, validate: FacilityRules.village))),
            FormField(.username, label: .setupUsername, hint: .setupUsernameHint, width: 16,
                      content: .text(TextInput(kind: .username, maxLength: AccountRules.usernameLength.upperBound))),
            FormField(.fullName, label: .setupFullName, width: 30, content: .text(TextInput(maxLength: AccountRules.fullNameMaxLength))),
            FormField(.pin, label: .setupPin, hint: .pinHint, width: 8, content: .text(PinInput.make())),
            FormField(.pinAgain, label: .setupPinAgain, width: 8, content: .text(PinInput.make())),
        ]))
    }

    var title: String { context.strings[.setupTitle] }

    let keyTable = SetupScreen.formKeyTable(cancelKeys: [.function(10), .ctrl("q")], cancelLabel: .actionQuit,
                                            cancelHelp: .helpQuit, saveHelp: .helpSetupSave)

    /// A new language in the first field turns the screen (and the frame) to it at once, so that she
    /// reads the rest of the setup in her language.
    func edited() -> Effect {
        guard chosenLanguage != context.language, context.catalog.has(chosenLanguage) else { return .none }
        context = context.speaking(chosenLanguage)
        return .session(.languageChosen(chosenLanguage))
    }

    /// Leaving the first setup leaves the program (the application asks first if anything was typed).
    func cancel() -> Effect { .quit }

    func saveWork() -> (@Sendable () throws -> Facility)? {
        guard let setup = validatedSetup() else { return nil }
        let store = context.store
        return {
            let (facility, _) = try store.completeSetup(setup, by: .account(setup.supervisor.username))
            return facility
        }
    }

    func saved(_ facility: Facility) -> Effect {
        .session(.setupCompleted(facility, language: chosenLanguage))
    }

    private var chosenLanguage: Language { Language(rawValue: formState.form.choice(.language)) ?? .english }

    /// Checks every field, marking each problem at its field; the setup when all are right.
    func validatedSetup() -> FacilitySetup? {
        let typed = formState.form
        var form = typed
        let facility = form.checkFacility(name: .facilityName, id: .facilityId, villages: .villages)
        let username = form.check(.username) { () throws(UserMessage) in try AccountRules.username(typed.text(.username)) }
        let fullName = form.check(.fullName) { () throws(UserMessage) in try AccountRules.fullName(typed.text(.fullName)) }
        let pin = form.checkNewPin(.pin, again: .pinAgain)
        formState.form = form
        guard let facility, let username, let fullName, let pin else { return nil }
        return FacilitySetup(facilityName: facility.name, hfrId: facility.hfrId, state: IndianState(code: typed.choice(.state)),
                             villages: facility.villages,
                             supervisor: NewAccount(username: username, fullName: fullName, role: .supervisor, pin: pin, language: chosenLanguage),
                             language: chosenLanguage)
    }

    func render(into canvas: inout Canvas, area: Rect) {
        renderForm(into: &canvas, area: area, intro: context.strings[.setupIntro],
                   headings: [.language: .setupSectionFacility, .username: .setupSectionSupervisor])
    }
}

import ArogyaCore
import ArogyaStore

/// Supervisors edit the facility's details, the villages served, the idle lock and the default language here.
@MainActor
final class SettingsScreen: FormScreen {
    enum Field: Hashable, Sendable { case facilityName, facilityId, state, villages, idleMinutes, language }

    let context: AppContext
    let account: Account
    var formState: FormScreenState<Field>

    init(context: AppContext, account: Account) {
        self.context = context
        self.account = account
        formState = FormScreenState(form: Self.form(context: context, facility: nil, idleMinutes: FacilityRules.defaultIdleLockMinutes,
                                                    language: .english),
                                    isLoading: true)
    }

    static func form(context: AppContext, facility: Facility?, idleMinutes: Int, language: Language) -> Form<Field> {
        let strings = context.strings
        return Form([
            FormField(.facilityName, label: .setupFacilityName, width: 40,
                      content: .text(TextInput(maxLength: FacilityRules.nameMaxLength, text: facility?.name ?? ""))),
            FormField(.facilityId, label: .setupFacilityId, hint: .setupFacilityIdHint, width: 16,
                      content: .text(TextInput(maxLength: 32, text: facility?.hfrId ?? ""))),
            FormField(.state, label: .setupState, hint: .setupStateHint, width: 30,
                      content: .choice(Choices.states(strings: strings, selected: facility?.state))),
            FormField(.villages, label: .setupVillages, hint: .setupVillagesHint, width: 24,
                      content: .list(ListInput(items: facility?.villages.map(\.name) ?? [], maxLength: FacilityRules.villageMaxLength,
                                               validate: FacilityRules.village))),
            FormField(.idleMinutes, label: .settingsIdleMinutes, hint: .settingsIdleMinutesHint, width: 4,
                      content: .text(TextInput(kind: .digits, maxLength: 3, text: String(idleMinutes)))),
            FormField(.language, label: .settingsLanguage, hint: .settingsLanguageHint, width: 16,
                      content: .choice(Choices.languages(catalog: context.catalog, selected: language))),
        ])
    }

    var title: String { context.strings[.settingsTitle] }
    let keyTable = SettingsScreen.formKeyTable()

    typealias Other = Loaded

    /// What is stored, loaded when the screen opens.
    struct Loaded: Sendable {
        let facility: Facility
        let idleMinutes: Int
        let language: Language
    }

    struct Saved: Sendable {
        let facility: Facility
        let idleMinutes: Int
        let language: Language
    }

    func appeared() -> Effect {
        // Only the first time: coming back from a dialog must not overwrite what was typed.
        guard formState.isLoading else { return .none }
        let store = context.store
        return runStore {
            guard let facility = try store.facility() else { throw StoreError.refused(UserMessage(.errorNotSetUp)) }
            return .other(Loaded(facility: facility, idleMinutes: try store.idleLockMinutes(), language: try store.defaultLanguage()))
        }
    }

    func saveWork() -> (@Sendable () throws -> Saved)? {
        let typed = formState.form
        var form = typed
        let facility = form.checkFacility(name: .facilityName, id: .facilityId, villages: .villages)
        let minutes = form.check(.idleMinutes) { () throws(UserMessage) in try FacilityRules.idleLockMinutes(typed.text(.idleMinutes)) }
        formState.form = form
        guard let facility, let minutes else { return nil }
        let language = Language(rawValue: typed.choice(.language)) ?? .english
        let details = FacilityDetails(name: facility.name, hfrId: facility.hfrId, state: IndianState(code: typed.choice(.state)),
                                      villages: facility.villages, idleLockMinutes: minutes, defaultLanguage: language)
        let store = context.store
        let actor = AuditActor.account(account.username)
        return {
            Saved(facility: try store.updateFacility(details, by: actor), idleMinutes: minutes, language: language)
        }
    }

    func received(_ loaded: Loaded) -> Effect {
        formState = FormScreenState(form: Self.form(context: context, facility: loaded.facility, idleMinutes: loaded.idleMinutes,
                                                    language: loaded.language))
        return .none
    }

    func saved(_ saved: Saved) -> Effect {
        // Start again from what was stored, so that the form is clean and shows the saved values.
        formState = FormScreenState(form: Self.form(context: context, facility: saved.facility, idleMinutes: saved.idleMinutes,
                                                    language: saved.language))
        formState.notice = UserMessage(.settingsSaved)
        return .session(.facilityChanged(saved.facility, idleLockMinutes: saved.idleMinutes, defaultLanguage: saved.language))
    }

    func render(into canvas: inout Canvas, area: Rect) {
        renderForm(into: &canvas, area: area, intro: context.strings[.settingsIntro])
    }
}

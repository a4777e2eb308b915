import ArogyaCore
import ArogyaStore

/// A supervisor adds an account. She chooses a first PIN and tells it to the new user, who must
/// replace it at her first login.
@MainActor
final class AccountFormScreen: FormScreen, AnsweringScreen {
    enum Field: Hashable, Sendable { case username, fullName, role, language, pin, pinAgain }

    let context: AppContext
    let actor: Account
    var formState: FormScreenState<Field>
    let answerRoute = AnswerRoute<AccountSaved>()

    /// `language`: the facility's default, which the supervisor may change for this account.
    init(context: AppContext, actor: Account, language: Language) {
        self.context = context
        self.actor = actor
        formState = FormScreenState(form: Form([
            FormField(.username, label: .setupUsername, hint: .setupUsernameHint, width: 16,
                      content: .text(TextInput(kind: .username, maxLength: AccountRules.usernameLength.upperBound))),
            FormField(.fullName, label: .setupFullName, width: 30, content: .text(TextInput(maxLength: AccountRules.fullNameMaxLength))),
            FormField(.role, label: .usersRole, hint: .choiceHint, width: 16, content: .choice(Choices.roles())),
            FormField(.language, label: .languageLabel, hint: .choiceHint, width: 16,
                      content: .choice(Choices.languages(catalog: context.catalog, selected: language))),
            FormField(.pin, label: .usersFirstPin, hint: .usersFirstPinHint, width: 8, content: .text(PinInput.make())),
            FormField(.pinAgain, label: .setupPinAgain, width: 8, content: .text(PinInput.make())),
        ]))
    }

    var title: String { context.strings[.usersAddTitle] }
    let keyTable = AccountFormScreen.formKeyTable()

    func saveWork() -> (@Sendable () throws -> AccountSaved)? {
        let typed = formState.form
        var form = typed
        let username = form.check(.username) { () throws(UserMessage) in try AccountRules.username(typed.text(.username)) }
        let fullName = form.check(.fullName) { () throws(UserMessage) in try AccountRules.fullName(typed.text(.fullName)) }
        let pin = form.checkNewPin(.pin, again: .pinAgain)
        formState.form = form
        guard let username, let fullName, let pin, let role = Role(rawValue: typed.choice(.role)) else { return nil }
        let language = Language(rawValue: typed.choice(.language)) ?? .english
        let store = context.store
        let actor = AuditActor.account(self.actor.username)
        return {
            let account = try store.addAccount(NewAccount(username: username, fullName: fullName, role: role, pin: pin, language: language),
                                               mustChangePin: true, by: actor)
            return AccountSaved(notice: UserMessage(.usersAdded, ["name": account.fullName, "username": account.username]))
        }
    }

    func field(for failure: UserMessage) -> Field? {
        failure.key == .errorUsernameTaken ? .username : nil
    }

    /// Closes and tells the Users screen what happened.
    func saved(_ result: AccountSaved) -> Effect {
        close(answering: result)
    }

    func render(into canvas: inout Canvas, area: Rect) {
        renderForm(into: &canvas, area: area, intro: context.strings[.usersAddIntro])
    }
}

/// A supervisor sets a new PIN for someone who forgot hers; it also lifts a wrong-PIN lock.
@MainActor
final class ResetPinScreen: FormScreen, AnsweringScreen {
    enum Field: Hashable, Sendable { case pin, pinAgain }

    let context: AppContext
    let actor: Account
    let target: Account
    var formState: FormScreenState<Field>
    let answerRoute = AnswerRoute<AccountSaved>()

    init(context: AppContext, actor: Account, target: Account) {
        self.context = context
        self.actor = actor
        self.target = target
        formState = FormScreenState(form: Form([
            FormField(.pin, label: .usersNewPin, hint: .usersFirstPinHint, width: 8, content: .text(PinInput.make())),
            FormField(.pinAgain, label: .setupPinAgain, width: 8, content: .text(PinInput.make())),
        ]))
    }

    var title: String { context.strings[.usersResetTitle] }
    let keyTable = ResetPinScreen.formKeyTable()

    func saveWork() -> (@Sendable () throws -> AccountSaved)? {
        var form = formState.form
        let pin = form.checkNewPin(.pin, again: .pinAgain)
        formState.form = form
        guard let pin else { return nil }
        let store = context.store
        let actor = AuditActor.account(self.actor.username)
        let target = self.target
        return {
            try store.resetPin(username: target.username, newPin: pin, by: actor)
            return AccountSaved(notice: UserMessage(.usersPinReset, ["name": target.fullName]))
        }
    }

    func saved(_ result: AccountSaved) -> Effect {
        close(answering: result)
    }

    func render(into canvas: inout Canvas, area: Rect) {
        renderForm(into: &canvas, area: area,
                   intro: context.strings.text(.usersResetIntro, ["name": target.fullName, "username": target.username]))
    }
}

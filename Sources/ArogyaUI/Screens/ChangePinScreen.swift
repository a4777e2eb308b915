import ArogyaCore
import ArogyaStore

/// Choose a new PIN. After a supervisor reset it, this comes straight after login and cannot be skipped
/// (only left by switching user); chosen from the home screen, it asks for the current PIN first.
@MainActor
final class ChangePinScreen: FormScreen {
    enum Field: Hashable, Sendable { case current, new, again }

    let context: AppContext
    let account: Account
    let isForced: Bool
    var formState: FormScreenState<Field>
    let keyTable: KeyTable<FormAction>

    init(context: AppContext, account: Account, isForced: Bool) {
        self.context = context
        self.account = account
        self.isForced = isForced
        var fields: [FormField<Field>] = []
        if !isForced {
            fields.append(FormField(.current, label: .changePinCurrent, width: 8, content: .text(PinInput.make())))
        }
        fields.append(FormField(.new, label: .changePinNew, hint: .pinHint, width: 8, content: .text(PinInput.make())))
        fields.append(FormField(.again, label: .changePinAgain, width: 8, content: .text(PinInput.make())))
        formState = FormScreenState(form: Form(fields))
        keyTable = isForced
            ? Self.formKeyTable(cancelKeys: [.function(3), .ctrl("w")], cancelLabel: .actionSwitchUser, cancelHelp: .helpSwitchUser)
            : Self.formKeyTable()
    }

    var title: String { context.strings[.changePinTitle] }

    func cancel() -> Effect { isForced ? .session(.switchUser) : leaveAskingIfDirty() }

    func field(for failure: UserMessage) -> Field? {
        switch failure.key {
        case .errorPinSameAsOld: return .new
        case .changePinCurrentWrong, .loginLocked: return isForced ? nil : .current
        default: return nil
        }
    }

    /// Returns the account as stored after the change.
    func saveWork() -> (@Sendable () throws -> Account)? {
        var form = formState.form
        let newPin = form.checkNewPin(.new, again: .again)
        let current = isForced ? nil : form.text(.current)
        if let current, current.isEmpty { form.setError(UserMessage(.errorPinEmpty), on: .current) }
        formState.form = form
        guard let newPin, !form.hasErrors else { return nil }
        let store = context.store
        let account = self.account
        let localTime = context.localTime
        return {
            if let current {
                switch try store.attemptLogin(username: account.username, pin: current) {
                case .signedIn: break
                case .locked(let until): throw StoreError.refused(UserMessage(.loginLocked, ["time": localTime(until).hourMinute]))
                default: throw StoreError.refused(UserMessage(.changePinCurrentWrong))
                }
            }
            try store.changeOwnPin(accountId: account.id, newPin: newPin)
            return try store.account(id: account.id) ?? account
        }
    }

    func saved(_ changed: Account) -> Effect {
        .batch([.pop, .session(.accountChanged(changed))])
    }

    func render(into canvas: inout Canvas, area: Rect) {
        let intro = isForced ? context.strings.text(.changePinForcedIntro, ["name": account.fullName])
                             : context.strings[.changePinIntro]
        renderForm(into: &canvas, area: area, intro: intro)
    }
}

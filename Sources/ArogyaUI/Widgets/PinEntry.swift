import ArogyaCore
import ArogyaStore

/// The PIN fields of every form: digits only, shown as bullets.
enum PinInput {
    static func make() -> TextInput {
        TextInput(kind: .digits, maxLength: AccountRules.pinLength.upperBound, isMasked: true)
    }
}

/// What checking a PIN came to: the store's outcome, or why the store could not be asked.
enum PinCheck: Sendable {
    case outcome(LoginOutcome)
    case storeFailed(UserMessage)
}

/// A PIN typed to sign in or to unlock, and its check against the store: shared by the login and the
/// lock screens.
struct PinEntry: Equatable {
    var pin = PinInput.make()
    var isChecking = false
    /// Why the last key or the last check did not succeed.
    var message: UserMessage?

    /// A digit or an editing key; a key the field refuses says why.
    mutating func edit(_ key: Key) {
        switch pin.apply(key) {
        case .refused(let refusal): message = refusal
        case .changed: message = nil
        case .unchanged, .notHandled: break
        }
    }

    /// Starts checking the PIN as `username`: the background work, or nil (with a message) when what was
    /// typed is too short to be anyone's PIN, which then does not count as a wrong try.
    mutating func check(username: String, store: AppDatabase) -> (@Sendable () -> PinCheck)? {
        guard AccountRules.pinLength.contains(pin.text.count) else {
            message = pin.isEmpty ? UserMessage(.loginTypePin)
                : UserMessage(.errorPinLength, ["min": "\(AccountRules.pinLength.lowerBound)", "max": "\(AccountRules.pinLength.upperBound)"])
            return nil
        }
        isChecking = true
        message = nil
        let typed = pin.text
        return {
            do { return .outcome(try store.attemptLogin(username: username, pin: typed)) } catch { return .storeFailed(StoreError.message(for: error)) }
        }
    }

    /// Takes the result of `check`: the account when the PIN was right, else nil with the message to show.
    mutating func finish(_ result: PinCheck, localTime: (Timestamp) -> LocalTime) -> Account? {
        isChecking = false
        pin.clear()
        switch result {
        case .storeFailed(let failure):
            message = failure
        case .outcome(.signedIn(let account)):
            return account
        case .outcome(let outcome):
            message = Self.message(for: outcome, localTime: localTime)
        }
        return nil
    }

    /// The sentence for a login outcome other than success.
    static func message(for outcome: LoginOutcome, localTime: (Timestamp) -> LocalTime) -> UserMessage? {
        outcome.message { localTime($0).hourMinute }
    }
}

/// What to say under a PIN field.
enum PinEntryView {
    static func message(_ entry: PinEntry, strings: StringTable) -> StatusLineView.Message? {
        if entry.isChecking { return .working(strings[.loginChecking]) }
        return entry.message.map { .problem(strings.text($0)) }
    }
}

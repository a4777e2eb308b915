import ArogyaABDM
import ArogyaCore

/// ABDM's refusals in the worker's words, by what she can do about them.
public enum AbhaFailureText {
    public static func message(_ failure: AbdmFailure) -> UserMessage {
        switch failure.kind {
        case .wrongOtp: UserMessage(.abhaFailureWrongOtp)
        case .transactionExpired: UserMessage(.abhaFailureTransactionExpired)
        case .tooManyAttempts: UserMessage(.abhaFailureTooManyAttempts)
        case .serviceDown: UserMessage(.abhaFailureServiceDown)
        case .credentialsRefused: UserMessage(.abhaFailureCredentialsRefused)
        case .addressTaken: UserMessage(.abhaFailureAddressTaken)
        case .mobileFull: UserMessage(.abhaFailureMobileFull)
        case .invalidIdentifier: UserMessage(.abhaFailureInvalidIdentifier)
        case .deactivated: UserMessage(.abhaFailureDeactivated)
        case .other: UserMessage(.abhaFailureOther, ["reason": failure.description])
        }
    }
}

/// Both sides of a difference between the ABHA profile and the registration, as text.
public enum AbhaDifferenceText {
    /// The field's name as the registration form labels it.
    public static func label(_ difference: AbhaDifference) -> StringKey {
        switch difference {
        case .name: .patientName
        case .sex: .patientSex
        case .birthDate, .yearOfBirth: .patientBirth
        case .mobile: .patientMobile
        }
    }

    public static func values(_ difference: AbhaDifference, strings: StringTable) -> (registered: String, abha: String) {
        switch difference {
        case .name(let registered, let abha): return (registered, abha)
        case .sex(let registered, let abha): return (strings[registered.labelKey], strings[abha.labelKey])
        case .birthDate(let registered, let abha): return (registered.dayMonthYear, abha.dayMonthYear)
        case .yearOfBirth(let registered, let abha): return (String(registered), String(abha))
        case .mobile(let registered, let abha): return (registered, abha)
        }
    }
}

/// An Aadhaar number typed for an ABHA enrolment. It lives in memory only: it is never written to the
/// database, the outbox, the audit log or a log, and it is not `Codable`, so it cannot be by accident.
/// Printing it (`description`, string interpolation, `dump`) shows the masked form, `XXXX XXXX 1234`; the
/// digits leave it only through `digitsForEncryption`, which the RSA encryption for ABDM reads.
public struct AadhaarNumber: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let digits: String

    /// Reads what was typed: 12 ASCII digits, with spaces or hyphens between groups allowed; not starting
    /// with 0 or 1; passing Aadhaar's Verhoeff check. The message says which rule failed, never the digits.
    public init(typed text: String) throws(UserMessage) {
        let kept = text.filter { $0 != " " && $0 != "-" }
        guard !kept.isEmpty else { throw UserMessage(.abhaAadhaarEmpty) }
        guard kept.allSatisfy({ $0.isASCII && $0.isNumber }) else { throw UserMessage(.abhaAadhaarDigitsOnly) }
        guard kept.count == 12 else { throw UserMessage(.abhaAadhaarLength, ["count": String(kept.count)]) }
        guard let first = kept.first, first != "0", first != "1" else { throw UserMessage(.abhaAadhaarFirstDigit) }
        guard Aadhaar.isValid(kept) else { throw UserMessage(.abhaAadhaarChecksum) }
        digits = kept
    }

    /// `XXXX XXXX 1234`: what the screen shows once the number is typed.
    public var masked: String { "XXXX XXXX " + digits.suffix(4) }

    public var description: String { masked }
    public var debugDescription: String { masked }
    public var customMirror: Mirror { Mirror(self, children: ["masked": masked]) }

    /// The 12 digits, for encrypting under ABDM's key and nothing else.
    public var digitsForEncryption: String { digits }
}

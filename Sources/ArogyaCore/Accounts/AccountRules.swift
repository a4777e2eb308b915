/// The rules for what a person types when an account is made: login name, full name and PIN.
public enum AccountRules {
    public static let usernameLength = 3...32
    public static let fullNameMaxLength = 80
    public static let pinLength = 4...6

    /// Login names are lower-case Latin letters, digits, dots, hyphens and underscores, starting with a
    /// letter, so that they can be typed on any keyboard and used as `--as NAME` on the command line.
    public static func username(_ raw: String) throws(UserMessage) -> String {
        let name = TextSanitizer.singleLine(raw).lowercased()
        guard !name.isEmpty else { throw UserMessage(.errorUsernameEmpty) }
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first),
              name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "." || $0 == "-" || $0 == "_" })
        else { throw UserMessage(.errorUsernameCharacters) }
        guard usernameLength.contains(name.count) else {
            throw UserMessage(.errorUsernameLength, ["min": "\(usernameLength.lowerBound)", "max": "\(usernameLength.upperBound)"])
        }
        return name
    }

    /// A person's name in any script, on one line, without emoji.
    public static func fullName(_ raw: String) throws(UserMessage) -> String {
        let name = TextSanitizer.singleLine(raw)
        guard !name.isEmpty else { throw UserMessage(.errorFullNameEmpty) }
        guard name.count <= fullNameMaxLength else {
            throw UserMessage(.errorFullNameLength, ["max": "\(fullNameMaxLength)"])
        }
        guard !name.contains(where: TextSanitizer.isEmoji) else { throw UserMessage(.errorNoEmoji) }
        return name
    }

    /// A language code as typed or received: its form here; whether its table is installed is the
    /// screen's and the command line's to check, since a hub or another terminal may have more.
    public static func language(_ raw: String) throws(UserMessage) -> Language {
        let code = TextSanitizer.singleLine(raw).lowercased()
        guard let language = Language(rawValue: code) else { throw UserMessage(.errorLanguageUnknown, ["code": code]) }
        return language
    }

    /// A PIN is 4 to 6 digits and not one that anyone would guess first.
    public static func pin(_ raw: String) throws(UserMessage) -> String {
        let pin = raw.trimmingSpaces
        guard !pin.isEmpty else { throw UserMessage(.errorPinEmpty) }
        guard pin.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }) else { throw UserMessage(.errorPinDigits) }
        guard pinLength.contains(pin.count) else {
            throw UserMessage(.errorPinLength, ["min": "\(pinLength.lowerBound)", "max": "\(pinLength.upperBound)"])
        }
        guard !isEasilyGuessed(pin) else { throw UserMessage(.errorPinTooEasy) }
        return pin
    }

    /// The second entry of a new PIN must repeat the first.
    public static func confirmedPin(_ pin: String, repeated: String) throws(UserMessage) -> String {
        let valid = try self.pin(pin)
        guard repeated.trimmingSpaces == valid else { throw UserMessage(.errorPinMismatch) }
        return valid
    }

    /// All one digit (0000) or a straight run up or down (1234, 9876).
    static func isEasilyGuessed(_ pin: String) -> Bool {
        let digits = pin.unicodeScalars.map { Int($0.value) - 48 }
        guard digits.count > 1 else { return true }
        let steps = Set(zip(digits, digits.dropFirst()).map { $1 - $0 })
        return steps == [0] || steps == [1] || steps == [-1]
    }
}

extension String {
    /// Leading and trailing spaces, tabs and newlines removed (without Foundation's character sets).
    public var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}

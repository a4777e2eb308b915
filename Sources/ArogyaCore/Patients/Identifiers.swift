/// The identifiers a patient may carry, each checked where it is typed.
public enum Identifiers {
    /// Digits only, from text that may have spaces, hyphens or a leading "+".
    public static func digits(_ text: String) -> String {
        String(text.unicodeScalars.filter { ("0"..."9").contains($0) }.map(Character.init))
    }

    /// Whether text holds only digits and the separators people type between them.
    static func isNumeric(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { ("0"..."9").contains($0) || $0 == " " || $0 == "-" || $0 == "+" }
    }

    // MARK: Mobile

    /// An Indian mobile number as its 10 digits: "+91 98765 43210", "098765 43210" and "9876543210" are
    /// the same number; it must start with 6, 7, 8 or 9.
    public static func mobile(_ raw: String) throws(UserMessage) -> String? {
        let text = raw.trimmingSpaces
        if text.isEmpty { return nil }
        guard isNumeric(text) else { throw UserMessage(.errorMobileDigits) }
        var number = digits(text)
        if number.count == 12, number.hasPrefix("91") { number.removeFirst(2) }
        if number.count == 11, number.hasPrefix("0") { number.removeFirst() }
        if number.count == 12, Aadhaar.isValid(number) { throw UserMessage(.errorLooksLikeAadhaar) }
        guard number.count == 10 else { throw UserMessage(.errorMobileLength) }
        guard let first = number.first, "6789".contains(first) else { throw UserMessage(.errorMobileStart) }
        return number
    }

    /// "******3210": for the screen, where others may be looking.
    public static func maskedMobile(_ mobile: String) -> String {
        String(repeating: "*", count: max(0, mobile.count - 4)) + mobile.suffix(4)
    }

    // MARK: ABHA number

    /// A 14-digit ABHA number, typed with or without hyphens, kept as its 14 digits.
    public static func abhaNumber(_ raw: String) throws(UserMessage) -> String? {
        let text = raw.trimmingSpaces
        if text.isEmpty { return nil }
        guard isNumeric(text) else { throw UserMessage(.errorAbhaNumberDigits) }
        let number = digits(text)
        if number.count == 12, Aadhaar.isValid(number) { throw UserMessage(.errorLooksLikeAadhaar) }
        guard number.count == 14 else { throw UserMessage(.errorAbhaNumberLength) }
        return number
    }

    /// `NN-NNNN-NNNN-NNNN`, as ABDM writes it.
    public static func formattedAbhaNumber(_ digits: String) -> String {
        guard digits.count == 14 else { return digits }
        let characters = Array(digits)
        return String(characters[0..<2]) + "-" + String(characters[2..<6]) + "-" + String(characters[6..<10]) + "-" + String(characters[10..<14])
    }

    /// `**-****-****-1234`
    public static func maskedAbhaNumber(_ digits: String) -> String {
        guard digits.count == 14 else { return digits }
        return "**-****-****-" + digits.suffix(4)
    }

    /// ABDM publishes no checksum. Most published example numbers pass a Luhn check, so a number that
    /// fails it is probably mistyped: a warning to look again, never a refusal.
    public static func abhaNumberPassesLuhn(_ digits: String) -> Bool {
        var sum = 0
        for (offset, character) in digits.reversed().enumerated() {
            guard var value = character.wholeNumberValue else { return false }
            if offset % 2 == 1 {
                value *= 2
                if value > 9 { value -= 9 }
            }
            sum += value
        }
        return sum % 10 == 0
    }

    // MARK: ABHA address

    /// The suffixes ABDM uses: production and sandbox.
    public static let abhaAddressSuffixes = ["abdm", "sbx"]

    /// `name@abdm` (or `@sbx`): 4 to 18 lower-case letters, digits, dots and underscores before the "@",
    /// not starting with a digit or a dot, not ending with a dot or an underscore; all digits only as the
    /// 14 digits of an ABHA number. Sources disagree on the details; this follows the strictest published
    /// rules, and ABDM itself has the last word when the address is created.
    public static func abhaAddress(_ raw: String) throws(UserMessage) -> String? {
        let text = raw.trimmingSpaces.lowercased()
        if text.isEmpty { return nil }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, abhaAddressSuffixes.contains(String(parts[1])) else { throw UserMessage(.errorAbhaAddressSuffix) }
        let name = String(parts[0])
        guard name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "." || $0 == "_" }) else {
            throw UserMessage(.errorAbhaAddressCharacters)
        }
        if name.count == 14, name.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }) { return text }
        guard (4...18).contains(name.count) else { throw UserMessage(.errorAbhaAddressLength) }
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first) || first == "_" else {
            throw UserMessage(.errorAbhaAddressStart)
        }
        guard let last = name.last, last != ".", last != "_" else { throw UserMessage(.errorAbhaAddressEnd) }
        return text
    }

    /// The part of an ABHA address before the "@", as a worker types the one a patient wants before the hub
    /// has said which of ABDM's suffixes applies (`@sbx` in the sandbox, `@abdm` in production): the same
    /// rules as a whole address. A whole address is accepted too and kept whole.
    public static func abhaAddressOrName(_ raw: String) throws(UserMessage) -> String? {
        let text = raw.trimmingSpaces.lowercased()
        if text.isEmpty { return nil }
        if text.contains("@") { return try abhaAddress(text) }
        _ = try abhaAddress(text + "@" + abhaAddressSuffixes[0])
        return text
    }

    // MARK: Household and record numbers

    /// A household ID or a facility MRN: up to 20 letters, digits, "-" and "/", kept upper-case.
    public static func localIdentifier(_ raw: String) throws(UserMessage) -> String? {
        let text = TextSanitizer.singleLine(raw).uppercased()
        if text.isEmpty { return nil }
        guard text.count <= 20, text.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "/" })
        else { throw UserMessage(.errorLocalIdentifier) }
        if text.count == 12, Aadhaar.isValid(text) { throw UserMessage(.errorLooksLikeAadhaar) }
        return text
    }
}

/// Aadhaar numbers are never stored. A 12-digit number that passes Aadhaar's Verhoeff check, typed into
/// any identifier field, is refused with a message saying why.
public enum Aadhaar {
    static let multiplication: [[Int]] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
        [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
        [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
        [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
    ]
    /// Row k is the base permutation applied k times, computed rather than copied: a table typed by hand
    /// once had a wrong row, which let some swapped digits through.
    static let permutation: [[Int]] = {
        let base = [1, 5, 7, 6, 2, 8, 3, 0, 9, 4]
        var rows = [Array(0...9)]
        for _ in 1..<8 { rows.append(rows.last!.map { base[$0] }) }
        return rows
    }()

    /// 12 digits, not starting with 0 or 1, passing the Verhoeff check.
    public static func isValid(_ text: String) -> Bool {
        let values = text.compactMap(\.wholeNumberValue)
        guard values.count == 12, text.count == 12, let first = values.first, first >= 2 else { return false }
        var check = 0
        for (offset, value) in values.reversed().enumerated() {
            check = multiplication[check][permutation[offset % 8][value]]
        }
        return check == 0
    }
}

/// The rules for what is typed when a patient is registered or edited.
public enum PatientRules {
    public static let nameLength = 2...80
    public static let oldestAge = 120

    /// A person's name in Latin or Devanagari letters (with spaces, dots, hyphens and apostrophes),
    /// one script per name, no digits or emoji.
    public static func name(_ raw: String) throws(UserMessage) -> String {
        let name = TextSanitizer.singleLine(raw)
        guard !name.isEmpty else { throw UserMessage(.errorPatientNameEmpty) }
        guard !name.contains(where: TextSanitizer.isEmoji) else { throw UserMessage(.errorNoEmoji) }
        guard !name.unicodeScalars.contains(where: { $0.properties.numericType != nil }) else { throw UserMessage(.errorNameDigits) }
        let letters = name.unicodeScalars.filter { $0.properties.isAlphabetic }
        let devanagari = letters.filter { (0x0900...0x097F).contains($0.value) }.count
        let latin = letters.filter { $0.value < 0x0250 || (0x1E00...0x1EFF).contains($0.value) }.count
        guard devanagari + latin == letters.count else { throw UserMessage(.errorNameScript) }
        guard devanagari == 0 || latin == 0 else { throw UserMessage(.errorNameMixedScripts) }
        guard nameLength.contains(name.count), letters.count >= 2 else {
            throw UserMessage(.errorPatientNameLength, ["min": "\(nameLength.lowerBound)", "max": "\(nameLength.upperBound)"])
        }
        return name
    }

    /// The name in the other script: optional, and must be in the script the name is not.
    public static func alternateName(_ raw: String, for name: String) throws(UserMessage) -> String? {
        let text = TextSanitizer.singleLine(raw)
        if text.isEmpty { return nil }
        let alternate = try self.name(text)
        guard Devanagari.contains(alternate) != Devanagari.contains(name) else { throw UserMessage(.errorNameAltScript) }
        return alternate
    }

    /// A birth date (`1981-03-14`, or `14-03-1981` and `14031981` as Indian forms write it), or an age in years
    /// (`45`), which marks the birth date as estimated. Returns the date and whether it is estimated.
    public static func birthDate(_ raw: String, today: CivilDate) throws(UserMessage) -> (CivilDate, estimated: Bool) {
        let text = raw.trimmingSpaces.lowercased()
        guard !text.isEmpty else { throw UserMessage(.errorBirthEmpty) }
        let ageText = text.hasSuffix("y") ? String(text.dropLast()).trimmingSpaces : text
        // Eight digits are a date typed without separators, as Indian forms write it: 15081972 is 15-08-1972.
        if text.count == 8, text.allSatisfy({ $0.isASCII && $0.isNumber }) {
            let digits = Array(text)
            return try birthDate(String(digits[0..<2]) + "-" + String(digits[2..<4]) + "-" + String(digits[4...]), today: today)
        }
        if ageText.count <= 4, let years = Int(ageText) {
            guard (0...oldestAge).contains(years) else { throw UserMessage(.errorAgeRange, ["max": "\(oldestAge)"]) }
            return (Ages.estimatedBirthDate(age: years, today: today), true)
        }
        // Empty parts are kept, so that "-2000-01-01" or "14--03-1981" is refused rather than read as a date.
        let parts = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "-" || $0 == "/" || $0 == "." }).map(String.init)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let a = Int(parts[0]), let b = Int(parts[1]), let c = Int(parts[2]) else {
            throw UserMessage(.errorBirthFormat)
        }
        let date = parts[0].count == 4 ? CivilDate(year: a, month: b, day: c) : CivilDate(year: c, month: b, day: a)
        guard let date, (parts[0].count == 4 || parts[2].count == 4) else { throw UserMessage(.errorBirthFormat) }
        try birthDate(date, today: today)
        return (date, false)
    }

    /// A birth date as stored: not in the future, and not more than `oldestAge` years ago.
    public static func birthDate(_ date: CivilDate, today: CivilDate) throws(UserMessage) {
        guard date <= today else { throw UserMessage(.errorBirthFuture) }
        guard Ages.years(from: date, to: today) <= oldestAge else { throw UserMessage(.errorAgeRange, ["max": "\(oldestAge)"]) }
    }
}

extension PatientRules {
    /// The whole record, as the store takes it: every field must already be in the form its rule makes
    /// of it, so that a value that did not pass the form (or `patients add`, or the hub) is never saved
    /// by any other path either.
    public static func check(_ details: PatientDetails, today: CivilDate) throws(UserMessage) {
        func same(_ value: String?, _ rule: (String) throws(UserMessage) -> String?) throws(UserMessage) {
            guard let value else { return }
            guard try rule(value) == value else { throw UserMessage(.errorFieldNotClean, ["value": TextSanitizer.singleLine(value)]) }
        }
        try same(details.name) { text throws(UserMessage) -> String? in try name(text) }
        try same(details.nameAlt) { text throws(UserMessage) -> String? in try alternateName(text, for: details.name) }
        try birthDate(details.birthDate, today: today.adding(days: 1))
        try same(details.mobile) { text throws(UserMessage) -> String? in try Identifiers.mobile(text) }
        try same(details.village) { text throws(UserMessage) -> String? in try FacilityRules.village(text) }
        try same(details.household) { text throws(UserMessage) -> String? in try Identifiers.localIdentifier(text) }
        try same(details.abhaNumber) { text throws(UserMessage) -> String? in try Identifiers.abhaNumber(text) }
        try same(details.abhaAddress) { text throws(UserMessage) -> String? in try Identifiers.abhaAddress(text) }
        try same(details.mrn) { text throws(UserMessage) -> String? in try Identifiers.localIdentifier(text) }
        guard details.consent.date <= today.adding(days: 1) else { throw UserMessage(.errorConsentFuture) }
    }
}

/// Ages in whole years.
public enum Ages {
    public static func years(from birth: CivilDate, to day: CivilDate) -> Int {
        var years = day.year - birth.year
        if (day.month, day.day) < (birth.month, birth.day) { years -= 1 }
        return max(0, years)
    }

    /// For an age given in years, the middle of the range of birth dates it allows: about half a year
    /// more than `age` years before today (so that the age shown stays `age` for about half a year).
    public static func estimatedBirthDate(age: Int, today: CivilDate) -> CivilDate {
        let year = today.year - age
        let candidate = CivilDate(year: year, month: today.month, day: min(today.day, 28))!.adding(days: -182)
        return candidate
    }
}

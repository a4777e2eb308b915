/// The rules for a facility's details: its name, its Health Facility Registry id, villages and settings.
public enum FacilityRules {
    public static let nameMaxLength = 100
    public static let villageMaxLength = 60
    public static let maxVillages = 200
    /// Idle minutes before the session locks: at least one, at most a working shift.
    public static let idleLockMinutes = 1...240
    public static let defaultIdleLockMinutes = 10

    public static func facilityName(_ raw: String) throws(UserMessage) -> String {
        let name = TextSanitizer.singleLine(raw)
        guard !name.isEmpty else { throw UserMessage(.errorFacilityNameEmpty) }
        guard name.count <= nameMaxLength else { throw UserMessage(.errorTooLong, ["max": "\(nameMaxLength)"]) }
        guard !name.contains(where: TextSanitizer.isEmoji) else { throw UserMessage(.errorNoEmoji) }
        return name
    }

    /// The HFR facility id is optional. Its published form is "IN" and ten digits; other forms are kept
    /// as typed (upper-cased) because facilities also carry state codes, and a wrong id only weakens a
    /// later ABDM registration, which will check it.
    public static func facilityId(_ raw: String) throws(UserMessage) -> String? {
        let id = TextSanitizer.singleLine(raw).uppercased()
        if id.isEmpty { return nil }
        guard id.count <= 32, id.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" })
        else { throw UserMessage(.errorFacilityIdCharacters) }
        return id
    }

    public static func state(_ raw: String) throws(UserMessage) -> IndianState? {
        let code = raw.trimmingSpaces
        if code.isEmpty { return nil }
        guard let state = IndianState(code: code) else { throw UserMessage(.errorStateUnknown, ["code": code]) }
        return state
    }

    public static func village(_ raw: String) throws(UserMessage) -> String {
        let name = TextSanitizer.singleLine(raw)
        guard !name.isEmpty else { throw UserMessage(.errorVillageEmpty) }
        guard name.count <= villageMaxLength else { throw UserMessage(.errorTooLong, ["max": "\(villageMaxLength)"]) }
        guard !name.contains(where: TextSanitizer.isEmoji) else { throw UserMessage(.errorNoEmoji) }
        return name
    }

    /// Villages in the order given, each validated, duplicates (ignoring case) dropped.
    public static func villages(_ raw: [String]) throws(UserMessage) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        for entry in raw {
            let name = try village(entry)
            if seen.insert(name.lowercased()).inserted { result.append(name) }
        }
        guard result.count <= maxVillages else { throw UserMessage(.errorTooManyVillages, ["max": "\(maxVillages)"]) }
        return result
    }

    public static func idleLockMinutes(_ raw: String) throws(UserMessage) -> Int {
        guard let minutes = Int(raw.trimmingSpaces), idleLockMinutes.contains(minutes) else {
            throw UserMessage(.errorIdleMinutes, ["min": "\(idleLockMinutes.lowerBound)", "max": "\(idleLockMinutes.upperBound)"])
        }
        return minutes
    }
}

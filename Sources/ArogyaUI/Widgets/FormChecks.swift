import ArogyaCore

/// The checks that several forms share. Each marks its problem at its field and returns the value when valid.
extension Form {
    /// Checks the facility fields that the first-run setup and Settings share, marking each problem at
    /// its field. A village typed but not yet added with Enter counts.
    mutating func checkFacility(name nameField: ID, id idField: ID, villages villagesField: ID)
        -> (name: String, hfrId: String?, villages: [String])? {
        let typed = self
        let name = check(nameField) { () throws(UserMessage) in try FacilityRules.facilityName(typed.text(nameField)) }
        let hfrId = check(idField) { () throws(UserMessage) in try FacilityRules.facilityId(typed.text(idField)) }
        let villages = check(villagesField) { () throws(UserMessage) in
            try FacilityRules.villages(try typed.list(villagesField)?.itemsIncludingEntry() ?? [])
        }
        guard let name, case .some(let facilityId) = hfrId, let villages else { return nil }
        return (name, facilityId, villages)
    }

    /// Validates one field and records its message on the form; returns the value when valid.
    mutating func check<T>(_ id: ID, _ rule: () throws(UserMessage) -> T) -> T? {
        do {
            return try rule()
        } catch {
            setError(error, on: id)
            return nil
        }
    }

    /// Checks a new PIN typed twice: a bad PIN is marked on the first field, a mismatch on the second.
    mutating func checkNewPin(_ first: ID, again second: ID) -> String? {
        let pin = text(first)
        let repeated = text(second)
        if let valid = check(first, { () throws(UserMessage) in try AccountRules.pin(pin) }) {
            return check(second, { () throws(UserMessage) in try AccountRules.confirmedPin(valid, repeated: repeated) })
        }
        return nil
    }
}

import ArogyaCore

/// The options of the choice fields that several screens share.
enum Choices {
    /// "Not set" first, then the states and union territories by name.
    static func states(strings: StringTable, selected: IndianState?) -> Choice {
        let states = IndianState.allCases.sorted { strings[$0.nameKey] < strings[$1.nameKey] }
        let options = [Choice.Option(value: "", label: .stateNotSet)]
            + states.map { Choice.Option(value: $0.code, label: $0.nameKey, detail: $0.code) }
        return Choice(options: options, selectedValue: selected?.code ?? "")
    }

    static func roles(selected: Role = .worker) -> Choice {
        Choice(options: Role.allCases.map { Choice.Option(value: $0.rawValue, label: $0.labelKey) }, selectedValue: selected.rawValue)
    }
}

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
}

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

    /// The installed languages, each named in itself ("English", "हिन्दी") with its code.
    static func languages(catalog: StringCatalog, selected: Language) -> Choice {
        Choice(options: catalog.languages.map { Choice.Option(value: $0.rawValue, fixedText: catalog.name(of: $0), detail: $0.rawValue) },
               selectedValue: selected.rawValue)
    }

    static func roles(selected: Role = .worker) -> Choice {
        Choice(options: Role.allCases.map { Choice.Option(value: $0.rawValue, label: $0.labelKey) }, selectedValue: selected.rawValue)
    }
}

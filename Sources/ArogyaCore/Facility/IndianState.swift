/// The states and union territories of India, by the codes of ISO 3166-2:IN.
///
/// The facility's state will choose the NCD protocol file; the names shown come from the string table.
public enum IndianState: String, CaseIterable, Codable, Sendable {
    case AN, AP, AR, AS, BR, CH, CT, DH, DL, GA, GJ, HP, HR, JH, JK, KA, KL, LA, LD, MH, ML, MN, MP, MZ,
         NL, OR, PB, PY, RJ, SK, TG, TN, TR, UP, UT, WB

    public var code: String { rawValue }

    public var nameKey: StringKey {
        StringKey(rawValue: "state." + rawValue) ?? .stateUnknown
    }

    /// Accepts a code in any case ("up", "UP").
    public init?(code: String) {
        self.init(rawValue: code.trimmingSpaces.uppercased())
    }
}

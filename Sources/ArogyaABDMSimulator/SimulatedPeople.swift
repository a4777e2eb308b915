import ArogyaCore

/// Someone the simulator knows by her Aadhaar number: what UIDAI would return about her.
public struct SimulatedResident: Sendable, Equatable {
    public let aadhaar: String
    public let firstName: String
    public let lastName: String
    /// "F", "M" or "O", as ABDM writes it.
    public let gender: String
    /// DD-MM-YYYY.
    public let dob: String
    /// Her Aadhaar-linked mobile.
    public let mobile: String
    /// The ABHA address (`name@sbx`) of the ABHA she already had when the simulator started; nil for none.
    public let existingAbhaAddress: String?

    public init(aadhaar: String, firstName: String, lastName: String, gender: String, dob: String, mobile: String,
                existingAbhaAddress: String? = nil) {
        self.aadhaar = aadhaar
        self.firstName = firstName
        self.lastName = lastName
        self.gender = gender
        self.dob = dob
        self.mobile = mobile
        self.existingAbhaAddress = existingAbhaAddress
    }

    /// The people the simulator knows unless told others (`--people FILE`): made-up numbers that pass the
    /// Verhoeff check, which the README's try-it steps use. The first three have no ABHA yet; Lakshmi and
    /// Gopal Bai have one each, on the same mobile, for verifying by ABHA number, address or mobile.
    public static let builtIn: [SimulatedResident] = [
        SimulatedResident(aadhaar: "234567890124", firstName: "Sita", lastName: "Devi", gender: "F", dob: "10-03-1976", mobile: "9876500017"),
        SimulatedResident(aadhaar: "987654321096", firstName: "Ramesh", lastName: "Kumar", gender: "M", dob: "01-01-1969", mobile: "9812300042"),
        SimulatedResident(aadhaar: "512345678903", firstName: "Anitha", lastName: "Naidu", gender: "F", dob: "15-08-1982", mobile: "9900011122"),
        SimulatedResident(aadhaar: "432109876548", firstName: "Lakshmi", lastName: "Bai", gender: "F", dob: "22-06-1971", mobile: "9845012345",
                          existingAbhaAddress: "lakshmi.bai@sbx"),
        SimulatedResident(aadhaar: "612345098769", firstName: "Gopal", lastName: "Bai", gender: "M", dob: "05-11-1968", mobile: "9845012345",
                          existingAbhaAddress: "gopal.bai@sbx"),
    ]

    /// Reads `[{"aadhaar","first_name","last_name","gender","dob","mobile"[,"abha_address"]}]`.
    public static func read(_ document: JSONValue) throws(JSONInputError) -> [SimulatedResident] {
        guard case .array(let items) = document else { throw JSONInputError(path: "", reason: "expected a list of people") }
        return try items.enumerated().map { (index, item) throws(JSONInputError) -> SimulatedResident in
            func text(_ key: String) throws(JSONInputError) -> String {
                guard case .string(let value)? = item[key], !value.isEmpty else { throw JSONInputError(path: "[\(index)].\(key)", reason: "missing") }
                return value
            }
            let aadhaar = try text("aadhaar")
            guard Aadhaar.isValid(aadhaar) else { throw JSONInputError(path: "[\(index)].aadhaar", reason: "not a valid Aadhaar number") }
            var existing: String?
            if item["abha_address"] != nil {
                existing = try text("abha_address")
                guard (try? Identifiers.abhaAddress(existing ?? "")) != nil else {
                    throw JSONInputError(path: "[\(index)].abha_address", reason: "not an ABHA address like name@sbx")
                }
            }
            return SimulatedResident(aadhaar: aadhaar, firstName: try text("first_name"), lastName: try text("last_name"),
                                     gender: try text("gender"), dob: try text("dob"), mobile: try text("mobile"), existingAbhaAddress: existing)
        }
    }
}

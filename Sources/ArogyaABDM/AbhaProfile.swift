import ArogyaCore

/// An ABHA holder's profile as ABDM gives it (`ABHAProfile` of an enrolment, `/v3/profile/account`),
/// cleaned for the screen. Dates come as `DD-MM-YYYY`, or as day, month and year apart.
public struct AbhaProfile: Sendable, Equatable {
    public let name: String
    public let sex: Sex?
    /// The whole date when ABDM has it; else only the year.
    public let birthDate: CivilDate?
    public let yearOfBirth: Int?
    public let mobile: String?
    /// 14 digits.
    public let abhaNumber: String
    /// Her ABHA addresses, the preferred one first.
    public let abhaAddresses: [String]
    public let status: String?

    public init(name: String, sex: Sex?, birthDate: CivilDate?, yearOfBirth: Int?, mobile: String?, abhaNumber: String,
                abhaAddresses: [String], status: String? = nil) {
        self.name = name
        self.sex = sex
        self.birthDate = birthDate
        self.yearOfBirth = yearOfBirth ?? birthDate?.year
        self.mobile = mobile
        self.abhaNumber = abhaNumber
        self.abhaAddresses = abhaAddresses
        self.status = status
    }

    /// Reads ABDM's profile; nil when it has no valid ABHA number, without which nothing can be linked.
    public init?(_ body: JSONValue) {
        func text(_ key: String) -> String? {
            guard case .string(let value)? = body[key] else { return nil }
            let cleaned = AbdmFailure.clean(value)
            return cleaned.isEmpty ? nil : cleaned
        }
        guard let rawNumber = text("ABHANumber") ?? text("abhaNumber") ?? text("healthIdNumber"),
              let number = try? Identifiers.abhaNumber(rawNumber) else { return nil }
        let parts = [text("firstName"), text("middleName"), text("lastName")].compactMap { $0 }
        let name = parts.isEmpty ? (text("name") ?? "") : parts.joined(separator: " ")
        let sex: Sex?
        switch text("gender")?.uppercased() {
        case "F"?, "FEMALE"?: sex = .female
        case "M"?, "MALE"?: sex = .male
        case "O"?, "T"?, "OTHER"?: sex = .other
        default: sex = nil
        }
        var date: CivilDate?
        if let dob = text("dob") ?? text("dateOfBirth") {
            let pieces = dob.split(whereSeparator: { $0 == "-" || $0 == "/" }).compactMap { Int($0) }
            if pieces.count == 3 {
                date = pieces[0] > 31 ? CivilDate(year: pieces[0], month: pieces[1], day: pieces[2])
                    : CivilDate(year: pieces[2], month: pieces[1], day: pieces[0])
            }
        }
        if date == nil, let day = text("dayOfBirth").flatMap(Int.init), let month = text("monthOfBirth").flatMap(Int.init),
           let year = text("yearOfBirth").flatMap(Int.init) {
            date = CivilDate(year: year, month: month, day: day)
        }
        let year = date?.year ?? text("yearOfBirth").flatMap(Int.init)
        var addresses: [String] = []
        if let preferred = text("preferredAbhaAddress") { addresses.append(preferred) }
        if case .array(let items)? = body["phrAddress"] {
            for case .string(let address) in items where !addresses.contains(address) { addresses.append(AbdmFailure.clean(address)) }
        }
        let mobile = text("mobile").flatMap { try? Identifiers.mobile($0) } ?? nil
        self.init(name: name, sex: sex, birthDate: date, yearOfBirth: year, mobile: mobile, abhaNumber: number,
                  abhaAddresses: addresses, status: text("abhaStatus") ?? text("status"))
    }

    /// What differs between this profile and the registered patient, for the worker to see before linking.
    public func differences(from patient: Patient) -> [AbhaDifference] {
        var found: [AbhaDifference] = []
        // Names are compared as the duplicate check compares them, in either script: "Anitha Naidu" on the ABHA
        // is "अनिता नायडू" registered.
        let theirs = NameKey.words(name)
        let alike = NameSimilarity.isSimilar(NameKey.words(patient.name), theirs)
            || patient.nameAlt.map { NameSimilarity.isSimilar(NameKey.words($0), theirs) } == true
        if !name.isEmpty, !alike {
            found.append(.name(registered: patient.name, abha: name))
        }
        if let sex, sex != patient.sex { found.append(.sex(registered: patient.sex, abha: sex)) }
        if let birthDate, !patient.birthDateEstimated, birthDate != patient.birthDate {
            found.append(.birthDate(registered: patient.birthDate, abha: birthDate))
        } else if let yearOfBirth, yearOfBirth != patient.birthDate.year {
            found.append(.yearOfBirth(registered: patient.birthDate.year, abha: yearOfBirth))
        }
        if let mobile, let registeredMobile = patient.mobile, mobile != registeredMobile {
            found.append(.mobile(registered: registeredMobile, abha: mobile))
        }
        return found
    }
}

/// One way the ABHA profile and the registration differ.
public enum AbhaDifference: Sendable, Equatable {
    case name(registered: String, abha: String)
    case sex(registered: Sex, abha: Sex)
    case birthDate(registered: CivilDate, abha: CivilDate)
    case yearOfBirth(registered: Int, abha: Int)
    case mobile(registered: String, abha: String)

    /// The field's name in JSON (`differences[].field`).
    public var field: String {
        switch self {
        case .name: "name"
        case .sex: "sex"
        case .birthDate: "birth_date"
        case .yearOfBirth: "year_of_birth"
        case .mobile: "mobile"
        }
    }
}

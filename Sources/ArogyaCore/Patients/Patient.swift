public enum Sex: String, CaseIterable, Codable, Sendable {
    case female, male, other

    public var labelKey: StringKey {
        switch self {
        case .female: return .sexFemale
        case .male: return .sexMale
        case .other: return .sexOther
        }
    }

    /// One letter for lists: F, M, O.
    public var shortKey: StringKey {
        switch self {
        case .female: return .sexFemaleShort
        case .male: return .sexMaleShort
        case .other: return .sexOtherShort
        }
    }
}

/// Where a patient's record stands. A deceased or moved patient leaves due lists but stays findable;
/// a merged record points to the one it was merged into.
public enum PatientStatus: Hashable, Sendable {
    case active
    case deceased(on: CivilDate)
    case moved(on: CivilDate)
    case merged(into: String)

    public var code: String {
        switch self {
        case .active: return "active"
        case .deceased: return "deceased"
        case .moved: return "moved"
        case .merged: return "merged"
        }
    }
}

/// How the patient agreed (or did not) to her health data being recorded and shared for her care.
public struct Consent: Hashable, Sendable {
    public enum Method: String, CaseIterable, Sendable {
        case verbal, signed, thumbprint

        public var labelKey: StringKey {
            switch self {
            case .verbal: return .consentVerbal
            case .signed: return .consentSigned
            case .thumbprint: return .consentThumbprint
            }
        }
    }

    public let given: Bool
    public let method: Method
    public let date: CivilDate

    public init(given: Bool, method: Method, date: CivilDate) {
        self.given = given
        self.method = method
        self.date = date
    }
}

/// A registered person.
public struct Patient: Identifiable, Hashable, Sendable {
    public let id: String
    /// The name as registered, in Latin or Devanagari.
    public var name: String
    /// The same name in the other script, when known.
    public var nameAlt: String?
    public var sex: Sex
    public var birthDate: CivilDate
    /// True when only the age was known: the birth date is then the 1st of July of the year it gives.
    public var birthDateEstimated: Bool
    public var mobile: String?
    public var village: Village?
    public var household: String?
    /// 14 digits.
    public var abhaNumber: String?
    public var abhaAddress: String?
    public var mrn: String?
    public var consent: Consent
    public var status: PatientStatus
    public var lastSeenAt: Timestamp?
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
    public var version: Int

    public init(id: String, name: String, nameAlt: String?, sex: Sex, birthDate: CivilDate, birthDateEstimated: Bool,
                mobile: String?, village: Village?, household: String?, abhaNumber: String?, abhaAddress: String?, mrn: String?,
                consent: Consent, status: PatientStatus, lastSeenAt: Timestamp?, createdAt: Timestamp, updatedAt: Timestamp,
                version: Int) {
        self.id = id
        self.name = name
        self.nameAlt = nameAlt
        self.sex = sex
        self.birthDate = birthDate
        self.birthDateEstimated = birthDateEstimated
        self.mobile = mobile
        self.village = village
        self.household = household
        self.abhaNumber = abhaNumber
        self.abhaAddress = abhaAddress
        self.mrn = mrn
        self.consent = consent
        self.status = status
        self.lastSeenAt = lastSeenAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
    }

    /// Whole years on `today`.
    public func age(on today: CivilDate) -> Int {
        Ages.years(from: birthDate, to: today)
    }
}

/// What the registration form (or `patients add`) hands to the store, every field checked.
public struct PatientDetails: Hashable, Sendable {
    public var name: String
    public var nameAlt: String?
    public var sex: Sex
    public var birthDate: CivilDate
    public var birthDateEstimated: Bool
    public var mobile: String?
    /// A village of the facility, by name; a name not yet in the facility's list is added to it.
    public var village: String?
    public var household: String?
    public var abhaNumber: String?
    public var abhaAddress: String?
    public var mrn: String?
    public var consent: Consent

    public init(name: String, nameAlt: String? = nil, sex: Sex, birthDate: CivilDate, birthDateEstimated: Bool,
                mobile: String? = nil, village: String? = nil, household: String? = nil, abhaNumber: String? = nil,
                abhaAddress: String? = nil, mrn: String? = nil, consent: Consent) {
        self.name = name
        self.nameAlt = nameAlt
        self.sex = sex
        self.birthDate = birthDate
        self.birthDateEstimated = birthDateEstimated
        self.mobile = mobile
        self.village = village
        self.household = household
        self.abhaNumber = abhaNumber
        self.abhaAddress = abhaAddress
        self.mrn = mrn
        self.consent = consent
    }
}

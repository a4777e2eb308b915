/// The Ayushman Arogya Mandir (or sub-centre) this terminal serves.
public struct Facility: Hashable, Sendable {
    public let id: String
    public var name: String
    /// Health Facility Registry id, when the facility has one.
    public var hfrId: String?
    public var state: IndianState?
    /// Villages or wards served, in the order the facility keeps them; removed ones are not listed.
    public var villages: [Village]
    public var version: Int

    public init(id: String, name: String, hfrId: String?, state: IndianState?, villages: [Village], version: Int) {
        self.id = id
        self.name = name
        self.hfrId = hfrId
        self.state = state
        self.villages = villages
        self.version = version
    }
}

public struct Village: Identifiable, Hashable, Sendable {
    public let id: String
    public var name: String

    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }
}

/// Everything the first-run setup records, each field already checked.
public struct FacilitySetup: Sendable, Equatable {
    public let facilityName: String
    public let hfrId: String?
    public let state: IndianState?
    public let villages: [String]
    public let supervisor: NewAccount
    /// The facility's default language: the sign-in screen's, and new accounts' unless chosen otherwise.
    public let language: Language

    public init(facilityName: String, hfrId: String?, state: IndianState?, villages: [String], supervisor: NewAccount,
                language: Language = .english) {
        self.language = language
        self.facilityName = facilityName
        self.hfrId = hfrId
        self.state = state
        self.villages = villages
        self.supervisor = supervisor
    }
}

/// Changes to the facility's details from the Settings screen, each field already checked.
public struct FacilityDetails: Sendable, Equatable {
    public let name: String
    public let hfrId: String?
    public let state: IndianState?
    public let villages: [String]
    public let idleLockMinutes: Int
    /// The facility's default language; nil keeps the one it has.
    public let defaultLanguage: Language?

    public init(name: String, hfrId: String?, state: IndianState?, villages: [String], idleLockMinutes: Int,
                defaultLanguage: Language? = nil) {
        self.defaultLanguage = defaultLanguage
        self.name = name
        self.hfrId = hfrId
        self.state = state
        self.villages = villages
        self.idleLockMinutes = idleLockMinutes
    }
}

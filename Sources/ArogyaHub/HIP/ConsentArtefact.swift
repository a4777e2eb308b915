import ArogyaCore

/// A patient's consent for an HIU to see some of her records at this HIP, as ABDM notified it
/// (abdm.md §5.4). Only a GRANTED consent, before `dataEraseAt`, is ever served.
public struct ConsentArtefact: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable {
        case granted = "GRANTED"
        case revoked = "REVOKED"
        case expired = "EXPIRED"
        case denied = "DENIED"
    }

    public struct CareContextReference: Sendable, Equatable, Hashable {
        public let patientReference: String
        public let careContextReference: String

        public init(patientReference: String, careContextReference: String) {
            self.patientReference = patientReference
            self.careContextReference = careContextReference
        }
    }

    public let consentID: String
    /// The HIP it was given to: a facility of this hub.
    public let facility: String
    public var status: Status
    public let patientAddress: String
    public let careContexts: [CareContextReference]
    public let hiTypes: [String]
    /// The visits it covers, by their time (inclusive).
    public let from: Timestamp
    public let to: Timestamp
    /// After this nothing may be served under it.
    public let dataEraseAt: Timestamp
    public let hiuID: String?

    public init(consentID: String, facility: String, status: Status, patientAddress: String, careContexts: [CareContextReference],
                hiTypes: [String], from: Timestamp, to: Timestamp, dataEraseAt: Timestamp, hiuID: String?) {
        self.consentID = consentID
        self.facility = facility
        self.status = status
        self.patientAddress = patientAddress
        self.careContexts = careContexts
        self.hiTypes = hiTypes
        self.from = from
        self.to = to
        self.dataEraseAt = dataEraseAt
        self.hiuID = hiuID
    }

    /// Whether records may be served under it now.
    public func isServable(at now: Timestamp) -> Bool { status == .granted && now < dataEraseAt }

    /// The stored form of its care contexts and hiTypes (one text column each, the same on both stores).
    var careContextsText: String {
        JSONValue.array(careContexts.map { .array([.string($0.patientReference), .string($0.careContextReference)]) }).serialized(pretty: false)
    }

    var hiTypesText: String { JSONValue.array(hiTypes.map(JSONValue.string)).serialized(pretty: false) }

    static func careContexts(from text: String) -> [CareContextReference] {
        guard case .array(let items)? = try? JSONParser.parse(text) else { return [] }
        return items.compactMap { item in
            guard case .array(let pair) = item, pair.count == 2, case .string(let patient) = pair[0], case .string(let context) = pair[1] else { return nil }
            return CareContextReference(patientReference: patient, careContextReference: context)
        }
    }

    static func hiTypes(from text: String) -> [String] {
        guard case .array(let items)? = try? JSONParser.parse(text) else { return [] }
        return items.compactMap { if case .string(let value) = $0 { value } else { nil } }
    }
}

/// One health-information request's transfer, for an admin to see what was sent under which consent.
public struct DataTransfer: Sendable, Equatable {
    public enum Status: String, Sendable {
        case started, transferred, failed
    }

    public let transactionID: String
    public let consentID: String
    public let facility: String
    public var status: Status
    public var delivered: Int
    public var errored: Int
    public let requestedAt: Timestamp
    public var finishedAt: Timestamp?
    public var reason: String?
}

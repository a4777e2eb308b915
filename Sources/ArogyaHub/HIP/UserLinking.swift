import ArogyaCore

/// A patient of the facility whom a discovery might be about, with what matched.
public struct DiscoveryCandidate: Sendable, Equatable {
    public let patientID: String
    public let name: String
    /// The hub's words: female, male, other.
    public let sex: String
    public let birthDate: String
    public let mobile: String?
    /// Found by her ABHA address or number (a strong match by itself).
    public let byAbha: Bool

    public init(patientID: String, name: String, sex: String, birthDate: String, mobile: String?, byAbha: Bool) {
        self.patientID = patientID
        self.name = name
        self.sex = sex
        self.birthDate = birthDate
        self.mobile = mobile
        self.byAbha = byAbha
    }
}

/// A patient's request, from her PHR app, to link care contexts she discovered: the OTP sent to her
/// mobile, awaited until it expires or is typed wrong too often.
public struct LinkSession: Sendable, Equatable {
    public let linkReference: String
    public let transactionID: String
    public let facility: String
    public let patientID: String
    public let abhaAddress: String
    public let recordIDs: [String]
    /// SHA-256 of the OTP: the OTP itself is never kept.
    public let otpHash: String
    public let expiresAt: Timestamp
    public var wrongTries: Int
    public var done: Bool

    public init(linkReference: String, transactionID: String, facility: String, patientID: String, abhaAddress: String, recordIDs: [String],
                otpHash: String, expiresAt: Timestamp, wrongTries: Int = 0, done: Bool = false) {
        self.linkReference = linkReference
        self.transactionID = transactionID
        self.facility = facility
        self.patientID = patientID
        self.abhaAddress = abhaAddress
        self.recordIDs = recordIDs
        self.otpHash = otpHash
        self.expiresAt = expiresAt
        self.wrongTries = wrongTries
        self.done = done
    }
}

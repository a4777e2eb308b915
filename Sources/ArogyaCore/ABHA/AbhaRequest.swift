/// An ABHA request saved while the hub or ABDM could not be reached: what was decided with the patient
/// (her consent, the flow, the mobile, the address she wants), never her Aadhaar number or an OTP, which
/// she gives again when it is resumed with her present. It travels to the hub like any record, so that a
/// supervisor sees who still waits.
public struct AbhaRequest: Sendable, Equatable {
    public enum Flow: String, CaseIterable, Sendable {
        /// A new ABHA with Aadhaar OTP.
        case enrol
        /// An existing ABHA to verify and link.
        case verify
    }

    public enum Status: String, CaseIterable, Sendable {
        case pending
        /// Resumed and linked.
        case done
        case cancelled
    }

    public let id: String
    public let patientId: String
    public let flow: Flow
    public var status: Status
    /// The mobile for her ABHA (enrolment) or to log in with (verification by mobile).
    public let mobile: String?
    /// The address she wants (enrolment) or the one to verify.
    public let abhaAddress: String?
    /// The number to verify, 14 digits.
    public let abhaNumber: String?
    /// `abha-enrollment 1.4` when she agreed to ABDM's consent for an enrolment.
    public let consent: String?
    /// Why it waits, in the words the worker was shown.
    public let reason: String
    public let createdBy: String
    public let createdAt: Timestamp
    public let updatedAt: Timestamp
    public let version: Int

    public init(id: String, patientId: String, flow: Flow, status: Status, mobile: String?, abhaAddress: String?, abhaNumber: String?,
                consent: String?, reason: String, createdBy: String, createdAt: Timestamp, updatedAt: Timestamp, version: Int) {
        self.id = id
        self.patientId = patientId
        self.flow = flow
        self.status = status
        self.mobile = mobile
        self.abhaAddress = abhaAddress
        self.abhaNumber = abhaNumber
        self.consent = consent
        self.reason = reason
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
    }
}

import ArogyaCore

/// Where a care context stands in being linked to the patient's ABHA, as `abdm links` shows it.
public enum CareContextState: String, CaseIterable, Sendable {
    /// Known, not yet linked: never tried, or due again (a link token or an answer awaited, a retry waiting).
    case waiting
    /// Sent to ABDM; its answer (`on_carecontext`) is awaited until `lease_until`.
    case sent
    /// ABDM confirmed the link: the record shows in the patient's PHR app and may be asked for.
    case linked
    /// ABDM refused, or could not be reached; retried at `next_attempt_at`, with the reason kept.
    case failed
}

/// A screening or follow-up visit of a patient who has an ABHA: what ABDM knows it by.
public struct CareContext: Sendable, Equatable {
    public let facility: String
    /// The screening record's id: the care context's reference number.
    public let recordID: String
    public let patientID: String
    public let abhaAddress: String
    public let abhaNumber: String?
    /// "NCD screening 12-03-2026, PHC Rampur".
    public let display: String
    public let hiType: String
    /// The visit's day (YYYY-MM-DD), for consents' date ranges.
    public let visitDay: String
    public var state: CareContextState
    public var attempts: Int
    public var nextAttemptAt: Timestamp
    /// ABDM's words for the last failure ("ABDM-1204: …"), or why no answer came.
    public var lastError: String?
    public var linkedAt: Timestamp?

    public init(facility: String, recordID: String, patientID: String, abhaAddress: String, abhaNumber: String?, display: String,
                hiType: String = CareContext.wellnessRecord, visitDay: String, state: CareContextState = .waiting, attempts: Int = 0,
                nextAttemptAt: Timestamp, lastError: String? = nil, linkedAt: Timestamp? = nil) {
        self.facility = facility
        self.recordID = recordID
        self.patientID = patientID
        self.abhaAddress = abhaAddress
        self.abhaNumber = abhaNumber
        self.display = display
        self.hiType = hiType
        self.visitDay = visitDay
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.linkedAt = linkedAt
    }

    /// NCD screenings and follow-ups are wellness records (abdm.md §6: vitals, body measurement, glucose).
    public static let wellnessRecord = "WellnessRecord"
}

/// A screening the hub has that is not yet a care context, with what it needs to become one.
public struct CareContextCandidate: Sendable {
    public let facility: String
    public let recordID: String
    public let patientID: String
}

/// One patient's care contexts that are due, claimed by one linker until `leaseUntil`.
public struct DueLinks: Sendable {
    public let facility: String
    public let patientID: String
    public let abhaAddress: String
    public let abhaNumber: String?
    public let contexts: [CareContext]
}

/// A request the hub sent to ABDM whose answer comes back later, to the bridge, by its REQUEST-ID.
public struct AbdmPendingRequest: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// `generate-token` for a patient: answered by `on-generate-token` with the link token.
        case linkToken = "link_token"
        /// `link/carecontext`: answered by `on_carecontext`.
        case linkCareContexts = "link_care_contexts"
    }

    public let requestID: String
    public let kind: Kind
    public let facility: String
    public let patientID: String
    public let abhaAddress: String
    /// The care contexts the request is about.
    public let recordIDs: [String]
    public let sentAt: Timestamp
}

/// When to try again after the n-th failed attempt: 30 s, doubling, at most 6 hours.
public enum LinkBackoff {
    public static let firstSeconds: Int64 = 30
    public static let longestSeconds: Int64 = 6 * 3600

    public static func delay(afterAttempt attempt: Int) -> Int64 {
        let doublings = min(max(attempt - 1, 0), 20)
        return min(firstSeconds << Int64(doublings), longestSeconds)
    }
}

/// How many of a patient's visits are linked to her ABHA: what her card on a terminal shows.
public struct PatientLinkSummary: Sendable, Equatable {
    public let facility: String
    public let patientID: String
    public let linked: Int
    public let total: Int
    public let failed: Int

    public init(facility: String, patientID: String, linked: Int, total: Int, failed: Int) {
        self.facility = facility
        self.patientID = patientID
        self.linked = linked
        self.total = total
        self.failed = failed
    }
}

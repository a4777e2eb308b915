import ArogyaCore

/// What the hub keeps as ABDM's Health Information Provider for its facilities: care contexts and their
/// linking, link tokens, requests whose answers ABDM sends later, and the REQUEST-IDs already received.
/// Both stores implement it alike; several hub processes may share one PostgreSQL database, so a claim on
/// work is made in the store, never in memory.
public protocol HipStorage: Sendable {
    /// Screenings written since the last call, and screenings of patients written since then, whose patient
    /// has an ABHA and which are not yet care contexts; with the sequence number they were read up to.
    func careContextCandidates(limit: Int) async throws -> (candidates: [CareContextCandidate], through: Int64)
    /// Adds care contexts (an existing one is kept as it is) and moves the candidates' cursor to `through`.
    func addCareContexts(_ contexts: [CareContext], through: Int64) async throws

    /// Claims up to `patients` patients' care contexts that are due (waiting, failed and due again, or sent
    /// with no answer in time): each is held until `leaseUntil` and its attempts counted.
    func claimDueLinks(now: Timestamp, leaseUntil: Timestamp, patients: Int) async throws -> [DueLinks]
    /// A request sent whose answer will come to the bridge; its care contexts wait for it until `answerBy`.
    func noteSent(_ request: AbdmPendingRequest, answerBy: Timestamp) async throws
    func pendingRequest(_ requestID: String) async throws -> AbdmPendingRequest?
    /// The answer came: the request is forgotten.
    func forgetRequest(_ requestID: String) async throws
    func markLinked(facility: String, recordIDs: [String], at: Timestamp) async throws
    /// Failed with `reason`: tried again after `LinkBackoff.delay(afterAttempt:)`.
    func markFailed(facility: String, recordIDs: [String], reason: String, now: Timestamp) async throws
    /// The patient's unlinked care contexts are due now (her link token has come).
    func makeDue(facility: String, patientID: String, now: Timestamp) async throws

    func linkToken(facility: String, abhaAddress: String, now: Timestamp) async throws -> String?
    func saveLinkToken(facility: String, abhaAddress: String, token: String, expiresAt: Timestamp) async throws

    /// Care contexts, by facility, patient and visit.
    func careContexts(facility: String?, patient: String?) async throws -> [CareContext]

    /// Each patient's counts, for patients of `facilities` any of whose care contexts changed after `since`.
    func linkSummaries(facilities: [String], changedSince since: Timestamp) async throws -> [PatientLinkSummary]

    /// Keeps a consent as ABDM notified it; a later notification of the same consent (revoked, expired)
    /// changes only its status.
    func saveConsent(_ consent: ConsentArtefact, at: Timestamp) async throws
    func consent(_ id: String) async throws -> ConsentArtefact?
    /// Marks a consent's status when its notification carries no detail (revoked, expired, denied).
    func setConsentStatus(_ id: String, _ status: ConsentArtefact.Status, at: Timestamp) async throws -> Bool

    /// A transfer begins; false when its transaction is already known (a request sent twice is served once).
    func startTransfer(_ transfer: DataTransfer) async throws -> Bool
    func finishTransfer(_ transfer: DataTransfer) async throws
    func transfers(consent: String?) async throws -> [DataTransfer]

    /// The facility's patients whose ABHA address or number is one of these, or whose mobile is one of these.
    func discoveryCandidates(facility: String, abhaAddress: String?, abhaNumber: String?, mobiles: [String]) async throws -> [DiscoveryCandidate]
    func saveLinkSession(_ session: LinkSession, at: Timestamp) async throws
    func linkSession(_ reference: String) async throws -> LinkSession?
    func updateLinkSession(_ session: LinkSession) async throws
    /// Care contexts the patient linked herself (user-initiated): kept as linked, made if the hub had none.
    func linkByPatient(_ contexts: [CareContext], at: Timestamp) async throws

    /// Notes an inbound request from ABDM; false when its REQUEST-ID was seen before (a replay, answered once).
    func acceptInbound(requestID: String, path: String, at: Timestamp) async throws -> Bool
}

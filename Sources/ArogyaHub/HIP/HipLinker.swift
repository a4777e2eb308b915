import ArogyaABDM
import ArogyaCore
import Foundation
import Logging

/// How the HIP links; each a setting because ABDM publishes none of them as a rule.
public struct HipSettings: Sendable {
    /// How long a link token is used: ABDM's reference HIP keeps one six months (abdm.md §5.2, unconfirmed).
    public var linkTokenDays: Int64 = 182
    /// How long an answer to a request is awaited at the bridge before the request is sent again.
    public var answerWaitSeconds: Int64 = 120
    /// Seconds between two passes of the linker.
    public var passSeconds: Double = 2
    /// Patients whose care contexts are sent in one pass.
    public var patientsPerPass = 100
    /// Requests to ABDM a linker has in flight at once.
    public var requestsInFlight = 8
    /// Records read for new care contexts in one pass.
    public var candidatesPerPass = 2000
    /// Sends ABDM's optional context notification for each linked care context (the patient's app tells her).
    public var notifyLinkedContexts = true
    /// Documents a page pushed to an HIU holds (ABDM's reference HIP sends 7).
    public var entriesPerPage = 7
    /// Tries of one page before the rest of a transfer is given up as errored.
    public var pushAttempts = 3
    /// The first wait between two tries of a page, doubling.
    public var pushRetrySeconds = 1.0

    public init() {}
}

/// Turns uploaded screenings of patients with an ABHA into care contexts and links them to the patient's
/// ABHA, HIP-initiated (abdm.md §5.2): a link token per patient (`generate-token`, answered to the bridge),
/// then `link/carecontext` with it, then the optional context notification. Everything it does is kept in
/// the store, so a linker in any hub process (or one started after a crash) takes over where another was.
public actor HipLinker {
    let storage: any HubStorage
    let gateway: AbdmGateway
    let settings: HipSettings
    let clock: WallClock
    let logger: Logger

    public init(storage: any HubStorage, gateway: AbdmGateway, settings: HipSettings = HipSettings(), clock: WallClock = .system,
                logger: Logger = Logger(label: "arogya-hub.hip")) {
        self.storage = storage
        self.gateway = gateway
        self.settings = settings
        self.clock = clock
        self.logger = logger
    }

    /// Passes until cancelled. A pass that fails (the store unreachable) is logged and tried again.
    public func run() async {
        while !Task.isCancelled {
            do { _ = try await pass() } catch { logger.warning("hip pass failed", metadata: ["error": "\(error)"]) }
            try? await Task.sleep(for: .seconds(settings.passSeconds))
        }
    }

    public struct PassReport: Sendable, Equatable {
        public var added = 0
        public var requests = 0
    }

    /// New care contexts, then every due patient's requests.
    public func pass() async throws -> PassReport {
        var report = PassReport()
        report.added = try await addNewCareContexts()
        let now = clock.now()
        let due = try await storage.claimDueLinks(now: now, leaseUntil: now.adding(seconds: settings.answerWaitSeconds),
                                                  patients: settings.patientsPerPass)
        // Several patients' requests in flight at once: each is a round trip to ABDM, and they are independent.
        try await inParallel(due, width: settings.requestsInFlight) { links in try await self.send(links) }
        report.requests = due.count
        return report
    }

    /// `body` for every item, at most `width` at a time.
    func inParallel<Item: Sendable>(_ items: [Item], width: Int, _ body: @escaping @Sendable (Item) async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = items.makeIterator()
            for _ in 0..<max(1, width) {
                guard let item = next.next() else { break }
                group.addTask { try await body(item) }
            }
            while try await group.next() != nil {
                if let item = next.next() { group.addTask { try await body(item) } }
            }
        }
    }

    func addNewCareContexts() async throws -> Int {
        var added = 0
        while true {
            let (candidates, through) = try await storage.careContextCandidates(limit: settings.candidatesPerPass)
            var contexts: [CareContext] = []
            var facilityNames: [String: String] = [:]
            // A patient's visits come together: her record is read once for all of them.
            var patients: [String: StoredRecord?] = [:]
            for candidate in candidates {
                let key = candidate.facility + "\u{1F}" + candidate.patientID
                if patients[key] == nil {
                    patients[key] = .some(try await storage.record(type: "patient", id: candidate.patientID, facility: candidate.facility))
                }
                guard let screening = try await storage.record(type: "screening", id: candidate.recordID, facility: candidate.facility),
                      let patient = patients[key] ?? nil, let address = abhaAddress(of: patient.payload) else { continue }
                if facilityNames[candidate.facility] == nil {
                    facilityNames[candidate.facility] = try await storage.facilityName(candidate.facility) ?? candidate.facility
                }
                let day = HipMessages.Patient.text(screening.payload, "screened_on") ?? screening.updatedAt.utcDay.iso8601
                contexts.append(CareContext(
                    facility: candidate.facility, recordID: candidate.recordID, patientID: candidate.patientID, abhaAddress: address,
                    abhaNumber: HipMessages.Patient.text(patient.payload, "abha_number"),
                    display: HipMessages.display(kind: HipMessages.Patient.text(screening.payload, "kind"), day: day,
                                                 facilityName: facilityNames[candidate.facility]!),
                    visitDay: day, nextAttemptAt: clock.now()))
            }
            try await storage.addCareContexts(contexts, through: through)
            added += contexts.count
            if candidates.count < settings.candidatesPerPass { return added }
        }
    }

    /// The patient's ABHA address; her ABHA number's default address when she has only the number.
    func abhaAddress(of payload: JSONValue) -> String? {
        if let address = HipMessages.Patient.text(payload, "abha_address") { return address }
        guard let number = HipMessages.Patient.text(payload, "abha_number") else { return nil }
        return number.filter(\.isNumber) + (gateway.configuration.cmId == "abdm" ? "@abdm" : "@sbx")
    }

    /// A link token's request, or the link itself when the patient's token is held. The request is noted
    /// before it leaves, so that an answer arriving at once (at any hub process) finds it.
    func send(_ links: DueLinks) async throws {
        let now = clock.now()
        let ids = links.contexts.map(\.recordID)
        guard let record = try await storage.record(type: "patient", id: links.patientID, facility: links.facility) else {
            try await storage.markFailed(facility: links.facility, recordIDs: ids, reason: "the patient's record is not at the hub", now: now)
            return
        }
        let patient = HipMessages.Patient(payload: record.payload)
        let requestID = UUID().uuidString.lowercased()
        let token = try await storage.linkToken(facility: links.facility, abhaAddress: links.abhaAddress, now: now)
        let kind: AbdmPendingRequest.Kind = token == nil ? .linkToken : .linkCareContexts
        let path = token == nil ? HipMessages.Path.generateToken : HipMessages.Path.linkCareContexts
        let body = token == nil
            ? HipMessages.generateToken(abhaNumber: links.abhaNumber, abhaAddress: links.abhaAddress, patient: patient)
            : HipMessages.linkCareContexts(abhaNumber: links.abhaNumber, abhaAddress: links.abhaAddress, patientID: links.patientID,
                                           patient: patient, contexts: links.contexts)
        try await storage.noteSent(AbdmPendingRequest(requestID: requestID, kind: kind, facility: links.facility, patientID: links.patientID,
                                                      abhaAddress: links.abhaAddress, recordIDs: ids, sentAt: now),
                                   answerBy: now.adding(seconds: settings.answerWaitSeconds))
        let reason: String
        do {
            let (status, answer) = try await gateway.hipCall(path, body: body, hipID: links.facility, requestID: requestID, linkToken: token)
            if (200..<300).contains(status) { return }
            reason = AbdmFailure.parse(status: status, body: Array(answer.serialized(pretty: false).utf8)).description
        } catch {
            reason = error.description
        }
        try await storage.forgetRequest(requestID)
        try await storage.markFailed(facility: links.facility, recordIDs: ids, reason: reason, now: clock.now())
        logger.notice("hip request failed", metadata: ["request_id": "\(requestID)", "call": "\(path)", "reason": "\(reason)"])
    }

    // MARK: Answers at the bridge

    /// The request of ours an answer is to, when it is one of `kind`; an answer to none is logged and dropped.
    func pending(_ body: JSONValue, kind: AbdmPendingRequest.Kind, at path: String) async throws -> (HipMessages.Answer, AbdmPendingRequest)? {
        guard let answer = HipMessages.Answer(body), let request = try await storage.pendingRequest(answer.requestID), request.kind == kind else {
            logger.notice("an answer to no request of ours", metadata: ["path": "\(path)"])
            return nil
        }
        return (answer, request)
    }

    /// `on-generate-token`: the patient's link token, kept; her care contexts are due at once.
    public func tokenAnswered(_ body: JSONValue) async throws {
        guard let (answer, request) = try await pending(body, kind: .linkToken, at: HipMessages.Bridge.onGenerateToken) else { return }
        let now = clock.now()
        if let error = answer.error {
            try await storage.markFailed(facility: request.facility, recordIDs: request.recordIDs, reason: error, now: now)
        } else if case .string(let token)? = body["linkToken"], !token.isEmpty, token.count <= 8192 {
            try await storage.saveLinkToken(facility: request.facility, abhaAddress: request.abhaAddress, token: token,
                                            expiresAt: now.adding(seconds: settings.linkTokenDays * 86_400))
            // Her care contexts are due at once: the next pass sends them.
            try await storage.makeDue(facility: request.facility, patientID: request.patientID, now: now)
        } else {
            try await storage.markFailed(facility: request.facility, recordIDs: request.recordIDs,
                                         reason: "ABDM's answer held no link token", now: now)
        }
        try await storage.forgetRequest(request.requestID)
    }

    /// `on_carecontext`: the care contexts are linked (or refused, with why).
    public func linkAnswered(_ body: JSONValue) async throws {
        guard let (answer, request) = try await pending(body, kind: .linkCareContexts, at: HipMessages.Bridge.onLinkCareContexts) else { return }
        let now = clock.now()
        if let error = answer.error {
            try await storage.markFailed(facility: request.facility, recordIDs: request.recordIDs, reason: error, now: now)
        } else {
            try await storage.markLinked(facility: request.facility, recordIDs: request.recordIDs, at: now)
        }
        try await storage.forgetRequest(request.requestID)
        if answer.error == nil && settings.notifyLinkedContexts {
            let linked = try await storage.careContexts(facility: request.facility, patient: request.patientID)
                .filter { request.recordIDs.contains($0.recordID) }
            let (gateway, logger) = (self.gateway, self.logger)
            try await inParallel(linked, width: settings.requestsInFlight) { context in
                // Optional: a failure is logged, never retried (the link itself stands).
                do {
                    _ = try await gateway.hipCall(HipMessages.Path.contextNotify, body: HipMessages.contextNotify(context, at: now),
                                                  hipID: context.facility, requestID: UUID().uuidString.lowercased())
                } catch {
                    logger.info("context notification not sent", metadata: ["record": "\(context.recordID)", "error": "\(error)"])
                }
            }
        }
    }
}

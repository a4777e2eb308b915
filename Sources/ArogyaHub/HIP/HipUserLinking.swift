import ArogyaCore
import Crypto
import Foundation
import Logging

/// Sends a patient the OTP that proves a link request is hers.
public protocol HipOtpSender: Sendable {
    func send(otp: String, to mobile: String, facilityName: String) async throws
}

/// Writes the OTP to the hub's log, for trying the flows with the ABDM simulator: never for real patients
/// (the hub uses it only when its ABDM configuration points at this machine).
public struct LoggedOtpSender: HipOtpSender {
    let logger: Logger
    public init(logger: Logger) { self.logger = logger }

    public func send(otp: String, to mobile: String, facilityName: String) async throws {
        logger.notice("SIMULATION: link OTP \(otp) for the mobile ending \(mobile.suffix(4)) (\(facilityName))")
    }
}

/// Runs an administrator's program (an SMS gateway's client) with `AROGYA_SMS_TO` and `AROGYA_SMS_TEXT` in
/// its environment; exit 0 means sent.
public struct CommandOtpSender: HipOtpSender {
    let path: String
    public init(path: String) { self.path = path }

    public struct Failed: Error, CustomStringConvertible {
        public let description: String
    }

    public func send(otp: String, to mobile: String, facilityName: String) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        var environment = ProcessInfo.processInfo.environment
        environment["AROGYA_SMS_TO"] = mobile
        environment["AROGYA_SMS_TEXT"] = "\(otp) is your OTP to link your records at \(facilityName) to your ABHA. It is valid for 10 minutes."
        process.environment = environment
        try process.run()
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                process.waitUntilExit()
                done.resume()
            }
        }
        guard process.terminationStatus == 0 else { throw Failed(description: "\(path) exited \(process.terminationStatus)") }
    }
}

/// Which of the facility's patients a discovery is about: one found by her ABHA, or else exactly one whose
/// verified mobile, sex, year of birth (±1, for estimated ages) and name all agree. Anything weaker or
/// less certain is "not found": a discovery never shows one patient another's visits.
public enum DiscoveryMatch: Equatable, Sendable {
    case found(patientID: String, matchedBy: [String])
    case notFound(String)

    public static func decide(_ candidates: [DiscoveryCandidate], name: String, gender: String?, yearOfBirth: Int?,
                              verifiedMobiles: [String]) -> DiscoveryMatch {
        let byAbha = candidates.filter(\.byAbha)
        if byAbha.count == 1 { return .found(patientID: byAbha[0].patientID, matchedBy: ["ABHA_ADDRESS"]) }
        if byAbha.count > 1 { return .notFound("more than one patient here has this ABHA; the facility must merge them first") }
        let sex: String? = switch gender { case "F": "female"; case "M": "male"; case "O": "other"; default: nil }
        let words = NameKey.words(name)
        let strong = candidates.filter { candidate in
            guard let mobile = candidate.mobile, verifiedMobiles.contains(mobile), let sex, candidate.sex == sex, let yearOfBirth,
                  let born = Int(candidate.birthDate.prefix(4)), abs(born - yearOfBirth) <= 1 else { return false }
            return NameSimilarity.isSimilar(words, NameKey.words(candidate.name))
        }
        if strong.count == 1 { return .found(patientID: strong[0].patientID, matchedBy: ["MOBILE"]) }
        return .notFound(strong.isEmpty ? "no patient here matches" : "more than one patient here matches")
    }
}

/// User-initiated linking (abdm.md §5.3): a patient's PHR app discovers her visits here, asks to link some,
/// and proves it with an OTP this HIP sends to her mobile.
public actor HipUserLinking {
    let storage: any HubStorage
    let gateway: AbdmGateway
    let sender: (any HipOtpSender)?
    let clock: WallClock
    let logger: Logger
    static let otpLifetimeSeconds: Int64 = 600
    static let otpTries = 3

    public init(storage: any HubStorage, gateway: AbdmGateway, sender: (any HipOtpSender)?, clock: WallClock = .system,
                logger: Logger = Logger(label: "arogya-hub.hip")) {
        self.storage = storage
        self.gateway = gateway
        self.sender = sender
        self.clock = clock
        self.logger = logger
    }

    public enum Path {
        public static let onDiscover = "/user-initiated-linking/v3/patient/care-context/on-discover"
        public static let onInit = "/user-initiated-linking/v3/link/care-context/on-init"
        public static let onConfirm = "/user-initiated-linking/v3/link/care-context/on-confirm"
    }

    // MARK: Discover

    public func discover(_ body: JSONValue, requestID: String, hipID: String?) async throws {
        let transactionID = AbdmText.string(body["transactionId"]) ?? ""
        let patient = body["patient"] ?? .null
        guard let facility = AbdmText.string(body["hipId"]) ?? hipID, try await storage.facilityName(facility) != nil else {
            logger.notice("a discovery for no facility of this hub", metadata: ["request_id": "\(requestID)"])
            return
        }
        let address = AbdmText.string(patient["id"])
        var abhaNumber: String?
        var mobiles: [String] = []
        if case .array(let identifiers)? = patient["verifiedIdentifiers"] {
            for identifier in identifiers {
                guard let type = AbdmText.string(identifier["type"]), let value = AbdmText.string(identifier["value"]) else { continue }
                switch type {
                case "MOBILE": if let mobile = try? Identifiers.mobile(value) { mobiles.append(mobile) }
                case "ABHA_NUMBER", "NDHM_HEALTH_NUMBER", "HEALTH_NUMBER": abhaNumber = try? Identifiers.abhaNumber(value)
                default: break
                }
            }
        }
        let yearOfBirth: Int? = { if case .integer(let year)? = patient["yearOfBirth"] { return Int(year) }; return nil }()
        let candidates = try await storage.discoveryCandidates(facility: facility, abhaAddress: address, abhaNumber: abhaNumber, mobiles: mobiles)
        let match = DiscoveryMatch.decide(candidates, name: AbdmText.string(patient["name"]) ?? "", gender: AbdmText.string(patient["gender"]),
                                          yearOfBirth: yearOfBirth, verifiedMobiles: mobiles)
        var reply: [(String, JSONValue)] = [("transactionId", .string(transactionID))]
        switch match {
        case .found(let patientID, let matchedBy):
            let unlinked = try await unlinkedVisits(facility: facility, patientID: patientID)
            let name = try await storage.record(type: "patient", id: patientID, facility: facility).flatMap { HipMessages.Patient.text($0.payload, "name") } ?? ""
            reply.append(("patient", .array([.object([
                ("referenceNumber", .string(patientID)), ("display", .string(name)),
                ("careContexts", .array(unlinked.map { .object([("referenceNumber", .string($0.id)), ("display", .string($0.display))]) })),
                ("hiType", .string(CareContext.wellnessRecord)), ("count", .integer(Int64(unlinked.count))),
            ])])))
            reply.append(("matchedBy", .array(matchedBy.map(JSONValue.string))))
        case .notFound(let why):
            logger.info("discovery found no one", metadata: ["transaction": "\(transactionID)", "why": "\(why)"])
            reply.append(("error", .object([("code", .string("ABDM-1010")), ("message", .string("Patient not found"))])))
        }
        reply.append(("response", .object([("requestId", .string(requestID))])))
        await gateway.reply(Path.onDiscover, .object(reply), hipID: facility, logger: logger)
    }

    /// The patient's visits here that are not linked yet.
    func unlinkedVisits(facility: String, patientID: String) async throws -> [(id: String, display: String, day: String)] {
        let linked = Set(try await storage.careContexts(facility: facility, patient: patientID).filter { $0.state == .linked }.map(\.recordID))
        let facilityName = try await storage.facilityName(facility) ?? facility
        return try await storage.records(type: "screening", patient: patientID, facility: facility).filter { !linked.contains($0.id) }.map { record in
            let day = HipMessages.Patient.text(record.payload, "screened_on") ?? record.updatedAt.utcDay.iso8601
            return (record.id, HipMessages.display(kind: HipMessages.Patient.text(record.payload, "kind"), day: day, facilityName: facilityName), day)
        }
    }

    // MARK: Init

    public func initLink(_ body: JSONValue, requestID: String, hipID: String?) async throws {
        let transactionID = AbdmText.string(body["transactionId"]) ?? ""
        let groups: [JSONValue] = {
            if case .array(let items)? = body["patient"] { return items }
            if let single = body["patient"], case .object = single { return [single] }
            return []
        }()
        let address = AbdmText.string(body["abhaAddress"]) ?? AbdmText.string(body["patient"]?["id"])
        let now = clock.now()
        func refuse(_ code: String, _ message: String, facility: String) async throws {
            await gateway.reply(Path.onInit, .object([("transactionId", .string(transactionID)),
                                                 ("error", .object([("code", .string(code)), ("message", .string(message))])),
                                                 ("response", .object([("requestId", .string(requestID))]))]), hipID: facility, logger: logger)
        }
        guard let facility = hipID ?? AbdmText.string(body["hipId"]), let facilityName = try await storage.facilityName(facility) else { return }
        guard let address, let patientID = AbdmText.string(groups.first?["referenceNumber"]),
              groups.allSatisfy({ AbdmText.string($0["referenceNumber"]) == patientID }) else {
            try await refuse("ABDM-1010", "Patient not found", facility: facility)
            return
        }
        let requested = groups.flatMap { group -> [String] in
            guard case .array(let contexts)? = group["careContexts"] else { return [] }
            return contexts.compactMap { AbdmText.string($0["referenceNumber"]) }
        }
        let visits = Set(try await unlinkedVisits(facility: facility, patientID: patientID).map(\.id))
        guard !requested.isEmpty, requested.allSatisfy(visits.contains) else {
            try await refuse("ABDM-1010", "Care context not found for this patient", facility: facility)
            return
        }
        guard let record = try await storage.record(type: "patient", id: patientID, facility: facility),
              let mobile = HipMessages.Patient.text(record.payload, "mobile") else {
            try await refuse("ABDM-1010", "This facility has no mobile number for the patient to send an OTP to", facility: facility)
            return
        }
        guard let sender else {
            try await refuse("ABDM-9999", "This facility cannot send OTPs yet", facility: facility)
            return
        }
        let otp = String(format: "%06d", Int.random(in: 0...999_999))
        let reference = UUID().uuidString.lowercased()
        let expires = now.adding(seconds: Self.otpLifetimeSeconds)
        try await storage.saveLinkSession(LinkSession(linkReference: reference, transactionID: transactionID, facility: facility, patientID: patientID,
                                                      abhaAddress: address, recordIDs: requested, otpHash: Self.hash(otp, reference: reference),
                                                      expiresAt: expires), at: now)
        do {
            try await sender.send(otp: otp, to: mobile, facilityName: facilityName)
        } catch {
            logger.warning("link OTP not sent", metadata: ["error": "\(error)"])
            try await refuse("ABDM-9999", "The OTP could not be sent", facility: facility)
            return
        }
        await gateway.reply(Path.onInit, .object([
            ("transactionId", .string(transactionID)),
            ("link", .object([("referenceNumber", .string(reference)), ("authenticationType", .string("DIRECT")),
                              ("meta", .object([("communicationMedium", .string("MOBILE")), ("communicationHint", .string("OTP")),
                                                ("communicationExpiry", .string(expires.iso8601))]))])),
            ("response", .object([("requestId", .string(requestID))])),
        ]), hipID: facility, logger: logger)
    }

    static func hash(_ otp: String, reference: String) -> String {
        SHA256.hash(data: Array((reference + ":" + otp).utf8)).map { String(format: "%02x", $0) }.joined()
    }

    // MARK: Confirm

    public func confirm(_ body: JSONValue, requestID: String, hipID: String?) async throws {
        let reference = AbdmText.string(body["confirmation"]?["linkRefNumber"]) ?? ""
        let token = AbdmText.string(body["confirmation"]?["token"]) ?? ""
        let now = clock.now()
        guard var session = try await storage.linkSession(reference) else {
            await gateway.reply(Path.onConfirm, Self.error("ABDM-1017", "Invalid link reference", requestID), hipID: hipID ?? "", logger: logger)
            return
        }
        guard !session.done, session.expiresAt > now else {
            await gateway.reply(Path.onConfirm, Self.error("ABDM-1017", "The link request has expired; start again", requestID), hipID: session.facility, logger: logger)
            return
        }
        guard Self.hash(token, reference: reference) == session.otpHash else {
            session.wrongTries += 1
            session.done = session.wrongTries >= Self.otpTries
            try await storage.updateLinkSession(session)
            await gateway.reply(Path.onConfirm, Self.error("ABDM-1035", "Invalid OTP", requestID), hipID: session.facility, logger: logger)
            return
        }
        session.done = true
        try await storage.updateLinkSession(session)
        let visits = try await unlinkedVisits(facility: session.facility, patientID: session.patientID)
        let linked = visits.filter { session.recordIDs.contains($0.id) }
        let abhaNumber = try await storage.record(type: "patient", id: session.patientID, facility: session.facility)
            .flatMap { HipMessages.Patient.text($0.payload, "abha_number") }
        try await storage.linkByPatient(linked.map { visit in
            CareContext(facility: session.facility, recordID: visit.id, patientID: session.patientID, abhaAddress: session.abhaAddress,
                        abhaNumber: abhaNumber, display: visit.display, visitDay: visit.day, state: .linked, nextAttemptAt: now, linkedAt: now)
        }, at: now)
        let name = try await storage.record(type: "patient", id: session.patientID, facility: session.facility)
            .flatMap { HipMessages.Patient.text($0.payload, "name") } ?? ""
        await gateway.reply(Path.onConfirm, .object([
            ("patient", .array([.object([
                ("referenceNumber", .string(session.patientID)), ("display", .string(name)),
                ("careContexts", .array(linked.map { .object([("referenceNumber", .string($0.id)), ("display", .string($0.display))]) })),
                ("hiType", .string(CareContext.wellnessRecord)), ("count", .integer(Int64(linked.count))),
            ])])),
            ("response", .object([("requestId", .string(requestID))])),
        ]), hipID: session.facility, logger: logger)
    }

    static func error(_ code: String, _ message: String, _ requestID: String) -> JSONValue {
        .object([("error", .object([("code", .string(code)), ("message", .string(message))])), ("response", .object([("requestId", .string(requestID))]))])
    }
}

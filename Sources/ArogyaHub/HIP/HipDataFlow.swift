import ArogyaABDM
import ArogyaCore
import ArogyaFidelius
import Crypto
import Foundation
import Logging

/// Consent and health-information transfer (abdm.md §5.4–5.5): the hub keeps the consents ABDM notifies,
/// and answers an HIU's request under one with the consented visits' WellnessRecord documents, each
/// encrypted with Fidelius under a key pair and nonce made for that transaction, pushed to the HIU in pages
/// with the MD5 of each plaintext, then reports to ABDM what was delivered.
public actor HipDataFlow {
    let storage: any HubStorage
    let gateway: AbdmGateway
    /// The HIU's data-push URL is reached directly, without ABDM's gateway.
    let push: any AbdmTransport
    let settings: HipSettings
    let clock: WallClock
    let logger: Logger

    public init(storage: any HubStorage, gateway: AbdmGateway, push: any AbdmTransport, settings: HipSettings = HipSettings(),
                clock: WallClock = .system, logger: Logger = Logger(label: "arogya-hub.hip")) {
        self.storage = storage
        self.gateway = gateway
        self.push = push
        self.settings = settings
        self.clock = clock
        self.logger = logger
    }

    public enum Path {
        public static let consentOnNotify = "/consent/v3/request/hip/on-notify"
        public static let healthInformationOnRequest = "/data-flow/v3/health-information/hip/on-request"
        public static let healthInformationNotify = "/data-flow/v3/health-information/notify"
    }

    // MARK: Consent

    /// `consent/request/hip/notify`: a granted consent is kept whole; a revoked, expired or denied one
    /// changes the status of the one kept (it is never served again). Acknowledged to ABDM either way.
    public func consentNotified(_ body: JSONValue, requestID: String, hipID: String?) async throws {
        let notification = body["notification"] ?? .null
        guard let statusText = AbdmText.string(notification["status"]), let status = ConsentArtefact.Status(rawValue: statusText),
              let consentID = AbdmText.string(notification["consentId"]) ?? AbdmText.string(notification["consentDetail"]?["consentId"]) else {
            logger.notice("a consent notification without status or consentId", metadata: ["request_id": "\(requestID)"])
            return
        }
        let now = clock.now()
        var facility = hipID ?? ""
        if status == .granted, let detail = notification["consentDetail"], let consent = try await read(detail, consentID: consentID) {
            facility = consent.facility
            try await storage.saveConsent(consent, at: now)
        } else if try await storage.setConsentStatus(consentID, status, at: now) {
            facility = try await storage.consent(consentID)?.facility ?? facility
        }
        let ack = JSONValue.object([("acknowledgement", .object([("status", .string("OK")), ("consentId", .string(consentID))])),
                                    ("response", .object([("requestId", .string(requestID))]))])
        await gateway.reply(Path.consentOnNotify, ack, hipID: facility, logger: logger)
    }

    /// A granted consent's detail, when its HIP is a facility of this hub and its dates read.
    func read(_ detail: JSONValue, consentID: String) async throws -> ConsentArtefact? {
        guard let facility = AbdmText.string(detail["hip"]?["id"]), try await storage.facilityName(facility) != nil,
              let patient = AbdmText.string(detail["patient"]?["id"]),
              let from = AbdmText.time(detail["permission"]?["dateRange"]?["from"]),
              let to = AbdmText.time(detail["permission"]?["dateRange"]?["to"]),
              let erase = AbdmText.time(detail["permission"]?["dataEraseAt"]),
              case .array(let contexts)? = detail["careContexts"], case .array(let types)? = detail["hiTypes"] else {
            logger.notice("a consent this hub cannot read or is not the HIP of", metadata: ["consent": "\(consentID)"])
            return nil
        }
        let references = contexts.compactMap { item -> ConsentArtefact.CareContextReference? in
            guard let patientReference = AbdmText.string(item["patientReference"]),
                  let contextReference = AbdmText.string(item["careContextReference"]) else { return nil }
            return ConsentArtefact.CareContextReference(patientReference: patientReference, careContextReference: contextReference)
        }
        return ConsentArtefact(consentID: consentID, facility: facility, status: .granted, patientAddress: patient, careContexts: references,
                               hiTypes: types.compactMap(AbdmText.string), from: from, to: to, dataEraseAt: erase,
                               hiuID: AbdmText.string(detail["hiu"]?["id"]))
    }

    // MARK: Health information

    struct Request {
        let transactionID: String
        let consentID: String
        let from: Timestamp
        let to: Timestamp
        let pushURL: String
        let hiuKey: FideliusPublicKey
        let hiuNonce: FideliusNonce
    }

    /// `health-information/request`: checked against its consent, acknowledged, then served.
    public func healthInformationRequested(_ body: JSONValue, requestID: String) async throws {
        let transactionID = AbdmText.string(body["transactionId"]) ?? ""
        let hiRequest = body["hiRequest"] ?? .null
        let consentID = AbdmText.string(hiRequest["consent"]?["id"]) ?? ""
        let consent = try await storage.consent(consentID)
        let now = clock.now()
        let refusal: (code: String, message: String)?
        var request: Request?
        switch readRequest(hiRequest, transactionID: transactionID, consentID: consentID) {
        case .failure(let why):
            refusal = ("ABDM-1017", why.description)
        case .success(let read):
            if let consent, consent.isServable(at: now) {
                refusal = nil
                request = read
            } else if consent == nil {
                refusal = ("ABDM-1003", "no consent \(consentID) at this HIP")
            } else {
                refusal = ("ABDM-1003", "consent \(consentID) is \(consent!.status == .granted ? "past its data erase time" : consent!.status.rawValue)")
            }
        }
        var acknowledgement: [(String, JSONValue)] = [
            ("hiRequest", .object([("transactionId", .string(transactionID)), ("sessionStatus", .string(refusal == nil ? "ACKNOWLEDGED" : "ERRORED"))])),
        ]
        if let refusal { acknowledgement.append(("error", .object([("code", .string(refusal.code)), ("message", .string(refusal.message))]))) }
        acknowledgement.append(("response", .object([("requestId", .string(requestID))])))
        await gateway.reply(Path.healthInformationOnRequest, .object(acknowledgement), hipID: consent?.facility ?? "", logger: logger)
        guard let request, let consent else {
            logger.notice("health information request refused", metadata: ["transaction": "\(transactionID)", "why": "\(refusal?.message ?? "")"])
            return
        }
        let transfer = DataTransfer(transactionID: transactionID, consentID: consentID, facility: consent.facility, status: .started,
                                    delivered: 0, errored: 0, requestedAt: now)
        guard try await storage.startTransfer(transfer) else {
            logger.notice("health information request already served", metadata: ["transaction": "\(transactionID)"])
            return
        }
        try await serve(request, consent: consent, transfer: transfer)
    }

    func readRequest(_ hiRequest: JSONValue, transactionID: String, consentID: String) -> Result<Request, AbdmText.Unreadable> {
        guard !transactionID.isEmpty, !consentID.isEmpty else { return .failure(AbdmText.Unreadable("transactionId and consent.id are required")) }
        guard let from = AbdmText.time(hiRequest["dateRange"]?["from"]), let to = AbdmText.time(hiRequest["dateRange"]?["to"]) else {
            return .failure(AbdmText.Unreadable("dateRange.from and dateRange.to must be times"))
        }
        guard let pushURL = AbdmText.string(hiRequest["dataPushUrl"]), let url = URL(string: pushURL), let scheme = url.scheme?.lowercased(),
              let host = url.host, scheme == "https" || (scheme == "http" && Loopback.isLoopback(host: host)) else {
            return .failure(AbdmText.Unreadable("dataPushUrl must be an https:// address"))
        }
        let material = hiRequest["keyMaterial"] ?? .null
        guard AbdmText.string(material["cryptoAlg"]) == "ECDH", AbdmText.string(material["curve"]) == "Curve25519" else {
            return .failure(AbdmText.Unreadable("keyMaterial must be ECDH on Curve25519"))
        }
        do {
            let key = try FideliusPublicKey(base64: AbdmText.string(material["dhPublicKey"]?["keyValue"]) ?? "")
            let nonce = try FideliusNonce(base64: AbdmText.string(material["nonce"]) ?? "")
            return .success(Request(transactionID: transactionID, consentID: consentID, from: from, to: to, pushURL: pushURL, hiuKey: key,
                                    hiuNonce: nonce))
        } catch {
            return .failure(AbdmText.Unreadable("keyMaterial: \(error)"))
        }
    }

    /// One encrypted document, or why its care context could not be sent.
    struct Entry {
        let careContext: String
        let result: Result<JSONValue, AbdmText.Unreadable>
    }

    func serve(_ request: Request, consent: ConsentArtefact, transfer: DataTransfer) async throws {
        var transfer = transfer
        let material = try FideliusKeyMaterial.generate()
        let entries = try await documents(request, consent: consent, material: material)
        var statuses: [(careContext: String, delivered: Bool, description: String)] = entries.compactMap { entry in
            if case .failure(let why) = entry.result { return (entry.careContext, false, why.description) }
            return nil
        }
        let ready = entries.compactMap { entry -> (String, JSONValue)? in
            if case .success(let content) = entry.result { return (entry.careContext, content) }
            return nil
        }
        let pages = stride(from: 0, to: ready.count, by: settings.entriesPerPage).map { Array(ready[$0..<min($0 + settings.entriesPerPage, ready.count)]) }
        var stopped: String?
        for (index, page) in pages.enumerated() {
            if stopped == nil {
                // A consent revoked while its records are on their way: nothing more leaves.
                if let current = try await storage.consent(consent.consentID), !current.isServable(at: clock.now()) {
                    stopped = "consent \(current.status == .granted ? "past its data erase time" : current.status.rawValue.lowercased()) during the transfer"
                } else if let failure = await pushPage(page, number: index + 1, of: pages.count, request: request, material: material) {
                    stopped = failure
                }
            }
            for (careContext, _) in page {
                statuses.append(stopped == nil ? (careContext, true, "Delivered") : (careContext, false, stopped!))
            }
        }
        transfer.delivered = statuses.filter(\.delivered).count
        transfer.errored = statuses.count - transfer.delivered
        transfer.status = transfer.errored == 0 ? .transferred : .failed
        transfer.finishedAt = clock.now()
        transfer.reason = stopped
        try await storage.finishTransfer(transfer)
        let notification = JSONValue.object([("notification", .object([
            ("consentId", .string(consent.consentID)), ("transactionId", .string(request.transactionID)),
            ("doneAt", .string(clock.now().iso8601)),
            ("notifier", .object([("type", .string("HIP")), ("id", .string(consent.facility))])),
            ("statusNotification", .object([
                ("sessionStatus", .string(transfer.status == .transferred ? "TRANSFERRED" : "FAILED")),
                ("hipId", .string(consent.facility)),
                ("statusResponses", .array(statuses.map { status in
                    .object([("careContextReference", .string(status.careContext)), ("hiStatus", .string(status.delivered ? "DELIVERED" : "ERRORED")),
                             ("description", .string(status.description))])
                })),
            ])),
        ]))])
        await gateway.reply(Path.healthInformationNotify, notification, hipID: consent.facility, logger: logger)
        logger.info("health information transfer", metadata: ["transaction": "\(request.transactionID)", "delivered": "\(transfer.delivered)",
                                                             "errored": "\(transfer.errored)"])
    }

    /// The consented visits within both the consent's and the request's dates, each a document encrypted
    /// for the HIU; a care context that is not this patient's visit here, or not a WellnessRecord, is an error.
    func documents(_ request: Request, consent: ConsentArtefact, material: FideliusKeyMaterial) async throws -> [Entry] {
        let from = max(consent.from, request.from), to = min(consent.to, request.to)
        // Only the care contexts of the patients the consent names (one, as ABDM issues them), not the facility's.
        var known: [String: CareContext] = [:]
        for patient in Set(consent.careContexts.map(\.patientReference)) {
            for context in try await storage.careContexts(facility: consent.facility, patient: patient) where context.abhaAddress == consent.patientAddress {
                known[context.recordID] = context
            }
        }
        let source = FHIRDocumentSource(storage: storage, facility: consent.facility)
        let session = try Fidelius.session(ownKey: material.privateKey, peerKey: request.hiuKey, senderNonce: material.nonce,
                                           requesterNonce: request.hiuNonce)
        var entries: [Entry] = []
        for reference in consent.careContexts {
            let id = reference.careContextReference
            guard let context = known[id], context.patientID == reference.patientReference else {
                entries.append(Entry(careContext: id, result: .failure(AbdmText.Unreadable("no such care context of this patient at this HIP"))))
                continue
            }
            guard consent.hiTypes.contains(context.hiType) else {
                entries.append(Entry(careContext: id, result: .failure(AbdmText.Unreadable("its type \(context.hiType) is not in the consent"))))
                continue
            }
            guard let day = CivilDate(iso8601: context.visitDay), let visit = Timestamp(iso8601: day.iso8601 + "T00:00:00.000Z"),
                  visit >= Timestamp(iso8601: from.utcDay.iso8601 + "T00:00:00.000Z")!, visit <= to else { continue }
            do {
                let bundle = try await source.screeningBundle(screeningID: id)
                let plaintext = Array(bundle.serialized(pretty: false).utf8)
                let content = try Fidelius.encrypt(plaintext, session: session)
                let checksum = Insecure.MD5.hash(data: plaintext).map { String(format: "%02x", $0) }.joined()
                entries.append(Entry(careContext: id, result: .success(.object([
                    ("content", .string(content)), ("media", .string("application/fhir+json")), ("checksum", .string(checksum)),
                    ("careContextReference", .string(id)),
                ]))))
            } catch {
                entries.append(Entry(careContext: id, result: .failure(AbdmText.Unreadable("its document could not be made: \(error)"))))
            }
        }
        return entries
    }

    /// One page to the HIU, tried a few times; nil when it arrived, else why not.
    func pushPage(_ page: [(String, JSONValue)], number: Int, of count: Int, request: Request, material: FideliusKeyMaterial) async -> String? {
        let body = JSONValue.object([
            ("pageNumber", .integer(Int64(number))), ("pageCount", .integer(Int64(count))), ("transactionId", .string(request.transactionID)),
            ("entries", .array(page.map(\.1))),
            ("keyMaterial", .object([
                ("cryptoAlg", .string("ECDH")), ("curve", .string("Curve25519")),
                ("dhPublicKey", .object([("expiry", .string(clock.now().adding(seconds: 86_400).iso8601)),
                                         ("parameters", .string("Curve25519/32byte random key")),
                                         ("keyValue", .string(material.publicKey.x509Base64))])),
                ("nonce", .string(material.nonce.base64)),
            ])),
        ])
        let bytes = Array(body.serialized(pretty: false).utf8)
        var last = ""
        for attempt in 1...settings.pushAttempts {
            do {
                let (status, answer) = try await push.send(method: .post, url: request.pushURL, headers: [("Content-Type", "application/json")],
                                                           body: bytes, timeout: 60)
                if (200..<300).contains(status) { return nil }
                last = "the HIU answered \(AbdmFailure.parse(status: status, body: answer))"
                if (400..<500).contains(status) && status != 408 && status != 429 { break }
            } catch {
                last = error.description
            }
            if attempt < settings.pushAttempts { try? await Task.sleep(for: .seconds(settings.pushRetrySeconds * Double(1 << (attempt - 1)))) }
        }
        return "page \(number) of \(count) not delivered: \(last)"
    }
}

/// Reading ABDM's JSON defensively: texts, and times with or without the `Z` ABDM sometimes omits.
enum AbdmText {
    struct Unreadable: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    static func string(_ value: JSONValue?) -> String? {
        if case .string(let text)? = value, !text.isEmpty { return TextSanitizer.singleLine(text) }
        return nil
    }

    static func time(_ value: JSONValue?) -> Timestamp? {
        guard let text = string(value) else { return nil }
        if let time = Timestamp(iso8601: text) { return time }
        if let time = Timestamp(iso8601: text + "Z") { return time }
        if text.count == 10, let day = CivilDate(iso8601: text) { return Timestamp(iso8601: day.iso8601 + "T00:00:00.000Z") }
        return nil
    }
}

import ArogyaCore
import ArogyaFidelius
import AsyncHTTPClient
import Crypto
import Foundation
import HTTPTypes
import NIOCore

/// What the simulated HIU received in one transfer, decrypted and checked.
public struct SimulatedTransfer: Sendable {
    public let transactionID: String
    public let consentID: String
    public let key: FideliusKeyMaterial
    /// Pages as they arrived (page number, count).
    public var pages: [(number: Int, count: Int)] = []
    /// Each document's plaintext by care context, once decrypted with the HIP's key and nonce of its page.
    public var documents: [String: String] = [:]
    /// Care contexts whose entry did not decrypt or whose MD5 did not match.
    public var damaged: [String] = []
    /// The HIP's acknowledgement (`on-request`) and its final notification, as sent to the gateway.
    public var acknowledgement: JSONValue?
    public var notification: JSONValue?
}

/// A fault of the simulated HIU's data-push endpoint.
public struct SimulatedPushFault: Sendable {
    /// This page is refused with HTTP 500 …
    public let page: Int
    /// … this many times (more than the HIP tries: it is never delivered).
    public let times: Int

    public init(page: Int, times: Int) {
        self.page = page
        self.times = times
    }
}

/// The HIU's and the consent manager's side of a transfer (abdm.md §5.4): a consent granted (or revoked)
/// is notified to the HIP's bridge; a health-information request carries the HIU's fresh Fidelius key and
/// a data-push URL on this simulator, where the pages arrive, are decrypted and their checksums checked.
extension AbdmSimulator {
    public static let hiuPushPath = "/simulated-hiu/v3/data/push"
    static let bridgeConsentNotify = "/api/v3/consent/request/hip/notify"
    static let bridgeHealthInformationRequest = "/api/v3/hip/health-information/request"

    /// Where this simulator listens (`http://HOST:PORT`), for the data-push URL it gives HIPs.
    public func setOwnURL(_ url: String) { ownURL = url }

    public func setPushFault(_ fault: SimulatedPushFault?) {
        pushFault = fault
        pushRefusals = 0
    }

    public func transfer(_ transactionID: String) -> SimulatedTransfer? { transfers[transactionID] }

    /// Pages refused so far by the push fault.
    public func refusedPushes() -> Int { pushRefusals }

    /// Consents whose notification the HIP acknowledged.
    public func acknowledgedConsents() -> [String] { consentAcknowledgements }

    /// A consent the patient granted in her PHR app, notified to the HIP; its id.
    public func grantConsent(hipID: String, patientAddress: String, careContexts: [(patient: String, careContext: String)],
                             hiTypes: [String] = ["WellnessRecord"], from: Timestamp, to: Timestamp, eraseAt: Timestamp) async -> (id: String, status: Int?) {
        let id = UUID().uuidString.lowercased()
        let detail = JSONValue.object([
            ("consentId", .string(id)), ("createdAt", .string(clock.now().iso8601)),
            ("patient", .object([("id", .string(patientAddress))])),
            ("careContexts", .array(careContexts.map { .object([("patientReference", .string($0.patient)), ("careContextReference", .string($0.careContext))]) })),
            ("purpose", .object([("text", .string("Care management")), ("code", .string("CAREMGT"))])),
            ("hip", .object([("id", .string(hipID))])), ("hiu", .object([("id", .string("simulated-hiu"))])),
            ("consentManager", .object([("id", .string("sbx"))])), ("hiTypes", .array(hiTypes.map(JSONValue.string))),
            ("permission", .object([("accessMode", .string("VIEW")), ("dateRange", .object([("from", .string(from.iso8601)), ("to", .string(to.iso8601))])),
                                    ("dataEraseAt", .string(eraseAt.iso8601)),
                                    ("frequency", .object([("unit", .string("HOUR")), ("value", .integer(1)), ("repeats", .integer(0))]))])),
        ])
        let body = JSONValue.object([("notification", .object([("status", .string("GRANTED")), ("consentId", .string(id)), ("consentDetail", detail),
                                                               ("signature", .string("simulated"))]))])
        return (id, await sendToBridge(Self.bridgeConsentNotify, body, hipID: hipID))
    }

    /// The patient revoked it (or it expired): notified with no detail, as ABDM does.
    public func endConsent(_ id: String, hipID: String, status: String = "REVOKED") async -> Int? {
        let body = JSONValue.object([("notification", .object([("status", .string(status)), ("consentId", .string(id))]))])
        return await sendToBridge(Self.bridgeConsentNotify, body, hipID: hipID)
    }

    /// The HIU asks the HIP for the records under a consent, with a fresh key pair and nonce; the
    /// transaction's id, and the bridge's status.
    public func requestHealthInformation(consentID: String, hipID: String, from: Timestamp, to: Timestamp) async throws -> (id: String, status: Int?) {
        let id = UUID().uuidString.lowercased()
        let key = try FideliusKeyMaterial.generate()
        transfers[id] = SimulatedTransfer(transactionID: id, consentID: consentID, key: key)
        let body = JSONValue.object([
            ("transactionId", .string(id)),
            ("hiRequest", .object([
                ("consent", .object([("id", .string(consentID))])),
                ("dateRange", .object([("from", .string(from.iso8601)), ("to", .string(to.iso8601))])),
                ("dataPushUrl", .string((ownURL ?? "http://127.0.0.1") + Self.hiuPushPath)),
                ("keyMaterial", .object([("cryptoAlg", .string("ECDH")), ("curve", .string("Curve25519")),
                                         ("dhPublicKey", .object([("expiry", .string(clock.now().adding(seconds: 3600).iso8601)),
                                                                  ("parameters", .string("Curve25519/32byte random key")),
                                                                  ("keyValue", .string(key.publicKey.base64))])),
                                         ("nonce", .string(key.nonce.base64))])),
            ])),
        ])
        return (id, await sendToBridge(Self.bridgeHealthInformationRequest, body, hipID: hipID))
    }

    /// A request to the bridge as the gateway sends one, signed; the bridge's status (nil: not reached).
    func sendToBridge(_ path: String, _ body: JSONValue, hipID: String, requestID: String = UUID().uuidString.lowercased()) async -> Int? {
        guard let bridge = bridgeURL else { return nil }
        var request = HTTPClientRequest(url: bridge + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Authorization", value: "Bearer " + gatewayToken(now: clock.now()))
        request.headers.add(name: "REQUEST-ID", value: requestID)
        request.headers.add(name: "TIMESTAMP", value: clock.now().iso8601)
        request.headers.add(name: "X-CM-ID", value: "sbx")
        if !hipID.isEmpty { request.headers.add(name: "X-HIP-ID", value: hipID) }
        request.body = .bytes(ByteBuffer(string: body.serialized(pretty: false)))
        let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(30))
        return response.map { Int($0.status.code) }
    }

    // MARK: - A patient's PHR app linking her records herself

    /// The HIP's answer to a request the simulator sent it, by that request's REQUEST-ID.
    public func answer(to requestID: String) -> JSONValue? { bridgeAnswers[requestID] }

    /// Her app asks the HIP for her records: the request's REQUEST-ID (its answer comes under it).
    public func discover(hipID: String, abhaAddress: String, name: String, gender: String, yearOfBirth: Int, mobile: String?,
                         abhaNumber: String? = nil) async -> String {
        let requestID = UUID().uuidString.lowercased()
        var verified: [JSONValue] = []
        if let mobile { verified.append(.object([("type", .string("MOBILE")), ("value", .string(mobile))])) }
        if let abhaNumber { verified.append(.object([("type", .string("ABHA_NUMBER")), ("value", .string(abhaNumber))])) }
        let body = JSONValue.object([
            ("transactionId", .string(UUID().uuidString.lowercased())),
            ("patient", .object([("id", .string(abhaAddress)), ("name", .string(name)), ("gender", .string(gender)),
                                 ("yearOfBirth", .integer(Int64(yearOfBirth))), ("verifiedIdentifiers", .array(verified)),
                                 ("unverifiedIdentifiers", .array([]))])),
            ("hipId", .string(hipID)),
        ])
        _ = await sendToBridge(Self.bridgeDiscover, body, hipID: hipID, requestID: requestID)
        return requestID
    }

    /// She picks visits to link: the request's REQUEST-ID.
    public func linkInit(hipID: String, transactionID: String, abhaAddress: String, patientReference: String, careContexts: [String]) async -> String {
        let requestID = UUID().uuidString.lowercased()
        let body = JSONValue.object([
            ("transactionId", .string(transactionID)), ("abhaAddress", .string(abhaAddress)),
            ("patient", .array([.object([("referenceNumber", .string(patientReference)),
                                         ("careContexts", .array(careContexts.map { .object([("referenceNumber", .string($0))]) })),
                                         ("hiType", .string("WellnessRecord")), ("count", .integer(Int64(careContexts.count)))])])),
        ])
        _ = await sendToBridge(Self.bridgeLinkInit, body, hipID: hipID, requestID: requestID)
        return requestID
    }

    /// She types the OTP the HIP sent her: the request's REQUEST-ID.
    public func linkConfirm(hipID: String, linkReference: String, otp: String) async -> String {
        let requestID = UUID().uuidString.lowercased()
        let body = JSONValue.object([("confirmation", .object([("linkRefNumber", .string(linkReference)), ("token", .string(otp))]))])
        _ = await sendToBridge(Self.bridgeLinkConfirm, body, hipID: hipID, requestID: requestID)
        return requestID
    }

    static let bridgeDiscover = "/api/v3/hip/patient/care-context/discover"
    static let bridgeLinkInit = "/api/v3/hip/link/care-context/init"
    static let bridgeLinkConfirm = "/api/v3/hip/link/care-context/confirm"

    // MARK: - What the HIP sends

    /// The HIP's answers to the gateway about consents and transfers.
    func dataFlowMessage(path: String, body: JSONValue) throws(Refusal) {
        switch path {
        case "/consent/v3/request/hip/on-notify":
            guard case .string(let consent)? = body["acknowledgement"]?["consentId"], body["response"]?["requestId"] != nil else {
                throw Self.fieldRefusal("acknowledgement", "acknowledgement.consentId and response.requestId are required")
            }
            consentAcknowledgements.append(consent)
        case "/data-flow/v3/health-information/hip/on-request":
            guard case .string(let id)? = body["hiRequest"]?["transactionId"] else { throw Self.fieldRefusal("hiRequest", "hiRequest.transactionId is required") }
            transfers[id]?.acknowledgement = body
        case "/user-initiated-linking/v3/patient/care-context/on-discover", "/user-initiated-linking/v3/link/care-context/on-init",
             "/user-initiated-linking/v3/link/care-context/on-confirm":
            guard case .string(let id)? = body["response"]?["requestId"] else { throw Self.fieldRefusal("response", "response.requestId is required") }
            bridgeAnswers[id] = body
        case "/data-flow/v3/health-information/notify":
            guard case .string(let id)? = body["notification"]?["transactionId"] else {
                throw Self.fieldRefusal("notification", "notification.transactionId is required")
            }
            transfers[id]?.notification = body
        default:
            throw Self.refusal(.notFound, code: "ABDM-9999", "Unknown path")
        }
    }

    /// A page at the HIU: every entry decrypted with the HIU's key and the HIP's key and nonce, and its
    /// MD5 compared with the checksum sent.
    func receivePage(_ body: JSONValue) -> (HTTPResponse.Status, JSONValue) {
        guard case .string(let id)? = body["transactionId"], var transfer = transfers[id], case .integer(let number)? = body["pageNumber"],
              case .integer(let count)? = body["pageCount"], case .array(let entries)? = body["entries"],
              case .string(let hipKey)? = body["keyMaterial"]?["dhPublicKey"]?["keyValue"], case .string(let hipNonce)? = body["keyMaterial"]?["nonce"] else {
            return (.badRequest, .object([("error", .string("not a data push of a known transaction"))]))
        }
        if let fault = pushFault, fault.page == Int(number), pushRefusals < fault.times {
            pushRefusals += 1
            return (.internalServerError, .object([("error", .string("simulated failure"))]))
        }
        transfer.pages.append((Int(number), Int(count)))
        for entry in entries {
            guard case .string(let reference)? = entry["careContextReference"], case .string(let content)? = entry["content"],
                  case .string(let checksum)? = entry["checksum"] else { continue }
            do {
                let plain = try Fidelius.decrypt(content, requesterKey: transfer.key.privateKey, requesterNonce: transfer.key.nonce,
                                                 senderKey: FideliusPublicKey(base64: hipKey), senderNonce: FideliusNonce(base64: hipNonce))
                let md5 = Insecure.MD5.hash(data: plain).map { String(format: "%02x", $0) }.joined()
                if md5 == checksum { transfer.documents[reference] = String(decoding: plain, as: UTF8.self) } else { transfer.damaged.append(reference) }
            } catch {
                transfer.damaged.append(reference)
            }
        }
        transfers[id] = transfer
        return (.ok, .object([("status", .string("OK"))]))
    }
}

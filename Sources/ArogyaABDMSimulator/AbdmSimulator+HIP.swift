import _CryptoExtras
import ArogyaCore
import AsyncHTTPClient
import Crypto
import Foundation
import HTTPTypes
import NIOCore

/// A care context the simulated gateway holds as linked to an ABHA address.
public struct SimulatedLink: Sendable, Equatable {
    public let hipID: String
    public let patientReference: String
    public let careContextReference: String
    public let display: String
    public let hiType: String
}

/// What the simulated gateway does with a HIP's asynchronous requests, for the faults a HIP must survive.
public enum SimulatorCallbackFault: String, CaseIterable, Sendable {
    /// Requests are accepted (202) and never answered.
    case never
    /// Every other request is never answered.
    case half
}

/// The gateway's side of HIP-initiated linking (abdm.md §5.2): it accepts a HIP's requests with 202 and
/// answers each later at the HIP's bridge, signed with its own key, carrying the request's REQUEST-ID as
/// `response.requestId`.
extension AbdmSimulator {
    public static let signingKeyID = "abdm-simulator-gateway-1"

    /// The keys the simulated gateway signs its requests to bridges with, as a JWKS.
    public nonisolated var gatewayKeys: JSONValue {
        guard let primitives = try? signingKey.publicKey.getKeyPrimitives() else { return .object([("keys", .array([]))]) }
        return .object([("keys", .array([.object([
            ("kty", .string("RSA")), ("kid", .string(Self.signingKeyID)), ("use", .string("sig")), ("alg", .string("RS256")),
            ("n", .string(Self.base64URL(Array(primitives.modulus)))), ("e", .string(Self.base64URL(Array(primitives.publicExponent)))),
        ])]))])
    }

    /// A gateway token as ABDM's gateway sends one to a bridge: RS256, valid for ten minutes.
    public nonisolated func gatewayToken(expiresIn seconds: Int64 = 600, now: Timestamp = WallClock.system.now()) -> String {
        Self.signedToken(key: signingKey, keyID: Self.signingKeyID, expiresIn: seconds, now: now)
    }

    /// A token of the gateway's form signed with any key (a test's impostor signs with its own).
    public static func signedToken(key: _RSA.Signing.PrivateKey, keyID: String, expiresIn seconds: Int64 = 600, now: Timestamp) -> String {
        let header = JSONValue.object([("alg", .string("RS256")), ("typ", .string("JWT")), ("kid", .string(keyID))])
        let issued = now.millisecondsSince1970 / 1000
        let claims = JSONValue.object([("iss", .string("abdm-simulator")), ("iat", .integer(issued)), ("exp", .integer(issued + seconds)),
                                       ("clientId", .string("gateway"))])
        let signed = base64URL(Array(header.serialized(pretty: false).utf8)) + "." + base64URL(Array(claims.serialized(pretty: false).utf8))
        let signature = (try? key.signature(for: SHA256.hash(data: Array(signed.utf8)), padding: .insecurePKCS1v1_5))
            .map { Array($0.rawRepresentation) } ?? []
        return signed + "." + base64URL(signature)
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public func setCallbackFault(_ fault: SimulatorCallbackFault?) { callbackFault = fault }

    /// Where the HIP's bridge listens, once it does (a test's hub starts after the simulator).
    public func setBridgeURL(_ url: String?) { bridgeURL = url }

    /// The care contexts linked to an address, for tests and the benchmark.
    public func links(of abhaAddress: String) -> [SimulatedLink] { linkedContexts[abhaAddress] ?? [] }

    /// Every care context linked, across addresses.
    public func linkCount() -> Int { linkedContexts.values.reduce(0) { $0 + $1.count } }

    /// Makes an ABHA address known, as if its owner had made it in her PHR app (the benchmark's patients).
    public func registerAddress(_ address: String) { extraAddresses.insert(address) }

    func knows(address: String) -> Bool {
        extraAddresses.contains(address) || accounts.values.contains { $0.addresses.contains(address) }
    }

    // MARK: - Requests from a HIP

    func hipRequest(path: String, body: JSONValue, headers: HTTPFields) throws(Refusal) -> JSONValue? {
        guard let hipID = headers[HTTPField.Name("X-HIP-ID")!], !hipID.isEmpty else {
            throw Self.fieldRefusal("X-HIP-ID", "X-HIP-ID is required")
        }
        let requestID = headers[HTTPField.Name("REQUEST-ID")!] ?? ""
        switch path {
        case "/v3/token/generate-token":
            guard case .string(let address)? = body["abhaAddress"] else { throw Self.fieldRefusal("abhaAddress", "abhaAddress is required") }
            guard case .string? = body["name"], case .string? = body["gender"] else { throw Self.fieldRefusal("name", "name and gender are required") }
            if knows(address: address) {
                let token = UUID().uuidString
                linkTokens[token] = (address, hipID, clock.now().adding(seconds: 182 * 86_400))
                answerLater(Self.bridgeOnGenerateToken, requestID: requestID, [("abhaAddress", .string(address)), ("linkToken", .string(token))])
            } else {
                answerLater(Self.bridgeOnGenerateToken, requestID: requestID,
                            [("abhaAddress", .string(address)), ("error", Self.error("ABDM-1010", "Patient not found"))])
            }
        case "/hip/v3/link/carecontext":
            guard case .string(let address)? = body["abhaAddress"], case .array(let groups)? = body["patient"] else {
                throw Self.fieldRefusal("patient", "abhaAddress and patient[] are required")
            }
            let token = headers[HTTPField.Name("X-LINK-TOKEN")!] ?? ""
            guard let held = linkTokens[token], held.address == address, held.hip == hipID, held.expires > clock.now() else {
                answerLater(Self.bridgeOnLinkCareContexts, requestID: requestID,
                            [("abhaAddress", .string(address)), ("error", Self.error("ABDM-1092", "Invalid or expired link token"))])
                return nil
            }
            var added: [SimulatedLink] = []
            for group in groups {
                guard case .string(let patientReference)? = group["referenceNumber"], case .string(let hiType)? = group["hiType"],
                      case .array(let contexts)? = group["careContexts"], !contexts.isEmpty else {
                    throw Self.fieldRefusal("patient", "each patient[] needs referenceNumber, hiType and careContexts")
                }
                guard ["OPConsultation", "Prescription", "DischargeSummary", "DiagnosticReport", "ImmunizationRecord",
                       "HealthDocumentRecord", "WellnessRecord", "Invoice"].contains(hiType) else {
                    throw Self.refusal(.badRequest, code: "ABDM-1006", "Invalid HIType")
                }
                for context in contexts {
                    guard case .string(let reference)? = context["referenceNumber"], case .string(let display)? = context["display"] else {
                        throw Self.fieldRefusal("careContexts", "each care context needs referenceNumber and display")
                    }
                    added.append(SimulatedLink(hipID: hipID, patientReference: patientReference, careContextReference: reference,
                                               display: display, hiType: hiType))
                }
            }
            var existing = linkedContexts[address] ?? []
            for link in added where !existing.contains(link) { existing.append(link) }
            linkedContexts[address] = existing
            answerLater(Self.bridgeOnLinkCareContexts, requestID: requestID,
                        [("abhaAddress", .string(address)), ("status", .string("Successfully Linked care context"))])
        case "/hip/v3/link/context/notify":
            contextNotifications += 1
        default:
            throw Self.refusal(.notFound, code: "ABDM-9999", "Unknown path")
        }
        return nil
    }

    static let bridgeOnGenerateToken = "/api/v3/hip/token/on-generate-token"
    static let bridgeOnLinkCareContexts = "/api/v3/link/on_carecontext"

    static func error(_ code: String, _ message: String) -> JSONValue {
        .object([("code", .string(code)), ("message", .string(message))])
    }

    /// Sends the answer to the bridge a moment later, unless a fault says it is lost.
    func answerLater(_ path: String, requestID: String, _ fields: [(String, JSONValue)]) {
        answersDue += 1
        switch callbackFault {
        case .never?: return
        case .half? where answersDue % 2 == 0: return
        default: break
        }
        let body = JSONValue.object(fields + [("response", .object([("requestId", .string(requestID))]))])
        guard bridgeURL != nil else { return }
        let delay = settings.callbackDelaySeconds
        let _: Task<Void, Never> = Task {
            if delay > 0 { try? await Task.sleep(for: .seconds(delay)) }
            let status = await self.sendToBridge(path, body, hipID: "")
            self.noteCallback(path: path, status: status)
        }
    }

    func noteCallback(path: String, status: Int?) {
        callbacks.append((path, status))
    }

    /// The answers sent to the bridge so far: path and the bridge's status (nil when it could not be reached).
    public func sentCallbacks() -> [(path: String, status: Int?)] { callbacks }
}

import ArogyaABDM
import ArogyaCore
import Foundation
import Logging

/// One HTTP exchange with ABDM, as the gateway needs it; `AbdmHTTPTransport` is the real one.
public protocol AbdmTransport: Sendable {
    func send(method: AbhaOperation.Method, url: String, headers: [(String, String)], body: [UInt8]?,
              timeout: Double) async throws(AbdmGateway.Failure) -> (status: Int, body: [UInt8])
}

/// The hub's side of ABDM: it holds the facility's client credentials, keeps a gateway session token
/// until shortly before it expires (and gets a new one on a 401, retrying the call once), caches ABDM's
/// public key, and relays the ABHA calls terminals ask for, adding the headers ABDM wants. It logs each
/// call's REQUEST-ID, operation, status and time, never a body.
public actor AbdmGateway {
    /// Why a call could not be relayed (ABDM's own refusals are not failures here: they go back to the terminal).
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// ABDM could not be reached, or dropped the connection.
        case unreachable(String)
        /// ABDM did not answer within the time allowed.
        case timedOut
        /// ABDM refused the hub's client id and secret: the configuration needs a look.
        case credentialsRefused(String)
        /// ABDM answered something the hub cannot read where it needs to (the session, the certificate).
        case invalidAnswer(String)

        public var description: String {
            switch self {
            case .unreachable(let why): "ABDM could not be reached: \(why)"
            case .timedOut: "ABDM did not answer in time"
            case .credentialsRefused(let why): "ABDM refused this hub's client id and secret: \(why)"
            case .invalidAnswer(let why): "ABDM's answer could not be read: \(why)"
            }
        }
    }

    public nonisolated let configuration: AbdmConfiguration
    let transport: any AbdmTransport
    let clock: WallClock
    let logger: Logger
    /// Seconds a call to ABDM may take, answer included.
    let timeout: Double

    private var session: (token: String, expires: Timestamp)?
    private var certificate: (key: AbdmPublicKey, fetched: Timestamp)?
    /// Calls to open a session, for tests and the stats.
    public private(set) var sessionsOpened = 0

    /// ABDM's key changes rarely; it is asked for again after this long (abdm.md §3: cache it with an expiry).
    public static let certificateLifetimeSeconds: Int64 = 6 * 3600

    public init(configuration: AbdmConfiguration, transport: any AbdmTransport, clock: WallClock = .system,
                logger: Logger = Logger(label: "arogya-hub.abdm"), timeout: Double = 20) {
        self.configuration = configuration
        self.transport = transport
        self.clock = clock
        self.logger = logger
        self.timeout = timeout
    }

    /// A session being opened, which every call arriving meanwhile waits for instead of opening its own.
    private var openingSession: Task<Result<String, Failure>, Never>?
    /// ABDM refused the client id and secret: until then calls are refused here, without asking again
    /// (ABDM locks a client out after repeated failed session calls).
    private var refusal: (reason: String, until: Timestamp)?
    public static let refusalPauseSeconds: Int64 = 60

    /// A session token, new when there is none, when the one held ends within a tenth of its life (at
    /// least 30 seconds), or when ABDM refused `stale`: a call never leaves with a token about to expire.
    /// Calls that need one at the same moment share one session call.
    func accessToken(replacing stale: String? = nil) async throws(Failure) -> String {
        if let session, session.expires > clock.now(), session.token != stale { return session.token }
        if let refusal, refusal.until > clock.now() { throw .credentialsRefused(refusal.reason) }
        if let openingSession { return try await openingSession.value.get() }
        let opening = Task { await self.openSession() }
        openingSession = opening
        let result = await opening.value
        openingSession = nil
        return try result.get()
    }

    private func openSession() async -> Result<String, Failure> {
        let body = JSONValue.object([("clientId", .string(configuration.clientId)), ("clientSecret", .string(configuration.clientSecret)),
                                     ("grantType", .string("client_credentials"))])
        let status: Int, answer: [UInt8]
        do {
            (status, answer) = try await exchange(.post, configuration.gatewayURL + "/gateway/v3/sessions", label: "session",
                                                  headers: [], body: body)
        } catch {
            return .failure(error)
        }
        sessionsOpened += 1
        guard (200..<300).contains(status) else {
            let reason = AbdmFailure.parse(status: status, body: answer).description
            if status == 400 || status == 401 || status == 403 {
                refusal = (reason, clock.now().adding(seconds: Self.refusalPauseSeconds))
            }
            return .failure(.credentialsRefused(reason))
        }
        guard let document = try? JSONParser.parse(answer), case .string(let token)? = document["accessToken"], !token.isEmpty else {
            return .failure(.invalidAnswer("no accessToken in the session's answer"))
        }
        let lifetime: Int64
        switch document["expiresIn"] {
        case .integer(let seconds)?: lifetime = seconds
        case .number(let seconds)?: lifetime = Int64(seconds)
        case .string(let text)?: lifetime = Int64(text) ?? 300
        default: lifetime = 300
        }
        let margin = max(30, lifetime / 10)
        refusal = nil
        session = (token, clock.now().adding(seconds: max(0, lifetime - margin)))
        return .success(token)
    }

    /// ABDM's public key for the fields terminals encrypt.
    public func publicKey() async throws(Failure) -> AbdmPublicKey {
        if let certificate, certificate.fetched.adding(seconds: Self.certificateLifetimeSeconds) > clock.now() { return certificate.key }
        let (status, answer) = try await authorised(.get, configuration.abhaURL + "/v3/profile/public/certificate", label: "certificate")
        guard (200..<300).contains(status), let document = try? JSONParser.parse(answer), case .string(let text)? = document["publicKey"] else {
            throw .invalidAnswer("no publicKey in the certificate's answer (HTTP \(status))")
        }
        do {
            let key = try AbdmPublicKey(base64DER: text)
            certificate = (key, clock.now())
            return key
        } catch {
            throw .invalidAnswer(error.description)
        }
    }

    /// Relays one ABHA call: ABDM's status and body, whatever they are.
    public func relay(_ operation: AbhaOperation, body: JSONValue?, transactionId: String? = nil, xToken: String? = nil,
                      tToken: String? = nil, device: String = "") async throws(Failure) -> (status: Int, body: JSONValue) {
        var headers: [(String, String)] = []
        if let transactionId { headers.append(("TRANSACTION_ID", transactionId)) }
        // User tokens are sent as ABDM writes them, "Bearer TOKEN"; never the gateway token (ABDM-2401).
        if let xToken { headers.append(("X-token", "Bearer " + xToken)) }
        if let tToken { headers.append(("T-token", "Bearer " + tToken)) }
        let (status, answer) = try await authorised(operation.method, configuration.abhaURL + operation.abdmPath,
                                                    label: operation.rawValue, device: device, headers: headers,
                                                    body: operation.method == .post ? (body ?? .object([])) : nil)
        let parsed = (try? JSONParser.parse(answer)) ?? .object([])
        return (status, parsed)
    }

    /// A call to the HIE-CM gateway as the facility's HIP (`X-HIP-ID`), under `requestID`, which ABDM's
    /// answer to the bridge will carry as `response.requestId`. ABDM's status and body, whatever they are.
    public func hipCall(_ path: String, body: JSONValue, hipID: String, requestID: String,
                        linkToken: String? = nil) async throws(Failure) -> (status: Int, body: JSONValue) {
        var headers = [("X-HIP-ID", hipID)]
        if let linkToken { headers.append(("X-LINK-TOKEN", linkToken)) }
        let (status, answer) = try await authorised(.post, configuration.gatewayURL + path, label: path, headers: headers, body: body,
                                                    requestID: requestID)
        return (status, (try? JSONParser.parse(answer)) ?? .object([]))
    }

    /// A call with the gateway token; on a 401 the token is renewed and the call made once more.
    private func authorised(_ method: AbhaOperation.Method, _ url: String, label: String, device: String = "",
                            headers: [(String, String)] = [], body: JSONValue? = nil, requestID: String? = nil) async throws(Failure) -> (Int, [UInt8]) {
        let token = try await accessToken()
        let first = try await exchange(method, url, label: label, device: device, headers: headers + [("Authorization", "Bearer " + token)],
                                       body: body, requestID: requestID)
        guard first.0 == 401 else { return first }
        let renewed = try await accessToken(replacing: token)
        return try await exchange(method, url, label: label, device: device, headers: headers + [("Authorization", "Bearer " + renewed)],
                                  body: body, requestID: requestID)
    }

    /// One exchange with the headers every ABDM call carries: a REQUEST-ID (fresh unless given), TIMESTAMP
    /// in UTC with milliseconds and `Z`, and X-CM-ID.
    private func exchange(_ method: AbhaOperation.Method, _ url: String, label: String, device: String = "",
                          headers: [(String, String)], body: JSONValue?, requestID: String? = nil) async throws(Failure) -> (Int, [UInt8]) {
        let requestId = requestID ?? UUID().uuidString.lowercased()
        let started = clock.now()
        var all: [(String, String)] = [("REQUEST-ID", requestId), ("TIMESTAMP", started.iso8601), ("X-CM-ID", configuration.cmId),
                                       ("Accept", "application/json")]
        if body != nil { all.append(("Content-Type", "application/json")) }
        all += headers
        do {
            let (status, answer) = try await transport.send(method: method, url: url, headers: all,
                                                            body: body.map { Array($0.serialized(pretty: false).utf8) }, timeout: timeout)
            logger.info("abdm", metadata: ["request_id": "\(requestId)", "call": "\(label)", "device": "\(device)", "status": "\(status)",
                                           "ms": "\(clock.now().millisecondsSince1970 - started.millisecondsSince1970)"])
            return (status, answer)
        } catch {
            logger.warning("abdm", metadata: ["request_id": "\(requestId)", "call": "\(label)", "device": "\(device)", "failed": "\(error)"])
            throw error
        }
    }
}

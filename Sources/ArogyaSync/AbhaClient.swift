import ArogyaABDM
import ArogyaCore
import ArogyaStore

/// The terminal's side of ABHA: ABDM's calls made through the facility's hub (which holds the ABDM
/// credentials), with the fields ABDM wants encrypted encrypted here, under ABDM's key, before they leave.
/// The hub never sees an Aadhaar number or an OTP in clear.
public struct AbhaClient: Sendable {
    /// Why a call did not give ABDM's answer.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// The hub, or ABDM behind it, could not be reached or did not answer in time: the request can wait.
        case unreachable(String)
        /// The hub has no ABDM set-up (`--abdm-config`).
        case notSetUp
        /// ABDM answered with a refusal.
        case refused(AbdmFailure)
        /// The hub refused the terminal (its token) or the request.
        case hub(HubClient.Failure)
        /// ABDM's answer lacks what the next step needs.
        case unexpectedAnswer(String)

        public var description: String {
            switch self {
            case .unreachable(let why): why
            case .notSetUp: "ABHA services are not set up on this hub"
            case .refused(let failure): failure.description
            case .hub(let failure): failure.description
            case .unexpectedAnswer(let why): "ABDM's answer could not be used: \(why)"
            }
        }
    }

    let hub: HubClient

    public init(hub: HubClient) {
        self.hub = hub
    }

    /// What the hub says of the ABDM it talks to: ABDM's public key, and the environment (`sbx` or
    /// `abdm`), which is also the suffix of ABHA addresses there.
    public struct Service: Sendable {
        public let key: AbdmPublicKey
        public let cmId: String
    }

    public func service() async throws(Failure) -> Service {
        let answer = try await send("v1/abha/certificate", method: "GET", body: nil)
        guard case .string(let text)? = answer["public_key"] else { throw .unexpectedAnswer("no public_key") }
        guard case .string(let cmId)? = answer["cm_id"], Identifiers.abhaAddressSuffixes.contains(cmId) else {
            throw .unexpectedAnswer("no cm_id (sbx or abdm)")
        }
        do { return Service(key: try AbdmPublicKey(base64DER: text), cmId: cmId) } catch { throw .unexpectedAnswer(error.description) }
    }

    /// One ABDM call through the hub: ABDM's body when it succeeded, else why not.
    public func call(_ operation: AbhaOperation, body: JSONValue?, transactionId: String? = nil, xToken: String? = nil,
                     tToken: String? = nil) async throws(Failure) -> JSONValue {
        let envelope = AbhaRelay.request(body: body, transactionId: transactionId, xToken: xToken, tToken: tToken)
        let answer = try await send(operation.hubPath.dropFirst().description, method: "POST",
                                    body: Array(envelope.serialized(pretty: false).utf8))
        guard let number = answer["abdm_status"]?.double, let abdmBody = answer["abdm_body"] else {
            throw .unexpectedAnswer("the hub's answer has no abdm_status")
        }
        let status = Int(number)
        guard (200..<300).contains(status) else {
            throw .refused(AbdmFailure.parse(status: status, body: Array(abdmBody.serialized(pretty: false).utf8)))
        }
        return abdmBody
    }

    private func send(_ path: String, method: String, body: [UInt8]?) async throws(Failure) -> JSONValue {
        do {
            return try await hub.send(path, method: method, body: body)
        } catch {
            switch error {
            case .unreachable(let why): throw .unreachable("the hub could not be reached: \(why)")
            case .status(503, let why) where why.contains("not set up"): throw .notSetUp
            // The hub reached out and ABDM did not answer, or not in time.
            case .status(502, let why), .status(504, let why): throw .unreachable(why)
            default: throw .hub(error)
            }
        }
    }
}

/// How a screen reaches ABDM: the client for the hub this terminal is connected to, or why there is none
/// (not connected, no token), in words. Given to the screens, so that tests give theirs a hub of their own.
public struct AbhaAccess: Sendable {
    public let client: @Sendable () -> Result<AbhaClient, UserMessage>

    public init(client: @escaping @Sendable () -> Result<AbhaClient, UserMessage>) {
        self.client = client
    }

    /// None: every ABHA step says the terminal is not connected to a hub.
    public static let none = AbhaAccess { .failure(HubConnection.Problem.notConnected.message) }

    /// The hub `hub connect` set up for this database, read each time (it may change while the program is open).
    public static func hub(store: AppDatabase, databasePath: String) -> AbhaAccess {
        AbhaAccess {
            do {
                switch try HubConnection.client(store: store, databasePath: databasePath) {
                case .success(let hub): return .success(AbhaClient(hub: hub))
                case .failure(let problem): return .failure(problem.message)
                }
            } catch {
                return .failure(StoreError.message(for: error))
            }
        }
    }
}

import ArogyaABDM
import ArogyaCore
import Hummingbird

/// The hub's ABHA routes for devices: ABDM's public key, and one relay route per `AbhaOperation`. A
/// device's token is needed as everywhere; the ABDM credentials stay here. Without `--abdm-config` every
/// one answers 503 "ABHA services are not set up on this hub".
enum AbhaRoutes {
    /// An envelope holds one ABDM request body (encrypted fields of a few hundred bytes each).
    static let maximumBody = 64 * 1024

    static func add(to router: RouterGroup<DeviceRequestContext>, gateway: AbdmGateway?) {
        router.get("/v1/abha/certificate") { _, _ in
            let gateway = try setUp(gateway)
            let key = try await relayed { () async throws(AbdmGateway.Failure) in try await gateway.publicKey() }
            // The suffix of ABHA addresses follows the ABDM environment the hub is set up for.
            return HubRoutes.json(.object([("public_key", .string(key.base64DER)),
                                           ("encryption_algorithm", .string("RSA/ECB/OAEPWithSHA-1AndMGF1Padding")),
                                           ("cm_id", .string(gateway.configuration.cmId))]))
        }
        for operation in AbhaOperation.allCases {
            router.post(RouterPath(operation.hubPath)) { request, context in
                let device = context.device
                let gateway = try setUp(gateway)
                try HubRoutes.requireJSON(request)
                let bytes = try await request.body.collect(upTo: maximumBody)
                guard let envelope = try? JSONParser.parse(Array(bytes.readableBytesView)), case .object = envelope else {
                    throw HTTPError(.badRequest, message: "the body is a relay envelope: {\"body\": ABDM's request body}")
                }
                let body = envelope["body"]
                if operation.method == .post {
                    guard case .object? = body else { throw HTTPError(.badRequest, message: "body: expected ABDM's request body, an object") }
                }
                let transactionId = try token(envelope, "transaction_id")
                let xToken = try token(envelope, "x_token")
                let tToken = try token(envelope, "t_token")
                let (status, answer) = try await relayed { () async throws(AbdmGateway.Failure) in
                    try await gateway.relay(operation, body: body, transactionId: transactionId, xToken: xToken, tToken: tToken, device: device.id)
                }
                return HubRoutes.json(AbhaRelay.answer(status: status, body: answer))
            }
        }
    }

    static func setUp(_ gateway: AbdmGateway?) throws -> AbdmGateway {
        guard let gateway else { throw HTTPError(.serviceUnavailable, message: "ABHA services are not set up on this hub") }
        return gateway
    }

    /// A header value a terminal hands on: text of a token's length, nothing that could split a header.
    static func token(_ envelope: JSONValue, _ key: String) throws -> String? {
        guard let value = envelope[key], value != .null else { return nil }
        guard case .string(let text) = value, !text.isEmpty, text.count <= 4096,
              text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f }) else {
            throw HTTPError(.badRequest, message: "\(key): expected a token (printable ASCII, no spaces)")
        }
        return text
    }

    /// The gateway's failures as the hub's answers: 504 when ABDM was too slow, else 502, with why.
    static func relayed<T: Sendable>(_ body: () async throws(AbdmGateway.Failure) -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            switch error {
            case .timedOut: throw HTTPError(.gatewayTimeout, message: error.description)
            case .unreachable, .invalidAnswer, .credentialsRefused: throw HTTPError(.badGateway, message: error.description)
            }
        }
    }
}

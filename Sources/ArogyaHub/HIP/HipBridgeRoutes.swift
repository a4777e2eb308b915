import ArogyaCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The hub as a HIP's bridge: where ABDM's gateway sends its answers and requests. Each route checks the
/// gateway's token, notes the REQUEST-ID (a replay is answered 202 and not acted on again), answers 202 at
/// once and does its work in the background, as ABDM's asynchronous API expects.
public struct HipBridge: Sendable {
    public let linker: HipLinker
    public let dataFlow: HipDataFlow
    public let userLinking: HipUserLinking
    public let verifier: GatewayTokenVerifier
    let storage: any HubStorage
    let clock: WallClock
    let logger: Logger

    public init(linker: HipLinker, dataFlow: HipDataFlow, userLinking: HipUserLinking, verifier: GatewayTokenVerifier, storage: any HubStorage,
                clock: WallClock = .system, logger: Logger = Logger(label: "arogya-hub.hip")) {
        self.linker = linker
        self.dataFlow = dataFlow
        self.userLinking = userLinking
        self.verifier = verifier
        self.storage = storage
        self.clock = clock
        self.logger = logger
    }
}

enum HipBridgeRoutes {
    /// ABDM's messages to a HIP are small; a health-information request is the largest, a few kilobytes.
    static let maximumBody = 1024 * 1024

    /// What a route does with a message once it is accepted: the body, its REQUEST-ID and X-HIP-ID.
    typealias Work = @Sendable (HipBridge, JSONValue, String, String?) async throws -> Void

    static let routes: [(path: String, work: Work)] = [
        (HipMessages.Bridge.onGenerateToken, { bridge, body, _, _ in try await bridge.linker.tokenAnswered(body) }),
        (HipMessages.Bridge.onLinkCareContexts, { bridge, body, _, _ in try await bridge.linker.linkAnswered(body) }),
        (HipMessages.Bridge.consentNotify, { bridge, body, id, hip in try await bridge.dataFlow.consentNotified(body, requestID: id, hipID: hip) }),
        (HipMessages.Bridge.discover, { bridge, body, id, hip in try await bridge.userLinking.discover(body, requestID: id, hipID: hip) }),
        (HipMessages.Bridge.linkInit, { bridge, body, id, hip in try await bridge.userLinking.initLink(body, requestID: id, hipID: hip) }),
        (HipMessages.Bridge.linkConfirm, { bridge, body, id, hip in try await bridge.userLinking.confirm(body, requestID: id, hipID: hip) }),
        (HipMessages.Bridge.healthInformationRequest, { bridge, body, id, _ in try await bridge.dataFlow.healthInformationRequested(body, requestID: id) }),
    ]

    static func add(to router: Router<HubRequestContext>, bridge: HipBridge?) {
        for route in routes {
            router.post(RouterPath(route.path)) { request, _ in
                guard let bridge else { throw HTTPError(.serviceUnavailable, message: "this hub is not set up as an ABDM HIP (no --abdm-config)") }
                do {
                    try await bridge.verifier.verify(authorization: request.headers[.authorization])
                } catch {
                    bridge.logger.warning("bridge request refused", metadata: ["path": "\(route.path)", "why": "\(error)"])
                    throw HTTPError(.unauthorized, message: "\(error)")
                }
                guard let requestID = request.headers[HTTPField.Name("REQUEST-ID")!], UUID(uuidString: requestID) != nil else {
                    throw HTTPError(.badRequest, message: "REQUEST-ID: expected a UUID")
                }
                let bytes = try await request.body.collect(upTo: maximumBody)
                guard let body = try? JSONParser.parse(Array(bytes.readableBytesView)), case .object = body else {
                    throw HTTPError(.badRequest, message: "expected a JSON object")
                }
                let hipID = request.headers[HTTPField.Name("X-HIP-ID")!].map(TextSanitizer.singleLine)
                let fresh = try await bridge.storage.acceptInbound(requestID: requestID.lowercased(), path: route.path, at: bridge.clock.now())
                bridge.logger.info("bridge", metadata: ["path": "\(route.path)", "request_id": "\(requestID)", "replay": "\(!fresh)"])
                if fresh {
                    Task {
                        do { try await route.work(bridge, body, requestID, hipID) } catch {
                            bridge.logger.error("bridge work failed", metadata: ["path": "\(route.path)", "request_id": "\(requestID)",
                                                                              "error": "\(error)"])
                        }
                    }
                }
                return Response(status: .accepted)
            }
        }
    }
}

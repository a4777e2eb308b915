import ArogyaABDM
import ArogyaCore
import HTTPTypes
import Hummingbird

extension AbdmSimulator {
    /// The simulator's HTTP API: `POST /api/hiecm/gateway/v3/sessions`, `GET /abha/api/v3/profile/public/certificate`,
    /// and every `AbhaOperation` under `/abha/api`.
    public nonisolated func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.post(RouterPath(Self.gatewayPrefix + "/gateway/v3/sessions")) { request, _ in
            await self.answer(request, path: "/gateway/v3/sessions") { body, _ throws(Refusal) in
                try await self.createSession(body)
            }
        }
        router.get(RouterPath(Self.abhaPrefix + "/v3/profile/public/certificate")) { request, _ in
            await self.answer(request, path: "/v3/profile/public/certificate", gateway: true) { _, _ throws(Refusal) in
                .object([("publicKey", .string(self.publicKeyBase64)),
                         ("encryptionAlgorithm", .string("RSA/ECB/OAEPWithSHA-1AndMGF1Padding"))])
            }
        }
        router.get(RouterPath(Self.gatewayPrefix + "/gateway/v3/certs")) { _, _ in
            Self.response(.ok, self.gatewayKeys)
        }
        for path in ["/v3/token/generate-token", "/hip/v3/link/carecontext", "/hip/v3/link/context/notify"] {
            router.post(RouterPath(Self.gatewayPrefix + path)) { request, _ in
                await self.answer(request, path: path, gateway: true, accepted: true) { body, headers throws(Refusal) in
                    try await self.hipRequest(path: path, body: body, headers: headers) ?? .null
                }
            }
        }
        for path in ["/consent/v3/request/hip/on-notify", "/data-flow/v3/health-information/hip/on-request", "/data-flow/v3/health-information/notify",
                     "/user-initiated-linking/v3/patient/care-context/on-discover", "/user-initiated-linking/v3/link/care-context/on-init",
                     "/user-initiated-linking/v3/link/care-context/on-confirm"] {
            router.post(RouterPath(Self.gatewayPrefix + path)) { request, _ in
                await self.answer(request, path: path, gateway: true, accepted: true) { body, _ throws(Refusal) in
                    try await self.dataFlowMessage(path: path, body: body)
                    return .null
                }
            }
        }
        // The HIU's own endpoint: reached directly by the HIP, with no gateway token.
        router.post(RouterPath(Self.hiuPushPath)) { request, _ in
            let bytes = (try? await request.body.collect(upTo: 64 << 20)).map { Array($0.readableBytesView) } ?? []
            guard let body = try? JSONParser.parse(bytes) else { return Self.response(.badRequest, .object([("error", .string("not JSON"))])) }
            let (status, answer) = await self.receivePage(body)
            return Self.response(status, answer)
        }
        addControls(to: router)
        for operation in AbhaOperation.allCases {
            let path = RouterPath(Self.abhaPrefix + operation.abdmPath)
            let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
                await self.answer(request, path: operation.abdmPath, gateway: true) { body, headers throws(Refusal) in
                    try await self.handle(operation, body: body, headers: headers)
                }
            }
            switch operation.method {
            case .get: router.get(path, use: handler)
            case .post: router.post(path, use: handler)
            }
        }
        return router
    }

    /// Checks the headers every ABDM call needs (and the gateway token, for ABHA calls), reads the body,
    /// and turns a refusal into ABDM's error shape.
    nonisolated func answer(_ request: Request, path: String, gateway: Bool = false, accepted: Bool = false,
                            _ body: @Sendable (JSONValue, HTTPFields) async throws(Refusal) -> JSONValue) async -> Response {
        do {
            try await checkCommonHeaders(request.headers, path: path)
            if gateway { try await checkGatewayToken(request.headers) }
            var document = JSONValue.object([])
            if request.method == .post {
                let bytes = (try? await request.body.collect(upTo: 1 << 20)).map { Array($0.readableBytesView) } ?? []
                guard let parsed = try? JSONParser.parse(bytes) else {
                    throw Self.fieldRefusal("body", "Invalid request body")
                }
                document = parsed
            }
            let answer = try await body(document, request.headers)
            // The gateway's asynchronous calls answer 202 with no body; the result goes to the bridge.
            return accepted ? Response(status: .accepted) : Self.response(.ok, answer)
        } catch let refusal as Refusal {
            return Self.response(refusal.status, refusal.body)
        } catch {
            return Self.response(.internalServerError, .object([("code", .string("ABDM-9999")), ("message", .string("\(error)"))]))
        }
    }

    static func response(_ status: HTTPResponse.Status, _ body: JSONValue) -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: body.serialized(pretty: false))))
    }
}

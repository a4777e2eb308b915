import ArogyaCore
import Hummingbird

/// The simulator's own controls (not ABDM's API): what a patient and an HIU would do on ABDM's side,
/// for a person trying the HIP flows with curl and for tests that run the simulator as a process.
///
/// - `POST /simulator/consents` `{hip_id, patient, care_contexts: [{patient, care_context}], hi_types?, from, to, erase_at}`
///   → `{consent_id, bridge_status}`: a consent granted and notified to the hub's bridge;
/// - `POST /simulator/consents/{id}/revoke` `{hip_id}` → `{bridge_status}`;
/// - `POST /simulator/health-information` `{consent_id, hip_id, from, to}` → `{transaction_id, bridge_status}`;
/// - `GET /simulator/transfers/{id}` → `{acknowledged, session_status, pages, documents: {care_context: plaintext}, damaged, statuses}`;
/// - `GET /simulator/links?address=ADDRESS` → `{links: [{hip_id, patient, care_context, display, hi_type}]}`;
/// - `PUT /simulator/bridge` `{url}`: where the hub's bridge listens (as `--bridge-url`, for a hub started later).
extension AbdmSimulator {
    nonisolated func addControls(to router: Router<BasicRequestContext>) {
        router.put("/simulator/bridge") { request, _ in
            let body = try await Self.controlBody(request)
            guard case .string(let url)? = body["url"], url.hasPrefix("http://") || url.hasPrefix("https://") else {
                return Self.response(.badRequest, .object([("error", .string("url: the bridge's http:// or https:// address"))]))
            }
            await self.setBridgeURL(url.hasSuffix("/") ? String(url.dropLast()) : url)
            return Self.response(.ok, .object([("bridge_url", .string(url))]))
        }
        router.post("/simulator/consents") { request, _ in
            let body = try await Self.controlBody(request)
            guard case .string(let hip)? = body["hip_id"], case .string(let patient)? = body["patient"],
                  case .array(let contexts)? = body["care_contexts"], let from = Self.time(body["from"]), let to = Self.time(body["to"]),
                  let erase = Self.time(body["erase_at"]) else {
                return Self.response(.badRequest, .object([("error", .string("hip_id, patient, care_contexts, from, to and erase_at are required"))]))
            }
            let references = contexts.compactMap { item -> (patient: String, careContext: String)? in
                guard case .string(let owner)? = item["patient"], case .string(let context)? = item["care_context"] else { return nil }
                return (owner, context)
            }
            var types = ["WellnessRecord"]
            if case .array(let given)? = body["hi_types"] { types = given.compactMap { if case .string(let type) = $0 { type } else { nil } } }
            let (id, status) = await self.grantConsent(hipID: hip, patientAddress: patient, careContexts: references, hiTypes: types,
                                                       from: from, to: to, eraseAt: erase)
            return Self.response(.ok, .object([("consent_id", .string(id)), ("bridge_status", status.map { .integer(Int64($0)) } ?? .null)]))
        }
        router.post("/simulator/consents/:id/revoke") { request, context in
            let body = try await Self.controlBody(request)
            guard let id = context.parameters.get("id"), case .string(let hip)? = body["hip_id"] else {
                return Self.response(.badRequest, .object([("error", .string("hip_id is required"))]))
            }
            let status = await self.endConsent(id, hipID: hip)
            return Self.response(.ok, .object([("bridge_status", status.map { .integer(Int64($0)) } ?? .null)]))
        }
        router.post("/simulator/health-information") { request, _ in
            let body = try await Self.controlBody(request)
            guard case .string(let consent)? = body["consent_id"], case .string(let hip)? = body["hip_id"], let from = Self.time(body["from"]),
                  let to = Self.time(body["to"]) else {
                return Self.response(.badRequest, .object([("error", .string("consent_id, hip_id, from and to are required"))]))
            }
            let (id, status) = try await self.requestHealthInformation(consentID: consent, hipID: hip, from: from, to: to)
            return Self.response(.ok, .object([("transaction_id", .string(id)), ("bridge_status", status.map { .integer(Int64($0)) } ?? .null)]))
        }
        router.get("/simulator/transfers/:id") { _, context in
            guard let id = context.parameters.get("id"), let transfer = await self.transfer(id) else {
                return Self.response(.notFound, .object([("error", .string("no such transaction"))]))
            }
            let session = transfer.notification?["notification"]?["statusNotification"]?["sessionStatus"] ?? .null
            return Self.response(.ok, .object([
                ("acknowledged", transfer.acknowledgement?["hiRequest"]?["sessionStatus"] ?? .null), ("session_status", session),
                ("pages", .integer(Int64(transfer.pages.count))),
                ("documents", .object(transfer.documents.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) })),
                ("damaged", .array(transfer.damaged.map(JSONValue.string))),
                ("statuses", transfer.notification?["notification"]?["statusNotification"]?["statusResponses"] ?? .array([])),
            ]))
        }
        router.get("/simulator/links") { request, _ in
            let address = request.uri.queryParameters["address"].map(String.init) ?? ""
            return Self.response(.ok, .object([("links", .array(await self.links(of: address).map { link in
                .object([("hip_id", .string(link.hipID)), ("patient", .string(link.patientReference)),
                         ("care_context", .string(link.careContextReference)), ("display", .string(link.display)), ("hi_type", .string(link.hiType))])
            }))]))
        }
    }

    static func controlBody(_ request: Request) async throws -> JSONValue {
        let bytes = try await request.body.collect(upTo: 1 << 20)
        return (try? JSONParser.parse(Array(bytes.readableBytesView))) ?? .object([])
    }

    static func time(_ value: JSONValue?) -> Timestamp? {
        guard case .string(let text)? = value else { return nil }
        return Timestamp(iso8601: text) ?? CivilDate(iso8601: text).flatMap { Timestamp(iso8601: $0.iso8601 + "T00:00:00.000Z") }
    }
}

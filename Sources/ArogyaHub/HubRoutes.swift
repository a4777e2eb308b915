import ArogyaCore
import Foundation
import Hummingbird
import Logging

/// The hub's HTTP API: health, the sync API for devices, FHIR documents of what they uploaded, and the
/// ABHA relay (`AbhaRoutes`).
/// Every route but `/health` needs a device's Bearer token (`DeviceAuthentication`) and sees only that
/// device's facility.
public enum HubRoutes {
    /// Largest request body: a full batch of 500 records with room to spare.
    static let maximumBody = 16 * 1024 * 1024

    /// `abdm`: the gateway for the ABHA routes, from `--abdm-config`; without it they answer 503.
    /// `hip`: the bridge ABDM's gateway calls (`HipBridgeRoutes`); without it those routes answer 503.
    public static func router(storage: any HubStorage, clock: WallClock = .system, abdm: AbdmGateway? = nil,
                              hip: HipBridge? = nil) -> Router<HubRequestContext> {
        let router = Router(context: HubRequestContext.self)
        // Middleware first: it applies only to routes added after it.
        router.add(middleware: LogRequestsMiddleware(.info))
        router.get("/health") { _, _ in
            json(.object([("status", .string("ok")), ("server_time", .string(clock.now().iso8601))]))
        }
        // ABDM's gateway, authenticated by its own signed token, not a device's.
        HipBridgeRoutes.add(to: router, bridge: hip)
        // Every other route is a device's: added to this group, a route cannot be reached without a valid
        // token, and its context carries the device.
        let devices = router.group().add(middleware: DeviceAuthentication(storage: storage)).group(context: DeviceRequestContext.self)
        // Which device a token belongs to: `arogya hub connect` checks the address and the token with it.
        devices.get("/v1/device") { _, context in
            let device = context.device
            return json(.object([("device", .string(device.id)), ("facility", .string(device.facilityID)),
                                 ("label", device.label.map(JSONValue.string) ?? .null), ("role", .string(device.role.rawValue)),
                                 ("facilities", .array(device.facilities.map(JSONValue.string)))]))
        }
        // A batch parsed into values takes several times its bytes: only a few are parsed and applied at
        // once, and the rest wait as the bytes they came in (with hundreds of terminals pushing, a hub's memory
        // would otherwise follow every batch waiting for the store).
        let pushes = PushLimiter(slots: max(2, 2 * ProcessInfo.processInfo.activeProcessorCount))
        devices.post("/v1/sync/push") { request, context in
            try requireJSON(request)
            let body = try await request.body.collect(upTo: maximumBody)
            await pushes.enter()
            do {
                let response = try await push(body, from: context.device, to: storage)
                await pushes.leave()
                return response
            } catch {
                await pushes.leave()
                throw error
            }
        }
        devices.get("/v1/sync/pull") { request, context in
            let parameters = request.uri.queryParameters
            let after = try parameters["after"].map { text -> Int64 in
                guard let value = Int64(text), value >= 0 else { throw HTTPError(.badRequest, message: "after: expected a whole number ≥ 0") }
                return value
            } ?? 0
            let limit = try parameters["limit"].map { text -> Int in
                guard let value = Int(text), (1...SyncWire.maximumPage).contains(value) else {
                    throw HTTPError(.badRequest, message: "limit: expected 1 to \(SyncWire.maximumPage)")
                }
                return value
            } ?? 500
            return json(try await storage.pull(for: context.device, after: after, limit: limit).json)
        }
        devices.get("/fhir/Patient/{id}") { _, context in
            let id = try context.parameters.require("id")
            let patient = try found(await storage.record(type: "patient", id: id, facility: context.device.facilityID), "Patient", id)
            return fhir(FHIRDocument.patient(patient))
        }
        devices.get("/fhir/Bundle/{id}") { _, context in
            let id = try context.parameters.require("id")
            let builder = FHIRDocumentSource(storage: storage, facility: context.device.facilityID)
            return fhir(try await builder.screeningBundle(screeningID: id))
        }
        devices.get("/fhir/Bundle") { request, context in
            guard let patient = request.uri.queryParameters["patient"].map(String.init), !patient.isEmpty else {
                throw HTTPError(.badRequest, message: "patient: give the patient's id, as /fhir/Bundle?patient=ID")
            }
            let builder = FHIRDocumentSource(storage: storage, facility: context.device.facilityID)
            return fhir(try await builder.searchset(patientID: patient, now: clock.now()))
        }
        AbhaRoutes.add(to: devices, gateway: abdm)
        // How many of each patient's visits are linked to her ABHA, for her card on the terminals; only
        // patients whose counts changed after `since`.
        devices.get("/v1/abha/links") { request, context in
            let since = try request.uri.queryParameters["since"].map { text -> Timestamp in
                guard let time = Timestamp(iso8601: String(text)) else {
                    throw HTTPError(.badRequest, message: "since: expected a UTC time like 2026-12-01T09:26:00.000Z")
                }
                return time
            } ?? Timestamp(millisecondsSince1970: 0)
            let now = clock.now()
            let summaries = try await storage.linkSummaries(facilities: context.device.facilities, changedSince: since)
            return json(.object([
                ("server_time", .string(now.iso8601)),
                ("patients", .array(summaries.map { summary in
                    .object([("facility", .string(summary.facility)), ("patient", .string(summary.patientID)),
                             ("linked", .integer(Int64(summary.linked))), ("total", .integer(Int64(summary.total))),
                             ("failed", .integer(Int64(summary.failed)))])
                })),
            ]))
        }
        return router
    }

    /// One batch, read and applied.
    static func push(_ body: ByteBuffer, from device: HubDevice, to storage: any HubStorage) async throws -> Response {
        let document: JSONValue
        do {
            document = try JSONParser.parse(Array(body.readableBytesView))
        } catch {
            throw HTTPError(.badRequest, message: "the body is not valid JSON: \(error)")
        }
        let items: [(raw: JSONValue, record: Result<SyncWire.Record, JSONInputError>)]
        do {
            items = try SyncWire.pushRecords(document)
        } catch {
            throw HTTPError(.badRequest, message: "\(error)")
        }
        let outcome = try await storage.push(items, from: device)
        FaultPoint.hubPushCommitted.reached()
        return json(outcome.json)
    }

    /// "Bearer TOKEN", "bearer TOKEN", "BEARER  TOKEN": the token; nil for any other scheme or none.
    static func bearerToken(_ header: String?) -> String? {
        guard let header else { return nil }
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard let space = trimmed.firstIndex(where: { $0 == " " || $0 == "\t" }),
              trimmed[..<space].lowercased() == "bearer" else { return nil }
        let token = trimmed[space...].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }

    /// A push is JSON: a body of another kind is refused (415) before it is read.
    static func requireJSON(_ request: Request) throws {
        let mediaType = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard mediaType == "application/json" else {
            throw HTTPError(.unsupportedMediaType, message: "a push is JSON: Content-Type: application/json")
        }
    }

    static func found(_ record: StoredRecord?, _ kind: String, _ id: String) throws -> StoredRecord {
        guard let record else { throw HTTPError(.notFound, message: "no \(kind) \(id) at this facility") }
        return record
    }

    static func json(_ value: JSONValue, contentType: String = "application/json") -> Response {
        Response(status: .ok, headers: [.contentType: contentType],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: value.serialized(pretty: false))))
    }

    static func fhir(_ value: JSONValue) -> Response { json(value, contentType: "application/fhir+json") }
}

/// At most `slots` holders at once; the others wait their turn, first come first served.
actor PushLimiter {
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(slots: Int) { free = slots }

    func enter() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func leave() {
        if waiting.isEmpty { free += 1 } else { waiting.removeFirst().resume() }
    }
}

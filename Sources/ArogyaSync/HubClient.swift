import ArogyaCore
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix

/// Talks to an `arogya-hub` over HTTP(S) with the device's token. Every request has a timeout; what
/// went wrong is classified so that sync knows whether trying again can help.
public struct HubClient: Sendable {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// No answer: no network, the hub down, a dropped connection or a timeout. Worth retrying.
        case unreachable(String)
        /// The hub answered with an error status. 5xx and 429 are worth retrying; others are not.
        case status(Int, String)
        /// The hub answered something that is not the sync API's JSON.
        case invalidAnswer(String)

        public var isRetryable: Bool {
            switch self {
            case .unreachable: return true
            case .status(let code, _): return code >= 500 || code == 429 || code == 408
            case .invalidAnswer: return true
            }
        }

        public var description: String {
            switch self {
            case .unreachable(let why): return "the hub could not be reached: \(why)"
            case .status(401, _): return "the hub refused this terminal's token (revoked or wrong); ask for a new one and run: arogya hub connect URL --token TOKEN"
            case .status(let code, let message): return "the hub answered \(code): \(message)"
            case .invalidAnswer(let why): return "the hub's answer could not be read: \(why)"
            }
        }
    }

    public let baseURL: URL
    let token: String
    let timeout: TimeInterval

    public init(baseURL: URL, token: String, timeout: TimeInterval = 30) {
        self.baseURL = baseURL
        self.token = token
        self.timeout = timeout
    }

    /// One HTTP client for the process (AsyncHTTPClient over SwiftNIO, TLS by BoringSSL, all linked in):
    /// created at the first sync, never at start, and never shut down. Redirects are not followed, so
    /// the token goes only where `hub connect` was told.
    static let http: HTTPClient = {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow,
                                                     timeout: .init(connect: .seconds(15), read: .seconds(60)))
        configuration.httpVersion = .http1Only
        configuration.decompression = .disabled
        // A refused connection fails its request at once: `RetryPolicy` decides when to try again, and
        // `sync` must be able to say "the hub could not be reached" without waiting out a timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// Largest answer read: a page of 1,000 records with room to spare.
    static let maximumAnswer = 64 * 1024 * 1024

    /// A plain-HTTP address that is not this machine would send the token in clear over the network.
    public static func isInsecure(_ url: URL) -> Bool {
        guard url.scheme?.lowercased() == "http" else { return false }
        return !Loopback.isLoopback(host: url.host ?? "")
    }

    public func push(_ records: [SyncWire.Record]) async throws(Failure) -> SyncWire.PushResponse {
        let body = JSONValue.object([("records", .array(records.map(\.json)))]).serialized(pretty: false)
        let answer = try await send("v1/sync/push", method: "POST", body: Array(body.utf8))
        do throws(JSONInputError) { return try SyncWire.PushResponse(reading: JSONField(answer)) } catch {
            throw .invalidAnswer(error.description)
        }
    }

    public func pull(after: Int64, limit: Int) async throws(Failure) -> SyncWire.PullResponse {
        let answer = try await send("v1/sync/pull?after=\(after)&limit=\(limit)", method: "GET", body: nil)
        do throws(JSONInputError) { return try SyncWire.PullResponse(reading: JSONField(answer)) } catch {
            throw .invalidAnswer(error.description)
        }
    }

    /// The hub's counts of patients' visits linked to their ABHAs that changed after `since`, and the hub's
    /// time. Counts are checked to make sense; a patient's id is kept only if it is an id.
    public func abhaLinks(since: Timestamp?) async throws(Failure) -> (serverTime: Timestamp, summaries: [AbhaLinkSummary]) {
        let query = since.map { "?since=" + $0.iso8601 } ?? ""
        let answer = try await send("v1/abha/links" + query, method: "GET", body: nil)
        guard case .string(let text)? = answer["server_time"], let serverTime = Timestamp(iso8601: text),
              case .array(let patients)? = answer["patients"] else {
            throw .invalidAnswer("no server_time or patients in /v1/abha/links")
        }
        var summaries: [AbhaLinkSummary] = []
        for item in patients {
            guard case .string(let patient)? = item["patient"], patient.count <= 64,
                  patient.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil || $0 == "-") }),
                  case .integer(let linked)? = item["linked"], case .integer(let total)? = item["total"], case .integer(let failed)? = item["failed"],
                  linked >= 0, failed >= 0, linked + failed <= total, total < 100_000 else {
                throw .invalidAnswer("a patient's link counts in /v1/abha/links do not add up")
            }
            summaries.append(AbhaLinkSummary(patientId: patient, linked: Int(linked), total: Int(total), failed: Int(failed)))
        }
        return (serverTime, summaries)
    }

    /// The device and facility the hub knows this token as, from `/v1/device`.
    public struct DeviceIdentity: Equatable, Sendable {
        public let device: String
        public let facility: String
        public let label: String?
    }

    public func device() async throws(Failure) -> DeviceIdentity {
        let answer = try await send("v1/device", method: "GET", body: nil)
        guard case .string(let device)? = answer["device"], case .string(let facility)? = answer["facility"] else {
            throw .invalidAnswer("no device or facility in /v1/device")
        }
        var label: String?
        if case .string(let text)? = answer["label"] { label = TextSanitizer.singleLine(text) }
        return DeviceIdentity(device: TextSanitizer.singleLine(device), facility: TextSanitizer.singleLine(facility), label: label)
    }

    /// The hub's clock, from `/health`.
    public func serverTime() async throws(Failure) -> Timestamp {
        let answer = try await send("health", method: "GET", body: nil)
        guard case .string(let text)? = answer["server_time"], let time = Timestamp(iso8601: text) else {
            throw .invalidAnswer("no server_time in /health")
        }
        return time
    }

    func send(_ path: String, method: String, body: [UInt8]?) async throws(Failure) -> JSONValue {
        guard let url = URL(string: path, relativeTo: baseURL.absoluteString.hasSuffix("/") ? baseURL : baseURL.appendingPathComponent("")) else {
            throw .invalidAnswer("bad address \(path)")
        }
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = method == "POST" ? .POST : .GET
        request.headers.add(name: "Authorization", value: "Bearer " + token)
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        // The deadline covers the whole exchange, the answer's body included.
        let deadline = NIODeadline.now() + .milliseconds(Int64(timeout * 1000))
        let status: Int
        let data: [UInt8]
        do {
            let response = try await Self.http.execute(request, deadline: deadline)
            status = Int(response.status.code)
            data = Array(buffer: try await response.body.collect(upTo: Self.maximumAnswer))
        } catch {
            throw .unreachable(Self.describe(error))
        }
        let parsed = try? JSONParser.parse(data)
        guard (200..<300).contains(status) else {
            let message: String
            // Text from the hub is cleaned before it is stored or printed: it is a server's words, not ours.
            if case .string(let text)? = parsed?["error"]?["message"] { message = TextSanitizer.singleLine(text) } else {
                message = TextSanitizer.singleLine(String(decoding: data.prefix(200), as: UTF8.self))
            }
            throw .status(status, message)
        }
        guard let parsed else { throw .invalidAnswer("not JSON (\(data.count) bytes)") }
        return parsed
    }

    /// What went wrong on the way, in words an admin can act on.
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout:
            return "no answer within the time allowed"
        case let error as HTTPClientError where error == .connectTimeout:
            return "the connection timed out"
        case let error as HTTPClientError where error == .remoteConnectionClosed:
            return "the connection was closed before the answer"
        case let error as IOError:
            return String(cString: strerror(error.errnoCode))
        case let error as NIOConnectionError:
            return "cannot connect to \(error.host) port \(error.port)" + (error.connectionErrors.first.map { ": \($0.error)" } ?? "")
        default:
            let text = String(describing: error)
            // NIOSSL's handshake errors carry BoringSSL's codes; the one an admin meets is a certificate
            // from a private CA that this machine does not trust yet.
            if text.contains("CERTIFICATE_VERIFY_FAILED") {
                return "the hub's certificate is not trusted here (a private CA must be added to this machine's certificates)"
            }
            return text
        }
    }
}

/// Waits between tries: exponential, capped, with jitter (between half and all of the step) so that many terminals coming back
/// online together do not knock on the hub at the same moments.
public struct RetryPolicy: Sendable {
    public var attempts: Int
    public var baseDelay: Double
    public var maximumDelay: Double

    public init(attempts: Int = 6, baseDelay: Double = 0.25, maximumDelay: Double = 8) {
        self.attempts = attempts
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
    }

    /// The wait before try number `attempt` (1 for the first retry).
    public func delay(before attempt: Int, random: Double = Double.random(in: 0...1)) -> Double {
        let ceiling = min(maximumDelay, baseDelay * pow(2, Double(attempt - 1)))
        return ceiling * (0.5 + random / 2)
    }

    public func run<T: Sendable>(_ operation: () async throws(HubClient.Failure) -> T) async throws(HubClient.Failure) -> T {
        var attempt = 0
        while true {
            do {
                return try await operation()
            } catch {
                attempt += 1
                guard error.isRetryable, attempt < attempts else { throw error }
                try? await Task.sleep(nanoseconds: UInt64(delay(before: attempt) * 1_000_000_000))
            }
        }
    }
}

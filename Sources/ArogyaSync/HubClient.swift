import ArogyaCore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

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

    /// A session of its own for each request, so that no connection is ever reused. On a reused
    /// connection that the network drops, libcurl (under Foundation's URLSession on Linux) resends the
    /// request by itself on a new connection, sends the headers, cannot rewind the body, and waits for
    /// the timeout. Our retries resend whole requests instead; a connection per batch of 500 records
    /// costs little. (A `Connection: close` header would do the same, but URLSession drops it.)
    private func makeSession() -> URLSession {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout * 2
        configuration.httpMaximumConnectionsPerHost = 1
        return URLSession(configuration: configuration)
    }

    /// A plain-HTTP address that is not this machine would send the token in clear over the network.
    public static func isInsecure(_ url: URL) -> Bool {
        guard url.scheme?.lowercased() == "http" else { return false }
        let host = (url.host ?? "").lowercased()
        return !(host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127."))
    }

    public func push(_ records: [SyncWire.Record]) async throws(Failure) -> SyncWire.PushResponse {
        let body = JSONValue.object([("records", .array(records.map(\.json)))]).serialized(pretty: false)
        let answer = try await send("v1/sync/push", method: "POST", body: Data(body.utf8))
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

    /// The hub's clock, from `/health`.
    public func serverTime() async throws(Failure) -> Timestamp {
        let answer = try await send("health", method: "GET", body: nil)
        guard case .string(let text)? = answer["server_time"], let time = Timestamp(iso8601: text) else {
            throw .invalidAnswer("no server_time in /health")
        }
        return time
    }

    private func send(_ path: String, method: String, body: Data?) async throws(Failure) -> JSONValue {
        guard let url = URL(string: path, relativeTo: baseURL.absoluteString.hasSuffix("/") ? baseURL : baseURL.appendingPathComponent("")) else {
            throw .invalidAnswer("bad address \(path)")
        }
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = method
        request.setValue("Bearer " + token, forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let data: Data
        let response: URLResponse
        let session = makeSession()
        defer { session.finishTasksAndInvalidate() }
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            throw .unreachable(error.localizedDescription)
        }
        guard let http = response as? HTTPURLResponse else { throw .invalidAnswer("not an HTTP answer") }
        let parsed = try? JSONParser.parse([UInt8](data))
        guard (200..<300).contains(http.statusCode) else {
            let message: String
            if case .string(let text)? = parsed?["error"]?["message"] { message = text } else { message = String(decoding: data.prefix(200), as: UTF8.self) }
            throw .status(http.statusCode, message)
        }
        guard let parsed else { throw .invalidAnswer("not JSON (\(data.count) bytes)") }
        return parsed
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

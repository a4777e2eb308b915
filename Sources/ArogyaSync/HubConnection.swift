import ArogyaCore
import ArogyaStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where this terminal uploads to and with what token: the hub's address in the store's settings, the
/// device token in a file beside the database that only its owner can read. Shared by `arogya hub
/// connect`, `arogya sync` and the Upload screen, which all find the hub the same way.
public enum HubConnection {
    /// Why there is no client to sync with.
    public enum Problem: Error, Equatable, Sendable {
        case notConnected
        case invalidAddress(String)
        /// Plain HTTP to another machine, which `hub connect` was not told to allow.
        case insecure(host: String)
        case tokenMissing

        public var message: UserMessage {
            switch self {
            case .notConnected: return UserMessage(.syncNotConnected)
            case .invalidAddress(let address): return UserMessage(.syncBadAddress, ["address": address])
            case .insecure(let host): return UserMessage(.syncRefusedInsecure, ["host": host])
            case .tokenMissing: return UserMessage(.syncTokenMissing)
            }
        }
    }

    /// Kept on the stored address when plain HTTP to another machine was allowed on purpose.
    static let insecureMarker = "#allow-insecure"

    public static func tokenPath(beside database: String) -> String { database + ".hub-token" }

    /// The address to show: without the marker.
    public static func displayAddress(_ stored: String) -> String {
        stored.replacingOccurrences(of: insecureMarker, with: "")
    }

    /// The address to store for `url`.
    public static func storedAddress(_ url: URL, allowInsecure: Bool) -> String {
        url.absoluteString + (allowInsecure ? insecureMarker : "")
    }

    /// Writes the token (mode 0600, replacing any earlier one).
    public static func saveToken(_ token: String, beside database: String) throws(UserMessage) {
        let file = tokenPath(beside: database)
        let descriptor = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw UserMessage(.syncTokenUnwritable, ["path": file, "reason": String(cString: strerror(errno))])
        }
        defer { close(descriptor) }
        // A file that existed with wider permissions keeps them through O_CREAT: narrow them.
        fchmod(descriptor, 0o600)
        let bytes = Array((token + "\n").utf8)
        guard write(descriptor, bytes, bytes.count) == bytes.count else {
            throw UserMessage(.syncTokenUnwritable, ["path": file, "reason": String(cString: strerror(errno))])
        }
    }

    /// A client for the stored hub, or why there is none. Read afresh each time, so that a `hub connect`
    /// made in another shell while the screen is open is used by the next sync.
    public static func client(store: AppDatabase, databasePath: String, timeout: TimeInterval = 30) throws(StoreError) -> Result<HubClient, Problem> {
        guard let stored = try store.hubURL() else { return .failure(.notConnected) }
        let allowInsecure = stored.hasSuffix(insecureMarker)
        let address = displayAddress(stored)
        guard let url = URL(string: address), url.host != nil else { return .failure(.invalidAddress(address)) }
        if HubClient.isInsecure(url) && !allowInsecure { return .failure(.insecure(host: url.host ?? address)) }
        guard let token = try? String(contentsOfFile: tokenPath(beside: databasePath), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty else {
            return .failure(.tokenMissing)
        }
        return .success(HubClient(baseURL: url, token: token, timeout: timeout))
    }
}

import Crypto

/// Links each audit row to the one before it with SHA-256, so that a row edited or deleted in the file
/// afterwards shows up when the chain is checked (`arogya audit verify`).
///
/// It makes tampering evident, not impossible: someone who rewrites the whole chain from the changed row
/// onwards is not caught locally. The hub keeps its own copy of what was uploaded.
public enum AuditChain {
    /// The `previous` link of the very first row.
    public static let genesis = String(repeating: "0", count: 64)

    public struct Entry: Sendable, Equatable {
        public let at: String
        public let actor: String
        public let action: String
        public let recordType: String?
        public let recordId: String?
        public let detail: String?

        public init(at: String, actor: String, action: String, recordType: String?, recordId: String?, detail: String?) {
            self.at = at
            self.actor = actor
            self.action = action
            self.recordType = recordType
            self.recordId = recordId
            self.detail = detail
        }
    }

    public static func link(previous: String, entry: Entry) -> String {
        // Fields are separated by a unit separator, which sanitised text never contains, and an absent
        // field differs from an empty one.
        let fields = [previous, entry.at, entry.actor, entry.action,
                      entry.recordType ?? "\u{0}", entry.recordId ?? "\u{0}", entry.detail ?? "\u{0}"]
        let digest = SHA256.hash(data: Array(fields.joined(separator: "\u{1F}").utf8))
        return digest.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}

import Crypto
import _CryptoExtras
import Foundation

/// Turns a PIN into a salted, slow hash and checks a PIN against one.
///
/// PBKDF2-HMAC-SHA256 from swift-crypto, with a 16-byte random salt per account. The stored text names
/// the algorithm and the rounds (`pbkdf2-sha256$310000$salt$hash`) so that the cost can be raised later
/// and old hashes still verify. A 4–6 digit PIN has at most a million values, so no hash can keep it
/// from someone holding a copy of the database: the hash only makes each guess cost something. What a
/// PIN protects is the use of the terminal, where five wrong guesses lock the account (README, Security).
public struct PinHasher: Sendable {
    /// Rounds for new hashes: about 0.1 s on this project's reference machine, well under a second on an
    /// old clinic PC. swift-crypto's checked API refuses fewer than 210,000.
    public static let defaultRounds = 310_000
    static let algorithm = "pbkdf2-sha256"

    public let rounds: Int

    public init(rounds: Int = PinHasher.defaultRounds) {
        self.rounds = rounds
    }

    /// A cheap hasher for tests only, where thousands of hashes would otherwise take minutes.
    public static let fastForTests = PinHasher(rounds: 1_000)

    public func hash(_ pin: String) -> String {
        var salt = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        for index in salt.indices { salt[index] = generator.next() }
        let derived = Self.derive(pin, salt: salt, rounds: rounds)
        return [Self.algorithm, String(rounds), Data(salt).base64EncodedString(), Data(derived).base64EncodedString()]
            .joined(separator: "$")
    }

    /// Whether `pin` matches `stored`. A stored text this build cannot read never matches.
    public func verify(_ pin: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == Self.algorithm, let rounds = Int(parts[1]), rounds > 0,
              let salt = Data(base64Encoded: String(parts[2])), let expected = Data(base64Encoded: String(parts[3])),
              !expected.isEmpty
        else { return false }
        let derived = Self.derive(pin, salt: Array(salt), rounds: rounds)
        return Self.constantTimeEqual(derived, Array(expected))
    }

    /// Whether a stored hash was made with fewer rounds than this hasher uses, so that it should be
    /// replaced after the next successful login.
    public func needsRehash(_ stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == Self.algorithm, let rounds = Int(parts[1]) else { return true }
        return rounds < self.rounds
    }

    private static func derive(_ pin: String, salt: [UInt8], rounds: Int) -> [UInt8] {
        // The unchecked entry point accepts the test hasher's low round count; production uses ≥ 210,000.
        // It throws only for parameters that are fixed here, so a failure is a programming error.
        let key = try? KDF.Insecure.PBKDF2.deriveKey(
            from: Array(pin.utf8), salt: salt, using: .sha256, outputByteCount: 32, unsafeUncheckedRounds: rounds)
        return key.map { $0.withUnsafeBytes { Array($0) } } ?? []
    }

    private static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count, !lhs.isEmpty else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}

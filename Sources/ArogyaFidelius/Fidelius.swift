import CFideliusCurve
import Crypto
import Foundation

/// ABDM's encryption of health records between a HIP (the sender) and an HIU (the requester), known as
/// Fidelius (abdm.md §5.5): ECDH on Curve25519 in short-Weierstrass form, HKDF-SHA256 over the shared X
/// coordinate, AES-256-GCM. Both nonces are XORed: the first 20 bytes salt the HKDF, the last 12 are GCM's
/// nonce. The text is base64 of ciphertext ‖ 16-byte tag, with no additional data.
public enum Fidelius {
    /// What one transfer's two key pairs and nonces give: the values either side computes alike.
    public struct Session: Sendable, Equatable {
        public let salt: [UInt8]
        public let iv: [UInt8]
        public let key: [UInt8]
    }

    /// The session as the side holding `ownKey` computes it with the other side's public key.
    public static func session(ownKey: FideliusPrivateKey, peerKey: FideliusPublicKey, senderNonce: FideliusNonce,
                               requesterNonce: FideliusNonce) throws(FideliusError) -> Session {
        var shared = [UInt8](repeating: 0, count: Int(FIDELIUS_FIELD_LENGTH))
        switch CurveStatus(fidelius_curve_shared_x(ownKey.scalar, ownKey.scalar.count, peerKey.point, &shared)) {
        case .ok: break
        case .badPoint: throw .invalidPublicKey("not a point of the curve's prime-order group")
        case .badScalar: throw .invalidPrivateKey
        default: throw .curveFailure
        }
        let xor = zip(senderNonce.bytes, requesterNonce.bytes).map { $0 ^ $1 }
        let salt = Array(xor.prefix(20))
        let iv = Array(xor.suffix(12))
        let key = HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: shared), salt: salt, info: [UInt8](), outputByteCount: 32)
        return Session(salt: salt, iv: iv, key: key.withUnsafeBytes { Array($0) })
    }

    /// The HIP's side: base64 of the ciphertext and tag.
    public static func encrypt(_ plaintext: [UInt8], senderKey: FideliusPrivateKey, senderNonce: FideliusNonce,
                               requesterKey: FideliusPublicKey, requesterNonce: FideliusNonce) throws(FideliusError) -> String {
        try encrypt(plaintext, session: session(ownKey: senderKey, peerKey: requesterKey, senderNonce: senderNonce, requesterNonce: requesterNonce))
    }

    /// Under a session already agreed: every document of one transfer shares its keys and nonces, so the
    /// curve's work is done once a transfer, not once a document.
    public static func encrypt(_ plaintext: [UInt8], session: Session) throws(FideliusError) -> String {
        do {
            let sealed = try AES.GCM.seal(plaintext, using: SymmetricKey(data: session.key), nonce: try AES.GCM.Nonce(data: session.iv))
            return Data(sealed.ciphertext + sealed.tag).base64EncodedString()
        } catch {
            throw .curveFailure
        }
    }

    /// The HIU's side: the plaintext of a base64 text, or `decryptionFailed` when it does not authenticate.
    public static func decrypt(_ text: String, requesterKey: FideliusPrivateKey, requesterNonce: FideliusNonce,
                               senderKey: FideliusPublicKey, senderNonce: FideliusNonce) throws(FideliusError) -> [UInt8] {
        let combined = try FideliusBase64.decode(text, what: "encrypted text")
        let tagLength = 16
        guard combined.count >= tagLength else { throw .wrongLength("encrypted text", expected: tagLength, found: combined.count) }
        let session = try session(ownKey: requesterKey, peerKey: senderKey, senderNonce: senderNonce, requesterNonce: requesterNonce)
        do {
            let box = try AES.GCM.SealedBox(nonce: try AES.GCM.Nonce(data: session.iv), ciphertext: combined.dropLast(tagLength),
                                            tag: combined.suffix(tagLength))
            return Array(try AES.GCM.open(box, using: SymmetricKey(data: session.key)))
        } catch {
            throw .decryptionFailed
        }
    }
}

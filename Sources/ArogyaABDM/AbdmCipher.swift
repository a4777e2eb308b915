import _CryptoExtras
import Foundation

/// ABDM's public key for the identifiers it wants encrypted (Aadhaar, OTPs, mobile, ABHA number), as
/// `GET /v3/profile/public/certificate` gives it: base64 DER without PEM armour (armour is accepted too).
///
/// Encryption is `RSA/ECB/OAEPWithSHA-1AndMGF1Padding`: OAEP with SHA-1 as both its digest and MGF1's,
/// no label, the result in standard base64. ABDM refuses PKCS#1 v1.5 and OAEP-SHA-256 with errors that do
/// not mention encryption, so this is the only padding offered.
public struct AbdmPublicKey: Sendable {
    /// The key's DER: BoringSSL's key object is not `Sendable`, so it is made again for each encryption.
    private let der: Data
    public let keySizeInBits: Int
    /// The key as ABDM sent it (base64 DER), for handing on to terminals.
    public let base64DER: String

    public struct Unreadable: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    public init(base64DER text: String) throws(Unreadable) {
        let body = text.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
            .filter { !$0.isWhitespace }
        guard let der = Data(base64Encoded: body) else { throw Unreadable(description: "the public key is not base64") }
        do {
            keySizeInBits = try _RSA.Encryption.PublicKey(derRepresentation: der).keySizeInBits
        } catch {
            throw Unreadable(description: "the public key is not an RSA key of 2048 bits or more: \(error)")
        }
        self.der = der
        base64DER = der.base64EncodedString()
    }

    /// `text` (its UTF-8) encrypted for ABDM, as ABDM wants it in a request body.
    public func encrypt(_ text: String) throws -> String {
        try _RSA.Encryption.PublicKey(derRepresentation: der).encrypt(Array(text.utf8), padding: .PKCS1_OAEP).base64EncodedString()
    }
}

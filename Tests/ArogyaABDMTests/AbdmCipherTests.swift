@testable import ArogyaABDM
import ArogyaABDMSimulator
import _CryptoExtras
import ArogyaTesting
import Foundation
import Testing

@Suite("RSA-OAEP-SHA1 for ABDM")
struct AbdmCipherTests {
    /// A 2048-bit key pair written as PEM for the `openssl` command line, which decrypts independently of swift-crypto.
    static func keyPair(in folder: TemporaryFolder) throws -> (publicBase64: String, privatePEM: String) {
        let key = try AbdmSimulator.generateKey(bits: 2048)
        let path = folder.file("key.pem")
        try key.pemRepresentation.write(toFile: path, atomically: true, encoding: .utf8)
        return (key.publicKey.derRepresentation.base64EncodedString(), path)
    }

    /// `openssl pkeyutl -decrypt` with the paddings given; nil when it refuses.
    static func openssl(decrypt base64: String, key: String, digest: String, mgf1: String, folder: TemporaryFolder) throws -> String? {
        let input = folder.file("cipher.bin")
        try Data(base64Encoded: base64)!.write(to: URL(fileURLWithPath: input))
        let run = try ChildProcess.run("/usr/bin/openssl", ["pkeyutl", "-decrypt", "-inkey", key, "-in", input,
                                                           "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:\(digest)",
                                                           "-pkeyopt", "rsa_mgf1_md:\(mgf1)"])
        return run.status == 0 ? run.stdout : nil
    }

    @Test("Given ABDM's public key as bare base64 DER, when an Aadhaar number is encrypted, then OpenSSL decrypts it with OAEP SHA-1 and MGF1-SHA-1, and not with SHA-256")
    func opensslDecryptsOaepSha1() throws {
        let folder = try TemporaryFolder()
        let (publicBase64, privatePEM) = try Self.keyPair(in: folder)
        let key = try AbdmPublicKey(base64DER: publicBase64)
        #expect(key.keySizeInBits == 2048)
        let cipher = try key.encrypt("234123412346")
        // OAEP is randomised: the same text never encrypts the same way twice.
        #expect(try key.encrypt("234123412346") != cipher)
        #expect(Data(base64Encoded: cipher)?.count == 256)
        #expect(try Self.openssl(decrypt: cipher, key: privatePEM, digest: "sha1", mgf1: "sha1", folder: folder) == "234123412346")
        #expect(try Self.openssl(decrypt: cipher, key: privatePEM, digest: "sha256", mgf1: "sha256", folder: folder) == nil)
        #expect(try Self.openssl(decrypt: cipher, key: privatePEM, digest: "sha1", mgf1: "sha256", folder: folder) == nil)
    }

    @Test("Given the key with PEM armour and line breaks, or a key that is not one, when read, then the first is the same key and the second is refused with why")
    func keyForms() throws {
        let key = try AbdmSimulator.generateKey(bits: 2048).publicKey
        let bare = key.derRepresentation.base64EncodedString()
        let armoured = try AbdmPublicKey(base64DER: key.pemRepresentation)
        #expect(armoured.base64DER == bare)
        #expect(throws: AbdmPublicKey.Unreadable.self) { try AbdmPublicKey(base64DER: "not base64 at all!") }
        #expect(throws: AbdmPublicKey.Unreadable.self) { try AbdmPublicKey(base64DER: Data("hello".utf8).base64EncodedString()) }
    }

    @Test("Given many keys that are not RSA keys, when each is refused, then the process lives on (swift-crypto before 4 freed such a key twice)")
    func refusingKeysManyTimes() {
        for length in 1...300 {
            let garbage = Data((0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37) }).base64EncodedString()
            #expect(throws: AbdmPublicKey.Unreadable.self) { try AbdmPublicKey(base64DER: garbage) }
        }
    }
}

import ArogyaFidelius
import ArogyaTesting
import Foundation
import Testing

extension Array where Element == UInt8 {
    var hex: String { map { String(format: "%02x", $0) }.joined() }
}

@Suite("Fidelius")
struct FideliusTests {
    typealias V = FideliusVector

    @Test("Given the vector's private keys, when their public keys are computed, then they are the vector's points and X.509 forms")
    func publicKeys() throws {
        #expect(try FideliusPrivateKey(base64: V.requesterPrivate).publicKey().base64 == V.requesterPublic)
        #expect(try FideliusPrivateKey(base64: V.senderPrivate).publicKey().base64 == V.senderPublic)
        #expect(try FideliusPrivateKey(base64: V.otherPrivate).publicKey().base64 == V.otherPublic)
        #expect(try FideliusPublicKey(base64: V.requesterPublic).x509Base64 == V.requesterX509)
    }

    @Test("Given a public key as a raw point or as X.509, when read, then both are the same key")
    func bothKeyForms() throws {
        #expect(try FideliusPublicKey(base64: V.requesterX509) == FideliusPublicKey(base64: V.requesterPublic))
        let other = try FideliusPublicKey(base64: V.otherPublic)
        #expect(try FideliusPublicKey(base64: other.x509Base64) == other)
    }

    @Test("Given the vector's keys and nonces, when the sender encrypts, then the salt, IV, key and text are the vector's, byte for byte")
    func encryptsTheVector() throws {
        let senderKey = try FideliusPrivateKey(base64: V.senderPrivate)
        let requesterKey = try FideliusPublicKey(base64: V.requesterPublic)
        let senderNonce = try FideliusNonce(base64: V.senderNonce), requesterNonce = try FideliusNonce(base64: V.requesterNonce)
        let session = try Fidelius.session(ownKey: senderKey, peerKey: requesterKey, senderNonce: senderNonce, requesterNonce: requesterNonce)
        #expect(session.salt.hex == V.salt)
        #expect(session.iv.hex == V.iv)
        #expect(session.key.hex == V.aesKey)
        let text = try Fidelius.encrypt(Array(V.plaintext.utf8), senderKey: senderKey, senderNonce: senderNonce,
                                        requesterKey: requesterKey, requesterNonce: requesterNonce)
        #expect(text == V.ciphertext)
        // To the requester's X.509 form, the same text.
        #expect(try Fidelius.encrypt(Array(V.plaintext.utf8), senderKey: senderKey, senderNonce: senderNonce,
                                     requesterKey: FideliusPublicKey(base64: V.requesterX509), requesterNonce: requesterNonce) == V.ciphertext)
    }

    @Test("Given the vector's text, when the requester decrypts with the sender's public key, then it is the plaintext")
    func decryptsTheVector() throws {
        let plain = try Fidelius.decrypt(V.ciphertext, requesterKey: FideliusPrivateKey(base64: V.requesterPrivate),
                                         requesterNonce: FideliusNonce(base64: V.requesterNonce),
                                         senderKey: FideliusPublicKey(base64: V.senderPublic), senderNonce: FideliusNonce(base64: V.senderNonce))
        #expect(String(decoding: plain, as: UTF8.self) == V.plaintext)
    }

    @Test("Given base64 with JSON escapes, \\/ and line breaks, when read, then it is the same value")
    func escapedBase64() throws {
        let escaped = V.requesterPublic.replacingOccurrences(of: "+", with: "\\u002B").replacingOccurrences(of: "/", with: "\\/")
        #expect(try FideliusPublicKey(base64: escaped).base64 == V.requesterPublic)
        let broken = String(V.requesterX509.prefix(64)) + "\n" + String(V.requesterX509.dropFirst(64)).replacingOccurrences(of: "=", with: "\\u003d")
        #expect(try FideliusPublicKey(base64: broken).base64 == V.requesterPublic)
        #expect(try FideliusNonce(base64: V.senderNonce.replacingOccurrences(of: "+", with: "\\u002b")).base64 == V.senderNonce)
    }

    @Test("Given fresh key material on both sides, when a text goes from one to the other, then it decrypts, and each pair and nonce is new")
    func freshKeysRoundTrip() throws {
        let hip = try FideliusKeyMaterial.generate(), hiu = try FideliusKeyMaterial.generate()
        #expect(hip.privateKey != hiu.privateKey && hip.nonce != hiu.nonce)
        let document = Array("{\"resourceType\":\"Bundle\",\"name\":\"सीता देवी\"}".utf8)
        let text = try Fidelius.encrypt(document, senderKey: hip.privateKey, senderNonce: hip.nonce,
                                        requesterKey: hiu.publicKey, requesterNonce: hiu.nonce)
        // What the HIU receives: the HIP's key as X.509 (what a HIP sends), its nonce.
        let received = try FideliusPublicKey(base64: hip.publicKey.x509Base64)
        #expect(try Fidelius.decrypt(text, requesterKey: hiu.privateKey, requesterNonce: hiu.nonce, senderKey: received,
                                     senderNonce: hip.nonce) == document)
        #expect(try FideliusPrivateKey(base64: hip.privateKey.base64) == hip.privateKey)
    }

    @Test("Given a wrong nonce, another key or a changed byte, when decrypted, then it is refused, never wrong text")
    func refusesWhatDoesNotAuthenticate() throws {
        let requesterKey = try FideliusPrivateKey(base64: V.requesterPrivate), requesterNonce = try FideliusNonce(base64: V.requesterNonce)
        let senderKey = try FideliusPublicKey(base64: V.senderPublic), senderNonce = try FideliusNonce(base64: V.senderNonce)
        #expect(throws: FideliusError.decryptionFailed) {
            try Fidelius.decrypt(V.ciphertext, requesterKey: requesterKey, requesterNonce: senderNonce, senderKey: senderKey, senderNonce: senderNonce)
        }
        #expect(throws: FideliusError.decryptionFailed) {
            try Fidelius.decrypt(V.ciphertext, requesterKey: FideliusPrivateKey(base64: V.otherPrivate), requesterNonce: requesterNonce,
                                 senderKey: senderKey, senderNonce: senderNonce)
        }
        var bytes = Array(Data(base64Encoded: V.ciphertext)!)
        bytes[5] ^= 1
        #expect(throws: FideliusError.decryptionFailed) {
            try Fidelius.decrypt(Data(bytes).base64EncodedString(), requesterKey: requesterKey, requesterNonce: requesterNonce,
                                 senderKey: senderKey, senderNonce: senderNonce)
        }
    }

    @Test("Given keys and nonces that are not valid, when read, then each is refused with what is wrong")
    func refusesBadValues() throws {
        var offCurve = Array(Data(base64Encoded: V.requesterPublic)!)
        offCurve[40] ^= 1
        #expect(throws: FideliusError.self) { try FideliusPublicKey(point: offCurve) }
        #expect { try FideliusPublicKey(base64: V.orderTwoPoint) } throws: { error in
            (error as? FideliusError)?.description.contains("prime-order") == true
        }
        #expect(throws: FideliusError.invalidPrivateKey) { try FideliusPrivateKey(scalar: [0]) }
        // The order itself is one too many.
        let order = Array(Data(base64Encoded: "EAAAAAAAAAAAAAAAAAAAABTe+d6i95zWWBJjGlz10+0=")!)
        #expect(throws: FideliusError.invalidPrivateKey) { try FideliusPrivateKey(scalar: order) }
        #expect(throws: FideliusError.wrongLength("nonce", expected: 32, found: 16)) {
            try FideliusNonce(base64: Data(count: 16).base64EncodedString())
        }
        #expect(throws: FideliusError.notBase64("public key")) { try FideliusPublicKey(base64: "not a key!") }
        // A P-256 key in X.509: another curve.
        let p256 = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEXv8Ctm2nD1m1X0bOXFzBXw8wsYHUAxZmTGJ8nXUpx7dpHmM9IQJSlbmtcxvNwRFDMaUrCRhzJGi2Q0AJDEbkBw=="
        #expect { try FideliusPublicKey(base64: p256) } throws: { error in
            (error as? FideliusError)?.description.contains("Curve25519") == true
        }
    }
}

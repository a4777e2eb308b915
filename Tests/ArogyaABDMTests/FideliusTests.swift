import ArogyaFidelius
import Foundation
import Testing

/// The cross-check vector of abdm.md §5.5 (fidelius-cli's README, reproduced with abdm-ecdh), byte for byte.
enum FideliusVector {
    static let requesterPrivate = "DMxHPri8d7IT23KgLk281zZenMfVHSdeamq0RhwlIBk="
    static let requesterPublic = "BAheD5rUqTy4V5xR4/6HWmYpopu5CO+KO8BECS0udNqUTSNo91TIqIIy1A4Vh+F94c+n9vAcwXU2bGcfsI5f69Y="
    static let requesterX509 = "MIIBMTCB6gYHKoZIzj0CATCB3gIBATArBgcqhkjOPQEBAiB/////////////////////////////////////////7TBEBCAqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqYSRShRAQge0Je0Je0Je0Je0Je0Je0Je0Je0Je0Je0JgtenHcQyGQEQQQqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq0kWiCuGaG4oIa04B7dLHdI0UySPU1+bXxhsinpxaJ+ztPZAiAQAAAAAAAAAAAAAAAAAAAAFN753qL3nNZYEmMaXPXT7QIBCANCAAQIXg+a1Kk8uFecUeP+h1pmKaKbuQjvijvARAktLnTalE0jaPdUyKiCMtQOFYfhfeHPp/bwHMF1NmxnH7COX+vW"
    static let requesterNonce = "6uj1RdDUbcpI3lVMZvijkMC8Te20O4Bcyz0SyivX8Eg="
    static let senderPrivate = "AYhVZpbVeX4KS5Qm/W0+9Ye2q3rnVVGmqRICmseWni4="
    static let senderPublic = "BABVt+mpRLMXiQpIfEq6bj8hlXsdtXIxLsspmMgLNI1SR5mHgDVbjHO2A+U4QlMddGzqyEidzm1AkhtSxSO2Ahg="
    static let senderNonce = "lmXgblZwotx+DfBgKJF0lZXtAXgBEYr5khh79Zytr2Y="
    static let plaintext = "Wormtail should never have been Potter cottage's secret keeper."
    static let ciphertext = "pzMvVZNNVtJzqPkkxcCbBUWgDEBy/mBXIeT2dJWI16ZAQnnXUb9lI+S4k8XK6mgZSKKSRIHkcNvJpllnBg548wUgavBa0vCRRwdL6kY6Yw=="
    static let salt = "7c8d152b86a4cf1636d3a52c4e69d70555514c95"
    static let iv = "b52a0aa55925693fb77a5f2e"
    static let aesKey = "c1e1aa56e80509ac195d4baa4d8df060b639f6b1b8b560af6a4e80b884810d97"
    /// A second key pair fidelius-cli printed (in a public integration's fixture).
    static let otherPrivate = "CZ6Y/f4Ht+C7m3WufYDBa9RIT7ujI7+5FEj7hSiL0w8="
    static let otherPublic = "BEUNCQ6gZLmYy06b5FQCcC1CJbDVFSdimVfBssegTH5VDks6MEV35tKHqth87Ov+ipfGRMUC9kwxBQafDVYpUnw="
    /// The point of order two, (A/3, 0): on the curve, outside its prime-order group.
    static let orderTwoPoint = "BCqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqrSRRAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
}

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

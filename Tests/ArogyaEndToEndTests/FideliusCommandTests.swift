import ArogyaCore
import ArogyaTesting
import Foundation
import Testing

@Suite("arogya-hub fidelius")
struct FideliusCommandTests {
    typealias V = FideliusVector

    static func fidelius(_ arguments: [String], stdin: String = "") throws -> ChildProcess.Result {
        try ChildProcess.run(SyncEndToEndTests.hubBinary, ["fidelius"] + arguments, stdin: stdin)
    }

    @Test("Given the vector, when encrypted and decrypted on the command line, then the text and the plaintext are the vector's")
    func vector() throws {
        let encrypted = try Self.fidelius(["encrypt", "--sender-private-key", V.senderPrivate, "--sender-nonce", V.senderNonce,
                                           "--requester-public-key", V.requesterX509, "--requester-nonce", V.requesterNonce],
                                          stdin: V.plaintext)
        #expect(encrypted.status == 0)
        #expect(encrypted.stdout == V.ciphertext + "\n")
        // The sender's key as JSON may carry it, escaped.
        let decrypted = try Self.fidelius(["decrypt", "--requester-private-key", V.requesterPrivate, "--requester-nonce", V.requesterNonce,
                                           "--sender-public-key", V.senderPublic.replacingOccurrences(of: "+", with: "\\u002B"),
                                           "--sender-nonce", V.senderNonce], stdin: V.ciphertext + "\n")
        #expect(decrypted.status == 0)
        #expect(decrypted.stdout == V.plaintext)
    }

    @Test("Given two key pairs from keygen --json, when one encrypts to the other, then the other decrypts it")
    func keygenRoundTrip() throws {
        func material() throws -> [String: String] {
            let run = try Self.fidelius(["keygen", "--json"])
            #expect(run.status == 0)
            guard case .object(let members) = try JSONParser.parse(run.stdout) else { Issue.record("not an object"); return [:] }
            #expect(members.map(\.key) == ["private_key", "public_key", "x509_public_key", "nonce"])
            return Dictionary(uniqueKeysWithValues: members.compactMap { member in
                if case .string(let value) = member.value { (member.key, value) } else { nil }
            })
        }
        let hip = try material(), hiu = try material()
        let document = "{\"resourceType\":\"Bundle\",\"name\":\"सीता देवी\"}"
        let encrypted = try Self.fidelius(["encrypt", "--sender-private-key", hip["private_key"]!, "--sender-nonce", hip["nonce"]!,
                                           "--requester-public-key", hiu["public_key"]!, "--requester-nonce", hiu["nonce"]!], stdin: document)
        let decrypted = try Self.fidelius(["decrypt", "--requester-private-key", hiu["private_key"]!, "--requester-nonce", hiu["nonce"]!,
                                           "--sender-public-key", hip["x509_public_key"]!, "--sender-nonce", hip["nonce"]!],
                                          stdin: encrypted.stdout)
        #expect(decrypted.status == 0)
        #expect(decrypted.stdout == document)
    }

    @Test("Given a wrong nonce or a key that is not one, when decrypting, then exit 1 says what is wrong and prints no plaintext")
    func refusals() throws {
        let wrongNonce = try Self.fidelius(["decrypt", "--requester-private-key", V.requesterPrivate, "--requester-nonce", V.senderNonce,
                                            "--sender-public-key", V.senderPublic, "--sender-nonce", V.senderNonce], stdin: V.ciphertext)
        #expect(wrongNonce.status == 1)
        #expect(wrongNonce.stdout.isEmpty)
        #expect(wrongNonce.stderr.contains("does not decrypt"))
        let badKey = try Self.fidelius(["encrypt", "--sender-private-key", V.senderPrivate, "--sender-nonce", V.senderNonce,
                                        "--requester-public-key", V.orderTwoPoint, "--requester-nonce", V.requesterNonce], stdin: "x")
        #expect(badKey.status == 1)
        #expect(badKey.stderr.contains("public key"))
    }
}

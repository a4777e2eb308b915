import ArgumentParser
import ArogyaCore
import ArogyaFidelius
import Foundation

/// `arogya-hub fidelius`: ABDM's Fidelius encryption on the command line, to check the hub against other
/// implementations (fidelius-cli, abdm-ecdh) and to read what a HIU was sent.
struct FideliusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fidelius",
        abstract: "ABDM's Fidelius encryption (ECDH on Curve25519, HKDF-SHA256, AES-256-GCM): make keys, encrypt, decrypt.",
        discussion: """
            Keys and nonces are base64. A public key may be the raw uncompressed point (88 characters) or X.509; \
            base64 inside JSON escapes (\\u002B, \\/) is read as well. Exit 1, with why on standard error, when a \
            key, nonce or text is refused.
            """,
        subcommands: [Keygen.self, Encrypt.self, Decrypt.self])

    struct Keygen: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A fresh key pair and nonce: private_key, public_key, x509_public_key, nonce.")
        @Flag(help: "Print one JSON object.") var json = false

        func run() throws {
            let material = try refusingWithExit { () throws(FideliusError) in try FideliusKeyMaterial.generate() }
            let fields: [(String, String)] = [("private_key", material.privateKey.base64), ("public_key", material.publicKey.base64),
                                             ("x509_public_key", material.publicKey.x509Base64), ("nonce", material.nonce.base64)]
            if json {
                print(JSONValue.object(fields.map { ($0.0, JSONValue.string($0.1)) }).serialized(pretty: true))
            } else {
                for (name, value) in fields { print(name.padding(toLength: 16, withPad: " ", startingAt: 0) + value) }
            }
        }
    }

    struct Encrypt: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Encrypt standard input as the sender (the HIP) and print the base64 text.")
        @Option(help: "The sender's private key.") var senderPrivateKey: String
        @Option(help: "The sender's nonce.") var senderNonce: String
        @Option(help: "The requester's public key (raw point or X.509).") var requesterPublicKey: String
        @Option(help: "The requester's nonce.") var requesterNonce: String

        func run() throws {
            let plaintext = Array(FileHandle.standardInput.readDataToEndOfFile())
            let text = try refusingWithExit { () throws(FideliusError) in
                try Fidelius.encrypt(plaintext, senderKey: FideliusPrivateKey(base64: senderPrivateKey),
                                     senderNonce: FideliusNonce(base64: senderNonce),
                                     requesterKey: FideliusPublicKey(base64: requesterPublicKey),
                                     requesterNonce: FideliusNonce(base64: requesterNonce))
            }
            print(text)
        }
    }

    struct Decrypt: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decrypt a base64 text on standard input as the requester (the HIU) and print the plaintext.")
        @Option(help: "The requester's private key.") var requesterPrivateKey: String
        @Option(help: "The requester's nonce.") var requesterNonce: String
        @Option(help: "The sender's public key (raw point or X.509).") var senderPublicKey: String
        @Option(help: "The sender's nonce.") var senderNonce: String

        func run() throws {
            let text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            let plaintext = try refusingWithExit { () throws(FideliusError) in
                try Fidelius.decrypt(text, requesterKey: FideliusPrivateKey(base64: requesterPrivateKey),
                                     requesterNonce: FideliusNonce(base64: requesterNonce),
                                     senderKey: FideliusPublicKey(base64: senderPublicKey),
                                     senderNonce: FideliusNonce(base64: senderNonce))
            }
            FileHandle.standardOutput.write(Data(plaintext))
        }
    }
}

/// A refused key, nonce or text as one line on standard error and exit 1.
private func refusingWithExit<T>(_ body: () throws(FideliusError) -> T) throws -> T {
    do {
        return try body()
    } catch {
        FileHandle.standardError.write(Data("arogya-hub fidelius: \(error)\n".utf8))
        throw ExitCode(1)
    }
}

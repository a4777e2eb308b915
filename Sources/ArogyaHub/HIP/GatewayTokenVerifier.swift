import _CryptoExtras
import ArogyaCore
import Crypto
import Foundation

/// Checks that a request to the bridge comes from ABDM's gateway: its `Authorization: Bearer` token is a
/// JWT signed (RS256) by one of the keys the gateway publishes at its certificate URL (a JWKS; the exact
/// path is a setting, `gateway_certs_url`, as it is unconfirmed), and it has not expired. The keys are
/// kept for an hour, and asked for again (at most once a minute) when a token names a key not held.
public actor GatewayTokenVerifier {
    public enum Refusal: Error, Equatable, CustomStringConvertible {
        case missing
        case malformed(String)
        case unknownKey(String)
        case badSignature
        case expired
        /// The gateway's keys could not be had: the request cannot be trusted.
        case keysUnavailable(String)

        public var description: String {
            switch self {
            case .missing: "no gateway token (Authorization: Bearer)"
            case .malformed(let why): "the gateway token is not a JWT: \(why)"
            case .unknownKey(let kid): "the gateway token is signed with a key the gateway does not publish (\(kid))"
            case .badSignature: "the gateway token's signature does not verify"
            case .expired: "the gateway token has expired"
            case .keysUnavailable(let why): "the gateway's keys could not be read: \(why)"
            }
        }
    }

    let certsURL: String
    let transport: any AbdmTransport
    let clock: WallClock
    private var keys: [String: _RSA.Signing.PublicKey] = [:]
    private var fetchedAt: Timestamp?
    static let keysLifetimeSeconds: Int64 = 3600
    static let refetchPauseSeconds: Int64 = 60
    /// Clocks differ a little between ABDM and a clinic's server.
    static let leewaySeconds: Int64 = 60

    public init(certsURL: String, transport: any AbdmTransport, clock: WallClock = .system) {
        self.certsURL = certsURL
        self.transport = transport
        self.clock = clock
    }

    public func verify(authorization: String?) async throws(Refusal) {
        guard let authorization, authorization.hasPrefix("Bearer ") || authorization.hasPrefix("bearer ") else { throw .missing }
        let token = String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = Base64URL.decode(parts[0]), let claimsBytes = Base64URL.decode(parts[1]),
              let signature = Base64URL.decode(parts[2]),
              let header = try? JSONParser.parse(headerBytes), let claims = try? JSONParser.parse(claimsBytes) else {
            throw .malformed("three base64url parts of JSON, JSON and a signature")
        }
        guard header["alg"] == .string("RS256") else { throw .malformed("alg must be RS256") }
        let kid: String? = { if case .string(let id)? = header["kid"] { return id }; return nil }()
        let candidates = try await keys(for: kid)
        let signed = Array((parts[0] + "." + parts[1]).utf8)
        let digest = SHA256.hash(data: signed)
        let valid = candidates.contains { key in
            key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: digest, padding: .insecurePKCS1v1_5)
        }
        guard valid else { throw .badSignature }
        let expiry: Int64?
        switch claims["exp"] {
        case .integer(let seconds)?: expiry = seconds
        case .number(let seconds)?: expiry = Int64(seconds)
        default: expiry = nil
        }
        guard let expiry else { throw .malformed("no exp") }
        if expiry + Self.leewaySeconds < clock.now().millisecondsSince1970 / 1000 { throw .expired }
    }

    private func keys(for kid: String?) async throws(Refusal) -> [_RSA.Signing.PublicKey] {
        let now = clock.now()
        let stale = fetchedAt.map { $0.adding(seconds: Self.keysLifetimeSeconds) <= now } ?? true
        let unknown = kid.map { keys[$0] == nil } ?? false
        let mayRefetch = fetchedAt.map { $0.adding(seconds: Self.refetchPauseSeconds) <= now } ?? true
        if stale || (unknown && mayRefetch) { try await fetch() }
        if let kid {
            guard let key = keys[kid] else { throw .unknownKey(kid) }
            return [key]
        }
        return Array(keys.values)
    }

    private func fetch() async throws(Refusal) {
        let status: Int, body: [UInt8]
        do {
            (status, body) = try await transport.send(method: .get, url: certsURL, headers: [("Accept", "application/json")], body: nil, timeout: 20)
        } catch {
            if fetchedAt != nil { return }
            throw .keysUnavailable(error.description)
        }
        guard (200..<300).contains(status), let document = try? JSONParser.parse(body), case .array(let list)? = document["keys"] else {
            if fetchedAt != nil { return }
            throw .keysUnavailable("HTTP \(status), no keys")
        }
        var read: [String: _RSA.Signing.PublicKey] = [:]
        for (index, jwk) in list.enumerated() {
            guard jwk["kty"] == .string("RSA"), case .string(let n)? = jwk["n"], case .string(let e)? = jwk["e"],
                  let modulus = Base64URL.decode(Substring(n)), let exponent = Base64URL.decode(Substring(e)),
                  let key = try? _RSA.Signing.PublicKey(n: modulus, e: exponent) else { continue }
            let kid: String = { if case .string(let id)? = jwk["kid"] { return id }; return "#\(index)" }()
            read[kid] = key
        }
        guard !read.isEmpty else {
            if fetchedAt != nil { return }
            throw .keysUnavailable("no RSA key among the gateway's keys")
        }
        keys = read
        fetchedAt = clock.now()
    }
}

/// Base64url without padding, as JWTs and JWKs write it.
public enum Base64URL {
    public static func decode(_ text: Substring) -> [UInt8]? {
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.count % 4 != 0 { standard += "=" }
        return Data(base64Encoded: standard).map(Array.init)
    }

    public static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

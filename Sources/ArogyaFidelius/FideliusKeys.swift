import CFideliusCurve
import Foundation

/// Why a Fidelius key, nonce or text was refused; each says which value and what was wrong with it.
public enum FideliusError: Error, Equatable, CustomStringConvertible {
    case notBase64(String)
    case wrongLength(String, expected: Int, found: Int)
    /// A private key of zero, or not below the curve's order.
    case invalidPrivateKey
    /// Not a point of the curve's prime-order subgroup, or an X.509 key of another curve.
    case invalidPublicKey(String)
    /// The text did not authenticate: another key or nonce was used, or the text was damaged.
    case decryptionFailed
    /// OpenSSL could not do the arithmetic (memory, randomness).
    case curveFailure

    public var description: String {
        switch self {
        case .notBase64(let what): "\(what): not base64"
        case .wrongLength(let what, let expected, let found): "\(what): expected \(expected) bytes, found \(found)"
        case .invalidPrivateKey: "private key: not a scalar between 1 and the curve's order"
        case .invalidPublicKey(let why): "public key: \(why)"
        case .decryptionFailed: "the text does not decrypt with these keys and nonces (a wrong key or nonce, or a damaged text)"
        case .curveFailure: "the curve arithmetic failed"
        }
    }
}

/// What a call into the curve's C side answered.
enum CurveStatus: Equatable {
    case ok, badPoint, badScalar, badDER, failed

    init(_ code: Int32) {
        switch Int(code) {
        case FIDELIUS_CURVE_OK: self = .ok
        case FIDELIUS_CURVE_BAD_POINT: self = .badPoint
        case FIDELIUS_CURVE_BAD_SCALAR: self = .badScalar
        case FIDELIUS_CURVE_BAD_DER: self = .badDER
        default: self = .failed
        }
    }
}

/// Base64 as ABDM's partners send it: standard alphabet, perhaps inside JSON with `\u002B`-style escapes
/// or `\/` left in, perhaps with line breaks (abdm.md §8).
enum FideliusBase64 {
    static func decode(_ text: String, what: String) throws(FideliusError) -> [UInt8] {
        var cleaned = ""
        var scalars = Array(text.unicodeScalars)[...]
        while let scalar = scalars.popFirst() {
            if scalar == "\\" {
                if scalars.first == "/" {
                    scalars.removeFirst()
                    cleaned.append("/")
                    continue
                }
                if scalars.first == "u" || scalars.first == "U", scalars.count >= 5,
                   let code = UInt32(String(String.UnicodeScalarView(scalars.dropFirst().prefix(4))), radix: 16),
                   let unescaped = Unicode.Scalar(code) {
                    scalars.removeFirst(5)
                    cleaned.unicodeScalars.append(unescaped)
                    continue
                }
                throw .notBase64(what)
            }
            if scalar.properties.isWhitespace { continue }
            cleaned.unicodeScalars.append(scalar)
        }
        guard !cleaned.isEmpty, let data = Data(base64Encoded: cleaned) else { throw .notBase64(what) }
        return Array(data)
    }
}

/// A private key: a big-endian scalar, as Java's `BigInteger.toByteArray` writes it (a leading zero byte
/// allowed, leading zeros dropped).
public struct FideliusPrivateKey: Sendable, Equatable {
    public let scalar: [UInt8]

    public init(scalar: [UInt8]) throws(FideliusError) {
        // Checked here once, so that every later use is of a valid scalar.
        _ = try Self.point(of: scalar)
        self.scalar = scalar
    }

    public init(base64: String) throws(FideliusError) {
        let bytes = try FideliusBase64.decode(base64, what: "private key")
        guard bytes.count <= 33 else { throw .wrongLength("private key", expected: 32, found: bytes.count) }
        try self.init(scalar: bytes)
    }

    /// A new key from OpenSSL's random generator, uniform in [1, order − 1].
    public static func random() throws(FideliusError) -> FideliusPrivateKey {
        var scalar = [UInt8](repeating: 0, count: Int(FIDELIUS_FIELD_LENGTH))
        guard CurveStatus(fidelius_curve_random_scalar(&scalar)) == .ok else { throw .curveFailure }
        return try FideliusPrivateKey(scalar: scalar)
    }

    /// The scalar in 32 bytes, base64.
    public var base64: String {
        let significant = scalar.drop { $0 == 0 }
        return Data([UInt8](repeating: 0, count: max(0, 32 - significant.count)) + significant).base64EncodedString()
    }

    public func publicKey() throws(FideliusError) -> FideliusPublicKey {
        FideliusPublicKey(checkedPoint: try Self.point(of: scalar))
    }

    static func point(of scalar: [UInt8]) throws(FideliusError) -> [UInt8] {
        var point = [UInt8](repeating: 0, count: Int(FIDELIUS_POINT_LENGTH))
        switch CurveStatus(fidelius_curve_public_point(scalar, scalar.count, &point)) {
        case .ok: return point
        case .badScalar: throw .invalidPrivateKey
        default: throw .curveFailure
        }
    }
}

/// A public key: a point of the curve's prime-order subgroup, read from either form ABDM's partners send
/// (the raw uncompressed point, 65 bytes; or X.509 SubjectPublicKeyInfo with the curve spelled out).
public struct FideliusPublicKey: Sendable, Equatable {
    /// `04 ‖ X ‖ Y`.
    public let point: [UInt8]

    init(checkedPoint: [UInt8]) { point = checkedPoint }

    public init(point: [UInt8]) throws(FideliusError) {
        guard point.count == Int(FIDELIUS_POINT_LENGTH), point.first == 0x04 else {
            throw .invalidPublicKey("expected an uncompressed point of 65 bytes starting 04, or an X.509 key")
        }
        // Encoding it checks it: on the curve, not infinity, in the prime-order subgroup.
        _ = try Self.x509(of: point)
        self.point = point
    }

    /// A raw point (65 bytes, 88 base64 characters) or an X.509 key: both are accepted, as abdm.md §5.5 advises.
    public init(base64: String) throws(FideliusError) {
        let bytes = try FideliusBase64.decode(base64, what: "public key")
        if bytes.count == Int(FIDELIUS_POINT_LENGTH) && bytes.first == 0x04 {
            try self.init(point: bytes)
            return
        }
        guard bytes.first == 0x30 else {
            throw .invalidPublicKey("expected an uncompressed point of 65 bytes starting 04, or an X.509 key")
        }
        var point = [UInt8](repeating: 0, count: Int(FIDELIUS_POINT_LENGTH))
        switch CurveStatus(fidelius_curve_point_from_x509(bytes, bytes.count, &point)) {
        case .ok: self.init(checkedPoint: point)
        case .badPoint: throw .invalidPublicKey("the X.509 key's point is not in the curve's prime-order group")
        case .badDER: throw .invalidPublicKey("not an X.509 key on Curve25519 (Weierstrass form)")
        default: throw .curveFailure
        }
    }

    /// The raw point, base64 (88 characters).
    public var base64: String { Data(point).base64EncodedString() }

    /// X.509 SubjectPublicKeyInfo with explicit parameters, as BouncyCastle's `getEncoded()` writes it.
    public var x509: [UInt8] {
        // The point was checked when this key was made, so encoding cannot be refused.
        (try? Self.x509(of: point)) ?? []
    }

    public var x509Base64: String { Data(x509).base64EncodedString() }

    static func x509(of point: [UInt8]) throws(FideliusError) -> [UInt8] {
        var der = [UInt8](repeating: 0, count: 512)
        var length = der.count
        switch CurveStatus(fidelius_curve_x509_from_point(point, &der, &length)) {
        case .ok: return Array(der.prefix(length))
        case .badPoint: throw .invalidPublicKey("not a point of the curve's prime-order group")
        default: throw .curveFailure
        }
    }
}

/// 32 random bytes each side contributes to a transfer.
public struct FideliusNonce: Sendable, Equatable {
    public static let length = 32
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) throws(FideliusError) {
        guard bytes.count == Self.length else { throw .wrongLength("nonce", expected: Self.length, found: bytes.count) }
        self.bytes = bytes
    }

    public init(base64: String) throws(FideliusError) {
        try self.init(bytes: try FideliusBase64.decode(base64, what: "nonce"))
    }

    public static func random() -> FideliusNonce {
        var generator = SystemRandomNumberGenerator()
        return FideliusNonce(unchecked: (0..<length).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    private init(unchecked bytes: [UInt8]) { self.bytes = bytes }

    public var base64: String { Data(bytes).base64EncodedString() }
}

/// One side's key pair and nonce for one transfer: a fresh one every time (abdm.md §8).
public struct FideliusKeyMaterial: Sendable {
    public let privateKey: FideliusPrivateKey
    public let publicKey: FideliusPublicKey
    public let nonce: FideliusNonce

    public static func generate() throws(FideliusError) -> FideliusKeyMaterial {
        let privateKey = try FideliusPrivateKey.random()
        return FideliusKeyMaterial(privateKey: privateKey, publicKey: try privateKey.publicKey(), nonce: .random())
    }
}

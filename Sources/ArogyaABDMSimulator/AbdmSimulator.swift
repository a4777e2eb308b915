import _CryptoExtras
import ArogyaABDM
import ArogyaCore
import Foundation
import HTTPTypes
import Hummingbird

/// A fault the simulator injects on request, to see every failure a worker may meet.
public enum SimulatorFault: String, CaseIterable, Sendable {
    /// Every OTP is taken as wrong.
    case wrongOtp = "wrong-otp"
    /// Every step after the first says its transaction is not valid (it expired).
    case expiredTransaction = "expired-txn"
    /// OTP requests are refused as too many (HTTP 429, `ABDM-1022`).
    case rateLimit = "rate-limit"
    /// Every ABHA call fails with HTTP 500.
    case serverError = "500"
    /// Every ABHA call answers only after `slowSeconds`.
    case slow
}

public struct SimulatorSettings: Sendable {
    /// The OTP every "SMS" carries; the simulator prints it as it "sends" one.
    public var otp = "123456"
    public var clientId = "arogya-simulator"
    public var clientSecret = "simulator-secret"
    /// The gateway session's life, as `expiresIn`.
    public var tokenSeconds = 600
    public var fault: SimulatorFault?
    public var slowSeconds = 30.0
    /// Wrong OTPs allowed in one transaction before ABDM asks for a new one (`ABDM-1100`).
    public var otpAttempts = 3
    public var people = SimulatedResident.builtIn
    /// RSA key size: ABDM's is 4096 bits.
    public var keyBits = 4096
    /// The HIP's bridge, where the gateway sends its answers (ABDM keeps one per client): `http://HOST:PORT`.
    public var bridgeURL: String?
    /// How long the gateway takes to answer at the bridge.
    public var callbackDelaySeconds = 0.05
    /// Answers at the bridge lost on purpose.
    public var callbackFault: SimulatorCallbackFault?

    public init() {}
}

/// A local stand-in for ABDM: the gateway's session call and the ABHA v3 calls Arogya makes, with the
/// same paths, headers, encryption and error shapes (abdm.md §§2–4, 8). It decrypts what it is sent with
/// its own RSA key, checks Aadhaar numbers with Verhoeff, and keeps what it creates in memory.
/// It is named as a simulator everywhere and is never a default: a hub talks to it only through an
/// `--abdm-config` that points at it.
public actor AbdmSimulator {
    public static let gatewayPrefix = "/api/hiecm"
    public static let abhaPrefix = "/abha/api"

    let settings: SimulatorSettings
    let privateKey: _RSA.Encryption.PrivateKey
    let clock: WallClock
    /// Prints what a real network would carry to the patient (the OTP "SMS"), for the person trying it.
    let announce: @Sendable (String) -> Void
    var fault: SimulatorFault?

    struct Transaction {
        enum Purpose { case enrolment, enrolmentMobile, login, addressLogin }
        var purpose: Purpose
        var aadhaar: String?
        var mobile: String?
        var abhaNumber: String?
        var scope: [String]
        var wrongTries = 0
        var verified = false
        let startedAt: Timestamp
    }

    struct Account {
        var resident: SimulatedResident
        let abhaNumber: String
        var mobile: String
        var addresses: [String]
    }

    /// The key the gateway signs its requests to bridges with (RS256).
    nonisolated let signingKey: _RSA.Signing.PrivateKey
    var callbackFault: SimulatorCallbackFault?
    var bridgeURL: String?
    var ownURL: String?
    var transfers: [String: SimulatedTransfer] = [:]
    var consentAcknowledgements: [String] = []
    var bridgeAnswers: [String: JSONValue] = [:]
    var pushFault: SimulatedPushFault?
    var pushRefusals = 0
    var linkTokens: [String: (address: String, hip: String, expires: Timestamp)] = [:]
    var linkedContexts: [String: [SimulatedLink]] = [:]
    var extraAddresses: Set<String> = []
    var answersDue = 0
    var callbacks: [(path: String, status: Int?)] = []
    /// Context notifications received (the optional step after linking).
    public internal(set) var contextNotifications = 0

    var accessTokens: [String: Timestamp] = [:]
    var transactions: [String: Transaction] = [:]
    var accounts: [String: Account] = [:]
    var userTokens: [String: String] = [:]
    /// Each call's path and REQUEST-ID, in order: what a test or the benchmark counts.
    public private(set) var calls: [(path: String, requestId: String)] = []

    public init(settings: SimulatorSettings = SimulatorSettings(), clock: WallClock = .system,
                announce: @escaping @Sendable (String) -> Void = { print($0) }) throws {
        self.settings = settings
        self.clock = clock
        self.announce = announce
        self.fault = settings.fault
        privateKey = try Self.processKey(bits: settings.keyBits)
        signingKey = try _RSA.Signing.PrivateKey(derRepresentation: Self.processKey(bits: 2048).derRepresentation)
        callbackFault = settings.callbackFault
        bridgeURL = settings.bridgeURL
        publicKeyBase64 = privateKey.publicKey.derRepresentation.base64EncodedString()
        for resident in settings.people {
            guard let address = resident.existingAbhaAddress else { continue }
            let number = Self.abhaNumber(for: resident.aadhaar)
            accounts[number] = Account(resident: resident, abhaNumber: number, mobile: resident.mobile, addresses: [address, number + "@sbx"])
        }
    }

    public func setFault(_ fault: SimulatorFault?) { self.fault = fault }

    /// Ends every gateway session at once, as an ABDM restart or an early expiry would.
    public func expireGatewaySessions() { accessTokens = [:] }

    /// How many calls reached each path, for tests and the benchmark.
    public func callCount(_ path: String) -> Int { calls.filter { $0.path == path }.count }

    private static let keyGeneration = NSLock()
    nonisolated(unsafe) private static var keysBySize: [Int: _RSA.Encryption.PrivateKey] = [:]

    /// A new RSA key, one at a time: BoringSSL's key generation aborted when two ran at once in one process.
    public static func generateKey(bits: Int) throws -> _RSA.Encryption.PrivateKey {
        try keyGeneration.withLock { try _RSA.Encryption.PrivateKey(keySize: .init(bitCount: bits)) }
    }

    /// One key of each size per process: a 4096-bit key takes seconds of one core to make, and simulators
    /// started one after another in one process (the tests) need not each pay for it. ABDM, too, keeps one
    /// key for a long time. Guarded by `keyGeneration`.
    static func processKey(bits: Int) throws -> _RSA.Encryption.PrivateKey {
        try keyGeneration.withLock {
            if let key = keysBySize[bits] { return key }
            let key = try _RSA.Encryption.PrivateKey(keySize: .init(bitCount: bits))
            keysBySize[bits] = key
            return key
        }
    }

    /// The public key as ABDM's certificate call gives it.
    public nonisolated let publicKeyBase64: String

    /// The ABHA accounts made so far, for tests: number → addresses.
    public func accountAddresses() -> [String: [String]] { accounts.mapValues(\.addresses) }

    /// Makes an account as if it had been created earlier (for the "already has an ABHA" and verify flows).
    @discardableResult
    public func seedAccount(aadhaar: String, addresses: [String] = []) -> String? {
        guard let resident = settings.people.first(where: { $0.aadhaar == aadhaar }) else { return nil }
        if let existing = accounts.values.first(where: { $0.resident.aadhaar == aadhaar }) { return existing.abhaNumber }
        let number = Self.abhaNumber(for: aadhaar)
        let defaultAddress = number + "@sbx"
        accounts[number] = Account(resident: resident, abhaNumber: number, mobile: resident.mobile, addresses: addresses + [defaultAddress])
        return number
    }

    // MARK: - Checks every call gets

    struct Refusal: Error {
        let status: HTTPResponse.Status
        let body: JSONValue
    }

    static func refusal(_ status: HTTPResponse.Status, code: String, _ message: String) -> Refusal {
        Refusal(status: status, body: .object([("code", .string(code + ": ")), ("message", .string(message))]))
    }

    static func fieldRefusal(_ field: String, _ problem: String) -> Refusal {
        Refusal(status: .badRequest, body: .object([(field, .string(problem)), ("timestamp", .string(WallClock.system.now().iso8601))]))
    }

    /// REQUEST-ID a UUID, TIMESTAMP UTC with milliseconds and `Z` within 5 minutes of the simulator's clock.
    func checkCommonHeaders(_ headers: HTTPFields, path: String) throws(Refusal) {
        guard let requestId = headers[HTTPField.Name("REQUEST-ID")!], UUID(uuidString: requestId) != nil else {
            throw Self.fieldRefusal("REQUEST-ID", "must be a UUID")
        }
        guard let stamp = headers[HTTPField.Name("TIMESTAMP")!], Self.isUTCMilliseconds(stamp), let time = Timestamp(iso8601: stamp) else {
            throw Self.refusal(.badRequest, code: "ABDM-1016", "Invalid TIMESTAMP: expected UTC like 2026-12-01T09:26:00.000Z")
        }
        if abs(time.millisecondsSince1970 - clock.now().millisecondsSince1970) > 5 * 60 * 1000 {
            throw Self.refusal(.badRequest, code: "ABDM-2402", "TIMESTAMP is too far from the server's time")
        }
        calls.append((path, requestId))
    }

    static func isUTCMilliseconds(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 24, bytes.last == UInt8(ascii: "Z"), bytes[19] == UInt8(ascii: ".") else { return false }
        let digitPositions = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22]
        return digitPositions.allSatisfy { bytes[$0] >= 48 && bytes[$0] <= 57 }
    }

    func checkGatewayToken(_ headers: HTTPFields) throws(Refusal) {
        guard let header = headers[.authorization], header.hasPrefix("Bearer "),
              let expiry = accessTokens[String(header.dropFirst(7))], expiry > clock.now() else {
            throw Refusal(status: .unauthorized, body: .object([("code", .string("900901")), ("message", .string("Invalid Credentials")),
                                                               ("description", .string("Access failure: the access token is not valid or has expired"))]))
        }
    }

    func decrypt(_ value: JSONValue?, field: String) throws(Refusal) -> String {
        guard case .string(let text)? = value, let data = Data(base64Encoded: text),
              let plain = try? privateKey.decrypt(data, padding: .PKCS1_OAEP), let string = String(data: plain, encoding: .utf8) else {
            // ABDM says "Invalid LoginId" for any undecryptable value, whatever the reason.
            throw Self.fieldRefusal(field, "Invalid \(field)")
        }
        return string
    }

    // MARK: - The gateway

    func createSession(_ body: JSONValue) throws(Refusal) -> JSONValue {
        guard body["clientId"] == .string(settings.clientId), body["clientSecret"] == .string(settings.clientSecret),
              body["grantType"] == .string("client_credentials") else {
            throw Refusal(status: .unauthorized, body: .object([("code", .string("900901")), ("message", .string("Invalid Credentials"))]))
        }
        let token = UUID().uuidString
        accessTokens[token] = clock.now().adding(seconds: Int64(settings.tokenSeconds))
        return .object([("accessToken", .string(token)), ("expiresIn", .number(Double(settings.tokenSeconds))),
                        ("refreshExpiresIn", .number(1800)), ("refreshToken", .string(UUID().uuidString)), ("tokenType", .string("bearer"))])
    }

    // MARK: - ABHA calls

    func handle(_ operation: AbhaOperation, body: JSONValue, headers: HTTPFields) async throws(Refusal) -> JSONValue {
        switch fault {
        case .serverError?: throw Self.refusal(.internalServerError, code: "ABDM-9999", "Internal server error")
        case .slow?: try? await Task.sleep(for: .seconds(settings.slowSeconds))
        default: break
        }
        switch operation {
        case .enrolRequestOtp: return try enrolmentOtp(body)
        case .enrolByAadhaar: return try enrolByAadhaar(body)
        case .enrolVerifyMobile: return try verifyEnrolmentMobile(body)
        case .enrolSuggestions: return try suggestions(headers)
        case .enrolAddress: return try chooseAddress(body)
        case .loginRequestOtp: return try loginOtp(body)
        case .loginVerify: return try loginVerify(body)
        case .loginChooseAccount: return try chooseAccount(body, headers: headers)
        case .profile: return try profile(headers)
        case .addressSearch: return try addressSearch(body)
        case .addressRequestOtp: return try addressOtp(body)
        case .addressVerify: return try loginVerify(body)
        case .addressProfile: return try profile(headers)
        }
    }

    func startTransaction(_ transaction: Transaction) -> String {
        let id = UUID().uuidString.lowercased()
        transactions[id] = transaction
        return id
    }

    func sendOtp(to mobile: String) -> String {
        announce("ABDM simulator: OTP \(settings.otp) sent to the mobile ending \(mobile.suffix(4))")
        return "OTP sent to mobile number ending with ******\(mobile.suffix(4))"
    }

    func rateLimited() throws(Refusal) {
        if fault == .rateLimit { throw Self.refusal(.tooManyRequests, code: "ABDM-1022", "Too many requests, please try again later") }
    }

    /// The transaction a step names; expired after 10 minutes (or always, with `expired-txn`).
    func transaction(_ body: JSONValue, path: [String] = ["txnId"]) throws(Refusal) -> (String, Transaction) {
        let found: Transaction
        var value: JSONValue? = body
        for key in path { value = value?[key] }
        guard case .string(let id)? = value, let known = transactions[id] else {
            throw Self.refusal(.badRequest, code: "ABDM-1017", "Invalid Transaction Id")
        }
        found = known
        if fault == .expiredTransaction || clock.now().millisecondsSince1970 - found.startedAt.millisecondsSince1970 > 600_000 {
            transactions[id] = nil
            throw Self.refusal(.badRequest, code: "ABDM-1017", "Invalid Transaction Id or it has expired")
        }
        return (id, found)
    }

    /// Checks an encrypted OTP against the transaction: a wrong one counts; too many end the transaction.
    func checkOtp(_ value: JSONValue?, transaction id: String, uidai: Bool) throws(Refusal) {
        let typed = try decrypt(value, field: "otpValue")
        guard var found = transactions[id] else { throw Self.refusal(.badRequest, code: "ABDM-1017", "Invalid Transaction Id") }
        if typed != settings.otp || fault == .wrongOtp {
            found.wrongTries += 1
            transactions[id] = found
            if found.wrongTries >= settings.otpAttempts {
                transactions[id] = nil
                throw Self.refusal(.badRequest, code: "ABDM-1100", "You have exceeded the maximum number of OTP attempts. Please generate a new OTP")
            }
            // UIDAI's own words come through ABDM under ABDM-1204 for an Aadhaar OTP.
            throw uidai ? Self.refusal(.badRequest, code: "ABDM-1204", "UIDAI Error code : 400 : Invalid Aadhaar OTP value.")
                : Self.refusal(.unauthorized, code: "ABDM-1035", "Invalid OTP")
        }
        found.verified = true
        transactions[id] = found
    }

    func enrolmentOtp(_ body: JSONValue) throws(Refusal) -> JSONValue {
        try rateLimited()
        let scope = AbhaRequests.scope(of: body)
        if scope.contains("mobile-verify") {
            let (id, found) = try transaction(body)
            let mobile = try decrypt(body["loginId"], field: "loginId")
            guard (try? Identifiers.mobile(mobile)) != nil else { throw Self.fieldRefusal("loginId", "Invalid LoginId") }
            transactions[id] = Transaction(purpose: .enrolmentMobile, aadhaar: found.aadhaar, mobile: mobile, abhaNumber: found.abhaNumber,
                                           scope: scope, startedAt: found.startedAt)
            return .object([("txnId", .string(id)), ("message", .string(sendOtp(to: mobile)))])
        }
        guard scope == ["abha-enrol"], body["loginHint"] == .string("aadhaar"), body["otpSystem"] == .string("aadhaar") else {
            throw Self.fieldRefusal("scope", "Invalid scope")
        }
        let aadhaar = try decrypt(body["loginId"], field: "loginId")
        guard Aadhaar.isValid(aadhaar) else { throw Self.fieldRefusal("loginId", "Invalid LoginId") }
        guard let resident = settings.people.first(where: { $0.aadhaar == aadhaar }) else {
            throw Self.refusal(.badRequest, code: "ABDM-1204", "UIDAI Error code : 400 : Aadhaar number does not have a verified mobile")
        }
        let id = startTransaction(Transaction(purpose: .enrolment, aadhaar: aadhaar, scope: scope, startedAt: clock.now()))
        announce("ABDM simulator: OTP \(settings.otp) sent to the mobile ending \(resident.mobile.suffix(4))")
        return .object([("txnId", .string(id)),
                        ("message", .string("OTP sent to Aadhaar registered mobile number ending with ******\(resident.mobile.suffix(4))"))])
    }

    func enrolByAadhaar(_ body: JSONValue) throws(Refusal) -> JSONValue {
        guard body["consent"]?["code"] == .string(AbhaConsent.code), body["consent"]?["version"] == .string(AbhaConsent.version) else {
            throw Self.fieldRefusal("consent", "Invalid consent")
        }
        let (id, found) = try transaction(body, path: ["authData", "otp", "txnId"])
        guard found.purpose == .enrolment, let aadhaar = found.aadhaar,
              let resident = settings.people.first(where: { $0.aadhaar == aadhaar }) else {
            throw Self.refusal(.badRequest, code: "ABDM-1017", "Invalid Transaction Id")
        }
        try checkOtp(body["authData"]?["otp"]?["otpValue"], transaction: id, uidai: true)
        guard case .string(let mobile)? = body["authData"]?["otp"]?["mobile"], (try? Identifiers.mobile(mobile)) != nil else {
            throw Self.fieldRefusal("mobile", "Invalid mobile")
        }
        let existing = accounts.values.first { $0.resident.aadhaar == aadhaar }
        let number = existing?.abhaNumber ?? Self.abhaNumber(for: aadhaar)
        if existing == nil {
            accounts[number] = Account(resident: resident, abhaNumber: number, mobile: mobile, addresses: [number + "@sbx"])
        }
        transactions[id]?.abhaNumber = number
        let token = UUID().uuidString
        userTokens[token] = number
        var reply: [(key: String, value: JSONValue)] = [
            ("message", .string(existing == nil ? "Account created successfully" : "This account already exists")),
            ("txnId", .string(id)),
            ("tokens", .object([("token", .string(token)), ("expiresIn", .number(1800)), ("refreshToken", .string(UUID().uuidString)),
                                ("refreshExpiresIn", .number(1_296_000))])),
            ("ABHAProfile", profileJSON(accounts[number]!)),
            ("isNew", .bool(existing == nil)),
        ]
        // The mobile given is not the Aadhaar-linked one: ABDM asks for it to be verified.
        if mobile != resident.mobile { reply.append(("mobileVerified", .bool(false))) }
        return .object(reply)
    }

    func verifyEnrolmentMobile(_ body: JSONValue) throws(Refusal) -> JSONValue {
        let (id, found) = try transaction(body, path: ["authData", "otp", "txnId"])
        guard found.purpose == .enrolmentMobile, let number = found.abhaNumber, let mobile = found.mobile else {
            throw Self.refusal(.badRequest, code: "ABDM-1017", "Invalid Transaction Id")
        }
        try checkOtp(body["authData"]?["otp"]?["otpValue"], transaction: id, uidai: false)
        accounts[number]?.mobile = mobile
        return .object([("txnId", .string(id)), ("authResult", .string("success")), ("message", .string("OTP verified successfully")),
                        ("accounts", .array([.object([("ABHANumber", .string(Identifiers.formattedAbhaNumber(number)))])]))])
    }

    func suggestions(_ headers: HTTPFields) throws(Refusal) -> JSONValue {
        guard let id = headers[HTTPField.Name("TRANSACTION_ID")!], let found = transactions[id], let number = found.abhaNumber,
              let account = accounts[number] else {
            throw Self.refusal(.badRequest, code: "ABDM-1017", "Invalid Transaction Id")
        }
        let first: String = account.resident.firstName.lowercased().filter { $0.isLetter }
        let last: String = account.resident.lastName.lowercased().filter { $0.isLetter }
        let year = String(account.resident.dob.suffix(4))
        let short = String(year.suffix(2))
        let candidates: [String] = [first + "." + last, first + last + year, first + "_" + last + short]
        let free = candidates.filter { candidate in !accounts.values.contains { $0.addresses.contains(candidate + "@sbx") } }
        return .object([("txnId", .string(id)), ("abhaAddressList", .array(free.map(JSONValue.string)))])
    }

    func chooseAddress(_ body: JSONValue) throws(Refusal) -> JSONValue {
        let (id, found) = try transaction(body)
        guard let number = found.abhaNumber, accounts[number] != nil else { throw Self.refusal(.badRequest, code: "ABDM-1017", "Invalid Transaction Id") }
        guard case .string(let name)? = body["abhaAddress"], (try? Identifiers.abhaAddress(name + "@sbx")) != nil else {
            throw Self.fieldRefusal("abhaAddress", "Invalid ABHA Address")
        }
        let address = name + "@sbx"
        if accounts.values.contains(where: { $0.addresses.contains(address) }) {
            throw Self.refusal(.badRequest, code: "ABDM-1101", "ABHA Address already exists")
        }
        accounts[number]?.addresses.insert(address, at: 0)
        return .object([("txnId", .string(id)), ("healthIdNumber", .string(Identifiers.formattedAbhaNumber(number))),
                        ("preferredAbhaAddress", .string(address))])
    }

    func loginOtp(_ body: JSONValue) throws(Refusal) -> JSONValue {
        try rateLimited()
        let scope = AbhaRequests.scope(of: body)
        let loginId = try decrypt(body["loginId"], field: "loginId")
        switch body["loginHint"] {
        case .string("abha-number")?:
            // The hyphenated form, as ABDM wants it.
            guard loginId.count == 17, let number = try? Identifiers.abhaNumber(loginId), let account = accounts[number] else {
                throw Self.refusal(.badRequest, code: "ABDM-1013", "Invalid ABHA number")
            }
            let via = body["otpSystem"] == .string("aadhaar") ? account.resident.mobile : account.mobile
            let id = startTransaction(Transaction(purpose: .login, abhaNumber: number, scope: scope, startedAt: clock.now()))
            return .object([("txnId", .string(id)), ("message", .string(sendOtp(to: via)))])
        case .string("mobile")?:
            guard (try? Identifiers.mobile(loginId)) != nil else { throw Self.fieldRefusal("loginId", "Invalid LoginId") }
            guard accounts.values.contains(where: { $0.mobile == loginId }) else {
                throw Self.refusal(.notFound, code: "ABDM-1114", "No ABHA number is linked to this mobile")
            }
            let id = startTransaction(Transaction(purpose: .login, mobile: loginId, scope: scope, startedAt: clock.now()))
            return .object([("txnId", .string(id)), ("message", .string(sendOtp(to: loginId)))])
        default:
            throw Self.fieldRefusal("loginHint", "Invalid loginHint")
        }
    }

    func loginVerify(_ body: JSONValue) throws(Refusal) -> JSONValue {
        let (id, found) = try transaction(body, path: ["authData", "otp", "txnId"])
        guard AbhaRequests.scope(of: body) == found.scope else { throw Self.fieldRefusal("scope", "Invalid scope") }
        try checkOtp(body["authData"]?["otp"]?["otpValue"], transaction: id, uidai: found.scope.contains("aadhaar-verify"))
        let token = UUID().uuidString
        if let number = found.abhaNumber {
            userTokens[token] = number
            return .object([("txnId", .string(id)), ("authResult", .string("success")), ("token", .string(token)), ("expiresIn", .number(1800))])
        }
        let onMobile = accounts.values.filter { $0.mobile == found.mobile }.sorted { $0.abhaNumber < $1.abhaNumber }
        userTokens["T:" + token] = id
        return .object([("txnId", .string(id)), ("authResult", .string("success")), ("token", .string(token)), ("expiresIn", .number(1800)),
                        ("accounts", .array(onMobile.map { account in
                            .object([("ABHANumber", .string(Identifiers.formattedAbhaNumber(account.abhaNumber))),
                                     ("preferredAbhaAddress", .string(account.addresses.first ?? "")),
                                     ("name", .string(account.resident.firstName + " " + account.resident.lastName)),
                                     ("status", .string("ACTIVE")), ("mobileVerified", .bool(true))])
                        }))])
    }

    func chooseAccount(_ body: JSONValue, headers: HTTPFields) throws(Refusal) -> JSONValue {
        guard let header = headers[HTTPField.Name("T-token")!], header.hasPrefix("Bearer "),
              let id = userTokens["T:" + header.dropFirst(7)], let found = transactions[id] else {
            throw Self.refusal(.unauthorized, code: "ABDM-1158", "Invalid T-token")
        }
        guard case .string(let typed)? = body["ABHANumber"], let number = try? Identifiers.abhaNumber(typed),
              let account = accounts[number], account.mobile == found.mobile else {
            throw Self.refusal(.badRequest, code: "ABDM-1013", "Invalid ABHA number")
        }
        let token = UUID().uuidString
        userTokens[token] = number
        return .object([("txnId", .string(id)), ("token", .string(token)), ("expiresIn", .number(1800))])
    }

    func profile(_ headers: HTTPFields) throws(Refusal) -> JSONValue {
        guard let header = headers[HTTPField.Name("X-token")!], header.hasPrefix("Bearer "),
              let number = userTokens[String(header.dropFirst(7))], let account = accounts[number] else {
            throw Self.refusal(.unauthorized, code: "ABDM-1158", "Invalid X-Token")
        }
        return profileJSON(account)
    }

    func addressSearch(_ body: JSONValue) throws(Refusal) -> JSONValue {
        guard case .string(let address)? = body["abhaAddress"], accounts.values.contains(where: { $0.addresses.contains(address) }) else {
            throw Self.refusal(.notFound, code: "ABDM-1114", "ABHA Address not found")
        }
        return .object([("abhaAddress", .string(address)), ("authMethods", .array([.string("AADHAAR_OTP"), .string("MOBILE_OTP")]))])
    }

    func addressOtp(_ body: JSONValue) throws(Refusal) -> JSONValue {
        try rateLimited()
        let address = try decrypt(body["loginId"], field: "loginId")
        guard let account = accounts.values.first(where: { $0.addresses.contains(address) }) else {
            throw Self.refusal(.notFound, code: "ABDM-1114", "ABHA Address not found")
        }
        let scope = AbhaRequests.scope(of: body)
        let via = body["otpSystem"] == .string("aadhaar") ? account.resident.mobile : account.mobile
        let id = startTransaction(Transaction(purpose: .addressLogin, abhaNumber: account.abhaNumber, scope: scope, startedAt: clock.now()))
        return .object([("txnId", .string(id)), ("message", .string(sendOtp(to: via)))])
    }

    func profileJSON(_ account: Account) -> JSONValue {
        .object([
            ("firstName", .string(account.resident.firstName)), ("middleName", .string("")), ("lastName", .string(account.resident.lastName)),
            ("dob", .string(account.resident.dob)), ("gender", .string(account.resident.gender)), ("mobile", .string(account.mobile)),
            ("phrAddress", .array(account.addresses.map(JSONValue.string))), ("preferredAbhaAddress", .string(account.addresses.first ?? "")),
            ("ABHANumber", .string(Identifiers.formattedAbhaNumber(account.abhaNumber))), ("abhaType", .string("STANDARD")),
            ("abhaStatus", .string("ACTIVE")),
        ])
    }

    /// A made-up ABHA number for an Aadhaar number: 14 digits starting "91", passing Luhn like most real ones.
    static func abhaNumber(for aadhaar: String) -> String {
        let body = "91" + String(aadhaar.reversed()).prefix(11)
        for check in 0...9 where Identifiers.abhaNumberPassesLuhn(body + String(check)) { return body + String(check) }
        return body + "0"
    }
}

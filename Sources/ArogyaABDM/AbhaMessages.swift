import ArogyaCore

/// The bodies of ABDM's ABHA v3 requests, exactly as abdm.md §2 gives them. Fields ABDM wants encrypted
/// arrive here already encrypted (`AbdmPublicKey.encrypt`): nothing here sees an Aadhaar number or an OTP.
public enum AbhaRequests {
    /// How the OTP of a login reaches the patient.
    public enum OtpVia: String, Sendable, CaseIterable {
        /// To the mobile linked to her Aadhaar, through UIDAI.
        case aadhaar
        /// To the mobile linked to her ABHA, through ABDM.
        case mobile

        var otpSystem: String { self == .aadhaar ? "aadhaar" : "abdm" }
        var verifyScope: String { self == .aadhaar ? "aadhaar-verify" : "mobile-verify" }
    }

    /// Step 1 of an Aadhaar enrolment: an OTP to her Aadhaar-linked mobile.
    public static func enrolmentOtp(encryptedAadhaar: String) -> JSONValue {
        .object([("txnId", .string("")), ("scope", .array([.string("abha-enrol")])), ("loginHint", .string("aadhaar")),
                 ("loginId", .string(encryptedAadhaar)), ("otpSystem", .string("aadhaar"))])
    }

    /// Step 2: the OTP, and the mobile she wants on her ABHA (plain 10 digits, as ABDM's examples send it).
    public static func enrolByAadhaar(transactionId: String, encryptedOtp: String, mobile: String) -> JSONValue {
        .object([
            ("authData", .object([
                ("authMethods", .array([.string("otp")])),
                ("otp", .object([("txnId", .string(transactionId)), ("otpValue", .string(encryptedOtp)), ("mobile", .string(mobile))])),
            ])),
            ("consent", .object([("code", .string(AbhaConsent.code)), ("version", .string(AbhaConsent.version))])),
        ])
    }

    /// When the mobile given is not her Aadhaar-linked one: an OTP to it, through ABDM.
    public static func enrolmentMobileOtp(transactionId: String, encryptedMobile: String) -> JSONValue {
        .object([("txnId", .string(transactionId)), ("scope", .array([.string("abha-enrol"), .string("mobile-verify")])),
                 ("loginHint", .string("mobile")), ("loginId", .string(encryptedMobile)), ("otpSystem", .string("abdm"))])
    }

    public static func verifyEnrolmentMobile(transactionId: String, encryptedOtp: String) -> JSONValue {
        .object([
            ("scope", .array([.string("abha-enrol"), .string("mobile-verify")])),
            ("authData", .object([("authMethods", .array([.string("otp")])),
                                  ("otp", .object([("txnId", .string(transactionId)), ("otpValue", .string(encryptedOtp))]))])),
        ])
    }

    /// The ABHA address she chose (the part before the "@").
    public static func chooseAddress(transactionId: String, address: String) -> JSONValue {
        .object([("txnId", .string(transactionId)), ("abhaAddress", .string(address)), ("preferred", .number(1))])
    }

    /// Verifying an existing ABHA by its number (hyphenated, encrypted) or by the mobile on it (encrypted).
    public static func loginOtp(abhaNumber encrypted: String, via: OtpVia) -> JSONValue {
        .object([("scope", .array([.string("abha-login"), .string(via.verifyScope)])), ("loginHint", .string("abha-number")),
                 ("loginId", .string(encrypted)), ("otpSystem", .string(via.otpSystem))])
    }

    public static func loginOtp(mobile encrypted: String) -> JSONValue {
        .object([("scope", .array([.string("abha-login"), .string("mobile-verify")])), ("loginHint", .string("mobile")),
                 ("loginId", .string(encrypted)), ("otpSystem", .string("abdm"))])
    }

    /// The OTP of a login, under the scope its request had.
    public static func loginVerify(scope: [String], transactionId: String, encryptedOtp: String) -> JSONValue {
        .object([
            ("scope", .array(scope.map(JSONValue.string))),
            ("authData", .object([("authMethods", .array([.string("otp")])),
                                  ("otp", .object([("txnId", .string(transactionId)), ("otpValue", .string(encryptedOtp))]))])),
        ])
    }

    /// One of the ABHA accounts on a mobile, chosen after a mobile login (with the T-token).
    public static func chooseAccount(abhaNumber: String, transactionId: String) -> JSONValue {
        .object([("ABHANumber", .string(Identifiers.formattedAbhaNumber(abhaNumber))), ("txnId", .string(transactionId))])
    }

    public static func addressSearch(address: String) -> JSONValue {
        .object([("abhaAddress", .string(address))])
    }

    public static func addressOtp(encryptedAddress: String, via: OtpVia) -> JSONValue {
        .object([("scope", .array([.string("abha-address-login"), .string(via.verifyScope)])), ("loginHint", .string("abha-address")),
                 ("loginId", .string(encryptedAddress)), ("otpSystem", .string(via.otpSystem))])
    }

    /// The scope a login's verify call repeats.
    public static func scope(of body: JSONValue) -> [String] {
        guard case .array(let items)? = body["scope"] else { return [] }
        return items.compactMap { if case .string(let text) = $0 { text } else { nil } }
    }
}

/// ABDM's consent for creating an ABHA, which the worker shows and the patient agrees to first.
public enum AbhaConsent {
    public static let code = "abha-enrollment"
    public static let version = "1.4"
}

/// What ABDM answers, read defensively: names and shapes vary between its documents (`token` or
/// `id_token`, `expiresIn` or `expires_in`), so every reader takes the known spellings and tolerates
/// missing parts.
public enum AbhaResponses {
    /// An OTP went out: the transaction and ABDM's sentence ("OTP sent to … ending with ******5156").
    public struct OtpSent: Sendable, Equatable {
        public let transactionId: String
        public let message: String
    }

    public static func otpSent(_ body: JSONValue) -> OtpSent? {
        guard let transactionId = string(body["txnId"]), !transactionId.isEmpty else { return nil }
        return OtpSent(transactionId: transactionId, message: AbdmFailure.clean(string(body["message"]) ?? ""))
    }

    /// The last digits of the mobile an OTP went to, from ABDM's sentence ("…ending with ******5156" → "5156").
    public static func mobileEnding(_ message: String) -> String? {
        let digits = message.reversed().prefix { $0.isNumber }
        return digits.count >= 3 ? String(digits.reversed()) : nil
    }

    /// An enrolment's result: the profile, the user token, and whether the ABHA was made now or already existed.
    public struct Enrolled: Sendable, Equatable {
        public let transactionId: String
        public let token: String?
        public let profile: AbhaProfile
        public let isNew: Bool
    }

    public static func enrolled(_ body: JSONValue) -> Enrolled? {
        guard let profileBody = body["ABHAProfile"] ?? body["abhaProfile"], let profile = AbhaProfile(profileBody) else { return nil }
        let tokens = body["tokens"] ?? body
        let token = string(tokens["token"]) ?? string(tokens["id_token"]) ?? string(tokens["accessToken"])
        let isNew: Bool
        if case .bool(let flag)? = body["isNew"] { isNew = flag } else { isNew = true }
        return Enrolled(transactionId: string(body["txnId"]) ?? "", token: token, profile: profile, isNew: isNew)
    }

    /// One account found by a mobile login.
    public struct Account: Sendable, Equatable {
        public let abhaNumber: String
        public let name: String
        public let preferredAddress: String?
    }

    /// A verified login: the token for the profile (X-token), the T-token of a mobile login, the accounts on it.
    public struct Verified: Sendable, Equatable {
        public let transactionId: String
        public let token: String?
        public let accounts: [Account]
        public let succeeded: Bool
    }

    public static func verified(_ body: JSONValue) -> Verified {
        var accounts: [Account] = []
        if case .array(let items)? = body["accounts"] {
            for item in items {
                guard let number = string(item["ABHANumber"]).flatMap({ try? Identifiers.abhaNumber($0) }) else { continue }
                accounts.append(Account(abhaNumber: number, name: AbdmFailure.clean(string(item["name"]) ?? ""),
                                        preferredAddress: string(item["preferredAbhaAddress"])))
            }
        }
        let result = string(body["authResult"])?.lowercased()
        let token = string(body["token"]) ?? string(body["tokens"]?["token"])
        return Verified(transactionId: string(body["txnId"]) ?? "", token: token, accounts: accounts,
                        succeeded: result == nil ? token != nil : result == "success")
    }

    /// ABDM's suggestions for an ABHA address.
    public static func suggestions(_ body: JSONValue) -> [String] {
        guard case .array(let items)? = body["abhaAddressList"] ?? body["suggestions"] else { return [] }
        return items.compactMap(string).map(AbdmFailure.clean)
    }

    static func string(_ value: JSONValue?) -> String? {
        if case .string(let text)? = value { return text }
        return nil
    }
}

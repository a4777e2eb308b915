import ArogyaCore

/// The ABHA v3 calls a terminal may have the hub make for it, each with the hub's route for devices
/// (`POST /v1/abha/<rawValue>`) and ABDM's method and path under the ABHA base URL. The hub relays only
/// these, so a device token cannot reach any other ABDM API.
public enum AbhaOperation: String, CaseIterable, Sendable {
    case enrolRequestOtp = "enrol/request-otp"
    case enrolByAadhaar = "enrol/by-aadhaar"
    case enrolVerifyMobile = "enrol/verify-mobile"
    case enrolSuggestions = "enrol/suggestions"
    case enrolAddress = "enrol/address"
    case loginRequestOtp = "login/request-otp"
    case loginVerify = "login/verify"
    case loginChooseAccount = "login/choose-account"
    case profile = "profile"
    case addressSearch = "address/search"
    case addressRequestOtp = "address/request-otp"
    case addressVerify = "address/verify"
    case addressProfile = "address/profile"

    public enum Method: String, Sendable { case get = "GET", post = "POST" }

    public var method: Method {
        switch self {
        case .enrolSuggestions, .profile, .addressProfile: .get
        default: .post
        }
    }

    /// ABDM's path, after the ABHA base URL (`https://abhasbx.abdm.gov.in/abha/api`).
    public var abdmPath: String {
        switch self {
        case .enrolRequestOtp: "/v3/enrollment/request/otp"
        case .enrolByAadhaar: "/v3/enrollment/enrol/byAadhaar"
        case .enrolVerifyMobile: "/v3/enrollment/auth/byAbdm"
        case .enrolSuggestions: "/v3/enrollment/enrol/suggestion"
        case .enrolAddress: "/v3/enrollment/enrol/abha-address"
        case .loginRequestOtp: "/v3/profile/login/request/otp"
        case .loginVerify: "/v3/profile/login/verify"
        case .loginChooseAccount: "/v3/profile/login/verify/user"
        case .profile: "/v3/profile/account"
        case .addressSearch: "/v3/phr/web/login/abha/search"
        case .addressRequestOtp: "/v3/phr/web/login/abha/request/otp"
        case .addressVerify: "/v3/phr/web/login/abha/verify"
        case .addressProfile: "/v3/phr/web/login/profile/abha-profile"
        }
    }

    /// The hub's route for devices.
    public var hubPath: String { "/v1/abha/" + rawValue }
}

/// What a terminal sends the hub for one operation, and what the hub hands back: ABDM's body untouched,
/// with the user tokens ABDM wants in headers carried beside it.
public enum AbhaRelay {
    /// The request envelope: `{"body": …, "transaction_id": …, "x_token": …, "t_token": …}`.
    public static func request(body: JSONValue?, transactionId: String? = nil, xToken: String? = nil, tToken: String? = nil) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [("body", body ?? .null)]
        if let transactionId { members.append(("transaction_id", .string(transactionId))) }
        if let xToken { members.append(("x_token", .string(xToken))) }
        if let tToken { members.append(("t_token", .string(tToken))) }
        return .object(members)
    }

    /// The answer envelope: ABDM's status and body (`{"abdm_status": 200, "abdm_body": …}`).
    public static func answer(status: Int, body: JSONValue) -> JSONValue {
        .object([("abdm_status", .number(Double(status))), ("abdm_body", body)])
    }
}

import ArogyaABDM
import ArogyaCore

/// Verifying an ABHA a patient already has (abdm.md §2.4): by its number (the OTP through her Aadhaar or
/// through her ABHA mobile), by her mobile (the accounts on it, one chosen), or by her ABHA address. One
/// step per call, as `AbhaEnrolment`, and the same rule: identifiers and OTPs are encrypted here, under
/// ABDM's key, and kept nowhere.
public struct AbhaVerification: Sendable {
    /// What she verifies with.
    public enum Identifier: Sendable, Equatable {
        /// 14 digits.
        case abhaNumber(String)
        /// The whole address, `name@sbx` or `name@abdm`.
        case abhaAddress(String)
        /// 10 digits.
        case mobile(String)

        /// How a pending request keeps it: in one of its three fields.
        public var requestFields: (abhaNumber: String?, abhaAddress: String?, mobile: String?) {
            switch self {
            case .abhaNumber(let digits): (digits, nil, nil)
            case .abhaAddress(let whole): (nil, whole, nil)
            case .mobile(let digits): (nil, nil, digits)
            }
        }
    }

    /// A login under way: ABDM's transaction and sentence, and the scope its verify call repeats.
    public struct Started: Sendable, Equatable {
        public let identifier: Identifier
        public let sent: AbhaResponses.OtpSent
        let scope: [String]
    }

    /// What the OTP opened: the profile's token, or for a mobile the accounts on it, to choose one.
    public enum Verified: Sendable, Equatable {
        case token(String)
        case accounts([AbhaResponses.Account], transactionId: String, tToken: String)
    }

    let abdm: AbdmSession
    var client: AbhaClient { abdm.client }
    public var addressSuffix: String { abdm.addressSuffix }

    public static func begin(client: AbhaClient) async throws(AbhaClient.Failure) -> AbhaVerification {
        AbhaVerification(abdm: try await AbdmSession.begin(client: client))
    }

    func encrypt(_ text: String) throws(AbhaClient.Failure) -> String { try abdm.encrypt(text) }

    /// Sends the OTP. `via` matters for an ABHA number and an address; a mobile's OTP goes to that mobile.
    public func requestOtp(for identifier: Identifier, via: AbhaRequests.OtpVia) async throws(AbhaClient.Failure) -> Started {
        let operation: AbhaOperation
        let body: JSONValue
        switch identifier {
        case .abhaNumber(let number):
            // ABDM wants the hyphenated form, encrypted.
            operation = .loginRequestOtp
            body = AbhaRequests.loginOtp(abhaNumber: try encrypt(Identifiers.formattedAbhaNumber(number)), via: via)
        case .mobile(let mobile):
            operation = .loginRequestOtp
            body = AbhaRequests.loginOtp(mobile: try encrypt(mobile))
        case .abhaAddress(let address):
            // ABDM says whether the address exists before it sends anything.
            _ = try await client.call(.addressSearch, body: AbhaRequests.addressSearch(address: address))
            operation = .addressRequestOtp
            body = AbhaRequests.addressOtp(encryptedAddress: try encrypt(address), via: via)
        }
        guard let sent = AbhaResponses.otpSent(try await client.call(operation, body: body)) else {
            throw .unexpectedAnswer("no txnId after the OTP request")
        }
        return Started(identifier: identifier, sent: sent, scope: AbhaRequests.scope(of: body))
    }

    public func verify(_ started: Started, otp: OneTimePassword) async throws(AbhaClient.Failure) -> Verified {
        let body = AbhaRequests.loginVerify(scope: started.scope, transactionId: started.sent.transactionId, encryptedOtp: try encrypt(otp.digits))
        let operation: AbhaOperation = if case .abhaAddress = started.identifier { .addressVerify } else { .loginVerify }
        let verified = AbhaResponses.verified(try await client.call(operation, body: body))
        guard verified.succeeded, let token = verified.token else { throw .unexpectedAnswer("ABDM did not confirm the OTP") }
        if case .mobile = started.identifier {
            guard !verified.accounts.isEmpty else { throw .unexpectedAnswer("no ABHA account on this mobile") }
            return .accounts(verified.accounts, transactionId: verified.transactionId.isEmpty ? started.sent.transactionId : verified.transactionId,
                             tToken: token)
        }
        return .token(token)
    }

    /// After a mobile login: the account she is, and its profile's token.
    public func choose(_ account: AbhaResponses.Account, transactionId: String, tToken: String) async throws(AbhaClient.Failure) -> String {
        let answer = try await client.call(.loginChooseAccount, body: AbhaRequests.chooseAccount(abhaNumber: account.abhaNumber, transactionId: transactionId),
                                           tToken: tToken)
        guard let token = AbhaResponses.verified(answer).token else { throw .unexpectedAnswer("no token for the chosen account") }
        return token
    }

    public func profile(token: String, of identifier: Identifier) async throws(AbhaClient.Failure) -> AbhaProfile {
        let operation: AbhaOperation = if case .abhaAddress = identifier { .addressProfile } else { .profile }
        guard let profile = AbhaProfile(try await client.call(operation, body: nil, xToken: token)) else {
            throw .unexpectedAnswer("no ABHA number in the profile")
        }
        return profile
    }
}

import ArogyaABDM
import ArogyaCore

/// An ABHA enrolment with Aadhaar OTP (abdm.md §2.3), one step per call, so that a screen or the command
/// line asks for each thing when it is needed: the OTP only after it was sent, the mobile OTP only when
/// the mobile given is not the Aadhaar-linked one. The Aadhaar number and the OTPs are encrypted here, under
/// ABDM's key, and kept nowhere.
public struct AbhaEnrolment: Sendable {
    let abdm: AbdmSession
    var client: AbhaClient { abdm.client }
    /// The suffix of ABHA addresses where the hub's ABDM is: `sbx` or `abdm`.
    public var addressSuffix: String { abdm.addressSuffix }

    /// Fetches ABDM's key through the hub: the first thing that needs a network.
    public static func begin(client: AbhaClient) async throws(AbhaClient.Failure) -> AbhaEnrolment {
        AbhaEnrolment(abdm: try await AbdmSession.begin(client: client))
    }

    func encrypt(_ text: String) throws(AbhaClient.Failure) -> String { try abdm.encrypt(text) }

    /// An OTP to her Aadhaar-linked mobile; ABDM's sentence names the mobile's last digits.
    public func requestOtp(_ aadhaar: AadhaarNumber) async throws(AbhaClient.Failure) -> AbhaResponses.OtpSent {
        let body = AbhaRequests.enrolmentOtp(encryptedAadhaar: try encrypt(aadhaar.digitsForEncryption))
        guard let sent = AbhaResponses.otpSent(try await client.call(.enrolRequestOtp, body: body)) else {
            throw .unexpectedAnswer("no txnId after the OTP request")
        }
        return sent
    }

    /// The OTP, and the mobile for her ABHA: the profile, new or the one her Aadhaar already has.
    public func enrol(transactionId: String, otp: OneTimePassword, mobile: String) async throws(AbhaClient.Failure) -> AbhaResponses.Enrolled {
        let body = AbhaRequests.enrolByAadhaar(transactionId: transactionId, encryptedOtp: try encrypt(otp.digits), mobile: mobile)
        let answer = try await client.call(.enrolByAadhaar, body: body)
        guard let enrolled = AbhaResponses.enrolled(answer) else { throw .unexpectedAnswer("no ABHA profile after the enrolment") }
        return enrolled
    }

    /// Whether the mobile she gave must be verified: it is not the one her Aadhaar OTP went to.
    public static func mobileNeedsVerifying(_ mobile: String, aadhaarOtp: AbhaResponses.OtpSent) -> Bool {
        guard let ending = AbhaResponses.mobileEnding(aadhaarOtp.message) else { return true }
        return !mobile.hasSuffix(ending)
    }

    public func requestMobileOtp(transactionId: String, mobile: String) async throws(AbhaClient.Failure) -> AbhaResponses.OtpSent {
        let body = AbhaRequests.enrolmentMobileOtp(transactionId: transactionId, encryptedMobile: try encrypt(mobile))
        guard let sent = AbhaResponses.otpSent(try await client.call(.enrolRequestOtp, body: body)) else {
            throw .unexpectedAnswer("no txnId after the mobile OTP request")
        }
        return sent
    }

    public func verifyMobile(transactionId: String, otp: OneTimePassword) async throws(AbhaClient.Failure) {
        let body = AbhaRequests.verifyEnrolmentMobile(transactionId: transactionId, encryptedOtp: try encrypt(otp.digits))
        let verified = AbhaResponses.verified(try await client.call(.enrolVerifyMobile, body: body))
        guard verified.succeeded else { throw .unexpectedAnswer("ABDM did not confirm the mobile") }
    }

    public func suggestions(transactionId: String) async throws(AbhaClient.Failure) -> [String] {
        AbhaResponses.suggestions(try await client.call(.enrolSuggestions, body: nil, transactionId: transactionId))
    }

    /// Makes `name` (the part before "@") her preferred ABHA address; the whole address.
    public func chooseAddress(transactionId: String, name: String) async throws(AbhaClient.Failure) -> String {
        let answer = try await client.call(.enrolAddress, body: AbhaRequests.chooseAddress(transactionId: transactionId, address: name))
        if case .string(let address)? = answer["preferredAbhaAddress"] ?? answer["abhaAddress"] { return AbdmFailure.clean(address) }
        return name + "@" + addressSuffix
    }
}

/// What every ABHA flow starts with: the hub to call through, ABDM's key to encrypt under, and the suffix
/// of ABHA addresses in the hub's ABDM environment.
struct AbdmSession: Sendable {
    let client: AbhaClient
    let key: AbdmPublicKey
    let addressSuffix: String

    static func begin(client: AbhaClient) async throws(AbhaClient.Failure) -> AbdmSession {
        let service = try await client.service()
        return AbdmSession(client: client, key: service.key, addressSuffix: service.cmId)
    }

    func encrypt(_ text: String) throws(AbhaClient.Failure) -> String {
        do { return try key.encrypt(text) } catch { throw .unexpectedAnswer("ABDM's key could not encrypt: \(error)") }
    }
}

/// An OTP as typed: 6 digits (UIDAI's and ABDM's), kept in memory only and printed masked.
public struct OneTimePassword: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    let digits: String

    public init(typed text: String) throws(UserMessage) {
        let kept = text.filter { !$0.isWhitespace }
        guard kept.count == 6, kept.allSatisfy({ $0.isASCII && $0.isNumber }) else { throw UserMessage(.abhaOtpForm) }
        digits = kept
    }

    public var description: String { "••••••" }
    public var debugDescription: String { description }
}

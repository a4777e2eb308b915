import ArogyaCore

/// What ABDM (or the hub between) said when a request did not succeed, read from whichever of ABDM's
/// error shapes came back, with what it means for the worker.
///
/// The shapes: `{"error":{"code":"ABDM-1204","message":…}}`; flat `{"code","message"}`; a map of fields
/// to problems (`{"txnId":"Invalid Transaction Id"}`, HTTP 400); the API gateway's
/// `{"code":"900901","message":"Invalid Credentials","description":…}`; and `HIS-…` codes whose real
/// reason is the inner `details[].code`, read first. Codes may carry a trailing `": "`.
public struct AbdmFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The HTTP status, 0 when no answer came.
    public let status: Int
    /// The most specific code found (`ABDM-1100`, `HIS-2018`, `900901`), trimmed.
    public let code: String?
    /// ABDM's own words, cleaned of control characters and cut to a sentence's length.
    public let message: String
    public let kind: Kind

    /// What a worker can do about it; each has its sentence in the string table.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// The OTP typed is not the one sent.
        case wrongOtp
        /// The transaction ran out or is not known: start again with a new OTP.
        case transactionExpired
        /// Too many OTPs or tries in this transaction, or too many requests: wait, then start again.
        case tooManyAttempts
        /// UIDAI's Aadhaar service or ABDM itself failed (5xx, or a UIDAI pass-through error that is not the OTP).
        case serviceDown
        /// ABDM refused the hub's credentials: the hub's ABDM set-up needs a look.
        case credentialsRefused
        /// The ABHA address chosen is taken.
        case addressTaken
        /// The mobile already holds as many ABHA numbers as ABDM allows.
        case mobileFull
        /// The number or identifier was not accepted (an invalid ABHA number or login id).
        case invalidIdentifier
        /// The ABHA is deactivated.
        case deactivated
        /// Anything else: ABDM's words are shown.
        case other
    }

    public init(status: Int, code: String?, message: String, kind: Kind? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.kind = kind ?? Self.classify(status: status, code: code, message: message)
    }

    public var description: String {
        [code, message.isEmpty ? nil : message].compactMap { $0 }.joined(separator: ": ") + (status > 0 ? " (HTTP \(status))" : "")
    }

    /// Reads an unsuccessful answer. An empty or unreadable body still gives a failure, from the status.
    public static func parse(status: Int, body: [UInt8]) -> AbdmFailure {
        guard !body.isEmpty, let document = try? JSONParser.parse(body), case .object(let members) = document else {
            return AbdmFailure(status: status, code: nil, message: "")
        }
        if case .object? = document["error"], let inner = document["error"] {
            return AbdmFailure(status: status, code: codeText(inner["code"]), message: text(inner["message"]))
        }
        if let code = codeText(document["code"]) {
            // An HIS code says little; the detail under it says why.
            if case .array(let details)? = document["details"], let first = details.first {
                let detailCode = codeText(first["code"]) ?? code
                let detailMessage = text(first["message"])
                return AbdmFailure(status: status, code: detailCode, message: detailMessage.isEmpty ? text(document["message"]) : detailMessage)
            }
            let message = text(document["message"])
            return AbdmFailure(status: status, code: code, message: message.isEmpty ? text(document["description"]) : message)
        }
        // A map of fields to what is wrong with each.
        let problems = members.compactMap { member -> String? in
            guard member.key != "timestamp", case .string(let problem) = member.value else { return nil }
            return member.key + ": " + clean(problem)
        }
        return AbdmFailure(status: status, code: nil, message: problems.joined(separator: "; "))
    }

    static func codeText(_ value: JSONValue?) -> String? {
        let raw: String
        switch value {
        case .string(let text)?: raw = text
        case .integer(let number)?: raw = String(number)
        case .number(let number)?: raw = JSONValue.format(number)
        default: return nil
        }
        var code = clean(raw)
        while let last = code.last, last == ":" || last == " " { code.removeLast() }
        return code.isEmpty ? nil : code
    }

    static func text(_ value: JSONValue?) -> String {
        guard case .string(let text)? = value else { return "" }
        return clean(text)
    }

    /// ABDM's text is shown on the screen: no control characters, one line, a sentence's length.
    public static func clean(_ text: String) -> String {
        let line = TextSanitizer.singleLine(text)
        return line.count > 200 ? String(line.prefix(199)) + "…" : line
    }

    /// The codes are ABDM's published ones (reference §8); which code a wrong enrolment OTP carries is not
    /// published, so a UIDAI pass-through or unknown code whose message speaks of an invalid OTP counts as one.
    static func classify(status: Int, code: String?, message: String) -> Kind {
        let lowered = message.lowercased()
        let speaksOfOtp = lowered.contains("otp") && (lowered.contains("invalid") || lowered.contains("incorrect")
            || lowered.contains("wrong") || lowered.contains("mismatch") || lowered.contains("not match"))
        switch code {
        case "ABDM-1035"?: return .wrongOtp
        case "ABDM-1017"?: return .transactionExpired
        case "ABDM-1022"?, "ABDM-1100"?: return .tooManyAttempts
        case "ABDM-1101"?: return .addressTaken
        case "ABDM-1124"?: return .mobileFull
        case "ABDM-1013"?: return .invalidIdentifier
        case "ABDM-1134"?, "ABDM-1407"?: return .deactivated
        case "900901"?: return .credentialsRefused
        default: break
        }
        if speaksOfOtp { return .wrongOtp }
        if lowered.contains("transaction") && (lowered.contains("invalid") || lowered.contains("expired")) { return .transactionExpired }
        if status == 429 || lowered.contains("too many") { return .tooManyAttempts }
        if code == "ABDM-1204" || status >= 500 { return .serviceDown }
        if status == 401 { return .credentialsRefused }
        if lowered.contains("loginid") || lowered.contains("login id") { return .invalidIdentifier }
        return .other
    }
}

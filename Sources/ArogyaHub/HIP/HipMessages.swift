import ArogyaCore
import Foundation
import Logging

/// The HIP's messages to ABDM's gateway and the answers it sends back to the bridge (abdm.md §5.1–5.3),
/// built and read in one place.
public enum HipMessages {
    /// The gateway's paths for what the HIP sends.
    public enum Path {
        public static let generateToken = "/v3/token/generate-token"
        public static let linkCareContexts = "/hip/v3/link/carecontext"
        public static let contextNotify = "/hip/v3/link/context/notify"
    }

    /// The bridge's paths, where ABDM sends its answers and requests.
    public enum Bridge {
        public static let onGenerateToken = "/api/v3/hip/token/on-generate-token"
        public static let onLinkCareContexts = "/api/v3/link/on_carecontext"
        public static let consentNotify = "/api/v3/consent/request/hip/notify"
        public static let discover = "/api/v3/hip/patient/care-context/discover"
        public static let linkInit = "/api/v3/hip/link/care-context/init"
        public static let linkConfirm = "/api/v3/hip/link/care-context/confirm"
        public static let healthInformationRequest = "/api/v3/hip/health-information/request"
    }

    /// What the patient record tells ABDM about her, to find her account.
    public struct Patient: Sendable, Equatable {
        public let name: String
        /// ABDM's codes: M, F, O.
        public let gender: String
        public let yearOfBirth: Int?

        public init(payload: JSONValue) {
            name = Self.text(payload, "name") ?? ""
            switch Self.text(payload, "sex") {
            case "female": gender = "F"
            case "male": gender = "M"
            default: gender = "O"
            }
            yearOfBirth = Self.text(payload, "birth_date").flatMap { Int($0.prefix(4)) }
        }

        static func text(_ payload: JSONValue, _ key: String) -> String? {
            if case .string(let value)? = payload[key] { return value }
            return nil
        }
    }

    public static func generateToken(abhaNumber: String?, abhaAddress: String, patient: Patient) -> JSONValue {
        var fields: [(String, JSONValue)] = []
        if let abhaNumber { fields.append(("abhaNumber", .string(Identifiers.formattedAbhaNumber(abhaNumber)))) }
        fields += [("abhaAddress", .string(abhaAddress)), ("name", .string(patient.name)), ("gender", .string(patient.gender))]
        if let year = patient.yearOfBirth { fields.append(("yearOfBirth", .integer(Int64(year)))) }
        return .object(fields)
    }

    /// One `patient[]` entry per hiType, as ABDM's reference HIP groups them.
    public static func linkCareContexts(abhaNumber: String?, abhaAddress: String, patientID: String, patient: Patient,
                                        contexts: [CareContext]) -> JSONValue {
        var byType: [(String, [CareContext])] = []
        for context in contexts {
            if let index = byType.firstIndex(where: { $0.0 == context.hiType }) { byType[index].1.append(context) } else { byType.append((context.hiType, [context])) }
        }
        var fields: [(String, JSONValue)] = []
        if let abhaNumber { fields.append(("abhaNumber", .string(Identifiers.formattedAbhaNumber(abhaNumber)))) }
        fields.append(("abhaAddress", .string(abhaAddress)))
        fields.append(("patient", .array(byType.map { hiType, group in
            .object([("referenceNumber", .string(patientID)), ("display", .string(patient.name)),
                     ("careContexts", .array(group.map { .object([("referenceNumber", .string($0.recordID)), ("display", .string($0.display))]) })),
                     ("hiType", .string(hiType)), ("count", .integer(Int64(group.count)))])
        })))
        return .object(fields)
    }

    public static func contextNotify(_ context: CareContext, at now: Timestamp) -> JSONValue {
        .object([("notification", .object([
            ("patient", .object([("id", .string(context.abhaAddress))])),
            ("careContext", .object([("patientReference", .string(context.patientID)), ("careContextReference", .string(context.recordID))])),
            ("hiTypes", .array([.string(context.hiType)])),
            ("date", .string(now.iso8601)),
            ("hip", .object([("id", .string(context.facility))])),
        ]))])
    }

    /// ABDM's answer to a request, as a callback carries it: whose request, and the error when it failed.
    public struct Answer: Sendable, Equatable {
        public let requestID: String
        /// "ABDM-1204: message", when ABDM says it failed.
        public let error: String?

        public init?(_ body: JSONValue) {
            guard case .string(let id)? = body["response"]?["requestId"], !id.isEmpty else { return nil }
            requestID = id
            if let error = body["error"], error != .null {
                let code = Patient.text(error, "code") ?? ""
                let message = Patient.text(error, "message") ?? ""
                self.error = String(TextSanitizer.singleLine([code, message].filter { !$0.isEmpty }.joined(separator: ": ")).prefix(300))
            } else {
                self.error = nil
            }
        }
    }

    /// A care context's words for people: "NCD screening 12-03-2026, PHC Rampur".
    public static func display(kind: String?, day: String, facilityName: String) -> String {
        let parts = day.split(separator: "-")
        let written = parts.count == 3 ? "\(parts[2])-\(parts[1])-\(parts[0])" : day
        return "\(kind == "follow_up" ? "NCD follow-up" : "NCD screening") \(written), \(facilityName)"
    }
}

extension AbdmGateway {
    /// A HIP's reply to ABDM (an acknowledgement, an on-discover, a notify), under a fresh REQUEST-ID. A refusal
    /// or no answer is logged, not retried: ABDM asks again when it hears nothing.
    func reply(_ path: String, _ body: JSONValue, hipID: String, logger: Logger) async {
        do {
            let (status, answer) = try await hipCall(path, body: body, hipID: hipID, requestID: UUID().uuidString.lowercased())
            if !(200..<300).contains(status) {
                logger.warning("ABDM refused", metadata: ["call": "\(path)", "status": "\(status)", "answer": "\(answer.serialized(pretty: false).prefix(300))"])
            }
        } catch {
            logger.warning("ABDM not reached", metadata: ["call": "\(path)", "error": "\(error)"])
        }
    }
}

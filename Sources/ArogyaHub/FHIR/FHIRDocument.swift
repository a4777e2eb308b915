import ArogyaCore
import Crypto
import Foundation

/// FHIR R4 resources built from the records devices upload, following the NRCeS implementation guide for
/// ABDM: a screening becomes a `WellnessRecord` document Bundle.
///
/// Codes are those of the guide's value sets (LOINC for vital signs, body measurements and glucose). The
/// guide has no profile or codes for CBAC or the cancer examinations: those go under "Other Observations"
/// with text codes, which its extensible bindings allow (see DECISIONS.md).
public enum FHIRDocument {
    static let profileBase = "https://nrces.in/ndhm/fhir/r4/StructureDefinition/"
    static let loinc = "http://loinc.org"
    static let ucum = "http://unitsofmeasure.org"
    /// The system of ABHA numbers in the guide's examples.
    static let abhaSystem = "https://healthid.ndhm.gov.in"
    static let facilitySystem = "https://facility.ndhm.gov.in"

    /// A stable `urn:uuid` for a resource made from a record (the same document every time it is asked for).
    static func uuid(_ seed: String) -> String {
        var bytes = Array(SHA256.hash(data: Array(seed.utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x80   // version 8: derived by our own rule
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.hexadecimal
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return parts.joined(separator: "-")
    }

    /// A record id as a `urn:uuid` reference.
    static func urn(_ id: String) -> String { "urn:uuid:" + id.lowercased() }

    static func meta(profile: String, version: Int64? = nil, lastUpdated: Timestamp? = nil) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        if let version { members.append(("versionId", .string(String(version)))) }
        if let lastUpdated { members.append(("lastUpdated", .string(lastUpdated.iso8601))) }
        members.append(("profile", .array([.string(profileBase + profile)])))
        return .object(members)
    }

    static func text(_ payload: JSONValue, _ key: String) -> String? {
        if case .string(let value)? = payload[key], !value.isEmpty { return value }
        return nil
    }

    static func number(_ payload: JSONValue?, _ key: String) -> Double? {
        payload?[key]?.double
    }

    static func coding(_ system: String, _ code: String, _ display: String) -> JSONValue {
        .object([("system", .string(system)), ("code", .string(code)), ("display", .string(display))])
    }

    static func concept(_ codings: [JSONValue], text: String) -> JSONValue {
        .object([("coding", .array(codings)), ("text", .string(text))])
    }

    static func quantity(_ value: Double, unit: String, code: String) -> JSONValue {
        .object([("value", .number(value)), ("unit", .string(unit)), ("system", .string(ucum)), ("code", .string(code))])
    }

    static func reference(_ urn: String, display: String? = nil) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [("reference", .string(urn))]
        if let display { members.append(("display", .string(display))) }
        return .object(members)
    }

    // MARK: Patient, Practitioner, Organization

    /// The patient, with her ABHA number (hyphenated, as the guide's examples write it) and her id here.
    public static func patient(_ record: StoredRecord) -> JSONValue {
        let payload = record.payload
        var identifiers: [JSONValue] = [
            .object([("system", .string("urn:ietf:rfc:3986")), ("value", .string(urn(record.id)))]),
        ]
        if let abha = text(payload, "abha_number"), abha.count == 14 {
            let digits = Array(abha)
            let hyphenated = String(digits[0..<2]) + "-" + String(digits[2..<6]) + "-" + String(digits[6..<10]) + "-" + String(digits[10..<14])
            identifiers.insert(.object([
                ("type", concept([coding("http://terminology.hl7.org/CodeSystem/v2-0203", "MR", "Medical record number")], text: "ABHA number")),
                ("system", .string(abhaSystem)), ("value", .string(hyphenated)),
            ]), at: 0)
        }
        if let address = text(payload, "abha_address") {
            identifiers.append(.object([("type", .object([("text", .string("ABHA address"))])), ("system", .string(abhaSystem)),
                                        ("value", .string(address))]))
        }
        var members: [(key: String, value: JSONValue)] = [
            ("resourceType", .string("Patient")), ("id", .string(record.id.lowercased())),
            ("meta", meta(profile: "Patient", version: record.hubVersion, lastUpdated: record.updatedAt)),
            ("identifier", .array(identifiers)),
        ]
        var names: [JSONValue] = [.object([("text", .string(text(payload, "name") ?? "-"))])]
        if let other = text(payload, "name_alt") { names.append(.object([("use", .string("usual")), ("text", .string(other))])) }
        members.append(("name", .array(names)))
        if let mobile = text(payload, "mobile") {
            members.append(("telecom", .array([.object([("system", .string("phone")), ("value", .string("+91" + mobile)), ("use", .string("mobile"))])])))
        }
        members.append(("gender", .string(text(payload, "sex") ?? "unknown")))
        if let born = text(payload, "birth_date") { members.append(("birthDate", .string(born))) }
        switch text(payload, "status") {
        case "deceased":
            members.append(("deceasedBoolean", .bool(true)))
        case "merged":
            members.append(("active", .bool(false)))
            if let into = text(payload, "merged_into") {
                members.append(("link", .array([.object([("other", reference("Patient/" + into.lowercased())), ("type", .string("replaced-by"))])])))
            }
        default:
            members.append(("active", .bool(true)))
        }
        return .object(members)
    }

    static func practitioner(id: String, name: String, role: String?) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("resourceType", .string("Practitioner")), ("id", .string(id)), ("meta", meta(profile: "Practitioner")),
            ("identifier", .array([.object([("system", .string("urn:ietf:rfc:3986")), ("value", .string(urn(id)))])])),
            ("name", .array([.object([("text", .string(name))])])),
        ]
        if let role { members.append(("qualification", .array([.object([("code", .object([("text", .string(role))]))])]))) }
        return .object(members)
    }

    static func organization(id: String, name: String, hfrID: String?) -> JSONValue {
        let identifier: JSONValue = hfrID.map {
            .object([("type", concept([coding("http://terminology.hl7.org/CodeSystem/v2-0203", "PRN", "Provider number")], text: "HFR ID")),
                     ("system", .string(facilitySystem)), ("value", .string($0))])
        } ?? .object([("system", .string("urn:ietf:rfc:3986")), ("value", .string(urn(id)))])
        return .object([
            ("resourceType", .string("Organization")), ("id", .string(id)), ("meta", meta(profile: "Organization")),
            ("identifier", .array([identifier])), ("name", .string(name)),
        ])
    }
}

import ArogyaCore
import GRDB

/// Reading patients from rows, and the columns a query needs for that.
enum PatientRecords {
    /// Every column of a patient and the name of her village.
    static let selection = """
        SELECT p.*, v.name AS village_name FROM patient p LEFT JOIN village v ON v.id = p.village_id
        """

    static func patient(from row: Row) throws -> Patient {
        guard let sex = Sex(rawValue: row["sex"]),
              let birthDate = CivilDate(iso8601: row["birth_date"]),
              let consentDate = CivilDate(iso8601: row["consent_date"]),
              let method = Consent.Method(rawValue: row["consent_method"])
        else { throw StoreError.unreadableRow(path: "", detail: "patient \(row["id"] as String) has a value this version cannot read") }
        let villageId: String? = row["village_id"]
        let statusDate = (row["status_date"] as String?).flatMap(CivilDate.init(iso8601:))
        let status: PatientStatus
        switch row["status"] as String {
        case "deceased": status = .deceased(on: statusDate ?? birthDate)
        case "moved": status = .moved(on: statusDate ?? birthDate)
        case "merged": status = .merged(into: row["merged_into"] ?? "")
        default: status = .active
        }
        return Patient(
            id: row["id"], name: row["name"], nameAlt: row["name_alt"], sex: sex, birthDate: birthDate,
            birthDateEstimated: row["birth_date_estimated"], mobile: row["mobile"],
            village: villageId.map { Village(id: $0, name: row["village_name"] ?? "") }, household: row["household"],
            abhaNumber: row["abha_number"], abhaAddress: row["abha_address"], mrn: row["mrn"],
            consent: Consent(given: row["consent_given"], method: method, date: consentDate), status: status,
            lastSeenAt: row["last_seen_at"], createdAt: row["created_at"], updatedAt: row["updated_at"], version: row["version"])
    }

    /// The values of the columns a registration or an edit writes, in `writtenColumns` order.
    static let writtenColumns = ["name", "name_alt", "search_terms", "sex", "birth_date", "birth_date_estimated", "mobile", "mobile_reversed",
                                 "village_id", "household", "abha_number", "abha_address", "mrn", "consent_given",
                                 "consent_method", "consent_date"]

    static func values(_ details: PatientDetails, villageId: String?, terms: String) -> [(any DatabaseValueConvertible)?] {
        [details.name, details.nameAlt, terms, details.sex.rawValue, details.birthDate.iso8601, details.birthDateEstimated,
         details.mobile, details.mobile.map { String($0.reversed()) }, villageId, details.household, details.abhaNumber,
         details.abhaAddress, details.mrn, details.consent.given, details.consent.method.rawValue, details.consent.date.iso8601]
    }

    /// The fields that travel in the audit detail when a patient is registered or changed.
    static func auditFields(_ details: PatientDetails, villageName: String?) -> [String: String] {
        var fields = ["name": details.name, "sex": details.sex.rawValue, "birth_date": details.birthDate.iso8601,
                      "consent": details.consent.given ? "yes" : "no"]
        fields["name_alt"] = details.nameAlt
        fields["village"] = villageName
        fields["mobile"] = details.mobile
        fields["abha_number"] = details.abhaNumber
        fields["abha_address"] = details.abhaAddress
        fields["household"] = details.household
        fields["mrn"] = details.mrn
        return fields
    }
}

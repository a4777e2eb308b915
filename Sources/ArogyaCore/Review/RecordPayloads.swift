/// Records as they travel (a terminal's row as JSON, judged by `RecordRules`) read back into the types
/// the block register is made of, for the hub (its indicators read the report tables, `StoredColumns`).
public enum RecordPayloads {
    public static func text(_ payload: JSONValue, _ key: String) -> String? {
        if case .string(let value)? = payload[key] { return value }
        return nil
    }

    static func int(_ payload: JSONValue, _ key: String) -> Int? {
        if let value = payload[key]?.int64, let small = Int(exactly: value) { return small }
        return nil
    }

    static func bool(_ payload: JSONValue, _ key: String) -> Bool {
        payload[key] == .bool(true)
    }

    static func strings(_ value: JSONValue?) -> [String] {
        guard case .array(let items)? = value else { return [] }
        return items.compactMap { if case .string(let text) = $0 { return text } else { return nil } }
    }

    public static func patient(id: String, _ payload: JSONValue) -> Patient? {
        guard let name = text(payload, "name"), let sex = text(payload, "sex").flatMap(Sex.init(rawValue:)),
              let born = text(payload, "birth_date").flatMap(CivilDate.init(iso8601:)),
              let created = text(payload, "created_at").flatMap(Timestamp.init(iso8601:)) else { return nil }
        let statusDay = text(payload, "status_date").flatMap(CivilDate.init(iso8601:)) ?? created.utcDay
        let status: PatientStatus
        switch text(payload, "status") {
        case "deceased"?: status = .deceased(on: statusDay)
        case "moved"?: status = .moved(on: statusDay)
        case "merged"?: status = .merged(into: text(payload, "merged_into") ?? "")
        default: status = .active
        }
        let consent = Consent(given: bool(payload, "consent_given"),
                              method: text(payload, "consent_method").flatMap(Consent.Method.init(rawValue:)) ?? .verbal,
                              date: text(payload, "consent_date").flatMap(CivilDate.init(iso8601:)) ?? created.utcDay)
        return Patient(id: id, name: name, nameAlt: text(payload, "name_alt"), sex: sex, birthDate: born,
                       birthDateEstimated: bool(payload, "birth_date_estimated"), mobile: text(payload, "mobile"),
                       village: text(payload, "village").map { Village(id: text(payload, "village_id") ?? $0, name: $0) },
                       household: text(payload, "household"), abhaNumber: text(payload, "abha_number"),
                       abhaAddress: text(payload, "abha_address"), mrn: text(payload, "mrn"), consent: consent, status: status,
                       lastSeenAt: nil, createdAt: created,
                       updatedAt: text(payload, "updated_at").flatMap(Timestamp.init(iso8601:)) ?? created, version: 1)
    }

    public static func glucose(_ payload: JSONValue) -> (GlucoseTestType?, GlucoseValue?) {
        let type = text(payload, "glucose_type").flatMap(GlucoseTestType.init(rawValue:))
        switch text(payload, "glucose_meter") {
        case "LO"?: return (type, .meterLow)
        case "HI"?: return (type, .meterHigh)
        default:
            if let value = payload["glucose_mg_dl"]?.double { return (type, .milligramsPerDecilitre(value)) }
            return (type, nil)
        }
    }

    public static func screening(id: String, _ payload: JSONValue) -> ScreeningSummary? {
        guard let patient = text(payload, "patient_id"), let day = text(payload, "screened_on").flatMap(CivilDate.init(iso8601:)),
              let created = text(payload, "created_at").flatMap(Timestamp.init(iso8601:)) else { return nil }
        let kind = text(payload, "kind").flatMap(ScreeningVisit.Kind.init(rawValue:)) ?? .screening
        let systolic = int(payload, "bp_systolic"), diastolic = int(payload, "bp_diastolic")
        let (glucoseType, glucoseValue) = glucose(payload)
        let decision = payload["decision"] ?? .null
        return ScreeningSummary(
            id: id, patientId: patient, kind: kind, day: day, protocolID: text(payload, "protocol_id") ?? "",
            protocolVersion: text(payload, "protocol_version") ?? "",
            bloodPressure: systolic.flatMap { s in diastolic.map { PressurePair(s, $0) } },
            bloodPressureCategory: text(payload, "bp_category").flatMap(BloodPressureCategory.init(rawValue:)),
            glucoseType: glucoseType, glucoseValue: glucoseValue, cbacScore: int(payload, "cbac_score"),
            refer: bool(payload, "refer"), urgent: bool(payload, "urgent"),
            followUpOn: text(payload, "follow_up_on").flatMap(CivilDate.init(iso8601:)),
            reasons: strings(decision["reasons"]), notScreened: strings(decision["not_screened"]).compactMap(UnscreenedCondition.init(rawValue:)),
            recordedBy: text(payload, "recorded_by") ?? "", medicines: text(payload, "medicines"),
            adherence: text(payload, "adherence").flatMap(Adherence.init(rawValue:)), savedAt: created)
    }

    public static func review(id: String, _ payload: JSONValue) -> ScreeningReview? {
        guard let screening = text(payload, "screening_id"), let action = text(payload, "action").flatMap(ReviewAction.init(rawValue:)),
              let at = text(payload, "created_at").flatMap(Timestamp.init(iso8601:)) else { return nil }
        return ScreeningReview(id: id, screeningId: screening, action: action, reason: text(payload, "reason"), comment: text(payload, "comment"),
                               reviewedBy: text(payload, "reviewed_by") ?? "", at: at)
    }
}

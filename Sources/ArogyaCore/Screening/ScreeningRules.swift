/// The rules for a screening given to the store from outside the screen (the command line): the same
/// limits the screening form applies as she types.
public enum ScreeningRules {
    /// Free text of a follow-up visit (the medicines given), at most this long, as on the form.
    public static let medicinesLength = 120

    /// The day a visit was done: today when empty, never in the future nor before her birth.
    public static func visitDay(_ raw: String, today: CivilDate, born: CivilDate) throws(UserMessage) -> CivilDate {
        let text = raw.trimmingSpaces
        if text.isEmpty { return today }
        guard let day = CivilDate(iso8601: text) else { throw UserMessage(.errorVisitDayFormat) }
        guard day <= today else { throw UserMessage(.errorVisitDayFuture) }
        guard day >= born else { throw UserMessage(.errorVisitDayBeforeBirth) }
        return day
    }

    public static func medicines(_ raw: String) throws(UserMessage) -> String? {
        let text = TextSanitizer.singleLine(raw)
        if text.isEmpty { return nil }
        guard text.count <= medicinesLength else { throw UserMessage(.errorTextTooLong, ["max": String(medicinesLength)]) }
        return text
    }

    /// Reads a screening as `protocol evaluate` reads it, for this patient on this day: "sex" and "age", when
    /// left out, are hers; when given they must be hers, so that a record is never judged as someone else.
    public static func input(_ bytes: [UInt8], for patient: Patient, on day: CivilDate,
                             protocol rules: ScreeningProtocol) throws(JSONInputError) -> ScreeningInput {
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            throw JSONInputError(path: "", reason: "the input is not valid JSON: \(error)")
        }
        guard case .object(var members) = document else { throw JSONField(document).failure("expected an object { … }") }
        let age = patient.age(on: day)
        for (key, value) in [("sex", JSONValue.string(patient.sex.rawValue)), ("age", .number(Double(age)))] {
            if let given = members.first(where: { $0.key == key })?.value {
                guard given == value else {
                    throw JSONInputError(path: key, reason: "the patient's is \(value.serialized(pretty: false)), not \(given.serialized(pretty: false))")
                }
            } else {
                members.append((key, value))
            }
        }
        return try ScreeningInput.read(JSONField(.object(members)), protocol: rules)
    }

    /// A follow-up visit is for a known hypertensive or diabetic.
    public static func check(_ visit: ScreeningVisit) throws(UserMessage) {
        if visit.kind == .followUp, visit.input.known.isEmpty { throw UserMessage(.screeningFollowUpNeedsCondition) }
    }
}

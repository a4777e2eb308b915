/// The kinds of record that travel between terminals and the hub, as the outbox and the wire name them.
public enum RecordType: String, CaseIterable, Sendable, Hashable {
    /// A worker's name and role, so that uploaded documents can name their author. Never the PIN hash.
    case account
    case facility
    case patient
    /// A screening or follow-up visit with its decisions; becomes FHIR Observations.
    case screening
    /// A referral and its outcome; becomes a FHIR ServiceRequest.
    case referral
    /// An ABHA request saved while ABDM could not be reached; never an Aadhaar number or an OTP.
    case abhaRequest = "abha_request"
    /// A supervisor's review of a screening: reviewed, a comment, or sent back for correction.
    case review
}

/// A record that breaks a rule: the field, and why, in words a person can act on.
public struct RecordProblem: Error, Equatable, Sendable, CustomStringConvertible {
    /// `payload.consent_method`
    public let field: String
    public let reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { field.isEmpty ? reason : field + ": " + reason }
}

/// One definition of what each record type must hold, used wherever a record is written from outside a
/// screen of this terminal: the hub's push, the terminal's pull, the command line's input. Every field is
/// judged by the rule the registration form, the screening form or the setup applies to it (the same
/// functions), so that a record the screens would refuse can never be stored, and every text is cleaned of
/// control characters and escape sequences on the way in.
///
/// `check` returns the payload as it is to be stored: the same keys, texts cleaned, identifiers in their
/// one written form. Unknown keys are refused, as everywhere else in Arogya: a field a newer version adds
/// is named in the reason, so that whoever runs the older side knows what to upgrade.
public struct RecordRules: Sendable {
    public let strings: StringTable
    /// The protocols a screening may name; one this side does not know is checked for its shape only.
    public let protocols: ProtocolLibrary
    /// Today, for birth dates and visits in the future (a day of slack for time zones and clocks).
    public let today: CivilDate

    public init(strings: StringTable, protocols: ProtocolLibrary, today: CivilDate) {
        self.strings = strings
        self.protocols = protocols
        self.today = today
    }

    public static let textLength = 500

    public func check(type: RecordType, id: String, payload: JSONValue) throws(RecordProblem) -> JSONValue {
        var reader = try PayloadReader(payload, strings: strings)
        if let given = try reader.optionalText("id", maxLength: 36), given != id {
            throw reader.problem("id", "\"\(given)\" is not the record's id \(id)")
        }
        switch type {
        case .patient: try patient(&reader)
        case .screening: try screening(&reader)
        case .referral: try referral(&reader)
        case .account: try account(&reader)
        case .facility: try facility(&reader)
        case .abhaRequest: try abhaRequest(&reader)
        case .review: try review(&reader)
        }
        try reader.time("created_at", required: true)
        try reader.time("updated_at", required: true)
        return try reader.finish()
    }

    private var latestDay: CivilDate { today.adding(days: 1) }

    private func patient(_ reader: inout PayloadReader) throws(RecordProblem) {
        let name = try reader.rule("name", required: true) { text throws(UserMessage) -> String? in try PatientRules.name(text) }
        _ = try reader.rule("name_alt", required: false) { text throws(UserMessage) -> String? in try PatientRules.alternateName(text, for: name ?? "") }
        try reader.choice("sex", Sex.self, required: true)
        let born = try reader.date("birth_date", required: true)
        if let born {
            do { try PatientRules.birthDate(born, today: latestDay) } catch { throw reader.problem("birth_date", error) }
        }
        try reader.bool("birth_date_estimated", required: false)
        _ = try reader.rule("mobile", required: false) { text throws(UserMessage) -> String? in try Identifiers.mobile(text) }
        try reader.id("village_id", required: false)
        _ = try reader.rule("village", required: false) { text throws(UserMessage) -> String? in try FacilityRules.village(text) }
        _ = try reader.rule("household", required: false) { text throws(UserMessage) -> String? in try Identifiers.localIdentifier(text) }
        _ = try reader.rule("abha_number", required: false) { text throws(UserMessage) -> String? in try Identifiers.abhaNumber(text) }
        _ = try reader.rule("abha_address", required: false) { text throws(UserMessage) -> String? in try Identifiers.abhaAddress(text) }
        _ = try reader.rule("mrn", required: false) { text throws(UserMessage) -> String? in try Identifiers.localIdentifier(text) }
        try reader.bool("consent_given", required: true)
        try reader.choice("consent_method", Consent.Method.self, required: true)
        if let consented = try reader.date("consent_date", required: true), consented > latestDay {
            throw reader.problem("consent_date", "\(consented.iso8601) is in the future")
        }
        let status = try reader.choice("status", PatientStatusCode.self, required: false) ?? .active
        let statusDate = try reader.date("status_date", required: false)
        if [.deceased, .moved].contains(status), statusDate == nil { throw reader.problem("status_date", "missing for a patient marked \(status.rawValue)") }
        if let statusDate, statusDate > latestDay { throw reader.problem("status_date", "\(statusDate.iso8601) is in the future") }
        let mergedInto = try reader.id("merged_into", required: status == .merged)
        if status != .merged, mergedInto != nil { throw reader.problem("merged_into", "only a merged record points to another") }
    }

    private func screening(_ reader: inout PayloadReader) throws(RecordProblem) {
        try reader.id("patient_id", required: true)
        try reader.choice("kind", ScreeningVisit.Kind.self, required: true)
        if let day = try reader.date("screened_on", required: true), day > latestDay {
            throw reader.problem("screened_on", "\(day.iso8601) is in the future")
        }
        let protocolId = try reader.code("protocol_id", required: true)
        let protocolVersion = try reader.code("protocol_version", required: true)
        let known = protocolId.flatMap { id in protocolVersion.flatMap { protocols.protocolWith(id: id, version: $0) } }
        let rules = known ?? protocols.protocolFor(state: nil)
        if let inputField = try reader.json("input", required: true), let known {
            do { _ = try ScreeningInput.read(inputField, protocol: known) } catch { throw reader.problem(error) }
        }
        if let decision = try reader.json("decision", required: true) {
            let object: JSONObjectReader
            do { object = try decision.object() } catch { throw reader.problem(error) }
            if let reasons = object.optional("reasons") {
                do { _ = try reasons.array().map { item throws(JSONInputError) in try item.string() } } catch { throw reader.problem(error) }
            }
        }
        let pressure = rules.bloodPressure
        try reader.int("bp_systolic", in: pressure.systolicRange, required: false)
        try reader.int("bp_diastolic", in: pressure.diastolicRange, required: false)
        try reader.choice("bp_category", BloodPressureCategory.self, required: false)
        try reader.choice("glucose_type", GlucoseTestType.self, required: false)
        try reader.number("glucose_mg_dl", in: rules.glucose.range, required: false)
        try reader.choice("glucose_meter", GlucoseMeterReading.self, required: false)
        try reader.choice("glucose_category", GlucoseCategory.self, required: false)
        try reader.int("cbac_score", in: 0...rules.cbac.maximumScore, required: false)
        for exam in ["oral_done", "breast_done", "cervical_done", "refer", "urgent"] { try reader.bool(exam, required: exam == "refer" || exam == "urgent") }
        try reader.list("known", of: KnownCondition.self)
        try reader.list("exams_chosen", of: Exam.self)
        try reader.date("follow_up_on", required: false)
        _ = try reader.rule("medicines", required: false) { text throws(UserMessage) -> String? in try ScreeningRules.medicines(text) }
        try reader.choice("adherence", Adherence.self, required: false)
        try reader.text("recorded_by", maxLength: 64, required: true)
        try reader.id("recorded_by_account", required: false)
        try reader.id("answers_review", required: false)
    }

    private func referral(_ reader: inout PayloadReader) throws(RecordProblem) {
        try reader.id("screening_id", required: true)
        try reader.id("patient_id", required: true)
        try reader.code("place", required: true)
        try reader.text("place_name", maxLength: 200, required: false)
        try reader.bool("urgent", required: true)
        if let reasons = try reader.json("reasons", required: true) {
            do { _ = try reasons.array().map { item throws(JSONInputError) in try item.string() } } catch { throw reader.problem(error) }
        }
        try reader.codes("conditions", required: true)
        try reader.date("referred_on", required: true)
        try reader.choice("outcome", ReferralOutcome.self, required: false)
        try reader.date("outcome_on", required: false)
        try reader.text("outcome_note", maxLength: 200, required: false)
        try reader.date("withdrawn_on", required: false)
    }

    private func review(_ reader: inout PayloadReader) throws(RecordProblem) {
        try reader.id("screening_id", required: true)
        try reader.id("patient_id", required: true)
        let action = try reader.choice("action", ReviewAction.self, required: true)
        let reason = try reader.rule("reason", required: false) { text throws(UserMessage) -> String? in try ReviewRules.text(text) }
        let comment = try reader.rule("comment", required: false) { text throws(UserMessage) -> String? in try ReviewRules.text(text) }
        if let action {
            do { try ReviewRules.check(action: action, reason: reason, comment: comment) } catch {
                throw reader.problem(action == .comment ? "comment" : "reason", error)
            }
        }
        try reader.text("reviewed_by", maxLength: 64, required: true)
    }

    private func abhaRequest(_ reader: inout PayloadReader) throws(RecordProblem) {
        try reader.id("patient_id", required: true)
        try reader.choice("flow", AbhaRequest.Flow.self, required: true)
        try reader.choice("status", AbhaRequest.Status.self, required: true)
        _ = try reader.rule("mobile", required: false) { text throws(UserMessage) -> String? in try Identifiers.mobile(text) }
        // The address she wants may be only its name: the suffix is ABDM's to give when it is made.
        _ = try reader.rule("abha_address", required: false) { text throws(UserMessage) -> String? in try Identifiers.abhaAddressOrName(text) }
        _ = try reader.rule("abha_number", required: false) { text throws(UserMessage) -> String? in try Identifiers.abhaNumber(text) }
        try reader.text("consent", maxLength: 40, required: false)
        try reader.text("reason", maxLength: 300, required: true)
        try reader.text("created_by", maxLength: 64, required: true)
    }

    private func account(_ reader: inout PayloadReader) throws(RecordProblem) {
        if reader.has("pin_hash") { throw reader.problem("pin_hash", "a PIN hash never leaves the terminal") }
        _ = try reader.rule("username", required: true) { text throws(UserMessage) -> String? in try AccountRules.username(text) }
        _ = try reader.rule("full_name", required: true) { text throws(UserMessage) -> String? in try AccountRules.fullName(text) }
        try reader.choice("role", Role.self, required: true)
        _ = try reader.rule("language", required: false) { text throws(UserMessage) -> String? in try AccountRules.language(text).rawValue }
        try reader.bool("active", required: false)
    }

    private func facility(_ reader: inout PayloadReader) throws(RecordProblem) {
        _ = try reader.rule("name", required: true) { text throws(UserMessage) -> String? in try FacilityRules.facilityName(text) }
        _ = try reader.rule("hfr_id", required: false) { text throws(UserMessage) -> String? in try FacilityRules.facilityId(text) }
        _ = try reader.rule("state_code", required: false) { text throws(UserMessage) -> String? in try FacilityRules.state(text)?.code }
        try reader.villages("villages")
    }
}

/// A patient's status as stored and sent.
public enum PatientStatusCode: String, CaseIterable, Sendable {
    case active, deceased, moved, merged
}

/// The meter's readings beyond its range, as a screening stores them.
public enum GlucoseMeterReading: String, CaseIterable, Sendable {
    case low = "LO"
    case high = "HI"
}

/// Walks one payload field by field, keeping each value as it is to be stored.
struct PayloadReader {
    private let object: JSONObjectReader
    private let strings: StringTable
    private var cleaned: [String: JSONValue] = [:]
    private var read: Set<String> = []

    init(_ payload: JSONValue, strings: StringTable) throws(RecordProblem) {
        do {
            object = try JSONField(payload, path: "payload").object()
        } catch {
            throw RecordProblem(field: error.path, reason: error.reason)
        }
        self.strings = strings
    }

    func problem(_ key: String, _ reason: String) -> RecordProblem { RecordProblem(field: "payload." + key, reason: reason) }
    func problem(_ key: String, _ message: UserMessage) -> RecordProblem { problem(key, strings.text(message)) }
    func problem(_ error: JSONInputError) -> RecordProblem { RecordProblem(field: error.path, reason: error.reason) }

    func has(_ key: String) -> Bool { object.keys.contains(key) }

    /// The field, or nil when absent or null; a required one must be there.
    private mutating func field(_ key: String, required: Bool) throws(RecordProblem) -> JSONField? {
        read.insert(key)
        guard let field = object.optional(key) else {
            if required { throw problem(key, "missing") }
            if has(key) { cleaned[key] = .null }
            return nil
        }
        return field
    }

    private mutating func keep(_ key: String, _ value: JSONValue) { cleaned[key] = value }

    /// A text field judged by one of the domain's rules; what the rule returns is what is kept.
    mutating func rule(_ key: String, required: Bool, _ check: (String) throws(UserMessage) -> String?) throws(RecordProblem) -> String? {
        guard let field = try field(key, required: required) else { return nil }
        let raw: String
        do { raw = try field.string() } catch { throw problem(error) }
        let value: String?
        do { value = try check(raw) } catch { throw problem(key, error) }
        guard let value else {
            if required { throw problem(key, "missing") }
            keep(key, .null)
            return nil
        }
        keep(key, .string(value))
        return value
    }

    @discardableResult
    mutating func text(_ key: String, maxLength: Int, required: Bool) throws(RecordProblem) -> String? {
        try rule(key, required: required) { raw throws(UserMessage) -> String? in
            let text = TextSanitizer.singleLine(raw)
            if text.isEmpty { return nil }
            guard text.count <= maxLength else { throw UserMessage(.errorTextTooLong, ["max": String(maxLength)]) }
            return text
        }
    }

    mutating func optionalText(_ key: String, maxLength: Int) throws(RecordProblem) -> String? {
        try text(key, maxLength: maxLength, required: false)
    }

    /// A short code: lower-case letters, digits, dots, hyphens and underscores.
    @discardableResult
    mutating func code(_ key: String, required: Bool) throws(RecordProblem) -> String? {
        guard let field = try field(key, required: required) else { return nil }
        let text: String
        do { text = try field.string() } catch { throw problem(error) }
        guard Self.isCode(text) else { throw problem(key, "\"\(TextSanitizer.singleLine(text).prefix(40))\" is not a code (letters, digits, . - _)") }
        keep(key, .string(text))
        return text
    }

    static func isCode(_ text: String) -> Bool {
        (1...40).contains(text.utf8.count) && text.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" || $0 == "."
        }
    }

    /// Comma-separated codes ("hypertension,diabetes"), possibly none.
    mutating func codes(_ key: String, required: Bool) throws(RecordProblem) {
        guard let field = try field(key, required: required) else { return }
        let text: String
        do { text = try field.string() } catch { throw problem(error) }
        for part in text.split(separator: ",", omittingEmptySubsequences: false) where !text.isEmpty && !Self.isCode(String(part)) {
            throw problem(key, "\"\(TextSanitizer.singleLine(String(part)).prefix(40))\" is not a code")
        }
        keep(key, .string(text))
    }

    /// Comma-separated values of one kind, possibly none.
    mutating func list<Choice: CaseIterable & RawRepresentable>(_ key: String, of type: Choice.Type) throws(RecordProblem)
        where Choice.RawValue == String {
        guard let field = try field(key, required: false) else { return }
        let text: String
        do { text = try field.string() } catch { throw problem(error) }
        for part in text.split(separator: ",") where Choice(rawValue: String(part)) == nil {
            throw problem(key, "\"\(TextSanitizer.singleLine(String(part)).prefix(40))\" is not one of \(Choice.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        keep(key, .string(text))
    }

    @discardableResult
    mutating func id(_ key: String, required: Bool) throws(RecordProblem) -> String? {
        guard let field = try field(key, required: required) else { return nil }
        let text: String
        do { text = try field.string() } catch { throw problem(error) }
        guard SyncWire.isRecordID(text) else { throw problem(key, "not a record id (a UUID)") }
        keep(key, .string(text.lowercased()))
        return text.lowercased()
    }

    @discardableResult
    mutating func date(_ key: String, required: Bool) throws(RecordProblem) -> CivilDate? {
        guard let field = try field(key, required: required) else { return nil }
        let text: String
        do { text = try field.string() } catch { throw problem(error) }
        guard let day = CivilDate(iso8601: text) else { throw problem(key, "\"\(TextSanitizer.singleLine(text).prefix(40))\" is not a date such as 1980-01-31") }
        keep(key, .string(day.iso8601))
        return day
    }

    mutating func time(_ key: String, required: Bool) throws(RecordProblem) {
        guard let field = try field(key, required: required) else { return }
        let text: String
        do { text = try field.string() } catch { throw problem(error) }
        guard let time = Timestamp(iso8601: text) else { throw problem(key, "not a UTC time such as 2026-11-23T09:15:00.000Z") }
        keep(key, .string(time.iso8601))
    }

    @discardableResult
    mutating func bool(_ key: String, required: Bool) throws(RecordProblem) -> Bool? {
        guard let field = try field(key, required: required) else { return nil }
        do {
            let flag = try field.bool()
            keep(key, .bool(flag))
            return flag
        } catch {
            throw problem(error)
        }
    }

    @discardableResult
    mutating func choice<Choice: CaseIterable & RawRepresentable>(_ key: String, _ type: Choice.Type, required: Bool) throws(RecordProblem) -> Choice?
        where Choice.RawValue == String {
        guard let field = try field(key, required: required) else { return nil }
        do {
            let value = try field.choice(type)
            keep(key, .string(value.rawValue))
            return value
        } catch {
            throw problem(error)
        }
    }

    mutating func int(_ key: String, in range: ClosedRange<Int>, required: Bool) throws(RecordProblem) {
        guard let field = try field(key, required: required) else { return }
        do { keep(key, .number(Double(try field.int(in: range)))) } catch { throw problem(error) }
    }

    mutating func number(_ key: String, in range: ClosedRange<Double>, required: Bool) throws(RecordProblem) {
        guard let field = try field(key, required: required) else { return }
        do { keep(key, .number(try field.number(in: range))) } catch { throw problem(error) }
    }

    /// A JSON object or list kept as JSON, every text in it cleaned.
    mutating func json(_ key: String, required: Bool) throws(RecordProblem) -> JSONField? {
        guard let field = try field(key, required: required) else { return nil }
        switch field.value {
        case .object, .array:
            let value = Self.cleanTexts(field.value)
            keep(key, value)
            return JSONField(value, path: field.path)
        default:
            throw problem(key, "expected an object or a list, found \(field.value.shortDescription)")
        }
    }

    static func cleanTexts(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text): return .string(TextSanitizer.singleLine(text))
        case .array(let items): return .array(items.map(cleanTexts))
        case .object(let members): return .object(members.map { (TextSanitizer.singleLine($0.key), cleanTexts($0.value)) })
        default: return value
        }
    }

    /// The facility's villages: a list of names, each as the setup would take it.
    mutating func villages(_ key: String) throws(RecordProblem) {
        guard let field = try field(key, required: false) else { return }
        let names: [String]
        do { names = try field.array().map { item throws(JSONInputError) in try item.string() } } catch { throw problem(error) }
        let checked: [String]
        do { checked = try FacilityRules.villages(names) } catch { throw problem(key, error) }
        keep(key, .array(checked.map(JSONValue.string)))
    }

    /// The cleaned payload, in the order of the keys given; any key not read is refused.
    func finish() throws(RecordProblem) -> JSONValue {
        for key in object.keys where !read.contains(key) {
            throw problem(key, "not a field of this record type (\(read.sorted().joined(separator: ", ")))")
        }
        return .object(object.keys.compactMap { key in cleaned[key].map { (key, $0) } })
    }
}

/// What the record rules need from the assets: the text table their reasons are worded from, and the
/// protocols a screening may name.
public struct RecordVocabulary: Sendable {
    public let strings: StringTable
    public let protocols: ProtocolLibrary

    public init(strings: StringTable, protocols: ProtocolLibrary) {
        self.strings = strings
        self.protocols = protocols
    }

    public enum LoadError: Error, CustomStringConvertible {
        case noAssets
        case unreadable(String)
        public var description: String {
            switch self {
            case .noAssets: return "cannot find the text and protocol files (strings/en.json); set AROGYA_ASSETS to the assets folder"
            case .unreadable(let reason): return reason
            }
        }
    }

    /// From `AROGYA_ASSETS`, or the folders a release or the source tree keep them in.
    public static func locate() throws(LoadError) -> RecordVocabulary {
        guard let assets = AssetDirectory.locate() else { throw .noAssets }
        do {
            return RecordVocabulary(strings: try StringTable.load(from: assets), protocols: try ProtocolLibrary.load(from: assets))
        } catch {
            throw .unreadable("\(error)")
        }
    }

    public func rules(today: CivilDate) -> RecordRules {
        RecordRules(strings: strings, protocols: protocols, today: today)
    }
}

extension RecordRules {
    /// A record from the wire: its payload as it is to be stored, or what is wrong with it.
    public func check(_ record: SyncWire.Record) -> Result<JSONValue, RecordProblem> {
        // The record's type was read as one of the known ones (`SyncWire.Record`).
        do throws(RecordProblem) {
            return .success(try check(type: record.type, id: record.id, payload: record.payload))
        } catch {
            return .failure(error)
        }
    }
}

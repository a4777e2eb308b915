/// A stored row's values by position, as each store's database library gives them.
public protocol StoredRow {
    func text(_ index: Int) -> String?
    func integer(_ index: Int) -> Int?
    func real(_ index: Int) -> Double?
}

/// The indicators' values read back from stored columns, as a terminal's tables and the hub's report
/// tables both hold them (the same names and forms), so that both read a row the same way.
public enum StoredColumns {
    /// A visit from its columns; nil when its day or save time cannot be read.
    static func visit(patientId: String, kind: String, screenedOn: String, createdAt: String, bpSystolic: Int?, bpDiastolic: Int?,
                             glucoseType: String?, glucoseMgDl: Double?, glucoseMeter: String?, cbacScore: Int?, oralDone: Bool,
                             breastDone: Bool, cervicalDone: Bool, known: Set<KnownCondition>, readings: [PressurePair],
                             referredFor: Set<String>) -> IndicatorCohort.Visit? {
        guard let day = CivilDate(iso8601: screenedOn), let entered = Timestamp(iso8601: createdAt) else { return nil }
        var glucose: GlucoseReading?
        if let type = glucoseType.flatMap(GlucoseTestType.init(rawValue:)) {
            switch glucoseMeter.flatMap(GlucoseMeterReading.init(rawValue:)) {
            case .low?: glucose = GlucoseReading(type: type, value: .meterLow)
            case .high?: glucose = GlucoseReading(type: type, value: .meterHigh)
            case nil: glucose = glucoseMgDl.map { GlucoseReading(type: type, value: .milligramsPerDecilitre($0)) }
            }
        }
        return IndicatorCohort.Visit(
            patientId: patientId, day: day, enteredOn: entered.utcDay, kind: ScreeningVisit.Kind(rawValue: kind) ?? .screening,
            bloodPressure: bpSystolic.flatMap { s in bpDiastolic.map { PressurePair(s, $0) } }, readings: readings, glucose: glucose,
            cbacScore: cbacScore, oralDone: oralDone, breastDone: breastDone, cervicalDone: cervicalDone, known: known,
            referredFor: referredFor)
    }

    /// The columns of a visit row the indicators read, in the order `visit(_:lists:readings:referredFor:)`
    /// takes them: a terminal's `screening` and the hub's `report_visit` both have them.
    public static let visitColumns = """
        id, patient_id, kind, screened_on, created_at, bp_systolic, bp_diastolic, glucose_type, glucose_mg_dl, glucose_meter, \
        cbac_score, oral_done, breast_done, cervical_done, known
        """

    /// A visit from a row of `visitColumns`, with its typed readings and referral topics found by its id.
    public static func visit(_ row: some StoredRow, lists: inout Lists, readings: [String: [PressurePair]],
                             referredFor: [String: Set<String>]) -> IndicatorCohort.Visit? {
        guard let id = row.text(0), let patient = row.text(1), let kind = row.text(2), let day = row.text(3), let created = row.text(4) else { return nil }
        return visit(patientId: patient, kind: kind, screenedOn: day, createdAt: created, bpSystolic: row.integer(5), bpDiastolic: row.integer(6),
                     glucoseType: row.text(7), glucoseMgDl: row.real(8), glucoseMeter: row.text(9), cbacScore: row.integer(10),
                     oralDone: row.integer(11) == 1, breastDone: row.integer(12) == 1, cervicalDone: row.integer(13) == 1,
                     known: lists.knownConditions(row.text(14) ?? ""), readings: readings[id] ?? [], referredFor: referredFor[id] ?? [])
    }

    /// The columns of a referral row the indicators read, in the order `referral(_:lists:referredFor:)` takes them.
    public static let referralColumns = "screening_id, patient_id, conditions, referred_on, outcome, outcome_on"

    /// A referral from a row of `referralColumns`; its topics are noted under its screening in `referredFor`.
    public static func referral(_ row: some StoredRow, lists: inout Lists, referredFor: inout [String: Set<String>]) -> IndicatorCohort.Referral? {
        let topics = lists.topics(row.text(2) ?? "")
        if let screening = row.text(0) { referredFor[screening, default: []].formUnion(topics) }
        guard let patient = row.text(1), let on = row.text(3) else { return nil }
        return referral(patientId: patient, topics: topics, referredOn: on, outcome: row.text(4), outcomeOn: row.text(5))
    }

    /// A referral from its columns; nil when the day it was made cannot be read.
    static func referral(patientId: String, topics: Set<String>, referredOn: String, outcome: String?,
                                outcomeOn: String?) -> IndicatorCohort.Referral? {
        guard let on = CivilDate(iso8601: referredOn) else { return nil }
        return IndicatorCohort.Referral(patientId: patientId, topics: topics, referredOn: on,
                                        outcome: outcome.flatMap(ReferralOutcome.init(rawValue:)),
                                        outcomeOn: outcomeOn.flatMap(CivilDate.init(iso8601:)))
    }

    /// A person from her columns; nil when her sex, birth date or registration cannot be read.
    public static func person(id: String, sex: String, birthDate: String, createdAt: String, status: String, mobile: String?,
                              name: String?) -> IndicatorCohort.Person? {
        guard let sex = Sex(rawValue: sex), let born = CivilDate(iso8601: birthDate), let registered = Timestamp(iso8601: createdAt) else { return nil }
        return IndicatorCohort.Person(id: id, sex: sex, birthDate: born, registeredOn: registered.utcDay,
                                      active: status == PatientStatusCode.active.rawValue, mobile: mobile,
                                      firstNameKey: name.map { NameKey.words($0).first?.key ?? "" } ?? "")
    }

    /// Comma-separated lists ("diabetes,hypertension"), of which a report meets only a few distinct ones:
    /// each is split once.
    public struct Lists {
        private var known: [String: Set<KnownCondition>] = [:]
        private var topics: [String: Set<String>] = [:]

        public init() {}

        public mutating func knownConditions(_ text: String) -> Set<KnownCondition> {
            if let parsed = known[text] { return parsed }
            let parsed = Set(text.split(separator: ",").compactMap { KnownCondition(rawValue: String($0)) })
            known[text] = parsed
            return parsed
        }

        public mutating func topics(_ text: String) -> Set<String> {
            if let parsed = topics[text] { return parsed }
            let parsed = Set(text.split(separator: ",").map(String.init))
            topics[text] = parsed
            return parsed
        }
    }

    /// The BP readings as typed, from a screening's "bp" input ([[150, 96], [154, 96]]).
    public static func typedReadings(_ bp: JSONValue?) -> [PressurePair] {
        guard case .array(let pairs)? = bp else { return [] }
        return pairs.compactMap { pair in
            guard case .array(let values) = pair, values.count == 2, let s = values[0].double, let d = values[1].double else { return nil }
            return PressurePair(Int(s), Int(d))
        }
    }
}

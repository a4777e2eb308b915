import ArogyaCore
import GRDB

/// A screening and its referrals as rows, worked out before the write so that `arogya demo` can make them
/// on another thread; `recordScreening` and the bulk writer insert them the same way.
struct ScreeningRows: Sendable {
    let id: String
    let patientId: String
    let values: [DatabaseValue]
    private(set) var referrals: [ReferralRow]
    let audit: [String: String]

    struct ReferralRow: Sendable {
        let id: String
        let place: String
        let urgent: Bool
        let reasons: [String]
        let topics: [String]
        let day: CivilDate
        /// Demo histories record outcomes at once; a real screening never has one yet.
        var outcome: (ReferralOutcome, CivilDate)?

        var reasonsJSON: String { JSONValue.array(reasons.map { .string($0) }).serialized(pretty: false) }
    }

    static let columns = ["id", "patient_id", "kind", "screened_on", "protocol_id", "protocol_version", "input", "decision",
                          "bp_systolic", "bp_diastolic", "bp_category", "glucose_type", "glucose_mg_dl", "glucose_meter",
                          "glucose_category", "cbac_score", "oral_done", "breast_done", "cervical_done", "known", "exams_chosen",
                          "refer", "urgent", "follow_up_on", "medicines", "adherence", "recorded_by", "created_at", "updated_at"]

    init(visit: ScreeningVisit, decision: ScreeningDecision, reasonText: ScreeningReasonText, id: String,
         referralIds: () -> String, recordedBy: AuditActor, at time: Timestamp) {
        let rules = reasonText.rules
        let input = visit.input
        let sentences = reasonText.sentences(decision)
        let followUpOn = decision.followUpDays < rules.followUpDays.routine ? visit.day.adding(days: decision.followUpDays) : nil
        var glucoseNumber: Double?
        var glucoseMeter: String?
        switch input.glucose?.value {
        case .milligramsPerDecilitre(let value)?: glucoseNumber = value
        case .meterLow?: glucoseMeter = "LO"
        case .meterHigh?: glucoseMeter = "HI"
        case nil: break
        }
        let cervicalDone = [VIAResult.negative, .positive, .suspicious].contains { $0 == input.via }
        let row: [(any DatabaseValueConvertible)?] = [
            id, visit.patientId, visit.kind.rawValue, visit.day.iso8601, rules.id, rules.version,
            input.json.serialized(pretty: false), decision.json(reasonText: reasonText).serialized(pretty: false),
            decision.bloodPressure?.mean.systolic, decision.bloodPressure?.mean.diastolic,
            decision.bloodPressure?.category.rawValue, input.glucose?.type.rawValue, glucoseNumber, glucoseMeter,
            decision.glucose?.category.rawValue, decision.cbacScore,
            Self.examDone(input.oral), Self.examDone(input.breast), cervicalDone,
            KnownCondition.allCases.filter(input.known.contains).map(\.rawValue).joined(separator: ","),
            input.sex == .other ? Exam.allCases.filter(input.examsChosen.contains).map(\.rawValue).joined(separator: ",") : "",
            decision.refer, decision.urgent, followUpOn?.iso8601,
            visit.medicines, visit.adherence?.rawValue, recordedBy.description, time, time,
        ]
        self.id = id
        self.patientId = visit.patientId
        self.values = row.map { $0?.databaseValue ?? .null }
        self.referrals = decision.referrals.map { referral in
            var topics: [String] = []
            for index in referral.reasonIndices {
                let topic = decision.reasons[index].topic(in: rules)
                if !topics.contains(topic) { topics.append(topic) }
            }
            return ReferralRow(id: referralIds(), place: referral.place, urgent: referral.urgent,
                               reasons: referral.reasonIndices.map { sentences[$0] }, topics: topics, day: visit.day)
        }
        self.audit = ["patient": visit.patientId, "kind": visit.kind.rawValue, "protocol": "\(rules.id) \(rules.version)",
                      "refer": decision.refer ? "yes" : "no", "urgent": decision.urgent ? "yes" : "no"]
    }

    /// The same rows with an outcome already recorded for each referral (demo histories).
    func withOutcome(_ outcome: (ReferralOutcome, CivilDate)) -> ScreeningRows {
        var copy = self
        copy.referrals = referrals.map { referral in
            var changed = referral
            changed.outcome = outcome
            return changed
        }
        return copy
    }

    static func examDone(_ outcome: ExamOutcome?) -> Bool {
        switch outcome {
        case .normal?, .findings?: return true
        case .notDone?, nil: return false
        }
    }

    /// Writes the screening, its referrals (with an outcome, for a demo history), their audit rows and
    /// outbox rows. Runs inside the caller's transaction.
    func insert(_ db: Database, by actor: AuditActor, at time: Timestamp) throws {
        try db.cachedStatement(sql: "INSERT INTO screening (\(Self.columns.joined(separator: ", "))) VALUES (\(databaseQuestionMarks(count: Self.columns.count)))")
            .execute(arguments: StatementArguments(values))
        try db.appendAudit(.screeningRecorded, by: actor, at: time, subject: .screening, recordId: id, detail: audit)
        try db.enqueueForSync(.screening, recordId: id, version: 1, at: time)
        for referral in referrals {
            try insert(referral, db, by: actor, at: time)
        }
    }

    /// Writes one referral of this screening with its audit and outbox rows.
    func insert(_ referral: ReferralRow, _ db: Database, by actor: AuditActor, at time: Timestamp) throws {
        try db.cachedStatement(sql: """
            INSERT INTO referral (id, screening_id, patient_id, place, urgent, reasons, conditions, referred_on, outcome,
                outcome_on, version, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                referral.id, id, patientId, referral.place, referral.urgent, referral.reasonsJSON,
                referral.topics.joined(separator: ","), referral.day.iso8601, referral.outcome?.0.rawValue,
                referral.outcome?.1.iso8601, referral.outcome == nil ? 1 : 2, time, time,
            ])
        try db.appendAudit(.screeningRecorded, by: actor, at: time, subject: .referral,
                           recordId: referral.id, detail: ["screening": id, "place": referral.place,
                                                           "urgent": referral.urgent ? "yes" : "no"])
        try db.enqueueForSync(.referral, recordId: referral.id, version: 1, at: time)
        if let (outcome, day) = referral.outcome {
            try db.appendAudit(.referralOutcome, by: actor, at: time, subject: .referral,
                               recordId: referral.id, detail: ["outcome": outcome.rawValue, "on": day.iso8601])
            try db.enqueueForSync(.referral, recordId: referral.id, version: 2, at: time)
        }
    }

    /// The referrals as the caller gets them back.
    func records() -> [ReferralRecord] {
        referrals.map { ReferralRecord(id: $0.id, screeningId: id, patientId: patientId, place: $0.place, urgent: $0.urgent,
                                       reasons: $0.reasons, topics: $0.topics, referredOn: $0.day, outcome: $0.outcome?.0,
                                       outcomeOn: $0.outcome?.1, outcomeNote: nil, version: $0.outcome == nil ? 1 : 2) }
    }
}

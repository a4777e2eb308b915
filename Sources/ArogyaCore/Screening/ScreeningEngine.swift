/// Applies a protocol to a screening. Pure and deterministic: the same input and protocol always give the
/// same decisions, with no clock, store or terminal involved, so every rule can be tested at its boundary.
///
/// The input is assumed valid (`ScreeningInput.read` and the forms check ranges); the engine does not
/// re-check, because it runs for every keystroke of the outcome preview and in bulk for the demo.
public struct ScreeningEngine: Sendable {
    public let rules: ScreeningProtocol

    public init(protocol rules: ScreeningProtocol) {
        self.rules = rules
    }

    /// `kind` says what the visit was for: a screening is for every condition of her age, a follow-up
    /// visit for the conditions she is known to have; what it was for and did not measure is named.
    public func evaluate(_ input: ScreeningInput, kind: ScreeningVisit.Kind = .screening) -> ScreeningDecision {
        var reasons = ReasonCollector()

        // Reasons are collected in the order a worker reads a result: readings, symptoms, examinations,
        // mood, then the CBAC priority; `ordered()` then puts urgent ones first.
        let bloodPressure = input.bloodPressure.isEmpty ? nil : judgeBloodPressure(input, reasons: &reasons)
        let glucose = input.glucose.map { judgeGlucose($0, known: input.known.contains(.diabetes), reasons: &reasons) }

        // Every symptom raises its own referral, whatever the score, age or eligibility.
        for code in input.symptoms {
            guard let symptom = rules.symptomsByCode[code] else { continue }
            reasons.add(symptom.urgent ? .urgent : .refer, place: symptom.referTo, .symptom(code: code))
        }

        let oral = judgeExam(.oral, outcome: input.oral, input: input, reasons: &reasons)
        let breast = judgeExam(.breast, outcome: input.breast, input: input, reasons: &reasons)
        let cervical = judgeCervical(input, reasons: &reasons)

        var phq2Refer: Bool?
        if let phq2 = input.phq2 {
            phq2Refer = phq2.total >= rules.phq2.referAt
            if phq2.total >= rules.phq2.referAt {
                reasons.add(.refer, place: rules.phq2.referTo, .depression(total: phq2.total, limit: rules.phq2.referAt))
            }
        }

        // Hypertension and diabetes are screened from the CBAC age, and a known one is followed up by its
        // reading: a visit without the reading says so rather than passing as "no referral needed". A
        // follow-up visit is for what she is known to have; the other condition's screening stays due on
        // her card.
        for (condition, known, measured) in [(UnscreenedCondition.hypertension, KnownCondition.hypertension, !input.bloodPressure.isEmpty),
                                             (.diabetes, .diabetes, input.glucose != nil)] where !measured {
            let expected = input.known.contains(known) || (kind == .screening && input.age >= rules.cbac.minAge)
            if expected { reasons.add(.note, .notScreened(condition)) }
        }

        var cbacScore: Int?
        var cbacPriority: Bool?
        if let answers = input.cbac {
            let score = self.cbacScore(answers, age: input.age, sex: input.sex)
            cbacScore = score
            cbacPriority = score > rules.cbac.priorityAbove
            if score > rules.cbac.priorityAbove {
                reasons.add(.note, .cbacPriority(score: score, above: rules.cbac.priorityAbove))
            }
        }

        let ordered = reasons.ordered()
        return ScreeningDecision(
            protocolID: rules.id, protocolVersion: rules.version,
            cbacScore: cbacScore, cbacPriority: cbacPriority,
            phq2Total: input.phq2?.total, phq2Refer: phq2Refer,
            bloodPressure: bloodPressure, glucose: glucose,
            oral: oral, breast: breast, cervical: cervical,
            reasons: ordered, referrals: Self.referrals(ordered),
            followUpDays: followUpDays(input, reasons: ordered, bloodPressure: bloodPressure, glucose: glucose),
            bodyMassIndex: input.bodyMassIndex)
    }

    // MARK: CBAC

    /// Part A: age from the protocol's age version, tobacco, alcohol, waist by sex, inactivity, family history.
    public func cbacScore(_ answers: CBACAnswers, age: Int, sex: Sex) -> Int {
        let table = rules.cbac
        var score = table.agePoints(age)
        if let tobacco = answers.tobacco { score += table.tobaccoPoints[tobacco] ?? 0 }
        if answers.alcoholDaily == true { score += table.alcoholDailyPoints }
        if let waist = answers.waistCm { score += table.waistPoints(waist, sex: sex) }
        if answers.activity150 == false { score += table.inactivityPoints }
        if answers.familyHistory == true { score += table.familyHistoryPoints }
        return score
    }

    // MARK: Follow-up

    /// Days until the next visit: the same day for an urgent referral, a week to check a referral was
    /// reached, a month for known patients, a recheck for borderline results, soon when a reading was not taken,
    /// else the routine interval.
    func followUpDays(_ input: ScreeningInput, reasons: [ScreeningReason],
                      bloodPressure: BloodPressureDecision?, glucose: GlucoseDecision?) -> Int {
        let days = rules.followUpDays
        if reasons.contains(where: { $0.severity == .urgent }) { return days.urgent }
        if reasons.contains(where: { $0.severity == .refer }) { return days.refer }
        if !input.known.isEmpty { return days.knownCondition }
        let borderline = glucose?.category == .impaired || bloodPressure?.category == .low
            || reasons.contains { if case .cbacPriority = $0.kind { return true } else { return false } }
        let interval = borderline ? days.recheck : days.routine
        // What was not measured is not put off for a year.
        let incomplete = reasons.contains { if case .notScreened = $0.kind { return true } else { return false } }
        return incomplete ? min(interval, days.incomplete) : interval
    }

    /// One referral per place, in the order of the reasons (so urgent places come first).
    static func referrals(_ reasons: [ScreeningReason]) -> [Referral] {
        var order: [String] = []
        var indices: [String: [Int]] = [:]
        var urgent: Set<String> = []
        for (index, reason) in reasons.enumerated() where reason.severity != .note {
            guard let place = reason.place else { continue }
            if indices[place] == nil { order.append(place) }
            indices[place, default: []].append(index)
            if reason.severity == .urgent { urgent.insert(place) }
        }
        return order.map { Referral(place: $0, urgent: urgent.contains($0), reasonIndices: indices[$0]!) }
    }
}

/// Gathers reasons as the rules fire, then orders them by severity, keeping the firing order within each.
struct ReasonCollector {
    private var reasons: [ScreeningReason] = []

    mutating func add(_ severity: ReasonSeverity, place: String? = nil, _ kind: ScreeningReason.Kind) {
        reasons.append(ScreeningReason(severity, place: place, kind))
    }

    func ordered() -> [ScreeningReason] {
        // A stable sort: Swift's sort is not guaranteed stable, so sort by (severity, position).
        reasons.enumerated().sorted { first, second in
            first.element.severity != second.element.severity
                ? first.element.severity < second.element.severity
                : first.offset < second.offset
        }.map(\.element)
    }
}

/// A screening history for a synthetic population, as a sub-centre that has screened for two years would
/// have: about 40% of people aged 30 or more screened, hypertension in about a quarter of them and diabetes
/// in about a tenth, half of those already known and followed up monthly, referrals with and without
/// outcomes. Fixed by its seed, like the population.
public struct SyntheticHistory: Sendable {
    public struct Visit: Sendable {
        public let kind: ScreeningVisit.Kind
        public let day: CivilDate
        public let input: ScreeningInput
        public let medicines: String?
        public let adherence: Adherence?
        /// What became of the referrals this visit makes, by place, when an outcome was recorded.
        public let referralOutcome: (ReferralOutcome, CivilDate)?
    }

    public let rules: ScreeningProtocol
    public let today: CivilDate
    public let screenedShare: Double
    private var random: SeededRandom

    public init(protocol rules: ScreeningProtocol, seed: UInt64, today: CivilDate, screenedShare: Double = 0.4) {
        self.rules = rules
        self.today = today
        self.screenedShare = screenedShare
        // A stream of its own, so that the population is the same with or without a history.
        self.random = SeededRandom(seed: seed ^ 0x5EED_C0DE_0000_0001)
    }

    static let medicines = ["Amlodipine 5 mg, 30 tablets", "Amlodipine 10 mg, 30 tablets", "Telmisartan 40 mg, 30 tablets",
                            "Metformin 500 mg, 60 tablets", "Amlodipine 5 mg + Metformin 500 mg"]

    /// The visits of one person, oldest first; none for most.
    public mutating func visits(birthDate: CivilDate, sex: Sex, registeredOn: CivilDate) -> [Visit] {
        let age = Ages.years(from: birthDate, to: today)
        guard age >= rules.cbac.minAge, random.chance(screenedShare) else { return [] }
        let earliest = max(registeredOn, today.adding(days: -730))
        let span = max(0, earliest.days(until: today))
        let day = earliest.adding(days: random.int(in: 0...span))
        let ageThen = Ages.years(from: birthDate, to: day)
        let hypertension = random.chance(0.25)
        let diabetes = random.chance(0.10)
        // Half of those with the condition already know it and are on treatment.
        var known: Set<KnownCondition> = []
        if hypertension && random.chance(0.5) { known.insert(.hypertension) }
        if diabetes && random.chance(0.5) { known.insert(.diabetes) }

        var input = ScreeningInput(sex: sex, age: ageThen, known: known)
        input.cbac = CBACAnswers(tobacco: random.pick(TobaccoUse.allCases), alcoholDaily: random.chance(0.12),
                                 waistCm: Double(random.int(in: 62...108)), activity150: random.chance(0.6),
                                 familyHistory: random.chance(0.25))
        if random.chance(0.04) {
            let everyone = rules.symptoms.filter { $0.part == .b1 && $0.applies(sex: sex, age: ageThen) }
            input.symptoms = [random.pick(everyone).code]
        }
        input.bloodPressure = bloodPressure(raised: hypertension, controlled: known.contains(.hypertension) && random.chance(0.5))
        input.glucose = glucose(raised: diabetes, controlled: known.contains(.diabetes) && random.chance(0.4))
        let engine = ScreeningEngine(protocol: rules)
        if engine.isEligible(.oral, sex: sex, age: ageThen) {
            input.oral = random.chance(0.97) ? .normal : .findings([random.pick(rules.oral.findings).code])
        }
        if engine.isEligible(.breast, sex: sex, age: ageThen) {
            input.breast = random.chance(0.98) ? .normal : .findings([random.pick(rules.breast.findings).code])
        }
        if engine.isEligible(.cervical, sex: sex, age: ageThen) {
            input.via = [VIAResult.negative, .positive, .suspicious, .deferred][random.weighted([94, 4, 0.5, 1.5])]
        }
        let decision = engine.evaluate(input)
        var visits = [Visit(kind: .screening, day: day, input: input, medicines: nil, adherence: nil,
                            referralOutcome: decision.refer ? outcome(after: day) : nil)]

        // Known patients, and new ones whose referral was confirmed, come back about monthly; some stop coming.
        var followed = known
        if let confirmed = visits[0].referralOutcome, confirmed.0 == .confirmed || confirmed.0 == .treatmentStarted {
            if hypertension { followed.insert(.hypertension) }
            if diabetes { followed.insert(.diabetes) }
        }
        guard !followed.isEmpty else { return visits }
        var next = day.adding(days: random.int(in: 25...35))
        while next <= today, visits.count < 7, random.chance(0.85) {
            var visit = ScreeningInput(sex: sex, age: Ages.years(from: birthDate, to: next), known: followed)
            if followed.contains(.hypertension) { visit.bloodPressure = bloodPressure(raised: true, controlled: random.chance(0.55)) }
            if followed.contains(.diabetes) { visit.glucose = glucose(raised: true, controlled: random.chance(0.45)) }
            let referred = engine.evaluate(visit, kind: .followUp).refer
            visits.append(Visit(kind: .followUp, day: next, input: visit, medicines: random.pick(Self.medicines),
                                adherence: [Adherence.regular, .missedSome, .stopped][random.weighted([70, 25, 5])],
                                referralOutcome: referred ? outcome(after: next) : nil))
            next = next.adding(days: random.int(in: 25...35))
        }
        return visits
    }

    private mutating func bloodPressure(raised: Bool, controlled: Bool) -> [PressurePair] {
        let readings = random.chance(0.7) ? 2 : 1
        return (0..<readings).map { _ in
            if !raised || controlled { return PressurePair(random.int(in: 104...138), random.int(in: 64...88)) }
            // About one raised reading in twenty is in the urgent range.
            if random.chance(0.05) { return PressurePair(random.int(in: 180...210), random.int(in: 100...120)) }
            return PressurePair(random.int(in: 140...176), random.int(in: 86...106))
        }
    }

    private mutating func glucose(raised: Bool, controlled: Bool) -> GlucoseReading {
        let fasting = random.chance(0.2)
        let value: Int
        switch (raised && !controlled, fasting) {
        case (false, false): value = random.int(in: 78...138)
        case (false, true): value = random.int(in: 72...104)
        case (true, false): value = random.chance(0.06) ? random.int(in: 300...420) : random.int(in: 142...290)
        case (true, true): value = random.int(in: 128...230)
        }
        return GlucoseReading(type: fasting ? .fasting : .random, value: .milligramsPerDecilitre(Double(value)))
    }

    /// Three referrals in five have an outcome recorded within three weeks.
    private mutating func outcome(after day: CivilDate) -> (ReferralOutcome, CivilDate)? {
        guard random.chance(0.6) else { return nil }
        let when = min(today, day.adding(days: random.int(in: 2...21)))
        let outcome = [ReferralOutcome.confirmed, .reached, .treatmentStarted, .notReached][random.weighted([50, 20, 15, 15])]
        return (outcome, when)
    }
}

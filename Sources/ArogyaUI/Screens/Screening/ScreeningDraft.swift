import ArogyaCore

/// A screening being filled in: the questions the protocol asks of this person, her answers so far, and
/// what they add up to. No curses and no store: the screen moves the focus and the view draws it.
struct ScreeningDraft: Sendable {
    let rules: ScreeningProtocol
    let kind: ScreeningVisit.Kind
    let sex: Sex
    let age: Int
    /// Every question this person could be asked, in order; `visibleQuestions` leaves out the ones that do
    /// not apply to the answers given (findings when the exam was normal).
    let questions: [Question]
    private(set) var answers: [QuestionID: Answer] = [:]
    /// Values already confirmed after the "unusual value" question, so Enter is asked only once.
    var confirmed: [QuestionID: String] = [:]

    init(rules: ScreeningProtocol, kind: ScreeningVisit.Kind, sex: Sex, age: Int, known: Set<KnownCondition>,
         strings: StringTable) {
        self.rules = rules
        self.kind = kind
        self.sex = sex
        self.age = age
        self.questions = Self.makeQuestions(rules: rules, kind: kind, sex: sex, age: age, strings: strings)
        // Known conditions carry over from the card; the worker can correct them.
        if questions.contains(where: { $0.id == .knownHypertension }) {
            answers[.knownHypertension] = known.contains(.hypertension) ? .yes : .no
            answers[.knownDiabetes] = known.contains(.diabetes) ? .yes : .no
        }
        answers[.glucoseType] = .choice(GlucoseTestType.random.rawValue)
    }

    var isDirty: Bool { answers.keys.contains { $0 != .glucoseType && $0 != .knownHypertension && $0 != .knownDiabetes } }

    func answer(_ id: QuestionID) -> Answer? { answers[id] }

    mutating func set(_ id: QuestionID, _ answer: Answer?) {
        answers[id] = answer
        if answer == nil || answer != .typed(confirmed[id] ?? "") { confirmed[id] = nil }
    }

    func typed(_ id: QuestionID) -> String {
        if case .typed(let text)? = answers[id] { return text }
        return ""
    }

    func choice(_ id: QuestionID) -> String? {
        if case .choice(let value)? = answers[id] { return value }
        return nil
    }

    func ticked(_ id: QuestionID) -> Set<String> {
        if case .ticked(let values)? = answers[id] { return values }
        return []
    }

    func isYes(_ id: QuestionID) -> Bool { answers[id] == .yes }

    // MARK: Which questions show

    /// The questions that apply given the answers so far.
    var visibleQuestions: [Question] {
        questions.filter(isVisible)
    }

    func isVisible(_ question: Question) -> Bool {
        switch question.id {
        case .findings(let exam): return choice(.exam(exam)) == ExamChoice.findings
        case .skipReason(let exam):
            let choice = self.choice(.exam(exam))
            return choice == ExamChoice.notDone || (exam == .cervical && choice == VIAResult.deferred.rawValue)
        case .exam(let exam) where sex == .other: return ticked(.examsChosen).contains(exam.rawValue) || examHasAnswer(exam)
        case .pregnant: return sex != .male
        default: return true
        }
    }

    private func examHasAnswer(_ exam: Exam) -> Bool { answers[.exam(exam)] != nil }

    var parts: [ScreeningPart] {
        var seen: [ScreeningPart] = []
        for question in visibleQuestions where !seen.contains(question.part) { seen.append(question.part) }
        return seen
    }

    // MARK: What the answers add up to

    /// The screening as the engine reads it. Incomplete numbers are left out; `problems` says which.
    var input: ScreeningInput {
        var input = ScreeningInput(sex: sex, age: age)
        if isYes(.knownHypertension) { input.known.insert(.hypertension) }
        if isYes(.knownDiabetes) { input.known.insert(.diabetes) }
        input.pregnant = sex != .male && isYes(.pregnant)
        let cbacIDs: [QuestionID] = [.tobacco, .alcohol, .waist, .activity, .familyHistory]
        if cbacIDs.contains(where: { answers[$0] != nil }) {
            input.cbac = CBACAnswers(
                tobacco: choice(.tobacco).flatMap(TobaccoUse.init(rawValue:)),
                alcoholDaily: yesNo(.alcohol), waistCm: number(.waist),
                activity150: yesNo(.activity), familyHistory: yesNo(.familyHistory))
        }
        input.symptoms = questions.compactMap { question in
            if case .symptom(let code) = question.id, isYes(question.id) { return code }
            return nil
        }
        if let interest = number(.phqInterest), let mood = number(.phqMood) {
            input.phq2 = PHQ2Answers(interest: Int(interest), mood: Int(mood))
        }
        for reading in 0..<rules.bloodPressure.maxReadings {
            if let systolic = number(.systolic(reading)), let diastolic = number(.diastolic(reading)), systolic > diastolic {
                input.bloodPressure.append(PressurePair(Int(systolic), Int(diastolic)))
            }
        }
        let glucoseText = typed(.glucoseValue)
        if !glucoseText.isEmpty, let type = choice(.glucoseType).flatMap(GlucoseTestType.init(rawValue:)) {
            switch glucoseText {
            case "LO": input.glucose = GlucoseReading(type: type, value: .meterLow)
            case "HI": input.glucose = GlucoseReading(type: type, value: .meterHigh)
            default:
                if let value = number(.glucoseValue) { input.glucose = GlucoseReading(type: type, value: .milligramsPerDecilitre(value)) }
            }
        }
        input.heightCm = number(.height)
        input.weightKg = number(.weight)
        input.pulsePerMinute = number(.pulse).map { Int($0) }
        for exam in [Exam.oral, .breast] {
            switch choice(.exam(exam)) {
            case ExamChoice.normal?: input.setOutcome(.normal, for: exam)
            case ExamChoice.findings?:
                let codes = (exam == .oral ? rules.oral : rules.breast).findings.map(\.code).filter(ticked(.findings(exam)).contains)
                if !codes.isEmpty { input.setOutcome(.findings(codes), for: exam) }
            case ExamChoice.notDone?: input.setOutcome(.notDone, for: exam)
            default: break
            }
        }
        input.via = choice(.exam(.cervical)).flatMap(VIAResult.init(rawValue:))
        for exam in Exam.allCases {
            if let reason = choice(.skipReason(exam)).flatMap(ExamSkipReason.init(rawValue:)), isVisible(question(.skipReason(exam))!) {
                input.skipReasons[exam] = reason
            }
        }
        if sex == .other { input.examsChosen = Set(ticked(.examsChosen).compactMap(Exam.init(rawValue:))) }
        return input
    }

    func question(_ id: QuestionID) -> Question? { questions.first { $0.id == id } }

    /// The answers a saved screening was made of, for correcting it after a send-back: `input` of the
    /// result gives back the same screening. Values are taken as confirmed, as they were when saved.
    mutating func fill(from saved: ScreeningInput) {
        func typed(_ id: QuestionID, _ value: Double?) {
            guard let value else { return }
            let text = JSONValue.format(value)
            answers[id] = .typed(text)
            confirmed[id] = text
        }
        func yesNo(_ id: QuestionID, _ value: Bool?) {
            if let value { answers[id] = value ? .yes : .no }
        }
        if questions.contains(where: { $0.id == .knownHypertension }) {
            answers[.knownHypertension] = saved.known.contains(.hypertension) ? .yes : .no
            answers[.knownDiabetes] = saved.known.contains(.diabetes) ? .yes : .no
        }
        if sex != .male { yesNo(.pregnant, saved.pregnant) }
        if let cbac = saved.cbac {
            if let tobacco = cbac.tobacco { answers[.tobacco] = .choice(tobacco.rawValue) }
            yesNo(.alcohol, cbac.alcoholDaily)
            typed(.waist, cbac.waistCm)
            yesNo(.activity, cbac.activity150)
            yesNo(.familyHistory, cbac.familyHistory)
        }
        // Every symptom the form asks was answered: those saved are yes, the rest no.
        for question in questions {
            if case .symptom(let code) = question.id { answers[question.id] = saved.symptoms.contains(code) ? .yes : .no }
        }
        if let phq2 = saved.phq2 {
            typed(.phqInterest, Double(phq2.interest))
            typed(.phqMood, Double(phq2.mood))
        }
        for (reading, pair) in saved.bloodPressure.prefix(rules.bloodPressure.maxReadings).enumerated() {
            typed(.systolic(reading), Double(pair.systolic))
            typed(.diastolic(reading), Double(pair.diastolic))
        }
        if let glucose = saved.glucose {
            answers[.glucoseType] = .choice(glucose.type.rawValue)
            switch glucose.value {
            case .milligramsPerDecilitre(let value): typed(.glucoseValue, value)
            case .meterLow: answers[.glucoseValue] = .typed("LO")
            case .meterHigh: answers[.glucoseValue] = .typed("HI")
            }
        }
        typed(.height, saved.heightCm)
        typed(.weight, saved.weightKg)
        typed(.pulse, saved.pulsePerMinute.map(Double.init))
        for exam in [Exam.oral, .breast] {
            switch exam == .oral ? saved.oral : saved.breast {
            case .normal?: answers[.exam(exam)] = .choice(ExamChoice.normal)
            case .findings(let codes)?:
                answers[.exam(exam)] = .choice(ExamChoice.findings)
                answers[.findings(exam)] = .ticked(Set(codes))
            case .notDone?: answers[.exam(exam)] = .choice(ExamChoice.notDone)
            case nil: break
            }
        }
        if let via = saved.via { answers[.exam(.cervical)] = .choice(via.rawValue) }
        for (exam, reason) in saved.skipReasons { answers[.skipReason(exam)] = .choice(reason.rawValue) }
        if sex == .other { answers[.examsChosen] = .ticked(Set(saved.examsChosen.map(\.rawValue))) }
    }

    /// Urgent for the test type chosen: random 212 is not, fasting 212 is.
    func isUrgentGlucose(_ value: Double) -> Bool {
        let type = choice(.glucoseType).flatMap(GlucoseTestType.init(rawValue:)) ?? .random
        guard let limits = rules.glucose.types[type] else { return false }
        return value < rules.glucose.lowBelow || value >= limits.urgentAt
    }

    func yesNo(_ id: QuestionID) -> Bool? {
        switch answers[id] {
        case .yes?: return true
        case .no?: return false
        default: return nil
        }
    }

    /// A typed number, when it reads as one and lies in its range.
    func number(_ id: QuestionID) -> Double? {
        guard let question = question(id), case .number(let rule) = question.kind, let value = Double(typed(id)),
              rule.range.contains(value) else { return nil }
        return value
    }

    /// Symptom questions of this part still unanswered.
    func unanswered(in part: ScreeningPart) -> [QuestionID] {
        visibleQuestions.filter { $0.part == part && answers[$0.id] == nil && isYesNo($0) }.map(\.id)
    }

    func isYesNo(_ question: Question) -> Bool {
        if case .yesNo = question.kind { return true }
        return false
    }

    /// The live CBAC Part A score, with the age points from the date of birth.
    var cbacScore: Int {
        ScreeningEngine(protocol: rules).cbacScore(input.cbac ?? CBACAnswers(), age: age, sex: sex)
    }

    /// Problems that stop the outcome from being worked out: a reading half entered, findings without any
    /// finding ticked. Each names its field.
    var problems: [(QuestionID, UserMessage)] {
        var problems: [(QuestionID, UserMessage)] = []
        for reading in 0..<rules.bloodPressure.maxReadings {
            let systolic = typed(.systolic(reading))
            let diastolic = typed(.diastolic(reading))
            if !systolic.isEmpty && diastolic.isEmpty { problems.append((.diastolic(reading), UserMessage(.screeningDiastolicMissing))) }
            if systolic.isEmpty && !diastolic.isEmpty { problems.append((.systolic(reading), UserMessage(.screeningSystolicMissing))) }
            if let s = number(.systolic(reading)), let d = number(.diastolic(reading)), s <= d {
                problems.append((.diastolic(reading), UserMessage(.screeningSystolicNotAbove, ["systolic": JSONValue.format(s), "diastolic": JSONValue.format(d)])))
            }
        }
        for exam in [Exam.oral, .breast] where choice(.exam(exam)) == ExamChoice.findings && ticked(.findings(exam)).isEmpty {
            problems.append((.findings(exam), UserMessage(.screeningNoFindingTicked)))
        }
        if kind == .followUp, !isYes(.knownHypertension), !isYes(.knownDiabetes) {
            problems.append((.knownHypertension, UserMessage(.screeningFollowUpNeedsCondition)))
        }
        return problems
    }

    /// Something was recorded worth saving: a reading, an exam, an answer beyond the carried-over ones.
    var hasFindings: Bool {
        let input = self.input
        return input.cbac != nil || !input.symptoms.isEmpty || input.phq2 != nil || !input.bloodPressure.isEmpty
            || input.glucose != nil || input.oral != nil || input.breast != nil || input.via != nil
            || questions.contains { $0.part.isYesNoList && answers[$0.id] != nil }
    }
}

/// Values of the oral and breast exam choice.
enum ExamChoice {
    static let normal = "normal"
    static let findings = "findings"
    static let notDone = "not_done"
}

extension ScreeningInput {
    mutating func setOutcome(_ outcome: ExamOutcome, for exam: Exam) {
        if exam == .oral { oral = outcome } else { breast = outcome }
    }
}

// MARK: - The questions

extension ScreeningDraft {
    static func makeQuestions(rules: ScreeningProtocol, kind: ScreeningVisit.Kind, sex: Sex, age: Int,
                              strings: StringTable) -> [Question] {
        let validation = rules.validation
        var questions: [Question] = []
        func add(_ id: QuestionID, _ part: ScreeningPart, _ label: String, _ kind: QuestionKind) {
            questions.append(Question(id: id, part: part, label: label, kind: kind))
        }
        func option(_ value: String, _ key: StringKey, _ letter: Character) -> ChoiceOption {
            ChoiceOption(value: value, label: strings[key], letter: letter)
        }
        func symptoms(_ part: ScreeningPart) {
            for symptom in rules.symptoms where symptom.part == part.cbacPart && symptom.applies(sex: sex, age: age) {
                add(.symptom(symptom.code), part, symptom.label.text(strings.language), .yesNo)
            }
        }

        if kind == .screening {
            add(.tobacco, .riskFactors, strings[.screeningQTobacco], .choice([
                option(TobaccoUse.never.rawValue, .screeningOptionNever, "n"),
                option(TobaccoUse.sometimes.rawValue, .screeningOptionSometimes, "s"),
                option(TobaccoUse.daily.rawValue, .screeningOptionDaily, "d"),
            ]))
            add(.alcohol, .riskFactors, strings[.screeningQAlcohol], .yesNo)
            add(.waist, .riskFactors, strings[.screeningQWaist], .number(NumberRule(
                range: validation.waistCm, plausible: validation.plausible.waistCm, unit: .unitCm)))
            add(.activity, .riskFactors, strings[.screeningQActivity], .yesNo)
            add(.familyHistory, .riskFactors, strings[.screeningQFamilyHistory], .yesNo)
            symptoms(.earlySymptoms)
            symptoms(.womenSymptoms)
            symptoms(.elderlySymptoms)
            symptoms(.copd)
            add(.phqInterest, .mood, strings[.screeningQPhqInterest], .number(NumberRule(range: 0...3)))
            add(.phqMood, .mood, strings[.screeningQPhqMood], .number(NumberRule(range: 0...3)))
        }

        add(.knownHypertension, .vitals, strings[.screeningQKnownHypertension], .yesNo)
        add(.knownDiabetes, .vitals, strings[.screeningQKnownDiabetes], .yesNo)
        if sex != .male { add(.pregnant, .vitals, strings[.screeningQPregnant], .yesNo) }
        let bp = rules.bloodPressure
        let plausible = validation.plausible
        for reading in 0..<bp.maxReadings {
            let number = ["n": String(reading + 1)]
            add(.systolic(reading), .vitals, strings.text(.screeningQSystolic, number), .number(NumberRule(
                range: Double(bp.systolicRange.lowerBound)...Double(bp.systolicRange.upperBound),
                plausible: Double(plausible.systolic.lowerBound)...Double(plausible.systolic.upperBound),
                urgent: { $0 >= Double(bp.urgentAt.systolic) }, unit: .unitMmHg)))
            add(.diastolic(reading), .vitals, strings.text(.screeningQDiastolic, number), .number(NumberRule(
                range: Double(bp.diastolicRange.lowerBound)...Double(bp.diastolicRange.upperBound),
                plausible: Double(plausible.diastolic.lowerBound)...Double(plausible.diastolic.upperBound),
                urgent: { $0 >= Double(bp.urgentAt.diastolic) }, unit: .unitMmHg)))
        }
        add(.glucoseType, .vitals, strings[.screeningQGlucoseType], .choice([
            option(GlucoseTestType.random.rawValue, .glucoseTypeRandom, "r"),
            option(GlucoseTestType.fasting.rawValue, .glucoseTypeFasting, "f"),
            option(GlucoseTestType.postPrandial.rawValue, .glucoseTypePostPrandial, "p"),
        ]))
        let glucose = rules.glucose
        // Whether a value is urgent depends on the test type chosen: see `isUrgentGlucose`.
        add(.glucoseValue, .vitals, strings[.screeningQGlucoseValue], .number(NumberRule(
            range: glucose.range, allowsMeterWords: true, unit: .unitMgDl)))
        if kind == .screening {
            add(.height, .vitals, strings[.screeningQHeight], .number(NumberRule(
                range: validation.heightCm, plausible: plausible.heightCm, unit: .unitCm)))
            add(.weight, .vitals, strings[.screeningQWeight], .number(NumberRule(
                range: validation.weightKg, plausible: plausible.weightKg, allowsDecimal: true, unit: .unitKg)))
        }
        add(.pulse, .vitals, strings[.screeningQPulse], .number(NumberRule(
            range: Double(validation.pulsePerMinute.lowerBound)...Double(validation.pulsePerMinute.upperBound),
            plausible: Double(plausible.pulsePerMinute.lowerBound)...Double(plausible.pulsePerMinute.upperBound))))
        if kind == .screening {
            // What she already takes, as she tells it; a follow-up visit asks for the medicines given instead.
            add(.medicines, .vitals, strings[.screeningQCurrentMedicines], .text(maxLength: 120))
        }

        if kind == .screening {
            if sex == .other {
                add(.examsChosen, .cancer, strings[.screeningQExamsChosen], .checklist([
                    option(Exam.oral.rawValue, .examOral, "1"), option(Exam.breast.rawValue, .examBreast, "2"),
                    option(Exam.cervical.rawValue, .examCervical, "3"),
                ]))
            }
            let skipOptions = ExamSkipReason.allCases.enumerated().map { index, reason in
                ChoiceOption(value: reason.rawValue, label: ScreeningFormatting.skipLabel(reason, strings: strings),
                             letter: Character(String(index + 1)))
            }
            for exam in Exam.allCases where exam == .oral || sex != .male {
                if exam == .cervical {
                    add(.exam(exam), .cancer, strings[.screeningQCervical], .choice([
                        option(VIAResult.negative.rawValue, .screeningOptionNegative, "n"),
                        option(VIAResult.positive.rawValue, .screeningOptionPositive, "p"),
                        option(VIAResult.suspicious.rawValue, .screeningOptionSuspicious, "s"),
                        option(VIAResult.deferred.rawValue, .screeningOptionDeferred, "d"),
                        option(VIAResult.notDone.rawValue, .screeningOptionNotDone, "x"),
                    ]))
                } else {
                    add(.exam(exam), .cancer, strings[exam == .oral ? .screeningQOral : .screeningQBreast], .choice([
                        option(ExamChoice.normal, .screeningOptionNormal, "n"),
                        option(ExamChoice.findings, .screeningOptionFindings, "f"),
                        option(ExamChoice.notDone, .screeningOptionNotDone, "x"),
                    ]))
                    let findings = (exam == .oral ? rules.oral : rules.breast).findings.prefix(9).enumerated().map { index, finding in
                        ChoiceOption(value: finding.code, label: finding.label.text(strings.language), letter: Character(String(index + 1)))
                    }
                    add(.findings(exam), .cancer, strings[.screeningQFindings], .checklist(Array(findings)))
                }
                add(.skipReason(exam), .cancer, strings[.screeningQSkipReason], .choice(skipOptions))
            }
        } else {
            add(.medicines, .followUp, strings[.screeningQMedicines], .text(maxLength: 120))
            add(.adherence, .followUp, strings[.screeningQAdherence], .choice([
                option(Adherence.regular.rawValue, .screeningOptionRegular, "r"),
                option(Adherence.missedSome.rawValue, .screeningOptionMissedSome, "m"),
                option(Adherence.stopped.rawValue, .screeningOptionStopped, "s"),
            ]))
        }
        return questions
    }
}

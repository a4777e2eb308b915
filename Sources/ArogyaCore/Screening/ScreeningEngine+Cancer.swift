/// Oral, breast and cervical cancer. Eligibility decides what is offered and counted as due; it never stops
/// a finding or a symptom from raising its referral.
extension ScreeningEngine {
    public func isEligible(_ exam: Exam, sex: Sex, age: Int, examsChosen: Set<Exam> = []) -> Bool {
        let rule = rules.examRules(exam)
        // For sex "other" the worker chooses which examinations apply; age limits still hold.
        if sex == .other { return examsChosen.contains(exam) && rule.includes(age: age) }
        return rule.includes(sex: sex, age: age)
    }

    func judgeExam(_ exam: Exam, outcome: ExamOutcome?, input: ScreeningInput, reasons: inout ReasonCollector) -> ExamDecision {
        let table = exam == .oral ? rules.oral : rules.breast
        var refer = false
        var urgent = false
        switch outcome {
        case .findings(let codes)?:
            let findings = codes.compactMap(table.finding)
            let anyUrgent = findings.contains(where: \.urgent)
            reasons.add(anyUrgent ? .urgent : .refer, place: table.referTo, .examFindings(exam, codes: codes))
            refer = true
            urgent = anyUrgent
        case .notDone?:
            reasons.add(.note, .examNotDone(exam, input.skipReasons[exam]))
        case .normal?, nil:
            break
        }
        let symptomFlags = symptomFlags(for: exam, in: input)
        return ExamDecision(eligible: isEligible(exam, sex: input.sex, age: input.age, examsChosen: input.examsChosen),
                            refer: refer || symptomFlags.refer, urgent: urgent || symptomFlags.urgent)
    }

    func judgeCervical(_ input: ScreeningInput, reasons: inout ReasonCollector) -> ExamDecision {
        let table = rules.cervical
        var refer = false
        var urgent = false
        switch input.via {
        case .positive?:
            refer = table.referPositive
            reasons.add(table.referPositive ? .refer : .note, place: table.referPositive ? table.referTo : nil, .viaPositive)
        case .suspicious?:
            refer = true
            urgent = table.urgentSuspicious
            reasons.add(table.urgentSuspicious ? .urgent : .refer, place: table.referTo, .viaSuspicious)
        case .deferred?:
            reasons.add(.note, .viaDeferred(input.skipReasons[.cervical]))
        case .notDone?:
            reasons.add(.note, .examNotDone(.cervical, input.skipReasons[.cervical]))
        case .negative?, nil:
            break
        }
        let symptomFlags = symptomFlags(for: .cervical, in: input)
        return ExamDecision(eligible: isEligible(.cervical, sex: input.sex, age: input.age, examsChosen: input.examsChosen),
                            refer: refer || symptomFlags.refer, urgent: urgent || symptomFlags.urgent)
    }

    /// Symptoms that point to this cancer (a breast lump, post-coital bleeding) refer on their own; their
    /// reasons are already listed with the other symptoms.
    private func symptomFlags(for exam: Exam, in input: ScreeningInput) -> (refer: Bool, urgent: Bool) {
        var refer = false
        var urgent = false
        for code in input.symptoms {
            guard let symptom = rules.symptomsByCode[code], symptom.exam == exam else { continue }
            refer = true
            urgent = urgent || symptom.urgent
        }
        return (refer, urgent)
    }
}

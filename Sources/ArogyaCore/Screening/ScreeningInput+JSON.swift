/// The screening as JSON: the input of `arogya protocol evaluate` and the form stored with each screening.
///
/// Reading checks every value against the protocol's ranges and codes and names the field that is wrong;
/// unknown keys are refused, because a misspelt "symtoms" would otherwise drop a referral without a word.
extension ScreeningInput {
    public static let jsonKeys = ["sex", "age", "pregnant", "known", "cbac", "symptoms", "phq2", "bp", "glucose", "oral",
                                  "breast", "via", "skip_reasons", "exams", "height_cm", "weight_kg", "pulse_per_min"]

    public static func read(_ field: JSONField, protocol rules: ScreeningProtocol) throws(JSONInputError) -> ScreeningInput {
        let object = try field.object()
        try object.refuseUnknownKeys(jsonKeys)
        let validation = rules.validation
        let sex = try object.required("sex").choice(Sex.self)
        var input = ScreeningInput(sex: sex, age: try object.required("age").int(in: validation.ageYears))
        if let pregnantField = object.optional("pregnant") {
            input.pregnant = try pregnantField.bool()
            if input.pregnant, sex == .male { throw pregnantField.failure("only for a female patient") }
        }
        if let knownField = object.optional("known") {
            for item in try knownField.array() {
                guard input.known.insert(try item.choice(KnownCondition.self)).inserted else { throw item.failure("listed twice") }
            }
        }
        if let cbacField = object.optional("cbac") { input.cbac = try readCBAC(cbacField, validation: validation) }
        if let symptomsField = object.optional("symptoms") {
            let codes = try symptomsField.strings()
            for (index, code) in codes.enumerated() where rules.symptomsByCode[code] == nil {
                throw JSONInputError(path: "\(symptomsField.path)[\(index)]", reason: "\"\(code)\" is not a symptom code of protocol \(rules.id) \(rules.version)")
            }
            input.symptoms = codes
        }
        if let phqField = object.optional("phq2") {
            let answers = try phqField.array(count: 2)
            input.phq2 = PHQ2Answers(interest: try answers[0].int(in: 0...3), mood: try answers[1].int(in: 0...3))
        }
        if let bpField = object.optional("bp") { input.bloodPressure = try readBloodPressure(bpField, rules: rules.bloodPressure) }
        if let glucoseField = object.optional("glucose") { input.glucose = try readGlucose(glucoseField, rules: rules.glucose) }
        if let oralField = object.optional("oral") { input.oral = try readExam(oralField, rules: rules.oral) }
        if let breastField = object.optional("breast") { input.breast = try readExam(breastField, rules: rules.breast) }
        if let viaField = object.optional("via") { input.via = try viaField.choice(VIAResult.self) }
        if let reasonsField = object.optional("skip_reasons") {
            let reasons = try reasonsField.object()
            try reasons.refuseUnknownKeys(Exam.allCases.map(\.rawValue))
            for exam in Exam.allCases {
                if let reasonField = reasons.optional(exam.rawValue) { input.skipReasons[exam] = try reasonField.choice(ExamSkipReason.self) }
            }
        }
        if let examsField = object.optional("exams") {
            for item in try examsField.array() {
                guard input.examsChosen.insert(try item.choice(Exam.self)).inserted else { throw item.failure("listed twice") }
            }
        }
        input.heightCm = try object.optional("height_cm")?.number(in: validation.heightCm)
        input.weightKg = try object.optional("weight_kg")?.number(in: validation.weightKg)
        input.pulsePerMinute = try object.optional("pulse_per_min")?.int(in: validation.pulsePerMinute)
        return input
    }

    private static func readCBAC(_ field: JSONField, validation: ValidationRanges) throws(JSONInputError) -> CBACAnswers {
        let object = try field.object()
        try object.refuseUnknownKeys(["tobacco", "alcohol_daily", "waist_cm", "activity_150", "family_history"])
        return CBACAnswers(tobacco: try object.optional("tobacco")?.choice(TobaccoUse.self),
                           alcoholDaily: try object.optional("alcohol_daily")?.bool(),
                           waistCm: try object.optional("waist_cm")?.number(in: validation.waistCm),
                           activity150: try object.optional("activity_150")?.bool(),
                           familyHistory: try object.optional("family_history")?.bool())
    }

    private static func readBloodPressure(_ field: JSONField, rules: BloodPressureRules) throws(JSONInputError) -> [PressurePair] {
        let readings = try field.array()
        guard readings.count <= rules.maxReadings else {
            throw field.failure("at most \(rules.maxReadings) readings, found \(readings.count)")
        }
        var result: [PressurePair] = []
        for reading in readings {
            let pair = try reading.array(count: 2)
            let systolic = try pair[0].int()
            let diastolic = try pair[1].int()
            guard rules.systolicRange.contains(systolic) else {
                throw pair[0].failure("systolic \(systolic) is outside \(rules.systolicRange.lowerBound)–\(rules.systolicRange.upperBound)")
            }
            guard rules.diastolicRange.contains(diastolic) else {
                throw pair[1].failure("diastolic \(diastolic) is outside \(rules.diastolicRange.lowerBound)–\(rules.diastolicRange.upperBound)")
            }
            guard systolic > diastolic else { throw reading.failure("systolic \(systolic) must be above diastolic \(diastolic)") }
            result.append(PressurePair(systolic, diastolic))
        }
        return result
    }

    private static func readGlucose(_ field: JSONField, rules: GlucoseRules) throws(JSONInputError) -> GlucoseReading {
        let object = try field.object()
        try object.refuseUnknownKeys(["type", "mg_dl"])
        let type = try object.required("type").choice(GlucoseTestType.self)
        let valueField = try object.required("mg_dl")
        let value: GlucoseValue
        switch valueField.value {
        case .string(let text) where text.uppercased() == "LO": value = .meterLow
        case .string(let text) where text.uppercased() == "HI": value = .meterHigh
        default:
            guard let number = valueField.value.double else {
                throw valueField.failure("expected a number or \"LO\" or \"HI\", found \(valueField.value.shortDescription)")
            }
            guard rules.range.contains(number) else {
                throw valueField.failure("\(JSONValue.format(number)) is outside \(JSONValue.format(rules.range.lowerBound))–\(JSONValue.format(rules.range.upperBound)); if the meter shows LO or HI, give \"LO\" or \"HI\"")
            }
            value = .milligramsPerDecilitre(number)
        }
        return GlucoseReading(type: type, value: value)
    }

    private static func readExam(_ field: JSONField, rules: ExamRules) throws(JSONInputError) -> ExamOutcome {
        switch field.value {
        case .string("normal"): return .normal
        case .string("not_done"): return .notDone
        case .array:
            let codes = try field.strings()
            guard !codes.isEmpty else { throw field.failure("an empty list; give \"normal\" when nothing was found") }
            for (index, code) in codes.enumerated() where rules.finding(code) == nil {
                throw JSONInputError(path: "\(field.path)[\(index)]",
                                     reason: "\"\(code)\" is not one of \(rules.findings.map { "\"\($0.code)\"" }.joined(separator: ", "))")
            }
            return .findings(codes)
        default:
            throw field.failure("expected \"normal\", \"not_done\" or a list of findings, found \(field.value.shortDescription)")
        }
    }

    /// The same JSON `read` accepts, with absent parts left out.
    public var json: JSONValue {
        var members: [(key: String, value: JSONValue)] = [("sex", .string(sex.rawValue)), ("age", .number(Double(age)))]
        if pregnant { members.append(("pregnant", .bool(true))) }
        if !known.isEmpty {
            members.append(("known", .array(KnownCondition.allCases.filter(known.contains).map { .string($0.rawValue) })))
        }
        if let cbac {
            var part: [(key: String, value: JSONValue)] = []
            if let tobacco = cbac.tobacco { part.append(("tobacco", .string(tobacco.rawValue))) }
            if let alcohol = cbac.alcoholDaily { part.append(("alcohol_daily", .bool(alcohol))) }
            if let waist = cbac.waistCm { part.append(("waist_cm", .number(waist))) }
            if let activity = cbac.activity150 { part.append(("activity_150", .bool(activity))) }
            if let family = cbac.familyHistory { part.append(("family_history", .bool(family))) }
            members.append(("cbac", .object(part)))
        }
        if !symptoms.isEmpty { members.append(("symptoms", .array(symptoms.map { .string($0) }))) }
        if let phq2 { members.append(("phq2", .array([.number(Double(phq2.interest)), .number(Double(phq2.mood))]))) }
        if !bloodPressure.isEmpty {
            members.append(("bp", .array(bloodPressure.map { .array([.number(Double($0.systolic)), .number(Double($0.diastolic))]) })))
        }
        if let glucose {
            let value: JSONValue
            switch glucose.value {
            case .milligramsPerDecilitre(let number): value = .number(number)
            case .meterLow: value = .string("LO")
            case .meterHigh: value = .string("HI")
            }
            members.append(("glucose", .object([("type", .string(glucose.type.rawValue)), ("mg_dl", value)])))
        }
        for (key, outcome) in [("oral", oral), ("breast", breast)] {
            switch outcome {
            case .normal?: members.append((key, .string("normal")))
            case .notDone?: members.append((key, .string("not_done")))
            case .findings(let codes)?: members.append((key, .array(codes.map { .string($0) })))
            case nil: break
            }
        }
        if let via { members.append(("via", .string(via.rawValue))) }
        if !skipReasons.isEmpty {
            members.append(("skip_reasons", .object(Exam.allCases.compactMap { exam in
                skipReasons[exam].map { (exam.rawValue, .string($0.rawValue)) }
            })))
        }
        if sex == .other, !examsChosen.isEmpty {
            members.append(("exams", .array(Exam.allCases.filter(examsChosen.contains).map { .string($0.rawValue) })))
        }
        if let heightCm { members.append(("height_cm", .number(heightCm))) }
        if let weightKg { members.append(("weight_kg", .number(weightKg))) }
        if let pulsePerMinute { members.append(("pulse_per_min", .number(Double(pulsePerMinute)))) }
        return .object(members)
    }
}

import Foundation

/// A protocol file that cannot be used, with the place and the reason:
/// `national-2023.json: at bp.refer_at: 140/90 must be below urgent_at 130/110`.
public struct ProtocolFileError: Error, Hashable, Sendable, CustomStringConvertible {
    public let file: String
    /// Dotted place in the document, or `line 4, column 7` for broken JSON.
    public let place: String
    public let reason: String

    public var description: String {
        place.isEmpty ? "\(file): \(reason)" : "\(file): at \(place): \(reason)"
    }
}

extension ScreeningProtocol {
    /// Codes the command-line contract promises; a state file may add codes but not drop these.
    public static let requiredSymptomCodes = [
        "cough_2_weeks", "blood_in_sputum", "fever_2_weeks", "weight_loss", "night_sweats", "breathlessness",
        "chest_pain", "stroke_signs", "mouth_ulcer_2_weeks", "mouth_patch", "difficulty_opening_mouth",
        "voice_change", "breast_lump", "nipple_blood_discharge", "breast_shape_change", "bleeding_between_periods",
        "postmenopausal_bleeding", "postcoital_bleeding", "foul_discharge",
    ]
    public static let requiredOralFindings = ["white_patch", "red_patch", "ulcer", "growth", "restricted_opening", "neck_node"]
    public static let requiredBreastFindings = ["lump", "nipple_discharge", "nipple_retraction", "skin_change", "axillary_node"]

    /// Reads and checks a protocol document. Every number is checked against the others it depends on, so a
    /// file that would refer at 190 but call 180 urgent is refused rather than used.
    public static func read(text: String, source: String) throws(ProtocolFileError) -> ScreeningProtocol {
        let document: JSONValue
        do {
            document = try JSONParser.parse(text)
        } catch {
            throw ProtocolFileError(file: source, place: "line \(error.line), column \(error.column)", reason: error.reason)
        }
        do {
            return try ProtocolReader(source: source).read(JSONField(document))
        } catch {
            throw ProtocolFileError(file: source, place: error.path, reason: error.reason)
        }
    }
}

/// Turns a parsed document into a `ScreeningProtocol`, one section at a time.
private struct ProtocolReader {
    let source: String

    func read(_ root: JSONField) throws(JSONInputError) -> ScreeningProtocol {
        let object = try root.object()
        try object.refuseUnknownKeys(["id", "version", "states", "places", "cbac", "phq2", "symptoms", "bp", "glucose",
                                      "oral", "breast", "cervical", "screening_interval_years", "follow_up_days",
                                      "control", "validation"])
        let idField = try object.required("id")
        let id = try idField.string()
        guard !id.isEmpty, id.unicodeScalars.allSatisfy({ $0.properties.isLowercase || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }) else {
            throw idField.failure("use lower-case letters, digits, - and _")
        }
        let versionField = try object.required("version")
        let version = try versionField.string()
        guard ProtocolVersion(version) != nil else { throw versionField.failure("use numbers separated by dots, such as \"2023.1\"") }
        var states: [String] = []
        for field in try object.required("states").array() {
            let code = try field.string()
            guard IndianState(rawValue: code) != nil else { throw field.failure("\"\(code)\" is not a state or union territory code") }
            states.append(code)
        }
        let places = try readPlaces(try object.required("places"))
        let place = PlaceChecker(places: places)
        let symptoms = try readSymptoms(try object.required("symptoms"), place: place)
        let symptomCodes = Set(symptoms.map(\.code))
        let validation = try readValidation(try object.required("validation"))
        return ScreeningProtocol(
            id: id, version: version, states: states, source: source, places: places,
            cbac: try readCBAC(try object.required("cbac")),
            phq2: try readPHQ2(try object.required("phq2"), place: place),
            symptoms: symptoms,
            bloodPressure: try readBloodPressure(try object.required("bp"), place: place, symptoms: symptomCodes),
            glucose: try readGlucose(try object.required("glucose"), place: place),
            oral: try readExam(try object.required("oral"), place: place, required: ScreeningProtocol.requiredOralFindings),
            breast: try readExam(try object.required("breast"), place: place, required: ScreeningProtocol.requiredBreastFindings),
            cervical: try readCervical(try object.required("cervical"), place: place),
            intervals: try readIntervals(try object.required("screening_interval_years")),
            followUpDays: try readFollowUp(try object.required("follow_up_days")),
            control: try readControl(try object.required("control")),
            validation: validation)
    }

    // MARK: Sections

    func readPlaces(_ field: JSONField) throws(JSONInputError) -> [String: LocalizedText] {
        var places: [String: LocalizedText] = [:]
        for (code, labelField) in try field.object().fields {
            places[code] = try readLabel(labelField)
        }
        guard !places.isEmpty else { throw field.failure("name at least one referral place") }
        return places
    }

    func readLabel(_ field: JSONField) throws(JSONInputError) -> LocalizedText {
        var texts: [String: String] = [:]
        for (language, textField) in try field.object().fields {
            let text = try textField.string()
            guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw textField.failure("the text is empty") }
            texts[language] = text
        }
        guard texts["en"] != nil else { throw field.failure("missing \"en\": every label needs English text") }
        return LocalizedText(texts)
    }

    func readCBAC(_ field: JSONField) throws(JSONInputError) -> CBACRules {
        let object = try field.object()
        try object.refuseUnknownKeys(["age_version", "age_bands", "tobacco_points", "alcohol_daily_points", "waist_bands",
                                      "inactivity_points", "family_history_points", "priority_above", "min_age",
                                      "elderly_min_age"])
        var ageBands: [String: [AgeBand]] = [:]
        for (version, bandsField) in try object.required("age_bands").object().fields {
            var bands: [AgeBand] = []
            for bandField in try bandsField.array() {
                let band = try bandField.object()
                try band.refuseUnknownKeys(["min_age", "points"])
                let minAgeField = try band.required("min_age")
                let minAge = try minAgeField.int(in: 0...120)
                if let previous = bands.last, minAge <= previous.minAge {
                    throw minAgeField.failure("bands must rise in age: \(minAge) follows \(previous.minAge)")
                }
                if bands.isEmpty, minAge != 0 { throw minAgeField.failure("the first band must start at 0") }
                bands.append(AgeBand(minAge: minAge, points: try band.required("points").int(in: 0...20)))
            }
            guard !bands.isEmpty else { throw bandsField.failure("a version needs at least one band") }
            ageBands[version] = bands
        }
        let versionField = try object.required("age_version")
        let ageVersion = try versionField.string()
        guard ageBands[ageVersion] != nil else {
            throw versionField.failure("\"\(ageVersion)\" is not one of the age_bands (\(ageBands.keys.sorted().joined(separator: ", ")))")
        }
        let tobaccoField = try object.required("tobacco_points")
        let tobaccoObject = try tobaccoField.object()
        try tobaccoObject.refuseUnknownKeys(TobaccoUse.allCases.map(\.rawValue))
        var tobacco: [TobaccoUse: Int] = [:]
        for use in TobaccoUse.allCases {
            tobacco[use] = try tobaccoObject.required(use.rawValue).int(in: 0...20)
        }
        let waistObject = try object.required("waist_bands").object()
        try waistObject.refuseUnknownKeys(Sex.allCases.map(\.rawValue))
        var waist: [Sex: [WaistBand]] = [:]
        for sex in Sex.allCases {
            waist[sex] = try readWaistBands(try waistObject.required(sex.rawValue))
        }
        let minAge = try object.required("min_age").int(in: 0...120)
        let elderlyField = try object.required("elderly_min_age")
        let elderly = try elderlyField.int(in: 0...120)
        guard elderly > minAge else { throw elderlyField.failure("must be above min_age \(minAge)") }
        return CBACRules(
            ageVersion: ageVersion, ageBands: ageBands, tobaccoPoints: tobacco,
            alcoholDailyPoints: try object.required("alcohol_daily_points").int(in: 0...20),
            waistBands: waist,
            inactivityPoints: try object.required("inactivity_points").int(in: 0...20),
            familyHistoryPoints: try object.required("family_history_points").int(in: 0...20),
            priorityAbove: try object.required("priority_above").int(in: 0...100),
            minAge: minAge, elderlyMinAge: elderly)
    }

    func readWaistBands(_ field: JSONField) throws(JSONInputError) -> [WaistBand] {
        let items = try field.array()
        guard !items.isEmpty else { throw field.failure("give at least one band") }
        var bands: [WaistBand] = []
        for (index, item) in items.enumerated() {
            let band = try item.object()
            try band.refuseUnknownKeys(["max_cm", "points"])
            let isLast = index == items.count - 1
            let maxField = band.optional("max_cm")
            if isLast, let maxField { throw maxField.failure("the last band is open-ended: leave out max_cm") }
            if !isLast, maxField == nil { throw item.failure("missing \"max_cm\" (only the last band is open-ended)") }
            let maxCm = try maxField?.number(in: 1...300)
            if let maxCm, let previous = bands.last?.maxCm, maxCm <= previous {
                throw maxField!.failure("bands must rise: \(JSONValue.format(maxCm)) follows \(JSONValue.format(previous))")
            }
            bands.append(WaistBand(maxCm: maxCm, points: try band.required("points").int(in: 0...20)))
        }
        return bands
    }

    func readPHQ2(_ field: JSONField, place: PlaceChecker) throws(JSONInputError) -> PHQ2Rules {
        let object = try field.object()
        try object.refuseUnknownKeys(["refer_at", "refer_to"])
        return PHQ2Rules(referAt: try object.required("refer_at").int(in: 1...6),
                         referTo: try place.code(try object.required("refer_to")))
    }

    func readSymptoms(_ field: JSONField, place: PlaceChecker) throws(JSONInputError) -> [SymptomDefinition] {
        var symptoms: [SymptomDefinition] = []
        for item in try field.array() {
            let object = try item.object()
            try object.refuseUnknownKeys(["code", "part", "group", "exam", "refer_to", "urgent", "sex", "min_age", "label"])
            let codeField = try object.required("code")
            let code = try codeField.string()
            guard isCode(code) else { throw codeField.failure("use lower-case letters, digits and _") }
            guard !symptoms.contains(where: { $0.code == code }) else { throw codeField.failure("\"\(code)\" is listed twice") }
            symptoms.append(SymptomDefinition(
                code: code,
                part: try object.required("part").choice(CBACPart.self),
                group: try object.required("group").string(),
                exam: try object.optional("exam")?.choice(Exam.self),
                referTo: try place.code(try object.required("refer_to")),
                urgent: try object.optional("urgent")?.bool() ?? false,
                sex: try object.optional("sex")?.choice(Sex.self),
                minAge: try object.optional("min_age")?.int(in: 0...120),
                label: try readLabel(try object.required("label"))))
        }
        for code in ScreeningProtocol.requiredSymptomCodes where !symptoms.contains(where: { $0.code == code }) {
            throw field.failure("the symptom \"\(code)\" is missing; it is part of the screening contract")
        }
        return symptoms
    }

    func readBloodPressure(_ field: JSONField, place: PlaceChecker, symptoms: Set<String>) throws(JSONInputError) -> BloodPressureRules {
        let object = try field.object()
        try object.refuseUnknownKeys(["systolic_range", "diastolic_range", "max_readings", "refer_at", "urgent_at",
                                      "pregnancy_urgent_at", "low_systolic_below", "refer_low", "urgent_with_symptoms",
                                      "refer_to", "urgent_refer_to", "pregnancy_refer_to"])
        let systolicRange = try intRange(try object.required("systolic_range"), within: 1...400)
        let diastolicRange = try intRange(try object.required("diastolic_range"), within: 1...300)
        let referField = try object.required("refer_at")
        let refer = try pressure(referField)
        let urgentField = try object.required("urgent_at")
        let urgent = try pressure(urgentField)
        guard refer.systolic < urgent.systolic, refer.diastolic < urgent.diastolic else {
            throw urgentField.failure("\(urgent.text) must be above refer_at \(refer.text)")
        }
        let lowField = try object.required("low_systolic_below")
        let low = try lowField.int(in: systolicRange)
        guard low < refer.systolic else { throw lowField.failure("must be below refer_at \(refer.text)") }
        var urgentSymptoms: [String] = []
        for item in try object.required("urgent_with_symptoms").array() {
            let code = try item.string()
            guard symptoms.contains(code) else { throw item.failure("\"\(code)\" is not one of the symptoms") }
            urgentSymptoms.append(code)
        }
        return BloodPressureRules(
            systolicRange: systolicRange, diastolicRange: diastolicRange,
            maxReadings: try object.required("max_readings").int(in: 1...10),
            referAt: refer, urgentAt: urgent,
            pregnancyUrgentAt: try pressure(try object.required("pregnancy_urgent_at")),
            lowSystolicBelow: low,
            referLow: try object.required("refer_low").bool(),
            urgentWithSymptoms: urgentSymptoms,
            referTo: try place.code(try object.required("refer_to")),
            urgentReferTo: try place.code(try object.required("urgent_refer_to")),
            pregnancyReferTo: try place.code(try object.required("pregnancy_refer_to")))
    }

    func readGlucose(_ field: JSONField, place: PlaceChecker) throws(JSONInputError) -> GlucoseRules {
        let object = try field.object()
        try object.refuseUnknownKeys(["range_mg_dl", "low_below", "types", "refer_to", "urgent_refer_to"])
        let range = try numberRange(try object.required("range_mg_dl"), within: 1...2000)
        let lowField = try object.required("low_below")
        let lowBelow = try lowField.number(in: range)
        let typesObject = try object.required("types").object()
        try typesObject.refuseUnknownKeys(GlucoseTestType.allCases.map(\.rawValue))
        var types: [GlucoseTestType: GlucoseThresholds] = [:]
        for type in GlucoseTestType.allCases {
            let typeField = try typesObject.required(type.rawValue)
            let thresholds = try typeField.object()
            try thresholds.refuseUnknownKeys(["impaired_at", "refer_at", "highly_suggestive_at", "urgent_at", "known_uncontrolled_at"])
            let impaired = try thresholds.optional("impaired_at")?.number(in: range)
            let refer = try thresholds.required("refer_at").number(in: range)
            let suggestive = try thresholds.optional("highly_suggestive_at")?.number(in: range)
            let urgentField = try thresholds.required("urgent_at")
            let urgent = try urgentField.number(in: range)
            let known = try thresholds.required("known_uncontrolled_at").number(in: range)
            // Each level must sit above the one before it, or a reading could be both "refer" and "normal".
            let ladder = [("low_below", lowBelow), ("impaired_at", impaired), ("refer_at", refer),
                          ("highly_suggestive_at", suggestive), ("urgent_at", urgent)].compactMap { name, value in value.map { (name, $0) } }
            for (lower, upper) in zip(ladder, ladder.dropFirst()) where upper.1 <= lower.1 {
                throw typeField.failure("\(upper.0) \(JSONValue.format(upper.1)) must be above \(lower.0) \(JSONValue.format(lower.1))")
            }
            guard known >= refer, known <= urgent else { throw typeField.failure("known_uncontrolled_at must lie between refer_at and urgent_at") }
            types[type] = GlucoseThresholds(impairedAt: impaired, referAt: refer, highlySuggestiveAt: suggestive,
                                            urgentAt: urgent, knownUncontrolledAt: known)
        }
        return GlucoseRules(range: range, lowBelow: lowBelow, types: types,
                            referTo: try place.code(try object.required("refer_to")),
                            urgentReferTo: try place.code(try object.required("urgent_refer_to")))
    }

    func readEligibility(_ field: JSONField) throws(JSONInputError) -> EligibilityRule {
        let object = try field.object()
        try object.refuseUnknownKeys(["min_age", "max_age", "sexes"])
        let minAge = try object.required("min_age").int(in: 0...120)
        let maxField = object.optional("max_age")
        let maxAge = try maxField?.int(in: 0...120)
        if let maxAge, maxAge < minAge { throw maxField!.failure("must not be below min_age \(minAge)") }
        var sexes: [Sex] = []
        for item in try object.required("sexes").array() { sexes.append(try item.choice(Sex.self)) }
        return EligibilityRule(minAge: minAge, maxAge: maxAge, sexes: sexes)
    }

    func readExam(_ field: JSONField, place: PlaceChecker, required: [String]) throws(JSONInputError) -> ExamRules {
        let object = try field.object()
        try object.refuseUnknownKeys(["eligible", "interval_years", "findings", "refer_to"])
        let findingsField = try object.required("findings")
        var findings: [ExamFinding] = []
        for item in try findingsField.array() {
            let finding = try item.object()
            try finding.refuseUnknownKeys(["code", "urgent", "label"])
            let codeField = try finding.required("code")
            let code = try codeField.string()
            guard isCode(code), code != "normal" else { throw codeField.failure("use lower-case letters, digits and _ (and not \"normal\")") }
            guard !findings.contains(where: { $0.code == code }) else { throw codeField.failure("\"\(code)\" is listed twice") }
            findings.append(ExamFinding(code: code, urgent: try finding.optional("urgent")?.bool() ?? false,
                                        label: try readLabel(try finding.required("label"))))
        }
        for code in required where !findings.contains(where: { $0.code == code }) {
            throw findingsField.failure("the finding \"\(code)\" is missing; it is part of the screening contract")
        }
        return ExamRules(eligibility: try readEligibility(try object.required("eligible")),
                         intervalYears: try object.required("interval_years").int(in: 1...30),
                         findings: findings,
                         referTo: try place.code(try object.required("refer_to")))
    }

    func readCervical(_ field: JSONField, place: PlaceChecker) throws(JSONInputError) -> CervicalRules {
        let object = try field.object()
        try object.refuseUnknownKeys(["eligible", "interval_years", "refer_positive", "urgent_suspicious", "refer_to"])
        return CervicalRules(eligibility: try readEligibility(try object.required("eligible")),
                             intervalYears: try object.required("interval_years").int(in: 1...30),
                             referPositive: try object.required("refer_positive").bool(),
                             urgentSuspicious: try object.required("urgent_suspicious").bool(),
                             referTo: try place.code(try object.required("refer_to")))
    }

    func readIntervals(_ field: JSONField) throws(JSONInputError) -> ScreeningIntervals {
        let object = try field.object()
        try object.refuseUnknownKeys(["hypertension", "diabetes"])
        return ScreeningIntervals(hypertensionYears: try object.required("hypertension").int(in: 1...10),
                                  diabetesYears: try object.required("diabetes").int(in: 1...10))
    }

    func readFollowUp(_ field: JSONField) throws(JSONInputError) -> FollowUpDays {
        let object = try field.object()
        try object.refuseUnknownKeys(["urgent", "refer", "known_condition", "recheck", "incomplete", "routine"])
        let days = FollowUpDays(urgent: try object.required("urgent").int(in: 0...30),
                                refer: try object.required("refer").int(in: 0...90),
                                knownCondition: try object.required("known_condition").int(in: 1...365),
                                recheck: try object.required("recheck").int(in: 1...730),
                                incomplete: try object.optional("incomplete")?.int(in: 1...365) ?? FollowUpDays.defaultIncomplete,
                                routine: try object.required("routine").int(in: 1...1825))
        guard days.urgent <= days.refer else { throw field.failure("urgent must not be later than refer") }
        return days
    }

    func readControl(_ field: JSONField) throws(JSONInputError) -> ControlRules {
        let object = try field.object()
        try object.refuseUnknownKeys(["bp_below", "within_days"])
        return ControlRules(bpBelow: try pressure(try object.required("bp_below")),
                            withinDays: try object.required("within_days").int(in: 1...730))
    }

    func readValidation(_ field: JSONField) throws(JSONInputError) -> ValidationRanges {
        let object = try field.object()
        try object.refuseUnknownKeys(["age_years", "height_cm", "weight_kg", "waist_cm", "pulse_per_min", "plausible"])
        let height = try numberRange(try object.required("height_cm"), within: 1...300)
        let weight = try numberRange(try object.required("weight_kg"), within: 0.5...500)
        let waist = try numberRange(try object.required("waist_cm"), within: 1...400)
        let pulse = try intRange(try object.required("pulse_per_min"), within: 1...400)
        let plausibleObject = try object.required("plausible").object()
        try plausibleObject.refuseUnknownKeys(["systolic", "diastolic", "height_cm", "weight_kg", "waist_cm", "pulse_per_min"])
        return ValidationRanges(
            ageYears: try intRange(try object.required("age_years"), within: 0...150),
            heightCm: height, weightKg: weight, waistCm: waist, pulsePerMinute: pulse,
            plausible: PlausibleRanges(
                systolic: try intRange(try plausibleObject.required("systolic"), within: 1...400),
                diastolic: try intRange(try plausibleObject.required("diastolic"), within: 1...300),
                heightCm: try numberRange(try plausibleObject.required("height_cm"), within: height),
                weightKg: try numberRange(try plausibleObject.required("weight_kg"), within: weight),
                waistCm: try numberRange(try plausibleObject.required("waist_cm"), within: waist),
                pulsePerMinute: try intRange(try plausibleObject.required("pulse_per_min"), within: pulse)))
    }

    // MARK: Small values

    func pressure(_ field: JSONField) throws(JSONInputError) -> PressurePair {
        let pair = try field.array(count: 2)
        let systolic = try pair[0].int(in: 1...400)
        let diastolic = try pair[1].int(in: 1...300)
        guard systolic > diastolic else { throw field.failure("systolic must be above diastolic") }
        return PressurePair(systolic, diastolic)
    }

    func intRange(_ field: JSONField, within limits: ClosedRange<Int>) throws(JSONInputError) -> ClosedRange<Int> {
        let pair = try field.array(count: 2)
        let low = try pair[0].int(in: limits)
        let high = try pair[1].int(in: limits)
        guard low < high else { throw field.failure("the first number must be below the second") }
        return low...high
    }

    func numberRange(_ field: JSONField, within limits: ClosedRange<Double>) throws(JSONInputError) -> ClosedRange<Double> {
        let pair = try field.array(count: 2)
        let low = try pair[0].number(in: limits)
        let high = try pair[1].number(in: limits)
        guard low < high else { throw field.failure("the first number must be below the second") }
        return low...high
    }

    func isCode(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
    }
}

/// Checks that a `refer_to` names one of the file's places.
private struct PlaceChecker {
    let places: [String: LocalizedText]

    func code(_ field: JSONField) throws(JSONInputError) -> String {
        let code = try field.string()
        guard places[code] != nil else {
            throw field.failure("\"\(code)\" is not one of the places (\(places.keys.sorted().joined(separator: ", ")))")
        }
        return code
    }
}

/// A protocol version such as `2023.1`, compared number by number so that 2023.10 follows 2023.9.
public struct ProtocolVersion: Comparable, Sendable {
    public let parts: [Int]

    public init?(_ text: String) {
        let pieces = text.split(separator: ".", omittingEmptySubsequences: false)
        var parts: [Int] = []
        for piece in pieces {
            guard !piece.isEmpty, piece.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let number = Int(piece) else { return nil }
            parts.append(number)
        }
        self.parts = parts
    }

    public static func < (lhs: ProtocolVersion, rhs: ProtocolVersion) -> Bool {
        lhs.parts.lexicographicallyPrecedes(rhs.parts)
    }
}

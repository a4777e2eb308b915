import ArogyaCore
import Hummingbird

/// Gathers a screening's records from storage and builds its WellnessRecord document Bundle.
struct FHIRDocumentSource {
    let storage: any HubStorage
    let facility: String

    /// One observation or request with the section it belongs in.
    private struct Entry {
        let section: String
        let resource: JSONValue
        let urn: String
    }

    static let sectionOrder = ["Vital Signs", "Body Measurement", "General Assessment", "Other Observations"]

    func screeningBundle(screeningID: String) async throws -> JSONValue {
        guard let screening = try await storage.record(type: "screening", id: screeningID, facility: facility) else {
            throw HTTPError(.notFound, message: "no screening \(screeningID) at this facility")
        }
        return try await bundle(for: screening)
    }

    /// The patient's documents as a `searchset` Bundle, newest last.
    func searchset(patientID: String, now: Timestamp) async throws -> JSONValue {
        guard try await storage.record(type: "patient", id: patientID, facility: facility) != nil else {
            throw HTTPError(.notFound, message: "no Patient \(patientID) at this facility")
        }
        var documents: [JSONValue] = []
        for screening in try await storage.records(type: "screening", patient: patientID, facility: facility) {
            documents.append(try await bundle(for: screening))
        }
        return .object([
            ("resourceType", .string("Bundle")), ("id", .string(FHIRDocument.uuid("search:" + patientID + ":" + now.iso8601))),
            ("type", .string("searchset")), ("timestamp", .string(now.iso8601)), ("total", .integer(Int64(documents.count))),
            ("entry", .array(documents.map { document in
                let id: String = { if case .string(let value)? = document["id"] { return value }; return "" }()
                return .object([("fullUrl", .string("Bundle/" + id)), ("resource", document), ("search", .object([("mode", .string("match"))]))])
            })),
        ])
    }

    private func bundle(for screening: StoredRecord) async throws -> JSONValue {
        let payload = screening.payload
        guard let patientID = FHIRDocument.text(payload, "patient_id"),
              let patient = try await storage.record(type: "patient", id: patientID, facility: facility) else {
            throw HTTPError(.conflict, message: "the screening's patient has not reached the hub yet; sync the terminal that registered her")
        }
        let patientURN = FHIRDocument.urn(patient.id)
        let day = FHIRDocument.text(payload, "screened_on") ?? screening.updatedAt.utcDay.iso8601

        let author = try await self.author(of: payload)
        let organization = try await self.organization()
        let authorURN = FHIRDocument.urn(author.id)
        let organizationURN = FHIRDocument.urn(organization.id)

        var entries: [Entry] = []
        func observation(_ key: String, section: String, category: String?, code: JSONValue, value: (key: String, value: JSONValue)?,
                         components: [JSONValue] = [], interpretation: String? = nil, profile: String = "Observation") {
            let urn = FHIRDocument.urn(FHIRDocument.uuid(screening.id + ":" + key))
            var members: [(key: String, value: JSONValue)] = [
                ("resourceType", .string("Observation")), ("id", .string(String(urn.dropFirst(9)))),
                ("meta", FHIRDocument.meta(profile: profile)), ("status", .string("final")),
            ]
            if let category {
                members.append(("category", .array([FHIRDocument.concept([FHIRDocument.coding(
                    "http://terminology.hl7.org/CodeSystem/observation-category", category, category == "vital-signs" ? "Vital Signs" : "Exam")],
                    text: category == "vital-signs" ? "Vital Signs" : "Exam")])))
            }
            members += [("code", code), ("subject", FHIRDocument.reference(patientURN)), ("effectiveDateTime", .string(day)),
                        ("performer", .array([FHIRDocument.reference(authorURN)]))]
            if let value { members.append(value) }
            if !components.isEmpty { members.append(("component", .array(components))) }
            if let interpretation { members.append(("interpretation", .array([.object([("text", .string(interpretation))])]))) }
            entries.append(Entry(section: section, resource: .object(members), urn: urn))
        }
        func loincCode(_ code: String, _ display: String) -> JSONValue {
            FHIRDocument.concept([FHIRDocument.coding(FHIRDocument.loinc, code, display)], text: display)
        }
        let input = payload["input"]

        // Vital signs: the mean blood pressure as the guide's BP panel, and the pulse.
        if let systolic = FHIRDocument.number(payload, "bp_systolic"), let diastolic = FHIRDocument.number(payload, "bp_diastolic") {
            observation("bp", section: "Vital Signs", category: "vital-signs",
                        code: loincCode("85354-9", "Blood pressure panel with all children optional"), value: nil,
                        components: [
                            .object([("code", loincCode("8480-6", "Systolic blood pressure")),
                                     ("valueQuantity", FHIRDocument.quantity(systolic, unit: "mmHg", code: "mm[Hg]"))]),
                            .object([("code", loincCode("8462-4", "Diastolic blood pressure")),
                                     ("valueQuantity", FHIRDocument.quantity(diastolic, unit: "mmHg", code: "mm[Hg]"))]),
                        ],
                        interpretation: FHIRDocument.text(payload, "bp_category"), profile: "ObservationBP")
        }
        if let pulse = FHIRDocument.number(input, "pulse_per_min") {
            observation("pulse", section: "Vital Signs", category: "vital-signs", code: loincCode("8867-4", "Heart rate"),
                        value: ("valueQuantity", FHIRDocument.quantity(pulse, unit: "beats/minute", code: "/min")))
        }
        // Body measurements.
        let height = FHIRDocument.number(input, "height_cm")
        let weight = FHIRDocument.number(input, "weight_kg")
        if let height {
            observation("height", section: "Body Measurement", category: "vital-signs", code: loincCode("8302-2", "Body height"),
                        value: ("valueQuantity", FHIRDocument.quantity(height, unit: "cm", code: "cm")))
        }
        if let weight {
            observation("weight", section: "Body Measurement", category: "vital-signs", code: loincCode("29463-7", "Body weight"),
                        value: ("valueQuantity", FHIRDocument.quantity(weight, unit: "kg", code: "kg")))
        }
        if let height, let weight, height > 0 {
            let bmi = (weight / ((height / 100) * (height / 100)) * 10).rounded() / 10
            observation("bmi", section: "Body Measurement", category: "vital-signs", code: loincCode("39156-5", "Body mass index (BMI) [Ratio]"),
                        value: ("valueQuantity", FHIRDocument.quantity(bmi, unit: "kg/m2", code: "kg/m2")))
        }
        if let waist = FHIRDocument.number(input?["cbac"], "waist_cm") {
            observation("waist", section: "Body Measurement", category: "vital-signs",
                        code: loincCode("8280-0", "Waist Circumference at umbilicus by Tape measure"),
                        value: ("valueQuantity", FHIRDocument.quantity(waist, unit: "cm", code: "cm")))
        }
        // Blood glucose, coded by how it was taken.
        if let type = FHIRDocument.text(payload, "glucose_type") {
            let code: JSONValue
            switch type {
            case "fasting": code = loincCode("41604-0", "Fasting glucose [Mass/volume] in Capillary blood by Glucometer")
            case "post_meal", "pp", "postprandial": code = loincCode("14760-3", "Glucose [Mass/volume] in Serum or Plasma --2 hours post meal")
            default: code = loincCode("2339-0", "Glucose [Mass/volume] in Blood")
            }
            let value: (key: String, value: JSONValue)
            if let mgdl = FHIRDocument.number(payload, "glucose_mg_dl") {
                value = ("valueQuantity", FHIRDocument.quantity(mgdl, unit: "mg/dL", code: "mg/dL"))
            } else {
                let meter = FHIRDocument.text(payload, "glucose_meter") ?? "?"
                value = ("valueString", .string(meter == "LO" ? "LO: below the meter's range" : "HI: above the meter's range"))
            }
            observation("glucose", section: "General Assessment", category: "laboratory", code: code, value: value,
                        interpretation: FHIRDocument.text(payload, "glucose_category"))
        }
        // Other observations: the CBAC score, the cancer examinations, and referrals.
        if let score = FHIRDocument.number(payload, "cbac_score") {
            let priority: Bool = { if case .bool(let flag)? = payload["decision"]?["cbac_priority"] { return flag }; return false }()
            observation("cbac", section: "Other Observations", category: "survey",
                        code: .object([("text", .string("Community Based Assessment Checklist (CBAC) score"))]),
                        value: ("valueInteger", .number(score)), interpretation: priority ? "score above 4: a priority for screening" : "score 4 or less")
        }
        // PHQ-2, asked as part of the CBAC: LOINC's panel with its two items (answers from LOINC's answer list),
        // and its total score (DECISIONS.md, codes in the documents).
        if case .array(let answers)? = input?["phq2"], answers.count == 2,
           let interest = Self.score(answers[0]), let mood = Self.score(answers[1]) {
            let interestAnswer = Self.phqAnswers[interest], moodAnswer = Self.phqAnswers[mood]
            func item(_ code: String, _ display: String, _ answer: (code: String, display: String)) -> JSONValue {
                .object([("code", loincCode(code, display)),
                         ("valueCodeableConcept", FHIRDocument.concept([FHIRDocument.coding(FHIRDocument.loinc, answer.code, answer.display)],
                                                                       text: answer.display))])
            }
            observation("phq2", section: "Other Observations", category: "survey",
                        code: loincCode("55757-9", "Patient Health Questionnaire 2 item (PHQ-2) [Reported]"), value: nil,
                        components: [item("44250-9", "Little interest or pleasure in doing things", interestAnswer),
                                     item("44255-8", "Feeling down, depressed, or hopeless", moodAnswer)])
            let total = interest + mood
            let refer: Bool = { if case .bool(let flag)? = payload["decision"]?["phq2_refer"] { return flag }; return total >= 3 }()
            observation("phq2-total", section: "Other Observations", category: "survey",
                        code: loincCode("55758-7", "Patient Health Questionnaire 2 item (PHQ-2) total score [Reported]"),
                        value: ("valueInteger", .integer(Int64(total))),
                        interpretation: refer ? "at or above the cut-off: referred for assessment of depression" : "below the cut-off")
        }
        for (key, name) in [("oral", "Oral visual examination (OVE)"), ("breast", "Clinical breast examination (CBE)"),
                            ("via", "Visual inspection with acetic acid (VIA)")] {
            guard let result = input?[key] else { continue }
            let text: String
            switch result {
            case .string(let word): text = word.replacingOccurrences(of: "_", with: " ")
            case .array(let findings): text = "findings: " + findings.compactMap { if case .string(let f) = $0 { return f.replacingOccurrences(of: "_", with: " ") }; return nil }.joined(separator: ", ")
            default: continue
            }
            observation(key, section: "Other Observations", category: "exam", code: .object([("text", .string(name))]),
                        value: ("valueString", .string(text)))
        }
        for referral in try await storage.records(type: "referral", parent: screening.id, facility: facility) {
            let urn = FHIRDocument.urn(referral.id)
            let place = FHIRDocument.text(referral.payload, "place_name") ?? FHIRDocument.text(referral.payload, "place") ?? "referral"
            let reasons: [JSONValue] = { if case .array(let items)? = referral.payload["reasons"] { return items }; return [] }()
            let outcome = FHIRDocument.text(referral.payload, "outcome")
            var members: [(key: String, value: JSONValue)] = [
                ("resourceType", .string("ServiceRequest")), ("id", .string(referral.id.lowercased())),
                ("meta", FHIRDocument.meta(profile: "ServiceRequest")),
                ("status", .string(outcome == nil || outcome == "not_reached" ? "active" : "completed")),
                ("intent", .string("order")),
                ("category", .array([FHIRDocument.concept([FHIRDocument.coding("http://snomed.info/sct", "3457005", "Patient referral")], text: "Referral")])),
                ("priority", .string(referral.payload["urgent"] == .bool(true) ? "urgent" : "routine")),
                ("code", .object([("text", .string("Referral to " + place))])),
                ("subject", FHIRDocument.reference(patientURN)),
                ("authoredOn", .string(FHIRDocument.text(referral.payload, "referred_on") ?? day)),
                ("requester", FHIRDocument.reference(authorURN)),
                ("performer", .array([.object([("display", .string(place))])])),
                ("reasonCode", .array(reasons.compactMap { if case .string(let reason) = $0 { return .object([("text", .string(reason))]) }; return nil })),
            ]
            if let outcome { members.append(("note", .array([.object([("text", .string("Outcome: " + outcome.replacingOccurrences(of: "_", with: " ")))])]))) }
            entries.append(Entry(section: "Other Observations", resource: .object(members), urn: urn))
        }

        let compositionURN = FHIRDocument.urn(FHIRDocument.uuid(screening.id + ":composition"))
        var sections: [JSONValue] = Self.sectionOrder.compactMap { title in
            let refs = entries.filter { $0.section == title }.map { FHIRDocument.reference($0.urn) }
            return refs.isEmpty ? nil : .object([("title", .string(title)), ("entry", .array(refs))])
        }
        if sections.isEmpty {
            sections = [.object([("title", .string("Other Observations")),
                                 ("emptyReason", FHIRDocument.concept([FHIRDocument.coding("http://terminology.hl7.org/CodeSystem/list-empty-reason", "nilknown", "Nil Known")], text: "Nothing measured"))])]
        }
        let composition: JSONValue = .object([
            ("resourceType", .string("Composition")), ("id", .string(String(compositionURN.dropFirst(9)))),
            ("meta", FHIRDocument.meta(profile: "WellnessRecord", version: screening.hubVersion, lastUpdated: screening.updatedAt)),
            ("language", .string("en-IN")),
            ("identifier", .object([("system", .string("urn:ietf:rfc:3986")), ("value", .string(FHIRDocument.urn(screening.id)))])),
            ("status", .string("final")), ("type", .object([("text", .string("Wellness Record"))])),
            ("subject", FHIRDocument.reference(patientURN, display: FHIRDocument.text(patient.payload, "name"))),
            ("date", .string(screening.updatedAt.iso8601)),
            ("author", .array([FHIRDocument.reference(authorURN, display: author.name)])),
            ("title", .string("Wellness Record")),
            ("custodian", FHIRDocument.reference(organizationURN, display: organization.name)),
            ("section", .array(sections)),
        ])
        var bundleEntries: [JSONValue] = [
            .object([("fullUrl", .string(compositionURN)), ("resource", composition)]),
            .object([("fullUrl", .string(patientURN)), ("resource", FHIRDocument.patient(patient))]),
            .object([("fullUrl", .string(authorURN)), ("resource", FHIRDocument.practitioner(id: author.id, name: author.name, role: author.role))]),
            .object([("fullUrl", .string(organizationURN)), ("resource", FHIRDocument.organization(id: organization.id, name: organization.name, hfrID: organization.hfrID))]),
        ]
        bundleEntries += entries.map { .object([("fullUrl", .string($0.urn)), ("resource", $0.resource)]) }
        return .object([
            ("resourceType", .string("Bundle")), ("id", .string(screening.id.lowercased())),
            ("meta", .object([
                ("versionId", .string(String(screening.hubVersion))), ("lastUpdated", .string(screening.receivedAt.iso8601)),
                ("profile", .array([.string(FHIRDocument.profileBase + "DocumentBundle")])),
                ("security", .array([FHIRDocument.coding("http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "V", "very restricted")])),
            ])),
            ("identifier", .object([("system", .string("urn:ietf:rfc:3986")), ("value", .string(FHIRDocument.urn(screening.id)))])),
            ("type", .string("document")), ("timestamp", .string(screening.updatedAt.iso8601)),
            ("entry", .array(bundleEntries)),
        ])
    }

    /// A PHQ item's score, 0 to 3.
    static func score(_ value: JSONValue) -> Int? {
        switch value {
        case .integer(let whole) where (0...3).contains(whole): Int(whole)
        case .number(let number) where (0...3).contains(number) && number == number.rounded(): Int(number)
        default: nil
        }
    }

    /// LOINC's answers for each PHQ item, by score 0 to 3.
    static let phqAnswers: [(code: String, display: String)] = [
        ("LA6568-5", "Not at all"), ("LA6569-3", "Several days"), ("LA6570-1", "More than half the days"), ("LA6571-9", "Nearly every day"),
    ]

    /// The worker who recorded it, from her uploaded account; a command-line entry names its Unix user.
    private func author(of payload: JSONValue) async throws -> (id: String, name: String, role: String?) {
        if let accountID = FHIRDocument.text(payload, "recorded_by_account"),
           let account = try await storage.record(type: "account", id: accountID, facility: facility) {
            return (accountID.lowercased(), FHIRDocument.text(account.payload, "full_name") ?? "-", FHIRDocument.text(account.payload, "role"))
        }
        let who = FHIRDocument.text(payload, "recorded_by") ?? "unknown"
        return (FHIRDocument.uuid(facility + ":author:" + who), who, nil)
    }

    /// The facility as its terminal describes it (name, HFR ID), else as the hub knows it.
    private func organization() async throws -> (id: String, name: String, hfrID: String?) {
        let name = try await storage.facilityName(facility) ?? facility
        let described = try await storage.latestRecord(type: "facility", facility: facility)
        return (FHIRDocument.uuid("facility:" + facility), described.flatMap { FHIRDocument.text($0.payload, "name") } ?? name,
                described.flatMap { FHIRDocument.text($0.payload, "hfr_id") })
    }
}

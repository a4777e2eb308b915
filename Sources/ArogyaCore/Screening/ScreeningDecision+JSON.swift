/// The decisions as JSON, the output of `arogya protocol evaluate`, in the order of the contract.
extension ScreeningDecision {
    public func json(reasonText: ScreeningReasonText) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("protocol", .object([("id", .string(protocolID)), ("version", .string(protocolVersion))])),
        ]
        if let cbacScore { members.append(("cbac_score", .number(Double(cbacScore)))) }
        if let cbacPriority { members.append(("cbac_priority", .bool(cbacPriority))) }
        if let phq2Total { members.append(("phq2_total", .number(Double(phq2Total)))) }
        if let phq2Refer { members.append(("phq2_refer", .bool(phq2Refer))) }
        if let bloodPressure {
            members.append(("bp", .object([
                ("systolic", .number(Double(bloodPressure.mean.systolic))),
                ("diastolic", .number(Double(bloodPressure.mean.diastolic))),
                ("category", .string(bloodPressure.category.rawValue)),
                ("refer", .bool(bloodPressure.refer)),
                ("urgent", .bool(bloodPressure.urgent)),
            ])))
        }
        if let glucose {
            members.append(("glucose", .object([
                ("category", .string(glucose.category.rawValue)),
                ("refer", .bool(glucose.refer)),
                ("urgent", .bool(glucose.urgent)),
            ])))
        }
        for exam in Exam.allCases {
            let decision = self.exam(exam)
            members.append((exam.rawValue, .object([
                ("eligible", .bool(decision.eligible)), ("refer", .bool(decision.refer)), ("urgent", .bool(decision.urgent)),
            ])))
        }
        if let bodyMassIndex { members.append(("bmi", .number(bodyMassIndex))) }
        members.append(("refer", .bool(refer)))
        members.append(("urgent", .bool(urgent)))
        members.append(("referrals", .array(referrals.map { referral in
            .object([("to", .string(referral.place)),
                     ("place", .string(reasonText.rules.placeName(referral.place, language: reasonText.strings.language))),
                     ("urgent", .bool(referral.urgent))])
        })))
        if !notScreened.isEmpty { members.append(("not_screened", .array(notScreened.map { .string($0.rawValue) }))) }
        members.append(("follow_up_days", .number(Double(followUpDays))))
        members.append(("reasons", .array(reasons.map { .string(reasonText.sentence($0)) })))
        return .object(members)
    }
}

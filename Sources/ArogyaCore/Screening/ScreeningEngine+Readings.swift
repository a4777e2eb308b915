/// Blood pressure and blood glucose.
extension ScreeningEngine {
    /// The mean of each number over the readings, rounded half up: 139.5 counts as 140.
    public static func meanPressure(_ readings: [PressurePair]) -> PressurePair {
        let count = readings.count
        let systolic = readings.reduce(0) { $0 + $1.systolic }
        let diastolic = readings.reduce(0) { $0 + $1.diastolic }
        // (2·sum + n) / 2n is sum/n rounded half up for positive whole numbers, with no floating point.
        return PressurePair((2 * systolic + count) / (2 * count), (2 * diastolic + count) / (2 * count))
    }

    func judgeBloodPressure(_ input: ScreeningInput, reasons: inout ReasonCollector) -> BloodPressureDecision {
        let table = rules.bloodPressure
        let mean = Self.meanPressure(input.bloodPressure)
        let veryHigh = table.urgentAt.isReached(by: mean)
        let high = table.referAt.isReached(by: mean)
        let pregnancyUrgent = input.pregnant && table.pregnancyUrgentAt.isReached(by: mean)
        let low = mean.systolic < table.lowSystolicBelow

        let category: BloodPressureCategory
        if veryHigh { category = .veryHigh }
        else if high || pregnancyUrgent { category = .high }
        else if low { category = .low }
        else { category = .normal }

        var refer = false
        var urgent = false
        let symptom = table.urgentWithSymptoms.first { input.symptoms.contains($0) }
        if pregnancyUrgent {
            // Raised BP in pregnancy goes to obstetric care the same day, whatever else applies.
            urgent = true
            reasons.add(.urgent, place: table.pregnancyReferTo,
                        .bloodPressureInPregnancy(mean: mean, limit: table.pregnancyUrgentAt))
        } else if veryHigh {
            urgent = true
            reasons.add(.urgent, place: table.urgentReferTo, .bloodPressureVeryHigh(mean: mean, limit: table.urgentAt))
        } else if high, let symptom {
            urgent = true
            reasons.add(.urgent, place: table.urgentReferTo,
                        .bloodPressureWithSymptom(mean: mean, limit: table.referAt, symptom: symptom))
        } else if high, input.known.contains(.hypertension) {
            refer = true
            reasons.add(.refer, place: table.referTo, .bloodPressureUncontrolled(mean: mean, limit: table.referAt))
        } else if high {
            refer = true
            reasons.add(.refer, place: table.referTo, .bloodPressureHigh(mean: mean, limit: table.referAt))
        } else if low {
            refer = table.referLow
            reasons.add(table.referLow ? .refer : .note, place: table.referLow ? table.referTo : nil,
                        .bloodPressureLow(systolic: mean.systolic, limit: table.lowSystolicBelow))
        } else if input.known.contains(.hypertension) {
            reasons.add(.note, .bloodPressureControlled(mean: mean, limit: table.referAt))
        }
        return BloodPressureDecision(mean: mean, category: category, refer: refer || urgent, urgent: urgent)
    }

    func judgeGlucose(_ reading: GlucoseReading, known: Bool, reasons: inout ReasonCollector) -> GlucoseDecision {
        let table = rules.glucose
        let limits = table.types[reading.type]!
        let type = reading.type
        let value: Double
        switch reading.value {
        case .meterLow:
            reasons.add(.urgent, place: table.urgentReferTo, .glucoseMeterLow(type))
            return GlucoseDecision(category: .low, refer: true, urgent: true)
        case .meterHigh:
            reasons.add(.urgent, place: table.urgentReferTo, .glucoseMeterHigh(type))
            return GlucoseDecision(category: .veryHigh, refer: true, urgent: true)
        case .milligramsPerDecilitre(let number):
            value = number
        }
        if value < table.lowBelow {
            reasons.add(.urgent, place: table.urgentReferTo, .glucoseLow(type, value: value, limit: table.lowBelow))
            return GlucoseDecision(category: .low, refer: true, urgent: true)
        }
        if value >= limits.urgentAt {
            reasons.add(.urgent, place: table.urgentReferTo, .glucoseVeryHigh(type, value: value, limit: limits.urgentAt))
            return GlucoseDecision(category: .veryHigh, refer: true, urgent: true)
        }
        let category: GlucoseCategory
        if value >= limits.referAt { category = .high }
        else if let impaired = limits.impairedAt, value >= impaired { category = .impaired }
        else { category = .normal }

        if known {
            // A diagnosed person is judged on control, not on screening cut-offs.
            if value >= limits.knownUncontrolledAt {
                reasons.add(.refer, place: table.referTo, .glucoseUncontrolled(type, value: value, limit: limits.knownUncontrolledAt))
                return GlucoseDecision(category: category, refer: true, urgent: false)
            }
            reasons.add(.note, .glucoseControlled(type, value: value, limit: limits.knownUncontrolledAt))
            return GlucoseDecision(category: category, refer: false, urgent: false)
        }
        switch category {
        case .high:
            if let suggestive = limits.highlySuggestiveAt, value >= suggestive {
                reasons.add(.refer, place: table.referTo, .glucoseHighlySuggestive(type, value: value, limit: suggestive))
            } else {
                reasons.add(.refer, place: table.referTo, .glucoseHigh(type, value: value, limit: limits.referAt))
            }
            return GlucoseDecision(category: .high, refer: true, urgent: false)
        case .impaired:
            reasons.add(.note, .glucoseImpaired(type, value: value, from: limits.impairedAt!, below: limits.referAt))
            return GlucoseDecision(category: .impaired, refer: false, urgent: false)
        default:
            return GlucoseDecision(category: category, refer: false, urgent: false)
        }
    }
}

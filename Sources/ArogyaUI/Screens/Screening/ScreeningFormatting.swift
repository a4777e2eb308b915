import ArogyaCore

/// Words for screening values, shared by the form, the outcome, the card and the due list.
enum ScreeningFormatting {
    static func skipLabel(_ reason: ExamSkipReason, strings: StringTable) -> String {
        let key: StringKey
        switch reason {
        case .refused: key = .skipRefused
        case .pregnancy: key = .skipPregnancy
        case .menstruation: key = .skipMenstruation
        case .unwell: key = .skipUnwell
        case .equipment: key = .skipEquipment
        case .privacy: key = .skipPrivacy
        case .other: key = .skipOther
        }
        return strings[key].capitalizedFirst
    }

    static func bloodPressureCategory(_ category: BloodPressureCategory, strings: StringTable) -> String {
        switch category {
        case .low: return strings[.categoryLow]
        case .normal: return strings[.categoryNormal]
        case .high: return strings[.categoryHigh]
        case .veryHigh: return strings[.categoryVeryHigh]
        }
    }

    static func glucoseCategory(_ category: GlucoseCategory, strings: StringTable) -> String {
        switch category {
        case .low: return strings[.categoryLow]
        case .normal: return strings[.categoryNormal]
        case .impaired: return strings[.categoryImpaired]
        case .high: return strings[.categoryHigh]
        case .veryHigh: return strings[.categoryVeryHigh]
        }
    }

    /// "Random 212", "Fasting LO".
    static func glucose(type: GlucoseTestType, value: GlucoseValue, strings: StringTable) -> String {
        let typeKey: StringKey
        switch type {
        case .random: typeKey = .glucoseTypeRandom
        case .fasting: typeKey = .glucoseTypeFasting
        case .postPrandial: typeKey = .glucoseTypePostPrandial
        }
        let amount: String
        switch value {
        case .milligramsPerDecilitre(let number): amount = JSONValue.format(number)
        case .meterLow: amount = "LO"
        case .meterHigh: amount = "HI"
        }
        return strings[typeKey] + " " + amount
    }

    static func careItem(_ item: CareItem, strings: StringTable) -> String {
        switch item {
        case .hypertension: return strings[.careItemHypertension]
        case .diabetes: return strings[.careItemDiabetes]
        case .oral: return strings[.careItemOral]
        case .breast: return strings[.careItemBreast]
        case .cervical: return strings[.careItemCervical]
        case .followUp: return strings[.careItemFollowUp]
        case .referral: return strings[.careItemReferral]
        }
    }

    static func condition(_ condition: KnownCondition, strings: StringTable) -> String {
        strings[condition == .hypertension ? .conditionHypertension : .conditionDiabetes]
    }

    static func outcome(_ outcome: ReferralOutcome, strings: StringTable) -> String {
        switch outcome {
        case .reached: return strings[.referralOutcomeReached]
        case .confirmed: return strings[.referralOutcomeConfirmed]
        case .treatmentStarted: return strings[.referralOutcomeTreatmentStarted]
        case .notReached: return strings[.referralOutcomeNotReached]
        }
    }
}

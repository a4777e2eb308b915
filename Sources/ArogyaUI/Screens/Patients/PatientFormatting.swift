import ArogyaCore

/// How patient details are written on screens, the same everywhere.
enum PatientFormatting {
    /// "3 of 3 records linked to ABHA": the visits the hub has linked as ABDM care contexts.
    static func shared(_ links: AbhaLinkSummary, strings: StringTable) -> String {
        let values = ["linked": String(links.linked), "total": String(links.total), "failed": String(links.failed)]
        return strings.text(links.failed > 0 ? .cardAbhaSharedFailed : .cardAbhaShared, values)
    }

    /// "45 y", or "~45 y" when only the age was given.
    static func age(_ patient: Patient, today: CivilDate, strings: StringTable) -> String {
        (patient.birthDateEstimated ? "~" : "") + strings.text(.patientAgeYears, ["years": String(patient.age(on: today))])
    }

    /// "Lakshmi Devi · लक्ष्मी देवी"
    static func names(_ patient: Patient, glyphs: Glyphs) -> String {
        patient.name + (patient.nameAlt.map { glyphs.separator + $0 } ?? "")
    }

    /// "(deceased 2 Nov 2026)", "(moved …)", "(merged)", or nothing for an active patient: in words, not colour.
    static func statusTag(_ patient: Patient, strings: StringTable) -> String? {
        switch patient.status {
        case .active: return nil
        case .deceased(let day): return strings.text(.patientTagDeceased, ["date": strings.date(day)])
        case .moved(let day): return strings.text(.patientTagMoved, ["date": strings.date(day)])
        case .merged: return strings[.patientTagMerged]
        }
    }
}

import ArogyaABDM
import ArogyaCore

/// What linking an ABHA changes in her registration: the number and address always; her name, sex and
/// birth only where they differ and the worker chose to take the ABHA's (the registration is otherwise
/// hers to keep). The same for the screen and the command line.
public enum AbhaLinking {
    public static func details(for patient: Patient, profile: AbhaProfile, address: String?, takingAbhaDetails: Bool) -> PatientDetails {
        var details = PatientDetails(patient: patient)
        details.abhaNumber = profile.abhaNumber
        if let address { details.abhaAddress = address }
        guard takingAbhaDetails else { return details }
        for difference in profile.differences(from: patient) {
            switch difference {
            case .name(_, let abha): details.name = abha
            case .sex(_, let abha): details.sex = abha
            case .birthDate(_, let abha):
                details.birthDate = abha
                details.birthDateEstimated = false
            case .yearOfBirth(_, let abha):
                // Only the year is known: an estimated birth date in it, as an age typed would give.
                if let date = CivilDate(year: abha, month: patient.birthDate.month, day: min(patient.birthDate.day, 28)) {
                    details.birthDate = date
                    details.birthDateEstimated = true
                }
            // Her mobile here is the one to reach her by; the ABHA's may be a relative's.
            case .mobile: break
            }
        }
        return details
    }
}

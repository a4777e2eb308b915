/// What an ABHA card shows, the same on the screen and on paper (`arogya abha card`): her name, sex and
/// birth, the ABHA number and address, the facility, and the number as a QR code a phone camera reads.
public struct AbhaCard: Sendable {
    public struct Row: Sendable, Equatable {
        public let label: StringKey
        public let value: String
    }

    public let rows: [Row]
    /// The 14 digits of the ABHA number: numeric mode, so the smallest code (21 modules a side).
    public let code: QRCode

    /// Nil when she has no ABHA number linked.
    public init?(patient: Patient, facility: Facility?, strings: StringTable) {
        guard let number = patient.abhaNumber, let code = try? QRCode(number) else { return nil }
        let born = patient.birthDateEstimated ? strings.text(.abhaCardBornAbout, ["year": String(patient.birthDate.year)])
            : patient.birthDate.dayMonthYear
        var rows = [Row(label: .patientName, value: patient.name)]
        if let other = patient.nameAlt { rows.append(Row(label: .patientNameAlt, value: other)) }
        rows += [
            Row(label: .patientAbhaNumber, value: Identifiers.formattedAbhaNumber(number)),
            Row(label: .patientAbhaAddress, value: patient.abhaAddress ?? "-"),
            Row(label: .patientSex, value: strings[patient.sex.labelKey]),
            Row(label: .abhaCardBorn, value: born),
        ]
        // The facility's registry id where it has one; its own id is internal.
        if let facility { rows.append(Row(label: .abhaCardFacility, value: facility.name + (facility.hfrId.map { " (" + $0 + ")" } ?? ""))) }
        self.rows = rows
        self.code = code
    }
}

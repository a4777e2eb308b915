import ArgumentParser
import ArogyaCore
import ArogyaStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension AbhaCommand {
    /// `arogya abha card`: her ABHA card as text, for a printer: the same rows as the screen's card and the
    /// ABHA number as a QR code, in Unicode half blocks, or `#` where the locale is not UTF-8.
    struct Card: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CommandHelp.text(.helpCliAbhaCard1),
            discussion: CommandHelp.discussion(.helpCliAbhaCard1More))

        @OptionGroup var database: DatabaseOptions
        @ParentCommand var root: Arogya
        @Argument(help: "The patient's id.") var patientId: String
        @Flag(help: "Draw the QR code with '#' even where the locale is UTF-8.") var ascii = false

        func run() throws {
            let environment = try CommandEnvironment.make(database, root: root)
            let strings = environment.strings
            let store = try environment.openStore(.forReading)
            let (patient, facility) = try environment.run { () throws -> (Patient, Facility?) in
                guard let patient = try store.patient(id: patientId) else {
                    throw StoreError.refused(UserMessage(.errorUnknownPatient, ["id": patientId]))
                }
                return (patient, try store.facility())
            }
            guard let card = AbhaCard(patient: patient, facility: facility, strings: strings) else {
                try CommandEnvironment.fail(code: Exit.badInput.rawValue, "arogya: " + strings.text(.cliAbhaNoCard, ["name": patient.name]))
            }
            let unicode = !ascii && Self.localeIsUTF8()
            var lines = [strings[.abhaCardTitle], ""]
            let width = card.rows.map { DisplayWidth.of(strings[$0.label]) }.max() ?? 0
            for row in card.rows {
                let label = strings[row.label]
                lines.append(label + String(repeating: " ", count: width - DisplayWidth.of(label) + 2) + TextSanitizer.singleLine(row.value))
            }
            lines.append("")
            lines += unicode ? QRText.halfBlocks(card.code) : QRText.ascii(card.code)
            lines.append(strings[.abhaCardQrNote])
            print(lines.joined(separator: "\n"))
        }

        static func localeIsUTF8() -> Bool {
            setlocale(LC_ALL, "")
            guard let codeset = nl_langinfo(nl_item(CODESET)) else { return false }
            let name = String(cString: codeset).lowercased()
            return name == "utf-8" || name == "utf8"
        }
    }
}

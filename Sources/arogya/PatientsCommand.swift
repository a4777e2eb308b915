import ArgumentParser
import ArogyaCore
import ArogyaStore
import Foundation

/// `arogya patients …`: registration and lookup for scripts, with the same rules as the screens.
struct PatientsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patients",
        abstract: CommandHelp.text(.helpCliPatients1),
        subcommands: [Add.self, Search.self, Show.self, Merge.self, Mark.self])

    /// Exit 3: likely duplicates, or an ABHA number or address that belongs to someone else.
    static let duplicateExitCode: Int32 = 3

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CommandHelp.text(.helpCliPatients2),
            discussion: CommandHelp.discussion(.helpCliPatients2More))

        @OptionGroup var database: DatabaseOptions
        @ParentCommand var root: Arogya
        @OptionGroup var actorOptions: ActorOptions

        @Option(help: "The full name, in Latin or Devanagari.") var name: String
        @Option(name: .customLong("name-alt"), help: "The name in the other script.") var nameAlt: String?
        @Option(help: "female, male or other.") var sex: Sex
        @Option(help: ArgumentHelp("The date of birth.", valueName: "YYYY-MM-DD")) var dob: String?
        // Read whatever follows, so that `--age -3` is told the range rather than "missing value".
        @Option(parsing: .unconditional, help: "The age in years, when the date of birth is not known (the date is then estimated).") var age: Int?
        @Option(help: "A 10-digit mobile number (+91 or 0 may lead).") var mobile: String?
        @Option(help: "The village or ward: one of the facility's (any case), or a new one with --new-village.") var village: String?
        @Flag(name: .customLong("new-village"), help: "Add --village to the facility's list when it is not there yet.") var newVillage = false
        @Option(help: "The household ID.") var household: String?
        @Option(name: .customLong("abha-number"), help: "The 14-digit ABHA number, with or without hyphens.") var abhaNumber: String?
        @Option(name: .customLong("abha-address"), help: "The ABHA address, like name@abdm.") var abhaAddress: String?
        @Option(help: "The facility's medical record number.") var mrn: String?
        @Option(help: "Whether the patient agreed to her data being recorded and shared for her care: yes or no.") var consent: String = "yes"
        @Option(name: .customLong("consent-method"), help: "verbal, signed or thumbprint.") var consentMethod: Consent.Method = .verbal
        @Flag(name: .customLong("new"), help: "Register even though likely duplicates exist.") var confirmedNew = false
        @Flag(help: "Print the saved patient as JSON (the `patients show` shape), or {\"duplicates\": [...]}.") var json = false

        func validate() throws {
            guard (dob == nil) != (age == nil) else { throw ValidationError("give either --dob or --age") }
            guard ["yes", "no"].contains(consent) else { throw ValidationError("--consent is yes or no") }
        }

        func run() throws {
            let environment = try CommandEnvironment.make(database, root: root)
            let store = try environment.openStore(.mustExist)
            let today = LocalTime(store.clock.now()).date
            let details = try environment.run { () throws -> PatientDetails in
                let checkedName = try PatientRules.name(name)
                let birth = try PatientRules.birthDate(dob ?? String(age ?? 0), today: today)
                if dob != nil, birth.estimated { throw UserMessage(.errorBirthFormat) }
                return PatientDetails(
                    name: checkedName, nameAlt: try PatientRules.alternateName(nameAlt ?? "", for: checkedName), sex: sex,
                    birthDate: birth.0, birthDateEstimated: birth.estimated, mobile: try Identifiers.mobile(mobile ?? ""),
                    village: try village.map(FacilityRules.village), household: try Identifiers.localIdentifier(household ?? ""),
                    abhaNumber: try Identifiers.abhaNumber(abhaNumber ?? ""), abhaAddress: try Identifiers.abhaAddress(abhaAddress ?? ""),
                    mrn: try Identifiers.localIdentifier(mrn ?? ""),
                    consent: Consent(given: consent == "yes", method: consentMethod, date: today))
            }
            // A village not on the facility's list is most often a spelling slip; adding it splits a village
            // in two for the due list and the duplicate check, so it is only done when asked for.
            if let village = details.village, !newVillage {
                let known = try environment.run { try store.facility()?.villages.map(\.name) ?? [] }
                if !known.contains(where: { $0.caseInsensitiveCompare(village) == .orderedSame }) {
                    let list = known.prefix(12).joined(separator: ", ") + (known.count > 12 ? ", …" : "")
                    try CommandEnvironment.fail(code: 2, "arogya: " + environment.strings.text(.cliVillageUnknown, [
                        "village": TextSanitizer.singleLine(village), "villages": known.isEmpty ? "-" : list]))
                }
            }
            if let number = details.abhaNumber, !Identifiers.abhaNumberPassesLuhn(number) {
                FileHandle.standardError.write(Data(("arogya: " + environment.strings[.warningAbhaChecksum] + "\n").utf8))
            }
            let actor = try environment.actor(actorOptions, store: store)
            let outcome = try environment.run {
                guard try store.isSetUp() else { throw StoreError.refused(UserMessage(.errorNotSetUp)) }
                return try store.registerPatient(details, confirmedNew: confirmedNew, today: today, by: actor)
            }
            switch outcome {
            case .registered(let patient):
                if json {
                    try PatientJSON.print(PatientJSON.show(patient, today: today))
                } else {
                    environment.say(.cliPatientRegistered, ["name": patient.name, "id": patient.id])
                }
            case .possibleDuplicates(let candidates):
                if json {
                    try PatientJSON.print(["duplicates": candidates.map { PatientJSON.duplicate($0, today: today, strings: environment.strings) }])
                } else {
                    let hardStop = candidates.first(where: \.isHardStop)
                    // The refusal names the patient who holds the ABHA, not whichever is listed first.
                    let intro = hardStop.map { environment.strings.text(.cliAbhaBelongsToOther, ["name": TextSanitizer.singleLine($0.patient.name),
                                                                                                "id": $0.patient.id]) }
                        ?? environment.strings[.cliPossibleDuplicates]
                    FileHandle.standardError.write(Data(("arogya: " + intro + "\n").utf8))
                    for candidate in candidates {
                        print(PatientText.line(candidate.patient, today: today, strings: environment.strings)
                              + "  (" + candidate.reasons.map { environment.strings.text($0) }.joined(separator: "; ") + ")")
                    }
                }
                throw ExitCode(PatientsCommand.duplicateExitCode)
            }
        }
    }

    struct Search: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CommandHelp.text(.helpCliPatients3))

        @OptionGroup var database: DatabaseOptions
        @ParentCommand var root: Arogya
        @Argument(help: "What to look for, as typed in the search box.") var query: String
        @Option(help: "How many results at most.") var limit = 20
        @Flag(help: "Print a JSON list, best first: id, name, name_alt, sex, age, age_estimated, village, mobile, abha_number, abha_address, score.")
        var json = false

        func validate() throws {
            guard (1...1000).contains(limit) else { throw ValidationError("--limit must be from 1 to 1000") }
        }

        func run() throws {
            let environment = try CommandEnvironment.make(database, root: root)
            let parsed = PatientQuery.parse(query)
            if parsed == .tooShort { try CommandEnvironment.fail(code: 2, "arogya: " + environment.strings[.searchTooShort]) }
            let store = try environment.openStore(.forReading)
            let today = LocalTime(store.clock.now()).date
            let matches = try environment.run { try store.searchPatients(parsed, limit: limit) }
            if json {
                try PatientJSON.print(matches.map { PatientJSON.search($0.patient, score: $0.score, today: today) })
                return
            }
            for match in matches {
                print(PatientText.line(match.patient, today: today, strings: environment.strings) + "  " + String(format: "%.2f", match.score))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: CommandHelp.text(.helpCliPatients4))

        @OptionGroup var database: DatabaseOptions
        @ParentCommand var root: Arogya
        @Argument(help: "The patient's id.") var id: String
        @Flag(help: "Print JSON: the search fields plus dob, household, mrn, consent, status, merged_into, created_at, updated_at, version.")
        var json = false

        func run() throws {
            let environment = try CommandEnvironment.make(database, root: root)
            let store = try environment.openStore(.forReading)
            let today = LocalTime(store.clock.now()).date
            let patient = try environment.run { () throws -> Patient in
                guard let patient = try store.patient(id: id) else { throw StoreError.refused(UserMessage(.errorUnknownPatient, ["id": id])) }
                return patient
            }
            if json {
                try PatientJSON.print(PatientJSON.show(patient, today: today))
            } else {
                print(PatientText.card(patient, today: today, strings: environment.strings))
            }
        }
    }

    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CommandHelp.text(.helpCliPatients5))

        @OptionGroup var database: DatabaseOptions
        @ParentCommand var root: Arogya
        @OptionGroup var actorOptions: ActorOptions
        @Argument(help: "The id of the record to keep.") var keepId: String
        @Argument(help: "The id of the record to merge into it.") var otherId: String
        @Option(help: "Why they are the same person (kept in the audit log).") var reason: String

        func run() throws {
            let environment = try CommandEnvironment.make(database, root: root)
            let why = TextSanitizer.singleLine(reason)
            if why.isEmpty { try CommandEnvironment.fail(code: 2, "arogya: " + environment.strings[.errorReasonEmpty]) }
            let store = try environment.openStore(.mustExist)
            let actor = try environment.actor(actorOptions, store: store)
            let kept = try environment.run { try store.mergePatients(keep: keepId, other: otherId, reason: why, by: actor) }
            environment.say(.cliPatientsMerged, ["other": otherId, "kept": kept.id, "name": kept.name])
        }
    }

    struct Mark: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CommandHelp.text(.helpCliPatients6))

        enum Status: String, ExpressibleByArgument, CaseIterable { case deceased, moved, active }

        @OptionGroup var database: DatabaseOptions
        @ParentCommand var root: Arogya
        @OptionGroup var actorOptions: ActorOptions
        @Argument(help: "The patient's id.") var id: String
        @Argument(help: "deceased, moved or active.") var status: Status
        @Option(help: ArgumentHelp("The date it happened (default today).", valueName: "YYYY-MM-DD")) var date: String?

        func run() throws {
            let environment = try CommandEnvironment.make(database, root: root)
            let store = try environment.openStore(.mustExist)
            let today = LocalTime(store.clock.now()).date
            let day = try environment.run { () throws -> CivilDate in
                guard let text = date else { return today }
                guard let day = CivilDate(iso8601: text) else { throw UserMessage(.errorDateFormat) }
                guard day <= today else { throw UserMessage(.errorDateFuture) }
                return day
            }
            let actor = try environment.actor(actorOptions, store: store)
            let newStatus: PatientStatus
            switch status {
            case .deceased: newStatus = .deceased(on: day)
            case .moved: newStatus = .moved(on: day)
            case .active: newStatus = .active
            }
            let patient = try environment.run { try store.markPatient(id: id, as: newStatus, by: actor) }
            environment.say(.cliPatientMarked, ["name": patient.name, "status": status.rawValue])
        }
    }
}

extension Sex: ExpressibleByArgument {}
extension Consent.Method: ExpressibleByArgument {}

/// The JSON shapes of `patients search`, `show` and `add`.
enum PatientJSON {
    static func search(_ patient: Patient, score: Double?, today: CivilDate) -> [String: Any] {
        var object: [String: Any] = [
            "id": patient.id, "name": patient.name, "name_alt": patient.nameAlt ?? NSNull(), "sex": patient.sex.rawValue,
            "age": patient.age(on: today), "age_estimated": patient.birthDateEstimated,
            "village": patient.village?.name ?? NSNull(), "mobile": patient.mobile ?? NSNull(),
            "abha_number": patient.abhaNumber.map(Identifiers.formattedAbhaNumber) ?? NSNull(),
            "abha_address": patient.abhaAddress ?? NSNull(),
        ]
        if let score { object["score"] = (score * 1000).rounded() / 1000 }
        return object
    }

    static func show(_ patient: Patient, today: CivilDate) -> [String: Any] {
        var object = search(patient, score: nil, today: today)
        object["dob"] = patient.birthDate.iso8601
        object["household"] = patient.household ?? NSNull()
        object["mrn"] = patient.mrn ?? NSNull()
        object["consent"] = ["given": patient.consent.given, "method": patient.consent.method.rawValue, "date": patient.consent.date.iso8601]
        object["status"] = patient.status.code
        switch patient.status {
        case .deceased(let day), .moved(let day): object["status_date"] = day.iso8601
        default: object["status_date"] = NSNull()
        }
        if case .merged(let into) = patient.status { object["merged_into"] = into } else { object["merged_into"] = NSNull() }
        object["last_seen_at"] = patient.lastSeenAt?.iso8601 ?? NSNull()
        object["created_at"] = patient.createdAt.iso8601
        object["updated_at"] = patient.updatedAt.iso8601
        object["version"] = patient.version
        return object
    }

    static func duplicate(_ candidate: DuplicateCandidate, today: CivilDate, strings: StringTable) -> [String: Any] {
        var object = search(candidate.patient, score: candidate.isHardStop ? 1 : 0.8, today: today)
        object["reasons"] = candidate.reasons.map { strings.text($0) }
        object["blocking"] = candidate.isHardStop
        return object
    }

    static func print(_ value: Any) throws {
        let data = try JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        Swift.print(String(decoding: data, as: UTF8.self))
    }
}

/// Patients as text for people: one line in lists, a card for `show`.
enum PatientText {
    static func line(_ patient: Patient, today: CivilDate, strings: StringTable) -> String {
        let age = (patient.birthDateEstimated ? "~" : "") + String(patient.age(on: today))
        return [patient.id, patient.name + (patient.nameAlt.map { " / " + $0 } ?? ""), strings[patient.sex.shortKey] + " " + age,
                patient.village?.name ?? "-", patient.mobile ?? "-",
                patient.abhaNumber.map(Identifiers.formattedAbhaNumber) ?? "-"].map(TextSanitizer.singleLine).joined(separator: "  ")
    }

    static func card(_ patient: Patient, today: CivilDate, strings: StringTable) -> String {
        let object = PatientJSON.show(patient, today: today)
        return object.keys.sorted().map { key in
            let value = object[key]
            let text: String
            switch value {
            case is NSNull, nil: text = "-"
            case let dictionary as [String: Any]: text = dictionary.keys.sorted().map { "\($0)=\(dictionary[$0]!)" }.joined(separator: " ")
            case let other?: text = "\(other)"
            }
            return DisplayWidth.pad(key, to: 14) + TextSanitizer.singleLine(text)
        }.joined(separator: "\n")
    }
}

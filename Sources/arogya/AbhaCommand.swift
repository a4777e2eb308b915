import ArgumentParser
import ArogyaABDM
import ArogyaCore
import ArogyaStore
import ArogyaSync
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `arogya abha`: enrol a patient for an ABHA through the facility's hub.
struct AbhaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "abha",
        abstract: CommandHelp.text(.helpCliAbha1),
        discussion: CommandHelp.discussion(.helpCliAbha1More),
        subcommands: [Enrol.self, Verify.self, Pending.self, Card.self])

    /// The exit codes of the ABHA commands, a contract with scripts.
    enum Exit: Int32 {
        case linked = 0
        case badInput = 2
        case unreachable = 4
        case refused = 5
    }

    struct Enrol: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CommandHelp.text(.helpCliAbha2),
            discussion: CommandHelp.discussion(.helpCliAbha2More))

        @OptionGroup var database: DatabaseOptions
        @ParentCommand var root: Arogya
        @OptionGroup var actorOptions: ActorOptions
        @Argument(help: "The patient's id.") var patientId: String
        @Option(help: "The mobile for her ABHA (10 digits).") var mobile: String
        @Flag(name: .customLong("accept-consent"), help: "She agreed to ABDM's consent for creating an ABHA (abha-enrollment 1.4), read to her.")
        var acceptConsent = false
        @Option(name: .customLong("abha-address"), help: "The ABHA address to make her preferred one (the part before @).")
        var abhaAddress: String?
        @Flag(help: "Print JSON: {patient_id, status, abha_number, abha_address, differences: [{field, registered, abha}]}.")
        var json = false

        func run() throws {
            let environment = try CommandEnvironment.make(database, root: root)
            let strings = environment.strings
            guard acceptConsent else { try AbhaCommand.refuse(.badInput, strings[.cliAbhaConsentNeeded]) }
            let phone: String
            do throws(UserMessage) {
                guard let typed = try Identifiers.mobile(mobile) else { throw UserMessage(.errorMobileLength) }
                phone = typed
            } catch { try AbhaCommand.refuse(.badInput, strings.text(error)) }
            // The name only: the suffix (@sbx or @abdm) is the hub's ABDM environment's.
            let wanted: String?
            if let abhaAddress {
                guard let name = try? Identifiers.abhaAddressOrName(abhaAddress), !name.contains("@") else {
                    try AbhaCommand.refuse(.badInput, strings[.abhaAddressForm])
                }
                wanted = name
            } else {
                wanted = nil
            }
            let store = try environment.openStore(.mustExist)
            let actor = try environment.actor(actorOptions, store: store)
            let patient = try AbhaCommand.activePatient(patientId, store: store, environment: environment)
            if let number = patient.abhaNumber {
                try AbhaCommand.refuse(.badInput, strings.text(.cliAbhaAlreadyLinked, ["name": patient.name, "abha": Identifiers.formattedAbhaNumber(number)]))
            }
            let aadhaar: AadhaarNumber
            do { aadhaar = try AadhaarNumber(typed: try SecretInput.line(strings.text(.cliAbhaReadAadhaar), what: "Aadhaar number", strings: strings)) }
            catch let message as UserMessage { try AbhaCommand.refuse(.badInput, strings.text(message)) }
            // Offline, what was decided with her is kept (never the Aadhaar number) and resumed later.
            func savePending(_ why: String) throws -> Never {
                let saved = try environment.run {
                    try store.saveAbhaRequest(AppDatabase.NewAbhaRequest(patientId: patient.id, flow: .enrol, mobile: phone, abhaAddress: wanted,
                                                                         abhaNumber: nil, consent: AbhaConsent.code + " " + AbhaConsent.version,
                                                                         reason: why), by: actor)
                }
                try AbhaCommand.refuse(.unreachable, strings.text(.cliAbhaSavedPending, ["reason": why, "id": saved.id, "patient": patient.id]))
            }
            let client = try AbhaCommand.client(store: store, environment: environment, offline: savePending)

            let outcome: AbhaOutcome = try AbhaCommand.step(strings, offline: savePending) {
                let enrolment = try blockingWait { try await AbhaEnrolment.begin(client: client) }
                let sent = try blockingWait { try await enrolment.requestOtp(aadhaar) }
                let ending = AbhaResponses.mobileEnding(sent.message) ?? "?"
                let otp = try OneTimePassword(typed: try SecretInput.line(strings.text(.cliAbhaReadOtp, ["ending": ending]), what: "OTP", strings: strings))
                let enrolled = try blockingWait { try await enrolment.enrol(transactionId: sent.transactionId, otp: otp, mobile: phone) }
                if enrolled.isNew && AbhaEnrolment.mobileNeedsVerifying(phone, aadhaarOtp: sent) {
                    let mobileSent = try blockingWait { try await enrolment.requestMobileOtp(transactionId: enrolled.transactionId, mobile: phone) }
                    let mobileOtp = try OneTimePassword(typed: try SecretInput.line(strings.text(.cliAbhaReadMobileOtp, ["mobile": phone]),
                                                                                     what: "mobile OTP", strings: strings))
                    try blockingWait { try await enrolment.verifyMobile(transactionId: mobileSent.transactionId, otp: mobileOtp) }
                }
                var address = enrolled.profile.abhaAddresses.first
                if let wanted, enrolled.isNew {
                    address = try blockingWait { try await enrolment.chooseAddress(transactionId: enrolled.transactionId, name: wanted) }
                }
                return AbhaOutcome(profile: enrolled.profile, address: address, isNew: enrolled.isNew)
            }

            try AbhaCommand.link(outcome.profile, address: outcome.address, as: outcome.isNew ? .created : .existingForAadhaar, to: patient,
                                 store: store, actor: actor, environment: environment, json: json)
        }

        struct AbhaOutcome: Sendable {
            let profile: AbhaProfile
            let address: String?
            let isNew: Bool
        }
    }
}

extension AbhaCommand {
    /// One line on standard error and the exit code that says why.
    static func refuse(_ exit: Exit, _ line: String) throws -> Never {
        try CommandEnvironment.fail(code: exit.rawValue, "arogya: " + line)
    }

    /// The patient an ABHA is for: she must exist and be active here.
    static func activePatient(_ id: String, store: AppDatabase, environment: CommandEnvironment) throws -> Patient {
        let patient = try environment.run { () throws -> Patient in
            guard let patient = try store.patient(id: id) else { throw StoreError.refused(UserMessage(.errorUnknownPatient, ["id": id])) }
            return patient
        }
        guard patient.status == .active else {
            try CommandEnvironment.fail(code: Exit.badInput.rawValue, "arogya: " + environment.strings.text(.cliAbhaPatientInactive, ["name": patient.name]))
        }
        return patient
    }

    /// ABDM through the hub this terminal is connected to; with none, the request is kept (`offline`).
    static func client(store: AppDatabase, environment: CommandEnvironment, offline: (String) throws -> Never) throws -> AbhaClient {
        switch try environment.run({ try HubConnection.client(store: store, databasePath: environment.databasePath) }) {
        case .success(let hub): return AbhaClient(hub: hub)
        case .failure(let problem): try offline(environment.strings.text(problem.message))
        }
    }

    /// Runs the network steps, turning each failure into its sentence and exit code.
    static func step<T>(_ strings: StringTable, offline: (String) throws -> Never, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let message as UserMessage {
            try CommandEnvironment.fail(code: Exit.badInput.rawValue, "arogya: " + strings.text(message))
        } catch let failure as AbhaClient.Failure {
            switch failure {
            case .unreachable(let why):
                try offline(strings.text(.cliAbhaUnreachable, ["reason": why]))
            case .notSetUp:
                try offline(strings[.cliAbhaNotSetUp])
            case .refused(let refusal):
                try CommandEnvironment.fail(code: Exit.refused.rawValue, "arogya: " + strings.text(AbhaFailureText.message(refusal)))
            case .hub(let hub):
                try CommandEnvironment.fail(code: 1, "arogya: " + hub.description)
            case .unexpectedAnswer(let why):
                try CommandEnvironment.fail(code: Exit.refused.rawValue, "arogya: " + why)
            }
        }
    }

    /// How the profile was reached, for the sentence that says it is linked.
    enum LinkKind {
        case created, existingForAadhaar, verified
    }

    /// Links a profile ABDM gave to her record as any edit is (checked, versioned, audited, queued for
    /// upload), closes her pending ABHA requests, and says what differs between the two.

    static func link(_ profile: AbhaProfile, address: String?, as kind: LinkKind, to patient: Patient, store: AppDatabase, actor: AuditActor,
                     environment: CommandEnvironment, json: Bool) throws {
        let strings = environment.strings
        if let number = patient.abhaNumber, number != profile.abhaNumber {
            try CommandEnvironment.fail(code: Exit.badInput.rawValue, "arogya: " + strings.text(.cliAbhaOtherNumber, [
                "name": patient.name, "registered": Identifiers.formattedAbhaNumber(number), "abha": Identifiers.formattedAbhaNumber(profile.abhaNumber)]))
        }
        var details = PatientDetails(patient: patient)
        details.abhaNumber = profile.abhaNumber
        if let address { details.abhaAddress = address }
        let linked = try environment.run { try store.updatePatient(id: patient.id, details, by: actor) }
        try environment.run { try store.closeAbhaRequests(patientId: linked.id, by: actor) }
        let differences = profile.differences(from: linked)
        let formatted = Identifiers.formattedAbhaNumber(profile.abhaNumber)
        if json {
            print(JSONValue.object([
                ("patient_id", .string(linked.id)), ("status", .string("linked")), ("abha_number", .string(formatted)),
                ("abha_address", address.map(JSONValue.string) ?? .null),
                ("differences", .array(differences.map { difference in
                    let (registered, abha) = AbhaDifferenceText.values(difference, strings: strings)
                    return .object([("field", .string(difference.field)), ("registered", .string(registered)), ("abha", .string(abha))])
                })),
            ]).serialized())
            return
        }
        switch kind {
        case .created: environment.say(.cliAbhaLinked, ["abha": formatted, "address": address ?? "-", "name": linked.name])
        case .existingForAadhaar: environment.say(.cliAbhaExisting, ["abha": formatted, "name": linked.name])
        case .verified: environment.say(.cliAbhaVerified, ["abha": formatted, "address": address ?? "-", "name": linked.name])
        }
        for difference in differences {
            let (registered, abha) = AbhaDifferenceText.values(difference, strings: strings)
            environment.say(.cliAbhaDifference, ["field": strings[AbhaDifferenceText.label(difference)], "registered": registered, "abha": abha])
        }
    }

    struct Pending: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CommandHelp.text(.helpCliAbha3))

        @OptionGroup var database: DatabaseOptions
        @ParentCommand var root: Arogya
        @Flag(help: "Print JSON: [{id, patient_id, patient_name, flow, mobile, abha_address, abha_number, consent, reason, created_by, created_at}].")
        var json = false

        func run() throws {
            let environment = try CommandEnvironment.make(database, root: root)
            let store = try environment.openStore(.forReading)
            let listed = try environment.run { try store.pendingAbhaRequests() }
            if json {
                print(JSONValue.array(listed.map { item in
                    let request = item.request
                    let optional: (String?) -> JSONValue = { $0.map(JSONValue.string) ?? .null }
                    return .object([("id", .string(request.id)), ("patient_id", .string(request.patientId)), ("patient_name", .string(item.patientName)),
                                    ("flow", .string(request.flow.rawValue)), ("mobile", optional(request.mobile)),
                                    ("abha_address", optional(request.abhaAddress)), ("abha_number", optional(request.abhaNumber)),
                                    ("consent", optional(request.consent)), ("reason", .string(request.reason)),
                                    ("created_by", .string(request.createdBy)), ("created_at", .string(request.createdAt.iso8601))])
                }).serialized())
                return
            }
            if listed.isEmpty { environment.say(.cliAbhaNonePending) }
            for item in listed {
                let local = LocalTime(item.request.createdAt)
                environment.say(.cliAbhaPendingLine, ["time": local.date.iso8601 + " " + local.hourMinute, "name": item.patientName,
                                                      "patient": item.request.patientId, "flow": item.request.flow.rawValue,
                                                      "mobile": item.request.mobile ?? "-", "reason": item.request.reason])
            }
        }
    }
}

/// A secret line (an Aadhaar number, an OTP): the next line of standard input, or at a terminal asked for
/// without echo. Never an argument, which `ps` and the shell's history would keep.
enum SecretInput {
    static func line(_ prompt: String, what: String, strings: StringTable) throws -> String {
        if isatty(STDIN_FILENO) == 1 { return PinReader.prompt(prompt, on: STDIN_FILENO) }
        guard let line = readLine(strippingNewline: true), !line.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw Failure.invalidInput(strings.text(.cliAbhaNoInput, ["what": what]))
        }
        return line.trimmingCharacters(in: .whitespaces)
    }

    /// A line that is no secret (a choice from a list): echoed at a terminal.
    static func plainLine(_ prompt: String, what: String, strings: StringTable) throws -> String {
        if isatty(STDIN_FILENO) == 1 { FileHandle.standardError.write(Data(prompt.utf8)) }
        guard let line = readLine(strippingNewline: true), !line.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw Failure.invalidInput(strings.text(.cliAbhaNoInput, ["what": what]))
        }
        return line.trimmingCharacters(in: .whitespaces)
    }
}

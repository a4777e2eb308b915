import ArgumentParser
import ArogyaABDM
import ArogyaCore
import ArogyaStore
import ArogyaSync
import Foundation

extension AbhaCommand {
    /// `arogya abha verify`: an ABHA she already has, proven with an OTP and linked to her record.
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CommandHelp.text(.helpCliAbhaVerify1),
            discussion: CommandHelp.discussion(.helpCliAbhaVerify1More))

        @OptionGroup var database: DatabaseOptions
        @ParentCommand var root: Arogya
        @OptionGroup var actorOptions: ActorOptions
        @Argument(help: "The patient's id.") var patientId: String
        @Option(name: .customLong("abha-number"), help: "Her ABHA number (14 digits, hyphens allowed).") var abhaNumber: String?
        @Option(name: .customLong("abha-address"), help: "Her ABHA address (name@abdm, or name@sbx in the sandbox).") var abhaAddress: String?
        @Option(help: "Her mobile (10 digits): the ABHA accounts on it are listed and one is chosen.") var mobile: String?
        @Option(name: .customLong("otp-via"), help: "aadhaar or mobile (default aadhaar).") var otpVia: String?
        @Flag(help: "Print JSON: {patient_id, status, abha_number, abha_address, differences: [{field, registered, abha}]}.")
        var json = false

        func run() throws {
            let environment = try CommandEnvironment.make(database, root: root)
            let strings = environment.strings
            let identifier: AbhaVerification.Identifier
            do throws(UserMessage) {
                switch (abhaNumber, abhaAddress, mobile) {
                case (let number?, nil, nil):
                    guard let digits = try Identifiers.abhaNumber(number) else { throw UserMessage(.errorAbhaNumberLength) }
                    identifier = .abhaNumber(digits)
                case (nil, let address?, nil):
                    guard let whole = try Identifiers.abhaAddress(address) else { throw UserMessage(.abhaAddressForm) }
                    identifier = .abhaAddress(whole)
                case (nil, nil, let phone?):
                    guard let digits = try Identifiers.mobile(phone) else { throw UserMessage(.errorMobileLength) }
                    identifier = .mobile(digits)
                default:
                    throw UserMessage(.cliAbhaVerifyOneIdentifier)
                }
            } catch { try AbhaCommand.refuse(.badInput, strings.text(error)) }
            let via: AbhaRequests.OtpVia
            switch (otpVia.map { AbhaRequests.OtpVia(rawValue: $0) }, identifier) {
            case (nil, .mobile): via = .mobile
            case (nil, _): via = .aadhaar
            case (.some(nil), _): try AbhaCommand.refuse(.badInput, strings[.cliAbhaOtpViaForm])
            case (.some(.aadhaar?), .mobile): try AbhaCommand.refuse(.badInput, strings[.cliAbhaOtpViaMobileOnly])
            case (.some(let chosen?), _): via = chosen
            }

            let store = try environment.openStore(.mustExist)
            let actor = try environment.actor(actorOptions, store: store)
            let patient = try AbhaCommand.activePatient(patientId, store: store, environment: environment)
            if case .abhaNumber(let digits) = identifier, let registered = patient.abhaNumber, registered != digits {
                try AbhaCommand.refuse(.badInput, strings.text(.cliAbhaOtherNumber, ["name": patient.name, "registered": Identifiers.formattedAbhaNumber(registered),
                                                                         "abha": Identifiers.formattedAbhaNumber(digits)]))
            }

            // Offline, what was decided with her is kept and resumed later, with her present for the OTP.
            func savePending(_ why: String) throws -> Never {
                let fields = identifier.requestFields
                let saved = try environment.run {
                    try store.saveAbhaRequest(AppDatabase.NewAbhaRequest(patientId: patient.id, flow: .verify, mobile: fields.mobile,
                                                                         abhaAddress: fields.abhaAddress, abhaNumber: fields.abhaNumber,
                                                                         consent: nil, reason: why), by: actor)
                }
                try AbhaCommand.refuse(.unreachable, strings.text(.cliAbhaSavedPendingVerify, ["reason": why, "id": saved.id, "patient": patient.id]))
            }
            let client = try AbhaCommand.client(store: store, environment: environment, offline: savePending)

            let profile: AbhaProfile = try AbhaCommand.step(strings, offline: savePending) {
                let verification = try blockingWait { try await AbhaVerification.begin(client: client) }
                let started = try blockingWait { try await verification.requestOtp(for: identifier, via: via) }
                let ending = AbhaResponses.mobileEnding(started.sent.message) ?? "?"
                let otp = try OneTimePassword(typed: try SecretInput.line(strings.text(.cliAbhaReadOtp, ["ending": ending]), what: "OTP", strings: strings))
                let token: String
                switch try blockingWait({ try await verification.verify(started, otp: otp) }) {
                case .token(let opened):
                    token = opened
                case .accounts(let accounts, let transactionId, let tToken):
                    let account = try Self.choose(from: accounts, strings: strings)
                    token = try blockingWait { try await verification.choose(account, transactionId: transactionId, tToken: tToken) }
                }
                return try blockingWait { try await verification.profile(token: token, of: identifier) }
            }
            // The address she verified with is the one linked; else the profile's preferred one.
            let address: String? = if case .abhaAddress(let whole) = identifier { whole } else { profile.abhaAddresses.first }
            try AbhaCommand.link(profile, address: address, as: .verified, to: patient, store: store, actor: actor, environment: environment, json: json)
        }

        /// One of the accounts on a mobile: the only one, or the one named on the next line of input.
        static func choose(from accounts: [AbhaResponses.Account], strings: StringTable) throws -> AbhaResponses.Account {
            if accounts.count == 1 { return accounts[0] }
            for (index, account) in accounts.enumerated() {
                let line = strings.text(.cliAbhaAccountLine, ["n": String(index + 1), "abha": Identifiers.formattedAbhaNumber(account.abhaNumber),
                                                              "name": account.name, "address": account.preferredAddress ?? "-"])
                FileHandle.standardError.write(Data((TextSanitizer.singleLine(line) + "\n").utf8))
            }
            let typed = try SecretInput.plainLine(strings.text(.cliAbhaChooseAccount, ["count": String(accounts.count)]), what: "account", strings: strings)
            if let place = Int(typed), (1...accounts.count).contains(place) { return accounts[place - 1] }
            if let number = try? Identifiers.abhaNumber(typed), let account = accounts.first(where: { $0.abhaNumber == number }) { return account }
            throw UserMessage(.cliAbhaNoSuchAccount, ["typed": TextSanitizer.singleLine(typed), "count": String(accounts.count)])
        }
    }
}

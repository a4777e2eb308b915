@testable import ArogyaUI
import ArogyaABDMSimulator
import ArogyaCore
@testable import ArogyaHub
import ArogyaStore
import ArogyaSync
import ArogyaTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The ABHA screens at 80×24 against a real hub on loopback, relaying to the ABDM simulator: keys in, the
/// screen out, compared with text snapshots; and with no hub, the request kept as pending.
@Suite("ABHA screens")
@MainActor
final class AbhaScreenTests {
    let today = CivilDate(year: 2026, month: 11, day: 22)!
    /// The patient `card` opened.
    var patientId = ""

    /// A clock the test moves on, for the OTP's resend countdown.
    final class Clock: @unchecked Sendable {
        var now = Fixtures.now
        var wall: WallClock { WallClock { self.now } }
    }

    /// The simulator and a hub relaying to it, both on loopback ports, and the access a terminal has.
    static func withHub(gatewayTimeout: Double = 20, slowSeconds: Double = 30,
                        _ body: @MainActor (AbhaAccess, AbdmSimulator) async throws -> Void) async throws {
        var settings = SimulatorSettings()
        settings.keyBits = 2048
        settings.slowSeconds = slowSeconds
        let simulator = try AbdmSimulator(settings: settings, announce: { _ in })
        try await Application(router: simulator.router()).test(.live) { abdm in
            let port = try #require(abdm.port)
            let gateway = AbdmGateway(configuration: AbdmConfiguration(gatewayURL: "http://127.0.0.1:\(port)/api/hiecm",
                                                                       abhaURL: "http://127.0.0.1:\(port)/abha/api", clientId: "arogya-simulator",
                                                                       clientSecret: "simulator-secret", cmId: "sbx"),
                                      transport: AbdmHTTPTransport(), timeout: gatewayTimeout)
            let storage = try HubDatabase(path: ":memory:", clock: .system)
            try await storage.addFacility(id: "IN0001", name: "AAM Rampur")
            let token = try await storage.addDevice(facility: "IN0001", label: "A").token
            try await Application(router: HubRoutes.router(storage: storage, abdm: gateway)).test(.live) { hub in
                let url = URL(string: "http://127.0.0.1:\(try #require(hub.port))")!
                let access = AbhaAccess { .success(AbhaClient(hub: HubClient(baseURL: url, token: token, timeout: 20))) }
                try await body(access, simulator)
            }
        }
    }

    /// Signed in as the supervisor, on the card of a patient registered with `details`.
    func card(_ details: PatientDetails, abha: AbhaAccess, clock: Clock, glyphs: Glyphs = .unicode) async throws -> AppHarness {
        let store = try Fixtures.setUpStore()
        guard case .registered(let patient) = try store.registerPatient(details, confirmedNew: true, today: today, by: .account("asha")) else {
            throw StoreError.refused(UserMessage(.errorUnknownPatient, ["id": details.name]))
        }
        patientId = patient.id
        let harness = try AppHarness(store: store, clock: clock.wall, glyphs: glyphs, abha: abha)
        await harness.start()
        await harness.type(Fixtures.supervisorPin)
        await harness.press(.enter, .char("1"))
        await harness.type(String(patient.mobile?.suffix(4) ?? ""))
        await harness.press(.enter)
        #expect(harness.topScreenName == "PatientCardScreen")
        return harness
    }

    func person(_ name: String, other: String? = nil, sex: Sex = .female, born: CivilDate, mobile: String) -> PatientDetails {
        PatientDetails(name: name, nameAlt: other, sex: sex, birthDate: born, birthDateEstimated: false, mobile: mobile, village: "Rampur",
                       consent: Consent(given: true, method: .verbal, date: today))
    }

    @Test("Given a patient registered in Devanagari, when her ABHA is made with her Aadhaar, an OTP, her own mobile verified and a suggested address, then each step shows what it needs, the OTP waits 60 s to be sent again, and her card then shows the ABHA with its QR code")
    func enrolOnScreen() async throws {
        try await Self.withHub { access, _ in
            let clock = Clock()
            let harness = try await card(person("सीता देवी", other: "Sita Devi", born: CivilDate(year: 1976, month: 3, day: 11)!, mobile: "9123400055"),
                                         abha: access, clock: clock)
            #expect(harness.screen.contains("none (b: create or verify)"))
            await harness.press(.char("b"))
            assertSnapshot(harness.screen, named: "abha-choose")
            await harness.press(.char("1"))
            assertSnapshot(harness.screen, named: "abha-consent")
            await harness.press(.char("y"))
            await harness.type("234567890123")
            #expect(harness.screen.contains("check digit"), "a mistyped Aadhaar is said at once")
            await harness.press(.backspace)
            await harness.type("4")
            #expect(!harness.screen.contains("234567890124") && harness.screen.contains("XXXX XXXX 0124"))
            assertSnapshot(harness.screen, named: "abha-aadhaar")
            await harness.press(.enter, .enter)
            #expect(harness.screen.contains("OTP sent to the mobile ending 0017"))
            assertSnapshot(harness.screen, named: "abha-otp")
            await harness.press(.function(5))
            #expect(harness.screen.contains("A new OTP can be sent in 60 s"))
            clock.now = clock.now.adding(seconds: 61)
            await harness.wait(seconds: 1)
            #expect(harness.screen.contains("No OTP? F5 sends a new one."))
            await harness.type("000000")
            await harness.press(.enter)
            #expect(harness.screen.contains("The OTP is not the one sent"))
            await harness.type("123456")
            await harness.press(.enter)
            // Her mobile is not the Aadhaar-linked one: ABDM sends it an OTP of its own.
            #expect(harness.screen.contains("OTP sent to the mobile ending 0055"), "\(harness.screen)")
            await harness.type("123456")
            await harness.press(.enter)
            assertSnapshot(harness.screen, named: "abha-address")
            await harness.press(.enter)
            assertSnapshot(harness.screen, named: "abha-review")
            await harness.press(.enter)
            #expect(harness.topScreenName == "PatientCardScreen")
            #expect(harness.screen.contains("is linked to सीता देवी"))
            let linked = try #require(try harness.store.patient(id: patientId))
            #expect(linked.abhaAddress == "sita.devi@sbx" && linked.birthDate == CivilDate(year: 1976, month: 3, day: 11)!)
            await harness.press(.char("b"))
            #expect(harness.topScreenName == "AbhaCardScreen")
            assertSnapshot(harness.screen, named: "abha-card")
            // What a phone sees on the screen: the code right of the rows, read back.
            if QRDecoder.testsRun {
                // Rows come with their trailing blanks cut: padded back to 80 columns first.
                let lines = harness.screen.split(separator: "\n", omittingEmptySubsequences: false)
                    .map { String(Array(DisplayWidth.pad(String($0), to: 80)).suffix(27)) }
                #expect(try QRDecoder.decode(QRDecoder.modules(halfBlocks: lines)) == linked.abhaNumber)
            }
        }
    }

    @Test("Given the ABHA screens, when each step of making one and of verifying one by mobile is drawn at 80×24 in English, in Hindi and in Hindi on a terminal that is not UTF-8, then no line is cut and each matches its snapshot in colour and monochrome",
          arguments: NoCutLinesTests.variants)
    func tour(variant: NoCutLinesTests.Variant) async throws {
        try await Self.withHub { access, _ in
            let store = try Fixtures.setUpStore()
            try store.setAccountLanguage(username: "priya", language: variant.language, by: .account("priya"))
            for details in [person("सीता देवी", other: "Sita Devi", born: CivilDate(year: 1976, month: 3, day: 11)!, mobile: "9123400055"),
                            person("Gopal Bai", sex: .male, born: CivilDate(year: 1968, month: 1, day: 5)!, mobile: "9845012345")] {
                _ = try store.registerPatient(details, confirmedNew: true, today: today, by: .account("asha"))
            }
            let harness = try AppHarness(store: store, glyphs: variant.glyphs, abha: access)
            let tour = NoCutLinesTests.Tour(harness, variant, prefix: "tour-abha")
            await harness.start()
            await harness.type(Fixtures.supervisorPin)
            await harness.press(.enter, .char("1"))
            await harness.type("0055")
            await harness.press(.enter, .char("b"))
            tour.visit("choose")
            await harness.press(.char("1"))
            tour.visit("consent")
            await harness.press(.char("y"))
            await harness.type("234567890123")
            tour.visit("aadhaar check digit wrong")
            await harness.press(.backspace)
            await harness.type("4")
            tour.visit("aadhaar")
            await harness.press(.enter, .enter)
            tour.visit("otp")
            await harness.type("000000")
            await harness.press(.enter)
            tour.visit("otp wrong")
            await harness.type("123456")
            await harness.press(.enter)
            tour.visit("mobile otp")
            await harness.type("123456")
            await harness.press(.enter)
            tour.visit("address")
            await harness.press(.enter)
            tour.visit("review")
            await harness.press(.enter)
            tour.visit("card linked")
            await harness.press(.char("b"))
            #expect(harness.topScreenName == "AbhaCardScreen")
            tour.visit("abha card")
            await harness.press(.escape, .escape, .ctrl("u"))
            await harness.type("2345")
            await harness.press(.enter, .char("b"), .char("2"))
            await harness.type("9845012345")
            tour.visit("verify")
            await harness.press(.enter, .enter)
            await harness.type("123456")
            await harness.press(.enter)
            tour.visit("accounts")
            await harness.press(.enter)
            tour.visit("verify review")
        }
    }

    @Test("Given a mobile with two ABHAs on it, when one is verified from the card, then both are listed with hers chosen, and F6 takes the ABHA's details where they differ")
    func verifyByMobile() async throws {
        try await Self.withHub { access, _ in
            let harness = try await card(person("Gopal Bai", sex: .male, born: CivilDate(year: 1968, month: 1, day: 5)!, mobile: "9845012345"),
                                         abha: access, clock: Clock())
            await harness.press(.char("b"), .char("2"))
            await harness.type("9845012345")
            assertSnapshot(harness.screen, named: "abha-verify")
            await harness.press(.enter, .enter)
            await harness.type("123456")
            await harness.press(.enter)
            assertSnapshot(harness.screen, named: "abha-accounts")
            #expect(harness.screen.contains("> 2. ") || harness.screen.contains("> 1. "))
            await harness.press(.enter)
            #expect(harness.screen.contains("Birth date/age") && harness.screen.contains("05-01-1968 / 05-11-1968"), "\(harness.screen)")
            await harness.press(.function(6))
            #expect(harness.topScreenName == "PatientCardScreen")
            let linked = try #require(try harness.store.patient(id: patientId))
            #expect(linked.birthDate == CivilDate(year: 1968, month: 11, day: 5)! && linked.abhaAddress == "gopal.bai@sbx")
        }
    }

    @Test("Given no hub, when her ABHA is asked for, then it is kept as pending without her Aadhaar number, her card says so, and Pending ABHA lists it to resume")
    func offlinePending() async throws {
        let harness = try await card(person("Anitha Naidu", born: CivilDate(year: 1982, month: 8, day: 15)!, mobile: "9900011122"),
                                     abha: .none, clock: Clock(), glyphs: .ascii)
        await harness.press(.char("b"), .char("1"), .char("y"))
        await harness.type("512345678903")
        await harness.press(.enter, .enter)
        #expect(harness.topScreenName == "PatientCardScreen")
        #expect(harness.screen.contains("pending since 22-11-2026"))
        let pending = try harness.store.pendingAbhaRequests()
        #expect(pending.count == 1 && pending.first?.request.mobile == "9900011122" && pending.first?.request.consent == "abha-enrollment 1.4")
        await harness.press(.escape, .escape, .escape, .char("7"))
        assertSnapshot(harness.screen, named: "pending-abha-ascii")
        await harness.press(.enter)
        #expect(harness.topScreenName == "AbhaFlowScreen" && harness.screen.contains("Read this to her"))
    }

    @Test("Given a registration with an ABHA address typed, when it is saved, then her card opens on verifying that ABHA, and Esc leaves it for later")
    func registrationOffersVerification() async throws {
        let store = try Fixtures.setUpStore()
        let harness = try AppHarness(store: store, abha: .none)
        await harness.start()
        await harness.type(Fixtures.supervisorPin)
        await harness.press(.enter, .char("1"))
        await harness.type("Lakshmi Bai")
        await harness.press(.function(2))
        #expect(harness.topScreenName == "PatientFormScreen")
        // Name, other script, sex, birth, mobile, village, household, ABHA number, ABHA address.
        await harness.press(.tab, .tab, .char("f"), .tab)
        await harness.type("22061971")
        await harness.press(.tab)
        await harness.type("9845012345")
        await harness.press(.tab)
        await harness.type("Rampur")
        await harness.press(.tab, .tab, .tab)
        await harness.type("lakshmi.bai@sbx")
        await harness.press(.function(2))
        #expect(harness.topScreenName == "AbhaFlowScreen", "\(harness.screen)")
        #expect(harness.screen.contains("She is registered. Verify the ABHA typed") && harness.screen.contains("[lakshmi.bai@sbx"))
        await harness.press(.escape)
        #expect(harness.topScreenName == "PatientCardScreen")
    }

    @Test("Given ABDM refusing OTPs as too many, and then answering after the hub's deadline, when an OTP is asked for, then the screen says it is busy meanwhile, says to wait in words, and then keeps the request as pending")
    func faultsOnScreen() async throws {
        try await Self.withHub(gatewayTimeout: 1, slowSeconds: 3) { access, simulator in
            let harness = try await card(person("Sita Devi", born: CivilDate(year: 1976, month: 3, day: 10)!, mobile: "9876500017"),
                                         abha: access, clock: Clock())
            await harness.press(.char("b"), .char("1"), .char("y"))
            await harness.type("234567890124")
            await simulator.setFault(.rateLimit)
            harness.typeAhead([.enter, .enter])
            #expect(harness.screen.contains("Sending the OTP through the hub…"), "the keys are answered while ABDM is asked")
            await harness.settle()
            #expect(harness.screen.contains("Too many tries or OTPs for now"), "\(harness.screen)")
            #expect(harness.topScreenName == "AbhaFlowScreen")
            await simulator.setFault(.slow)
            await harness.press(.enter)
            #expect(harness.topScreenName == "PatientCardScreen")
            #expect(harness.screen.contains("pending since 22-11-2026"))
            #expect(try harness.store.pendingAbhaRequests().count == 1)
        }
    }

    @Test("Given a terminal without UTF-8, when her ABHA card is opened, then the rows stand beside a code of '##' modules that fits 80×24 and reads back")
    func asciiCard() async throws {
        var details = person("Lakshmi Bai", born: CivilDate(year: 1971, month: 6, day: 22)!, mobile: "9845012345")
        details.abhaNumber = "91845678901230"
        details.abhaAddress = "lakshmi.bai@sbx"
        let harness = try await card(details, abha: .none, clock: Clock(), glyphs: .ascii)
        await harness.press(.char("b"))
        #expect(harness.topScreenName == "AbhaCardScreen")
        assertSnapshot(harness.screen, named: "abha-card-ascii")
        if QRDecoder.testsRun {
            let lines = harness.screen.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().dropLast(2)
                .map { String(Array(DisplayWidth.pad(String($0), to: 80)).suffix(44)) }
            #expect(try QRDecoder.decode(QRDecoder.modules(hashes: Array(lines))) == "91845678901230")
        }
    }
}

@testable import ArogyaStore
import ArogyaCore
import ArogyaTesting
import Foundation
import Testing

/// The indicators as the store counts them: its people counted by sex and birth date in SQL, the rest read
/// one by one, handed to the one definition in `Indicators`.
@Suite("Programme indicators from the store's tables")
struct IndicatorStoreTests {
    let rules = Fixtures.nationalProtocol
    let text = ScreeningReasonText(strings: Fixtures.strings, protocol: Fixtures.nationalProtocol)
    let november = IndicatorPeriod.month("2026-11")!

    /// A clock the test moves, so registrations fall before, in and after the period.
    final class MovableClock: @unchecked Sendable {
        private let lock = NSLock()
        private var time = Timestamp(iso8601: "2026-10-05T09:00:00.000Z")!

        func set(_ iso8601: String) { lock.withLock { time = Timestamp(iso8601: iso8601)! } }
        var wallClock: WallClock { WallClock { [self] in lock.withLock { time } } }
    }

    func register(_ store: AppDatabase, _ name: String, _ sex: Sex, born: String, mobile: String? = nil) throws -> Patient {
        let today = LocalTime(store.clock.now()).date
        let details = PatientDetails(name: name, nameAlt: nil, sex: sex, birthDate: CivilDate(iso8601: born)!, birthDateEstimated: false,
                                     mobile: mobile, village: "Rampur", household: nil, abhaNumber: nil, abhaAddress: nil, mrn: nil,
                                     consent: Consent(given: true, method: .verbal, date: today))
        guard case .registered(let patient) = try store.registerPatient(details, confirmedNew: true, today: today, by: .account("asha")) else {
            throw StoreError.refused(UserMessage(.errorUnknownPatient, ["id": name]))
        }
        return patient
    }

    func screen(_ store: AppDatabase, _ patient: Patient, on day: String) throws {
        let input = try ScreeningInput.read(JSONField(try JSONParser.parse(#"{"sex": "female", "age": 45, "bp": [[124, 80], [122, 78]]}"#)),
                                            protocol: rules)
        _ = try store.recordScreening(ScreeningVisit(patientId: patient.id, kind: .screening, day: CivilDate(iso8601: day)!, input: input),
                                      reasonText: text, by: .account("asha"))
    }

    @Test("Given people registered before, in and after November, one dead and one too young, when the store counts November, then people 30+ are the active ones registered by its end and the one registered later but screened in it, and only the pair made in November is a suspected duplicate")
    func populationAndDuplicates() throws {
        let clock = MovableClock()
        let store = try Fixtures.setUpStore(clock: clock.wallClock)
        let sitaA = try register(store, "Sita Devi", .female, born: "1976-03-10", mobile: "9876543210")
        _ = try register(store, "Ram Prasad", .male, born: "1986-01-01")
        let gita = try register(store, "Gita Bai", .female, born: "1980-05-05")
        _ = try store.markPatient(id: gita.id, as: .deceased(on: CivilDate(iso8601: "2026-10-20")!), by: .account("asha"))
        _ = try register(store, "Pooja Kumari", .female, born: "2005-02-02")
        // Two Meenas of one household before November: a standing pair, not November's work.
        _ = try register(store, "Meena Kumari", .female, born: "1970-01-01", mobile: "9123456780")
        _ = try register(store, "Meena Kumari", .female, born: "1971-01-01", mobile: "9123456780")

        clock.set("2026-11-10T09:00:00.000Z")
        _ = try register(store, "Seeta Devi", .female, born: "1977-08-01", mobile: "9876543210")
        try screen(store, sitaA, on: "2026-11-10")

        clock.set("2026-12-03T09:00:00.000Z")
        let late = try register(store, "Kamla Devi", .female, born: "1980-01-01")
        try screen(store, late, on: "2026-11-20")

        let report = try store.indicators(period: november, rules: rules, today: CivilDate(iso8601: "2026-12-15")!)
        func pair(_ id: String) -> [Int?] { [report.figure(id)?.count, report.figure(id)?.of ?? nil] }
        // Sita, Ram, the two Meenas, Seeta, and Kamla (registered in December, screened in November).
        #expect(pair("cascade.people_30") == [6, nil])
        #expect(pair("cascade.screened_hypertension") == [2, 6])
        #expect(pair("cascade.screened_breast") == [0, 5])      // the women of them: all but Ram
        #expect(pair("quality.duplicates") == [1, nil])         // Sita and Seeta (first names' keys agree), not the Meenas
    }
}

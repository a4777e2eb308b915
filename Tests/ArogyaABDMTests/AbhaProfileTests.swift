import ArogyaABDM
import ArogyaCore
import Testing

@Suite("An ABHA profile beside the registration")
struct AbhaProfileTests {
    static func patient(_ name: String, sex: Sex = .female, born: CivilDate, estimated: Bool = false, mobile: String? = "9900011122") -> Patient {
        let time = Timestamp(iso8601: "2026-12-01T09:00:00.000Z")!
        return Patient(id: "p1", name: name, nameAlt: nil, sex: sex, birthDate: born, birthDateEstimated: estimated, mobile: mobile,
                       village: nil, household: nil, abhaNumber: nil, abhaAddress: nil, mrn: nil,
                       consent: Consent(given: true, method: .verbal, date: born), status: .active, lastSeenAt: nil,
                       createdAt: time, updatedAt: time, version: 1)
    }

    static let profile = AbhaProfile(JSONValue.object([
        ("firstName", .string("Anitha")), ("middleName", .string("")), ("lastName", .string("Naidu")), ("dob", .string("15-08-1982")),
        ("gender", .string("F")), ("mobile", .string("9900011122")), ("ABHANumber", .string("91-4098-7654-3219")),
        ("phrAddress", .array([.string("anitha.rampur@sbx")])),
    ]))!

    @Test("Given ABDM's profile, when read, then the name is joined, the date is DD-MM-YYYY and the number kept as 14 digits")
    func reads() {
        #expect(Self.profile.name == "Anitha Naidu" && Self.profile.sex == .female)
        #expect(Self.profile.birthDate == CivilDate(year: 1982, month: 8, day: 15) && Self.profile.abhaNumber == "91409876543219")
        #expect(Self.profile.abhaAddresses == ["anitha.rampur@sbx"])
        #expect(AbhaProfile(.object([("firstName", .string("No number"))])) == nil)
    }

    @Test("Given registrations that match the profile in the other script, by an estimated year, or not at all, when compared, then only real differences are listed")
    func differences() {
        let born = CivilDate(year: 1982, month: 8, day: 15)!
        #expect(Self.profile.differences(from: Self.patient("अनिता नायडू", born: born)) == [])
        #expect(Self.profile.differences(from: Self.patient("Anita Naydu", born: CivilDate(year: 1982, month: 1, day: 1)!, estimated: true)) == [])
        let other = Self.patient("Sunita Devi", sex: .male, born: CivilDate(year: 1980, month: 8, day: 15)!, mobile: "9876500017")
        #expect(Self.profile.differences(from: other).map(\.field) == ["name", "sex", "birth_date", "mobile"])
        let estimated = Self.patient("Anitha Naidu", born: CivilDate(year: 1984, month: 1, day: 1)!, estimated: true)
        #expect(Self.profile.differences(from: estimated) == [.yearOfBirth(registered: 1984, abha: 1982)])
    }

    @Test("Given an ABHA address typed as a name only or whole, when read, then a name stays a name and a whole address keeps its suffix, by the same rules")
    func addressOrName() throws {
        #expect(try Identifiers.abhaAddressOrName("Sita.Rampur") == "sita.rampur")
        #expect(try Identifiers.abhaAddressOrName("sita.rampur@abdm") == "sita.rampur@abdm")
        #expect(throws: UserMessage.self) { try Identifiers.abhaAddressOrName("1sita") }
        #expect(throws: UserMessage.self) { try Identifiers.abhaAddressOrName("sita.rampur@gmail") }
        #expect(try Identifiers.abhaAddressOrName("  ") == nil)
    }
}

@testable import ArogyaCore
import ArogyaTesting
import Testing

@Suite("Patient identifiers and rules")
struct PatientRulesTests {
    @Test("Given mobiles typed in the ways people write them, when checked, then each is its 10 digits", arguments: [
        ("9876543210", "9876543210"), ("+91 98765 43210", "9876543210"), ("098765-43210", "9876543210"), ("91 9876543210", "9876543210"),
    ])
    func mobiles(raw: String, expected: String) throws {
        #expect(try Identifiers.mobile(raw) == expected)
    }

    @Test("Given wrong mobiles, when checked, then each says what is wrong", arguments: [
        ("12345", StringKey.errorMobileLength), ("5876543210", .errorMobileStart), ("98765abc10", .errorMobileDigits),
        ("234123412346", .errorLooksLikeAadhaar),
    ])
    func wrongMobiles(raw: String, key: StringKey) {
        do { _ = try Identifiers.mobile(raw); Issue.record("accepted \(raw)") } catch { #expect(error.key == key) }
    }

    @Test("Given ABHA numbers with and without hyphens, when checked, then they are kept as 14 digits and shown grouped")
    func abhaNumbers() throws {
        #expect(try Identifiers.abhaNumber("91-6285-4575-5116") == "91628545755116")
        #expect(try Identifiers.abhaNumber(" 91628545755116 ") == "91628545755116")
        #expect(Identifiers.formattedAbhaNumber("91628545755116") == "91-6285-4575-5116")
        #expect(Identifiers.maskedAbhaNumber("91628545755116") == "**-****-****-5116")
        #expect(throws: UserMessage(.errorAbhaNumberLength)) { try Identifiers.abhaNumber("91-6285-4575") }
        #expect(throws: UserMessage(.errorAbhaNumberDigits)) { try Identifiers.abhaNumber("91-6285-4575-511x") }
        #expect(try Identifiers.abhaNumber("") == nil)
    }

    @Test("Given ABHA numbers, when the unpublished check digit is tested, then Luhn is only a hint", arguments: [
        ("91628545755116", true), ("91628545755117", false),
    ])
    func abhaChecksum(number: String, passes: Bool) {
        #expect(Identifiers.abhaNumberPassesLuhn(number) == passes)
    }

    @Test("Given ABHA addresses, when checked, then the published rules hold", arguments: [
        ("Asha.Devi@abdm", String?("asha.devi@abdm"), StringKey?.none), ("asha_91@sbx", "asha_91@sbx", nil), ("91628545755116@abdm", "91628545755116@abdm", nil),
        ("asha@gmail.com", nil, .errorAbhaAddressSuffix), ("abc@abdm", nil, .errorAbhaAddressLength),
        ("1asha@abdm", nil, .errorAbhaAddressStart), ("asha.@abdm", nil, .errorAbhaAddressEnd), ("आशा@abdm", nil, .errorAbhaAddressCharacters),
        ("asha devi@abdm", nil, .errorAbhaAddressCharacters),
    ])
    func abhaAddresses(raw: String, expected: String?, key: StringKey?) {
        do {
            #expect(try Identifiers.abhaAddress(raw) == expected)
            #expect(key == nil)
        } catch {
            #expect(error.key == key)
        }
    }

    @Test("Given a 12-digit number that passes Verhoeff, when typed anywhere, then it is recognised as Aadhaar and refused")
    func aadhaar() {
        #expect(Aadhaar.isValid("234123412346"))
        #expect(!Aadhaar.isValid("234123412347"))
        #expect(!Aadhaar.isValid("123412341234"))
        #expect(throws: UserMessage(.errorLooksLikeAadhaar)) { try Identifiers.localIdentifier("234123412346") }
        #expect(throws: UserMessage(.errorLooksLikeAadhaar)) { try Identifiers.abhaNumber("2341-2341-2346") }
    }

    @Test("Given the reference's vectors and 2,000 valid Aadhaar numbers, when one digit is changed or two neighbours swapped, then the check refuses every one, as Verhoeff's is made to")
    func verhoeffCatchesTypingMistakes() {
        #expect(Aadhaar.isValid("234567890124"))
        #expect(!Aadhaar.isValid("234567890123"))
        var seed: UInt64 = 42
        func nextDigit() -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int(seed >> 33) % 10
        }
        var missed: [String] = []
        for _ in 0..<2000 {
            let body = String(2 + nextDigit() % 8) + (0..<10).map { _ in String(nextDigit()) }.joined()
            guard let number = (0...9).map({ body + String($0) }).first(where: Aadhaar.isValid) else {
                Issue.record("no check digit makes \(body) valid")
                continue
            }
            var digits = Array(number)
            // Neighbours swapped (the first digit kept from 0 and 1, which fail for another reason).
            for index in 0..<11 where digits[index] != digits[index + 1] {
                digits.swapAt(index, index + 1)
                if Aadhaar.isValid(String(digits)) { missed.append(String(digits)) }
                digits.swapAt(index, index + 1)
            }
            for index in 1..<12 {
                let kept = digits[index]
                for other in "0123456789" where other != kept {
                    digits[index] = other
                    if Aadhaar.isValid(String(digits)) { missed.append(String(digits)) }
                }
                digits[index] = kept
            }
        }
        #expect(missed.isEmpty, "accepted with a typing mistake: \(missed.prefix(5))")
    }

    @Test("Given names, when checked, then Latin or Devanagari in one script pass and the rest say why", arguments: [
        ("Lakshmi Devi", StringKey?.none), ("लक्ष्मी देवी", nil), ("Mohd. Salim", nil), ("D'Souza", nil),
        ("Lakshmi 2", .errorNameDigits), ("Lakshmi देवी", .errorNameMixedScripts), ("லட்சுமி", .errorNameScript),
        ("L", .errorPatientNameLength), ("  ", .errorPatientNameEmpty), ("Asha 😀", .errorNoEmoji),
    ])
    func names(raw: String, key: StringKey?) {
        do {
            _ = try PatientRules.name(raw)
            #expect(key == nil)
        } catch {
            #expect(error.key == key)
        }
        #expect(throws: UserMessage(.errorNameAltScript)) { try PatientRules.alternateName("Asha", for: "Lakshmi") }
    }

    @Test("Given a birth date or an age, when read, then dates are exact and ages estimated")
    func birthDates() throws {
        let today = CivilDate(year: 2026, month: 11, day: 22)!
        let exact = try PatientRules.birthDate("14-03-1981", today: today)
        #expect(exact.0 == CivilDate(year: 1981, month: 3, day: 14) && !exact.estimated)
        #expect(try PatientRules.birthDate("1981-03-14", today: today).0 == exact.0)
        let estimated = try PatientRules.birthDate("45", today: today)
        #expect(estimated.estimated && Ages.years(from: estimated.0, to: today) == 45)
        #expect(try PatientRules.birthDate("45y", today: today).estimated)
        #expect(throws: UserMessage(.errorBirthFuture)) { try PatientRules.birthDate("2027-01-01", today: today) }
        #expect(throws: UserMessage(.errorAgeRange, ["max": "120"])) { try PatientRules.birthDate("130", today: today) }
        #expect(throws: UserMessage(.errorBirthFormat)) { try PatientRules.birthDate("31-02-1990", today: today) }
        #expect(throws: UserMessage(.errorBirthFormat)) { try PatientRules.birthDate("14-03-81", today: today) }
        #expect(Ages.years(from: CivilDate(year: 1981, month: 11, day: 23)!, to: today) == 44)
        #expect(Ages.years(from: CivilDate(year: 1981, month: 11, day: 22)!, to: today) == 45)
    }
}

@Suite("Search queries and ranking")
struct PatientQueryTests {
    @Test("Given search text, when parsed, then it is read as the lookup it asks for", arguments: [
        ("la", PatientQuery.name(NameKey.words("la"))), ("l", .tooShort), ("123", .tooShort), ("4321", .digits("4321")),
        ("+91 98765 43210", .digits("9876543210")), ("098765 43210", .digits("9876543210")),
        ("91-6285-4575-5116", .digits("91628545755116")), ("asha.devi@abdm", .abhaAddress("asha.devi@abdm")),
        ("HH-0042", .localIdentifier("HH-0042")), ("dev laks", .name(NameKey.words("dev laks"))),
    ])
    func parse(text: String, expected: PatientQuery) {
        #expect(PatientQuery.parse(text) == expected)
    }

    @Test("Given typed words, when names are scored, then exact beats prefix, spelling beats sound, and fewer extra words rank higher")
    func nameScores() {
        let typed = NameKey.words("lakshmi")
        let exact = PatientRanking.nameScore(typed: typed, searchTerms: NameKey.searchTerms(name: "Lakshmi", nameAlt: nil))
        let exactWithSurname = PatientRanking.nameScore(typed: typed, searchTerms: NameKey.searchTerms(name: "Lakshmi Devi", nameAlt: "लक्ष्मी देवी"))
        let variant = PatientRanking.nameScore(typed: typed, searchTerms: NameKey.searchTerms(name: "Laxmi Devi", nameAlt: nil))
        let prefix = PatientRanking.nameScore(typed: NameKey.words("laks"), searchTerms: NameKey.searchTerms(name: "Lakshmi Devi", nameAlt: nil))
        let none = PatientRanking.nameScore(typed: typed, searchTerms: NameKey.searchTerms(name: "Sita Devi", nameAlt: nil))
        #expect(exact > exactWithSurname)
        #expect(exactWithSurname > variant)
        #expect(variant > prefix)
        #expect(prefix > none)
        #expect(exact == 1)
        #expect(PatientRanking.nameScore(typed: typed, name: NameKey.words("Lakshmi")) == exact)
    }

    @Test("Given two equal name matches, when ordered, then this facility's village comes first, then the most recently seen")
    func ordering() {
        let now = Fixtures.now
        let local = PatientRanking.score(identifierExact: false, nameScore: 0.9, inFacilityVillage: true, lastSeen: now.adding(seconds: -300 * 86_400), now: now)
        let recentElsewhere = PatientRanking.score(identifierExact: false, nameScore: 0.9, inFacilityVillage: false, lastSeen: now, now: now)
        let betterName = PatientRanking.score(identifierExact: false, nameScore: 0.92, inFacilityVillage: false, lastSeen: nil, now: now)
        let exactId = PatientRanking.score(identifierExact: true, nameScore: 0, inFacilityVillage: false, lastSeen: nil, now: now)
        #expect(exactId == 1)
        #expect(betterName > local)
        #expect(local > recentElsewhere)
        #expect([exactId, betterName, local, recentElsewhere].allSatisfy { (0...1).contains($0) })
    }
}

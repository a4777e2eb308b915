/// A synthetic but realistic population for demonstrations and benchmarks: households sharing a surname,
/// a village and often a mobile; names in Devanagari and Latin with the spellings people really use;
/// ages following India's age pyramid; about half with ABHA numbers. Fixed by its seed.
public struct SyntheticPopulation: Sequence, Sendable {
    public struct Person: Sendable {
        public let details: PatientDetails
        public let createdAt: Timestamp
        public let lastSeenAt: Timestamp
    }

    public let count: Int
    public let seed: UInt64
    /// The facility's own villages; the others of the list are neighbouring villages.
    public let facilityVillages: [String]
    public let today: Timestamp

    /// Whether some households come from villages the facility does not serve (about 15%), which are then
    /// added to its list as not its own.
    public let neighbouringVillages: Bool

    public init(count: Int, seed: UInt64, facilityVillages: [String], neighbouringVillages: Bool = true, today: Timestamp) {
        self.count = count
        self.seed = seed
        self.facilityVillages = facilityVillages
        self.neighbouringVillages = neighbouringVillages
        self.today = today
    }

    /// The villages patients come from: the facility's, then neighbouring ones when asked for.
    public var villages: [String] {
        guard neighbouringVillages else { return facilityVillages }
        return facilityVillages + NameLists.villages.filter { name in !facilityVillages.contains { $0.lowercased() == name.lowercased() } }
    }

    /// Age bands of five years, 0–4 to 80+, and their shares of India's population (Census 2011 shape,
    /// shifted a decade older).
    static let ageBands: [Double] = [8.0, 8.4, 9.1, 9.6, 9.3, 8.8, 8.1, 7.4, 6.6, 5.9, 5.0, 4.2, 3.4, 2.6, 1.8, 1.1, 0.7]

    public func makeIterator() -> Iterator {
        Iterator(population: self)
    }

    public struct Iterator: IteratorProtocol {
        let population: SyntheticPopulation
        let villages: [String]
        var random: SeededRandom
        var produced = 0
        var household: [Person] = []
        var householdNumber = 0
        var abhaAddresses = 0

        init(population: SyntheticPopulation) {
            self.population = population
            self.villages = population.villages
            self.random = SeededRandom(seed: population.seed)
        }

        public mutating func next() -> Person? {
            guard produced < population.count else { return nil }
            if household.isEmpty { household = makeHousehold().reversed() }
            produced += 1
            return household.removeLast()
        }

        mutating func latin(_ name: NameLists.Name) -> String {
            // The first spelling is the usual one; the others are the variants people write.
            let weights = name.latin.indices.map { $0 == 0 ? 3.0 : 1.0 }
            return name.latin[random.weighted(weights)]
        }

        mutating func makeHousehold() -> [Person] {
            householdNumber += 1
            let village: String?
            if !population.neighbouringVillages {
                village = population.facilityVillages.isEmpty ? nil : random.pick(population.facilityVillages)
            } else {
                let facilityShare = population.facilityVillages.isEmpty ? 0 : 0.85
                village = random.chance(facilityShare) ? random.pick(population.facilityVillages)
                    : villages[random.int(in: population.facilityVillages.count...(villages.count - 1))]
            }
            let muslim = random.chance(0.18)
            let surnames = NameLists.surnames.filter { NameLists.muslimSurnames.contains($0.devanagari) == muslim }
            let surname = random.pick(surnames)
            let size = [2, 3, 4, 4, 5, 5, 6, 7][random.int(in: 0...7)]
            let householdId = "HH-\(householdNumber)"
            let sharedMobile = random.chance(0.6) ? mobile() : nil
            let inHouse = Timestamp(millisecondsSince1970: population.today.millisecondsSince1970
                                    - Int64(random.int(in: 0...(3 * 365))) * 86_400_000 - Int64(random.int(in: 0...86_399)) * 1000)
            var people: [Person] = []
            for _ in 0..<size {
                let sex: Sex = random.chance(0.5) ? .female : .male
                let band = random.weighted(SyntheticPopulation.ageBands)
                let age = Swift.min(100, band * 5 + random.int(in: 0...4) + (band == 16 ? random.int(in: 0...15) : 0))
                let pool = (sex == .female ? NameLists.female : NameLists.male)
                    .filter { NameLists.muslimFirstNames.contains($0.devanagari) == muslim }
                let first = random.pick(pool)
                // Many women are registered as "… Devi" or "… Kumari" rather than with the family name.
                var last = surname
                if sex == .female && !muslim && age >= 18 && random.chance(0.45) {
                    last = NameLists.Name(devanagari: age < 30 && random.chance(0.3) ? "कुमारी" : "देवी",
                                          latin: [age < 30 && random.chance(0.3) ? "Kumari" : "Devi"])
                }
                let devanagariName = first.devanagari + " " + last.devanagari
                let latinName = latin(first) + " " + latin(last)
                let inDevanagari = random.chance(0.4)
                let name = inDevanagari ? devanagariName : latinName
                let nameAlt = random.chance(0.5) ? (inDevanagari ? latinName : devanagariName) : nil
                let todayDate = population.today.utcDay
                let estimated = random.chance(0.3)
                let birthDate = estimated ? Ages.estimatedBirthDate(age: age, today: todayDate)
                    : todayDate.adding(days: -(age * 365 + random.int(in: 0...364)))
                let ownMobile = age >= 18 && random.chance(0.45) ? mobile() : nil
                let hasAbha = random.chance(0.5)
                let abhaNumber = hasAbha ? abha() : nil
                var abhaAddress: String?
                if hasAbha && random.chance(0.4) {
                    abhaAddresses += 1
                    let base = LatinFolding.fold(first.latin[0]) + "." + LatinFolding.fold(last.latin[0])
                    abhaAddress = String(base.prefix(12)) + String(abhaAddresses) + "@abdm"
                }
                let consentDate = inHouse.utcDay
                let details = PatientDetails(
                    name: name, nameAlt: nameAlt, sex: sex, birthDate: birthDate, birthDateEstimated: estimated,
                    mobile: ownMobile ?? (age >= 12 ? sharedMobile : nil), village: village, household: householdId,
                    abhaNumber: abhaNumber, abhaAddress: abhaAddress,
                    mrn: random.chance(0.3) ? "AAM-\(householdNumber)-\(people.count + 1)" : nil,
                    consent: Consent(given: random.chance(0.97), method: random.chance(0.85) ? .verbal : .thumbprint, date: consentDate))
                let seenDaysAgo = random.int(in: 0...(2 * 365))
                let lastSeen = Timestamp(millisecondsSince1970: Swift.max(inHouse.millisecondsSince1970,
                                                                    population.today.millisecondsSince1970 - Int64(seenDaysAgo) * 86_400_000))
                people.append(Person(details: details, createdAt: inHouse, lastSeenAt: lastSeen))
            }
            return people
        }

        mutating func mobile() -> String {
            String(random.int(in: 6...9)) + String((0..<9).map { _ in Character(String(random.int(in: 0...9))) })
        }

        /// 13 random digits and a Luhn check digit, like most published ABHA numbers.
        mutating func abha() -> String {
            let body = String(random.int(in: 1...9)) + String((0..<12).map { _ in Character(String(random.int(in: 0...9))) })
            for check in 0...9 where Identifiers.abhaNumberPassesLuhn(body + String(check)) { return body + String(check) }
            return body + "0"
        }
    }
}

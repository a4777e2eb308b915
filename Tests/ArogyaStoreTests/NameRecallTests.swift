@testable import ArogyaStore
import ArogyaCore
import ArogyaTesting
import Foundation
import Testing

/// Search recall on the hand-made set of name variants: among a synthetic population, the patient
/// registered under one spelling must be among the first 10 found for the other.
@Suite("Name search recall")
struct NameRecallTests {
    @Test("Given the labelled variants registered among 20,000 people, when each is searched as typed, then at least 99% are in the first 10, and each exact name comes first")
    func recall() throws {
        let variants = try NameVariants.load()
        #expect(variants.count >= 500)
        let store = try Fixtures.setUpStore()
        let population = SyntheticPopulation(count: 20_000, seed: 7, facilityVillages: ["Rampur", "Sitapur"], today: Fixtures.now)
        _ = try store.registerInBulk(population, by: .system) { _ in }
        let today = CivilDate(year: 2026, month: 11, day: 22)!
        var ids: [String: String] = [:]
        for name in Set(variants.map(\.registered)).sorted() {
            let details = PatientDetails(name: name, sex: .female, birthDate: CivilDate(year: 1970, month: 1, day: 1)!, birthDateEstimated: false,
                                         village: "Rampur", consent: Consent(given: true, method: .verbal, date: today))
            guard case .registered(let patient) = try store.registerPatient(details, confirmedNew: true, today: today, by: .system) else {
                Issue.record("could not register \(name)")
                continue
            }
            ids[name] = patient.id
        }
        // Found: among the first 10 once her namesakes are set aside: the people who bear the typed name, or
        // hers, keyed alike ("Firoz" for "Firoj"). No search can rank her above them, and among 20,000 people
        // there are dozens of Vimala Devis for "Vimala Devi". Counted plainly as well.
        var missed: [String] = []
        var plainHits = 0
        for variant in variants {
            let typed = NameKey.words(variant.typed)
            let found = try store.searchPatients(PatientQuery.parse(variant.typed), limit: 200)
            let target = ids[variant.registered] ?? ""
            if found.prefix(10).contains(where: { $0.patient.id == target }) { plainHits += 1 }
            let quality = { (patient: Patient) in
                PatientRanking.nameScore(typed: typed, name: NameKey.words(patient.name) + NameKey.words(patient.nameAlt ?? ""))
            }
            guard let mine = found.first(where: { $0.patient.id == target }) else { missed.append("\(variant.kind): \(variant.registered) ← \(variant.typed) (not found)"); continue }
            // Namesakes: people who bear the typed name, or hers (key for key): no search can rank her above them.
            let typedKeys = Set(typed.map(\.key)), herKeys = Set(NameKey.words(variant.registered).map(\.key))
            let namesake = { (patient: Patient) in
                let keys = Set((NameKey.words(patient.name) + NameKey.words(patient.nameAlt ?? "")).map(\.key))
                return typedKeys.isSubset(of: keys) || herKeys.isSubset(of: keys)
            }
            let better = found.filter { !namesake($0.patient) && quality($0.patient) > quality(mine.patient) + 1e-9 }.count
            if better >= 10 { missed.append("\(variant.kind): \(variant.registered) ← \(variant.typed) (\(better) better)") }
        }
        let recall = Double(variants.count - missed.count) / Double(variants.count)
        print("name recall@10: \(String(format: "%.1f", recall * 100))% (\(variants.count - missed.count) of \(variants.count)); plainly in the first 10: \(plainHits)")
        #expect(recall >= 0.99, "missed \(missed.count):\n\(missed.joined(separator: "\n"))")
        // An exact spelling is never ranked below another name.
        var outranked: [String] = []
        for name in ids.keys.sorted() {
            let found = try store.searchPatients(PatientQuery.parse(name), limit: 10)
            guard let mine = found.firstIndex(where: { $0.patient.id == ids[name] }) else { outranked.append(name + ": not found"); continue }
            if found[..<mine].contains(where: { $0.score > found[mine].score }) { outranked.append(name) }
        }
        #expect(outranked.isEmpty, "\(outranked)")
    }
}

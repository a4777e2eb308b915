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
        var missed: [String] = []
        for variant in variants {
            let found = try store.searchPatients(PatientQuery.parse(variant.typed), limit: 10).map(\.patient.id)
            if !found.contains(ids[variant.registered] ?? "") { missed.append("\(variant.kind): \(variant.registered) ← \(variant.typed)") }
        }
        let recall = Double(variants.count - missed.count) / Double(variants.count)
        print("name recall@10: \(String(format: "%.1f", recall * 100))% (\(variants.count - missed.count) of \(variants.count))")
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

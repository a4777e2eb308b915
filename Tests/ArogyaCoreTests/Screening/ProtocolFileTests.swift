@testable import ArogyaCore
import Foundation
import ArogyaTesting
import Testing

@Suite("Protocol files")
struct ProtocolFileTests {
    @Test("Given the national file, when loaded, then it is the national protocol with the contract's codes")
    func national() {
        let rules = Fixtures.nationalProtocol
        #expect(rules.id == "national" && rules.states.isEmpty)
        #expect(ScreeningProtocol.requiredSymptomCodes.allSatisfy { rules.symptomsByCode[$0] != nil })
        #expect(rules.bloodPressure.referAt == PressurePair(140, 90))
        #expect(rules.cbac.priorityAbove == 4)
    }

    @Test("Given broken protocol files, when read, then the place and the reason are named", arguments: [
        (#""refer_at": [140, 90]"#, #""refer_at": [190, 90]"#, "bp.urgent_at: 180/110 must be above refer_at 190/90"),
        (#""points": 1}, {"points": 2}],"#, #""points": "1"}, {"points": 2}],"#, #"cbac.waist_bands.female[1].points: expected a number, found "1""#),
        (#""refer_at": 126"#, #""refer_at": 99"#, "glucose.types.fasting: refer_at 99 must be above impaired_at 100"),
        (#""refer_to": "chc_ncd", "sex": "female", "label": {"en": "Lump in the breast""#, #""refer_to": "chc", "sex": "female", "label": {"en": "Lump in the breast""#,
         #"symptoms[24].refer_to: "chc" is not one of the places (chc_ncd, emergency, mo_phc, obstetric)"#),
        (#"{"code": "chest_pain""#, #"{"code": "chestpain""#, #"symptoms: the symptom "chest_pain" is missing; it is part of the screening contract"#),
        (#""age_version": "A""#, #""age_version": "D""#, #"cbac.age_version: "D" is not one of the age_bands (A, B, C)"#),
        (#""priority_above": 4"#, #""priority_abve": 4"#, #"cbac.priority_abve: unknown key; expected one of "age_version", "age_bands", "tobacco_points", "alcohol_daily_points", "waist_bands", "inactivity_points", "family_history_points", "priority_above", "min_age", "elderly_min_age""#),
        (#""states": []"#, #""states": ["XX"]"#, #"states[0]: "XX" is not a state or union territory code"#),
        (#""version": "2023.1""#, #""version": "2023-1""#, #"version: use numbers separated by dots, such as "2023.1""#),
        (#"{"min_age": 40, "points": 2},"#, #"{"min_age": 20, "points": 2},"#, "cbac.age_bands.A[2].min_age: bands must rise in age: 20 follows 30"),
    ])
    func broken(old: String, new: String, message: String) {
        do {
            _ = try ProtocolText.variant(old, new)
            Issue.record("the broken file was accepted")
        } catch {
            #expect(error.description == "variant.json: at \(message)")
        }
    }

    @Test("Given a file that is not JSON, when read, then the line and column are named")
    func syntax() {
        let text = ProtocolText.replacing(#""version": "2023.1","#, with: #""version": "2023.1""#)
        do {
            _ = try ScreeningProtocol.read(text: text, source: "broken.json")
            Issue.record("the broken file was accepted")
        } catch {
            #expect(error.description == "broken.json: at line 5, column 3: expected ',' or '}'")
        }
    }

    @Test("Given a library with a state file, when a protocol is chosen, then the state's newest file wins and others fall back")
    func selection() throws {
        let national = Fixtures.nationalProtocol
        let stateOld = try ScreeningProtocol.read(text: ProtocolText.replacing(#""id": "national""#, with: #""id": "maharashtra""#)
            .replacingOccurrences(of: #""states": []"#, with: #""states": ["MH", "GA"]"#), source: "mh-2023.json")
        let stateNew = try ScreeningProtocol.read(text: ProtocolText.replacing(#""id": "national""#, with: #""id": "maharashtra""#)
            .replacingOccurrences(of: #""states": []"#, with: #""states": ["MH"]"#)
            .replacingOccurrences(of: #""version": "2023.1""#, with: #""version": "2023.10""#), source: "mh-2024.json")
        let library = ProtocolLibrary(protocols: [national, stateOld, stateNew])
        #expect(library.protocolFor(state: "MH").source == "mh-2024.json")
        #expect(library.protocolFor(state: "GA").source == "mh-2023.json")
        #expect(library.protocolFor(state: "UP").id == "national")
        #expect(library.protocolFor(state: String?.none).id == "national")
        #expect(library.protocolWith(id: "maharashtra", version: "2023.1")?.source == "mh-2023.json")
    }
}

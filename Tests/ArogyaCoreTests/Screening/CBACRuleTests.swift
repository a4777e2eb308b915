@testable import ArogyaCore
import ArogyaTesting
import Testing

@Suite("CBAC scoring")
struct CBACRuleTests {
    static let nothing = CBACAnswers(tobacco: .never, alcoholDaily: false, waistCm: 70, activity150: true, familyHistory: false)

    @Test("Given each CBAC age version, when ages at the band edges are scored, then the version's points apply", arguments: [
        ("A", 29, 0), ("A", 30, 1), ("A", 39, 1), ("A", 40, 2), ("A", 49, 2), ("A", 50, 3), ("A", 59, 3), ("A", 60, 4), ("A", 95, 4),
        ("B", 30, 0), ("B", 39, 0), ("B", 40, 1), ("B", 50, 2), ("B", 59, 2), ("B", 60, 3),
        ("C", 30, 0), ("C", 40, 1), ("C", 49, 1), ("C", 50, 2), ("C", 60, 2),
    ])
    func ageVersions(version: String, age: Int, points: Int) throws {
        let rules = try ProtocolText.variant(#""age_version": "A""#, #""age_version": "\#(version)""#)
        #expect(ScreeningEngine(protocol: rules).cbacScore(Self.nothing, age: age, sex: .female) == points)
    }

    @Test("Given waists at the cut-offs, when scored, then women and men have their own bands", arguments: [
        (Sex.female, 80.0, 0), (.female, 80.5, 1), (.female, 81, 1), (.female, 90, 1), (.female, 91, 2),
        (.male, 90, 0), (.male, 91, 1), (.male, 100, 1), (.male, 100.5, 2), (.male, 101, 2),
        // Sex "other" takes the lower (female) cut-offs: the conservative side.
        (.other, 81, 1), (.other, 91, 2),
    ])
    func waist(sex: Sex, waist: Double, points: Int) {
        var answers = Self.nothing
        answers.waistCm = waist
        #expect(Evaluate.engine.cbacScore(answers, age: 29, sex: sex) == points)
    }

    @Test("Given each Part A answer, when scored, then it adds the form's points")
    func partA() {
        let engine = Evaluate.engine
        func score(_ change: (inout CBACAnswers) -> Void) -> Int {
            var answers = Self.nothing
            change(&answers)
            return engine.cbacScore(answers, age: 29, sex: .male)
        }
        #expect(score { _ in } == 0)
        #expect(score { $0.tobacco = .sometimes } == 1)
        #expect(score { $0.tobacco = .daily } == 2)
        #expect(score { $0.alcoholDaily = true } == 1)
        #expect(score { $0.activity150 = false } == 1)
        #expect(score { $0.familyHistory = true } == 2)
        // Unanswered items add nothing.
        #expect(engine.cbacScore(CBACAnswers(), age: 29, sex: .male) == 0)
    }

    @Test("Given scores of 4 and 5, when judged, then priority starts above the protocol's threshold")
    func priority() throws {
        // Age 50 → 3, plus sometimes tobacco → 4; plus daily alcohol → 5.
        let four = try Evaluate.output(#"{"sex": "male", "age": 50, "cbac": {"tobacco": "sometimes", "alcohol_daily": false, "waist_cm": 85, "activity_150": true, "family_history": false}}"#)
        #expect(four["cbac_score"] == .number(4))
        #expect(four["cbac_priority"] == .bool(false))
        let five = try Evaluate.output(#"{"sex": "male", "age": 50, "cbac": {"tobacco": "sometimes", "alcohol_daily": true, "waist_cm": 85, "activity_150": true, "family_history": false}}"#)
        #expect(five["cbac_priority"] == .bool(true))
        // Priority orders the work; it refers no one.
        #expect(five["refer"] == .bool(false))
        #expect(try Evaluate.sentences(#"{"sex": "male", "age": 50, "cbac": {"tobacco": "sometimes", "alcohol_daily": true}}"#)
            == ["CBAC score 5 > 4: a priority for screening"])
    }

    @Test("Given a state that marks priority from 4, when its file says so, then 4 is a priority")
    func stateThreshold() throws {
        let rules = try ProtocolText.variant(#""priority_above": 4"#, #""priority_above": 3"#)
        let engine = ScreeningEngine(protocol: rules)
        let decision = engine.evaluate(ScreeningInput(sex: .male, age: 50, cbac: CBACAnswers(tobacco: .sometimes)))
        #expect(decision.cbacScore == 4 && decision.cbacPriority == true)
    }

    @Test("Given any answers at any age, when scored, then no score exceeds the protocol's maximum", arguments: ["A", "B", "C"])
    func maximum(version: String) throws {
        let rules = try ProtocolText.variant(#""age_version": "A""#, #""age_version": "\#(version)""#)
        let engine = ScreeningEngine(protocol: rules)
        var random = SeededRandom(seed: 42)
        var highest = 0
        for _ in 0..<20_000 {
            let answers = CBACAnswers(
                tobacco: random.pick([nil] + TobaccoUse.allCases.map(Optional.some)),
                alcoholDaily: random.pick([nil, true, false]),
                waistCm: random.pick([nil, Double(random.int(in: 30...200))]),
                activity150: random.pick([nil, true, false]),
                familyHistory: random.pick([nil, true, false]))
            let score = engine.cbacScore(answers, age: random.int(in: 0...120), sex: random.pick(Sex.allCases))
            #expect(score >= 0 && score <= rules.cbac.maximumScore)
            highest = max(highest, score)
        }
        // The maximum is reachable, so the bound is tight rather than vacuous.
        #expect(highest == rules.cbac.maximumScore)
        #expect(rules.cbac.maximumScore == ["A": 12, "B": 11, "C": 10][version])
    }

    @Test("Given PHQ-2 totals of 2 and 3, when judged, then referral starts at 3")
    func phq2() throws {
        let two = try Evaluate.output(#"{"sex": "female", "age": 40, "phq2": [1, 1]}"#)
        #expect(two["phq2_refer"] == .bool(false))
        #expect(two["refer"] == .bool(false))
        let three = try Evaluate.output(#"{"sex": "female", "age": 40, "phq2": [2, 1]}"#)
        #expect(three["phq2_refer"] == .bool(true))
        #expect(try Evaluate.sentences(#"{"sex": "female", "age": 40, "phq2": [2, 1]}"#)
            == ["PHQ-2 total 3 ≥ 3: refer to the Medical Officer at the PHC for assessment of depression"])
        #expect(Evaluate.error(#"{"sex": "female", "age": 40, "phq2": [4, 0]}"#) == "phq2[0]: 4 is outside 0–3")
    }
}
